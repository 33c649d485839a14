// Where each chunk of an open-data workbook lies (render::XlsxChunk), kept in
// the cache under the workbook's own hash: a build that makes the workbook
// again from a patched CSV takes the chunks whose rows did not change from
// the file on disk (which must still hash to the record's) instead of
// deflating every row again. A missing or damaged list costs speed only.
#pragma once

#include "render/xlsx.hpp"
#include "write/output_tree.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shnor::pipeline {

// <cache>/workbooks
std::filesystem::path workbook_chunks_folder(const std::filesystem::path& cache_dir);

// The chunks of the workbook `path` (e.g. "data/roadmaps.xlsx") whose bytes
// hash to `workbook`, as written by write_workbook_chunks(); nullopt when
// none are kept or they do not read.
std::optional<std::vector<render::XlsxChunk>> read_workbook_chunks(const std::filesystem::path& folder,
                                                                   const std::string& path,
                                                                   const write::ContentHash& workbook);

// Keeps `chunks` of the workbook `path` with those bytes, in place of any
// kept before for that path. Failing to write only costs the next build time.
void write_workbook_chunks(const std::filesystem::path& folder, const std::string& path,
                           const write::ContentHash& workbook, const std::vector<render::XlsxChunk>& chunks);

// What a build made of a workbook, for write_workbook_chunks().
struct MadeWorkbook {
    write::ContentHash hash;
    std::vector<render::XlsxChunk> chunks;
};

}  // namespace shnor::pipeline
