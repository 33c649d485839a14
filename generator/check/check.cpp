#include "check/check.hpp"

#include "derive/derive.hpp"
#include "load/load.hpp"

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
            check_report(item, build_date, findings);
        }
    auto progress = derive::progress_of(roadmap);
    if (progress.total > 0 && progress.done == 0)
        findings.warning(roadmap.pos.file, roadmap.pos.line, "",
                         "в «дорожной карте» «" + roadmap.title + "» нет ни одного выполненного мероприятия");
}

}  // namespace

Diagnostics check_site(const std::filesystem::path& content_dir, const model::Date& build_date,
                       const pipeline::SourceOptions& sources) {
    auto loaded = load::load_site(content_dir);
    // A partly loaded model is still worth checking: the webmaster gets every finding at once.
    Diagnostics findings = std::move(loaded.diagnostics);
    derive::derive_site(loaded.site, build_date);
    for (const auto& roadmap : loaded.site.district.roadmaps) check_roadmap(roadmap, build_date, findings);
    for (const auto& school : loaded.site.schools)
        for (const auto& roadmap : school.own.roadmaps) check_roadmap(roadmap, build_date, findings);
    return findings;
}

}  // namespace shnor::check
