#include "write/write.hpp"

#include "write/atomic_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using shnor::write::OutputFile;
using shnor::write::replace_tree;
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

// Every file of a tree with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file()) files[fs::relative(entry.path(), root).generic_string()] = read(entry.path());
    return files;
}

}  // namespace

TEST_CASE("replace_tree writes a new tree where none existed", "[write]") {
    TempFolder temp("new");
    fs::path out = temp.path / "nested" / "site";
    replace_tree(out, {{"index.html", "<p>Главная</p>", {}}, {"schools/a/index.html", "школа", {}}});
    CHECK(snapshot(out) == std::map<std::string, std::string>{{"index.html", "<p>Главная</p>"},
                                                              {"schools/a/index.html", "школа"}});
    // Nothing is left beside the output folder.
    CHECK(std::distance(fs::directory_iterator(out.parent_path()), fs::directory_iterator()) == 1);
}

TEST_CASE("replace_tree replaces the old tree and drops stale files", "[write]") {
    TempFolder temp("replace");
    fs::path out = temp.path / "site";
    replace_tree(out, {{"old.html", "старое", {}}, {"a/b.txt", "1", {}}});
    replace_tree(out, {{"a/b.txt", "2", {}}, {"new.html", "новое", {}}});
    CHECK(snapshot(out) == std::map<std::string, std::string>{{"a/b.txt", "2"}, {"new.html", "новое"}});
    CHECK(std::distance(fs::directory_iterator(temp.path), fs::directory_iterator()) == 1);
}

TEST_CASE("replace_tree copies files and lets a later entry win", "[write]") {
    TempFolder temp("copy");
    fs::path source = temp.path / "prikaz.pdf";
    std::ofstream(source, std::ios::binary) << std::string("%PDF-1.4\0binary", 15);
    fs::path out = temp.path / "site";
    replace_tree(out, {{"files/prikaz.pdf", "", source},
                       {"assets/style.css", "built-in", {}},
                       {"assets/style.css", "content's own", {}}});
    CHECK(read(out / "files/prikaz.pdf") == std::string("%PDF-1.4\0binary", 15));
    CHECK(read(out / "assets/style.css") == "content's own");
}

TEST_CASE("replace_tree refuses paths outside the root and leaves the old tree", "[write]") {
    TempFolder temp("escape");
    fs::path out = temp.path / "site";
    replace_tree(out, {{"index.html", "старый сайт", {}}, {"data/x.json", "{}", {}}});
    auto before = snapshot(out);
    for (std::string bad : {"../outside.html", "a/../../b", "/etc/passwd", "", "a//b", "./x"}) {
        INFO(bad);
        CHECK_THROWS_AS(replace_tree(out, {{"index.html", "новый", {}}, {bad, "x", {}}}), std::runtime_error);
        CHECK(snapshot(out) == before);
    }
    CHECK_FALSE(fs::exists(temp.path / "outside.html"));
    CHECK(std::distance(fs::directory_iterator(temp.path), fs::directory_iterator()) == 1);
}

TEST_CASE("replace_tree leaves the old tree when a copied file is missing", "[write]") {
    TempFolder temp("missing");
    fs::path out = temp.path / "site";
    replace_tree(out, {{"index.html", "старый сайт", {}}});
    auto before = snapshot(out);
    CHECK_THROWS_AS(replace_tree(out, {{"index.html", "новый", {}}, {"files/x.pdf", "", temp.path / "absent.pdf"}}),
                    std::runtime_error);
    CHECK(snapshot(out) == before);
    CHECK(std::distance(fs::directory_iterator(temp.path), fs::directory_iterator()) == 1);
}

TEST_CASE("replace_tree gives byte-identical trees for identical input", "[write]") {
    TempFolder temp("same");
    std::vector<OutputFile> files{{"b.html", "Б", {}}, {"a/index.html", "А", {}}, {"data/site.json", "{\n}\n", {}}};
    replace_tree(temp.path / "one", files);
    replace_tree(temp.path / "two", files);
    CHECK(snapshot(temp.path / "one") == snapshot(temp.path / "two"));
}

TEST_CASE("replace_tree accepts an output folder written with a trailing slash", "[write]") {
    TempFolder temp("slash");
    replace_tree(temp.path.string() + "/site/", {{"index.html", "x", {}}});
    CHECK(read(temp.path / "site" / "index.html") == "x");
}

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
    for (const auto& entry : fs::directory_iterator(file.parent_path())) names.push_back(entry.path().filename());
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
