// A small CSV reader for tables exported from Excel: the file's encoding
// (UTF-8 with or without BOM, Windows-1251, UTF-16 «Unicode text») made UTF-8,
// `,` or `;` (or tab) separators detected from the header (or an Excel
// `sep=;` first line), quoted fields with doubled quotes, separators and line
// breaks inside quotes, CRLF, LF or CR line ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shnor::load {

enum class TextEncoding { utf8, windows1251, utf16 };

struct DecodedText {
    std::string text;  // UTF-8 without a byte order mark
    TextEncoding encoding = TextEncoding::utf8;
};

// UTF-16 is recognised by its byte order mark; bytes that are not valid UTF-8
// are read as Windows-1251, what Excel's «CSV (разделители — запятые)» writes
// on a Russian Windows.
DecodedText decode_excel_text(std::string_view bytes);

bool is_valid_utf8(std::string_view bytes);
// Offset of the first byte (at or after `from`) that does not start a
// well-formed UTF-8 sequence; npos when there is none.
std::size_t first_invalid_utf8(std::string_view bytes, std::size_t from = 0);

// Where a cell starts in the text, for messages (file:line:column).
struct CsvPosition {
    int line = 0;    // 1-based
    int column = 0;  // 1-based, in characters
};

struct CsvRecord {
    int line = 0;  // 1-based line where the record starts
    std::vector<std::string> cells;
    std::vector<CsvPosition> positions;  // one per cell
};

struct CsvTable {
    char separator = ',';
    std::vector<CsvRecord> records;  // the header first; blank lines skipped
    std::string error;               // empty when the whole text was read
    int error_line = 0;
    int error_column = 0;
};

// `text` must be UTF-8 and not start with a byte order mark.
CsvTable parse_csv(std::string_view text);

}  // namespace shnor::load
