// One school's section as a self-contained folder, to be copied under the
// school's own official site (`shnor build --school <slug>`).
#pragma once

#include "pipeline/pipeline.hpp"
#include "view/view.hpp"
#include "write/write.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace shnor::pipeline {

// Pages of a school build are rendered with these markers in place of their
// root prefixes; relocate_to_school() then resolves every marked link for the
// page's new place. Private-use code points never occur in generated text.
inline constexpr std::string_view kRootMarker = "\xEE\x80\x80";       // U+E000: the site root
inline constexpr std::string_view kViRootMarker = "\xEE\x80\x81";     // U+E001: the vi/ root
inline constexpr std::string_view kAssetRootMarker = "\xEE\x80\x82";  // U+E002: where assets live

// Sets the markers in a page's data. `vi`: the page is the copy for visually
// impaired readers.
void mark_roots_for_school(view::Data& data, const std::string& page_path, bool vi);

struct SchoolSite {
    std::string slug;
    std::string district_base_url;  // where links to district pages go, ends with '/'
};

// Keeps the school's pages, files and the assets, moved to the folder root;
// links inside the section become relative, links to the rest of the
// district site absolute.
// The whole `--school` build: load, render the section, relocate, publish.
void build_school_site(const BuildOptions& options, BuildReport& report);

// Every marked link as an address on the district site (`district_base_url`
// ends with '/'): what a fragment pasted into another site needs.
std::string with_marked_links_absolute(const std::string& html, const std::string& district_base_url);

std::vector<write::OutputFile> relocate_to_school(std::vector<write::OutputFile> files, const SchoolSite& school);

}  // namespace shnor::pipeline
