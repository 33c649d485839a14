#include "import/columns.hpp"
#include "import/lists.hpp"

#include "load/text_check.hpp"
#include "scaffold/scaffold.hpp"

#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>

namespace shnor::import {

namespace {

const std::vector<ColumnName> kIndicatorColumns = {
    {"n", {"№", "п/п"}},
    {"title", {"аименование", "оказател", "ндикатор"}},
    {"unit", {"диниц", "Ед.", "ед."}},
};

// A year named in a header: «2025», «2025 г.», «Базовое значение (2024 год)».
std::optional<int> year_in(const std::string& text) {
    static const std::regex year(R"((20\d\d))");
    std::smatch found;
    if (!std::regex_search(text, found, year)) return std::nullopt;
    return std::stoi(found[1]);
}

enum class Role { baseline, target, actual, planned };

struct YearColumn {
    int column, year;
    Role role;
};

bool is_named_column(const Header& header, int column) {
    for (const auto& [field, at] : header.columns)
        if (at == column) return true;
    return false;
}

// The value columns: by year («2025»), baseline («Базовое значение»),
// target («Целевое значение (2026)»), actual («Факт 2025»); a lone value
// column with no year («Показатели (%)», «Значение») is the target of
// `target_year`.
std::vector<YearColumn> year_columns(const Header& header, int target_year) {
    std::vector<YearColumn> columns;
    for (int i = 0; i < static_cast<int>(header.texts.size()); ++i) {
        const std::string& text = header.texts[i];
        if (text.empty() || is_named_column(header, i)) continue;
        auto year = year_in(text);
        bool baseline = has_any(text, {"азов", "сходн"});
        if (!year && !baseline && !has_any(text, {"елев"})) {
            if (has_any(text, {"начени", "оказател"})) columns.push_back({i, target_year, Role::target});
            continue;
        }
        Role role = baseline ? Role::baseline
                    : has_any(text, {"елев"}) ? Role::target
                    : has_any(text, {"акт", "остигнут"}) ? Role::actual
                                                         : Role::planned;
        columns.push_back({i, year.value_or(role == Role::target ? target_year : 0), role});
    }
    // Without a column named «целевое», the last planned year is the target.
    bool has_target = false;
    for (const auto& column : columns) has_target = has_target || column.role == Role::target;
    if (!has_target)
        for (auto it = columns.rbegin(); it != columns.rend(); ++it)
            if (it->role == Role::planned) {
                it->role = Role::target;
                break;
            }
    return columns;
}

void emit_point(YAML::Emitter& out, const char* key, int year, double value) {
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "year" << YAML::Value
        << year << YAML::Key << "value" << YAML::Value << value << YAML::EndMap;
}

std::string unique_id(const std::string& title, std::set<std::string>& taken) {
    std::string id = scaffold::slug_of(title);
    if (id.size() > 40) id = id.substr(0, id.rfind('-', 40) == std::string::npos ? 40 : id.rfind('-', 40));
    std::string candidate = id;
    for (int n = 2; !taken.insert(candidate).second; ++n) candidate = id + "-" + std::to_string(n);
    return candidate;
}

}  // namespace

// «%» from a header like «Показатели (%)» when there is no unit column.
std::string unit_in_header(const Header& header, const std::vector<YearColumn>& years) {
    for (const auto& column : years)
        if (header.texts[column.column].find("(%)") != std::string::npos) return "%";
    return "";
}

Imported import_indicators(const std::vector<Table>& tables, int target_year) {
    auto header = find_header(tables, kIndicatorColumns, "title");
    if (!header)
        throw ImportError("не найдена таблица показателей: нет строки заголовков со столбцом «Наименование "
                          "показателя» (или «Индикатор»)");
    auto years = year_columns(*header, target_year);
    std::string header_unit = unit_in_header(*header, years);
    Imported imported;
    std::set<std::string> ids;
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetDoublePrecision(15);  // 7.1, not 7.0999999999999996
    out << YAML::BeginSeq;
    for (const auto& row : data_rows(*header)) {
        std::string title = at(row.grid, header->column("title"));
        if (title.empty()) {
            imported.unplaced.push_back(row_summary(row) + ": нет названия показателя, строка не перенесена");
            continue;
        }
        out << YAML::BeginMap;
        out << YAML::Key << "id" << YAML::Value << unique_id(title, ids);
        out << YAML::Key << "title" << YAML::Value << title;
        std::string unit = at(row.grid, header->column("unit"));
        if (unit.empty()) unit = header_unit;
        if (!unit.empty())
            out << YAML::Key << "unit" << YAML::Value << YAML::DoubleQuoted << unit;
        out << YAML::Key << "better" << YAML::Value
            << std::string(load::kPlaceholderMark) + " higher (лучше больше) или lower (лучше меньше)";
        std::vector<std::pair<int, double>> actual;
        for (const auto& column : years) {
            std::string text = at(row.grid, column.column);
            if (text.empty()) continue;
            auto value = number_of(text);
            std::string where = "строка " + std::to_string(row.number) + ", «" + header->texts[column.column] + "»";
            if (!value || column.year == 0) {
                imported.unplaced.push_back(where + ": «" + text + "» — " +
                                            (value ? "год не указан в заголовке (укажите --year)" : "не число") + ", не перенесено");
                continue;
            }
            if (column.role == Role::baseline) emit_point(out, "baseline", column.year, *value);
            else if (column.role == Role::target) emit_point(out, "target", column.year, *value);
            else if (column.role == Role::actual) actual.push_back({column.year, *value});
            else
                imported.unplaced.push_back(where + ": плановое значение " + text +
                                            " не перенесено (в values — только фактические значения)");
        }
        if (!actual.empty()) {
            out << YAML::Key << "values" << YAML::Value << YAML::BeginSeq;
            for (auto [year, value] : actual) {
                out << YAML::Flow << YAML::BeginMap << YAML::Key << "year" << YAML::Value << year << YAML::Key
                    << "value" << YAML::Value << value << YAML::EndMap;
            }
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
        ++imported.rows;
    }
    out << YAML::EndSeq;
    imported.files.push_back(
        {"indicators.yaml",
         std::string("# Перенесено из таблицы командой shnor import: названия — как напечатаны.\n"
                     "# У каждого показателя впишите better: higher, если лучше больше, или lower, если меньше.\n") +
             out.c_str() + "\n"});
    return imported;
}

}  // namespace shnor::import
