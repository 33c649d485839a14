// A one-sheet Excel workbook (.xlsx) written row by row: the open data's CSV
// tables made readable for people (a Russian Excel opens a comma-separated
// file as one column). Cells are typed: numbers are numbers, dates are Excel
// dates shown as 05.03.2024, true/false are booleans; the header row is bold,
// frozen and filtered. Debian's libxlsxwriter makes every part but the rows;
// the rows' XML is written here as its constant-memory mode writes it, and
// deflated in chunks (XlsxChunk) that the ZIP (Debian's minizip) holds as
// they are.
#pragma once

#include "model/date.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shnor::render {

enum class CellType { text, number, integer, date, boolean };

struct XlsxColumn {
    std::string title;  // the header cell, Russian
    CellType type = CellType::text;
    double width = 12;  // in Excel's character units
    // Words shown for the CSV's code values of a text column ("done" →
    // «выполнено»); a value not listed is shown as it is.
    std::vector<std::pair<std::string, std::string>> words = {};
};

// A run of rows of a workbook's sheet, deflated on its own (a fresh
// compressor, ended with a sync flush), so that a later workbook can take it
// as it is when its rows are the same: the sheet's compressed data is the
// deflated XML before the rows, the chunks in order, and the XML after.
struct XlsxChunk {
    std::uint64_t key = 0;        // the caller's name for its rows (e.g. a hash of where they come from)
    std::uint32_t rows = 0;       // rows it covers
    std::uint32_t last_row = 0;   // 1 + the last row (0-based) with a cell; 0 when none
    std::uint64_t xml_size = 0;   // its XML's bytes, uncompressed
    std::uint32_t crc = 0;        // their CRC-32
    std::uint64_t offset = 0;     // where its deflated bytes lie in the workbook (after finish())
    std::uint64_t length = 0;     // how many
    bool operator==(const XlsxChunk&) const = default;
};

class XlsxTable {
public:
    // The workbook is made in `scratch` (a file path that must not exist;
    // libxlsxwriter 1.1.4 writes only to files) and its temporary files beside
    // it. `created` is the date the workbook says it was made: libxlsxwriter
    // stamps the current time otherwise, and the same content with the same
    // date must give the same bytes (ZIP entries are dated 1980 by the library,
    // and keep that date here).
    XlsxTable(std::filesystem::path scratch, const std::string& sheet_name, std::vector<XlsxColumn> columns,
              model::Date created);
    ~XlsxTable();
    XlsxTable(const XlsxTable&) = delete;
    XlsxTable& operator=(const XlsxTable&) = delete;

    // One row of cells as the CSV writes them ("12.5", "2024-03-15", "true",
    // text with the CSV's apostrophe before a formula start); a cell that
    // does not read as its column's type is written as text, an empty one not
    // at all. Cells past the columns are dropped. The row's XML is held until
    // its chunk ends.
    void add_row(const std::vector<std::string>& cells);
    // Ends the rows added since the last chunk as a chunk named `key`
    // (finish() ends the last one itself, named 0): deflated to a scratch
    // file beside `scratch`.
    void end_chunk(std::uint64_t key);
    // Rows of an earlier workbook of the same columns, as one chunk: `deflated`
    // are its bytes there. Only where the same rows would start (the caller
    // compares where they come from: `chunk.key`), after end_chunk().
    void add_deflated_chunk(const XlsxChunk& chunk, std::string_view deflated);
    // The row the next add_row() writes (1: the first after the header).
    std::uint32_t next_row() const;
    // Closes the workbook and returns its bytes; the scratch file is removed.
    // Throws std::runtime_error when libxlsxwriter fails.
    std::string finish();
    // The chunks of the finished workbook, in order, with their offsets.
    const std::vector<XlsxChunk>& chunks() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace shnor::render
