// An .xlsx is a ZIP (libzip) of XML parts (pugixml): the workbook's sheet
// list, each sheet's cells, the shared strings most text cells point to,
// the styles that tell a date from a number, and the merged ranges.
#include "import/table.hpp"
#include "import/zip_archive.hpp"

#include <pugixml.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace shnor::import {

namespace {

constexpr std::size_t kMaxPartBytes = 64u << 20;
constexpr int kMaxRows = 100000;  // a roadmap or a list of schools: hundreds
constexpr int kMaxColumns = 200;

pugi::xml_document parsed(const std::filesystem::path& file, const std::string& name, bool required) {
    pugi::xml_document document;
    auto bytes = read_zip_member(file, name, kMaxPartBytes);
    if (!bytes) {
        if (required) throw ImportError("в «" + file.string() + "» нет " + name + ": это не книга Excel (.xlsx)");
        return document;
    }
    if (!document.load_buffer(bytes->data(), bytes->size()))
        throw ImportError("«" + file.string() + "»: " + name + " не читается как XML: книга повреждена");
    return document;
}

// A rich or plain string item (<si>, <is>): its runs' text, phonetic hints left out.
std::string string_item(const pugi::xml_node& item) {
    std::string text = item.child("t").child_value();
    for (const auto& run : item.children("r")) text += run.child("t").child_value();
    return text;
}

std::vector<std::string> shared_strings(const std::filesystem::path& file) {
    std::vector<std::string> strings;
    auto document = parsed(file, "xl/sharedStrings.xml", false);
    for (const auto& item : document.child("sst").children("si")) strings.push_back(string_item(item));
    return strings;
}

// Built-in number formats 14–22 and 45–47 are dates and times; a custom
// format is a date when it has d, m or y outside quotes and brackets.
bool is_date_format(int id, const std::string& code) {
    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47)) return true;
    if (code.empty()) return false;
    bool quoted = false, bracketed = false;
    for (char c : code) {
        if (c == '"') quoted = !quoted;
        else if (c == '[') bracketed = true;
        else if (c == ']') bracketed = false;
        else if (!quoted && !bracketed && (c == 'd' || c == 'D' || c == 'y' || c == 'Y' || c == 'm' || c == 'M'))
            return true;
    }
    return false;
}

// Which style numbers (a cell's s="…") show their number as a date.
std::set<int> date_styles(const std::filesystem::path& file) {
    auto document = parsed(file, "xl/styles.xml", false);
    auto sheet = document.child("styleSheet");
    std::map<int, std::string> codes;
    for (const auto& format : sheet.child("numFmts").children("numFmt"))
        codes[format.attribute("numFmtId").as_int()] = format.attribute("formatCode").value();
    std::set<int> dates;
    int index = 0;
    for (const auto& xf : sheet.child("cellXfs").children("xf")) {
        int id = xf.attribute("numFmtId").as_int();
        if (is_date_format(id, codes.count(id) ? codes[id] : "")) dates.insert(index);
        ++index;
    }
    return dates;
}

// An Excel day number (1900 system, with its phantom 29 February 1900) as
// Russians print dates: ДД.ММ.ГГГГ.
std::string date_of_serial(double serial) {
    long days = static_cast<long>(std::floor(serial));
    if (days < 1 || days > 2958465) return "";  // 9999-12-31
    if (days > 60) --days;
    using namespace std::chrono;
    year_month_day date{sys_days{1899y / December / 31} + std::chrono::days{days}};
    char text[16];
    std::snprintf(text, sizeof text, "%02u.%02u.%04d", static_cast<unsigned>(date.day()),
                  static_cast<unsigned>(date.month()), static_cast<int>(date.year()));
    return text;
}

// A number as Excel's General format shows it: up to 15 significant digits,
// no float noise (28.600000000000001 → 28.6), a decimal comma as in Russian.
std::string general_number(const std::string& stored) {
    double value = 0;
    auto [end, error] = std::from_chars(stored.data(), stored.data() + stored.size(), value);
    if (error != std::errc() || end != stored.data() + stored.size()) return stored;
    return number_as_shown(value);
}

// "B12" → column 1, row 11 (both from 0); false when it is not a reference.
bool cell_position(std::string_view reference, int& column, int& row) {
    column = 0;
    std::size_t i = 0;
    for (; i < reference.size() && reference[i] >= 'A' && reference[i] <= 'Z'; ++i)
        column = column * 26 + (reference[i] - 'A' + 1);
    if (i == 0 || i == reference.size() || column > kMaxColumns) return false;
    row = 0;
    auto [end, error] = std::from_chars(reference.data() + i, reference.data() + reference.size(), row);
    if (error != std::errc() || end != reference.data() + reference.size() || row < 1 || row > kMaxRows)
        return false;
    --column;
    --row;
    return true;
}

struct SheetContext {
    const std::vector<std::string>& strings;
    const std::set<int>& dates;
};

std::string cell_text(const pugi::xml_node& c, const SheetContext& context) {
    std::string type = c.attribute("t").value();
    std::string value = c.child("v").child_value();
    if (type == "s") {
        std::size_t index = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), index);
        return error == std::errc() && index < context.strings.size() ? context.strings[index] : "";
    }
    if (type == "inlineStr") return string_item(c.child("is"));
    if (type == "str" || type == "e") return value;
    if (type == "b") return value == "1" ? "ИСТИНА" : "ЛОЖЬ";
    if (value.empty()) return "";
    if (context.dates.count(c.attribute("s").as_int(0))) {
        double serial = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), serial);
        if (error == std::errc()) return date_of_serial(serial);
    }
    return general_number(value);
}

// Merged ranges as Word's: the first cell spans the range's columns, the
// rows below repeat its text (merged_above).
Table merged_table(std::vector<std::vector<std::string>> grid, const pugi::xml_node& merges) {
    std::size_t width = 0;
    for (const auto& row : grid) width = std::max(width, row.size());
    std::vector<std::vector<int>> span(grid.size(), std::vector<int>(width, 1));  // 0: covered
    std::vector<std::vector<bool>> below(grid.size(), std::vector<bool>(width, false));
    for (auto& row : grid) row.resize(width);
    for (const auto& merge : merges.children("mergeCell")) {
        std::string reference = merge.attribute("ref").value();
        auto colon = reference.find(':');
        int c1, r1, c2, r2;
        if (colon == std::string::npos || !cell_position(reference.substr(0, colon), c1, r1) ||
            !cell_position(reference.substr(colon + 1), c2, r2) || c2 < c1 || r2 < r1 ||
            r2 >= static_cast<int>(grid.size()) || c2 >= static_cast<int>(width))
            continue;
        for (int r = r1; r <= r2; ++r)
            for (int c = c1; c <= c2; ++c) span[r][c] = 0;
        for (int r = r1; r <= r2; ++r) {
            span[r][c1] = c2 - c1 + 1;
            if (r > r1) {
                grid[r][c1] = grid[r1][c1];
                below[r][c1] = true;
            }
        }
    }
    Table table;
    for (std::size_t r = 0; r < grid.size(); ++r) {
        auto& row = table.rows.emplace_back();
        for (std::size_t c = 0; c < width; ++c)
            if (span[r][c] > 0) row.push_back({grid[r][c], span[r][c], below[r][c]});
    }
    return table;
}

Table sheet_table(const pugi::xml_document& sheet, const SheetContext& context) {
    std::vector<std::vector<std::string>> grid;
    auto worksheet = sheet.child("worksheet");
    int next_row = 0;
    for (const auto& row : worksheet.child("sheetData").children("row")) {
        int number = row.attribute("r").as_int(next_row + 1) - 1;
        if (number < next_row || number >= kMaxRows) continue;
        grid.resize(number + 1);
        next_row = number + 1;
        int next_column = 0;
        for (const auto& c : row.children("c")) {
            int column = next_column, ignored = 0;
            if (auto reference = c.attribute("r")) {
                if (!cell_position(reference.value(), column, ignored)) continue;
            }
            if (column >= kMaxColumns) continue;
            next_column = column + 1;
            auto& cells = grid[number];
            if (static_cast<int>(cells.size()) <= column) cells.resize(column + 1);
            cells[column] = trimmed_cell(cell_text(c, context));
        }
    }
    return merged_table(std::move(grid), worksheet.child("mergeCells"));
}

// The sheets' parts in the workbook's order, through its relationships.
std::vector<std::string> sheet_parts(const std::filesystem::path& file) {
    auto workbook = parsed(file, "xl/workbook.xml", true);
    auto relations = parsed(file, "xl/_rels/workbook.xml.rels", false);
    std::map<std::string, std::string> targets;
    for (const auto& relation : relations.child("Relationships").children("Relationship")) {
        std::string target = relation.attribute("Target").value();
        if (target.starts_with("/")) target = target.substr(1);
        else target = "xl/" + target;
        targets[relation.attribute("Id").value()] = target;
    }
    std::vector<std::string> parts;
    for (const auto& sheet : workbook.child("workbook").child("sheets").children("sheet")) {
        auto found = targets.find(sheet.attribute("r:id").value());
        if (found != targets.end()) parts.push_back(found->second);
    }
    return parts;
}

}  // namespace

std::vector<Table> read_xlsx_tables(const std::filesystem::path& file) {
    auto strings = shared_strings(file);
    auto dates = date_styles(file);
    SheetContext context{strings, dates};
    std::vector<Table> tables;
    for (const auto& part : sheet_parts(file)) tables.push_back(sheet_table(parsed(file, part, true), context));
    return tables;
}

}  // namespace shnor::import
