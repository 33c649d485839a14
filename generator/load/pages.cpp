#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"

namespace shnor::load {

std::vector<model::Page> read_pages(LoadContext& context, const Owner& owner) {
    std::vector<model::Page> pages;
    std::string folder = content_path(owner.dir, "pages");
    for (const auto& path : content_files(context, folder, {".md"})) {
        SourceFile file(context, content_path(folder, path.filename().string()), kFrontMatterOffset, owner.slug);
        auto markdown = read_markdown_file(file, true);
        if (!markdown) continue;
        Fields fields(file, markdown->front_matter, "");
        model::Page page;
        page.slug = path.stem().string();
        page.pos = {file.path(), 1};
        page.title = fields.text("title", Need::required);
        page.description = fields.text("description");
        page.body = markdown->body;
        pages.push_back(std::move(page));
    }
    return pages;
}

}  // namespace shnor::load
