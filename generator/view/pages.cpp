// Every HTML page of a district build, in a stable order.
#include "view/common.hpp"
#include "view/view.hpp"

namespace shnor::view {

std::vector<PageSpec> html_pages(const model::Site& site, const BuildContext& context) {
    const detail::SiteIndex index(site);
    std::vector<PageSpec> pages;
    detail::add_district_pages(index, context, pages);
    for (const auto& school : site.schools) detail::add_school_pages(index, school, context, pages);
    return pages;
}

std::vector<PageSpec> district_pages(const detail::SiteIndex& index, const BuildContext& context) {
    std::vector<PageSpec> pages;
    detail::add_district_pages(index, context, pages);
    return pages;
}

std::vector<PageSpec> school_pages(const detail::SiteIndex& index, const model::School& school,
                                   const BuildContext& context) {
    std::vector<PageSpec> pages;
    detail::add_school_pages(index, school, context, pages);
    return pages;
}

}  // namespace shnor::view
