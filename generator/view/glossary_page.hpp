// The glossary page: which terms of the build's glossary the site uses.
// Internal to view/.
#pragma once

#include "render/glossary.hpp"
#include "view/common.hpp"

#include <vector>

namespace shnor::view::detail {

// used[i] for glossary.terms()[i]: the term occurs in a text the site's pages
// print (the content and the built-in layouts' own words). `only`: the pages
// of that school's own site (`--school`).
std::vector<bool> terms_used(const model::Site& site, const render::Glossary& glossary, const model::School* only);

// The page at `path` listing the terms used, sorted by abbreviation.
PageSpec glossary_page(const model::Site& site, const BuildContext& context, const std::string& path,
                       const model::School* only, const Crumbs& crumbs);

}  // namespace shnor::view::detail
