// What write/files_windows.hpp promises on Windows (issue 19), run under wine
// by packaging/windows/CMakeLists.txt: binary bytes, Cyrillic names, renames
// that wait for another program's handle, mapped reads. The Linux behaviour
// of the same functions is tested by tests/write_test.cpp and its peers.
#include "fetch/cache.hpp"
#include "platform/utf8_path.hpp"
#include "write/atomic_file.hpp"
#include "write/files_windows.hpp"
#include "write/mapped_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <io.h>
#include <unistd.h>
#include <windows.h>

namespace fs = std::filesystem;
using shnor::platform::path_from_utf8;

namespace {

struct TempFolder {
    fs::path path;
    explicit TempFolder(const std::string& name)
        : path(fs::temp_directory_path() / path_from_utf8("shnor-запись-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempFolder() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> names_in(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Another program's handle that does not share deletion (an editor, a scan):
// a rename over the file fails while it is open.
HANDLE hold_without_sharing_delete(const fs::path& path) {
    return ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
                         nullptr);
}

}  // namespace

TEST_CASE("windows: replace_file writes binary bytes under a Cyrillic name and leaves no temporary", "[write]") {
    TempFolder folder("binary");
    fs::path file = folder.path / path_from_utf8("сборки") / path_from_utf8("запись.record");
    REQUIRE(shnor::write::replace_file(file, {"строка\n", "вторая\r\n", "\n"}));
    CHECK(read(file) == "строка\nвторая\r\n\n");
    REQUIRE(shnor::write::replace_file(file, {"ещё\n"}));
    CHECK(read(file) == "ещё\n");
    CHECK(names_in(file.parent_path()) == std::vector<std::string>{"запись.record"});
}

TEST_CASE("windows: a rename waits for another program to let go of the file", "[write]") {
    TempFolder folder("held");
    fs::path file = folder.path / "record";
    REQUIRE(shnor::write::replace_file(file, {"old"}));

    HANDLE held = hold_without_sharing_delete(file);
    REQUIRE(held != INVALID_HANDLE_VALUE);
    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ::CloseHandle(held);
    });
    bool replaced = shnor::write::replace_file(file, {"new"});
    releaser.join();
    CHECK(replaced);
    CHECK(read(file) == "new");

    // Held for good: refused after the retries, the old bytes kept, no temporary left.
    held = hold_without_sharing_delete(file);
    REQUIRE(held != INVALID_HANDLE_VALUE);
    auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(shnor::write::replace_file(file, {"newer"}));
    auto waited = std::chrono::steady_clock::now() - start;
    ::CloseHandle(held);
    CHECK(waited >= std::chrono::milliseconds(500));
    CHECK(waited < std::chrono::seconds(5));
    CHECK(read(file) == "new");
    CHECK(names_in(folder.path) == std::vector<std::string>{"record"});
}

TEST_CASE("windows: shnor's own open files do not block a rename or a removal", "[write]") {
    TempFolder folder("shared");
    fs::path file = folder.path / "peers";
    REQUIRE(shnor::write::replace_file(file, {"first"}));
    int reader = shnor::write::windows::open_for_reading(file);
    REQUIRE(reader >= 0);
    CHECK(shnor::write::windows::move_file(file, folder.path / "moved"));
    ::close(reader);

    int writer = shnor::write::windows::create_new_file(folder.path / "new");
    REQUIRE(writer >= 0);
    CHECK(::write(writer, "a\nb", 3) == 3);
    CHECK(shnor::write::windows::flush_to_disk(writer));
    CHECK(fs::remove(folder.path / "new"));  // removable while open (FILE_SHARE_DELETE)
    ::close(writer);
    CHECK(names_in(folder.path) == std::vector<std::string>{"moved"});
}

TEST_CASE("windows: new files are exclusive; a stale temporary is replaced, never written through", "[write]") {
    TempFolder folder("exclusive");
    fs::path file = folder.path / "name";
    { std::ofstream(file, std::ios::binary) << "there"; }
    CHECK(shnor::write::windows::create_new_file(file) == -1);
    CHECK(errno == EEXIST);
    int fd = shnor::write::windows::create_temporary_file(file);
    REQUIRE(fd >= 0);
    CHECK(::write(fd, "fresh", 5) == 5);
    ::close(fd);
    CHECK(read(file) == "fresh");

    fs::path other = folder.path / "other";
    { std::ofstream(other, std::ios::binary) << "other"; }
    CHECK_FALSE(shnor::write::windows::move_file(file, other, shnor::write::windows::Existing::keep));
    CHECK(errno == EEXIST);
    CHECK(read(other) == "other");
    fs::create_directories(folder.path / "folder" / "inside");
    CHECK_FALSE(shnor::write::windows::move_file(file, folder.path / "folder"));
    CHECK(errno == EISDIR);
}

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

TEST_CASE("windows: the fetch cache stores and loads an entry under a Cyrillic folder", "[write]") {
    TempFolder folder("cache");
    shnor::fetch::Cache cache(folder.path / path_from_utf8("кэш"));
    shnor::fetch::CacheEntry entry;
    entry.url = "https://example.org/данные.csv";
    entry.etag = "\"v1\"";
    entry.fetched_at = shnor::fetch::Clock::time_point(std::chrono::seconds(1'765'000'000));
    entry.body = "школа;ученики\r\n1;300\n";
    cache.store(entry);
    std::string problem;
    auto loaded = cache.load(entry.url, &problem);
    REQUIRE(loaded);
    CHECK(problem.empty());
    CHECK(loaded->body == entry.body);
    CHECK(loaded->etag == entry.etag);
    CHECK(loaded->fetched_at == entry.fetched_at);
    CHECK(read(cache.meta_path(entry.url)).find("\"fetched_at\": \"2025-12-06T05:46:40Z\"") != std::string::npos);
    CHECK(read(cache.meta_path(entry.url)).find('\r') == std::string::npos);

    entry.body = "новое";
    cache.store(entry);  // over the old files
    CHECK(cache.load(entry.url)->body == "новое");
    CHECK(names_in(folder.path / path_from_utf8("кэш")).size() == 2);  // body and metadata, no temporary
}
