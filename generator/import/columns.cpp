#include "import/columns.hpp"

#include <charconv>

namespace shnor::import {

std::vector<std::string> grid_of(const std::vector<Cell>& row) {
    std::vector<std::string> grid;
    for (const auto& cell : row) {
        grid.push_back(cell.text);
        for (int i = 1; i < cell.span; ++i) grid.emplace_back();
    }
    return grid;
}

std::string at(const std::vector<std::string>& grid, int column) {
    return column >= 0 && column < static_cast<int>(grid.size()) ? grid[column] : std::string();
}

bool has_any(const std::string& text, std::initializer_list<const char*> stems) {
    for (const char* stem : stems)
        if (text.find(stem) != std::string::npos) return true;
    return false;
}

bool has_any(const std::string& text, const std::vector<const char*>& stems) {
    for (const char* stem : stems)
        if (text.find(stem) != std::string::npos) return true;
    return false;
}

namespace {

std::map<std::string, int> matched_columns(const std::vector<std::string>& grid,
                                           const std::vector<ColumnName>& names) {
    std::map<std::string, int> columns;
    for (int i = 0; i < static_cast<int>(grid.size()); ++i) {
        if (grid[i].empty()) continue;
        for (const auto& name : names) {
            if (columns.count(name.field) || !has_any(grid[i], name.stems)) continue;
            columns[name.field] = i;
            break;
        }
    }
    return columns;
}

bool is_header_again(const std::vector<std::string>& grid, const std::vector<std::string>& header) {
    if (grid == header) return true;
    bool any = false;
    for (std::size_t i = 0; i < grid.size(); ++i) {
        if (grid[i].empty()) continue;
        if (grid[i] != std::to_string(i + 1)) return false;
        any = true;
    }
    return any;
}

}  // namespace

std::optional<Header> find_header(const std::vector<Table>& tables, const std::vector<ColumnName>& names,
                                  const std::string& required) {
    for (const auto& table : tables) {
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            auto grid = grid_of(table.rows[r]);
            auto columns = matched_columns(grid, names);
            if (!columns.count(required)) continue;
            return Header{&table, r, std::move(columns), std::move(grid)};
        }
    }
    return std::nullopt;
}

std::vector<DataRow> data_rows(const Header& header) {
    std::vector<DataRow> rows;
    for (std::size_t r = header.row + 1; r < header.table->rows.size(); ++r) {
        const auto& cells = header.table->rows[r];
        auto grid = grid_of(cells);
        bool empty = true;
        for (const auto& text : grid) empty = empty && text.empty();
        if (empty || is_header_again(grid, header.texts)) continue;
        rows.push_back({static_cast<int>(r + 1), &cells, std::move(grid)});
    }
    return rows;
}

std::string row_summary(const DataRow& row) {
    std::string text;
    for (const auto& cell : row.grid)
        if (!cell.empty()) text += (text.empty() ? "" : " | ") + cell;
    return "строка " + std::to_string(row.number) + " таблицы: «" + text + "»";
}

std::optional<double> number_of(std::string text) {
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == ',') c = '.';
        if (c == ' ' || c == '%') continue;
        if (text.compare(i, 2, "\xC2\xA0") == 0) {  // no-break space between thousands
            ++i;
            continue;
        }
        digits += c;
    }
    if (digits.empty()) return std::nullopt;
    double value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

}  // namespace shnor::import
