// The shared data sources of site.yaml, fetched and read by role: `results`
// rows join the charts, `data` sources reach the layouts by id, and
// `schools-list` rows are compared with the site by `shnor check`.
#pragma once

#include "fetch/fetch.hpp"
#include "model/diagnostics.hpp"
#include "model/model.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace shnor::pipeline {

struct SourceOptions {
    std::filesystem::path cache_dir;  // empty: beside the content folder
    bool offline = false;
};

struct SharedData {
    std::vector<fetch::FetchResult> fetched;      // in the order of site.yaml
    std::map<std::string, nlohmann::json> data;   // every readable source, by id
    std::vector<model::ResultRow> results;        // rows of `results` sources
};

// Fetches every source; a source that fails with no cached copy is an error,
// one served from an old cached copy a warning. A body replaces the cached
// copy only when it reads in its format and as its role needs (results rows
// without errors, a non-empty list, a site.json object): an empty, truncated
// or broken answer keeps the last good copy.
SharedData fetch_shared_data(const std::vector<model::Source>& sources, const std::filesystem::path& content_dir,
                             const SourceOptions& options, model::Diagnostics& diagnostics);

// Region and district rows, and rows of this site's schools, join the
// site's shared results; rows of other schools of the region are left out.
void add_shared_results(model::Site& site, const std::vector<model::ResultRow>& rows);

// A source's body as JSON: CSV as a list of objects keyed by the header.
// Throws (a Russian what()) when it is not in its format, or nested deeper
// or (YAML aliases expanded) bigger than load/bounds.hpp allows.
nlohmann::json source_as_json(const std::string& body, const std::string& format);

// `file:data/x.csv` → an absolute file:// URL inside the content folder.
std::string resolved_url(const std::string& url, const std::filesystem::path& content_dir);

}  // namespace shnor::pipeline
