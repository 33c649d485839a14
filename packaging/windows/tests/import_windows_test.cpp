// shnor import's readers on Windows (docs/windows.md): .docx and .xlsx
// through the statically linked libzip, .xls through freexl and the iconv of
// packaging/windows/iconv/, every file under a Cyrillic name. Windows-only
// (run under wine); tests/import_test.cpp is the whole behaviour, and runs
// here once shnor.exe links.
#include "import/table.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <iconv.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::import::Table;

namespace {

struct Scratch {
    fs::path path = fs::temp_directory_path() / u8"shnor-импорт";
    Scratch() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

std::vector<std::vector<std::string>> texts_of(const Table& table) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : table.rows) {
        auto& texts = rows.emplace_back();
        for (const auto& cell : row) texts.push_back(cell.text);
    }
    return rows;
}

std::string converted(const char* to, const char* from, std::string in, std::size_t room, int* error) {
    iconv_t cd = iconv_open(to, from);
    REQUIRE(cd != (iconv_t)-1);
    std::string out(room, '\0');
    char* in_at = in.data();
    char* out_at = out.data();
    std::size_t in_left = in.size(), out_left = out.size();
    errno = 0;
    *error = iconv(cd, &in_at, &in_left, &out_at, &out_left) == (std::size_t)-1 ? errno : 0;
    iconv_close(cd);
    out.resize(out.size() - out_left);
    return out;
}

}  // namespace

TEST_CASE("import on Windows: a .docx under a Cyrillic name, its Cyrillic cells as written", "[import]") {
    Scratch scratch;
    const fs::path docx = scratch.path / u8"Дорожная карта 2024.docx";
    shnor::test::write_docx(docx, "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>№ п/п</w:t></w:r></w:p></w:tc>"
                                  "<w:tc><w:p><w:r><w:t>Мероприятие</w:t></w:r></w:p></w:tc></w:tr>"
                                  "<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>"
                                  "<w:tc><w:p><w:r><w:t>Педсовет «Итоги года»</w:t></w:r></w:p></w:tc></w:tr></w:tbl>");
    auto tables = shnor::import::read_docx_tables(docx);
    REQUIRE(tables.size() == 1);
    CHECK(texts_of(tables[0]) ==
          std::vector<std::vector<std::string>>{{"№ п/п", "Мероприятие"}, {"1", "Педсовет «Итоги года»"}});
}

TEST_CASE("import on Windows: an .xlsx under a Cyrillic name", "[import]") {
    Scratch scratch;
    const fs::path xlsx = scratch.path / u8"Показатели.xlsx";
    const std::string ns = " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
    shnor::test::write_zip(
        xlsx, {{"xl/workbook.xml",
                "<workbook" + ns + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                "<sheets><sheet name=\"Лист1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
               {"xl/_rels/workbook.xml.rels",
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"},
               {"xl/sharedStrings.xml", "<sst" + ns + "><si><t>Доля «2»</t></si></sst>"},
               {"xl/worksheets/sheet1.xml", "<worksheet" + ns + "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v>"
                                            "</c><c r=\"B1\"><v>12.5</v></c></row></sheetData></worksheet>"}});
    auto tables = shnor::import::read_xlsx_tables(xlsx);
    REQUIRE(tables.size() == 1);
    CHECK(texts_of(tables[0]) == std::vector<std::vector<std::string>>{{"Доля «2»", "12,5"}});
}

TEST_CASE("import on Windows: .xls books (BIFF5 in a code page, BIFF8 in UTF-16) under a Cyrillic name", "[import]") {
    Scratch scratch;
    // freexl's own test books (build-deps.sh fetched its source).
    const fs::path books = SHNOR_FREEXL_TESTDATA;
    for (const auto& [book, first] : {std::pair{"oocalc_simple95.xls", "Col 1"}, {"simple2003.xls", "Column 1"}}) {
        const fs::path xls = scratch.path / u8"старая книга.xls";
        fs::copy_file(books / book, xls, fs::copy_options::overwrite_existing);
        auto tables = shnor::import::read_xls_tables(xls);
        INFO(book);
        REQUIRE(!tables.empty());
        REQUIRE(!tables[0].rows.empty());
        REQUIRE(!tables[0].rows[0].empty());
        CHECK(tables[0].rows[0][0].text == first);
    }
    CHECK_THROWS_WITH(shnor::import::read_xls_tables(scratch.path / u8"нет такой.xls"),
                      Catch::Contains("не читается как книга Excel 97–2003"));
}

TEST_CASE("the iconv of the Windows build: code pages to UTF-8 and back, errors as iconv reports them", "[import]") {
    int error = 0;
    CHECK(converted("UTF-8", "CP1251", "\xCF\xF0\xE8\xE2\xE5\xF2", 64, &error) == "Привет");
    CHECK(error == 0);
    CHECK(converted("UTF-8", "UTF-16LE", std::string("\x1F\x04\x40\x04", 4), 64, &error) == "Пр");
    CHECK(converted("WINDOWS-1251", "UTF-8", "Привет", 64, &error) == "\xCF\xF0\xE8\xE2\xE5\xF2");
    CHECK(converted("UTF-8", "CP1251", "\xCF\xF0\xE8\xE2\xE5\xF2", 4, &error).empty());
    CHECK(error == E2BIG);
    CHECK(converted("CP1251", "UTF-8", "中", 64, &error).empty());  // no such letter in 1251
    CHECK(error == EILSEQ);
    CHECK(iconv_open("UTF-8", "KOI8-NONSENSE") == (iconv_t)-1);
}
