// Mapped reads on Windows (write/mapped_file.cpp through write/files_windows.hpp),
// run under wine by packaging/windows/CMakeLists.txt.
#include "platform/utf8_path.hpp"
#include "write/atomic_file.hpp"
#include "write/files_windows.hpp"
#include "write/mapped_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <unistd.h>

namespace fs = std::filesystem;
using shnor::platform::path_from_utf8;

namespace {

struct TempFolder {
    fs::path path;
    explicit TempFolder(const std::string& name)
        : path(fs::temp_directory_path() / path_from_utf8("shnor-отображение-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempFolder() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

}  // namespace

TEST_CASE("windows: MappedFile reads a file's bytes; empty, missing and folders as on Linux", "[write]") {
    TempFolder folder("mapped");
    fs::path file = folder.path / path_from_utf8("данные.bin");
    std::string bytes(3 * 65536 + 17, '\0');
    for (std::size_t at = 0; at < bytes.size(); ++at) bytes[at] = static_cast<char>(at * 7 % 251);
    REQUIRE(shnor::write::replace_file(file, {bytes}));
    {
        auto mapped = shnor::write::MappedFile::open(file);
        REQUIRE(mapped);
        CHECK(mapped->bytes() == bytes);
        auto moved = std::move(*mapped);
        CHECK(moved.bytes() == bytes);
        // Mapped and open: the file can still be renamed (shared for deletion).
        CHECK(shnor::write::windows::move_file(file, folder.path / "renamed"));
        CHECK(moved.bytes() == bytes);
    }
    fs::path empty = folder.path / "empty";
    REQUIRE(shnor::write::replace_file(empty, {}));
    auto mapped_empty = shnor::write::MappedFile::open(empty);
    REQUIRE(mapped_empty);
    CHECK(mapped_empty->bytes().empty());
    CHECK_FALSE(shnor::write::MappedFile::open(folder.path / "missing"));
    CHECK_FALSE(shnor::write::MappedFile::open(folder.path));
}

