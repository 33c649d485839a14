// load: a content folder on disk → a validated model, with every problem
// reported as file:line: field: message.
#pragma once

#include "load/context.hpp"
#include "model/diagnostics.hpp"
#include "model/model.hpp"

#include <filesystem>

namespace shnor::load {

struct LoadResult {
    model::Site site;
    model::Diagnostics diagnostics;  // errors make the build fail; warnings do not
};

// Reads the whole tree described in spec/content-format.md. Never throws on
// bad content: every problem becomes a diagnostic and loading goes on, so a
// webmaster sees all errors of a build at once.
// Schools are read in parallel, each by `school_loader` (load_school when
// empty); the result does not depend on the order they finish in.
LoadResult load_site(const std::filesystem::path& content_dir, SchoolLoader school_loader = {});

// Reads schools/<slug>/ alone. Safe to call from several threads.
SchoolLoad load_school(const std::filesystem::path& content_dir, const std::string& slug);

// Rows of a fetched `results` source (format csv, json or yaml), each with
// its `scope`; problems are reported against `label` (the source's URL).
std::vector<model::ResultRow> parse_shared_results(const std::string& bytes, const std::string& format,
                                                   const std::string& label, model::Diagnostics& diagnostics);

// Errors for fetched rows (parse_shared_results) that repeat a row the site
// already has for the same exam, subject, grade, year and scope: its content
// files' or an earlier source's. Only rows the site keeps are looked at
// (region, district and its own schools), as pipeline::add_shared_results keeps.
void check_shared_rows(const model::Site& site, const std::vector<model::ResultRow>& fetched,
                       model::Diagnostics& diagnostics);

}  // namespace shnor::load
