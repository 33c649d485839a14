// The readers of each part of a content tree, called by load_site().
// `owner_dir` is the folder owning the part relative to the content root
// ("" for the district, "schools/<slug>" for a school); `owner` is the school
// slug or empty.
#pragma once

#include "load/context.hpp"
#include "model/model.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace shnor::load {

struct Owner {
    std::string dir;   // relative to the content root, "" for the district
    std::string slug;  // school slug, "" for the district
};

// "a/b" from an owner folder and a path inside it.
std::string content_path(const std::string& owner_dir, const std::string& inside);

// Files of `owner_dir/folder` with the given extension, sorted by name; other
// files are warned about. File names that are not slugs are errors.
std::vector<std::filesystem::path> content_files(LoadContext& context, const std::string& folder_path,
                                                 const std::vector<std::string>& extensions);

struct SchoolListEntry {
    std::string slug;
    int line = 0;
};

struct SiteFile {
    model::SiteConfig config;
    std::vector<SchoolListEntry> school_order;  // site.yaml `schools:`
};

SiteFile read_site_config(LoadContext& context);
std::vector<model::Indicator> read_indicators(LoadContext& context);
std::vector<model::Program> read_programs(LoadContext& context, const Owner& owner);
std::vector<model::Roadmap> read_roadmaps(LoadContext& context, const Owner& owner);
std::vector<model::Document> read_documents(LoadContext& context, const Owner& owner);
std::vector<model::NewsItem> read_news(LoadContext& context, const Owner& owner);
std::vector<model::Page> read_pages(LoadContext& context, const Owner& owner);
// results.yaml or results.csv of the owner; `scoped` rows carry `scope` (content root).
std::vector<model::ResultRow> read_results(LoadContext& context, const Owner& owner, bool scoped);
std::vector<model::School> read_schools(LoadContext& context, const std::vector<SchoolListEntry>& order);

model::Publications read_publications(LoadContext& context, const Owner& owner);

// Result rows that repeat one another across files (a school's own and the
// root file's rows scoped to it: an error) or that cannot be compared (a row
// without a grade among rows with one: a warning).
void check_result_rows(LoadContext& context, const model::Site& site);

// Resolves every noted reference against the loaded site.
void check_references(LoadContext& context, const model::Site& site);

}  // namespace shnor::load
