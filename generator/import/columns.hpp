// A table's header row found by the usual Russian column names, and its
// rows read by those columns: what every `shnor import` kind shares.
#pragma once

#include "import/table.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shnor::import {

// One cell per grid column: a merged cell's text in its first column.
std::vector<std::string> grid_of(const std::vector<Cell>& row);
// The text at `column`, empty outside the row.
std::string at(const std::vector<std::string>& grid, int column);
// Whether `text` contains one of `stems` (parts of words, so «Ответственные»
// and «ответственный» both have «тветствен»).
bool has_any(const std::string& text, std::initializer_list<const char*> stems);
bool has_any(const std::string& text, const std::vector<const char*>& stems);

// A field and the stems its column header has.
struct ColumnName {
    const char* field;
    std::vector<const char*> stems;  // not an initializer_list: its array would not outlive the table
};

struct Header {
    const Table* table = nullptr;
    std::size_t row = 0;               // index of the header row in table->rows
    std::map<std::string, int> columns;  // field → grid column
    std::vector<std::string> texts;      // the header's grid
    int column(const std::string& field) const {
        auto found = columns.find(field);
        return found == columns.end() ? -1 : found->second;
    }
};

// The first row (of the first table that has one) naming the `required`
// field's column; each header cell is matched to the first field of `names`
// whose stems it has and that no cell took before.
std::optional<Header> find_header(const std::vector<Table>& tables, const std::vector<ColumnName>& names,
                                  const std::string& required);

// The rows under the header that carry data: not empty, not the header
// repeated on a new page, not the «1 2 3 …» row of column numbers.
// Each with its number in the table (1-based), for messages.
struct DataRow {
    int number = 0;
    const std::vector<Cell>* cells = nullptr;
    std::vector<std::string> grid;
};
std::vector<DataRow> data_rows(const Header& header);

// «строка 7 таблицы: …» with the row's texts joined, for what was not placed.
std::string row_summary(const DataRow& row);

// A number as a table prints it: «3,1», «28.6», «28,6 %», «14»; nothing
// when the text is not one.
std::optional<double> number_of(std::string text);

}  // namespace shnor::import
