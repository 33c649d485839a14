// shnor import roadmap: a .docx made here from a seed's own roadmap table
// (seed 001, the Barabinsk order's plan), read back into content YAML with
// every cell's text as printed.
#include "import/roadmap.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>
#include <zip.h>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::shell_quoted;

namespace {

const fs::path kSeed = fs::path(SHNOR_SOURCE_DIR) / ".." / "shared" / "seeds" / "001_34dcd750ff2740a7.txt";

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
std::vector<SeedRow> seed_table(std::vector<std::string>& header) {
    std::istringstream text(read_file(kSeed));
    std::vector<SeedRow> rows;
    bool inside = false;
    static const std::regex section(R"(^\d+\.\s*\S.*)");
    for (std::string line; std::getline(text, line);) {
        if (!inside) {
            if (line.starts_with("№п/п\t")) {
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

void write_docx(const fs::path& file, const std::string& body) {
    std::string document = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                           "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                           "<w:body><w:p><w:r><w:t>План мероприятий</w:t></w:r></w:p>" +
                           body + "</w:body></w:document>";
    int error = 0;
    zip_t* archive = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    REQUIRE(archive != nullptr);
    static std::vector<std::string> keep;  // zip_source_buffer reads the bytes at zip_close
    keep.push_back(document);
    zip_source_t* source = zip_source_buffer(archive, keep.back().data(), keep.back().size(), 0);
    REQUIRE(zip_file_add(archive, "word/document.xml", source, ZIP_FL_OVERWRITE) >= 0);
    REQUIRE(zip_close(archive) == 0);
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

TEST_CASE("import roadmap: a seed's table from .docx keeps every row, section and printed text", "[import]") {
    std::vector<std::string> header;
    auto rows = seed_table(header);
    REQUIRE(header.size() == 5);
    std::size_t sections = 0, items = 0;
    for (const auto& row : rows) (row.section ? sections : items)++;
    REQUIRE(sections >= 4);
    REQUIRE(items >= 40);

    fs::path scratch = fs::temp_directory_path() / ("shnor-import-" + std::to_string(::getpid()));
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    fs::path docx = scratch / "Дорожная карта 2024.docx";
    write_docx(docx, seed_tbl(header, rows));

    auto imported = shnor::import::import_roadmap(shnor::import::read_docx_tables(docx));
    CHECK(imported.sections == static_cast<int>(sections));
    CHECK(imported.items == static_cast<int>(items));
    CHECK(imported.unplaced.empty());

    YAML::Node roadmap = YAML::Load(imported.yaml);
    REQUIRE(roadmap["sections"].size() == sections);
    // Every item in order, its cells exactly as printed (line breaks kept);
    // the merged «Ответственные» of item 2 is item 1's.
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

    // Through the command: the file written into a new district, which builds.
    fs::path content = scratch / "rayon";
    auto run = [&](const std::string& arguments) {
        return shnor::test::run_command(shell_quoted(SHNOR_BINARY) + " " + arguments, scratch / "log.txt");
    };
    REQUIRE(run("new site " + shell_quoted(content)).exit_code == 0);
    auto command = run("import roadmap " + shell_quoted(docx) + " --content " + shell_quoted(content));
    INFO(command.output);
    REQUIRE(command.exit_code == 0);
    CHECK_THAT(command.output, Catch::Contains("мероприятий " + std::to_string(items)));
    CHECK(fs::exists(content / "roadmaps/dorozhnaya-karta-2024.yaml"));
    auto built = run("build --content " + shell_quoted(content) + " --out " + shell_quoted(scratch / "site") +
                     " --date 2024-11-01");
    INFO(built.output);
    CHECK(built.exit_code == 0);
    // Never over an existing file.
    CHECK(run("import roadmap " + shell_quoted(docx) + " --content " + shell_quoted(content)).exit_code == 2);
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
