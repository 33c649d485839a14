// One school's section as paste-ready HTML fragments for the school's own
// site on a hosted CMS (`shnor build --school <slug> --fragment`): such a
// site takes a piece of HTML pasted into a page, not a folder.
#pragma once

#include "pipeline/pipeline.hpp"

#include <string>
#include <string_view>

namespace shnor::pipeline {

// The class of each fragment's wrapper; every rule of its stylesheet
// (layouts/partials/fragment_style.mustache, made by tools/fragment_css.py
// from assets/style.css) starts with it.
inline constexpr std::string_view kFragmentClass = "shnor-fragment";
// The page that lists the fragments with their code to copy.
inline constexpr std::string_view kFragmentsIndex = "index.html";

// The file a section page's fragment goes to, from the page's path inside
// the section: "" → "main.html", "roadmap/status/overdue/" →
// "roadmap-status-overdue.html".
std::string fragment_file_name(const std::string& section_path);

// `html` with every relative href and src resolved against `page_url` (the
// page's address on the district site), as a browser would there; in-page
// anchors ("#…") stay as they are.
std::string with_absolute_links(const std::string& html, const std::string& page_url);

// The whole `--school --fragment` build: load, render each page of the
// section without the site around it, every link absolute, publish.
// options.base_url must be set (the CLI requires --base-url).
void build_school_fragments(const BuildOptions& options, BuildReport& report);

}  // namespace shnor::pipeline
