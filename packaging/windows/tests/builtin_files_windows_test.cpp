// The embedded layouts and assets extracted on Windows
// (pipeline/builtin_files.cpp): into a cache folder under a Cyrillic name,
// the embedded bytes exactly (no "\r\n"), the fixed old mtime, used again as
// they are, and written afresh when one was altered. Windows-only (wine);
// tests/builtin_files_test.cpp is the Linux one.
#include "pipeline/builtin_files.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using shnor::pipeline::builtin_folders;
using shnor::pipeline::embedded_files;
using shnor::test::read_file;
using shnor::test::write_file;

namespace {

struct Scratch {
    fs::path path = fs::temp_directory_path() / u8"shnor-встроенные" / u8"кэш";
    Scratch() { fs::remove_all(path.parent_path()); }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path.parent_path(), ignored);
    }
};

}  // namespace

TEST_CASE("built-in files on Windows: extracted byte for byte, used again, replaced when altered", "[builtin]") {
    Scratch scratch;
    auto folders = builtin_folders(scratch.path);
    const fs::path folder = folders.layouts.parent_path();
    CHECK(folder.parent_path() == scratch.path);
    REQUIRE(!embedded_files().empty());
    for (const auto& file : embedded_files()) {
        INFO(file.path);
        CHECK(read_file(folder / file.path) == file.bytes());
    }
    // 2000-01-01 00:00:00 UTC, as on Linux.
    auto written = fs::last_write_time(folder / embedded_files()[0].path);
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::file_clock::to_sys(written).time_since_epoch()).count();
    CHECK(seconds == 946684800);

    CHECK(builtin_folders(scratch.path).layouts == folders.layouts);
    CHECK(std::distance(fs::directory_iterator(scratch.path), fs::directory_iterator()) == 1);

    const fs::path altered = folder / embedded_files()[0].path;
    write_file(altered, "altered");
    auto again = builtin_folders(scratch.path);
    CHECK(again.layouts == folders.layouts);
    CHECK(read_file(altered) == embedded_files()[0].bytes());
    CHECK(std::distance(fs::directory_iterator(scratch.path), fs::directory_iterator()) == 1);
}
