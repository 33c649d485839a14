// What write/files_windows.hpp promises on Windows (issue 19), run under wine
// by packaging/windows/CMakeLists.txt: binary bytes, Cyrillic names, renames
// that wait for another program's handle, the output folder's lock and
// state. Mapped reads are in mapped_file_windows_test.cpp. The Linux behaviour
// of the same functions is tested by tests/write_test.cpp and its peers.
#include "fetch/cache.hpp"
#include "platform/utf8_path.hpp"
#include "write/atomic_file.hpp"
#include "write/files_windows.hpp"
#include "write/output_folder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
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

TEST_CASE("windows: the output folder's lock keeps a second build out until the first lets go", "[write]") {
    TempFolder folder("lock");
    fs::path out = folder.path / path_from_utf8("сайт");
    shnor::write::FolderOptions options;
    options.lock_wait = std::chrono::milliseconds(200);
    {
        auto first = shnor::write::OutputFolder::open(out, options);
        CHECK_FALSE(first.exists());
        CHECK(first.spare_path().filename().string() == ".сайт.shnor-spare");
        fs::path lock = folder.path / path_from_utf8(".сайт.shnor-lock");
        CHECK(read(lock) == std::to_string(::getpid()) + "\n");
        try {
            shnor::write::OutputFolder::open(out, options);
            FAIL("a second lock was granted");
        } catch (const shnor::write::FolderRefused& refused) {
            CHECK(refused.busy());
            CHECK(std::string(refused.what()).find("(PID " + std::to_string(::getpid()) + ")") != std::string::npos);
        }
    }
    CHECK(names_in(folder.path) == std::vector<std::string>{});  // the lock file went with the lock
    auto again = shnor::write::OutputFolder::open(out, options);
    CHECK_FALSE(again.exists());
}

TEST_CASE("windows: the output folder's identity, marker, spare and altered files", "[write]") {
    TempFolder folder("state");
    fs::path out = folder.path / "site";
    fs::create_directories(out / path_from_utf8("школы"));
    { std::ofstream(out / "note.txt", std::ios::binary) << "the user's"; }
    shnor::write::FolderOptions options;
    CHECK_THROWS_AS(shnor::write::OutputFolder::open(out, options), shnor::write::FolderRefused);  // not shnor's

    REQUIRE(shnor::write::replace_file(out / std::string(shnor::write::kMarkerName), {shnor::write::kMarkerText}));
    fs::path page = out / path_from_utf8("школы") / path_from_utf8("первая.html");
    REQUIRE(shnor::write::replace_file(page, {"<p>1</p>"}));
    auto facts = shnor::write::windows::facts_of(page, false);
    REQUIRE(facts.plain_file());
    CHECK(facts.size == 8);
    auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(std::abs(facts.mtime_ns - now_ns) < 60'000'000'000LL);  // since 1970, not 1601
    CHECK(shnor::write::windows::attributes_of(page).mtime_ns == facts.mtime_ns);

    auto site = shnor::write::OutputFolder::open(out, options);
    CHECK(site.exists());
    CHECK(site.has_marker());
    CHECK(site.inode() == shnor::write::windows::facts_of(out, true).index);
    CHECK(site.spare_inode() == 0);
    std::string page_path = "школы/первая.html";
    std::vector<shnor::write::WrittenFile> written{{page_path, facts.size, facts.mtime_ns},
                                                  {"gone.html", 1, facts.mtime_ns}};
    CHECK(site.altered(written) == std::vector<std::string>{"gone.html"});
    written[0].mtime_ns -= 100;  // one step of NTFS's clock
    CHECK(site.altered(written) == std::vector<std::string>{page_path, "gone.html"});

    fs::create_directories(folder.path / ".site.shnor-spare");
    REQUIRE(shnor::write::replace_file(folder.path / ".site.shnor-spare" / std::string(shnor::write::kMarkerName), {"x"}));
    site.refresh();
    CHECK(site.spare_inode() == shnor::write::windows::facts_of(folder.path / ".site.shnor-spare", false).index);
}

TEST_CASE("windows: staging folders of dead builds go, a running build's stays", "[write]") {
    TempFolder folder("staging");
    fs::path out = folder.path / "site";
    // Pids are multiples of 4 on Windows: 4 000 001 is no process's.
    fs::path dead = folder.path / ".site.new-4000001", alive = folder.path / (".site.new-" + std::to_string(::getpid()));
    fs::create_directories(dead / "deep");
    { std::ofstream(dead / "deep" / "page.html", std::ios::binary) << "old"; }
    fs::create_directories(alive);
    auto site = shnor::write::OutputFolder::open(out, shnor::write::FolderOptions{});
    CHECK_FALSE(fs::exists(dead));
    CHECK(fs::exists(alive));
    CHECK(shnor::write::windows::process_is_running(static_cast<unsigned long>(::getpid())));
    CHECK_FALSE(shnor::write::windows::process_is_running(4000001));
}

TEST_CASE("windows: remove_tree removes a folder whole, never through a link inside it", "[write]") {
    TempFolder folder("remove");
    fs::path kept = folder.path / "kept", doomed = folder.path / "doomed";
    fs::create_directories(kept);
    { std::ofstream(kept / "precious", std::ios::binary) << "keep me"; }
    fs::create_directories(doomed / "a" / "b");
    { std::ofstream(doomed / "a" / "b" / "file", std::ios::binary) << "x"; }
    ::SetFileAttributesW((doomed / "a" / "b" / "file").c_str(), FILE_ATTRIBUTE_READONLY);
    // Wine 8's CreateSymbolicLinkW is a stub that makes nothing: there the
    // link case is not tried (a warning says so); on Windows it needs the
    // developer mode or the privilege.
    bool linked = ::CreateSymbolicLinkW((doomed / "link").c_str(), kept.c_str(), SYMBOLIC_LINK_FLAG_DIRECTORY) &&
                  shnor::write::windows::facts_of(doomed / "link", false).exists;
    if (linked) {
        auto link = shnor::write::windows::facts_of(doomed / "link", false);
        CHECK(link.reparse_point);
        CHECK(link.folder);
        CHECK(shnor::write::windows::facts_of(doomed / "link", true).index == shnor::write::windows::facts_of(kept, true).index);
    }
    CHECK(shnor::write::windows::remove_tree(doomed));
    CHECK_FALSE(fs::exists(doomed));
    CHECK(read(kept / "precious") == "keep me");
    CHECK(shnor::write::windows::remove_tree(folder.path / "missing"));
    if (!linked) WARN("no symbolic link could be made here: the link case was not tried");
}
