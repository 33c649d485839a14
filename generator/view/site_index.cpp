#include "view/site_index.hpp"

#include "view/common.hpp"

namespace shnor::view::detail {

SiteIndex::SiteIndex(const model::Site& site) : site_(site), results_(site) { index_site(); }

SiteIndex::SiteIndex(const model::Site& site, const std::function<bool(const model::School&)>& wanted)
    : site_(site), results_(site, wanted) {
    index_site();
}

SiteIndex::SiteIndex(const model::Site& site, const std::function<bool(const model::School&)>& wanted,
                     std::shared_ptr<const derive::DistrictLines> district)
    : site_(site), results_(site, wanted, std::move(district)) {
    index_site();
}

void SiteIndex::index_site() {
    const model::Site& site = site_;
    // emplace keeps the first entry of a key: earlier items win, as a linear search would find them.
    for (const auto& school : site.schools) schools_.emplace(school.slug, &school);
    for (const auto& document : site.district.documents) district_documents_.emplace(document.id, &document);
    for (const auto& item : site.district.news) news_.emplace(item.id, OwnedNews{&item, nullptr});
    for (const auto& school : site.schools)
        for (const auto& item : school.own.news) news_.emplace(item.id, OwnedNews{&item, &school});

    for (const auto& roadmap : site.district.roadmaps) {
        district_roadmaps_.emplace(roadmap.id, &roadmap);
        index_roadmap(roadmap);
    }
    for (const auto& school : site.schools)
        for (const auto& roadmap : school.own.roadmaps) {
            school_roadmaps_.emplace(roadmap.id, SchoolRoadmap{&school, &roadmap});
            index_roadmap(roadmap);
        }

    index_reporting_news(site.district.news, nullptr);
    for (const auto& school : site.schools) index_reporting_news(school.own.news, &school);
}

void SiteIndex::index_roadmap(const model::Roadmap& roadmap) {
    auto& by_n = items_[&roadmap];
    for (const auto& section : roadmap.sections)
        for (const auto& item : section.items)
            if (!item.n.empty()) by_n.emplace(item.n, &item);
}

void SiteIndex::index_reporting_news(const std::vector<model::NewsItem>& news, const model::School* owner) {
    for (const auto& entry : news) {
        if (entry.roadmap_item.empty()) continue;
        if (const auto* item = resolve_item(owner, entry.roadmap_item).item)
            reporting_news_[item].push_back({&entry, owner});
    }
}

const model::School* SiteIndex::find_school(const std::string& slug) const {
    auto found = schools_.find(slug);
    return found == schools_.end() ? nullptr : found->second;
}

const model::Document* SiteIndex::find_district_document(const std::string& id) const {
    auto found = district_documents_.find(id);
    return found == district_documents_.end() ? nullptr : found->second;
}

OwnedNews SiteIndex::find_news(const std::string& id) const {
    auto found = news_.find(id);
    return found == news_.end() ? OwnedNews{} : found->second;
}

const model::RoadmapItem* SiteIndex::find_item(const model::Roadmap& roadmap, const std::string& n) const {
    auto by_n = items_.find(&roadmap);
    if (by_n == items_.end()) {
        // A scope school from outside the site: its roadmaps were not indexed.
        for (const auto& section : roadmap.sections)
            for (const auto& item : section.items)
                if (!item.n.empty() && item.n == n) return &item;
        return nullptr;
    }
    auto found = by_n->second.find(n);
    return found == by_n->second.end() ? nullptr : found->second;
}

ItemTarget SiteIndex::target_in(const model::Roadmap& roadmap, const std::string& n,
                                const model::School* school) const {
    const auto* item = find_item(roadmap, n);
    if (!item) return {};
    if (!school) return {item, "roadmaps/" + roadmap.id + "/#" + item_anchor("", n, 0)};
    return {item, "schools/" + school->slug + "/roadmap/#" + item_anchor(roadmap.id + "-", n, 0)};
}

ItemTarget SiteIndex::resolve_item(const model::School* scope, const std::string& reference) const {
    auto hash = reference.find('#');
    if (hash == std::string::npos) return {};
    std::string roadmap_id = reference.substr(0, hash);
    std::string n = reference.substr(hash + 1);
    if (auto district = district_roadmaps_.find(roadmap_id); district != district_roadmaps_.end())
        return target_in(*district->second, n, nullptr);
    if (scope)
        for (const auto& roadmap : scope->own.roadmaps)
            if (roadmap.id == roadmap_id) return target_in(roadmap, n, scope);
    if (auto other = school_roadmaps_.find(roadmap_id); other != school_roadmaps_.end())
        return target_in(*other->second.roadmap, n, other->second.school);
    return {};
}

const std::vector<OwnedNews>& SiteIndex::news_reporting_on(const model::RoadmapItem& item) const {
    static const std::vector<OwnedNews> none;
    auto found = reporting_news_.find(&item);
    return found == reporting_news_.end() ? none : found->second;
}

}  // namespace shnor::view::detail
