// The tables of a file, by its kind: .docx, .xlsx, .xls or .csv.
#include "import/table.hpp"

#include "load/csv.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace shnor::import {

namespace {

constexpr std::uintmax_t kMaxCsvBytes = 16u << 20;

std::string lower_extension(const std::filesystem::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

}  // namespace

std::string trimmed_cell(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r' || text.back() == '\t'))
        text.pop_back();
    std::size_t start = text.find_first_not_of(" \t\n\r");
    return start == std::string::npos ? std::string() : text.substr(start);
}

std::string number_as_shown(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", value);
    std::string shown = text;
    for (char& c : shown)
        if (c == '.') c = ',';
    return shown;
}

std::vector<Table> tables_of_csv(std::string_view bytes) {
    auto decoded = load::decode_excel_text(bytes);
    auto csv = load::parse_csv(decoded.text);
    if (!csv.error.empty())
        throw ImportError("строка " + std::to_string(csv.error_line) + ", знак " + std::to_string(csv.error_column) +
                          ": " + csv.error);
    Table table;
    for (auto& record : csv.records) {
        // Rows stay at their line's place, so messages name the line.
        while (static_cast<int>(table.rows.size()) < record.line - 1) table.rows.emplace_back();
        auto& row = table.rows.emplace_back();
        for (auto& text : record.cells) row.push_back({std::move(text)});
    }
    return {std::move(table)};
}

std::vector<Table> read_tables(const std::filesystem::path& file) {
    std::string extension = lower_extension(file);
    if (extension == ".docx") return read_docx_tables(file);
    if (extension == ".xlsx") return read_xlsx_tables(file);
    if (extension == ".xls") return read_xls_tables(file);
    if (extension == ".csv" || extension == ".txt") {
        std::error_code error;
        auto size = std::filesystem::file_size(file, error);
        if (error) throw ImportError("«" + file.string() + "» не читается: " + error.message());
        if (size > kMaxCsvBytes) throw ImportError("«" + file.string() + "» больше 16 МБ");
        std::ifstream in(file, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        try {
            return tables_of_csv(bytes);
        } catch (const ImportError& problem) {
            throw ImportError("«" + file.string() + "», " + problem.what());
        }
    }
    throw ImportError("«" + file.string() + "»: читаются таблицы документов Word (.docx), книг Excel (.xlsx, .xls) "
                      "и файлов CSV (.csv); сохраните документ в одном из этих видов");
}

}  // namespace shnor::import
