// The layouts and assets built into shnor: exactly the checkout's, extracted
// once into the cache folder, and an altered, partial or linked extraction is
// replaced, never used or followed.
#include "pipeline/builtin_files.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

namespace fs = std::filesystem;
using shnor::pipeline::builtin_folders;
using shnor::test::read_file;
using shnor::test::write_file;

namespace {

struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-builtin-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

// Every entry under `folder` by relative path: a file's bytes, "<folder>" or "<link>".
std::map<std::string, std::string> tree_of(const fs::path& folder) {
    std::map<std::string, std::string> tree;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        std::string relative = entry.path().lexically_relative(folder).generic_string();
        if (entry.is_symlink()) tree[relative] = "<link>";
        else if (entry.is_directory()) tree[relative] = "<folder>";
        else tree[relative] = read_file(entry.path());
    }
    return tree;
}

std::map<std::string, std::string> checkout_tree() {
    std::map<std::string, std::string> tree;
    for (const char* name : {"layouts", "assets"}) {
        tree[name] = "<folder>";
        for (const auto& [path, bytes] : tree_of(fs::path(SHNOR_SOURCE_DIR) / name)) tree[std::string(name) + "/" + path] = bytes;
    }
    return tree;
}

ino_t inode_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_ino;
}

}  // namespace

TEST_CASE("the built-in layouts and assets are the checkout's, extracted once into the cache folder", "[builtin]") {
    Scratch scratch("once");
    auto folders = builtin_folders(scratch.path / "cache");
    const fs::path folder = folders.layouts.parent_path();
    CHECK(folder.parent_path() == scratch.path / "cache");
    CHECK(folder.filename().string().starts_with("builtin-"));
    CHECK(folders.assets == folder / "assets");
    CHECK(tree_of(folder) == checkout_tree());
    // Nothing left beside it: no temporary folder.
    CHECK(std::distance(fs::directory_iterator(scratch.path / "cache"), fs::directory_iterator()) == 1);

    // Used as it is the next time: the same files, not written again.
    ino_t style = inode_of(folders.assets / "style.css");
    auto again = builtin_folders(scratch.path / "cache");
    CHECK(again.layouts == folders.layouts);
    CHECK(inode_of(again.assets / "style.css") == style);
}

TEST_CASE("an altered, partial or linked extraction is replaced, never used or followed", "[builtin]") {
    Scratch scratch("altered");
    const fs::path cache = scratch.path / "cache";
    const fs::path folder = builtin_folders(cache).layouts.parent_path();
    const fs::path outside = scratch.path / "outside";
    write_file(outside / "style.css", "outside");

    SECTION("a file's bytes changed") { write_file(folder / "assets" / "style.css", "body{}"); }
    SECTION("a file missing") { fs::remove(folder / "layouts" / "base.mustache"); }
    SECTION("a folder missing") { fs::remove_all(folder / "layouts" / "partials"); }
    SECTION("a file no shnor has (it would be used as a layout)") {
        write_file(folder / "layouts" / "extra.mustache", "{{title}}");
    }
    SECTION("an empty folder where the extraction should be") {
        fs::remove_all(folder);
        fs::create_directory(folder);
    }
    SECTION("a file as a link out of the folder") {
        fs::remove(folder / "assets" / "style.css");
        fs::create_symlink(outside / "style.css", folder / "assets" / "style.css");
    }
    SECTION("a subfolder as a link") {
        fs::rename(folder / "layouts" / "partials", outside / "partials");
        fs::create_directory_symlink(outside / "partials", folder / "layouts" / "partials");
    }
    SECTION("the whole folder as a link to a complete copy") {
        fs::rename(folder, outside / "copy");
        fs::create_directory_symlink(outside / "copy", folder);
    }
    auto outside_before = tree_of(outside);

    auto folders = builtin_folders(cache);
    CHECK(folders.layouts.parent_path() == folder);
    CHECK(fs::is_directory(fs::symlink_status(folder)));
    CHECK(tree_of(folder) == checkout_tree());
    CHECK(tree_of(outside) == outside_before);  // what a link pointed at is untouched
    CHECK(std::distance(fs::directory_iterator(cache), fs::directory_iterator()) == 1);
}

TEST_CASE("a cache folder that cannot be made is an error that names it", "[builtin]") {
    Scratch scratch("blocked");
    write_file(scratch.path / "file", "not a folder");
    CHECK_THROWS_WITH(builtin_folders(scratch.path / "file" / "cache"),
                      Catch::Contains("встроенные шаблоны") && Catch::Contains((scratch.path / "file").string()));
}
