// The pieces a build's render tasks are made of: pages into the output tree,
// one part of the open data streamed into it, and the files after the pages
// (feeds, copied documents and photos, assets).
#pragma once

#include "model/model.hpp"
#include "pipeline/build_record.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/workbook_chunks.hpp"
#include "render/templates.hpp"
#include "view/view.hpp"
#include "write/output_tree.hpp"
#include "write/write.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shnor::pipeline {

// What one task made, kept small: paths, not bytes.
struct TaskOutput {
    std::vector<std::string> page_paths;  // PageSpec paths, for the sitemap
    std::vector<std::string> files;       // output files of the task
    std::size_t html_files = 0;
    std::map<std::string, std::vector<FragmentSpan>> fragments;  // output file → its fragments
    std::map<std::string, std::uint64_t> sizes;  // open data: output file → bytes
    std::map<std::string, MadeWorkbook> workbooks;  // open data: workbook → its chunks (workbook_chunks.hpp)
    // `files` not kept, being page_files(page_paths): a whole build's sections,
    // held through pass 2 (a million paths at 40 000 schools).
    bool files_are_pages = false;
};

// The files render_pages() writes for these pages: each page's copy and its vi copy.
std::vector<std::string> page_files(const std::vector<std::string>& page_paths);
// `out.files`, or page_files(out.page_paths) when those were not kept.
std::vector<std::string> files_of(const TaskOutput& out);
// Drops `out.files` when they are page_files(out.page_paths).
void keep_page_paths_only(TaskOutput& out);

// Renders the pages (both copies each) into the tree.
void render_pages(std::vector<view::PageSpec> pages, const view::Data& sources, render::Templates& templates,
                  write::OutputTree& tree, TaskOutput& out);

// Part `part` of the open data (view::open_data_parts()), streamed into the
// tree with each CSV's workbook; schools' spans go to out.fragments.
// `results`: the site's, when an index has them (view::write_open_data_part).
void write_open_data_part(const model::Site& site, const view::BuildContext& context, std::size_t part,
                          write::OutputTree& tree, TaskOutput& out, const derive::SiteResults* results = nullptr);

// The open-data files with a span per school (view::school_rows_files()), data/documents.*
// and data/results.*, streamed into the tree a school at a time in site order: a whole build
// adds each batch of full schools, then drops them. `district`: the site's
// district lines (derive::SiteResults::district()), the results' last rows.
class SchoolRowsOutput {
public:
    SchoolRowsOutput(const model::Site& site, const view::BuildContext& context, write::OutputTree& tree,
                     std::shared_ptr<const derive::DistrictLines> district);
    ~SchoolRowsOutput();
    std::size_t files() const;
    // Adds the school to file number `file`; different files may be added to on different threads.
    // `results`: an index's that has the school's groups.
    void add(std::size_t file, const model::School& school, const derive::SiteResults& results);
    // Ends the files: what each made (paths, sizes, the schools' spans).
    std::vector<TaskOutput> finish();

private:
    struct File;
    std::vector<std::unique_ptr<File>> files_;
};

// Feeds, copied documents and photos, assets (a content tree's assets
// replace built-in ones of the same name), by output path. With
// `feeds_into`, the feeds (tens of MB in a big district) are streamed into
// that tree instead and are not in the map.
std::map<std::string, write::OutputFile> files_after_pages(const model::Site& site, const BuildOptions& options,
                                                           const view::BuildContext& context,
                                                           std::vector<std::string> page_paths,
                                                           const std::vector<write::OutputFile>& photos,
                                                           write::OutputTree* feeds_into = nullptr);

void put_file(write::OutputTree& tree, const write::OutputFile& file);

}  // namespace shnor::pipeline
