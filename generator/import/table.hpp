// import: tables of a Word order or an Excel sheet as content YAML
// (`shnor import`). This file: a table as read, cells merged the way the
// document merged them.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::import {

struct Cell {
    std::string text;  // paragraphs joined by line breaks, as printed
    int span = 1;      // grid columns it covers (a merged row: all of them)
    // Part of a cell merged down from the row above (Word's vMerge): its
    // text is that cell's.
    bool merged_above = false;
};

struct Table {
    std::vector<std::vector<Cell>> rows;
};

// Not a document this can read; the message is a Russian sentence.
class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The tables of a .docx, .xlsx, .xls or .csv file (by its extension).
std::vector<Table> read_tables(const std::filesystem::path& file);

// Every table of a .docx (top-level ones, in document order), with the text
// of cells merged down repeated in each row they cover.
std::vector<Table> read_docx_tables(const std::filesystem::path& file);
// The same from the bytes of word/document.xml.
std::vector<Table> tables_of_document_xml(const std::string& xml);
// Every sheet of an .xlsx, merged ranges as in a .docx (the first cell spans
// the columns; rows below repeat its text); dates as ДД.ММ.ГГГГ, numbers as
// Excel's General format shows them in Russian (a decimal comma).
std::vector<Table> read_xlsx_tables(const std::filesystem::path& file);
// Every sheet of an old .xls (libfreexl: merged ranges are not reported).
std::vector<Table> read_xls_tables(const std::filesystem::path& file);
// For the readers: a cell's text without its leading and trailing blanks
// and line breaks, and a number as Excel's General format shows it in
// Russian (up to 15 digits, no float noise, a decimal comma: 28,6).
std::string trimmed_cell(std::string text);
std::string number_as_shown(double value);

// A CSV file's bytes (encoding and separator as load/csv.hpp detects them)
// as one table whose row i is the file's line i + 1.
std::vector<Table> tables_of_csv(std::string_view bytes);

}  // namespace shnor::import
