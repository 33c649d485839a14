// import: tables of a Word order or an Excel sheet as content YAML
// (`shnor import`). This file: a table as read, cells merged the way the
// document merged them.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
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

// Every table of a .docx (top-level ones, in document order), with the text
// of cells merged down repeated in each row they cover.
std::vector<Table> read_docx_tables(const std::filesystem::path& file);
// The same from the bytes of word/document.xml.
std::vector<Table> tables_of_document_xml(const std::string& xml);

}  // namespace shnor::import
