// The .xlsx workbook beside an open-data CSV, made from the CSV's bytes as
// they go to the output: a full build streams them from view/, an
// incremental one from the patched file, and both give the same workbook, so
// it is never older than its CSV.
#pragma once

#include "model/date.hpp"
#include "view/view.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace shnor::pipeline {

class WorkbookFromCsv {
public:
    // `scratch`: a file path inside the output's staging folder
    // (write::OutputTree::scratch_path()), where libxlsxwriter makes the file.
    WorkbookFromCsv(const view::Spreadsheet& sheet, const std::filesystem::path& scratch, model::Date created);
    ~WorkbookFromCsv();
    WorkbookFromCsv(const WorkbookFromCsv&) = delete;
    WorkbookFromCsv& operator=(const WorkbookFromCsv&) = delete;

    // The CSV's next bytes, in any chunks.
    void append(std::string_view bytes);
    // The workbook's bytes. Throws std::runtime_error when the CSV does not read.
    std::string finish();

private:
    void take_records(std::size_t end);

    render::XlsxTable table_;
    std::string pending_;       // bytes not yet given to the table
    std::size_t scanned_ = 0;   // of pending_, looked at for record ends
    std::size_t complete_ = 0;  // of pending_, whole records
    bool in_quotes_ = false;    // at scanned_
    bool header_seen_ = false;
};

}  // namespace shnor::pipeline
