#include "import/columns.hpp"
#include "import/lists.hpp"

#include "load/text_check.hpp"
#include "scaffold/scaffold.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

namespace shnor::import {

namespace {

// «Краткое наименование» before «Наименование»: a header cell goes to the
// first field whose stems it has.
const std::vector<ColumnName> kSchoolColumns = {
    {"n", {"№", "п/п"}},
    {"short_name", {"ратко", "окращ"}},
    {"name", {"аименование", "рганизаци", "ОО", "Школа", "школа", "ОУ"}},
    {"reasons", {"ричин", "ритери", "снован", "акторы", "иск", "изнак"}},
    {"category", {"атегори", "Статус", "статус"}},
    {"head", {"иректор", "уководител"}},
    {"address", {"дрес"}},
    {"students", {"бучающихся", "ченик", "онтингент"}},
};

std::string placeholder(const std::string& what) { return std::string(load::kPlaceholderMark) + " " + what; }

// «ШНОР», «ШНСУ»/«ШСУ», «группа риска» in a category cell.
std::string type_of(const std::string& category, const std::string& fallback) {
    if (has_any(category, {"ШНСУ", "ШСУ", "неблагоприят"})) return "shnsu";
    if (has_any(category, {"ШНОР", "низкими"})) return "shnor";
    if (has_any(category, {"иск"})) return "risk";
    return fallback;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty()) lines.push_back(line);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

// The school's own name, in «» when the full name has them, with the kind
// of school as its abbreviation: «Кромская средняя общеобразовательная
// школа» → kromskaya-sosh.
std::string slug_source(std::string name) {
    auto open = name.rfind("«");
    auto close = name.rfind("»");
    if (open != std::string::npos && close != std::string::npos && close > open)
        name = name.substr(open + 2, close - open - 2);
    static const std::pair<const char*, const char*> kKinds[] = {
        {"средняя общеобразовательная школа", "СОШ"}, {"Средняя общеобразовательная школа", "СОШ"},
        {"основная общеобразовательная школа", "ООШ"}, {"Основная общеобразовательная школа", "ООШ"},
        {"начальная общеобразовательная школа", "НОШ"}, {"Начальная общеобразовательная школа", "НОШ"},
        {"средняя школа", "СШ"}, {"Средняя школа", "СШ"}, {"основная школа", "ОШ"}, {"Основная школа", "ОШ"}};
    for (auto [phrase, abbreviation] : kKinds)
        if (auto at = name.find(phrase); at != std::string::npos)
            name.replace(at, std::string_view(phrase).size(), abbreviation);
    return name;
}

std::string unique_slug(const std::string& name, std::set<std::string>& taken) {
    std::string slug = scaffold::slug_of(slug_source(name));
    std::string candidate = slug;
    for (int n = 2; !taken.insert(candidate).second; ++n) candidate = slug + "-" + std::to_string(n);
    return candidate;
}

std::string school_yaml(const std::vector<std::string>& grid, const Header& header, const SchoolListOptions& options) {
    auto text = [&](const char* field) { return at(grid, header.column(field)); };
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << text("name");
    out << YAML::Key << "short_name" << YAML::Value
        << (text("short_name").empty() ? placeholder("краткое название, например МБОУ Кромская СОШ № 1")
                                       : text("short_name"));
    if (!text("head").empty())
        out << YAML::Key << "head" << YAML::Value << YAML::BeginMap << YAML::Key << "name" << YAML::Value
            << text("head") << YAML::Key << "position" << YAML::Value << "Директор" << YAML::EndMap;
    if (!text("address").empty()) out << YAML::Key << "address" << YAML::Value << text("address");
    if (auto students = number_of(text("students")); students && *students >= 0)
        out << YAML::Key << "students" << YAML::Value << static_cast<int>(*students);
    out << YAML::Key << "categories" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << type_of(text("category"), options.type);
    out << YAML::Key << "year" << YAML::Value << options.year;
    out << YAML::Key << "basis" << YAML::Value
        << (options.basis.empty() ? placeholder("документ, по которому школа в перечне") : options.basis);
    auto reasons = lines_of(text("reasons"));
    if (reasons.empty()) reasons.push_back(placeholder("причина, по которой школа в перечне"));
    out << YAML::Key << "reasons" << YAML::Value << YAML::BeginSeq;
    for (const auto& reason : reasons) out << reason;
    out << YAML::EndSeq << YAML::EndMap << YAML::EndSeq;
    out << YAML::EndMap;
    return std::string("# Перенесено из перечня школ командой shnor import: название и причины — как напечатаны.\n"
                       "# Все поля школы: docs/webmaster-guide.md, раздел 4.9.\n") +
           out.c_str() + "\n";
}

}  // namespace

Imported import_schools(const std::vector<Table>& tables, const SchoolListOptions& options) {
    auto header = find_header(tables, kSchoolColumns, "name");
    if (!header)
        throw ImportError("не найден перечень школ: нет строки заголовков со столбцом «Наименование "
                          "образовательной организации» (или «Школа», «ОО»)");
    Imported imported;
    std::set<std::string> slugs;
    for (const auto& row : data_rows(*header)) {
        std::string name = at(row.grid, header->column("name"));
        if (name.empty()) {
            imported.unplaced.push_back(row_summary(row) + ": нет названия школы, строка не перенесена");
            continue;
        }
        std::string short_name = at(row.grid, header->column("short_name"));
        std::string slug = unique_slug(short_name.empty() ? name : short_name, slugs);
        imported.files.push_back({"schools/" + slug + "/school.yaml", school_yaml(row.grid, *header, options)});
        ++imported.rows;
    }
    return imported;
}

}  // namespace shnor::import
