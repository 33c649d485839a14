// A small CSV reader for tables exported from Excel: `,` or `;` (or tab)
// separators detected from the header, quoted fields with doubled quotes,
// separators and line breaks inside quotes, CRLF line ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shnor::load {

struct CsvRecord {
    int line = 0;  // 1-based line where the record starts
    std::vector<std::string> cells;
};

struct CsvTable {
    char separator = ',';
    std::vector<CsvRecord> records;  // the header first; blank lines skipped
    std::string error;               // empty when the whole text was read
    int error_line = 0;
};

// `text` must not start with a byte order mark.
CsvTable parse_csv(std::string_view text);

}  // namespace shnor::load
