#include "derive/derive.hpp"

#include "derive/when.hpp"

#include <map>
#include <string>

namespace shnor::derive {

using model::ShownStatus;
using model::Status;

namespace {

// A finished plan calls nothing overdue: what was not reported stays as
// written, and the public reads «нет отчёта» instead of an accusation.
ShownStatus shown_status(const model::RoadmapItem& item, const model::Date& build_date, bool finished) {
    switch (item.status) {
        case Status::done: return ShownStatus::done;
        case Status::cancelled: return ShownStatus::cancelled;
        default: break;
    }
    if (item.derived.ongoing) return ShownStatus::ongoing;
    if (!finished && item.derived.due && *item.derived.due < build_date) return ShownStatus::overdue;
    return item.status == Status::in_progress ? ShownStatus::in_progress : ShownStatus::planned;
}

// The one place an item's (or a part's) dates are derived from `when`, in
// the context of its roadmap (its period, else its title's year). Written
// start/due always win; the printed `when` fills what is missing.
void derive_dates(model::RoadmapItem& item, const WhenContext& context) {
    bool written = item.start.has_value() || item.due.has_value();
    WhenDates read = (item.start && item.due) || item.when.empty() ? WhenDates{} : parse_when(item.when, context);
    item.derived.start = item.start ? item.start : read.start;
    item.derived.due = item.due ? item.due : read.due;
    item.derived.ongoing = !written && read.ongoing;
    item.derived.when_understood = written || read.understood;
}

// What the row of an item with parts shows: the status needing attention
// first (overdue, then work under way), done when every part is closed.
ShownStatus status_of_parts(const std::vector<model::RoadmapItem>& parts) {
    bool any_open = false, any_done = false, all_cancelled = true, all_ongoing = true;
    for (const auto& part : parts) {
        ShownStatus shown = part.derived.shown;
        if (shown == ShownStatus::overdue) return ShownStatus::overdue;
        if (shown != ShownStatus::cancelled) all_cancelled = false;
        if (shown != ShownStatus::ongoing) all_ongoing = false;
        if (shown == ShownStatus::done) any_done = true;
        if (shown == ShownStatus::in_progress || shown == ShownStatus::planned || shown == ShownStatus::ongoing)
            any_open = true;
    }
    if (all_cancelled) return ShownStatus::cancelled;
    if (all_ongoing) return ShownStatus::ongoing;
    if (!any_open) return ShownStatus::done;
    for (const auto& part : parts)
        if (part.derived.shown == ShownStatus::in_progress) return ShownStatus::in_progress;
    return any_done ? ShownStatus::in_progress : ShownStatus::planned;
}

void derive_item(model::RoadmapItem& item, const model::Roadmap& roadmap, const WhenContext& context,
                 const model::Date& build_date) {
    if (!item.parts.empty()) {
        for (auto& part : item.parts) derive_item(part, roadmap, context, build_date);
        item.derived = {};
        item.derived.when_understood = true;
        item.derived.shown = status_of_parts(item.parts);
        return;
    }
    derive_dates(item, context);
    item.derived.shown = shown_status(item, build_date, roadmap.derived.finished);
}

void derive_roadmaps(std::vector<model::Roadmap>& roadmaps, const model::Date& build_date) {
    for (auto& roadmap : roadmaps) {
        roadmap.derived.finished = roadmap.period && roadmap.period->end < build_date;
        const WhenContext context = roadmap_context(roadmap.period, roadmap.title);
        for (auto& section : roadmap.sections)
            for (auto& item : section.items) derive_item(item, roadmap, context, build_date);
    }
}

// A news item about an item (`roadmap_item: plan-2024#3`) is a published
// report of it. Resolved as the pages link it (view/site_index.cpp): a
// district roadmap of that id first, then the news owner's own, then the
// first school's; the first item of that number.
void mark_reported_in_news(model::Site& site) {
    std::map<std::string, model::Roadmap*> district, schools;
    for (auto& roadmap : site.district.roadmaps) district.emplace(roadmap.id, &roadmap);
    for (auto& school : site.schools)
        for (auto& roadmap : school.own.roadmaps) schools.emplace(roadmap.id, &roadmap);
    auto mark = [&](const model::NewsItem& news, model::School* owner) {
        auto hash = news.roadmap_item.find('#');
        if (hash == std::string::npos) return;
        std::string id = news.roadmap_item.substr(0, hash);
        std::string n = news.roadmap_item.substr(hash + 1);
        model::Roadmap* roadmap = nullptr;
        if (auto found = district.find(id); found != district.end()) roadmap = found->second;
        if (!roadmap && owner)
            for (auto& own : owner->own.roadmaps)
                if (own.id == id) {
                    roadmap = &own;
                    break;
                }
        if (!roadmap)
            if (auto found = schools.find(id); found != schools.end()) roadmap = found->second;
        if (!roadmap || n.empty()) return;
        for (auto& section : roadmap->sections)
            for (auto& item : section.items)
                if (item.n == n) {
                    item.derived.reported_in_news = true;
                    return;
                }
    };
    for (const auto& news : site.district.news) mark(news, nullptr);
    for (auto& school : site.schools)
        for (const auto& news : school.own.news) mark(news, &school);
}

void count(Progress& progress, const model::RoadmapItem& item) {
    ++progress.total;
    switch (item.derived.shown) {
        case ShownStatus::done: ++progress.done; break;
        case ShownStatus::in_progress: ++progress.in_progress; break;
        case ShownStatus::planned: ++progress.planned; break;
        case ShownStatus::overdue: ++progress.overdue; break;
        case ShownStatus::cancelled: ++progress.cancelled; break;
        case ShownStatus::ongoing: ++progress.ongoing; break;
    }
    if (item.derived.shown != ShownStatus::cancelled && item.has_report()) ++progress.reported;
}

}  // namespace

int Progress::percent_done() const {
    int counted = total - cancelled;
    return counted > 0 ? done * 100 / counted : 0;
}

Progress& Progress::operator+=(const Progress& other) {
    total += other.total;
    done += other.done;
    in_progress += other.in_progress;
    planned += other.planned;
    overdue += other.overdue;
    cancelled += other.cancelled;
    ongoing += other.ongoing;
    reported += other.reported;
    return *this;
}

void derive_site(model::Site& site, const model::Date& build_date) {
    derive_roadmaps(site.district.roadmaps, build_date);
    for (auto& school : site.schools) derive_roadmaps(school.own.roadmaps, build_date);
    mark_reported_in_news(site);
}

void derive_schools(model::Site& site, const model::Date& build_date, std::size_t first, std::size_t last) {
    for (std::size_t index = first; index < last && index < site.schools.size(); ++index)
        derive_roadmaps(site.schools[index].own.roadmaps, build_date);
    mark_reported_in_news(site);  // marks only add: the other schools' marks stay as they were
}

void add_item(Progress& progress, const model::RoadmapItem& item) {
    if (item.parts.empty()) {
        count(progress, item);
        return;
    }
    for (const auto& part : item.parts) count(progress, part);
}

Progress progress_of(const model::Roadmap& roadmap) {
    Progress progress;
    for (const auto& section : roadmap.sections)
        for (const auto& item : section.items) add_item(progress, item);
    return progress;
}

Progress current_progress_of(const std::vector<model::Roadmap>& roadmaps) {
    Progress total;
    for (const auto& roadmap : roadmaps)
        if (!roadmap.derived.finished) total += progress_of(roadmap);
    return total;
}

namespace {

void keep_latest(std::optional<model::Date>& latest, const std::optional<model::Date>& date) {
    if (date && (!latest || *latest < *date)) latest = date;
}

// The day after the period: the plan finished, and its overdue items with it.
std::optional<model::Date> finishing_day(const model::Roadmap& roadmap, const model::Date& build_date) {
    if (!roadmap.period) return std::nullopt;
    model::Date day = roadmap.period->end.next_day();
    return day <= build_date ? std::optional<model::Date>(day) : std::nullopt;
}

// The day an open item fell overdue: never for a closed or ongoing one, nor
// one due after its plan's period (the plan finished first).
std::optional<model::Date> overdue_day(const model::RoadmapItem& item, const model::Roadmap& roadmap,
                                       const model::Date& build_date) {
    std::optional<model::Date> latest;
    for (const auto& part : item.parts) keep_latest(latest, overdue_day(part, roadmap, build_date));
    if (!item.parts.empty() || item.status == Status::done || item.status == Status::cancelled ||
        item.derived.ongoing || !item.derived.due)
        return latest;
    if (roadmap.period && roadmap.period->end < *item.derived.due) return std::nullopt;
    model::Date day = item.derived.due->next_day();
    return day <= build_date ? std::optional<model::Date>(day) : std::nullopt;
}

}  // namespace

std::optional<model::Date> last_status_change(const model::RoadmapItem& item, const model::Roadmap& roadmap,
                                              const model::Date& build_date) {
    std::optional<model::Date> latest = finishing_day(roadmap, build_date);
    keep_latest(latest, overdue_day(item, roadmap, build_date));
    return latest;
}

std::optional<model::Date> last_status_change(const model::Roadmap& roadmap, const model::Date& build_date) {
    std::optional<model::Date> latest = finishing_day(roadmap, build_date);
    for (const auto& section : roadmap.sections)
        for (const auto& item : section.items) keep_latest(latest, overdue_day(item, roadmap, build_date));
    return latest;
}

std::optional<model::Date> last_status_change(const model::School& school, const std::vector<model::Roadmap>& district,
                                              const model::Date& build_date) {
    std::optional<model::Date> latest;
    for (const auto& roadmap : school.own.roadmaps) keep_latest(latest, last_status_change(roadmap, build_date));
    for (const auto& roadmap : district)
        for (const auto& section : roadmap.sections)
            for (const auto& item : section.items)
                if (item.concerns(school.slug)) keep_latest(latest, last_status_change(item, roadmap, build_date));
    return latest;
}

}  // namespace shnor::derive
