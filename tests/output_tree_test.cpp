#include "write/output_tree.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <vector>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using shnor::write::ContentHash;
using shnor::write::OutputTree;
namespace fs = std::filesystem;

namespace {

struct TempFolder {
    fs::path path;
    explicit TempFolder(const std::string& name)
        : path(fs::temp_directory_path() / ("shnor-output-tree-test-" + std::to_string(::getpid()) + "-" + name)) {
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

// Bytes bigger than a stream's write block, so they reach the file in several writes.
std::string big_text(char salt) {
    std::string text;
    for (int i = 0; text.size() < 3'000'000; ++i) text += std::to_string(i) + salt + "строка\n";
    return text;
}

// Streams `bytes` in pieces of `piece` bytes.
void stream_into(OutputTree& tree, const std::string& path, const std::string& bytes, std::size_t piece) {
    auto stream = tree.open(path);
    for (std::size_t at = 0; at < bytes.size(); at += piece) stream.append(std::string_view(bytes).substr(at, piece));
    stream.close();
}

fs::file_time_type mtime(const fs::path& path) { return fs::last_write_time(path); }

}  // namespace

TEST_CASE("OutputTree::open streams a file with the hash put() gives", "[output_tree]") {
    TempFolder temp("stream");
    fs::path out = temp.path / "site";
    std::string text = big_text('a');
    OutputTree tree(out, {}, false);
    stream_into(tree, "data/big.json", text, 1000);
    stream_into(tree, "data/empty.json", "", 1);
    tree.put("data/small.json", "{}\n");
    auto summary = tree.commit();
    CHECK(summary.written == 3);
    CHECK(read(out / "data/big.json") == text);
    CHECK(fs::exists(out / "data/empty.json"));
    CHECK(read(out / "data/empty.json").empty());
    CHECK(tree.hashes().at("data/big.json") == shnor::write::hash_of(text));
    CHECK(tree.hashes().at("data/empty.json") == shnor::write::hash_of(""));
}

TEST_CASE("OutputTree::open leaves unchanged files alone, by record and by bytes", "[output_tree]") {
    TempFolder temp("unchanged");
    fs::path out = temp.path / "site";
    std::string same = big_text('s'), before = big_text('b'), after = big_text('c');
    std::map<std::string, ContentHash> hashes;
    {
        OutputTree first(out, {}, false);
        stream_into(first, "same.txt", same, 4096);
        stream_into(first, "changed.txt", before, 4096);
        first.commit();
        hashes = first.hashes();
    }
    fs::last_write_time(out / "same.txt", fs::file_time_type::clock::now() - std::chrono::hours(1));
    fs::last_write_time(out / "changed.txt", fs::file_time_type::clock::now() - std::chrono::hours(1));
    auto same_time = mtime(out / "same.txt");
    auto changed_time = mtime(out / "changed.txt");
    bool previous_known = GENERATE(true, false);
    OutputTree second(out, previous_known ? hashes : std::map<std::string, ContentHash>{}, previous_known);
    stream_into(second, "same.txt", same, 70000);
    stream_into(second, "changed.txt", after, 70000);
    auto summary = second.commit();
    CHECK(summary.unchanged == 1);
    CHECK(summary.written == 1);
    CHECK(mtime(out / "same.txt") == same_time);
    CHECK(mtime(out / "changed.txt") != changed_time);
    CHECK(read(out / "changed.txt") == after);
    CHECK(read(out / "same.txt") == same);
    CHECK_FALSE(fs::exists(temp.path / (".site.new-" + std::to_string(::getpid()))));
}

TEST_CASE("OutputTree::open: a stream not closed is dropped, the previous output stays", "[output_tree]") {
    TempFolder temp("abandoned");
    fs::path out = temp.path / "site";
    fs::path staging = temp.path / (".site.new-" + std::to_string(::getpid()));
    {
        OutputTree first(out, {}, false);
        first.put("data/a.json", "old\n");
        first.commit();
    }
    {
        OutputTree second(out, {}, false);
        {
            auto stream = second.open("data/a.json");
            stream.append("half of the new ");
            CHECK(fs::exists(staging / "data/a.json"));
        }  // an exception while building the file: the stream is dropped unclosed
        CHECK_FALSE(fs::exists(staging / "data/a.json"));
        stream_into(second, "data/a.json", "new\n", 2);  // the path is free again
    }  // the build fails before commit()
    CHECK(read(out / "data/a.json") == "old\n");
    CHECK_FALSE(fs::exists(staging));
}

TEST_CASE("OutputTree::open refuses a path given twice or outside the root", "[output_tree]") {
    TempFolder temp("twice");
    OutputTree tree(temp.path / "site", {}, false);
    auto stream = tree.open("data/a.json");
    CHECK_THROWS_AS(tree.open("data/a.json"), std::runtime_error);
    CHECK_THROWS_AS(tree.put("data/a.json", "x"), std::runtime_error);
    stream.append("a");
    stream.close();
    CHECK_THROWS_AS(tree.open("data/a.json"), std::runtime_error);
    CHECK_THROWS_AS(tree.open("../escape.json"), std::runtime_error);
    CHECK_THROWS_AS(tree.open("/abs.json"), std::runtime_error);
}

TEST_CASE("OutputTree::keep_where keeps the accepted files and drops the rest", "[output_tree]") {
    TempFolder temp("keep-where");
    fs::path out = temp.path / "site";
    std::map<std::string, ContentHash> previous;
    {
        OutputTree first(out, {}, false);
        first.put("index.html", "главная");
        first.put("schools/a/index.html", "школа a");
        first.put("schools/b/index.html", "школа b");
        first.commit();
        previous = first.hashes();
    }
    auto kept_mtime = mtime(out / "schools" / "b" / "index.html");

    OutputTree second(out, previous, true);
    second.keep_where([](const std::string& path) { return !path.starts_with("schools/a/"); });
    CHECK_THROWS_AS(second.put("index.html", "снова"), std::runtime_error);  // kept already
    second.put("schools/a/index.html", "школа a, изменено");
    auto summary = second.commit();
    CHECK(summary.written == 1);
    CHECK(summary.unchanged == 2);
    CHECK(summary.removed == 0);
    CHECK(read(out / "schools" / "a" / "index.html") == "школа a, изменено");
    CHECK(mtime(out / "schools" / "b" / "index.html") == kept_mtime);
    CHECK(second.hashes().size() == 3);

    OutputTree third(out, second.hashes(), true);
    third.keep_where([](const std::string& path) { return path == "index.html"; });
    CHECK(third.commit().removed == 2);
    CHECK_FALSE(fs::exists(out / "schools" / "a" / "index.html"));
    CHECK(fs::exists(out / "index.html"));

    OutputTree without_record(out, {}, false);
    CHECK_THROWS_AS(without_record.keep_where([](const std::string&) { return true; }), std::runtime_error);
}

TEST_CASE("OutputTree::commit removes exactly the files no longer produced, by record and by walking the folder", "[output_tree]") {
    TempFolder temp("stale");
    fs::path out = temp.path / "site";
    const std::vector<std::string> before{"a.html", "b/x.html", "c.html", "d/y/index.html", "e.html", "g.html"};
    const std::vector<std::string> after{"b/x.html", "c2.html", "e.html", "f.html", "g.html"};
    std::map<std::string, ContentHash> previous;
    auto write_before = [&] {
        fs::remove_all(out);
        OutputTree first(out, {}, false);
        for (const auto& path : before) first.put(path, "было " + path);
        first.commit();
        previous = first.hashes();
    };
    auto files_in_out = [&] {
        std::vector<std::string> files;
        for (const auto& entry : fs::recursive_directory_iterator(out))
            if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(out).generic_string());
        std::sort(files.begin(), files.end());
        return files;
    };
    for (bool previous_known : {true, false}) {
        INFO("previous known: " << previous_known);
        write_before();
        OutputTree second(out, previous_known ? previous : std::map<std::string, ContentHash>{}, previous_known);
        for (const auto& path : after) second.put(path, "стало " + path);
        CHECK(second.commit().removed == 3);  // a, c, d/y/index.html
        CHECK(files_in_out() == after);
        CHECK_FALSE(fs::exists(out / "d"));  // emptied folders go too
    }
}
