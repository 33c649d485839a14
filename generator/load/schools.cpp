#include "load/content_access.hpp"
#include "load/front_matter.hpp"
#include "load/load.hpp"
#include "parallel/parallel.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"

#include <algorithm>
#include <set>

namespace shnor::load {

namespace fs = std::filesystem;

namespace {

std::optional<model::Mentor> read_mentor(Fields& fields) {
    YAML::Node node = fields.take("mentor");
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    model::Mentor mentor;
    if (node.IsMap()) {
        Fields outside(fields.file(), node, fields.path_of("mentor"));
        mentor.name = outside.text("name", Need::required);
        mentor.url = outside.url("url");
        return mentor;
    }
    auto slug = text_of(fields.file(), node, fields.path_of("mentor"));
    if (!slug || slug->empty()) return std::nullopt;
    mentor.slug = *slug;
    fields.file().refer(RefKind::school, mentor.slug, fields.line_of("mentor"), "mentor");
    return mentor;
}

std::vector<model::Category> read_categories(Fields& fields) {
    std::vector<model::Category> categories;
    auto items = fields.list("categories");
    for (std::size_t i = 0; i < items.size(); ++i) {
        Fields category_fields(fields.file(), items[i], fields.item_path("categories", i));
        model::Category category;
        category.type = category_fields.choice("type", {"shnor", "shnsu", "risk"}, "", Need::required);
        category.year = category_fields.year("year");
        category.basis = category_fields.text("basis");
        category.reasons = category_fields.texts("reasons", true);
        categories.push_back(std::move(category));
    }
    return categories;
}

std::vector<model::RiskFactor> read_risk_profile(Fields& fields) {
    std::vector<model::RiskFactor> factors;
    auto items = fields.list("risk_profile");
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string path = fields.item_path("risk_profile", i);
        if (items[i].IsMap()) {
            Fields factor(fields.file(), items[i], path);
            model::RiskFactor read;
            read.factor = factor.text("factor", Need::required);
            read.measures = factor.text("measures");
            read.document = factor.reference("document", RefKind::document);
            factors.push_back(std::move(read));
        } else if (auto text = text_of(fields.file(), items[i], path); text && !text->empty()) {
            factors.push_back({*text, "", ""});
        }
    }
    return factors;
}

std::optional<model::SelfDiagnosis> read_self_diagnosis(Fields& fields) {
    YAML::Node node = fields.take("self_diagnosis");
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    Fields diagnosis_fields(fields.file(), node, fields.path_of("self_diagnosis"));
    model::SelfDiagnosis diagnosis;
    diagnosis.year = diagnosis_fields.year("year");
    diagnosis.level = diagnosis_fields.text("level");
    diagnosis.document = diagnosis_fields.reference("document", RefKind::document);
    return diagnosis;
}

// Illustrative values in an example site are named, so the site can say so
// next to each of them.
std::vector<std::string> read_example_fields(Fields& fields) {
    static const std::set<std::string, std::less<>> kMarkable = {
        "address", "official_site", "students", "teachers", "rural", "small",
        "distance_km", "mentor", "risk_profile", "self_diagnosis", "head", "coordinator"};
    auto names = fields.texts("example_fields", true);
    for (const auto& name : names)
        if (!kMarkable.count(name))
            fields.file().error(fields.line_of("example_fields"), "example_fields",
                                "«" + name + "» не поле school.yaml, которое можно пометить как пример");
    return names;
}

void read_school_yaml(LoadContext& context, const Owner& owner, model::School& school) {
    std::string relative = content_path(owner.dir, "school.yaml");
    SourceFile file(context, relative, 0, owner.slug);
    school.pos = {relative, 1};
    if (!content_path_exists(context, relative)) {
        file.error(0, "", "нет файла school.yaml с названием школы");
        return;
    }
    auto root = read_yaml_file(file);
    if (!root) return;
    Fields fields(file, *root, "");
    school.name = fields.text("name", Need::required);
    school.short_name = fields.text("short_name");
    school.other_names = fields.texts("other_names", true);
    if (auto head = fields.person("head")) school.head = *head;
    if (auto coordinator = fields.person("coordinator")) school.coordinator = *coordinator;
    school.address = fields.text("address");
    school.official_site = fields.url("official_site");
    school.students = fields.integer_in("students", 0, 100'000);
    school.teachers = fields.integer_in("teachers", 0, 10'000);
    if (fields.has("rural")) school.rural = fields.flag("rural");
    if (fields.has("small")) school.small = fields.flag("small");
    school.distance_km = fields.number_in("distance_km", 0, 10'000);
    school.mentor = read_mentor(fields);
    school.categories = read_categories(fields);
    school.risk_profile = read_risk_profile(fields);
    school.self_diagnosis = read_self_diagnosis(fields);
    school.example_fields = read_example_fields(fields);
}

void read_intro(LoadContext& context, const Owner& owner, model::School& school) {
    std::string relative = content_path(owner.dir, "index.md");
    if (!content_path_exists(context, relative)) return;
    SourceFile file(context, relative, kFrontMatterOffset, owner.slug);
    auto markdown = read_markdown_file(file, false);
    if (!markdown) return;
    Fields fields(file, markdown->front_matter, "");
    school.intro_title = fields.text("title");
    school.intro = markdown->body;
}

model::School read_school(LoadContext& context, const std::string& slug) {
    Owner owner{"schools/" + slug, slug};
    model::School school;
    school.slug = slug;
    read_school_yaml(context, owner, school);
    read_intro(context, owner, school);
    school.own = read_publications(context, owner);
    school.results = read_results(context, owner, false);
    return school;
}

std::vector<std::string> school_folders(LoadContext& context) {
    std::vector<std::string> slugs;
    std::error_code error;
    ContentEntry folder_entry = inspect_content_path(context.content_dir, "schools");
    if (folder_entry.kind == EntryKind::link) refuse_link(context, folder_entry.link);
    if (folder_entry.kind != EntryKind::folder) return slugs;
    fs::path folder = context.content_dir / "schools";
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        if (entry.is_symlink(error)) {
            refuse_link(context, "schools/" + name);
            continue;
        }
        if (!entry.is_directory(error)) continue;
        if (!is_slug(name))
            context.diagnostics.error("schools/" + name, 0, "",
                                      "имя папки школы " + in_quotes(name) +
                                          " должно состоять из латинских строчных букв, цифр и дефисов");
        slugs.push_back(name);
    }
    std::sort(slugs.begin(), slugs.end());
    return slugs;
}

}  // namespace

SchoolLoad load_school(const fs::path& content_dir, const std::string& slug) {
    SchoolLoad load;
    LoadContext context{content_dir, load.diagnostics, {}, {}, {}};
    try {
        refuse_links_in_school(context, slug);
        load.school = read_school(context, slug);
    } catch (const std::exception& error) {
        load.diagnostics.error("schools/" + slug, 0, "", std::string("не удалось прочитать содержимое: ") + error.what());
    }
    load.references = std::move(context.references);
    return load;
}

std::vector<model::School> read_schools(LoadContext& context, const std::vector<SchoolListEntry>& order) {
    std::vector<std::string> folders = school_folders(context);
    std::vector<std::string> slugs;
    for (const auto& listed : order) {
        if (std::find(folders.begin(), folders.end(), listed.slug) == folders.end())
            context.diagnostics.error("site.yaml", listed.line, "schools",
                                      "школа " + in_quotes(listed.slug) + " указана в списке, но папки schools/" +
                                          listed.slug + " нет");
        else
            slugs.push_back(listed.slug);
    }
    for (const auto& slug : folders)
        if (std::find(slugs.begin(), slugs.end(), slug) == slugs.end()) slugs.push_back(slug);
    std::vector<SchoolLoad> loads(slugs.size());
    parallel::for_each_index(slugs.size(), [&](std::size_t i) {
        loads[i] = context.school_loader ? context.school_loader(slugs[i]) : load_school(context.content_dir, slugs[i]);
    });
    std::vector<model::School> schools;
    schools.reserve(loads.size());
    for (auto& load : loads) {
        context.diagnostics.append(load.diagnostics);
        for (auto& reference : load.references) context.references.push_back(std::move(reference));
        schools.push_back(std::move(load.school));
    }
    return schools;
}

}  // namespace shnor::load
