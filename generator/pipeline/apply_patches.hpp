// What follows a plan's pages: what they go into the record as, the spans
// the plan patches in files it does not render, and the files that wait for
// both (the data page, feeds, sitemap, copied files, assets).
#pragma once

#include "pipeline/build_record.hpp"
#include "pipeline/kept_files.hpp"
#include "pipeline/load_planned.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/render_planned.hpp"
#include "plan/plan.hpp"
#include "write/output_tree.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace shnor::pipeline {

// What the rendered pages go into the record as: their owners, fragments
// and page paths (moved out of `pages`: the record's school_pages has them
// afterwards). A section rendered in place of the last build's must have
// made the same files and pages (or PlanImpossible).
void note_pages(const plan::BuildPlan& plan, Pages& pages, const Before& before, BuildRecord& record);

// The plan's patches: spans put in place, each file as the record knows it;
// the workbooks of patched CSVs made with them. Returns the open data's sizes.
std::map<std::string, std::uint64_t> apply_patches(const BuildOptions& options, const plan::BuildPlan& plan,
                                                   const Loaded& loaded, Rendering& rendering, const Before& before,
                                                   BuildRecord& record, write::OutputTree& tree);

// What waits for the pages and patches: the data page (it prints the open
// data's sizes), then the feeds, sitemap, copied files and assets.
void render_after_patches(const BuildOptions& options, const plan::BuildPlan& plan, Rendering& rendering, Pages& pages,
                          std::map<std::string, std::uint64_t>& sizes, BuildRecord& record, write::OutputTree& tree);

}  // namespace shnor::pipeline
