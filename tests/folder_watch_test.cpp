// serve/folder_watch.hpp: what the preview rebuilds on. A change anywhere
// below the content folder is seen, one in a hidden folder (.git) is not,
// and nothing is reported when nothing changed. On Linux inotify, on Windows
// ReadDirectoryChangesW (folder_watch_windows.cpp; this file runs under wine).
#include "serve/folder_watch.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using shnor::serve::FolderWatch;
using shnor::test::write_file;
using namespace std::chrono_literals;

namespace {

// A Cyrillic name: the Windows watch opens its root by the UTF-16 path.
struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-folder-watch-" + name) / u8"материалы";
        fs::remove_all(path.parent_path());
        fs::create_directories(path / "schools" / "sosh-1");
        write_file(path / "site.yaml", "title: x\n");
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path.parent_path(), ignored);
    }
};

// The waits of the preview (serve.cpp), with more room for a slow machine.
bool changed(FolderWatch& watch, std::chrono::milliseconds timeout = 3000ms) {
    return watch.wait_for_change(timeout, 200ms);
}

}  // namespace

TEST_CASE("folder watch: a file saved in a folder below the root is a change, and then nothing is", "[serve]") {
    Scratch scratch("saved");
    FolderWatch watch({scratch.path});
    CHECK_FALSE(changed(watch, 300ms));
    write_file(scratch.path / "site.yaml", "title: y\n");
    CHECK(changed(watch));
    CHECK_FALSE(changed(watch, 300ms));
    write_file(scratch.path / "schools" / "sosh-1" / "school.yaml", "name: Школа\n");
    CHECK(changed(watch));  // a folder older than the watch (wine needs folder_watch_windows.cpp's walk)
    CHECK_FALSE(changed(watch, 300ms));
}

TEST_CASE("folder watch: a folder made after the watch began is watched too", "[serve]") {
    Scratch scratch("new-folder");
    FolderWatch watch({scratch.path});
    fs::create_directories(scratch.path / "news");
    CHECK(changed(watch));
    write_file(scratch.path / "news" / "2024-05-01-otkrytie.md", "# Открытие\n");
    CHECK(changed(watch));
}

TEST_CASE("folder watch: a file removed is a change; a hidden folder's files are not", "[serve]") {
    Scratch scratch("hidden");
    FolderWatch watch({scratch.path});
    // Made after the watch began, so that wine reports what happens inside it too.
    fs::create_directories(scratch.path / ".git");
    changed(watch, 500ms);  // the new name: a change on Linux, a hidden one on Windows
    write_file(scratch.path / ".git" / "index", "x");
    CHECK_FALSE(changed(watch, 500ms));
    fs::remove(scratch.path / "site.yaml");
    CHECK(changed(watch));
}

TEST_CASE("folder watch: a root that is not there is no change, and no error", "[serve]") {
    Scratch scratch("missing");
    FolderWatch watch({scratch.path / "нет"});
    CHECK_FALSE(changed(watch, 300ms));
}
