#include "write/output_tree.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#ifdef _WIN32
#include "write/files_windows.hpp"

#include <cstdlib>
#include <unistd.h>
#else
#include <sys/stat.h>
#include <unistd.h>
#endif

using shnor::write::ContentHash;
using shnor::write::FileState;
using shnor::write::OutputFolder;
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

void write(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
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

#ifdef _WIN32
// fs::last_write_time() has whole seconds there (libstdc++ uses _wstat64).
std::int64_t mtime(const fs::path& path) { return shnor::write::windows::facts_of(path, false).mtime_ns; }
#else
fs::file_time_type mtime(const fs::path& path) { return fs::last_write_time(path); }
#endif

#ifdef _WIN32
// The file index, the inode's role on Windows (write/files_windows.hpp).
std::uint64_t inode(const fs::path& path) { return shnor::write::windows::facts_of(path, false).index; }

// Windows always swaps by renames; the variable changes nothing there.
int setenv(const char* name, const char* value, int) { return ::_putenv_s(name, value); }
int unsetenv(const char* name) { return ::_putenv_s(name, ""); }
#else
ino_t inode(const fs::path& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}
#endif

// Every entry of a tree: files with their bytes, folders as "/".
std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> entries;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        std::string path = entry.path().lexically_relative(root).generic_string();
        entries[path] = entry.is_directory() ? "/" : read(entry.path());
    }
    return entries;
}

// The record of a site as the build record keeps it between builds.
struct Record {
    std::map<std::string, FileState> files;
    shnor::write::PublishedTree tree;
    bool known = false;

    OutputTree::Previous previous(bool trust_hashes = true, std::vector<std::string> altered = {}) const {
        return {files, tree, known, trust_hashes && known, std::move(altered), {}};
    }
};

// One build: `fill` hands the files over; the new site is published.
Record build(const fs::path& out, const Record& before, const std::function<void(OutputTree&)>& fill,
             bool trust_hashes = true, shnor::write::CommitSummary* summary = nullptr) {
    auto folder = OutputFolder::open(out, {});
    std::vector<std::string> altered;
    if (before.known) {
        std::vector<shnor::write::WrittenFile> files;
        for (const auto& [path, state] : before.files) files.push_back({path, state.size, state.mtime_ns});
        altered = folder.altered(files);
    }
    OutputTree tree(folder, before.previous(trust_hashes, altered));
    fill(tree);
    auto done = tree.commit();
    if (summary) *summary = done;
    Record after{tree.files(), tree.published(), true};
    tree.publish();
    return after;
}

Record build_files(const fs::path& out, const Record& before, const std::map<std::string, std::string>& files,
                   shnor::write::CommitSummary* summary = nullptr) {
    return build(out, before, [&](OutputTree& tree) {
        for (const auto& [path, bytes] : files) tree.put(path, bytes);
    }, true, summary);
}

}  // namespace

TEST_CASE("OutputTree::open streams a file with the hash put() gives", "[output_tree]") {
    TempFolder temp("stream");
    fs::path out = temp.path / "site";
    std::string text = big_text('a');
    shnor::write::CommitSummary summary;
    Record record = build(out, {}, [&](OutputTree& tree) {
        stream_into(tree, "data/big.json", text, 1000);
        stream_into(tree, "data/empty.json", "", 1);
        tree.put("data/small.json", "{}\n");
    }, true, &summary);
    CHECK(summary.written == 3);
    CHECK(read(out / "data/big.json") == text);
    CHECK(fs::exists(out / "data/empty.json"));
    CHECK(read(out / "data/empty.json").empty());
    CHECK(record.files.at("data/big.json").hash == shnor::write::hash_of(text));
    CHECK(record.files.at("data/big.json").size == text.size());
    CHECK(record.files.at("data/empty.json").hash == shnor::write::hash_of(""));
    // The folder is marked as shnor's, and nothing is left beside it by a first build.
    CHECK(read(out / ".shnor-site") == shnor::write::kMarkerText);
    CHECK(std::distance(fs::directory_iterator(temp.path), fs::directory_iterator()) == 1);
}

TEST_CASE("OutputTree leaves unchanged files alone, by record and by bytes: same inode, same mtime", "[output_tree]") {
    TempFolder temp("unchanged");
    fs::path out = temp.path / "site";
    std::string same = big_text('s'), before = big_text('b'), after = big_text('c');
    Record first = build(out, {}, [&](OutputTree& tree) {
        stream_into(tree, "same.txt", same, 4096);
        stream_into(tree, "changed.txt", before, 4096);
        tree.put("put-same.txt", "одинаково");
    });
    auto same_time = mtime(out / "same.txt");
    auto same_inode = inode(out / "same.txt");
    auto changed_time = mtime(out / "changed.txt");
    bool trust_hashes = GENERATE(true, false);
    INFO("trust hashes: " << trust_hashes);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    shnor::write::CommitSummary summary;
    Record second = build(out, first, [&](OutputTree& tree) {
        stream_into(tree, "same.txt", same, 70000);
        stream_into(tree, "changed.txt", after, 70000);
        tree.put("put-same.txt", "одинаково");
    }, trust_hashes, &summary);
    CHECK(summary.unchanged == 2);
    CHECK(summary.written == 1);
    CHECK(mtime(out / "same.txt") == same_time);
    CHECK(inode(out / "same.txt") == same_inode);
    CHECK(mtime(out / "changed.txt") != changed_time);
    CHECK(read(out / "changed.txt") == after);
    CHECK(read(out / "same.txt") == same);
    CHECK(second.files.at("same.txt") == first.files.at("same.txt"));
    // The previous version is the spare now, whole.
    fs::path spare = temp.path / ".site.shnor-spare";
    CHECK(read(spare / "changed.txt") == before);
    CHECK(inode(spare / "same.txt") == same_inode);
    CHECK(second.tree.touched == std::vector<std::string>{"changed.txt"});
}

TEST_CASE("OutputTree::publish swaps the whole new site in at once; before it the old site is untouched",
          "[output_tree]") {
    TempFolder temp("atomic");
    fs::path out = temp.path / "site";
    Record first = build_files(out, {}, {{"index.html", "старая главная"}, {"a/index.html", "старая a"},
                                         {"gone.html", "уйдёт"}});
    auto old_site = snapshot(out);
    auto old_inode = inode(out);
    auto folder = OutputFolder::open(out, {});
    OutputTree tree(folder, first.previous());
    tree.put("index.html", "новая главная");
    tree.put("a/index.html", "старая a");
    tree.put("b/index.html", "новая b");
    tree.commit();
    CHECK(snapshot(out) == old_site);  // everything is ready, nothing is visible yet
    tree.publish();
    CHECK(inode(out) != old_inode);
    CHECK(snapshot(out) == std::map<std::string, std::string>{{".shnor-site", std::string(shnor::write::kMarkerText)},
                                                              {"a", "/"},
                                                              {"a/index.html", "старая a"},
                                                              {"b", "/"},
                                                              {"b/index.html", "новая b"},
                                                              {"index.html", "новая главная"}});
    CHECK(snapshot(temp.path / ".site.shnor-spare") == old_site);
}

TEST_CASE("OutputTree: a build that stops before publish leaves the old site, and a spare the next build trusts",
          "[output_tree]") {
    TempFolder temp("abandoned");
    fs::path out = temp.path / "site";
    Record first = build_files(out, {}, {{"data/a.json", "old\n"}, {"index.html", "главная"}});
    Record second = build_files(out, first, {{"data/a.json", "old\n"}, {"index.html", "главная 2"}});
    auto before = snapshot(out);
    {
        auto folder = OutputFolder::open(out, {});
        OutputTree tree(folder, second.previous());
        {
            auto stream = tree.open("data/a.json");
            stream.append("half of the new ");
        }  // an exception while building the file: the stream is dropped unclosed
        stream_into(tree, "data/a.json", "new\n", 2);  // the path is free again
        tree.put("index.html", "главная 3");
        tree.put("extra/page.html", "новая");
    }  // the build fails before commit()
    CHECK(snapshot(out) == before);
    CHECK_FALSE(fs::exists(temp.path / ".site.shnor-unfinished"));
    // What the build wrote in the spare is undone: there the spare is the site again.
    CHECK(read(temp.path / ".site.shnor-spare" / "index.html") == "главная 2");
    CHECK_FALSE(fs::exists(temp.path / ".site.shnor-spare" / "extra"));
    Record third = build_files(out, second, {{"data/a.json", "new\n"}, {"index.html", "главная 2"}});
    CHECK(read(out / "data/a.json") == "new\n");
    CHECK(read(out / "index.html") == "главная 2");
    CHECK_FALSE(fs::exists(out / "extra"));
}

TEST_CASE("OutputTree: a build that stops after commit leaves the old site; the spare is undone or compared whole",
          "[output_tree]") {
    for (bool taken : {false, true}) {
        TempFolder temp(taken ? "taken" : "committed");
        fs::path out = temp.path / "site";
        Record first = build_files(out, {}, {{"a.html", "a"}, {"b.html", "b"}, {"gone.html", "g"}});
        Record second = build_files(out, first, {{"a.html", "a"}, {"b.html", "b"}, {"gone.html", "g"}});
        auto before = snapshot(out);
        {
            auto folder = OutputFolder::open(out, {});
            OutputTree tree(folder, second.previous());
            tree.put("a.html", "a 2");
            tree.put("b.html", "b");
            tree.put("new.html", "n");
            tree.commit();
            if (taken) {
                auto published = tree.take_published();
                CHECK(published.touched == std::vector<std::string>{"a.html", "gone.html", "new.html"});
            } else {
                CHECK(tree.published().touched == std::vector<std::string>{"a.html", "gone.html", "new.html"});
            }
        }  // the record fails to be written: no publish()
        CHECK(snapshot(out) == before);
        fs::path spare = temp.path / ".site.shnor-spare";
        // Undone from the touched files, or left for the next build to compare whole.
        CHECK(fs::exists(temp.path / ".site.shnor-unfinished") == taken);
        if (!taken) {
            CHECK(read(spare / "a.html") == "a");
            CHECK(read(spare / "gone.html") == "g");
            CHECK_FALSE(fs::exists(spare / "new.html"));
        }
        Record third = build_files(out, second, {{"a.html", "a"}, {"b.html", "b 3"}});
        CHECK(snapshot(out) == std::map<std::string, std::string>{
                                   {".shnor-site", std::string(shnor::write::kMarkerText)},
                                   {"a.html", "a"},
                                   {"b.html", "b 3"}});
    }
}

TEST_CASE("OutputTree refuses a path given twice, outside the root, or the marker's", "[output_tree]") {
    TempFolder temp("twice");
    auto folder = OutputFolder::open(temp.path / "site", {});
    OutputTree tree(folder, {});
    auto stream = tree.open("data/a.json");
    CHECK_THROWS_AS(tree.open("data/a.json"), std::runtime_error);
    CHECK_THROWS_AS(tree.put("data/a.json", "x"), std::runtime_error);
    stream.append("a");
    stream.close();
    CHECK_THROWS_AS(tree.open("data/a.json"), std::runtime_error);
    for (std::string bad : {"../escape.json", "/abs.json", "a/../../b", "", "a//b", "./x", ".shnor-site"}) {
        INFO(bad);
        CHECK_THROWS_AS(tree.put(bad, "x"), std::runtime_error);
    }
    CHECK_FALSE(fs::exists(temp.path / "escape.json"));
}

TEST_CASE("OutputTree::keep_where keeps the accepted files and drops the rest", "[output_tree]") {
    TempFolder temp("keep-where");
    fs::path out = temp.path / "site";
    Record first = build_files(out, {}, {{"index.html", "главная"}, {"schools/a/index.html", "школа a"},
                                         {"schools/b/index.html", "школа b"}});
    auto kept_mtime = mtime(out / "schools" / "b" / "index.html");

    shnor::write::CommitSummary summary;
    Record second = build(out, first, [&](OutputTree& tree) {
        tree.keep_where([](const std::string& path) { return !path.starts_with("schools/a/"); });
        CHECK_THROWS_AS(tree.put("index.html", "снова"), std::runtime_error);  // kept already
        tree.put("schools/a/index.html", "школа a, изменено");
    }, true, &summary);
    CHECK(summary.written == 1);
    CHECK(summary.unchanged == 2);
    CHECK(summary.removed == 0);
    CHECK(read(out / "schools" / "a" / "index.html") == "школа a, изменено");
    CHECK(mtime(out / "schools" / "b" / "index.html") == kept_mtime);
    CHECK(second.files.size() == 3);

    Record third = build(out, second, [&](OutputTree& tree) {
        tree.keep_where([](const std::string& path) { return path == "index.html"; });
    }, true, &summary);
    CHECK(summary.removed == 2);
    CHECK_FALSE(fs::exists(out / "schools"));
    CHECK(fs::exists(out / "index.html"));

    auto folder = OutputFolder::open(out, {});
    OutputTree without_record(folder, {});
    CHECK_THROWS_AS(without_record.keep_where([](const std::string&) { return true; }), std::runtime_error);
}

TEST_CASE("OutputTree removes exactly the recorded files no longer produced, and without a record nothing",
          "[output_tree]") {
    TempFolder temp("stale");
    fs::path out = temp.path / "site";
    const std::vector<std::string> before{"a.html", "b/x.html", "c.html", "d/y/index.html", "e.html", "g.html"};
    const std::vector<std::string> after{"b/x.html", "c2.html", "e.html", "f.html", "g.html"};
    auto files_in_out = [&] {
        std::vector<std::string> files;
        for (const auto& entry : fs::recursive_directory_iterator(out))
            if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(out).generic_string());
        std::sort(files.begin(), files.end());
        return files;
    };
    auto as_files = [](const std::vector<std::string>& paths, const std::string& prefix) {
        std::map<std::string, std::string> files;
        for (const auto& path : paths) files[path] = prefix + path;
        return files;
    };
    for (bool known : {true, false}) {
        INFO("record known: " << known);
        fs::remove_all(out);
        fs::remove_all(temp.path / ".site.shnor-spare");
        Record first = build_files(out, {}, as_files(before, "было "));
        if (!known) first = Record{};
        shnor::write::CommitSummary summary;
        build_files(out, first, as_files(after, "стало "), &summary);
        if (known) {
            CHECK(summary.removed == 3);  // a, c, d/y/index.html
            std::vector<std::string> expected = after;
            expected.insert(expected.begin(), ".shnor-site");
            CHECK(files_in_out() == expected);
            CHECK_FALSE(fs::exists(out / "d"));  // emptied folders go too
        } else {
            CHECK(summary.removed == 0);  // nothing tells which files shnor wrote
            CHECK(fs::exists(out / "a.html"));
            CHECK(fs::exists(out / "d/y/index.html"));
            CHECK(read(out / "b/x.html") == "стало b/x.html");
        }
    }
}

TEST_CASE("OutputTree keeps the user's files: added, replaced or removed by hand between builds", "[output_tree]") {
    TempFolder temp("strays");
    fs::path out = temp.path / "site";
    Record record = build_files(out, {}, {{"index.html", "главная"}, {"schools/a/index.html", "школа a"},
                                          {"schools/b/index.html", "школа b"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write(out / "CNAME", "shnor.example\n");
    write(out / "schools/a/extra.pdf", "документ пользователя");
    write(out / "mine/deep/notes.txt", "заметки");
    // Each build after: the files stay, whatever the build does to the folders around them.
    record = build_files(out, record, {{"index.html", "главная 2"}, {"schools/a/index.html", "школа a"}});
    CHECK_FALSE(fs::exists(out / "schools/b"));
    CHECK(read(out / "CNAME") == "shnor.example\n");
    CHECK(read(out / "schools/a/extra.pdf") == "документ пользователя");
    CHECK(read(out / "mine/deep/notes.txt") == "заметки");
    CHECK(record.tree.strays == std::vector<std::string>{"CNAME", "mine", "schools/a/extra.pdf"});

    // Deeper in the user's folder, one replaced and one removed by hand; and
    // the school holding the user's file goes.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write(out / "mine/deep/more.txt", "ещё");
    fs::remove(out / "CNAME");
    write(out / "schools/a/extra.pdf.tmp", "документ, вторая редакция");
    fs::rename(out / "schools/a/extra.pdf.tmp", out / "schools/a/extra.pdf");
    record = build_files(out, record, {{"index.html", "главная 3"}});
    CHECK_FALSE(fs::exists(out / "CNAME"));
    CHECK_FALSE(fs::exists(out / "schools/a/index.html"));
    CHECK(read(out / "schools/a/extra.pdf") == "документ, вторая редакция");
    CHECK(read(out / "mine/deep/more.txt") == "ещё");

    // Unchanged since: still there after two more swaps.
    record = build_files(out, record, {{"index.html", "главная 4"}});
    record = build_files(out, record, {{"index.html", "главная 5"}});
    CHECK(read(out / "schools/a/extra.pdf") == "документ, вторая редакция");
    CHECK(read(out / "mine/deep/notes.txt") == "заметки");
    CHECK(read(out / "mine/deep/more.txt") == "ещё");
}

TEST_CASE("OutputTree compares an untrusted spare whole: a build stopped while changing it does no harm",
          "[output_tree]") {
    TempFolder temp("unfinished");
    fs::path out = temp.path / "site";
    Record first = build_files(out, {}, {{"index.html", "1"}, {"a/index.html", "a"}});
    Record second = build_files(out, first, {{"index.html", "2"}, {"a/index.html", "a"}});
    // What a killed build leaves: the flag, and a spare with anything in it.
    fs::path spare = temp.path / ".site.shnor-spare";
    write(temp.path / ".site.shnor-unfinished", "");
    write(spare / "junk/half.html", "полстраницы");
    fs::remove(spare / "a/index.html");
    write(spare / ".shnor-stream-3", "временный");
    Record third = build_files(out, second, {{"index.html", "3"}, {"a/index.html", "a"}});
    CHECK(snapshot(out) == std::map<std::string, std::string>{{".shnor-site", std::string(shnor::write::kMarkerText)},
                                                              {"a", "/"},
                                                              {"a/index.html", "a"},
                                                              {"index.html", "3"}});
    CHECK_FALSE(fs::exists(temp.path / ".site.shnor-unfinished"));
}

TEST_CASE("OutputFolder::altered finds the recorded files changed or removed since", "[output_tree]") {
    TempFolder temp("altered");
    fs::path out = temp.path / "site";
    Record record = build_files(out, {}, {{"a.html", "a"}, {"b.html", "b"}, {"c/d.html", "d"}, {"e.html", "e"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ofstream(out / "a.html", std::ios::app) << "!";  // in place
    fs::remove(out / "c/d.html");
    fs::last_write_time(out / "e.html", fs::file_time_type::clock::now());  // same bytes, touched
    std::vector<shnor::write::WrittenFile> files;
    for (const auto& [path, state] : record.files) files.push_back({path, state.size, state.mtime_ns});
    {
        auto folder = OutputFolder::open(out, {});
        CHECK(folder.altered(files) == std::vector<std::string>{"a.html", "c/d.html", "e.html"});
    }
    // A build writes them again, never trusting their recorded hashes.
    shnor::write::CommitSummary summary;
    build_files(out, record, {{"a.html", "a"}, {"b.html", "b"}, {"c/d.html", "d"}, {"e.html", "e"}}, &summary);
    CHECK(read(out / "a.html") == "a");
    CHECK(read(out / "c/d.html") == "d");
    CHECK(summary.written == 3);
}

TEST_CASE("OutputTree: a site removed by hand is written again over its spare, which keeps nothing else",
          "[output_tree]") {
    TempFolder temp("removed-site");
    fs::path out = temp.path / "site";
    Record first = build_files(out, {}, {{"index.html", "1"}, {"a/index.html", "a"}, {"b/index.html", "b"}});
    Record second = build_files(out, first, {{"index.html", "2"}, {"a/index.html", "a"}, {"b/index.html", "b"}});
    fs::remove_all(out);
    write(temp.path / ".site.shnor-spare" / "mine.txt", "в запасной папке");
    Record third = build_files(out, {}, {{"index.html", "3"}, {"a/index.html", "a"}, {"c/index.html", "c"}});
    CHECK(snapshot(out) == std::map<std::string, std::string>{{".shnor-site", std::string(shnor::write::kMarkerText)},
                                                              {"a", "/"},
                                                              {"a/index.html", "a"},
                                                              {"c", "/"},
                                                              {"c/index.html", "c"},
                                                              {"index.html", "3"}});
    CHECK_FALSE(fs::exists(temp.path / ".site.shnor-spare"));
    CHECK_FALSE(fs::exists(temp.path / ".site.shnor-unfinished"));
}

TEST_CASE("OutputTree without RENAME_EXCHANGE swaps by renames, and a swap stopped half-way is finished",
          "[output_tree]") {
    TempFolder temp("renames");
    fs::path out = temp.path / "site", spare = temp.path / ".site.shnor-spare", old = temp.path / ".site.shnor-old";
    fs::path flag = temp.path / ".site.shnor-unfinished";
    ::setenv("SHNOR_TEST_NO_RENAME_EXCHANGE", "1", 1);
    Record first = build_files(out, {}, {{"index.html", "1"}});
    Record second = build_files(out, first, {{"index.html", "2"}});
    Record third = build_files(out, second, {{"index.html", "3"}});
    ::unsetenv("SHNOR_TEST_NO_RENAME_EXCHANGE");
    CHECK(read(out / "index.html") == "3");
    CHECK(read(spare / "index.html") == "2");
    CHECK_FALSE(fs::exists(old));

    SECTION("stopped after the site went aside: the old site comes back") {
        write(flag, "");
        fs::rename(out, old);
        { auto folder = OutputFolder::open(out, {}); }
        CHECK(read(out / "index.html") == "3");
        CHECK_FALSE(fs::exists(old));
        build_files(out, third, {{"index.html", "4"}});
        CHECK(read(out / "index.html") == "4");
    }
    SECTION("stopped after the new site got in: the old one becomes the spare") {
        write(flag, "");
        fs::rename(out, old);
        fs::rename(spare, out);
        { auto folder = OutputFolder::open(out, {}); }
        CHECK(read(out / "index.html") == "2");
        CHECK(read(spare / "index.html") == "3");
        CHECK_FALSE(fs::exists(old));
    }
}

TEST_CASE("OutputTree frees the spare's old versions of big changed files beside the build, all gone before the swap",
          "[output_tree]") {
    TempFolder temp("trash");
    fs::path out = temp.path / "site";
    fs::path spare = temp.path / ".site.shnor-spare";
    auto trash_in = [](const fs::path& folder) {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(folder))
            if (entry.path().filename().string().starts_with(".shnor-trash-")) names.push_back(entry.path().filename().string());
        return names;
    };
    Record first = build_files(out, {}, {{"data/big.json", big_text('a')}, {"data/small.csv", "a\n"}, {"index.html", "1"}});
    Record second = build_files(out, first, {{"data/big.json", big_text('b')}, {"data/small.csv", "b\n"}, {"index.html", "1"}});
    // The spare holds the first version of both changed files, with one link each.
    REQUIRE(read(spare / "data/big.json") == big_text('a'));
    REQUIRE(fs::hard_link_count(spare / "data/big.json") == 1);
    SECTION("a build that publishes") {
        Record third = build(out, second, [&](OutputTree& tree) {
            // The spare is the site again: the old big version was set aside (being removed).
            CHECK(inode(spare / "data/big.json") == inode(out / "data/big.json"));
            CHECK(inode(spare / "data/small.csv") == inode(out / "data/small.csv"));
            tree.put("data/big.json", big_text('c'));
            tree.put("data/small.csv", "b\n");
            tree.put("index.html", "1");
        });
        CHECK(trash_in(out).empty());
        CHECK(trash_in(spare).empty());
        CHECK(read(out / "data/big.json") == big_text('c'));
        CHECK(read(spare / "data/big.json") == big_text('b'));
        CHECK(snapshot(out).size() == 5);  // the marker, data/, its two files, index.html
    }
    SECTION("a build that stops before commit()") {
        {
            auto folder = OutputFolder::open(out, {});
            OutputTree tree(folder, second.previous());
            tree.put("data/big.json", big_text('c'));
        }
        CHECK(trash_in(spare).empty());
        CHECK(read(spare / "data/big.json") == big_text('b'));  // as the site
        Record third = build_files(out, second, {{"data/big.json", big_text('d')}, {"data/small.csv", "b\n"}, {"index.html", "1"}});
        CHECK(read(out / "data/big.json") == big_text('d'));
        CHECK(trash_in(out).empty());
    }
}

// The folders whose listing is compared are those of the recorded files
// (one walk over the sorted paths): every one of them, however the paths
// around it sort ("b-c" and "b.d" before "b/", "b0" after it).
TEST_CASE("OutputTree finds the user's files in every folder of the recorded files", "[output_tree]") {
    TempFolder temp("every-folder");
    fs::path out = temp.path / "site";
    const std::vector<std::string> folders = {"a", "a/b", "a/b/c", "a/b/c/d", "a/e", "b", "b-c", "b.d", "b/x/y",
                                              "b/x/z", "b0", "b0/q", "c/d/e/f"};
    std::map<std::string, std::string> files{{"index.html", "главная"}};
    for (const auto& folder : folders) files[folder + "/index.html"] = "страница " + folder;
    Record record = build_files(out, {}, files);
    record = build_files(out, record, files);  // the first with a spare compares it whole: the next ones do not
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write(out / "user.txt", "в корне");
    for (const auto& folder : folders) write(out / folder / "user.txt", "пользователя " + folder);
    write(out / "b/x/user.txt", "в папке без файлов сборки");  // its folder holds only folders
    record = build_files(out, record, files);
    CHECK(read(out / "user.txt") == "в корне");
    for (const auto& folder : folders) {
        INFO(folder);
        CHECK(read(out / folder / "user.txt") == "пользователя " + folder);
    }
    CHECK(read(out / "b/x/user.txt") == "в папке без файлов сборки");
    CHECK(record.tree.strays.size() == folders.size() + 2);

    // The same check started early (write::start_folder_check), as a build
    // does before loading: the same folders found.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (const auto& folder : folders) write(out / folder / "second.txt", "ещё " + folder);
    record = build_files(out, record, files);
    {
        auto folder = OutputFolder::open(out, {});
        auto previous = record.previous();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (const auto& name : folders) write(out / name / "third.txt", "третий " + name);
        previous.changed_folders = shnor::write::start_folder_check(out, record.files, record.tree);
        OutputTree tree(folder, std::move(previous));
        for (const auto& [path, bytes] : files) tree.put(path, bytes);
        tree.commit();
        tree.publish();
    }
    for (const auto& folder : folders) {
        INFO(folder);
        CHECK(read(out / folder / "second.txt") == "ещё " + folder);
        CHECK(read(out / folder / "third.txt") == "третий " + folder);
    }
}
