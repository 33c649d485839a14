#include "load/content_access.hpp"
#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"
#include "platform/utf8_path.hpp"

#include <algorithm>
#include <set>

namespace shnor::load {

namespace fs = std::filesystem;

namespace {

std::string upper_extension(const fs::path& path) {
    std::string extension = path.extension().string();
    if (!extension.empty()) extension.erase(0, 1);
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return extension;
}

void attach_local_file(Fields& fields, const Owner& owner, model::Document& document) {
    SourceFile& file = fields.file();
    auto attached = attached_file(file, fields.line_of("file"), fields.path_of("file"), owner.dir, document.file);
    if (!attached) return;
    document.file_path = file.context().content_dir / platform::path_from_utf8(attached->path);
    document.site_path = attached->path;
    document.file_size = attached->size;
    document.file_type = upper_extension(document.file_path);
}

model::Document read_document(SourceFile& file, const YAML::Node& node, const std::string& path,
                              const Owner& owner) {
    Fields fields(file, node, path);
    model::Document document;
    document.pos = file.pos_of(node);
    document.id = fields.slug("id", Need::required);
    document.kind = fields.choice("kind",
                                  {"order", "programme", "plan", "report", "analytics", "recommendations",
                                   "protocol", "other"},
                                  "other");
    document.title = fields.text("title", Need::required);
    document.number = fields.text("number");
    document.date = fields.date("date");
    document.issuer = fields.text("issuer");
    document.file = fields.text("file");
    if (!document.file.empty()) attach_local_file(fields, owner, document);
    document.url = fields.url("url");
    document.based_on = fields.references("based_on", RefKind::document, true);
    document.page = fields.reference("page", RefKind::page);
    document.signed_by = fields.person("signed_by");
    document.example = fields.flag("example");
    return document;
}

}  // namespace

std::vector<model::Document> read_documents(LoadContext& context, const Owner& owner) {
    std::vector<model::Document> documents;
    std::string relative = content_path(owner.dir, "documents.yaml");
    if (!content_path_exists(context, relative)) return documents;
    SourceFile file(context, relative, 0, owner.slug);
    auto root = read_yaml_file(file);
    if (!root || root->IsNull()) return documents;
    if (!root->IsSequence()) {
        file.error(file.line_of(*root), "", "ожидается список документов, каждый начинается с «- id: ...»");
        return documents;
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < root->size(); ++i) {
        model::Document document = read_document(file, (*root)[i], item_path("", i), owner);
        if (!document.id.empty() && !ids.insert(document.id).second)
            file.error(document.pos.line, item_path("", i) + ".id",
                       "документ с идентификатором " + in_quotes(document.id) + " уже описан выше");
        documents.push_back(std::move(document));
    }
    return documents;
}

}  // namespace shnor::load
