#include "import/roadmap.hpp"

#include "import/columns.hpp"

#include "load/text_check.hpp"

#include <yaml-cpp/yaml.h>

#include <regex>

namespace shnor::import {

namespace {

// A row spanning the table with one text: «1.Организационно-управленческие меры».
bool is_section_row(const std::vector<Cell>& row, const RoadmapColumns& columns) {
    int texts = 0;
    bool wide = false;
    for (const auto& cell : row) {
        if (cell.text.empty()) continue;
        ++texts;
        wide = wide || cell.span > 1;
    }
    if (texts != 1) return false;
    if (wide) return true;
    // Not merged, but alone in a column that is not the item's title (Word
    // tables pasted from elsewhere lose their merges).
    auto grid = grid_of(row);
    return at(grid, columns.title).empty();
}

// The column numbers under a header («1 2 3 4 5»), or the header repeated on a new page.
bool is_header_again(const std::vector<std::string>& grid, const std::vector<std::string>& header) {
    if (grid == header) return true;
    for (std::size_t i = 0; i < grid.size(); ++i)
        if (grid[i] != std::to_string(i + 1)) return false;
    return !grid.empty();
}

void emit_text(YAML::Emitter& out, const char* key, const std::string& text) {
    if (text.empty()) return;
    out << YAML::Key << key << YAML::Value;
    if (text.find('\n') != std::string::npos) out << YAML::Literal << text;
    else out << text;
}

// Several people, one a line, are a list; one line stays as printed.
void emit_responsible(YAML::Emitter& out, const std::string& text) {
    if (text.empty()) return;
    out << YAML::Key << "responsible" << YAML::Value;
    if (text.find('\n') == std::string::npos) {
        out << text;
        return;
    }
    out << YAML::BeginSeq;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty()) out << line;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    out << YAML::EndSeq;
}

struct Item {
    std::string n, title, when, responsible, result;
};
struct Section {
    std::string n, title;
    std::vector<Item> items;
};

Section section_of(const std::string& text) {
    static const std::regex numbered(R"(^(\d+(?:\.\d+)*)\.?\s*([\s\S]*)$)");
    std::smatch found;
    if (std::regex_match(text, found, numbered) && !found[2].str().empty()) return {found[1], found[2], {}};
    return {"", text, {}};
}

std::string roadmap_yaml(const std::vector<Section>& sections) {
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    out << YAML::Key << "title" << YAML::Value
        << std::string(load::kPlaceholderMark) + " название «дорожной карты», как в документе";
    bool flat = sections.size() == 1 && sections[0].title.empty() && sections[0].n.empty();
    if (!flat) out << YAML::Key << "sections" << YAML::Value << YAML::BeginSeq;
    for (const auto& section : sections) {
        if (!flat) {
            out << YAML::BeginMap;
            if (!section.n.empty()) out << YAML::Key << "n" << YAML::Value << YAML::DoubleQuoted << section.n;
            emit_text(out, "title", section.title);
        }
        out << YAML::Key << "items" << YAML::Value << YAML::BeginSeq;
        for (const auto& item : section.items) {
            out << YAML::BeginMap;
            if (!item.n.empty()) out << YAML::Key << "n" << YAML::Value << YAML::DoubleQuoted << item.n;
            emit_text(out, "title", item.title);
            emit_text(out, "when", item.when);
            emit_responsible(out, item.responsible);
            emit_text(out, "result", item.result);
            out << YAML::Key << "status" << YAML::Value << "planned";
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
        if (!flat) out << YAML::EndMap;
    }
    if (!flat) out << YAML::EndSeq;
    out << YAML::EndMap;
    return std::string("# Перенесено из таблицы документа командой shnor import: текст ячеек — как напечатан.\n"
                       "# Впишите название и срок действия плана (period), проверьте статусы (status).\n"
                       "# period: {start: ГГГГ-ММ-ДД, end: ГГГГ-ММ-ДД}\n") +
           out.c_str() + "\n";
}

}  // namespace

RoadmapColumns roadmap_columns(const std::vector<Cell>& header) {
    RoadmapColumns columns;
    auto grid = grid_of(header);
    for (int i = 0; i < static_cast<int>(grid.size()); ++i) {
        const std::string& text = grid[i];
        if (text.empty()) continue;
        if (columns.number < 0 && has_any(text, {"№", "п/п", "N п"})) columns.number = i;
        else if (columns.when < 0 && has_any(text, {"Срок", "срок", "Дата", "дата"})) columns.when = i;
        else if (columns.responsible < 0 && has_any(text, {"тветствен", "сполнител"})) columns.responsible = i;
        else if (columns.result < 0 && has_any(text, {"езультат", "оказател"})) columns.result = i;
        else if (columns.title < 0 && has_any(text, {"ероприят", "одержание", "аименование"})) columns.title = i;
    }
    return columns;
}

ImportedRoadmap import_roadmap(const std::vector<Table>& tables) {
    for (const auto& table : tables) {
        for (std::size_t h = 0; h < table.rows.size(); ++h) {
            RoadmapColumns columns = roadmap_columns(table.rows[h]);
            if (!columns.found()) continue;
            ImportedRoadmap imported;
            std::vector<Section> sections(1);
            auto header = grid_of(table.rows[h]);
            for (std::size_t r = h + 1; r < table.rows.size(); ++r) {
                const auto& row = table.rows[r];
                auto grid = grid_of(row);
                if (is_header_again(grid, header)) continue;
                bool empty = true;
                for (const auto& text : grid) empty = empty && text.empty();
                if (empty) continue;
                if (is_section_row(row, columns)) {
                    std::string text;
                    for (const auto& cell : row) text += cell.text;
                    if (sections.size() == 1 && sections[0].items.empty()) sections.clear();
                    sections.push_back(section_of(text));
                    ++imported.sections;
                    continue;
                }
                Item item{at(grid, columns.number), at(grid, columns.title), at(grid, columns.when),
                          at(grid, columns.responsible), at(grid, columns.result)};
                if (item.title.empty()) {
                    std::string text;
                    for (const auto& cell : grid) text += (text.empty() || cell.empty() ? "" : " | ") + cell;
                    imported.unplaced.push_back("строка " + std::to_string(r + 1) +
                                                " таблицы: нет текста мероприятия, строка не перенесена: «" +
                                                text + "»");
                    continue;
                }
                sections.back().items.push_back(std::move(item));
                ++imported.items;
            }
            imported.yaml = roadmap_yaml(sections);
            return imported;
        }
    }
    throw ImportError("в документе нет таблицы «дорожной карты»: не найдена строка заголовков со столбцом "
                      "«Мероприятие» (или «Мероприятия», «Содержание деятельности»)");
}

}  // namespace shnor::import
