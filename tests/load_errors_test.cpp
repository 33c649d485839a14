// Errors a webmaster can act on (issue 15, points 6 and 7): YAML and CSV
// errors in Russian with file:line:column and what to write instead, one
// broken file giving one error, the nearest known field for a typo, Russian
// status words, duplicate result rows and rows that cannot be compared.
#include "load/front_matter.hpp"
#include "load/load.hpp"
#include "load/yaml_fields.hpp"
#include "pipeline/sources.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::load::load_site;
using shnor::load::LoadResult;
using shnor::model::Diagnostic;
using shnor::model::Severity;
using shnor::model::Status;

namespace {

class ContentTree {
public:
    ContentTree() {
        static std::atomic<int> counter{0};
        root_ = fs::temp_directory_path() /
                ("shnor-errors-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(root_);
        fs::create_directories(root_);
        file("site.yaml", "title: Сайт\nbase_url: https://example.org/shnor\n");
    }
    ~ContentTree() { fs::remove_all(root_); }

    ContentTree& file(const std::string& path, const std::string& text) {
        shnor::test::write_file(root_ / path, text);
        return *this;
    }
    LoadResult load() const { return load_site(root_); }

private:
    fs::path root_;
};

std::vector<std::string> formatted(const LoadResult& result, Severity severity) {
    std::vector<std::string> lines;
    for (const auto& d : result.diagnostics.items())
        if (d.severity == severity) lines.push_back(d.format());
    return lines;
}

std::string all_messages(const LoadResult& result) {
    std::string text;
    for (const auto& d : result.diagnostics.items()) text += d.format() + "\n";
    return text;
}

// The one error of a load, formatted.
std::string only_error(const LoadResult& result) {
    INFO(all_messages(result));
    auto errors = formatted(result, Severity::error);
    REQUIRE(errors.size() == 1);
    return errors.front();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("errors: a colon inside a value is explained in Russian at line:column, with the value quoted", "[load]") {
    ContentTree tree;
    tree.file("roadmaps/plan.yaml", "title: План: первый этап\nitems:\n  - title: A\n");
    std::string error = only_error(tree.load());
    CHECK(error ==
          "roadmaps/plan.yaml:1:12: ошибка: разметка YAML: двоеточие с пробелом внутри значения: YAML принимает "
          "текст перед ним за имя ещё одного поля. Заключите значение в кавычки, например: title: \"План: первый "
          "этап\"");
    CHECK_FALSE(contains(error, "illegal"));
}

TEST_CASE("errors: front matter errors count lines and columns from the top of the Markdown file", "[load]") {
    ContentTree tree;
    tree.file("news/2024-03-01-seminar.md",
              "---\ntitle: Семинар\ndate: 2024-03-01\nsummary: Итоги: что сделано\n---\nТекст\n");
    std::string error = only_error(tree.load());
    CHECK(contains(error, "news/2024-03-01-seminar.md:4:15: ошибка: разметка YAML: двоеточие"));
    CHECK(contains(error, "summary: \"Итоги: что сделано\""));
}

TEST_CASE("errors: each common YAML mistake gets its own explanation", "[load]") {
    struct Case {
        std::string yaml;
        std::string position;
        std::string explanation;
    };
    std::vector<Case> cases = {
        {"title: П\nitems:\n  - title: A\n    status: done\n   result: x\n", "plan.yaml:5:4:",
         "неверный отступ в пункте списка"},
        {"title: П\nitems:\n  - title: A\n\tstatus: done\n", "plan.yaml:4:1:", "символ табуляции"},
        {"title: П\n description: x\n", "plan.yaml:2:13:", "неверный отступ: строка сдвинута вправо"},
        {"title: \"Тест \"кавычки\" внутри\"\n", "plan.yaml:1:15:",
         "после закрывающей кавычки идёт ещё текст"},
        {"title: [проект] план\n", "plan.yaml:1:17:", "начинается со скобки «[»"},
        {"title: [проект\n", "plan.yaml:2:1:", "не закрыта квадратная скобка «[»"},
        {"title: @план\n", "plan.yaml:1:8:", "значение начинается со знака «@»"},
        {"title: - план\n", "plan.yaml:1:8:", "читается как начало списка"},
        {"title: \"C:\\новое\"\n", "plan.yaml:1:", "обратная косая черта"},
        {"title: *план\n", "plan.yaml:1:", "ссылки на другие значения"},
        {"title: П\n- x\n", "plan.yaml:2:1:", "пункт списка «- » стоит на уровне полей"},
        {"title: \"Открыли кавычку\nitems:\n  - title: A\n", "plan.yaml:1:8:",
         "кавычка \", открытая здесь, не закрыта до конца файла"},
        {"title: 'Открыли\nitems: []\n", "plan.yaml:1:8:", "кавычка ', открытая здесь, не закрыта"},
    };
    for (const auto& c : cases) {
        ContentTree tree;
        tree.file("roadmaps/plan.yaml", c.yaml);
        auto result = tree.load();
        INFO(c.yaml << "\n" << all_messages(result));
        auto errors = formatted(result, Severity::error);
        REQUIRE(errors.size() == 1);
        CHECK(contains(errors[0], "roadmaps/" + c.position));
        CHECK(contains(errors[0], c.explanation));
        CHECK_FALSE(contains(errors[0], "illegal"));
        CHECK_FALSE(contains(errors[0], "not found"));
    }
}

TEST_CASE("errors: an unknown yaml-cpp message keeps the original in parentheses", "[load]") {
    std::string message = shnor::load::yaml_syntax_message("some new complaint", "title: x", 3);
    CHECK(message == "разметка YAML: проверьте отступы, двоеточия и кавычки в этой строке и в строке выше "
                     "(some new complaint)");
    CHECK(shnor::load::character_column("title: План: x", 15) == 12);
    // A backslash would start an escape in double quotes: the hint uses single ones.
    CHECK(contains(shnor::load::yaml_syntax_message("illegal map value", "file: C:\\Документы: план", 20),
                   "например: file: 'C:\\Документы: план'"));
}

TEST_CASE("errors: a broken roadmap is one error, not another on the news item naming it", "[load]") {
    ContentTree tree;
    tree.file("roadmaps/plan.yaml", "title: План: первый этап\nitems:\n  - n: 1\n    title: A\n")
        .file("news/2024-03-01-visit.md", "---\ntitle: Выезд\ndate: 2024-03-01\nroadmap_item: plan#1\n---\nТекст\n")
        .file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/news/2024-03-02-report.md",
              "---\ntitle: Отчёт\ndate: 2024-03-02\nroadmap_item: plan#1\n---\nТекст\n");
    auto result = tree.load();
    std::string error = only_error(result);
    CHECK(contains(error, "roadmaps/plan.yaml:1:12:"));
    CHECK_FALSE(contains(all_messages(result), "не найдена"));
}

TEST_CASE("errors: a reference to a file that is fine but lacks the target is still an error", "[load]") {
    ContentTree tree;
    tree.file("roadmaps/plan.yaml", "title: План\nitems:\n  - n: 1\n    title: A\n")
        .file("roadmaps/broken.yaml", "title: [\n")
        .file("news/2024-03-01-visit.md", "---\ntitle: Выезд\ndate: 2024-03-01\nroadmap_item: plan#7\n---\nТекст\n")
        .file("documents.yaml", "- id: prikaz\n  title: Приказ\n  url: javascript:x\n")
        .file("news/2024-03-02-docs.md", "---\ntitle: Д\ndate: 2024-03-02\n---\nТекст\n")
        .file("roadmaps/other.yaml", "title: Другой\nitems:\n  - title: B\n    evidence: nothing\n");
    auto result = tree.load();
    INFO(all_messages(result));
    auto errors = formatted(result, Severity::error);
    // plan.yaml has no item 7; documents.yaml read one document, not «nothing».
    CHECK(std::count_if(errors.begin(), errors.end(), [](const std::string& e) {
              return contains(e, "news/2024-03-01-visit.md:4: ошибка: поле «roadmap_item»: в дорожной карте «plan» нет "
                                 "мероприятия с номером «7»");
          }) == 1);
    CHECK(std::count_if(errors.begin(), errors.end(), [](const std::string& e) {
              return contains(e, "roadmaps/other.yaml:4:") && contains(e, "документ «nothing» не найден");
          }) == 1);
}

TEST_CASE("errors: an unknown field suggests the nearest known one", "[load]") {
    ContentTree tree;
    tree.file("roadmaps/plan.yaml",
              "title: План\ntitel2: x\nitems:\n  - title: A\n    responsable: Управление\n    shools: [a]\n"
              "    colour: red\n")
        .file("schools/a/school.yaml", "name: Школа\nadres: ул. Ленина, 1\n");
    auto result = tree.load();
    auto warnings = formatted(result, Severity::warning);
    INFO(all_messages(result));
    auto has = [&](const std::string& text) {
        return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) { return w == text; });
    };
    CHECK(has("roadmaps/plan.yaml:5: предупреждение: поле «items[1].responsable»: неизвестное поле «responsable» — "
              "оно не будет показано на сайте; возможно, имелось в виду «responsible»"));
    CHECK(has("roadmaps/plan.yaml:6: предупреждение: поле «items[1].shools»: неизвестное поле «shools» — оно не "
              "будет показано на сайте; возможно, имелось в виду «schools»"));
    CHECK(has("roadmaps/plan.yaml:2: предупреждение: поле «titel2»: неизвестное поле «titel2» — оно не будет "
              "показано на сайте; возможно, имелось в виду «title»"));
    CHECK(has("schools/a/school.yaml:2: предупреждение: поле «adres»: неизвестное поле «adres» — оно не будет "
              "показано на сайте; возможно, имелось в виду «address»"));
    // Nothing near enough: no guess.
    CHECK(has("roadmaps/plan.yaml:7: предупреждение: поле «items[1].colour»: неизвестное поле «colour» — оно не "
              "будет показано на сайте"));
}

TEST_CASE("errors: an unknown CSV column and an unknown status word suggest the nearest known one", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.csv", "exam;subject;grdae;year;Средний бал;цвет\nОГЭ;Химия;9;2023;4;красный\n")
        .file("roadmaps/plan.yaml",
              "title: План\nitems:\n  - title: A\n    status: выполнно\n  - title: B\n    status: не выполнено\n");
    auto result = tree.load();
    INFO(all_messages(result));
    auto warnings = formatted(result, Severity::warning);
    auto errors = formatted(result, Severity::error);
    auto has = [](const std::vector<std::string>& lines, const std::string& text) {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) { return line == text; });
    };
    CHECK(has(warnings, "schools/a/results.csv:1: предупреждение: поле «grdae»: неизвестный столбец «grdae» — он не "
                        "будет показан на сайте; возможно, имелось в виду «grade»"));
    CHECK(has(warnings, "schools/a/results.csv:1: предупреждение: поле «Средний бал»: неизвестный столбец «Средний "
                        "бал» — он не будет показан на сайте; возможно, имелось в виду «средний балл»"));
    CHECK(has(warnings, "schools/a/results.csv:1: предупреждение: поле «цвет»: неизвестный столбец «цвет» — он не "
                        "будет показан на сайте"));
    CHECK(has(errors, "roadmaps/plan.yaml:4: ошибка: поле «items[1].status»: неизвестное значение «выполнно»: "
                      "допустимы planned, in_progress, done, cancelled или по-русски «не начато», «в работе», "
                      "«выполнено», «отменено»; возможно, имелось в виду «выполнено»"));
    // Never the opposite of what is written.
    CHECK(has(errors, "roadmaps/plan.yaml:6: ошибка: поле «items[2].status»: неизвестное значение «не выполнено»: "
                      "допустимы planned, in_progress, done, cancelled или по-русски «не начато», «в работе», "
                      "«выполнено», «отменено»"));
}

TEST_CASE("errors: a field a reader only looks for is suggested too", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\nrurall: true\n");
    auto result = tree.load();
    INFO(all_messages(result));
    CHECK(formatted(result, Severity::warning) ==
          std::vector<std::string>{"schools/a/school.yaml:2: предупреждение: поле «rurall»: неизвестное поле «rurall» — "
                                   "оно не будет показано на сайте; возможно, имелось в виду «rural»"});
}

TEST_CASE("errors: nearest_name and edit_distance count characters, not bytes", "[load]") {
    using shnor::load::edit_distance;
    using shnor::load::nearest_name;
    CHECK(edit_distance("статус", "статсу") == 1);  // a swap is one edit
    CHECK(edit_distance("статус", "стутас") == 2);
    CHECK(edit_distance("ё", "е") == 1);
    CHECK(nearest_name("Responsable", {"responsible", "result"}) == "responsible");
    CHECK(nearest_name("x", {"n"}).empty());  // every letter changed
    CHECK(nearest_name("titel", {"title"}) == "title");
    CHECK(nearest_name("description", {"n", "title"}).empty());
}

TEST_CASE("errors: Russian status words of district documents are read", "[load]") {
    using shnor::load::parse_status;
    CHECK(parse_status("выполнено") == Status::done);
    CHECK(parse_status("Выполнено.") == Status::done);
    CHECK(parse_status("ВЫПОЛНЕН") == Status::done);
    CHECK(parse_status("выполняется") == Status::in_progress);
    CHECK(parse_status("В работе") == Status::in_progress);
    CHECK(parse_status("в  процессе") == Status::in_progress);
    CHECK(parse_status("не начато") == Status::planned);
    CHECK(parse_status("Запланировано") == Status::planned);
    CHECK(parse_status("отменено") == Status::cancelled);
    CHECK(parse_status("отменён") == Status::cancelled);
    CHECK(parse_status("done") == Status::done);
    CHECK_FALSE(parse_status("не выполнено"));
    CHECK_FALSE(parse_status("готово"));

    ContentTree tree;
    tree.file("roadmaps/plan.yaml",
              "title: План\nitems:\n  - title: A\n    status: выполнено\n  - title: B\n    status: В работе\n"
              "  - title: C\n    status: не начато\n  - title: D\n    status: Отменено\n  - title: E\n"
              "    status: выполняется\n");
    auto result = tree.load();
    INFO(all_messages(result));
    CHECK(formatted(result, Severity::error).empty());
    REQUIRE(result.site.district.roadmaps.size() == 1);
    const auto& items = result.site.district.roadmaps[0].sections.at(0).items;
    REQUIRE(items.size() == 5);
    CHECK(items[0].status == Status::done);
    CHECK(items[1].status == Status::in_progress);
    CHECK(items[2].status == Status::planned);
    CHECK(items[3].status == Status::cancelled);
    CHECK(items[4].status == Status::in_progress);
}

TEST_CASE("errors: a repeated result row is an error naming both lines", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.csv",
              "exam;subject;grade;year;mean\nОГЭ;Математика;9;2023;3,4\nОГЭ;Математика;9;2024;3,5\n"
              "ОГЭ;Математика;9;2023;3,6\n");
    auto result = tree.load();
    CHECK(only_error(result) ==
          "schools/a/results.csv:4: ошибка: строка повторяет строку schools/a/results.csv:2 (ОГЭ, «Математика», 9 "
          "класс, 2023 год): для одного экзамена, предмета, класса и года допустима одна строка, иначе на сайт "
          "попадёт только одна из них. Удалите лишнюю или исправьте в ней год, класс или предмет");
}

TEST_CASE("errors: repeats across files and scopes", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.yaml", "- {exam: ОГЭ, subject: Математика, grade: 9, year: 2023, mean: 3.4}\n")
        .file("results.yaml",
              "- {scope: district, exam: ОГЭ, subject: Математика, grade: 9, year: 2023, mean: 3.5}\n"
              "- {scope: region, exam: ОГЭ, subject: Математика, grade: 9, year: 2023, mean: 3.6}\n"
              "- {scope: a, exam: ОГЭ, subject: Математика, grade: 9, year: 2023, mean: 3.7}\n"
              "- {scope: region, exam: ОГЭ, subject: Математика, grade: 9, year: 2023, mean: 3.8}\n");
    auto result = tree.load();
    auto errors = formatted(result, Severity::error);
    INFO(all_messages(result));
    REQUIRE(errors.size() == 2);
    CHECK(contains(errors[0], "results.yaml:4: ошибка: строка повторяет строку results.yaml:2 (ОГЭ, «Математика», "
                              "9 класс, 2023 год, регион): для одного экзамена, предмета, класса и года и одной "
                              "области допустима одна строка"));
    CHECK(contains(errors[1], "results.yaml:3: ошибка: строка повторяет строку schools/a/results.yaml:1 (ОГЭ, "
                              "«Математика», 9 класс, 2023 год, школа «a»)"));
}

TEST_CASE("errors: rows with errors are not also called repeats", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.yaml",
              "- {exam: ОГЭ, subject: М, grade: 12, year: 2023}\n- {exam: ОГЭ, subject: М, grade: 13, year: 2023}\n");
    auto errors = formatted(tree.load(), Severity::error);
    REQUIRE(errors.size() == 2);
    for (const auto& error : errors) CHECK(contains(error, "номер класса должен быть от 1 до 11"));
}

TEST_CASE("errors: a row without a grade among rows with one is a warning saying why", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.yaml",
              "- {exam: ОГЭ, subject: Математика, year: 2023, mean: 3.4}\n"
              "- {exam: ОГЭ, subject: Математика, year: 2024, mean: 3.5}\n")
        .file("results.yaml", "- {scope: region, exam: ОГЭ, subject: Математика, grade: 9, year: 2023, mean: 3.6}\n");
    auto result = tree.load();
    INFO(all_messages(result));
    CHECK(formatted(result, Severity::error).empty());
    CHECK(formatted(result, Severity::warning) ==
          std::vector<std::string>{
              "schools/a/results.yaml:1: предупреждение: поле «grade»: в строке (ОГЭ, «Математика», 2023 год) не указан "
              "класс, а в строке results.yaml:1 (ОГЭ, «Математика», 9 класс, 2023 год, регион) указан "
              "(и ещё строк без класса в этом файле: 1): результаты сравниваются только при одинаковом классе, "
              "поэтому эта строка останется без сравнения с районом и регионом и не войдёт в расчёт по району. "
              "Укажите класс (grade)"});
}

TEST_CASE("errors: CSV problems say line and column", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.csv",
              "exam,subject,grade,year,mean\nОГЭ,Математика,9,2023,3,4\nОГЭ,Химия,9,2023,\"4\nОГЭ,Физика,9,2023,4\n");
    auto result = tree.load();
    INFO(all_messages(result));
    auto errors = formatted(result, Severity::error);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] ==
          "schools/a/results.csv:3:18: ошибка: кавычка, открытая здесь, не закрыта до конца файла, и все строки ниже "
          "попали бы в одну ячейку: поставьте закрывающую кавычку \" в конце ячейки, а кавычку внутри текста "
          "напишите дважды (\"\")");
    auto warnings = formatted(result, Severity::warning);
    REQUIRE(warnings.size() == 1);
    CHECK(contains(warnings[0], "schools/a/results.csv:2:25: предупреждение: в строке 6 ячеек, а в заголовке 5 "
                                "столбцов: лишние ячейки, начиная с «4», не прочитаны. Если в строке есть число с "
                                "десятичной запятой, заключите его в кавычки (\"3,5\")"));
}

TEST_CASE("errors: a bad number in a CSV cell names its column and position", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.csv", "Экзамен;Предмет;Класс;Год;Средний балл\nОГЭ;Химия;9;2023;четыре\n");
    CHECK(only_error(tree.load()) ==
          "schools/a/results.csv:2:18: ошибка: поле «mean»: столбец 5 «Средний балл»: ожидается число, получено "
          "«четыре»");
}

TEST_CASE("errors: a fetched source's YAML error is Russian with line and column", "[load]") {
    std::string message;
    try {
        shnor::pipeline::source_as_json("- scope: region\n  exam: ОГЭ: 9 класс\n", "yaml");
    } catch (const std::exception& error) {
        message = error.what();
    }
    CHECK(message ==
          "строка 2, столбец 12: разметка YAML: двоеточие с пробелом внутри значения: YAML принимает текст перед "
          "ним за имя ещё одного поля. Заключите значение в кавычки, например: exam: \"ОГЭ: 9 класс\"");
}

TEST_CASE("errors: a repeated row of a fetched results source names both lines", "[load]") {
    shnor::model::Diagnostics diagnostics;
    auto rows = shnor::load::parse_shared_results(
        "scope;exam;subject;grade;year;mean\nregion;ОГЭ;Математика;9;2023;3,4\ndistrict;ОГЭ;Математика;9;2023;3,3\n"
        "region;ОГЭ;Математика;9;2023;3,5\n",
        "csv", "https://example.org/region.csv", diagnostics);
    CHECK(rows.size() == 3);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].format() ==
          "https://example.org/region.csv:4: ошибка: строка повторяет строку https://example.org/region.csv:2 (ОГЭ, "
          "«Математика», 9 класс, 2023 год, регион): для одного экзамена, предмета, класса и года и одной области "
          "допустима одна строка, иначе на сайт попадёт только одна из них. Удалите лишнюю или исправьте в ней год, "
          "класс или предмет");
}

TEST_CASE("errors: a fetched results file with a bad cell is refused naming line, position and column", "[load]") {
    fs::path folder = fs::temp_directory_path() / ("shnor-errors-source-" + std::to_string(::getpid()));
    fs::remove_all(folder);
    shnor::test::write_file(folder / "content/sources/region.csv",
                            "scope;exam;subject;grade;year;mean\nregion;ОГЭ;Химия;9;2023;четыре\n");
    shnor::model::Source source;
    source.id = "region";
    source.url = "file:sources/region.csv";
    source.role = "results";
    source.format = "csv";
    source.pos = {"site.yaml", 7};
    shnor::model::Diagnostics diagnostics;
    shnor::pipeline::fetch_shared_data({source}, folder / "content", {folder / "cache", false}, diagnostics);
    fs::remove_all(folder);
    INFO(diagnostics.items().at(0).format());
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(contains(diagnostics.items()[0].format(),
                   "строка 2, позиция 25, поле «mean», столбец 6: ожидается число, получено «четыре»"));
}

// ---------------------------------------------------------------- the real binary

namespace {

const fs::path kExampleContent = fs::path(SHNOR_SOURCE_DIR) / "content";

struct Scratch {
    fs::path path;
    fs::path content;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-errors-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
        content = path / "content";
        fs::copy(kExampleContent, content, fs::copy_options::recursive);
    }
    ~Scratch() { fs::remove_all(path); }

    shnor::test::CommandResult build() const {
        return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " build --content " +
                                            shnor::test::shell_quoted(content) + " --out " +
                                            shnor::test::shell_quoted(path / "site") + " --date 2024-11-01 --cache " +
                                            shnor::test::shell_quoted(path / "cache"),
                                        path / "log.txt");
    }
    shnor::test::CommandResult check() const {
        return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " check --content " +
                                            shnor::test::shell_quoted(content) + " --date 2024-11-01 --cache " +
                                            shnor::test::shell_quoted(path / "cache"),
                                        path / "check-log.txt");
    }
};

std::vector<std::string> error_lines(const std::string& output) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < output.size()) {
        std::size_t end = output.find('\n', start);
        if (end == std::string::npos) end = output.size();
        std::string line = output.substr(start, end - start);
        if (contains(line, ": ошибка: ")) lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

}  // namespace

TEST_CASE("errors e2e: a broken roadmap that news items name gives exactly one error, at line:column", "[e2e]") {
    Scratch scratch("roadmap");
    fs::path roadmap = scratch.content / "roadmaps/dorozhnaya-karta-2024.yaml";
    std::string text = shnor::test::read_file(roadmap);
    // The example's news items name dorozhnaya-karta-2024#35.
    REQUIRE(contains(shnor::test::read_file(scratch.content / "news/2024-05-30-vyezd-munitsipalnoy-komandy.md"),
                     "roadmap_item: dorozhnaya-karta-2024#"));
    std::size_t title = text.find("\ntitle: ");
    REQUIRE(title != std::string::npos);
    std::size_t end = text.find('\n', title + 1);
    int line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(title) + 1, '\n')) + 1;
    text.replace(title + 1, end - title - 1, "title: Дорожная карта: 2024 год");
    shnor::test::write_file(roadmap, text);

    auto run = scratch.build();
    INFO(run.output);
    CHECK(run.exit_code != 0);
    auto errors = error_lines(run.output);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "roadmaps/dorozhnaya-karta-2024.yaml:" + std::to_string(line) +
                           ":22: ошибка: разметка YAML: двоеточие с пробелом внутри значения: YAML принимает текст "
                           "перед ним за имя ещё одного поля. Заключите значение в кавычки, например: title: "
                           "\"Дорожная карта: 2024 год\"");
    CHECK_FALSE(fs::exists(scratch.path / "site" / "index.html"));
}

TEST_CASE("errors e2e: a repeated results row fails the build naming both lines", "[e2e]") {
    Scratch scratch("duplicate");
    fs::path results = scratch.content / "schools/karmaklinskaya/results.yaml";
    auto loaded = load_site(kExampleContent);
    REQUIRE_FALSE(loaded.diagnostics.has_errors());
    const auto& school = *std::find_if(loaded.site.schools.begin(), loaded.site.schools.end(),
                                       [](const auto& s) { return s.slug == "karmaklinskaya"; });
    REQUIRE_FALSE(school.results.empty());
    const auto& first = school.results.front();
    std::string text = shnor::test::read_file(results);
    int new_line = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    std::string row = "- {exam: " + first.exam + ", subject: " + first.subject +
                      (first.grade ? ", grade: " + std::to_string(*first.grade) : std::string()) +
                      ", year: " + std::to_string(first.year) + ", mean: 3.1, scale: 5}\n";
    shnor::test::write_file(results, text + row);

    auto run = scratch.build();
    INFO(run.output);
    CHECK(run.exit_code != 0);
    auto errors = error_lines(run.output);
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors[0], "schools/karmaklinskaya/results.yaml:" + std::to_string(new_line) +
                                  ": ошибка: строка повторяет строку schools/karmaklinskaya/results.yaml:" +
                                  std::to_string(first.pos.line) + " ("));
}

TEST_CASE("errors e2e: a fetched region row repeating one of the content fails the build naming both", "[e2e]") {
    Scratch scratch("shared");
    std::string results = shnor::test::read_file(scratch.content / "results.yaml");
    std::size_t at = results.find("- {scope: region, exam: ОГЭ, subject: Математика, grade: 9, year: 2022,");
    REQUIRE(at != std::string::npos);
    int content_line = static_cast<int>(std::count(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
    fs::path source = scratch.content / "sources/region-results.csv";
    std::string csv = shnor::test::read_file(source);
    int source_line = static_cast<int>(std::count(csv.begin(), csv.end(), '\n')) + 1;
    shnor::test::write_file(source, csv + "region;ОГЭ;Математика;9;2022;18240;3,4;5;9,8;41,5;true\n");

    auto run = scratch.build();
    INFO(run.output);
    CHECK(run.exit_code != 0);
    auto errors = error_lines(run.output);
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors[0], "sources/region-results.csv:" + std::to_string(source_line) +
                                  ": ошибка: строка повторяет строку results.yaml:" + std::to_string(content_line) +
                                  " (ОГЭ, «Математика», 9 класс, 2022 год, регион)"));
    // `shnor check` says the same before a build would fail on it.
    auto checked = scratch.check();
    INFO(checked.output);
    CHECK(checked.exit_code == 1);
    auto check_errors = error_lines(checked.output);
    REQUIRE(check_errors.size() == 1);
    CHECK(check_errors[0] == errors[0]);
}

TEST_CASE("errors: a school row without a grade is warned about against fetched region rows too", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.yaml", "- {exam: ОГЭ, subject: Математика, year: 2023, mean: 3.4}\n")
        .file("results.yaml", "- {scope: region, exam: ОГЭ, subject: Химия, grade: 9, year: 2023, mean: 3.6}\n");
    auto result = tree.load();
    INFO(all_messages(result));
    REQUIRE(result.diagnostics.items().empty());
    shnor::model::Diagnostics diagnostics;
    auto fetched = shnor::load::parse_shared_results(
        "scope;exam;subject;grade;year;mean\nregion;ОГЭ;Математика;9;2023;3,5\nother-school;ОГЭ;Химия;;2023;3\n"
        "district;ОГЭ;Химия;;2023;3,1\n",
        "csv", "https://example.org/region.csv", diagnostics);
    REQUIRE(diagnostics.items().empty());
    shnor::load::check_shared_rows(result.site, fetched, diagnostics);
    std::vector<std::string> lines;
    for (const auto& d : diagnostics.items()) lines.push_back(d.format());
    // The school's row, against the fetched region row; the fetched district
    // row against the content's region row. Rows of other schools are not the site's.
    CHECK(lines == std::vector<std::string>{
                       "schools/a/results.yaml:1: предупреждение: поле «grade»: в строке (ОГЭ, «Математика», 2023 "
                       "год) не указан класс, а в строке https://example.org/region.csv:2 (ОГЭ, «Математика», 9 "
                       "класс, 2023 год, регион) указан: результаты сравниваются только при одинаковом классе, "
                       "поэтому эта строка останется без сравнения с районом и регионом и не войдёт в расчёт по "
                       "району. Укажите класс (grade)",
                       "https://example.org/region.csv:4: предупреждение: поле «grade»: в строке (ОГЭ, «Химия», 2023 "
                       "год, район) не указан класс, а в строке results.yaml:1 (ОГЭ, «Химия», 9 класс, 2023 год, "
                       "регион) указан: результаты сравниваются только при одинаковом классе, поэтому школы не будут "
                       "сравниваться с этой строкой. Укажите класс (grade)"});
}

TEST_CASE("errors: a row warned about at load is not warned about again when sources arrive", "[load]") {
    ContentTree tree;
    tree.file("schools/a/school.yaml", "name: Школа\n")
        .file("schools/a/results.yaml", "- {exam: ОГЭ, subject: Математика, year: 2023, mean: 3.4}\n")
        .file("results.yaml", "- {scope: region, exam: ОГЭ, subject: Математика, grade: 9, year: 2023, mean: 3.6}\n");
    auto result = tree.load();
    CHECK(formatted(result, Severity::warning).size() == 1);
    shnor::model::Diagnostics diagnostics;
    auto fetched = shnor::load::parse_shared_results("scope;exam;subject;grade;year;mean\nregion;ОГЭ;Математика;9;2024;3,5\n",
                                                     "csv", "https://example.org/region.csv", diagnostics);
    shnor::load::check_shared_rows(result.site, fetched, diagnostics);
    CHECK(diagnostics.items().empty());
}
