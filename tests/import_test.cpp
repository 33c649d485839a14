// shnor import roadmap: a .docx made here from a seed's own roadmap table
// (seed 001, the Barabinsk order's plan), read back into content YAML with
// every cell's text as printed.
#include "import/lists.hpp"
#include "import/roadmap.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::shell_quoted;

namespace {

const fs::path kSeeds = fs::path(SHNOR_SOURCE_DIR) / ".." / "shared" / "seeds";
const fs::path kSeed = kSeeds / "001_34dcd750ff2740a7.txt";

// A row of the seed's table: cells, or one text spanning the table (a section).
struct SeedRow {
    std::vector<std::string> cells;
    bool section = false;
};

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (;;) {
        std::size_t tab = line.find('\t', start);
        cells.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return cells;
        start = tab + 1;
    }
}

// The table after its header line: tab-separated rows, numbered section
// lines, and lines that start with tabs continuing a cell of the row above.
std::vector<SeedRow> seed_table(std::vector<std::string>& header, const fs::path& seed = kSeed,
                                const std::string& header_start = "№п/п\t") {
    std::istringstream text(read_file(seed));
    std::vector<SeedRow> rows;
    bool inside = false;
    static const std::regex section(R"(^\d+\.\s*\S.*)");
    for (std::string line; std::getline(text, line);) {
        if (!inside) {
            if (line.starts_with(header_start)) {
                header = split_tabs(line);
                inside = true;
            }
            continue;
        }
        if (line.empty()) continue;
        if (line[0] == '\t' && !rows.empty()) {
            auto cells = split_tabs(line);
            for (std::size_t i = 0; i < cells.size() && i < rows.back().cells.size(); ++i)
                if (!cells[i].empty()) rows.back().cells[i] += "\n" + cells[i];
            continue;
        }
        if (line.find('\t') != std::string::npos) {
            auto cells = split_tabs(line);
            cells.resize(header.size());
            bool alone = true;  // «1.Организационно-…» with its empty cells: a section
            for (std::size_t i = 1; i < cells.size(); ++i) alone = alone && cells[i].empty();
            if (alone && std::regex_match(cells[0], section)) rows.push_back({{cells[0]}, true});
            else rows.push_back({cells, false});
        } else if (std::regex_match(line, section)) {
            rows.push_back({{line}, true});
        } else {
            break;
        }
    }
    return rows;
}

std::string xml_text(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

// A cell as Word writes it: a paragraph a line.
std::string cell_xml(const std::string& text, int span = 1, const char* merge = nullptr) {
    std::string xml = "<w:tc><w:tcPr>";
    if (span > 1) xml += "<w:gridSpan w:val=\"" + std::to_string(span) + "\"/>";
    if (merge) xml += std::string("<w:vMerge") + (*merge ? std::string(" w:val=\"") + merge + "\"" : "") + "/>";
    xml += "</w:tcPr>";
    std::istringstream lines(text);
    std::string line;
    bool any = false;
    while (std::getline(lines, line)) {
        xml += "<w:p><w:r><w:t xml:space=\"preserve\">" + xml_text(line) + "</w:t></w:r></w:p>";
        any = true;
    }
    if (!any) xml += "<w:p/>";
    return xml + "</w:tc>";
}

using shnor::test::write_zip;

void write_docx(const fs::path& file, const std::string& body) {
    shnor::test::write_docx(file, "<w:p><w:r><w:t>План мероприятий</w:t></w:r></w:p>" + body);
}

// A sheet's cell: text (a shared string), or a number as Excel stores it,
// optionally shown as a date (style 1).
struct XlsxCell {
    std::string text;
    bool number = false, date = false;
};
using XlsxRow = std::vector<XlsxCell>;

std::string column_letter(std::size_t column) { return std::string(1, static_cast<char>('A' + column)); }

// An .xlsx as Excel writes one: the workbook and its relationships, shared
// strings, styles (style 1 a date), one sheet with merged ranges.
void write_xlsx(const fs::path& file, const std::vector<XlsxRow>& rows, const std::vector<std::string>& merges) {
    std::string strings, sheet;
    int string_count = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        sheet += "<row r=\"" + std::to_string(r + 1) + "\">";
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            const auto& cell = rows[r][c];
            if (cell.text.empty()) continue;
            std::string reference = column_letter(c) + std::to_string(r + 1);
            if (cell.number) {
                sheet += "<c r=\"" + reference + "\"" + (cell.date ? " s=\"1\"" : "") + "><v>" + cell.text + "</v></c>";
                continue;
            }
            // Line breaks kept, as Excel keeps Alt+Enter in a cell.
            strings += "<si><t xml:space=\"preserve\">" + xml_text(cell.text) + "</t></si>";
            sheet += "<c r=\"" + reference + "\" t=\"s\"><v>" + std::to_string(string_count++) + "</v></c>";
        }
        sheet += "</row>";
    }
    std::string merged;
    for (const auto& range : merges) merged += "<mergeCell ref=\"" + range + "\"/>";
    const std::string ns = " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
    write_zip(file,
              {{"xl/workbook.xml",
                "<workbook" + ns + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                "<sheets><sheet name=\"План\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
               {"xl/_rels/workbook.xml.rels",
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"},
               {"xl/sharedStrings.xml", "<sst" + ns + ">" + strings + "</sst>"},
               {"xl/styles.xml", "<styleSheet" + ns + "><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
                                 "</cellXfs></styleSheet>"},
               {"xl/worksheets/sheet1.xml", "<worksheet" + ns + "><sheetData>" + sheet + "</sheetData>" +
                                                (merged.empty() ? "" : "<mergeCells>" + merged + "</mergeCells>") +
                                                "</worksheet>"}});
}

XlsxRow text_row(const std::vector<std::string>& texts) {
    XlsxRow row;
    for (const auto& text : texts) row.push_back({text});
    return row;
}

// The seed's table as one w:tbl: its header, the column-number row Russian
// tables print under it, each section across all columns; item 2's
// «Ответственные» merged down from item 1's.
std::string seed_tbl(const std::vector<std::string>& header, const std::vector<SeedRow>& rows) {
    std::string xml = "<w:tbl><w:tr>";
    for (const auto& cell : header) xml += cell_xml(cell);
    xml += "</w:tr><w:tr>";
    for (std::size_t i = 0; i < header.size(); ++i) xml += cell_xml(std::to_string(i + 1));
    xml += "</w:tr>";
    int item = 0;
    for (const auto& row : rows) {
        xml += "<w:tr>";
        if (row.section) {
            xml += cell_xml(row.cells[0], static_cast<int>(header.size()));
        } else {
            ++item;
            for (std::size_t i = 0; i < row.cells.size(); ++i) {
                if (i == 3 && item == 1) xml += cell_xml(row.cells[i], 1, "restart");
                else if (i == 3 && item == 2) xml += cell_xml("", 1, "");
                else xml += cell_xml(row.cells[i]);
            }
        }
        xml += "</w:tr>";
    }
    return xml + "</w:tbl>";
}

}  // namespace

namespace {

// Every item of the seed's table in order, its cells exactly as printed
// (line breaks kept); item 2's «Ответственные», merged down from item 1's,
// is item 1's.
void check_seed_roadmap(const shnor::import::ImportedRoadmap& imported, const std::vector<SeedRow>& rows) {
    std::size_t sections = 0, items = 0;
    for (const auto& row : rows) (row.section ? sections : items)++;
    CHECK(imported.sections == static_cast<int>(sections));
    CHECK(imported.items == static_cast<int>(items));
    CHECK(imported.unplaced.empty());
    YAML::Node roadmap = YAML::Load(imported.yaml);
    REQUIRE(roadmap["sections"].size() == sections);
    std::vector<YAML::Node> parsed;
    for (const auto& section : roadmap["sections"])
        for (const auto& item : section["items"]) parsed.push_back(item);
    std::size_t index = 0;
    std::string first_responsible;
    // As the loader reads it: a `|` block's closing line break is not text.
    auto text = [](const YAML::Node& node) {
        std::string value = node.as<std::string>();
        while (!value.empty() && value.back() == '\n') value.pop_back();
        return value;
    };
    for (const auto& row : rows) {
        if (row.section) continue;
        REQUIRE(index < parsed.size());
        const YAML::Node& item = parsed[index++];
        INFO("item " << row.cells[0]);
        CHECK(item["n"].as<std::string>() == row.cells[0]);
        CHECK(text(item["title"]) == row.cells[1]);
        if (!row.cells[2].empty()) CHECK(text(item["when"]) == row.cells[2]);
        std::string responsible;
        if (item["responsible"].IsSequence())
            for (const auto& line : item["responsible"]) responsible += (responsible.empty() ? "" : "\n") + line.as<std::string>();
        else if (item["responsible"]) responsible = item["responsible"].as<std::string>();
        if (index == 1) first_responsible = responsible;
        CHECK(responsible == (index == 2 ? first_responsible : row.cells[3]));
        if (!row.cells[4].empty()) CHECK(text(item["result"]) == row.cells[4]);
    }
    CHECK(roadmap["sections"][0]["n"].as<std::string>() == "1");
}

fs::path scratch_folder(const std::string& name) {
    fs::path scratch = fs::temp_directory_path() / ("shnor-import-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    return scratch;
}

shnor::test::CommandResult run_shnor(const std::string& arguments, const fs::path& scratch) {
    return shnor::test::run_command(shell_quoted(SHNOR_BINARY) + " " + arguments, scratch / "log.txt");
}

}  // namespace

TEST_CASE("import roadmap: a seed's table from .docx keeps every row, section and printed text", "[import]") {
    std::vector<std::string> header;
    auto rows = seed_table(header);
    REQUIRE(header.size() == 5);
    std::size_t sections = 0, items = 0;
    for (const auto& row : rows) (row.section ? sections : items)++;
    REQUIRE(sections >= 4);
    REQUIRE(items >= 40);

    fs::path scratch = scratch_folder("docx");
    // u8: on Windows a path from a narrow literal is not read as UTF-8.
    fs::path docx = scratch / u8"Дорожная карта 2024.docx";
    write_docx(docx, seed_tbl(header, rows));
    check_seed_roadmap(shnor::import::import_roadmap(shnor::import::read_tables(docx)), rows);

    // Through the command: the file written into a new district, which builds.
    fs::path content = scratch / "rayon";
    auto run = [&](const std::string& arguments) { return run_shnor(arguments, scratch); };
    REQUIRE(run("new site " + shell_quoted(content)).exit_code == 0);
    auto command = run("import roadmap " + shell_quoted(docx) + " --content " + shell_quoted(content));
    INFO(command.output);
    REQUIRE(command.exit_code == 0);
    CHECK_THAT(command.output, Catch::Contains("строк таблицы: " + std::to_string(items)));
    CHECK(fs::exists(content / "roadmaps/dorozhnaya-karta-2024.yaml"));
    auto built = run("build --content " + shell_quoted(content) + " --out " + shell_quoted(scratch / "site") +
                     " --date 2024-11-01");
    INFO(built.output);
    CHECK(built.exit_code == 0);
    // Never over an existing file.
    CHECK(run("import roadmap " + shell_quoted(docx) + " --content " + shell_quoted(content)).exit_code == 2);
    fs::remove_all(scratch);
}

TEST_CASE("import roadmap: the same seed table from .xlsx, sections and «Ответственные» merged as Excel merges", "[import]") {
    std::vector<std::string> header;
    auto rows = seed_table(header);
    std::vector<XlsxRow> sheet{text_row({"План мероприятий («дорожная карта»)"}), text_row(header)};
    std::vector<std::string> merges{"A1:E1"};
    XlsxRow numbers;
    for (std::size_t i = 0; i < header.size(); ++i) numbers.push_back({std::to_string(i + 1), true});
    sheet.push_back(numbers);
    int item = 0;
    for (const auto& row : rows) {
        std::string r = std::to_string(sheet.size() + 1);
        if (row.section) {
            sheet.push_back(text_row({row.cells[0]}));
            merges.push_back("A" + r + ":E" + r);
            continue;
        }
        auto cells = text_row(row.cells);
        if (++item == 1) merges.push_back("D" + r + ":D" + std::to_string(sheet.size() + 2));
        if (item == 2) cells[3].text.clear();  // covered by the merge: Excel keeps no text there
        sheet.push_back(cells);
    }
    fs::path scratch = scratch_folder("xlsx");
    fs::path xlsx = scratch / "plan.xlsx";
    write_xlsx(xlsx, sheet, merges);
    check_seed_roadmap(shnor::import::import_roadmap(shnor::import::read_tables(xlsx)), rows);
    fs::remove_all(scratch);
}

TEST_CASE("import: .xlsx dates and numbers read as a Russian reader sees them", "[import]") {
    fs::path scratch = scratch_folder("xlsx-values");
    fs::path xlsx = scratch / "values.xlsx";
    write_xlsx(xlsx,
               {text_row({"Срок", "Доля"}), {{"45657", true, true}, {"28.600000000000001", true}},
                {{"61", true, true}, {"14", true}}},
               {});
    auto tables = shnor::import::read_tables(xlsx);
    REQUIRE(tables.size() == 1);
    REQUIRE(tables[0].rows.size() == 3);
    CHECK(tables[0].rows[1][0].text == "31.12.2024");
    CHECK(tables[0].rows[1][1].text == "28,6");
    CHECK(tables[0].rows[2][0].text == "01.03.1900");  // past Excel's phantom 29 February 1900
    CHECK(tables[0].rows[2][1].text == "14");
    fs::remove_all(scratch);
}

TEST_CASE("import roadmap: a row without an item's text is listed, not lost; no roadmap table is said", "[import]") {
    std::string body = "<w:tbl><w:tr>" + cell_xml("№ п/п") + cell_xml("Мероприятие (содержание деятельности)") +
                       cell_xml("Срок (сроки) исполнения") + cell_xml("Ответственные (исполнители)") +
                       cell_xml("Ожидаемый результат / показатель") + "</w:tr><w:tr>" + cell_xml("1") +
                       cell_xml("Семинар") + cell_xml("Март 2025") + cell_xml("Отдел") + cell_xml("Протокол") +
                       "</w:tr><w:tr>" + cell_xml("2") + cell_xml("") + cell_xml("Апрель 2025") + cell_xml("ЦНППМ") +
                       cell_xml("") + "</w:tr></w:tbl>";
    std::string document = "<w:document xmlns:w=\"w\"><w:body>" + body + "</w:body></w:document>";
    auto imported = shnor::import::import_roadmap(shnor::import::tables_of_document_xml(document));
    CHECK(imported.items == 1);
    REQUIRE(imported.unplaced.size() == 1);
    CHECK_THAT(imported.unplaced[0], Catch::Contains("строка 3") && Catch::Contains("Апрель 2025"));
    YAML::Node roadmap = YAML::Load(imported.yaml);
    CHECK(roadmap["items"][0]["when"].as<std::string>() == "Март 2025");  // one section without a title: flat

    std::string no_roadmap = "<w:document xmlns:w=\"w\"><w:body><w:tbl><w:tr>" + cell_xml("Школа") +
                             cell_xml("Причина") + "</w:tr></w:tbl></w:body></w:document>";
    CHECK_THROWS_AS(shnor::import::import_roadmap(shnor::import::tables_of_document_xml(no_roadmap)),
                    shnor::import::ImportError);
}

TEST_CASE("import roadmap: a CSV saved by a Russian Excel (Windows-1251, semicolons) reads the same", "[import]") {
    // «Мероприятие;Срок» … in Windows-1251, as «CSV (разделители — запятые)» writes it.
    std::string csv = "\xb9 \xef/\xef;\xcc\xe5\xf0\xee\xef\xf0\xe8\xff\xf2\xe8\xe5;\xd1\xf0\xee\xea\r\n"
                      "1;\"\xd1\xe5\xec\xe8\xed\xe0\xf0;\r\n\xef\xf0\xee\xf2\xee\xea\xee\xeb\";\xec\xe0\xf0\xf2\r\n";
    auto imported = shnor::import::import_roadmap(shnor::import::tables_of_csv(csv));
    REQUIRE(imported.items == 1);
    YAML::Node item = YAML::Load(imported.yaml)["items"][0];
    CHECK(item["n"].as<std::string>() == "1");
    CHECK(item["title"].as<std::string>() == "Семинар;\nпротокол\n");  // a `|` block
    CHECK(item["when"].as<std::string>() == "март");
}

TEST_CASE("import indicators: seed 002's table of indicators, its one value column the target of --year", "[import]") {
    std::vector<std::string> header;
    auto rows = seed_table(header, kSeeds / "002_68d0257997a98232.txt", "№ п/п\tИндикаторы\t");
    REQUIRE(header.size() == 3);
    REQUIRE(rows.size() == 9);
    std::string body = "<w:tbl><w:tr>";
    for (const auto& cell : header) body += cell_xml(cell);
    body += "</w:tr>";
    for (const auto& row : rows) {
        body += "<w:tr>";
        for (const auto& cell : row.cells) body += cell_xml(cell);
        body += "</w:tr>";
    }
    body += "</w:tbl>";
    fs::path scratch = scratch_folder("indicators");
    fs::path docx = scratch / "indikatory.docx";
    write_docx(docx, body);

    auto imported = shnor::import::import_indicators(shnor::import::read_tables(docx), 2021);
    CHECK(imported.rows == 9);
    CHECK(imported.unplaced.empty());
    REQUIRE(imported.files.size() == 1);
    CHECK(imported.files[0].path == "indicators.yaml");
    YAML::Node indicators = YAML::Load(imported.files[0].text);
    REQUIRE(indicators.size() == 9);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("indicator " << rows[i].cells[0]);
        CHECK(indicators[i]["title"].as<std::string>() == rows[i].cells[1]);
        CHECK(indicators[i]["unit"].as<std::string>() == "%");
        CHECK(indicators[i]["target"]["year"].as<int>() == 2021);
        std::string printed = rows[i].cells[2];  // «75 %»
        CHECK(indicators[i]["target"]["value"].as<double>() == std::stod(printed.substr(0, printed.find(' '))));
        CHECK_FALSE(indicators[i]["values"]);  // planned, never published as actual
        CHECK_THAT(indicators[i]["better"].as<std::string>(), Catch::StartsWith("Впишите:"));
    }
    // Without --year the values are listed, not placed; nothing is invented.
    auto without_year = shnor::import::import_indicators(shnor::import::read_tables(docx), 0);
    CHECK(without_year.unplaced.size() == 9);
    CHECK_FALSE(YAML::Load(without_year.files[0].text)[0]["target"]);

    // Through the command: the build stops at `better`, by file and line, until it is filled in.
    fs::path content = scratch / "rayon";
    REQUIRE(run_shnor("new site " + shell_quoted(content), scratch).exit_code == 0);
    fs::remove(content / "indicators.yaml");
    auto command = run_shnor("import indicators " + shell_quoted(docx) + " --year 2021 --content " +
                                 shell_quoted(content), scratch);
    INFO(command.output);
    REQUIRE(command.exit_code == 0);
    auto check = run_shnor("check --date 2021-06-01 --content " + shell_quoted(content), scratch);
    INFO(check.output);
    CHECK(check.exit_code != 0);
    CHECK_THAT(check.output, Catch::Contains("indicators.yaml:") && Catch::Contains("better"));
    fs::remove_all(scratch);
}

TEST_CASE("import results: the example school's results back from a CSV with Russian headers and decimal commas", "[import]") {
    fs::path example = fs::path(SHNOR_SOURCE_DIR) / "content" / "schools" / "karmaklinskaya" / "results.yaml";
    YAML::Node original = YAML::LoadFile(example.string());
    REQUIRE(original.size() >= 3);
    auto comma = [](std::string text) {
        for (char& c : text)
            if (c == '.') c = ',';
        return text;
    };
    std::string csv = "Процедура;Предмет;Класс;Год;Количество участников;Средний балл;Доля «2», %;Качество, %\n";
    for (const auto& row : original)
        csv += row["exam"].as<std::string>() + ";" + row["subject"].as<std::string>() + ";" +
               row["grade"].as<std::string>() + ";" + row["year"].as<std::string>() + ";" +
               row["participants"].as<std::string>() + ";" + comma(row["mean"].as<std::string>()) + ";" +
               comma(row["fail_share"].as<std::string>()) + ";" + comma(row["quality_share"].as<std::string>()) + "\n";
    auto imported = shnor::import::import_results(shnor::import::tables_of_csv(csv), "karmaklinskaya");
    CHECK(imported.unplaced.empty());
    CHECK(imported.rows == static_cast<int>(original.size()));
    REQUIRE(imported.files.size() == 1);
    CHECK(imported.files[0].path == "schools/karmaklinskaya/results.yaml");
    YAML::Node back = YAML::Load(imported.files[0].text);
    REQUIRE(back.size() == original.size());
    for (std::size_t i = 0; i < original.size(); ++i) {
        INFO("row " << i);
        for (const char* field : {"exam", "subject"})
            CHECK(back[i][field].as<std::string>() == original[i][field].as<std::string>());
        for (const char* field : {"grade", "year", "participants", "scale"})
            CHECK(back[i][field].as<int>() == original[i][field].as<int>());
        for (const char* field : {"mean", "fail_share", "quality_share"})
            CHECK(back[i][field].as<double>() == original[i][field].as<double>());
    }
    std::string no_year = "Предмет;Средний балл\nМатематика;3,1\n";
    CHECK_THROWS_AS(shnor::import::import_results(shnor::import::tables_of_csv(no_year), "x"),
                    shnor::import::ImportError);
}

TEST_CASE("import schools: seed 004's three schools of the regional list as school folders that build", "[import]") {
    const std::string basis = "Приказ Департамента образования Орловской области от 30 января 2024 года № 116";
    std::vector<XlsxRow> sheet{text_row({"№ п/п", "Наименование общеобразовательной организации", "Причины включения"})};
    const std::vector<std::string> names = {"МБОУ КР ОО «Гуторовская средняя общеобразовательная школа»",
                                            "МБОУ КР ОО «Глинская средняя общеобразовательная школа»",
                                            "МБОУ КР ОО «Кутафинская средняя общеобразовательная школа»"};
    const std::string reasons = "Низкие результаты ОГЭ по математике\nНизкие результаты ВПР";
    for (std::size_t i = 0; i < names.size(); ++i)
        sheet.push_back({{std::to_string(i + 1), true}, {names[i]}, {i == 0 ? reasons : ""}});
    fs::path scratch = scratch_folder("schools");
    fs::path xlsx = scratch / "perechen.xlsx";
    write_xlsx(xlsx, sheet, {});

    shnor::import::SchoolListOptions options;
    options.year = 2024;
    options.basis = basis;
    auto imported = shnor::import::import_schools(shnor::import::read_tables(xlsx), options);
    REQUIRE(imported.files.size() == 3);
    CHECK(imported.files[0].path == "schools/gutorovskaya-sosh/school.yaml");
    CHECK(imported.files[2].path == "schools/kutafinskaya-sosh/school.yaml");
    YAML::Node first = YAML::Load(imported.files[0].text);
    CHECK(first["name"].as<std::string>() == names[0]);
    CHECK(first["categories"][0]["type"].as<std::string>() == "shnor");
    CHECK(first["categories"][0]["year"].as<int>() == 2024);
    CHECK(first["categories"][0]["basis"].as<std::string>() == basis);
    REQUIRE(first["categories"][0]["reasons"].size() == 2);
    CHECK(first["categories"][0]["reasons"][1].as<std::string>() == "Низкие результаты ВПР");
    // A reason the table does not give is asked for, never made up.
    CHECK_THAT(YAML::Load(imported.files[1].text)["categories"][0]["reasons"][0].as<std::string>(),
               Catch::StartsWith("Впишите:"));

    fs::path content = scratch / "rayon";
    REQUIRE(run_shnor("new site " + shell_quoted(content), scratch).exit_code == 0);
    auto command = run_shnor("import schools " + shell_quoted(xlsx) + " --year 2024 --basis " + shell_quoted(basis) +
                                 " --content " + shell_quoted(content), scratch);
    INFO(command.output);
    REQUIRE(command.exit_code == 0);
    CHECK(fs::exists(content / "schools/glinskaya-sosh/school.yaml"));
    auto built = run_shnor("build --content " + shell_quoted(content) + " --out " + shell_quoted(scratch / "site") +
                               " --date 2024-11-01", scratch);
    INFO(built.output);
    CHECK(built.exit_code == 0);
    CHECK(fs::exists(scratch / "site/schools/kutafinskaya-sosh/index.html"));
    fs::remove_all(scratch);
}

TEST_CASE("import: files it cannot read are a message and exit 2, nothing written", "[import]") {
    fs::path scratch = scratch_folder("refused");
    std::ofstream(scratch / "old.xls") << "not a BIFF book";
    std::ofstream(scratch / "broken.docx") << "not a zip";
    std::ofstream(scratch / "notes.odt") << "x";
    fs::path content = scratch / "rayon";
    REQUIRE(run_shnor("new site " + shell_quoted(content), scratch).exit_code == 0);
    for (const char* file : {"old.xls", "broken.docx", "notes.odt"}) {
        auto command = run_shnor("import roadmap " + shell_quoted(scratch / file) + " --id x --content " +
                                     shell_quoted(content), scratch);
        INFO(file << ": " << command.output);
        CHECK(command.exit_code == 2);
        CHECK_THAT(command.output, Catch::Contains(file));
        CHECK_FALSE(fs::exists(content / "roadmaps/x.yaml"));
    }
    auto results = run_shnor("import results " + shell_quoted(scratch / "old.xls") + " --content " +
                                 shell_quoted(content), scratch);
    CHECK(results.exit_code == 2);  // --school is required
    fs::remove_all(scratch);
}

TEST_CASE("import indicators: year columns — baseline, the last plan year the target, plans between listed, facts published", "[import]") {
    std::string csv = "Наименование показателя;Ед. изм.;Базовое значение (2024 г.);2025 г.;2026 г.;Факт 2025\n"
                      "Доля ШНОР в числе школ района;%;39,1;30,4;17,4;28\n";
    auto imported = shnor::import::import_indicators(shnor::import::tables_of_csv(csv), 0);
    YAML::Node indicator = YAML::Load(imported.files[0].text)[0];
    CHECK(indicator["unit"].as<std::string>() == "%");
    CHECK(indicator["baseline"]["year"].as<int>() == 2024);
    CHECK(indicator["baseline"]["value"].as<double>() == 39.1);
    CHECK(indicator["target"]["year"].as<int>() == 2026);
    CHECK(indicator["target"]["value"].as<double>() == 17.4);
    REQUIRE(indicator["values"].size() == 1);
    CHECK(indicator["values"][0]["year"].as<int>() == 2025);
    CHECK(indicator["values"][0]["value"].as<double>() == 28);
    REQUIRE(imported.unplaced.size() == 1);  // the 2025 plan is not a fact
    CHECK_THAT(imported.unplaced[0], Catch::Contains("2025 г.") && Catch::Contains("30,4"));
}
