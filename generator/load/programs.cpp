#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"

namespace shnor::load {

namespace {

std::vector<model::Task> read_tasks(Fields& fields) {
    std::vector<model::Task> tasks;
    auto items = fields.list("tasks");
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string path = fields.item_path("tasks", i);
        if (items[i].IsMap()) {
            Fields task(fields.file(), items[i], path);
            tasks.push_back({task.text("text", Need::required), task.texts("actions")});
        } else if (auto text = text_of(fields.file(), items[i], path); text && !text->empty()) {
            tasks.push_back({*text, {}});
        }
    }
    return tasks;
}

std::vector<model::Stage> read_stages(Fields& fields) {
    std::vector<model::Stage> stages;
    auto items = fields.list("stages");
    for (std::size_t i = 0; i < items.size(); ++i) {
        Fields stage(fields.file(), items[i], fields.item_path("stages", i));
        model::Stage read;
        read.name = stage.text("name", Need::required);
        read.start = stage.date("start");
        read.end = stage.date("end");
        read.when = stage.text("when");
        read.description = stage.text("description");
        stages.push_back(std::move(read));
    }
    return stages;
}

std::vector<model::Fact> read_other_rows(Fields& fields) {
    std::vector<model::Fact> rows;
    auto items = fields.list("other");
    for (std::size_t i = 0; i < items.size(); ++i) {
        Fields row(fields.file(), items[i], fields.item_path("other", i));
        rows.push_back({row.text("label", Need::required), row.text("value")});
    }
    return rows;
}

model::Program read_program(SourceFile& file, const YAML::Node& front_matter) {
    model::Program program;
    Fields fields(file, front_matter, "");
    program.pos = {file.path(), 1};
    program.title = fields.text("title", Need::required);
    program.kind = fields.choice("kind", {"programme", "complex-of-measures", "concept", "plan"}, "programme");
    program.approved_by = fields.text("approved_by");
    program.developers = fields.texts("developers", true);
    program.executors = fields.texts("executors", true);
    program.curator = fields.person("curator");
    program.goal = fields.text("goal");
    program.tasks = read_tasks(fields);
    program.indicators = fields.references("indicators", RefKind::indicator);
    program.period = fields.date_range("period");
    program.stages = read_stages(fields);
    program.expected_results = fields.texts("expected_results", true);
    program.control = fields.text("control");
    program.other = read_other_rows(fields);
    program.example = fields.flag("example");
    return program;
}

}  // namespace

std::vector<model::Program> read_programs(LoadContext& context, const Owner& owner) {
    std::vector<model::Program> programs;
    std::string folder = content_path(owner.dir, "programs");
    for (const auto& path : content_files(context, folder, {".md"})) {
        SourceFile file(context, content_path(folder, path.filename().string()), kFrontMatterOffset, owner.slug);
        auto markdown = read_markdown_file(file, true);
        if (!markdown) continue;
        model::Program program = read_program(file, markdown->front_matter);
        program.id = path.stem().string();
        program.body = markdown->body;
        programs.push_back(std::move(program));
    }
    return programs;
}

}  // namespace shnor::load
