// Open data: data/*.json and data/*.csv. The JSON of site.json is also what a
// `district` source of another build reads, so it is complete and stable:
// every key is always present (null or "" when empty), in a fixed order.
#include "derive/indicators.hpp"
#include "derive/results.hpp"
#include "render/escape.hpp"
#include "view/view.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <sstream>

namespace shnor::view {

namespace {

using Json = nlohmann::ordered_json;
using model::Date;

constexpr int kFormatVersion = 1;

// ---- JSON values -------------------------------------------------------

Json date_json(const std::optional<Date>& date) { return date ? Json(date->iso()) : Json(nullptr); }

template <typename Number>
Json number_json(const std::optional<Number>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json person_json(const model::Person& person) {
    return Json{{"name", person.name},   {"position", person.position}, {"organization", person.organization},
                {"phone", person.phone}, {"email", person.email},       {"example", person.example}};
}

Json optional_person_json(const std::optional<model::Person>& person) {
    return person ? person_json(*person) : Json(nullptr);
}

Json period_json(const std::optional<model::DateRange>& period) {
    if (!period) return nullptr;
    return Json{{"start", period->start.iso()}, {"end", period->end.iso()}};
}

Json facts_json(const std::vector<model::Fact>& facts) {
    Json list = Json::array();
    for (const auto& fact : facts) list.push_back(Json{{"label", fact.label}, {"value", fact.value}});
    return list;
}

std::string status_name(model::Status status) {
    switch (status) {
        case model::Status::planned: return "planned";
        case model::Status::in_progress: return "in_progress";
        case model::Status::done: return "done";
        case model::Status::cancelled: return "cancelled";
    }
    return "planned";
}

std::string shown_status_name(model::ShownStatus status) {
    switch (status) {
        case model::ShownStatus::planned: return "planned";
        case model::ShownStatus::in_progress: return "in_progress";
        case model::ShownStatus::done: return "done";
        case model::ShownStatus::cancelled: return "cancelled";
        case model::ShownStatus::overdue: return "overdue";
        case model::ShownStatus::ongoing: return "ongoing";
    }
    return "planned";
}

Json progress_json(const derive::Progress& progress) {
    return Json{{"total", progress.total},         {"done", progress.done},
                {"in_progress", progress.in_progress}, {"planned", progress.planned},
                {"overdue", progress.overdue},     {"cancelled", progress.cancelled},
                {"ongoing", progress.ongoing},     {"percent_done", progress.percent_done()}};
}

std::string dump(const Json& json) { return json.dump(2) + "\n"; }

// A JSON array as dump(2) prints it inside an object, built one element at a
// time: the big files (all roadmap items, all results of a region) are then
// never held as a whole tree, which would take several times their size.
class JsonArrayText {
public:
    void push_back(const Json& element) {
        text_ += count_++ ? ",\n    " : "\n    ";
        std::string dumped = element.dump(2);
        for (char c : dumped) {
            text_ += c;
            if (c == '\n') text_ += "    ";
        }
    }
    std::string text() const { return count_ ? "[" + text_ + "\n  ]" : "[]"; }

private:
    std::string text_;
    std::size_t count_ = 0;
};

// dump(json) with each string value `placeholder` replaced by its array.
std::string dump_with_arrays(const Json& json, const std::vector<std::pair<std::string, const JsonArrayText*>>& arrays) {
    std::string text = dump(json);
    for (const auto& [placeholder, array] : arrays) {
        std::string quoted = "\"" + placeholder + "\"";
        auto at = text.find(quoted);
        if (at != std::string::npos) text.replace(at, quoted.size(), array->text());
    }
    return text;
}

// ---- owners and URLs (relative to the site root) -------------------------

// The district's publications, or one school's.
struct Owner {
    std::string name;    // "district" or the school slug
    std::string prefix;  // "" or "schools/<slug>/"
    const model::Publications* own;
};

std::vector<Owner> owners_of(const model::Site& site) {
    std::vector<Owner> owners{{"district", "", &site.district}};
    for (const auto& school : site.schools) owners.push_back({school.slug, "schools/" + school.slug + "/", &school.own});
    return owners;
}

std::string roadmap_url(const Owner& owner, const model::Roadmap& roadmap) {
    return owner.prefix.empty() ? "roadmaps/" + roadmap.id + "/" : owner.prefix + "roadmap/";
}

// ---- CSV ---------------------------------------------------------------

std::string csv_number(const std::optional<double>& value) {
    if (!value) return {};
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, *value);
    return error == std::errc() ? std::string(buffer, end) : std::string();
}

std::string csv_number(const std::optional<int>& value) { return value ? std::to_string(*value) : std::string(); }

std::string csv_date(const std::optional<Date>& date) { return date ? date->iso() : std::string(); }

std::string csv_bool(bool value) { return value ? "true" : "false"; }
std::string csv_bool(const std::optional<bool>& value) { return value ? csv_bool(*value) : std::string(); }
Json flag_json(const std::optional<bool>& value) { return value ? Json(*value) : Json(nullptr); }

std::string joined(const std::vector<std::string>& values, const std::string& separator = "; ") {
    std::string text;
    for (const auto& value : values) text += (text.empty() ? "" : separator) + value;
    return text;
}

// UTF-8 with a byte order mark (so Excel detects the encoding), RFC 4180 quoting, CRLF.
class CsvTable {
public:
    explicit CsvTable(std::initializer_list<std::string> header) : header_(header) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

    std::string bytes() const {
        std::string out = "\xEF\xBB\xBF";
        append_row(out, header_);
        for (const auto& row : rows_) append_row(out, row);
        return out;
    }

private:
    static void append_row(std::string& out, const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i) out += ',';
            out += render::escape_csv_field(row[i]);
        }
        out += "\r\n";
    }

    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

// ---- schools -----------------------------------------------------------

Json categories_json(const std::vector<model::Category>& categories) {
    Json list = Json::array();
    for (const auto& category : categories)
        list.push_back(Json{{"type", category.type},
                            {"year", number_json(category.year)},
                            {"basis", category.basis},
                            {"reasons", category.reasons}});
    return list;
}

Json mentor_json(const std::optional<model::Mentor>& mentor) {
    if (!mentor) return nullptr;
    return Json{{"slug", mentor->slug}, {"name", mentor->name}, {"url", mentor->url}};
}

Json risk_profile_json(const std::vector<model::RiskFactor>& factors) {
    Json list = Json::array();
    for (const auto& factor : factors)
        list.push_back(Json{{"factor", factor.factor}, {"measures", factor.measures}, {"document", factor.document}});
    return list;
}

Json self_diagnosis_json(const std::optional<model::SelfDiagnosis>& diagnosis) {
    if (!diagnosis) return nullptr;
    return Json{{"year", number_json(diagnosis->year)}, {"level", diagnosis->level}, {"document", diagnosis->document}};
}

int roadmap_item_count(const std::vector<model::Roadmap>& roadmaps) {
    int count = 0;
    for (const auto& roadmap : roadmaps)
        for (const auto& section : roadmap.sections) count += static_cast<int>(section.items.size());
    return count;
}

Json counts_json(const model::School& school) {
    return Json{{"programs", school.own.programs.size()},
                {"roadmaps", school.own.roadmaps.size()},
                {"roadmap_items", roadmap_item_count(school.own.roadmaps)},
                {"documents", school.own.documents.size()},
                {"news", school.own.news.size()},
                {"pages", school.own.pages.size()},
                {"results", school.results.size()}};
}

Json school_json(const model::School& school) {
    return Json{{"slug", school.slug},
                {"name", school.name},
                {"short_name", school.short_name},
                {"other_names", school.other_names},
                {"url", "schools/" + school.slug + "/"},
                {"address", school.address},
                {"official_site", school.official_site},
                {"students", number_json(school.students)},
                {"teachers", number_json(school.teachers)},
                {"rural", flag_json(school.rural)},
                {"small", flag_json(school.small)},
                {"distance_km", number_json(school.distance_km)},
                {"mentor", mentor_json(school.mentor)},
                {"head", person_json(school.head)},
                {"coordinator", person_json(school.coordinator)},
                {"categories", categories_json(school.categories)},
                {"risk_profile", risk_profile_json(school.risk_profile)},
                {"self_diagnosis", self_diagnosis_json(school.self_diagnosis)},
                {"example_fields", school.example_fields},
                {"counts", counts_json(school)},
                {"progress", progress_json(derive::progress_of(school.own.roadmaps))}};
}

std::vector<TextFile> schools_files(const model::Site& site, const BuildContext& context) {
    Json list = Json::array();
    CsvTable csv{"slug", "name", "short_name", "url", "category_types", "category_years", "basis", "reasons",
                 "head", "head_position", "coordinator", "coordinator_position", "coordinator_phone",
                 "coordinator_email", "students", "teachers", "rural", "small", "roadmap_items", "done",
                 "in_progress", "planned", "overdue", "cancelled", "ongoing", "percent_done"};
    for (const auto& school : site.schools) {
        list.push_back(school_json(school));
        std::vector<std::string> types, years, bases, reasons;
        for (const auto& category : school.categories) {
            types.push_back(category.type);
            years.push_back(category.year ? std::to_string(*category.year) : "");
            bases.push_back(category.basis);
            for (const auto& reason : category.reasons) reasons.push_back(reason);
        }
        auto progress = derive::progress_of(school.own.roadmaps);
        csv.add({school.slug, school.name, school.short_name, "schools/" + school.slug + "/", joined(types),
                 joined(years), joined(bases), joined(reasons), school.head.name, school.head.position,
                 school.coordinator.name, school.coordinator.position, school.coordinator.phone,
                 school.coordinator.email, csv_number(school.students), csv_number(school.teachers),
                 csv_bool(school.rural), csv_bool(school.small), std::to_string(progress.total),
                 std::to_string(progress.done), std::to_string(progress.in_progress), std::to_string(progress.planned),
                 std::to_string(progress.overdue), std::to_string(progress.cancelled),
                 std::to_string(progress.ongoing), std::to_string(progress.percent_done())});
    }
    Json json{{"build_date", context.build_date.iso()}, {"schools", list}};
    return {{"data/schools.json", dump(json)}, {"data/schools.csv", csv.bytes()}};
}

// ---- roadmaps ----------------------------------------------------------

Json item_json(const model::RoadmapItem& item) {
    return Json{{"n", item.n},
                {"title", item.title},
                {"when", item.when},
                {"start", date_json(item.start)},
                {"due", date_json(item.due)},
                {"derived_start", date_json(item.derived.start)},
                {"derived_due", date_json(item.derived.due)},
                {"ongoing", item.derived.ongoing},
                {"status", item.status_given ? Json(status_name(item.status)) : Json(nullptr)},
                {"shown_status", shown_status_name(item.derived.shown)},
                {"responsible", item.responsible},
                {"result", item.result},
                {"report", item.report},
                {"reported", date_json(item.reported)},
                {"evidence", item.evidence},
                {"schools", item.schools},
                {"example", item.example}};
}

Json roadmap_json(const Owner& owner, const model::Roadmap& roadmap) {
    Json sections = Json::array();
    for (const auto& section : roadmap.sections) {
        Json items = Json::array();
        for (const auto& item : section.items) items.push_back(item_json(item));
        sections.push_back(Json{{"n", section.n}, {"title", section.title}, {"items", items}});
    }
    return Json{{"owner", owner.name},
                {"id", roadmap.id},
                {"title", roadmap.title},
                {"url", roadmap_url(owner, roadmap)},
                {"period", period_json(roadmap.period)},
                {"approved_by", roadmap.approved_by},
                {"program", roadmap.program},
                {"description", roadmap.description},
                {"flat", roadmap.flat},
                {"progress", progress_json(derive::progress_of(roadmap))},
                {"sections", sections}};
}

std::vector<TextFile> roadmaps_files(const model::Site& site, const BuildContext& context) {
    JsonArrayText roadmaps;
    JsonArrayText items;
    CsvTable csv{"owner", "roadmap", "section_n", "section_title", "n", "title", "when", "start", "due",
                 "derived_start", "derived_due", "ongoing", "status", "shown_status", "responsible", "result",
                 "report", "reported", "evidence", "schools", "example"};
    for (const auto& owner : owners_of(site)) {
        for (const auto& roadmap : owner.own->roadmaps) {
            roadmaps.push_back(roadmap_json(owner, roadmap));
            for (const auto& section : roadmap.sections) {
                for (const auto& item : section.items) {
                    Json row{{"owner", owner.name},
                             {"roadmap", roadmap.id},
                             {"section_n", section.n},
                             {"section_title", section.title}};
                    row.update(item_json(item));
                    items.push_back(std::move(row));
                    csv.add({owner.name, roadmap.id, section.n, section.title, item.n, item.title, item.when,
                             csv_date(item.start), csv_date(item.due), csv_date(item.derived.start),
                             csv_date(item.derived.due), csv_bool(item.derived.ongoing),
                             item.status_given ? status_name(item.status) : "", shown_status_name(item.derived.shown),
                             joined(item.responsible), item.result, item.report, csv_date(item.reported),
                             joined(item.evidence), joined(item.schools), csv_bool(item.example)});
                }
            }
        }
    }
    Json json{{"build_date", context.build_date.iso()}, {"roadmaps", "@roadmaps@"}, {"items", "@items@"}};
    return {{"data/roadmaps.json", dump_with_arrays(json, {{"@roadmaps@", &roadmaps}, {"@items@", &items}})},
            {"data/roadmaps.csv", csv.bytes()}};
}

// ---- indicators --------------------------------------------------------

Json point_json(const std::optional<model::IndicatorPoint>& point) {
    if (!point) return nullptr;
    return Json{{"year", point->year}, {"value", point->value}, {"note", point->note}, {"example", point->example}};
}

// Whether the latest known value meets the target, in the indicator's better direction.
Json target_reached(const model::Indicator& indicator, const derive::IndicatorProgress& progress) {
    if (!indicator.target || !progress.latest) return nullptr;
    return progress.status == derive::IndicatorStatus::reached;
}

// Path values are computed: rounded so that 28.250000000000004 reads 28.25.
double rounded_path_value(double value) { return std::round(value * 1e4) / 1e4; }

Json path_json(const std::vector<derive::PathPoint>& path) {
    Json list = Json::array();
    for (const auto& point : path) list.push_back(Json{{"year", point.year}, {"value", rounded_path_value(point.value)}});
    return list;
}

// Every key of the content format's indicator, then what derive/ computes:
// the status, the latest value, the path value at its year and the whole path.
Json indicator_json(const model::Indicator& indicator) {
    auto progress = derive::indicator_progress(indicator);
    Json values = Json::array();
    for (const auto& point : indicator.values) values.push_back(point_json(point));
    return Json{{"id", indicator.id},
                {"title", indicator.title},
                {"unit", indicator.unit},
                {"better", indicator.better},
                {"baseline", point_json(indicator.baseline)},
                {"target", point_json(indicator.target)},
                {"values", values},
                {"target_reached", target_reached(indicator, progress)},
                {"status", derive::indicator_status_name(progress.status)},
                {"latest", point_json(progress.latest)},
                {"expected_at_latest", progress.expected ? Json(rounded_path_value(*progress.expected)) : Json(nullptr)},
                {"path", path_json(progress.path)}};
}

// One row per point: kind is baseline | value | target | path (the linear
// path from baseline to target, one row a year); `path_value` is the path at
// the row's year and `latest` marks the latest actual value.
std::vector<TextFile> indicators_files(const model::Site& site, const BuildContext& context) {
    Json list = Json::array();
    CsvTable csv{"id", "title", "unit", "better", "status", "kind", "year", "value", "path_value", "latest", "note",
                 "example"};
    for (const auto& indicator : site.indicators) {
        list.push_back(indicator_json(indicator));
        auto progress = derive::indicator_progress(indicator);
        std::string status = derive::indicator_status_name(progress.status);
        auto add_row = [&](const std::string& kind, int year, double value, const std::string& note, bool example,
                           bool latest) {
            auto path = derive::path_value(indicator, year);
            csv.add({indicator.id, indicator.title, indicator.unit, indicator.better, status, kind, std::to_string(year),
                     csv_number(std::optional<double>(value)),
                     path ? csv_number(std::optional<double>(rounded_path_value(*path))) : std::string(),
                     csv_bool(latest), note, csv_bool(example)});
        };
        const model::IndicatorPoint* latest = nullptr;
        for (const auto& point : indicator.values)
            if (!latest || point.year >= latest->year) latest = &point;
        if (indicator.baseline)
            add_row("baseline", indicator.baseline->year, indicator.baseline->value, indicator.baseline->note,
                    indicator.baseline->example, false);
        for (const auto& point : indicator.values)
            add_row("value", point.year, point.value, point.note, point.example, &point == latest);
        if (indicator.target)
            add_row("target", indicator.target->year, indicator.target->value, indicator.target->note,
                    indicator.target->example, false);
        for (const auto& point : progress.path)
            add_row("path", point.year, rounded_path_value(point.value), "", false, false);
    }
    Json json{{"build_date", context.build_date.iso()}, {"indicators", list}};
    return {{"data/indicators.json", dump(json)}, {"data/indicators.csv", csv.bytes()}};
}

// ---- results -----------------------------------------------------------

// Columns as in the content format's results, with `scope`, so this CSV can
// itself be a `results` source of another build. Then `computed` (a district
// row the site calculated from its schools' rows, weighted by participants)
// and, for school rows, each measure's change against the previous year with
// a value: up, down or flat (a fail share is better when it goes down).
std::string direction_name(derive::Direction direction) {
    switch (direction) {
        case derive::Direction::up: return "up";
        case derive::Direction::down: return "down";
        case derive::Direction::flat: return "flat";
    }
    return "flat";
}

std::optional<double> rounded_result(const std::optional<double>& value) {
    if (!value) return std::nullopt;
    return std::round(*value * 100) / 100;
}

std::vector<TextFile> results_files(const model::Site& site, const BuildContext& context) {
    JsonArrayText rows;
    CsvTable csv{"scope", "exam", "subject", "grade", "year", "participants", "mean", "scale", "fail_share",
                 "quality_share", "example", "computed", "mean_trend", "fail_share_trend", "quality_share_trend"};
    auto add = [&](const std::string& scope, const model::ResultRow& row, bool computed,
                   const derive::ResultLine* line) {
        Json trends = Json::object();
        std::vector<std::string> trend_cells;
        for (auto measure : derive::all_measures()) {
            std::optional<derive::Trend> trend;
            if (line && line->value(row.year, measure)) trend = derive::trend_of(*line, measure, row.scale, row.year);
            if (trend && trend->year != row.year) trend.reset();
            trends[derive::measure_key(measure)] =
                trend ? Json{{"direction", direction_name(trend->direction)},
                             {"better", trend->better()},
                             {"previous_year", trend->previous_year},
                             {"previous", trend->previous}}
                      : Json(nullptr);
            trend_cells.push_back(trend ? direction_name(trend->direction) : std::string());
        }
        rows.push_back(Json{{"scope", scope},
                            {"exam", row.exam},
                            {"subject", row.subject},
                            {"grade", number_json(row.grade)},
                            {"year", row.year},
                            {"participants", number_json(row.participants)},
                            {"mean", number_json(row.mean)},
                            {"scale", number_json(row.scale)},
                            {"fail_share", number_json(row.fail_share)},
                            {"quality_share", number_json(row.quality_share)},
                            {"example", row.example},
                            {"computed", computed},
                            {"trends", trends}});
        csv.add({scope, row.exam, row.subject, csv_number(row.grade), std::to_string(row.year),
                 csv_number(row.participants), csv_number(row.mean), csv_number(row.scale),
                 csv_number(row.fail_share), csv_number(row.quality_share), csv_bool(row.example),
                 csv_bool(computed), trend_cells[0], trend_cells[1], trend_cells[2]});
    };
    const derive::SiteResults results(site);
    for (const auto& school : site.schools) {
        const auto& groups = results.groups_of(school);
        for (const auto& row : school.results) {
            const derive::ResultLine* line = nullptr;
            for (const auto& group : groups)
                if (group.key == derive::key_of(row)) line = &group.school;
            add(school.slug, row, false, line);
        }
    }
    for (const auto& row : site.district_results) add(row.scope.empty() ? "district" : row.scope, row, false, nullptr);
    for (const auto& computed : results.computed_district_rows()) {
        model::ResultRow row;
        row.exam = computed.key.exam;
        row.subject = computed.key.subject;
        row.grade = computed.key.grade;
        row.year = computed.year;
        row.participants = computed.values.participants;
        row.mean = rounded_result(computed.values.mean);
        row.scale = computed.scale;
        row.fail_share = rounded_result(computed.values.fail_share);
        row.quality_share = rounded_result(computed.values.quality_share);
        row.example = computed.values.example;
        add("district", row, true, nullptr);
    }
    Json json{{"build_date", context.build_date.iso()},
              {"better", {{"mean", "higher"}, {"fail_share", "lower"}, {"quality_share", "higher"}}},
              {"results", "@results@"}};
    return {{"data/results.json", dump_with_arrays(json, {{"@results@", &rows}})}, {"data/results.csv", csv.bytes()}};
}

// ---- documents ---------------------------------------------------------

std::string document_href(const model::Document& document) {
    return document.site_path.empty() ? document.url : document.site_path;
}

Json document_json(const Owner& owner, const model::Document& document) {
    return Json{{"owner", owner.name},
                {"id", document.id},
                {"kind", document.kind},
                {"title", document.title},
                {"number", document.number},
                {"date", date_json(document.date)},
                {"issuer", document.issuer},
                {"href", document_href(document)},
                {"file", document.file},
                {"url", document.url},
                {"file_size", document.file_size},
                {"file_type", document.file_type},
                {"based_on", document.based_on},
                {"page", document.page.empty() ? Json("") : Json(owner.prefix + "pages/" + document.page + "/")},
                {"signed_by", optional_person_json(document.signed_by)},
                {"example", document.example}};
}

std::vector<TextFile> documents_files(const model::Site& site, const BuildContext& context) {
    JsonArrayText list;
    CsvTable csv{"owner", "id", "kind", "title", "number", "date", "issuer", "href", "file_type", "file_size",
                 "based_on", "signed_by", "example"};
    for (const auto& owner : owners_of(site)) {
        for (const auto& document : owner.own->documents) {
            list.push_back(document_json(owner, document));
            std::string signer = document.signed_by ? document.signed_by->name : "";
            csv.add({owner.name, document.id, document.kind, document.title, document.number, csv_date(document.date),
                     document.issuer, document_href(document), document.file_type,
                     document.site_path.empty() ? "" : std::to_string(document.file_size),
                     joined(document.based_on), signer, csv_bool(document.example)});
        }
    }
    Json json{{"build_date", context.build_date.iso()}, {"documents", "@documents@"}};
    return {{"data/documents.json", dump_with_arrays(json, {{"@documents@", &list}})},
            {"data/documents.csv", csv.bytes()}};
}

// ---- site.json: everything another build needs from this one ------------

Json program_json(const Owner& owner, const model::Program& program) {
    Json tasks = Json::array();
    for (const auto& task : program.tasks) tasks.push_back(Json{{"text", task.text}, {"actions", task.actions}});
    Json stages = Json::array();
    for (const auto& stage : program.stages)
        stages.push_back(Json{{"name", stage.name},
                              {"start", date_json(stage.start)},
                              {"end", date_json(stage.end)},
                              {"when", stage.when},
                              {"description", stage.description}});
    return Json{{"owner", owner.name},
                {"id", program.id},
                {"url", owner.prefix + "programs/" + program.id + "/"},
                {"title", program.title},
                {"kind", program.kind},
                {"approved_by", program.approved_by},
                {"developers", program.developers},
                {"executors", program.executors},
                {"curator", optional_person_json(program.curator)},
                {"goal", program.goal},
                {"tasks", tasks},
                {"indicators", program.indicators},
                {"period", period_json(program.period)},
                {"stages", stages},
                {"expected_results", program.expected_results},
                {"control", program.control},
                {"other", facts_json(program.other)},
                {"body", program.body}};
}

Json news_json(const Owner& owner, const model::NewsItem& item) {
    Json links = Json::array();
    for (const auto& link : item.links) links.push_back(Json{{"title", link.title}, {"url", link.url}});
    return Json{{"owner", owner.name},
                {"id", item.id},
                {"title", item.title},
                {"date", item.date.iso()},
                {"url", owner.prefix + "news/" + item.id + "/"},
                {"schools", item.schools},
                {"roadmap_item", item.roadmap_item},
                {"photos", item.photo_site_paths},
                {"links", links},
                {"body", item.body},
                {"example", item.example}};
}

Json district_json(const model::District& district) {
    return Json{{"name", district.name},         {"region", district.region},
                {"authority", district.authority}, {"address", district.address},
                {"phone", district.phone},       {"email", district.email},
                {"website", district.website},   {"schools_total", number_json(district.schools_total)},
                {"facts", facts_json(district.facts)}};
}

Json school_summary_json(const model::School& school) {
    return Json{{"slug", school.slug},
                {"name", school.name},
                {"short_name", school.short_name},
                {"url", "schools/" + school.slug + "/"},
                {"categories", categories_json(school.categories)}};
}

TextFile site_file(const model::Site& site, const BuildContext& context) {
    Owner district{"district", "", &site.district};
    Json programs = Json::array();
    for (const auto& program : site.district.programs) programs.push_back(program_json(district, program));
    Json roadmaps = Json::array();
    for (const auto& roadmap : site.district.roadmaps) roadmaps.push_back(roadmap_json(district, roadmap));
    Json documents = Json::array();
    for (const auto& document : site.district.documents) documents.push_back(document_json(district, document));
    Json news = Json::array();
    for (const auto& owner : owners_of(site))
        for (const auto& item : owner.own->news) news.push_back(news_json(owner, item));
    Json schools = Json::array();
    for (const auto& school : site.schools) schools.push_back(school_summary_json(school));
    Json indicators = Json::array();
    for (const auto& indicator : site.indicators) indicators.push_back(indicator_json(indicator));

    Json json{{"format", "shnor-site"},
              {"format_version", kFormatVersion},
              {"generator", std::string("shnor-site ") + SHNOR_VERSION},
              {"build_date", context.build_date.iso()},
              {"title", site.config.title},
              {"base_url", context.base_url},
              {"language", site.config.language},
              {"district", district_json(site.config.district)},
              {"coordinator", person_json(site.config.coordinator)},
              {"progress", progress_json(derive::progress_of(site.district.roadmaps))},
              {"programs", programs},
              {"roadmaps", roadmaps},
              {"indicators", indicators},
              {"documents", documents},
              {"news", news},
              {"schools", schools},
              {"data", {"data/schools.json", "data/roadmaps.json", "data/indicators.json", "data/results.json",
                        "data/documents.json"}}};
    return {"data/site.json", dump(json)};
}

void append(std::vector<TextFile>& files, std::vector<TextFile> more) {
    for (auto& file : more) files.push_back(std::move(file));
}

}  // namespace

std::size_t open_data_parts() { return 6; }

std::vector<TextFile> open_data_part(const model::Site& site, const BuildContext& context, std::size_t part) {
    switch (part) {
        case 0: return schools_files(site, context);
        case 1: return roadmaps_files(site, context);
        case 2: return indicators_files(site, context);
        case 3: return results_files(site, context);
        case 4: return documents_files(site, context);
        case 5: return {site_file(site, context)};
        default: return {};
    }
}

std::vector<TextFile> open_data(const model::Site& site, const BuildContext& context) {
    std::vector<TextFile> files;
    for (std::size_t part = 0; part < open_data_parts(); ++part) append(files, open_data_part(site, context, part));
    return files;
}

}  // namespace shnor::view
