// What the open data holds, for people: the .xlsx workbook beside each CSV
// (its columns' Russian titles and types) and the «Скачать данные» page
// (data/), which lists every file with what it holds and its size.
#include "view/common.hpp"
#include "view/view.hpp"

namespace shnor::view {

namespace {

using render::CellType;
using render::XlsxColumn;

const std::vector<std::pair<std::string, std::string>> kItemStatuses{
    {"planned", "запланировано"}, {"in_progress", "в работе"}, {"done", "выполнено"},
    {"cancelled", "отменено"},    {"overdue", "просрочено"},   {"ongoing", "постоянно"}};
const std::vector<std::pair<std::string, std::string>> kTrends{
    {"up", "выше"}, {"down", "ниже"}, {"flat", "без изменений"}};

XlsxColumn text(std::string title, double width = 20) { return {std::move(title), CellType::text, width}; }
XlsxColumn words(std::string title, double width, std::vector<std::pair<std::string, std::string>> values) {
    return {std::move(title), CellType::text, width, std::move(values)};
}
XlsxColumn integer(std::string title, double width = 11) { return {std::move(title), CellType::integer, width}; }
XlsxColumn number(std::string title, double width = 11) { return {std::move(title), CellType::number, width}; }
XlsxColumn date(std::string title) { return {std::move(title), CellType::date, 12}; }
XlsxColumn flag(std::string title, double width = 10) { return {std::move(title), CellType::boolean, width}; }

// In the order of the CSV's columns (view/open_data.cpp writes them).
std::vector<XlsxColumn> school_columns() {
    return {text("Код школы", 16), text("Название", 50), text("Краткое название", 28), text("Страница на сайте", 28),
            text("Категории", 24), text("Годы отнесения к категориям", 14), text("Основание", 30),
            text("Причины", 40), text("Руководитель", 26), text("Должность руководителя", 22),
            text("Ответственный", 26), text("Должность ответственного", 22), text("Телефон", 18),
            text("Электронная почта", 26), integer("Обучающихся"), integer("Учителей"), flag("Сельская"),
            flag("Малокомплектная", 16), integer("Мероприятий всего", 12), integer("Выполнено"),
            integer("В работе"), integer("Запланировано", 13), integer("Просрочено"), integer("Отменено"),
            integer("Постоянные"), integer("Выполнено, %", 12)};
}

std::vector<XlsxColumn> roadmap_columns() {
    return {text("Чей план (district — район, иначе код школы)", 18), text("Код плана", 16), text("№ раздела", 9),
            text("Раздел", 30), text("№ мероприятия", 10), text("Мероприятие", 50), text("Срок, как записан", 20),
            date("Начало"), date("Срок"), date("Начало (по сроку)"), date("Срок (по записи)"),
            flag("Постоянное", 11), words("Статус, как указан", 14, kItemStatuses),
            words("Статус на сайте", 14, kItemStatuses), text("Ответственные", 30), text("Ожидаемый результат", 40),
            text("Отчёт", 40), date("Дата отчёта"), text("Подтверждения", 30), text("Школы", 20), flag("Пример"),
            integer("Часть", 8), text("Уровень", 12), flag("План завершён", 11)};
}

std::vector<XlsxColumn> indicator_columns() {
    return {text("Код", 14), text("Показатель", 44), text("Единица", 10),
            words("Лучше, когда", 12, {{"higher", "выше"}, {"lower", "ниже"}}),
            words("Состояние", 16,
                  {{"reached", "достигнут"}, {"on_track", "по плану"}, {"behind", "отстаёт"}, {"no_data", "нет данных"}}),
            words("Вид строки", 14,
                  {{"baseline", "базовое"}, {"value", "факт"}, {"target", "цель"}, {"path", "путь к цели"}}),
            integer("Год", 8), number("Значение"), number("По пути к цели", 12), flag("Последнее значение", 12),
            text("Примечание", 30), flag("Пример")};
}

std::vector<XlsxColumn> result_columns() {
    return {text("Чьи (код школы или district — район)", 18), text("Экзамен", 9), text("Предмет", 22),
            integer("Класс", 7), integer("Год", 8), integer("Участников", 11), number("Средний балл", 11),
            number("Шкала (наибольший балл)", 12), number("Не справились, %", 12),
            number("Качество («4» и «5»), %", 12), flag("Пример"), flag("Рассчитано сайтом по школам", 14),
            words("Средний балл к прошлому году", 14, kTrends), words("Не справились к прошлому году", 14, kTrends),
            words("Качество к прошлому году", 14, kTrends)};
}

std::vector<XlsxColumn> document_columns() {
    return {text("Чей (district — район, иначе код школы)", 16), text("Код", 16), text("Вид", 14),
            text("Название", 50), text("Номер", 12), date("Дата"), text("Кем издан", 30), text("Ссылка", 40),
            text("Формат", 8), integer("Размер, байт", 12), text("Основание", 20), text("Подписал", 26),
            flag("Пример")};
}

struct DataSet {
    std::string name;   // data/<name>.*
    std::string title;  // the sheet's name too (at most 31 characters)
    std::string holds;
    std::vector<XlsxColumn> (*columns)();
};

const std::vector<DataSet>& data_sets() {
    static const std::vector<DataSet> sets{
        {"schools", "Школы",
         "Школы района: категории и причины, руководитель и ответственный, число обучающихся и учителей, "
         "ход выполнения мероприятий.",
         school_columns},
        {"roadmaps", "Мероприятия",
         "Все мероприятия «дорожных карт» района и школ, строка на мероприятие (и на каждую его часть).",
         roadmap_columns},
        {"indicators", "Показатели",
         "Целевые показатели: базовое значение, фактические значения по годам, цель и путь к ней.",
         indicator_columns},
        {"results", "Результаты",
         "Результаты экзаменов по школам и по району: средний балл, доля не справившихся, качество, изменение к "
         "прошлому году.",
         result_columns},
        {"documents", "Документы", "Документы района и школ: вид, номер, дата, кем изданы, ссылка на файл.",
         document_columns}};
    return sets;
}

}  // namespace

std::optional<Spreadsheet> spreadsheet_of(const std::string& csv_path) {
    for (const auto& set : data_sets())
        if (csv_path == "data/" + set.name + ".csv") return Spreadsheet{"data/" + set.name + ".xlsx", set.title, set.columns()};
    return std::nullopt;
}

std::vector<std::string> data_page_files() {
    std::vector<std::string> files{"data/site.json"};
    for (const auto& set : data_sets())
        for (const char* extension : {".xlsx", ".csv", ".json"}) files.push_back("data/" + set.name + extension);
    return files;
}

PageSpec data_page(const model::Site& site, const BuildContext& context,
                   const std::map<std::string, std::uint64_t>& sizes) {
    PageSpec page = detail::make_page(site, context, "data/", "data", "Скачать данные", "", {{"Главная", ""}});
    auto file = [&](const std::string& path, const std::string& format, const std::string& note) {
        Data data;
        detail::set(data, "href", path);
        detail::set(data, "file_name", path.substr(path.rfind('/') + 1));
        detail::set(data, "format", format);
        detail::set(data, "note", note);
        auto size = sizes.find(path);
        detail::set(data, "size", size == sizes.end() ? std::string() : detail::file_size_text(size->second));
        return data;
    };
    List sets;
    for (const auto& set : data_sets()) {
        Data data;
        detail::set(data, "title", set.title);
        detail::set(data, "holds", set.holds);
        detail::set(data, "name", set.name);
        std::string columns;
        for (const auto& column : set.columns()) columns += (columns.empty() ? "" : "; ") + column.title;
        detail::set(data, "columns", columns);
        List files;
        files.push_back(file("data/" + set.name + ".xlsx", "XLSX", "для Excel и LibreOffice"));
        files.push_back(file("data/" + set.name + ".csv", "CSV", "для программ"));
        files.push_back(file("data/" + set.name + ".json", "JSON", "для программ"));
        detail::set(data, "files", std::move(files));
        sets.push_back(std::move(data));
    }
    detail::set(page.data, "data_sets", std::move(sets));
    detail::set(page.data, "site_json", file("data/site.json", "JSON", "для программ"));
    return page;
}

}  // namespace shnor::view
