#include "derive/derive.hpp"

#include "derive/when.hpp"

namespace shnor::derive {

using model::ShownStatus;
using model::Status;

namespace {

ShownStatus shown_status(const model::RoadmapItem& item, const model::Date& build_date) {
    switch (item.status) {
        case Status::done: return ShownStatus::done;
        case Status::cancelled: return ShownStatus::cancelled;
        default: break;
    }
    if (item.derived.ongoing) return ShownStatus::ongoing;
    if (item.derived.due && *item.derived.due < build_date) return ShownStatus::overdue;
    return item.status == Status::in_progress ? ShownStatus::in_progress : ShownStatus::planned;
}

// Written start/due always win; the printed `when` fills what is missing.
void derive_dates(model::RoadmapItem& item, const WhenContext& context) {
    bool written = item.start.has_value() || item.due.has_value();
    WhenDates read = (item.start && item.due) || item.when.empty() ? WhenDates{} : parse_when(item.when, context);
    item.derived.start = item.start ? item.start : read.start;
    item.derived.due = item.due ? item.due : read.due;
    item.derived.ongoing = !written && read.ongoing;
    item.derived.when_understood = written || read.understood;
}

void derive_item(model::RoadmapItem& item, const WhenContext& context, const model::Date& build_date) {
    derive_dates(item, context);
    item.derived.shown = shown_status(item, build_date);
}

void derive_roadmaps(std::vector<model::Roadmap>& roadmaps, const model::Date& build_date) {
    for (auto& roadmap : roadmaps) {
        const WhenContext context = roadmap_context(roadmap.period, roadmap.title);
        for (auto& section : roadmap.sections)
            for (auto& item : section.items) derive_item(item, context, build_date);
    }
}

void count(Progress& progress, ShownStatus status) {
    ++progress.total;
    switch (status) {
        case ShownStatus::done: ++progress.done; break;
        case ShownStatus::in_progress: ++progress.in_progress; break;
        case ShownStatus::planned: ++progress.planned; break;
        case ShownStatus::overdue: ++progress.overdue; break;
        case ShownStatus::cancelled: ++progress.cancelled; break;
        case ShownStatus::ongoing: ++progress.ongoing; break;
    }
}

}  // namespace

int Progress::percent_done() const {
    int counted = total - cancelled;
    return counted > 0 ? done * 100 / counted : 0;
}

void derive_site(model::Site& site, const model::Date& build_date) {
    derive_roadmaps(site.district.roadmaps, build_date);
    for (auto& school : site.schools) derive_roadmaps(school.own.roadmaps, build_date);
}

Progress progress_of(const model::Roadmap& roadmap) {
    Progress progress;
    for (const auto& section : roadmap.sections)
        for (const auto& item : section.items) count(progress, item.derived.shown);
    return progress;
}

Progress progress_of(const std::vector<model::Roadmap>& roadmaps) {
    Progress total;
    for (const auto& roadmap : roadmaps) {
        Progress one = progress_of(roadmap);
        total.total += one.total;
        total.done += one.done;
        total.in_progress += one.in_progress;
        total.planned += one.planned;
        total.overdue += one.overdue;
        total.cancelled += one.cancelled;
        total.ongoing += one.ongoing;
    }
    return total;
}

}  // namespace shnor::derive
