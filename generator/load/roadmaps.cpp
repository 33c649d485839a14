#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"

#include <map>

namespace shnor::load {

namespace {

[[maybe_unused]] model::Status status_named(const std::string& name) {
    if (name == "in_progress") return model::Status::in_progress;
    if (name == "done") return model::Status::done;
    if (name == "cancelled") return model::Status::cancelled;
    return model::Status::planned;
}

// `schools: all` names every school of the site; otherwise slugs, each
// checked against the schools' folders once everything is loaded.
void read_schools(Fields& fields, model::RoadmapItem& item) {
    YAML::Node node = fields.take("schools");
    if (node.IsDefined() && node.IsScalar() && trim(node.Scalar()) == "all") {
        item.all_schools = true;
        return;
    }
    item.schools = fields.references("schools", RefKind::school, true);
}

model::RoadmapItem read_item(SourceFile& file, const YAML::Node& node, const std::string& path, bool is_part);

// An item printed as sub-rows: the parts carry the deadlines, statuses and
// reports, so the item itself must not (its own would contradict them).
void read_parts(Fields& fields, model::RoadmapItem& item) {
    if (!fields.has("parts")) return;
    auto nodes = fields.list("parts");
    for (std::size_t i = 0; i < nodes.size(); ++i)
        item.parts.push_back(read_item(fields.file(), nodes[i], fields.item_path("parts", i), true));
    if (item.parts.empty()) return;
    for (const char* own : {"when", "start", "due", "status", "report", "reported", "evidence"})
        if (fields.has(own))
            fields.file().error(fields.line_of(own), fields.path_of(own),
                                "у мероприятия с частями (parts) нет своего срока, статуса и отчёта: перенесите «" +
                                    std::string(own) + "» в каждую из частей");
}

// A part (a sub-row of an item) has the fields of an item but `n`,
// `schools` and `parts`: it is named by its item.
model::RoadmapItem read_item(SourceFile& file, const YAML::Node& node, const std::string& path, bool is_part = false) {
    Fields fields(file, node, path);
    model::RoadmapItem item;
    item.pos = file.pos_of(node);
    if (!is_part) item.n = fields.text("n");
    // A part printed without a title of its own (seed 002: the same measure,
    // another body and deadline) repeats its item's on the site.
    item.title = fields.text("title", is_part ? Need::optional : Need::required);
    item.when = fields.text("when");
    item.start = fields.date("start");
    item.due = fields.date("due");
    if (item.start && item.due && *item.due < *item.start)
        file.error(fields.line_of("due"), fields.path_of("due"),
                   "срок " + item.due->iso() + " раньше начала " + item.start->iso());
    item.responsible = fields.texts("responsible", true);
    item.result = fields.text("result");
    item.status_given = fields.has("status");
    item.status = fields.status("status");
    item.report = fields.text("report");
    item.reported = fields.date("reported");
    item.evidence = fields.references("evidence", RefKind::evidence, true);
    if (!is_part) read_schools(fields, item);
    item.level = fields.text("level");
    item.example = fields.flag("example");
    if (!is_part) read_parts(fields, item);
    return item;
}

std::vector<model::RoadmapItem> read_items(Fields& fields) {
    std::vector<model::RoadmapItem> items;
    auto nodes = fields.list("items");
    for (std::size_t i = 0; i < nodes.size(); ++i)
        items.push_back(read_item(fields.file(), nodes[i], fields.item_path("items", i)));
    return items;
}

std::vector<model::RoadmapSection> read_sections(Fields& fields) {
    std::vector<model::RoadmapSection> sections;
    auto nodes = fields.list("sections");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        Fields section_fields(fields.file(), nodes[i], fields.item_path("sections", i));
        model::RoadmapSection section;
        section.n = section_fields.text("n");
        section.title = section_fields.text("title");
        section.items = read_items(section_fields);
        sections.push_back(std::move(section));
    }
    return sections;
}

// Item numbers make the anchors (#item-3) and references (plan#3) of a
// roadmap's items, so one number names one item.
void check_unique_numbers(SourceFile& file, const model::Roadmap& roadmap) {
    std::map<std::string, int> first_line;
    for (std::size_t s = 0; s < roadmap.sections.size(); ++s) {
        const auto& items = roadmap.sections[s].items;
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& item = items[i];
            if (item.n.empty()) continue;
            auto [first, fresh] = first_line.emplace(item.n, item.pos.line);
            if (fresh) continue;
            std::string path = roadmap.flat ? item_path("items", i) : item_path(item_path("sections", s) + ".items", i);
            file.error(item.pos.line, path + ".n",
                       "номер " + in_quotes(item.n) + " уже есть у мероприятия в " + file.path() + ":" +
                           std::to_string(first->second) +
                           ": номера мероприятий одной «дорожной карты» не должны повторяться, по ним строятся "
                           "ссылки на мероприятия (например, 2.1, 2.2 в разделе 2)");
        }
    }
}

model::Roadmap read_roadmap(SourceFile& file, const YAML::Node& root) {
    Fields fields(file, root, "");
    model::Roadmap roadmap;
    roadmap.pos = {file.path(), 1};
    roadmap.title = fields.text("title", Need::required);
    roadmap.period = fields.date_range("period");
    roadmap.approved_by = fields.text("approved_by");
    roadmap.program = fields.reference("program", RefKind::program);
    roadmap.description = fields.text("description");
    if (fields.has("sections") && fields.has("items"))
        file.error(fields.line_of("items"), "items",
                   "укажите либо разделы (sections), либо простой список мероприятий (items), но не оба сразу");
    if (fields.has("sections")) {
        roadmap.sections = read_sections(fields);
    } else {
        roadmap.flat = true;
        roadmap.sections.push_back({"", "", read_items(fields)});
    }
    fields.accept("items");
    check_unique_numbers(file, roadmap);
    return roadmap;
}

}  // namespace

std::vector<model::Roadmap> read_roadmaps(LoadContext& context, const Owner& owner) {
    std::vector<model::Roadmap> roadmaps;
    std::string folder = content_path(owner.dir, "roadmaps");
    for (const auto& path : content_files(context, folder, {".yaml", ".yml"})) {
        SourceFile file(context, content_path(folder, path.filename().string()), 0, owner.slug);
        auto root = read_yaml_file(file);
        if (!root) continue;
        model::Roadmap roadmap = read_roadmap(file, *root);
        roadmap.id = path.stem().string();
        roadmaps.push_back(std::move(roadmap));
    }
    return roadmaps;
}

}  // namespace shnor::load
