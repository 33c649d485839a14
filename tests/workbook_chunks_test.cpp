// A workbook made again from a changed CSV takes the unchanged chunks of the
// earlier one as they are, and its bytes are still those of a workbook made
// afresh; the chunks' list in the cache is used only when it reads whole.
#include "pipeline/open_data_xlsx.hpp"
#include "pipeline/workbook_chunks.hpp"
#include "test_support.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace shnor;

namespace {

struct Scratch {
    fs::path path = fs::temp_directory_path() / ("shnor-chunks-" + std::to_string(::getpid()));
    Scratch() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

const char* kHeader = "\xEF\xBB\xBF" "owner,id,kind,title,number,date,issuer,href,file_type,file_size,based_on,signed_by,example\r\n";

// `records` documents, the one numbered `changed` with another title.
std::string csv_of(std::size_t records, std::size_t changed = static_cast<std::size_t>(-1)) {
    std::string csv = kHeader;
    for (std::size_t n = 0; n < records; ++n) {
        std::string number = std::to_string(n);
        csv.append("s").append(std::to_string(n % 7)).append(",doc-").append(number).append(",order,\"Приказ ");
        csv.append(n == changed ? std::string("изменён") : number).append("\",").append(number);
        csv.append(",2024-04-03,Управление,files/a.pdf,PDF,20480,,Иванов И. И.,false\r\n");
    }
    return csv;
}

struct Made {
    std::string bytes;
    std::vector<render::XlsxChunk> chunks;
    std::size_t reused = 0;
};

Made made(const Scratch& scratch, const std::string& csv, const pipeline::EarlierWorkbook* earlier = nullptr) {
    auto sheet = view::spreadsheet_of("data/documents.csv");
    REQUIRE(sheet);
    pipeline::WorkbookFromCsv workbook(*sheet, scratch.path / ".scratch", {2024, 11, 1}, earlier);
    for (std::size_t at = 0; at < csv.size(); at += 4096) workbook.append(std::string_view(csv).substr(at, 4096));
    Made result;
    result.bytes = workbook.finish();
    result.chunks = workbook.chunks();
    result.reused = workbook.reused();
    return result;
}

}  // namespace

TEST_CASE("a workbook made with an earlier one's chunks is the workbook made afresh", "[xlsx]") {
    Scratch scratch;
    const std::size_t records = 3 * pipeline::kChunkRecords + 10;  // four chunks
    Made before = made(scratch, csv_of(records));
    REQUIRE(before.chunks.size() == 4);
    pipeline::EarlierWorkbook earlier{before.bytes, before.chunks};

    // One record changed: its chunk is made again, the three others are taken.
    std::string changed = csv_of(records, pipeline::kChunkRecords + 5);
    Made again = made(scratch, changed, &earlier);
    Made fresh = made(scratch, changed);
    CHECK(again.reused == 3);
    CHECK(again.bytes == fresh.bytes);
    CHECK(again.chunks == fresh.chunks);
    CHECK(again.bytes != before.bytes);

    // A record more at the start moves every row: nothing is taken.
    std::string moved = csv_of(records);
    moved.insert(std::string(kHeader).size(), "district,first,order,Новый,1,2024-01-01,,,,,,,false\r\n");
    Made shifted = made(scratch, moved, &earlier);
    CHECK(shifted.reused == 0);
    CHECK(shifted.bytes == made(scratch, moved).bytes);

    // The same CSV again: every chunk taken, the same bytes.
    Made same = made(scratch, csv_of(records), &earlier);
    CHECK(same.reused == 4);
    CHECK(same.bytes == before.bytes);

    // The workbook is a ZIP that the system's unzip reads and checks.
    test::write_file(scratch.path / "again.xlsx", again.bytes);
    auto result = test::run_command("unzip -tq " + test::shell_quoted(scratch.path / "again.xlsx"),
                                    scratch.path / "unzip.txt");
    CHECK(result.exit_code == 0);
    result = test::run_command("unzip -p " + test::shell_quoted(scratch.path / "again.xlsx") +
                                   " xl/worksheets/sheet1.xml | grep -c 'Приказ изменён'",
                               scratch.path / "grep.txt");
    CHECK(result.output.starts_with("1"));
}

TEST_CASE("a workbook's chunk list is kept per path and read only whole", "[xlsx]") {
    Scratch scratch;
    Made before = made(scratch, csv_of(pipeline::kChunkRecords + 1));
    fs::path folder = scratch.path / "workbooks";
    write::ContentHash hash = write::hash_of(before.bytes);
    pipeline::write_workbook_chunks(folder, "data/documents.xlsx", hash, before.chunks);
    auto read = pipeline::read_workbook_chunks(folder, "data/documents.xlsx", hash);
    REQUIRE(read);
    CHECK(*read == before.chunks);
    CHECK_FALSE(pipeline::read_workbook_chunks(folder, "data/results.xlsx", hash));
    CHECK_FALSE(pipeline::read_workbook_chunks(folder, "data/documents.xlsx", write::hash_of("other")));

    // A newer list of the same path replaces it.
    Made after = made(scratch, csv_of(pipeline::kChunkRecords + 2));
    write::ContentHash later = write::hash_of(after.bytes);
    pipeline::write_workbook_chunks(folder, "data/documents.xlsx", later, after.chunks);
    CHECK_FALSE(pipeline::read_workbook_chunks(folder, "data/documents.xlsx", hash));
    REQUIRE(pipeline::read_workbook_chunks(folder, "data/documents.xlsx", later));

    // One byte changed or the file cut short: no list.
    fs::path file;
    for (const auto& entry : fs::directory_iterator(folder)) file = entry.path();
    std::string text = test::read_file(file);
    std::string garbled = text;
    garbled[garbled.find('\n') + 3] ^= 1;
    test::write_file(file, garbled);
    CHECK_FALSE(pipeline::read_workbook_chunks(folder, "data/documents.xlsx", later));
    test::write_file(file, text.substr(0, text.size() - 5));
    CHECK_FALSE(pipeline::read_workbook_chunks(folder, "data/documents.xlsx", later));
    test::write_file(file, text);
    CHECK(pipeline::read_workbook_chunks(folder, "data/documents.xlsx", later));
}
