#include "check/check.hpp"

#include "derive/derive.hpp"
#include "check/school_names.hpp"
#include "load/load.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace shnor::check {

namespace {

using model::Diagnostics;
using model::Roadmap;
using model::RoadmapItem;

std::string item_label(const RoadmapItem& item) {
    return item.n.empty() ? "мероприятие «" + item.title + "»" : "мероприятие " + item.n;
}

bool written_dates(const RoadmapItem& item) { return item.start || item.due; }

void check_deadline_text(const RoadmapItem& item, Diagnostics& findings) {
    if (item.when.empty() || written_dates(item) || item.derived.when_understood) return;
    findings.warning(item.pos.file, item.pos.line, "when",
                     item_label(item) + ": срок «" + item.when +
                         "» не распознан; укажите start и due или напишите срок в одной из известных форм");
}

// A deadline read from `when` that falls outside the plan's period is most
// likely a missing or mistyped year («Март 2024» in a 2024/2025 plan).
void check_deadline_in_period(const Roadmap& roadmap, const RoadmapItem& item, Diagnostics& findings) {
    if (!roadmap.period || item.due || !item.derived.due) return;
    const auto& period = *roadmap.period;
    const auto& due = *item.derived.due;
    if (period.start <= due && due <= period.end) return;
    const auto& start = item.derived.start;
    const std::string read = start && !item.start ? start->dotted() + "–" + due.dotted() : "до " + due.dotted();
    findings.warning(item.pos.file, item.pos.line, "when",
                     "«дорожная карта» " + roadmap.id + ", " + item_label(item) + ": срок «" + item.when +
                         "» прочитан как " + read + ", это вне периода плана " + period.start.dotted() + "–" +
                         period.end.dotted() + "; проверьте год или укажите start и due");
}

void check_report(const RoadmapItem& item, const model::Date& build_date, Diagnostics& findings) {
    bool past_due = item.derived.due && *item.derived.due < build_date;
    if (!past_due || item.status == model::Status::cancelled || !item.report.empty()) return;
    findings.warning(item.pos.file, item.pos.line, "report",
                     item_label(item) + ": срок прошёл (" + item.derived.due->dotted() + "), а отчёта нет");
}

void check_roadmap(const Roadmap& roadmap, const model::Date& build_date, Diagnostics& findings) {
    for (const auto& section : roadmap.sections)
        for (const auto& item : section.items) {
            check_deadline_text(item, findings);
            check_deadline_in_period(roadmap, item, findings);
            check_report(item, build_date, findings);
            // Parts carry the deadlines and reports of an item printed as
            // sub-rows; a finding names one as «мероприятие 3, часть 2».
            for (std::size_t i = 0; i < item.parts.size(); ++i) {
                RoadmapItem part = item.parts[i];
                if (!item.n.empty()) part.n = item.n + ", часть " + std::to_string(i + 1);
                if (part.title.empty()) part.title = item.title;
                check_deadline_text(part, findings);
                check_report(part, build_date, findings);
            }
        }
    auto progress = derive::progress_of(roadmap);
    if (progress.total > 0 && progress.done == 0)
        findings.warning(roadmap.pos.file, roadmap.pos.line, "",
                         "в «дорожной карте» «" + roadmap.title + "» нет ни одного выполненного мероприятия");
}

std::vector<ListedSchool> listed_schools(const nlohmann::json& rows) {
    std::vector<ListedSchool> listed;
    if (!rows.is_array()) return listed;
    auto text = [](const nlohmann::json& row, const char* key) {
        return row.contains(key) && row[key].is_string() ? row[key].get<std::string>() : std::string();
    };
    int line = 1;  // the header of a CSV list
    for (const auto& row : rows) {
        ++line;
        if (!row.is_object()) continue;
        ListedSchool school{text(row, "name"), text(row, "type"), std::nullopt, text(row, "inn"), line};
        if (auto year = text(row, "year"); !year.empty() && std::isdigit(static_cast<unsigned char>(year[0])))
            school.year = std::stoi(year);
        listed.push_back(std::move(school));
    }
    return listed;
}

// The regional list against the sections of the site, both ways.
void check_schools_list(const model::Site& site, const model::Source& source, const nlohmann::json& rows,
                        Diagnostics& findings) {
    auto comparison = compare_with_list(listed_schools(rows), site.schools);
    for (const auto& listed : comparison.listed_without_section)
        findings.warning(source.url, listed.line, "name",
                         "школа «" + listed.name + "» есть в перечне «" + source.id + "», но раздела на сайте у неё нет");
    for (const auto* school : comparison.sections_not_listed)
        findings.warning(school->pos.file, school->pos.line, "name",
                         "школы «" + school->display_name() + "» нет в перечне «" + source.id +
                             "»; если её называют там иначе, добавьте это название в other_names");
}

// The school a finding of the first stages concerns: its file's folder.
std::string school_of_file(const std::string& file) {
    if (!file.starts_with("schools/")) return {};
    auto slash = file.find('/', 8);
    return slash == std::string::npos ? std::string() : file.substr(8, slash - 8);
}

// The code of a roadmap finding, by its field.
std::string roadmap_code(const std::string& field) {
    if (field == "when") return "deadline-unread";
    if (field == "report") return "report-missing";
    if (field.empty()) return "nothing-done";
    return "roadmap-" + field;
}

// Moves `diagnostics` from `first` on into the report under `code`.
template <class Code>
void take_findings(const Diagnostics& diagnostics, std::size_t first, Code code, CheckReport& report) {
    for (std::size_t index = first; index < diagnostics.items().size(); ++index) {
        const auto& diagnostic = diagnostics.items()[index];
        report.findings.push_back({diagnostic, school_of_file(diagnostic.file), code(diagnostic)});
    }
}

}  // namespace

std::size_t CheckReport::errors() const {
    return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [](const Finding& finding) {
        return finding.diagnostic.severity == model::Severity::error;
    }));
}

CheckReport check_report(const std::filesystem::path& content_dir, const model::Date& build_date,
                         const pipeline::SourceOptions& sources) {
    auto loaded = load::load_site(content_dir);
    // A partly loaded model is still worth checking: the webmaster gets every finding at once.
    Diagnostics findings = std::move(loaded.diagnostics);
    CheckReport report;
    auto content_code = [](const model::Diagnostic& d) {
        return d.severity == model::Severity::error ? "content-error" : "content-warning";
    };
    take_findings(findings, 0, content_code, report);
    std::size_t first = findings.items().size();
    auto shared = pipeline::fetch_shared_data(loaded.site.config.sources, content_dir, sources, findings);
    take_findings(findings, first, [](const model::Diagnostic&) { return "source"; }, report);
    // Fetched rows repeating the content's fail the build: check says so first.
    first = findings.items().size();
    load::check_shared_rows(loaded.site, shared.results, findings);
    take_findings(findings, first, content_code, report);
    first = findings.items().size();
    for (const auto& source : loaded.site.config.sources)
        if (source.role == "schools-list" && shared.data.count(source.id))
            check_schools_list(loaded.site, source, shared.data.at(source.id), findings);
    take_findings(findings, first, [](const model::Diagnostic&) { return "schools-list"; }, report);
    first = findings.items().size();
    derive::derive_site(loaded.site, build_date);
    for (const auto& roadmap : loaded.site.district.roadmaps) check_roadmap(roadmap, build_date, findings);
    for (const auto& school : loaded.site.schools)
        for (const auto& roadmap : school.own.roadmaps) check_roadmap(roadmap, build_date, findings);
    take_findings(findings, first, [](const model::Diagnostic& d) { return roadmap_code(d.field); }, report);
    pipeline::add_shared_results(loaded.site, shared.results);
    for (auto& finding : compliance_findings(loaded.site)) report.findings.push_back(std::move(finding));
    return report;
}

Diagnostics check_site(const std::filesystem::path& content_dir, const model::Date& build_date,
                       const pipeline::SourceOptions& sources) {
    Diagnostics diagnostics;
    for (auto& finding : check_report(content_dir, build_date, sources).findings) diagnostics.add(finding.diagnostic);
    return diagnostics;
}

std::string report_json(const CheckReport& report) {
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    for (const auto& finding : report.findings) {
        const auto& diagnostic = finding.diagnostic;
        std::string message = diagnostic.field.empty() ? diagnostic.message
                                                       : "поле «" + diagnostic.field + "»: " + diagnostic.message;
        findings.push_back({{"severity", diagnostic.severity == model::Severity::error ? "error" : "warning"},
                            {"file", diagnostic.file},
                            {"line", diagnostic.line},
                            {"column", diagnostic.column},
                            {"school", finding.school},
                            {"code", finding.code},
                            {"message", message}});
    }
    nlohmann::ordered_json json = {
        {"errors", report.errors()}, {"warnings", report.warnings()}, {"findings", std::move(findings)}};
    return json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace shnor::check
