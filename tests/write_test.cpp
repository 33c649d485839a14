#include "write/atomic_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct TempFolder {
    fs::path path;
    explicit TempFolder(const std::string& name)
        : path(fs::temp_directory_path() / ("shnor-write-test-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempFolder() { fs::remove_all(path); }
};

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("replace_file writes its parts as one file, in slices, and replaces the old one whole", "[write]") {
    TempFolder folder("replace-file");
    fs::path file = folder.path / "builds" / "record";
    // Over 1 MB in one part, so it goes out in more than one write().
    std::string big(3 * (1 << 20) + 12345, 'x');
    for (std::size_t at = 0; at < big.size(); at += 4093) big[at] = static_cast<char>('a' + at % 26);
    REQUIRE(shnor::write::replace_file(file, {"head\n", big, "", "tail"}));
    CHECK(read(file) == "head\n" + big + "tail");

    REQUIRE(shnor::write::replace_file(file, {"short"}));
    CHECK(read(file) == "short");
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(file.parent_path())) names.push_back(entry.path().filename().string());
    CHECK(names == std::vector<std::string>{"record"});  // no temporary left beside it
}

TEST_CASE("replace_file fails without a trace where no file can be made, and keeps the old one", "[write]") {
    TempFolder folder("replace-file-fails");
    fs::path blocker = folder.path / "not-a-folder";
    { std::ofstream(blocker) << "a file where a folder should be"; }
    CHECK_FALSE(shnor::write::replace_file(blocker / "record", {"bytes"}));
    CHECK(read(blocker) == "a file where a folder should be");

    fs::path taken = folder.path / "taken";
    fs::create_directories(taken / "inside");  // a non-empty folder cannot be renamed over
    CHECK_FALSE(shnor::write::replace_file(taken, {"bytes"}));
    CHECK(fs::is_directory(taken / "inside"));
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder.path)) ++entries;
    CHECK(entries == 2);  // not-a-folder and taken: no temporary left
}
