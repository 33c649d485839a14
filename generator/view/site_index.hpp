// Lookups over the whole site for the HTML pages, built once per build:
// schools by slug, news and documents by id, roadmap references to their
// rows, the news reporting on each roadmap item, and every school's result
// groups. Immutable after construction, so page builders on several threads
// may read one index at once. Internal to view/.
#pragma once

#include "derive/results.hpp"
#include "model/model.hpp"

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace shnor::view::detail {

// Where a `roadmap_item` reference ("<roadmap id>#<n>") leads.
struct ItemTarget {
    const model::RoadmapItem* item = nullptr;  // null when the reference leads nowhere
    std::string href;                          // site-root relative, with the row anchor
};

// A news item and whose it is (null: the district's).
struct OwnedNews {
    const model::NewsItem* item = nullptr;
    const model::School* owner = nullptr;
};

// Refers to the site's items by address: the site must outlive the index and stay unchanged.
class SiteIndex {
public:
    explicit SiteIndex(const model::Site& site);
    // Results only of the schools `wanted` accepts (derive::SiteResults):
    // enough for those schools' pages, not for the district's.
    SiteIndex(const model::Site& site, const std::function<bool(const model::School&)>& wanted);
    // The same with the district lines of the whole site's index (a batch of a streaming build).
    SiteIndex(const model::Site& site, const std::function<bool(const model::School&)>& wanted,
              std::shared_ptr<const derive::DistrictLines> district);
    SiteIndex(const SiteIndex&) = delete;
    SiteIndex& operator=(const SiteIndex&) = delete;

    const model::Site& site() const { return site_; }
    const derive::SiteResults& results() const { return results_; }

    // The first school with the slug, in site order.
    const model::School* find_school(const std::string& slug) const;
    const model::Document* find_district_document(const std::string& id) const;
    // The news with the id outside `scope`'s own: the district's first, then
    // the schools' in site order (item null when none).
    OwnedNews find_news(const std::string& id) const;
    // A reference as written in content of `scope` (null: the district's):
    // the district's roadmaps first, then the scope's own, then other
    // schools' in site order. A roadmap found by id without the row is a
    // dead end: later roadmaps of the same id are not searched.
    ItemTarget resolve_item(const model::School* scope, const std::string& reference) const;
    // The news whose `roadmap_item` resolves to `item`: the district's, then
    // each school's in site order, each in its own order.
    const std::vector<OwnedNews>& news_reporting_on(const model::RoadmapItem& item) const;

private:
    void index_site();

    struct SchoolRoadmap {
        const model::School* school = nullptr;
        const model::Roadmap* roadmap = nullptr;
    };

    const model::RoadmapItem* find_item(const model::Roadmap& roadmap, const std::string& n) const;
    ItemTarget target_in(const model::Roadmap& roadmap, const std::string& n, const model::School* school) const;
    void index_roadmap(const model::Roadmap& roadmap);
    void index_reporting_news(const std::vector<model::NewsItem>& news, const model::School* owner);

    const model::Site& site_;
    derive::SiteResults results_;
    std::unordered_map<std::string, const model::School*> schools_;
    std::unordered_map<std::string, const model::Document*> district_documents_;
    std::unordered_map<std::string, OwnedNews> news_;
    std::unordered_map<std::string, const model::Roadmap*> district_roadmaps_;
    std::unordered_map<std::string, SchoolRoadmap> school_roadmaps_;
    std::unordered_map<const model::Roadmap*, std::unordered_map<std::string, const model::RoadmapItem*>> items_;
    std::unordered_map<const model::RoadmapItem*, std::vector<OwnedNews>> reporting_news_;
};

}  // namespace shnor::view::detail
