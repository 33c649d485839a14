// results.csv as Excel really writes it: the fixtures in tests/fixtures/excel
// are made byte for byte by make_fixtures.py there.
#include "test_paths.hpp"
#include "load/csv.hpp"
#include "load/load.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using shnor::load::LoadResult;
using shnor::model::Diagnostic;
using shnor::model::ResultRow;
using shnor::model::Severity;

namespace {

const fs::path kFixtures = SHNOR_SOURCE_DIR + "/tests/fixtures/excel";
const std::string kResultsPath = "schools/a/results.csv";

// A minimal content tree with one school whose results.csv is `fixture`.
class SchoolWithCsv {
public:
    explicit SchoolWithCsv(const std::string& fixture) {
        make_tree();
        fs::copy_file(kFixtures / fixture, root_ / kResultsPath);
        result_ = shnor::load::load_site(root_);
    }
    struct Bytes {
        std::string text;
    };
    explicit SchoolWithCsv(const Bytes& csv) {
        make_tree();
        std::ofstream(root_ / kResultsPath, std::ios::binary) << csv.text;
        result_ = shnor::load::load_site(root_);
    }
    ~SchoolWithCsv() { fs::remove_all(root_); }

    const LoadResult& result() const { return result_; }
    const std::vector<ResultRow>& rows() const { return result_.site.schools.at(0).results; }
    std::string messages() const {
        std::string text;
        for (const auto& d : result_.diagnostics.items()) text += d.format() + "\n";
        return text;
    }
    std::vector<std::string> formatted(Severity severity) const {
        std::vector<std::string> lines;
        for (const auto& d : result_.diagnostics.items())
            if (d.severity == severity) lines.push_back(d.format());
        return lines;
    }

private:
    void make_tree() {
        static std::atomic<int> counter{0};
        root_ = fs::temp_directory_path() /
                ("shnor-csv-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(root_);
        fs::create_directories(root_ / "schools/a");
        std::ofstream(root_ / "site.yaml") << "title: Сайт\nbase_url: https://example.org/shnor\n";
        std::ofstream(root_ / "schools/a/school.yaml") << "name: Школа А\n";
    }

    fs::path root_;
    LoadResult result_;
};

void check_row(const ResultRow& row, const std::string& exam, const std::string& subject, std::optional<int> grade,
               int year, std::optional<int> participants, std::optional<double> mean, std::optional<int> scale,
               std::optional<double> fail_share, std::optional<double> quality_share) {
    INFO(exam << " " << subject << " " << year);
    CHECK(row.exam == exam);
    CHECK(row.subject == subject);
    CHECK(row.grade == grade);
    CHECK(row.year == year);
    CHECK(row.participants == participants);
    CHECK(row.scale == scale);
    REQUIRE(row.mean.has_value() == mean.has_value());
    if (mean) CHECK(*row.mean == Approx(*mean));
    REQUIRE(row.fail_share.has_value() == fail_share.has_value());
    if (fail_share) CHECK(*row.fail_share == Approx(*fail_share));
    REQUIRE(row.quality_share.has_value() == quality_share.has_value());
    if (quality_share) CHECK(*row.quality_share == Approx(*quality_share));
}

}  // namespace

TEST_CASE("csv: UTF-8 with BOM, semicolons, decimal commas, grouped thousands and trailing empty columns", "[csv]") {
    SchoolWithCsv school("utf8-bom-semicolon.csv");
    INFO(school.messages());
    REQUIRE(school.result().diagnostics.items().empty());
    const auto& rows = school.rows();
    REQUIRE(rows.size() == 3);
    check_row(rows[0], "ОГЭ", "Математика", 9, 2023, 14, 3.1, 5, 28.6, 21.4);
    check_row(rows[1], "ЕГЭ", "Математика (профильная)", 11, 2024, 1204, 48.5, 100, 12.5, std::nullopt);
    check_row(rows[2], "ВПР", "Окружающий мир", 4, 2024, 23, 4.2, 5, 0.0, 65.2);
    CHECK_FALSE(rows[0].example);
    CHECK(rows[1].example);  // ИСТИНА
    CHECK(rows[0].pos.file == kResultsPath);
    CHECK(rows[0].pos.line == 2);
    CHECK(rows[1].pos.line == 4);  // line 3 is a row of empty cells
    CHECK(rows[2].pos.line == 5);
}

TEST_CASE("csv: Windows-1251 is converted, with a warning naming the file; Russian headers", "[csv]") {
    SchoolWithCsv school("cp1251-semicolon.csv");
    CHECK(school.formatted(Severity::warning) ==
          std::vector<std::string>{"schools/a/results.csv: предупреждение: файл в кодировке Windows-1251 "
                                   "перекодирован в UTF-8; сохраните его как «CSV UTF-8»"});
    CHECK(school.formatted(Severity::error).empty());
    const auto& rows = school.rows();
    REQUIRE(rows.size() == 2);
    check_row(rows[0], "ОГЭ", "Русский язык", 9, 2023, 12, 3.4, 5, 8.3, 41.7);
    check_row(rows[1], "РКР", "Естествознание (учёт «№ 2»)", 8, 2024, 10, 3.0, 5, 20.0, 30.0);
}

TEST_CASE("csv: commas, quoted commas, line breaks and quotes, LF ends, headers in any case, empty cells", "[csv]") {
    SchoolWithCsv school("comma-quoted.csv");
    INFO(school.messages());
    REQUIRE(school.result().diagnostics.items().empty());
    const auto& rows = school.rows();
    REQUIRE(rows.size() == 3);
    check_row(rows[0], "ОГЭ", "Математика, алгебра", 9, 2023, 14, 3.1, 5, 28.6, 21.4);
    check_row(rows[1], "ВПР", "Окружающий мир\n(часть 2)", 4, 2024, std::nullopt, std::nullopt, 5, std::nullopt,
              std::nullopt);
    check_row(rows[2], "ЕГЭ", "Русский \"язык\"", 11, 2024, 3, 61.0, 100, std::nullopt, std::nullopt);
    CHECK(rows[1].pos.line == 3);
    CHECK(rows[2].pos.line == 5);
}

TEST_CASE("csv: CR line ends of «CSV (Макинтош)»", "[csv]") {
    SchoolWithCsv school("mac-cr.csv");
    INFO(school.messages());
    REQUIRE(school.result().diagnostics.items().empty());
    const auto& rows = school.rows();
    REQUIRE(rows.size() == 2);
    check_row(rows[0], "ОГЭ", "Математика", std::nullopt, 2023, std::nullopt, 3.2, std::nullopt, std::nullopt,
              std::nullopt);
    check_row(rows[1], "ОГЭ", "Физика", std::nullopt, 2024, std::nullopt, 3.9, std::nullopt, std::nullopt,
              std::nullopt);
    CHECK(rows[1].pos.line == 3);
}

TEST_CASE("csv: UTF-16 «Unicode text» with tabs is converted, with a warning", "[csv]") {
    SchoolWithCsv school("utf16.txt");
    CHECK(school.formatted(Severity::warning) ==
          std::vector<std::string>{"schools/a/results.csv: предупреждение: файл в кодировке UTF-16 («Текст Юникод») "
                                   "перекодирован в UTF-8; сохраните его как «CSV UTF-8»"});
    CHECK(school.formatted(Severity::error).empty());
    const auto& rows = school.rows();
    REQUIRE(rows.size() == 2);
    check_row(rows[0], "ГВЭ", "Математика", 9, 2024, 2, 3.5, 5, 0.0, 50.0);
    check_row(rows[1], "ОГЭ", "Обществознание\t(устно)", 9, 2024, 7, 3.9, 5, 14.3, 57.1);
}

// The position is the cell's own (file:line:column, as editors jump to it):
// «2023г» sits on the record's second line, after a quoted line break.
TEST_CASE("csv: each bad cell is an error with file, line and column of the cell, its column and value", "[csv]") {
    SchoolWithCsv school("bad-cells.csv");
    CHECK(school.formatted(Severity::error) ==
          std::vector<std::string>{
              "schools/a/results.csv:3:9: ошибка: поле «year»: столбец 4: ожидается год, получено «2023г»",
              "schools/a/results.csv:4:26: ошибка: поле «mean»: столбец 6: ожидается число, получено «3,1,2»",
              "schools/a/results.csv:5:28: ошибка: поле «fail_share»: столбец 8: доля в процентах должна быть от 0 "
              "до 100, получено «-5»",
          });
    CHECK(school.formatted(Severity::warning).empty());
    const auto& rows = school.rows();
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].subject == "Русский\nязык");
    CHECK(rows[0].year == 0);
    CHECK_FALSE(rows[1].mean);
    CHECK_FALSE(rows[2].fail_share);
    check_row(rows[3], "ОГЭ", "Химия", 9, 2023, 14, 3.5, 5, 10.0, 40.0);
}

TEST_CASE("csv: encoding detection", "[csv]") {
    using shnor::load::decode_excel_text;
    using shnor::load::TextEncoding;
    auto utf8 = decode_excel_text("\xEF\xBB\xBF" "год;2023");
    CHECK(utf8.encoding == TextEncoding::utf8);
    CHECK(utf8.text == "год;2023");
    auto cp1251 = decode_excel_text("\xE3\xEE\xE4;\xB9\xA0\x98");  // «год;№», a non-breaking space, an unused byte
    CHECK(cp1251.encoding == TextEncoding::windows1251);
    CHECK(cp1251.text == "год;№\xC2\xA0\xEF\xBF\xBD");
    auto utf16be = decode_excel_text(std::string("\xFE\xFF\x04\x33\x00;", 6));
    CHECK(utf16be.encoding == TextEncoding::utf16);
    CHECK(utf16be.text == "г;");
    CHECK(shnor::load::is_valid_utf8("ёж €"));
    CHECK_FALSE(shnor::load::is_valid_utf8("\xC0\xAF"));      // overlong «/»
    CHECK_FALSE(shnor::load::is_valid_utf8("\xED\xA0\x80"));  // a surrogate
    CHECK_FALSE(shnor::load::is_valid_utf8("\xD0"));          // cut short
}

TEST_CASE("csv: an Excel «sep=» first line sets the separator", "[csv]") {
    auto table = shnor::load::parse_csv("sep=,\r\nexam;subject,year\r\nОГЭ;ЕГЭ,М,2023\r\n");
    CHECK(table.separator == ',');
    REQUIRE(table.records.size() == 2);
    CHECK(table.records[0].line == 2);
    CHECK(table.records[0].cells == std::vector<std::string>{"exam;subject", "year"});
    CHECK(table.records[1].line == 3);
    auto plain = shnor::load::parse_csv("a;b;c\r1;2;3\r");
    CHECK(plain.separator == ';');
    REQUIRE(plain.records.size() == 2);
    CHECK(plain.records[1].line == 2);
}

TEST_CASE("csv: an error under a Russian header quotes it; empty required cells name their column", "[csv]") {
    SchoolWithCsv school(SchoolWithCsv::Bytes{"Экзамен;ПРЕДМЕТ;Год;Средний  балл;Доля 4 и 5 (%)\r\n"
                                              ";Физика;2023;3.5.1;40\r\n"
                                              "ОГЭ;Химия;2023;4;120 %\r\n"});
    CHECK(school.formatted(Severity::error) ==
          std::vector<std::string>{
              "schools/a/results.csv:2:1: ошибка: поле «exam»: столбец 1 «Экзамен»: обязательное поле не заполнено",
              "schools/a/results.csv:2:14: ошибка: поле «mean»: столбец 4 «Средний  балл»: ожидается число, получено "
              "«3.5.1»",
              "schools/a/results.csv:3:18: ошибка: поле «quality_share»: столбец 5 «Доля 4 и 5 (%)»: доля в процентах "
              "должна быть от 0 до 100, получено «120 %»",
          });
}

TEST_CASE("csv: repeated and unknown columns, extra cells, a missing required column", "[csv]") {
    SchoolWithCsv extra(SchoolWithCsv::Bytes{"exam,subject,year,Mean,mean,цвет\n"
                                             "ОГЭ,Физика,2023,3.5,4.5,красный,,\n"
                                             "ОГЭ,Химия,2023,4,,,,лишнее\n"});
    CHECK(extra.formatted(Severity::warning) ==
          std::vector<std::string>{
              "schools/a/results.csv:1: предупреждение: поле «mean»: столбец «mean» повторяется: прочитан первый",
              "schools/a/results.csv:1: предупреждение: поле «цвет»: неизвестный столбец «цвет» — он не будет "
              "показан на сайте",
              "schools/a/results.csv:3:21: предупреждение: в строке 8 ячеек, а в заголовке 6 столбцов: лишние ячейки, "
              "начиная с «лишнее», не прочитаны. Если в строке есть число с десятичной запятой, заключите его в "
              "кавычки (\"3,5\") или сохраните файл с разделителем «;»",
          });
    REQUIRE(extra.rows().size() == 2);
    CHECK(*extra.rows()[0].mean == Approx(3.5));

    SchoolWithCsv missing(SchoolWithCsv::Bytes{"exam;subject;mean\nОГЭ;Физика;3\nОГЭ;Химия;4\n"});
    CHECK(missing.formatted(Severity::error) ==
          std::vector<std::string>{
              "schools/a/results.csv:1: ошибка: поле «year»: в первой строке нет обязательного столбца «year»"});
    CHECK(missing.rows().empty());
}

TEST_CASE("csv: numbers as Excel formats them", "[csv]") {
    SchoolWithCsv school(SchoolWithCsv::Bytes{"exam;subject;grade;year;participants;mean;fail_share\n"
                                              "ОГЭ;Физика;9,0;2\xC2\xA0" "023;12\xE2\x80\xAF" "345;54,5;7,5\xC2\xA0%\n"
                                              "ОГЭ;Химия;9;2023;3 1;4;5\n"
                                              "ОГЭ;Биология;9;2023;10;1 234,5;5\n"});
    REQUIRE(school.rows().size() == 3);
    check_row(school.rows()[0], "ОГЭ", "Физика", 9, 2023, 12345, 54.5, std::nullopt, 7.5, std::nullopt);
    // A grouped decimal is read as a number (and then found past any scale).
    CHECK(school.formatted(Severity::error) ==
          std::vector<std::string>{"schools/a/results.csv:3:18: ошибка: поле «participants»: столбец 5: ожидается "
                                   "целое число, получено «3 1»",
                                   "schools/a/results.csv:4:24: ошибка: поле «mean»: столбец 6: средний балл должен "
                                   "быть от 0 до 100, получено «1 234,5»"});
}
