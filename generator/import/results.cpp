#include "import/columns.hpp"
#include "import/lists.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace shnor::import {

namespace {

// Order matters: a header cell goes to the first field whose stems it has.
const std::vector<ColumnName> kResultColumns = {
    {"fail_share", {"«2»", "\"2\"", "неудовлетвор", "не преодолел", "не справил", "ниже минимал"}},
    {"quality_share", {"ачеств", "«4»", "\"4\""}},
    {"participants", {"частник", "оличество", "Кол-во", "кол-во", "исло"}},
    {"mean", {"редн"}},
    {"exam", {"роцедур", "кзамен", "ценочн", "Вид", "вид", "Форма", "форма"}},
    {"subject", {"редмет"}},
    {"grade", {"ласс"}},
    {"year", {"Год", "год"}},
};

std::optional<int> integer_of(const std::string& text) {
    auto value = number_of(text);
    if (!value || *value != std::floor(*value)) return std::nullopt;
    return static_cast<int>(*value);
}

}  // namespace

Imported import_results(const std::vector<Table>& tables, const std::string& school) {
    auto header = find_header(tables, kResultColumns, "subject");
    if (!header || header->column("year") < 0)
        throw ImportError("не найдена таблица результатов: нужна строка заголовков со столбцами «Предмет» и «Год» "
                          "(и «Процедура», «Класс», «Количество участников», «Средний балл», «Доля «2»», "
                          "«Качество»)");
    Imported imported;
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetDoublePrecision(15);
    out << YAML::BeginSeq;
    std::string exam_before;
    for (const auto& row : data_rows(*header)) {
        auto text = [&](const char* field) { return at(row.grid, header->column(field)); };
        std::string exam = text("exam").empty() ? exam_before : text("exam");
        auto year = integer_of(text("year"));
        auto grade = integer_of(text("grade"));
        if (exam.empty() || text("subject").empty() || !year) {
            imported.unplaced.push_back(row_summary(row) + ": нужны процедура, предмет и год, строка не перенесена");
            continue;
        }
        exam_before = exam;
        out << YAML::BeginMap;
        out << YAML::Key << "exam" << YAML::Value << exam;
        out << YAML::Key << "subject" << YAML::Value << text("subject");
        if (grade) out << YAML::Key << "grade" << YAML::Value << *grade;
        out << YAML::Key << "year" << YAML::Value << *year;
        if (auto participants = integer_of(text("participants")))
            out << YAML::Key << "participants" << YAML::Value << *participants;
        auto mean = number_of(text("mean"));
        if (mean) {
            out << YAML::Key << "mean" << YAML::Value << *mean;
            // A mean above 5 can only be a test score out of 100.
            out << YAML::Key << "scale" << YAML::Value << (*mean > 5 || exam == "ЕГЭ" ? 100 : 5);
        }
        for (const char* share : {"fail_share", "quality_share"})
            if (auto value = number_of(text(share))) out << YAML::Key << share << YAML::Value << *value;
        for (const char* field : {"participants", "mean", "fail_share", "quality_share"}) {
            std::string cell = text(field);
            if (!cell.empty() && !number_of(cell))
                imported.unplaced.push_back("строка " + std::to_string(row.number) + ", «" +
                                            header->texts[header->column(field)] + "»: «" + cell +
                                            "» — не число, не перенесено");
        }
        out << YAML::EndMap;
        ++imported.rows;
    }
    out << YAML::EndSeq;
    imported.files.push_back(
        {"schools/" + school + "/results.yaml",
         std::string("# Перенесено из таблицы командой shnor import. Шкала (scale): 5 — средняя отметка,\n"
                     "# 100 — средний тестовый балл; проверьте её у каждой строки.\n") +
             out.c_str() + "\n"});
    return imported;
}

}  // namespace shnor::import
