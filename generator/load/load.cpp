#include "load/load.hpp"

#include "load/content_access.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"
#include "platform/utf8_path.hpp"

#include <algorithm>
#include <exception>

namespace shnor::load {

namespace fs = std::filesystem;

std::string content_path(const std::string& owner_dir, const std::string& inside) {
    if (owner_dir.empty()) return platform::path_from_utf8(inside).lexically_normal().generic_string();
    return (platform::path_from_utf8(owner_dir) / platform::path_from_utf8(inside)).lexically_normal().generic_string();
}

std::vector<fs::path> content_files(LoadContext& context, const std::string& folder_path,
                                    const std::vector<std::string>& extensions) {
    std::vector<fs::path> files;
    ContentEntry folder_entry = inspect_content_path(context.content_dir, folder_path);
    if (folder_entry.kind == EntryKind::link) refuse_link(context, folder_entry.link);
    if (folder_entry.kind != EntryKind::folder) return files;
    fs::path folder = context.content_dir / platform::path_from_utf8(folder_path);
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        std::string relative = content_path(folder_path, name);
        if (entry.is_symlink(error)) {
            refuse_link(context, relative);
            continue;
        }
        if (!entry.is_regular_file(error)) continue;
        std::string extension = entry.path().extension().string();
        if (std::find(extensions.begin(), extensions.end(), extension) == extensions.end()) {
            context.diagnostics.warning(relative, 0, "",
                                        "файл не будет прочитан: в этой папке ожидаются файлы " + join(extensions, ", "));
            continue;
        }
        if (!is_slug(entry.path().stem().string()))
            context.diagnostics.error(relative, 0, "",
                                      "имя файла " + in_quotes(entry.path().stem().string()) +
                                          " должно состоять из латинских строчных букв, цифр и дефисов");
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

model::Publications read_publications(LoadContext& context, const Owner& owner) {
    model::Publications publications;
    publications.documents = read_documents(context, owner);
    publications.programs = read_programs(context, owner);
    publications.roadmaps = read_roadmaps(context, owner);
    publications.news = read_news(context, owner);
    publications.pages = read_pages(context, owner);
    return publications;
}

namespace {

// A school taken from the cache was checked when it was read; but a file it
// publishes may since have become a link that keeps the stamp (size, mtime)
// of the file it replaced, so its stamps, and the cache, would not notice.
void recheck_published_files(LoadContext& context, const std::vector<model::School>& schools) {
    auto recheck = [&](const std::string& path, const model::SourcePos& pos) {
        ContentEntry entry = inspect_content_path(context.content_dir, path);
        if (entry.kind == EntryKind::file) return;
        if (entry.kind == EntryKind::link) refuse_link(context, entry.link);
        else context.diagnostics.error(pos.file, pos.line, "", "файл " + in_quotes(path) + " больше не найден");
    };
    for (const auto& school : schools) {
        for (const auto& document : school.own.documents)
            if (!document.site_path.empty()) recheck(document.site_path, document.pos);
        for (const auto& news : school.own.news)
            for (const auto& photo : news.photo_site_paths) recheck(photo, news.pos);
    }
}

void load_everything(LoadContext& context, model::Site& site) {
    SiteFile site_file = read_site_config(context);
    site.config = std::move(site_file.config);
    site.district = read_publications(context, Owner{});
    site.indicators = read_indicators(context);
    site.district_results = read_results(context, Owner{}, true);
    site.schools = read_schools(context, site_file.school_order);
    recheck_published_files(context, site.schools);
    check_result_rows(context, site);
    check_references(context, site);
}

}  // namespace

LoadResult load_site(const fs::path& content_dir, SchoolLoader school_loader) {
    LoadResult result;
    result.site.content_dir = content_dir;
    LoadContext context{content_dir, result.diagnostics, {}, std::move(school_loader), {}};
    if (!fs::is_directory(content_dir)) {
        result.diagnostics.error(content_dir.string(), 0, "", "папка с содержимым сайта не найдена");
        return result;
    }
    try {
        refuse_links_in_tree(context);
        load_everything(context, result.site);
    } catch (const std::exception& error) {
        // A file system failure (permissions, a file vanishing mid-build) is
        // still a message, not a crash.
        result.diagnostics.error("", 0, "", std::string("не удалось прочитать содержимое: ") + error.what());
    }
    return result;
}

}  // namespace shnor::load
