// A one-sheet Excel workbook (.xlsx) written row by row with Debian's
// libxlsxwriter: the open data's CSV tables made readable for people (a
// Russian Excel opens a comma-separated file as one column). Cells are typed:
// numbers are numbers, dates are Excel dates shown as 05.03.2024, true/false
// are booleans; the header row is bold, frozen and filtered.
#pragma once

#include "model/date.hpp"

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

class XlsxTable {
public:
    // The workbook is made in `scratch` (a file path that must not exist;
    // libxlsxwriter 1.1.4 writes only to files) and its temporary files beside
    // it. `created` is the date the workbook says it was made: libxlsxwriter
    // stamps the current time otherwise, and the same content with the same
    // date must give the same bytes (ZIP entries are dated 1980 by the library).
    XlsxTable(std::filesystem::path scratch, const std::string& sheet_name, std::vector<XlsxColumn> columns,
              model::Date created);
    ~XlsxTable();
    XlsxTable(const XlsxTable&) = delete;
    XlsxTable& operator=(const XlsxTable&) = delete;

    // One row of cells as the CSV writes them ("12.5", "2024-03-15", "true",
    // text with the CSV's apostrophe before a formula start); a cell that
    // does not read as its column's type is written as text, an empty one not
    // at all. Cells past the columns are dropped.
    void add_row(const std::vector<std::string>& cells);
    // Closes the workbook and returns its bytes; the scratch file is removed.
    // Throws std::runtime_error when libxlsxwriter fails.
    std::string finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace shnor::render
