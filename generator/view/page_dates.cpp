// <lastmod> of the sitemap and «Сведения на» of each page: its newest content
// date or status change (view.hpp).
#include "derive/derive.hpp"
#include "view/common.hpp"
#include "view/view.hpp"

namespace shnor::view {

namespace {

using model::Date;

void keep_newest(std::optional<Date>& newest, const std::optional<Date>& date) {
    if (date && (!newest || *date > *newest)) newest = date;
}

// The newest report date of an item or its parts.
std::optional<Date> newest_report(const model::RoadmapItem& item) {
    std::optional<Date> newest = item.reported;
    for (const auto& part : item.parts) keep_newest(newest, newest_report(part));
    return newest;
}

std::optional<Date> newest_report(const model::Roadmap& roadmap) {
    std::optional<Date> newest;
    for (const auto& section : roadmap.sections)
        for (const auto& item : section.items) keep_newest(newest, newest_report(item));
    return newest;
}

std::optional<Date> newest_news(const std::vector<model::NewsItem>& news) {
    std::optional<Date> newest;
    for (const auto& item : news) keep_newest(newest, item.date);
    return newest;
}

// What a roadmap's summary or page shows changed last: a report's date, or a
// status the passing of time changed.
std::optional<Date> roadmap_date(const model::Roadmap& roadmap, const Date& build_date) {
    std::optional<Date> newest = newest_report(roadmap);
    keep_newest(newest, derive::last_status_change(roadmap, build_date));
    return newest;
}

}  // namespace

PageDates::PageDates(const model::Site& site, const model::Date& build_date, Scope scope) : build_date_(build_date) {
    add_owner("", site.district);
    std::optional<Date> home = newest_news(site.district.news);
    for (const auto& roadmap : site.district.roadmaps) {
        auto shown = roadmap_date(roadmap, build_date);
        if (shown) roadmaps_["roadmaps/" + roadmap.id + "/"] = std::min(*shown, build_date);
        keep_newest(home, shown);
        // The programmes list and the roadmap's programme summarise it.
        newest("programs/", shown);
        if (!roadmap.program.empty()) newest("programs/" + roadmap.program + "/", shown);
    }
    newest("", home);
    // The schools list has no date: each row shows its school's figures, of
    // its school's date, and an incremental build patches a changed school's
    // row alone (its date would be the newest of every school's).
    if (scope == Scope::every_page)
        for (const auto& school : site.schools) add_school(site, school);
}

PageDates::PageDates(const model::Site& site, const model::School& school, const model::Date& build_date)
    : build_date_(build_date) {
    add_school(site, school);
}

void PageDates::newest(const std::string& path, const std::optional<Date>& date) {
    if (!date) return;
    Date shown = std::min(*date, build_date_);  // a date to come is not yet «на» the build date
    auto [at, added] = pages_.emplace(path, shown);
    if (!added && shown > at->second) at->second = shown;
}

// News pages and the documents page of the district ("") or of a school.
void PageDates::add_owner(const std::string& prefix, const model::Publications& own) {
    const std::string news = prefix + "news/";
    // The list pages as view/district_pages.cpp cuts them, in the same order.
    for (std::size_t i = 0; i < own.news.size(); ++i) {
        std::size_t number = i / detail::kNewsPerPage + 1;
        newest(number == 1 ? news : news + "page/" + std::to_string(number) + "/", own.news[i].date);
        newest(news + own.news[i].id + "/", own.news[i].date);
    }
    std::optional<Date> documents;
    for (const auto& document : own.documents) keep_newest(documents, document.date);
    newest(prefix + "documents/", documents);
}

void PageDates::add_school(const model::Site& site, const model::School& school) {
    const std::string base = "schools/" + school.slug + "/";
    add_owner(base, school.own);
    // Its roadmap pages show its own plans and the district's measures for it.
    std::optional<Date> roadmap;
    for (const auto& plan : school.own.roadmaps) {
        keep_newest(roadmap, newest_report(plan));
        if (!plan.program.empty()) newest(base + "programs/" + plan.program + "/", roadmap_date(plan, build_date_));
    }
    for (const auto& plan : site.district.roadmaps)
        for (const auto& section : plan.sections)
            for (const auto& item : section.items)
                if (item.concerns(school.slug)) keep_newest(roadmap, newest_report(item));
    keep_newest(roadmap, derive::last_status_change(school, site.district.roadmaps, build_date_));
    if (roadmap) roadmaps_[base + "roadmap/"] = std::min(*roadmap, build_date_);
    std::optional<Date> first_page = newest_news(school.own.news);
    keep_newest(first_page, roadmap);
    newest(base, first_page);
}

std::optional<Date> PageDates::of(const std::string& page_path) const {
    if (auto found = pages_.find(page_path); found != pages_.end()) return found->second;
    // "roadmaps/<id>/…" or "schools/<slug>/roadmap/…": the roadmap's pages.
    std::size_t end = std::string::npos;
    if (page_path.starts_with("roadmaps/")) end = page_path.find('/', 9);
    else if (page_path.starts_with("schools/")) {
        std::size_t slug_end = page_path.find('/', 8);
        if (slug_end != std::string::npos && page_path.compare(slug_end + 1, 8, "roadmap/") == 0) end = slug_end + 8;
    }
    if (end == std::string::npos) return std::nullopt;
    auto found = roadmaps_.find(page_path.substr(0, end + 1));
    if (found == roadmaps_.end()) return std::nullopt;
    return found->second;
}

}  // namespace shnor::view
