// Files of the last build with some spans put in place (a school's intro
// text in its first page, its row of the schools list, its open-data
// elements, its lines of the sitemap), streamed into the output tree. The
// file on disk must still be what the record says, or PlanImpossible.
#pragma once

#include "model/date.hpp"
#include "model/model.hpp"
#include "pipeline/build_record.hpp"
#include "view/view.hpp"
#include "write/output_tree.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace shnor::pipeline {

// A plan that turns out impossible while it is carried out: the build asks
// the plan stage for the whole one instead. Nothing has been published.
struct PlanImpossible : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Hands `before` to `emit`, piece by piece, with the spans named in
// `replacements` replaced. `spans` are all of the file's, in file order;
// they are moved to where they lie after. False (and the output cut short)
// when a replaced span is missing or lies nowhere, when spans overlap, or,
// with `keep_emptiness`, when a span would turn from empty to not or back
// (an array's comma before it would be wrong).
bool emit_with_spans_replaced(std::string_view before, std::vector<FragmentSpan>& spans,
                              const std::map<std::string, std::string>& replacements, bool keep_emptiness,
                              const std::function<void(std::string_view)>& emit);

struct SpanPatch {
    std::string path;                 // output path
    write::ContentHash before;        // its bytes as the record knows them
    std::vector<FragmentSpan> spans;  // all its spans as recorded; as written after patch_files()
    std::map<std::string, std::string> replacements;  // span key → new bytes
    bool keep_emptiness = false;
};

// Streams each patched file into the tree (its spans moved to where they lie
// after), and makes the workbook of each patched CSV again from the new
// bytes; the sizes of all go to `sizes`. The files and the workbooks are
// independent tasks on all cores, the biggest workbooks first.
// A workbook made again takes the chunks of its rows that did not change from
// the file on disk (`before`: the record's hashes; the chunks' list kept in
// `workbooks`, pipeline/workbook_chunks.hpp).
void patch_files(const std::filesystem::path& out_dir, std::vector<SpanPatch>& patches, write::OutputTree& tree,
                 model::Date created, const std::map<std::string, write::ContentHash>& before,
                 const std::filesystem::path& workbooks, std::map<std::string, std::uint64_t>& sizes);

// The sitemap with the lines of `schools`' pages made again (their
// <lastmod> follows their content). `pages_of`: slug → its page paths.
void patch_sitemap(const std::filesystem::path& out_dir, const write::ContentHash& before, const model::Site& site,
                   const std::vector<std::string>& schools, const view::BuildContext& context,
                   const std::map<std::string, std::vector<std::string>>& pages_of, write::OutputTree& tree);

}  // namespace shnor::pipeline
