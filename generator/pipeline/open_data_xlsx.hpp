// The .xlsx workbook beside an open-data CSV, made from the CSV's bytes as
// they go to the output: a full build streams them from view/, an
// incremental one from the patched file, and both give the same workbook, so
// it is never older than its CSV. The rows go to the workbook in chunks of
// kChunkRecords CSV records, each named by a hash of its records' bytes, its
// first row and the sheet's columns: a chunk of an earlier workbook with the
// same name is taken as it is (already deflated), so a build that changes
// one school's rows deflates only the chunks they are in. 512 records: the
// roadmaps' workbook at 2000 schools is 4.0 MB against 3.8 MB deflated
// whole (256: 4.1 MB; 1024: 3.9 MB, but twice the work per changed chunk).
#pragma once

#include "model/date.hpp"
#include "render/xlsx.hpp"
#include "view/view.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::pipeline {

// CSV records a chunk of the workbook holds (the last one fewer).
constexpr std::size_t kChunkRecords = 512;

// A workbook made earlier from a CSV of the same sheet, and its chunks.
struct EarlierWorkbook {
    std::string_view bytes;  // the workbook file, alive while the new one is made
    std::vector<render::XlsxChunk> chunks;
};

// The date every workbook of the open data says it was made: a fixed one,
// as the library dates its ZIP entries, so a rebuild on a later day gives the
// same bytes (the dates of the data are in its rows).
inline constexpr model::Date kWorkbookCreated{1980, 1, 1};

class WorkbookFromCsv {
public:
    // `scratch`: a file path inside the output's staging folder
    // (write::OutputTree::scratch_path()), where libxlsxwriter makes the file.
    WorkbookFromCsv(const view::Spreadsheet& sheet, const std::filesystem::path& scratch, model::Date created,
                    const EarlierWorkbook* earlier = nullptr);
    ~WorkbookFromCsv();
    WorkbookFromCsv(const WorkbookFromCsv&) = delete;
    WorkbookFromCsv& operator=(const WorkbookFromCsv&) = delete;

    // The CSV's next bytes, in any chunks.
    void append(std::string_view bytes);
    // The workbook's bytes. Throws std::runtime_error when the CSV does not read.
    std::string finish();
    // After finish(): its chunks, for a later build.
    const std::vector<render::XlsxChunk>& chunks() const { return table_.chunks(); }
    // Chunks taken from the earlier workbook.
    std::size_t reused() const { return reused_; }

private:
    void take_chunk(std::size_t end);

    render::XlsxTable table_;
    const EarlierWorkbook* earlier_;
    std::uint64_t spec_hash_ = 0;  // of the sheet's columns, in every chunk's name
    std::string pending_;       // bytes not yet given to the table, from consumed_
    std::size_t consumed_ = 0;  // of pending_, given to the table
    std::size_t scanned_ = 0;   // of pending_, looked at for record ends
    std::size_t records_ = 0;   // whole records after consumed_
    std::size_t chunk_ = 0;     // chunks made so far
    std::size_t reused_ = 0;
    bool in_quotes_ = false;    // at scanned_
    bool header_seen_ = false;
};

}  // namespace shnor::pipeline
