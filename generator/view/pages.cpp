// Every HTML page of a district build, in a stable order.
#include "view/common.hpp"
#include "view/view.hpp"

namespace shnor::view {

std::vector<PageSpec> html_pages(const model::Site& site, const BuildContext& context) {
    const detail::SiteIndex index(site);
    std::vector<PageSpec> pages;
    detail::add_district_pages(index, context, pages);
    for (const auto& school : site.schools) detail::add_school_pages(index, school, context, pages);
    // The index dies here: lazy fragment data is made now.
    for (auto& page : pages)
        for (auto& fragment : page.fragments)
            if (fragment.make_data) {
                fragment.data = fragment.make_data();
                fragment.make_data = nullptr;
            }
    return pages;
}

std::string fragment_mark(std::size_t index) {
    std::string mark(kFragmentMarkStart);
    mark += std::to_string(index);
    mark += kFragmentMarkEnd;
    return mark;
}

std::string add_fragment(PageSpec& page, Fragment fragment) {
    page.fragments.push_back(std::move(fragment));
    return fragment_mark(page.fragments.size() - 1);
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
