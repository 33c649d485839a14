// The open data's workbooks: typed cells, the Russian header, the same bytes
// for the same table and date, and a CSV fed in any chunks gives the same file.
#include "pipeline/open_data_xlsx.hpp"
#include "render/xlsx.hpp"
#include "test_support.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace shnor;
using shnor::test::run_command;
using shnor::test::shell_quoted;
using shnor::test::write_file;

namespace {

struct Scratch {
    fs::path path = fs::temp_directory_path() / ("shnor-xlsx-" + std::to_string(::getpid()));
    Scratch() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

// One member of the workbook (a ZIP), read with the system's unzip.
std::string member(const Scratch& scratch, const std::string& bytes, const std::string& name) {
    fs::path file = scratch.path / "book.xlsx";
    write_file(file, bytes);
    auto result = run_command("unzip -p " + shell_quoted(file) + " " + name, scratch.path / "unzip.txt");
    REQUIRE(result.exit_code == 0);
    return result.output;
}

std::vector<render::XlsxColumn> columns() {
    return {{"Название", render::CellType::text, 30, {{"done", "выполнено"}}},
            {"Число", render::CellType::number, 10},
            {"Количество", render::CellType::integer, 10},
            {"Дата", render::CellType::date, 12},
            {"Пример", render::CellType::boolean, 8}};
}

std::string book(const Scratch& scratch, const std::vector<std::vector<std::string>>& rows, model::Date created) {
    render::XlsxTable table(scratch.path / ".scratch", "Лист", columns(), created);
    for (const auto& row : rows) table.add_row(row);
    return table.finish();
}

}  // namespace

TEST_CASE("a workbook has typed cells and a bold frozen Russian header", "[xlsx]") {
    Scratch scratch;
    std::string bytes = book(scratch,
                             {{"'=HYPERLINK(\"x\")", "12.5", "7", "2024-03-15", "true"},
                              {"done", "не число", "", "15.03.2024", "false"}},
                             {2024, 11, 1});
    CHECK(bytes.starts_with("PK"));
    CHECK_FALSE(fs::exists(scratch.path / ".scratch"));  // the scratch file is gone
    std::string sheet = member(scratch, bytes, "xl/worksheets/sheet1.xml");
    INFO(sheet);
    // The header: its own style (bold), frozen above the data, with a filter.
    CHECK_THAT(sheet, Catch::Contains(R"(<c r="A1" s="1" t="inlineStr"><is><t>Название</t></is></c>)"));
    CHECK_THAT(sheet, Catch::Contains(R"(state="frozen")") && Catch::Contains(R"(<autoFilter ref="A1:E3"/>)"));
    // A formula start stays text, without the CSV's apostrophe.
    CHECK_THAT(sheet, Catch::Contains(R"(<c r="A2" t="inlineStr"><is><t>=HYPERLINK("x")</t></is></c>)") ||
                          Catch::Contains(R"(<c r="A2" t="inlineStr"><is><t>=HYPERLINK(&quot;x&quot;)</t></is></c>)"));
    // Numbers are numbers, the date an Excel serial day (2024-03-15 is 45366), booleans booleans.
    CHECK_THAT(sheet, Catch::Contains(R"(<c r="B2"><v>12.5</v></c>)"));
    CHECK_THAT(sheet, Catch::Contains(R"(<c r="C2" s="3"><v>7</v></c>)") ||
                          Catch::Contains(R"(<c r="C2" s="2"><v>7</v></c>)"));
    CHECK_THAT(sheet, Catch::Contains(R"(<c r="D2" s="3"><v>45366</v></c>)"));
    CHECK_THAT(sheet, Catch::Contains(R"(<c r="E2" t="b"><v>1</v></c>)") &&
                          Catch::Contains(R"(<c r="E3" t="b"><v>0</v></c>)"));
    // A code gets its word; what does not read as its type stays text; empty is no cell.
    CHECK_THAT(sheet, Catch::Contains("<t>выполнено</t>") && Catch::Contains("<t>не число</t>") &&
                          Catch::Contains("<t>15.03.2024</t>"));
    CHECK_THAT(sheet, !Catch::Contains(R"(r="C3")"));
    // The date cells are shown as dates.
    std::string styles = member(scratch, bytes, "xl/styles.xml");
    CHECK_THAT(styles, Catch::Contains(R"(formatCode="dd.mm.yyyy")"));
    CHECK_THAT(styles, Catch::Contains("<b/>"));
}

TEST_CASE("a workbook's bytes depend on its table and date only", "[xlsx]") {
    Scratch scratch;
    std::vector<std::vector<std::string>> rows{{"Школа", "1.5", "3", "2024-01-09", "false"}};
    std::string first = book(scratch, rows, {2024, 11, 1});
    ::sleep(1);  // libxlsxwriter would stamp the current second
    CHECK(book(scratch, rows, {2024, 11, 1}) == first);
    std::string later = book(scratch, rows, {2025, 3, 1});
    CHECK(later != first);
    CHECK_THAT(member(scratch, later, "docProps/core.xml"), Catch::Contains("2025-03-01T00:00:00Z"));
}

TEST_CASE("a CSV's workbook is the same whatever chunks its bytes come in", "[xlsx]") {
    Scratch scratch;
    auto sheet = view::spreadsheet_of("data/documents.csv");
    REQUIRE(sheet);
    CHECK(sheet->path == "data/documents.xlsx");
    const std::string csv =
        "\xEF\xBB\xBF" "owner,id,kind,title,number,date,issuer,href,file_type,file_size,based_on,signed_by,example\r\n"
        "district,prikaz,order,\"Приказ \"\"О мерах\"\",\r\nв две строки\",145,2024-04-03,Управление,files/a.pdf,PDF,"
        "20480,,Иванов И. И.,false\r\n"
        "shubinskaya,plan;x,plan,\"'=1+1\",,,,https://example.org/p,,,,,true\r\n";
    auto made = [&](std::size_t chunk) {
        pipeline::WorkbookFromCsv workbook(*sheet, scratch.path / ".scratch", {2024, 11, 1});
        for (std::size_t at = 0; at < csv.size(); at += chunk) workbook.append(std::string_view(csv).substr(at, chunk));
        return workbook.finish();
    };
    std::string whole = made(csv.size());
    for (std::size_t chunk : {1, 2, 7, 64}) CHECK(made(chunk) == whole);
    std::string xml = member(scratch, whole, "xl/worksheets/sheet1.xml");
    INFO(xml);
    CHECK_THAT(xml, Catch::Contains("<t>Чей (district — район, иначе код школы)</t>"));  // not the CSV's header
    CHECK_THAT(xml, !Catch::Contains("<t>owner</t>"));
    CHECK_THAT(xml, Catch::Contains("Приказ \"О мерах\",\nв две строки") ||
                        Catch::Contains("Приказ &quot;О мерах&quot;,\nв две строки"));
    CHECK_THAT(xml, Catch::Contains(R"(<c r="J2" s="3"><v>20480</v></c>)") ||
                        Catch::Contains(R"(<c r="J2" s="2"><v>20480</v></c>)"));
    CHECK_THAT(xml, Catch::Contains("<t>plan;x</t>") && Catch::Contains("<t>=1+1</t>"));
    CHECK_THAT(xml, Catch::Contains(R"(<c r="M3" t="b"><v>1</v></c>)"));
}
