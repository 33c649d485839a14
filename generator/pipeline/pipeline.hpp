// The whole build: load → derive → view → render → write.
#pragma once

#include "model/date.hpp"
#include "pipeline/sources.hpp"
#include "model/diagnostics.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace shnor::pipeline {

struct BuildOptions {
    std::filesystem::path content_dir = "content";
    std::filesystem::path out_dir = "site";
    model::Date build_date;        // the date statuses are computed against
    std::string base_url;          // empty: the base_url of site.yaml
    std::string school;            // a slug: only that school's section, as a self-contained folder
    // With `school`: the section's pages as HTML fragments to paste into the
    // school's own CMS site, every link absolute to `base_url` (required).
    bool fragment = false;
    bool full = false;             // ignore the record of the previous build: render everything
    // Build into a non-empty folder that has no shnor marker (a site built by
    // an older shnor): files shnor did not write stay all the same.
    bool force = false;
    // How long to wait for another build of the same output folder.
    std::chrono::milliseconds lock_wait{5000};
    SourceOptions sources;         // cache folder, offline
    // Empty: the layouts and assets built into shnor, as build_site extracts
    // them into the cache folder (pipeline/builtin_files.hpp).
    std::filesystem::path builtin_layouts;
    std::filesystem::path builtin_assets;
};

struct BuildReport {
    model::Diagnostics diagnostics;
    bool written = false;  // false when errors stopped the build before writing
    bool refused = false;  // --out is not a folder shnor may build into (a diagnostic says why)
    bool busy = false;     // another build held the output folder
    // Files the last build wrote that were changed or removed since by
    // someone else, so written again.
    std::vector<std::string> repaired;
    std::size_t pages = 0;
    std::size_t files = 0;
    std::size_t written_files = 0;  // new or changed: the rest were left untouched
    std::size_t removed_files = 0;  // left by the previous build, no longer produced
    bool unchanged = false;         // nothing changed since the previous build: nothing was done
    std::size_t schools_rendered = 0;  // school sections rendered (the rest were kept as they were)
    std::size_t schools_reused = 0;    // schools taken from the cache instead of re-reading their files
    // Set when only these schools' sections were rebuilt: their changes
    // touched nothing outside their own section (pipeline/school_parts.hpp)
    // but the spans of `rows_patched`.
    std::vector<std::string> sections_only;
    // Of those schools, the ones whose row of the schools list and open-data
    // elements were put in place in those files (their roadmaps changed).
    std::vector<std::string> rows_patched;
    // With sections_only: of those sections, only the schools' own text
    // (index.md, a fragment of their first page) was rendered again.
    bool fragments_only = false;
    double seconds = 0;
};

// Never throws for bad content or I/O: every problem is a diagnostic, and the
// previous output folder is left as it was unless the build succeeds.
BuildReport build_site(const BuildOptions& options);

model::Date today();

}  // namespace shnor::pipeline
