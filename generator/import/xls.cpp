// An old Excel book (.xls, BIFF) read with libfreexl. FreeXL 1.0 does not
// report merged ranges: a cell merged down is empty in the rows below it.
#include "import/table.hpp"

#include <freexl.h>

#include <cstdio>
#include <memory>

namespace shnor::import {

namespace {

constexpr unsigned kMaxRows = 100000;
constexpr unsigned kMaxColumns = 200;

// "2024-12-30" → "30.12.2024", as Russians print dates.
std::string russian_date(const std::string& iso) {
    if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return iso;
    return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4) + iso.substr(10);
}

std::string cell_text(const void* book, unsigned row, unsigned short column) {
    FreeXL_CellValue value;
    if (freexl_get_cell_value(book, row, column, &value) != FREEXL_OK) return "";
    switch (value.type) {
    case FREEXL_CELL_INT: return std::to_string(value.value.int_value);
    case FREEXL_CELL_DOUBLE: return number_as_shown(value.value.double_value);
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_TIME: return value.value.text_value ? value.value.text_value : "";
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME: return value.value.text_value ? russian_date(value.value.text_value) : "";
    default: return "";
    }
}

}  // namespace

std::vector<Table> read_xls_tables(const std::filesystem::path& file) {
    const void* opened = nullptr;
#ifdef _WIN32
    // UTF-8: the prefix's freexl takes it so (packaging/windows/freexl-utf8-path.patch).
    if (freexl_open(file.string().c_str(), &opened) != FREEXL_OK) {
#else
    if (freexl_open(file.c_str(), &opened) != FREEXL_OK) {
#endif
        if (opened) freexl_close(opened);
        throw ImportError("«" + file.string() + "» не читается как книга Excel 97–2003 (.xls)");
    }
    std::unique_ptr<const void, int (*)(const void*)> book(opened, &freexl_close);
    unsigned sheets = 0;
    freexl_get_info(book.get(), FREEXL_BIFF_SHEET_COUNT, &sheets);
    std::vector<Table> tables;
    for (unsigned sheet = 0; sheet < sheets; ++sheet) {
        unsigned rows = 0;
        unsigned short columns = 0;
        if (freexl_select_active_worksheet(book.get(), static_cast<unsigned short>(sheet)) != FREEXL_OK ||
            freexl_worksheet_dimensions(book.get(), &rows, &columns) != FREEXL_OK)
            continue;
        if (rows > kMaxRows || columns > kMaxColumns)
            throw ImportError("«" + file.string() + "»: лист " + std::to_string(sheet + 1) + " больше " +
                              std::to_string(kMaxRows) + " строк или " + std::to_string(kMaxColumns) + " столбцов");
        Table& table = tables.emplace_back();
        for (unsigned row = 0; row < rows; ++row) {
            auto& cells = table.rows.emplace_back();
            for (unsigned short column = 0; column < columns; ++column)
                cells.push_back({trimmed_cell(cell_text(book.get(), row, column))});
        }
    }
    return tables;
}

}  // namespace shnor::import
