// The build record as the pipeline keeps it (an LMDB store in the cache's
// builds/ folder): a build stopped after writing it but before its swap, or
// a store damaged on disk, must only ever cost a whole build, never give
// other output than a full build into a fresh folder.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kExampleContent = fs::path(SHNOR_SOURCE_DIR) / "content";
constexpr const char* kDate = "2024-11-01";

using shnor::test::read_file;
using shnor::test::shell_quoted;
using shnor::test::write_file;

struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-store-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

// The example content with every file an hour old: none is "racy" (changed
// too close to a build to be trusted), so a build believes what its record says.
fs::path copy_of_example(const fs::path& scratch) {
    fs::path content = scratch / "content";
    fs::copy(kExampleContent, content, fs::copy_options::recursive);
    auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const auto& entry : fs::recursive_directory_iterator(content)) fs::last_write_time(entry.path(), old);
    return content;
}

// An edit whose file is then dated `minutes_ago`: past the racy margin, only
// the stamps in the record tell a build that it has been published or not.
void edit(const fs::path& file, const std::string& from, const std::string& to, int minutes_ago) {
    std::string text = read_file(file);
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    write_file(file, text);
    fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::minutes(minutes_ago));
}

shnor::test::CommandResult build(const fs::path& content, const fs::path& out, const fs::path& cache,
                                 const std::string& environment = "") {
    return shnor::test::run_command(environment + " " + shell_quoted(SHNOR_BINARY) + " build --content " +
                                        shell_quoted(content) + " --out " + shell_quoted(out) + " --cache " +
                                        shell_quoted(cache) + " --date " + kDate,
                                    out.parent_path() / (out.filename().string() + "-log.txt"));
}

using Snapshot = std::map<std::string, std::string>;

Snapshot snapshot(const fs::path& root) {
    Snapshot entries;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        std::string path = entry.path().lexically_relative(root).generic_string();
        entries[path] = entry.is_directory() ? "/" : read_file(entry.path());
    }
    return entries;
}

// The paths whose entries differ, for the failure message.
std::string differences(const Snapshot& made, const Snapshot& expected) {
    std::string paths;
    for (const auto& [path, bytes] : made)
        if (!expected.count(path) || expected.at(path) != bytes) paths += path + "\n";
    for (const auto& [path, bytes] : expected)
        if (!made.count(path)) paths += path + " (missing)\n";
    return paths;
}

// What a full build into a fresh folder with a fresh cache makes of `content`.
Snapshot full_build(const fs::path& scratch, const fs::path& content) {
    fs::path fresh = scratch / "fresh";
    auto result = build(content, fresh, scratch / "fresh-cache");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    Snapshot made = snapshot(fresh);
    fs::remove_all(fresh);
    fs::remove_all(scratch / "fresh-cache");
    fs::remove_all(scratch / ".fresh.shnor-spare");
    return made;
}

// Starts a build that stops before its swap, waits until it is there and kills it.
void build_killed_before_swap(const fs::path& content, const fs::path& out, const fs::path& cache,
                              const fs::path& scratch) {
    fs::path signal = scratch / "paused", log = scratch / "killed-log.txt";
    std::vector<std::string> arguments{SHNOR_BINARY, "build",        "--content",    content.string(), "--out",
                                       out.string(), "--cache",      cache.string(), "--date",         kDate};
    pid_t pid = ::fork();
    if (pid == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::string pause = "SHNOR_TEST_PAUSE_BEFORE_PUBLISH=" + signal.string();
        ::putenv(::strdup(pause.c_str()));
        std::vector<char*> argv;
        for (auto& argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::exists(signal) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    REQUIRE(fs::exists(signal));
    fs::remove(signal);
}

std::vector<fs::path> stores_in(const fs::path& cache) {
    std::vector<fs::path> stores;
    for (const auto& entry : fs::recursive_directory_iterator(cache))
        if (entry.path().extension() == ".lmdb") stores.push_back(entry.path());
    return stores;
}

}  // namespace

TEST_CASE("a build stopped after its record is written but before its swap costs a whole build, not a stale page",
          "[store]") {
    Scratch scratch("stopped");
    fs::path content = copy_of_example(scratch.path);
    fs::path out = scratch.path / "site", cache = scratch.path / "cache";
    REQUIRE(build(content, out, cache).exit_code == 0);
    Snapshot before = snapshot(out);

    // A text-only edit: its plan updates the record in place before the swap.
    edit(content / "schools/karmaklinskaya/index.md", "ШНОР 2024 года", "ШНОР 2024 года (новый абзац)", 30);
    build_killed_before_swap(content, out, cache, scratch.path);
    CHECK(snapshot(out) == before);

    // Another school's roadmap item: were the stopped build's record trusted,
    // the first edit would never reach the site.
    edit(content / "schools/shubinskaya/roadmaps/dorozhnaya-karta-shkoly-2024.yaml", "status: planned",
         "status: done", 20);
    auto next = build(content, out, cache, "SHNOR_EXPLAIN=1");
    INFO(next.output);
    REQUIRE(next.exit_code == 0);
    CHECK(next.output.find("plan: whole build") != std::string::npos);
    CHECK(differences(snapshot(out), full_build(scratch.path, content)) == "");

    // And the record that whole build wrote serves the next one of a few schools.
    edit(content / "schools/karmaklinskaya/index.md", "(новый абзац)", "(другой абзац)", 10);
    auto partial = build(content, out, cache, "SHNOR_EXPLAIN=1");
    INFO(partial.output);
    REQUIRE(partial.exit_code == 0);
    CHECK(partial.output.find("plan: whole build") == std::string::npos);
    CHECK(differences(snapshot(out), full_build(scratch.path, content)) == "");
}

TEST_CASE("a damaged record store makes the next build a whole one with the right output", "[store]") {
    Scratch scratch("damaged");
    fs::path content = copy_of_example(scratch.path);
    fs::path out = scratch.path / "site", cache = scratch.path / "cache";
    REQUIRE(build(content, out, cache).exit_code == 0);
    auto stores = stores_in(cache);
    REQUIRE(stores.size() == 1);

    SECTION("garbage bytes over the whole file") {
        std::string garbage(fs::file_size(stores[0]), '\0');
        for (std::size_t index = 0; index < garbage.size(); ++index) garbage[index] = static_cast<char>(index * 131 + 7);
        write_file(stores[0], garbage);
    }
    SECTION("cut short") { fs::resize_file(stores[0], fs::file_size(stores[0]) / 3); }
    SECTION("empty") { write_file(stores[0], ""); }

    // Not an edit that removes a page: without any record a build cannot
    // tell the pages shnor wrote from the user's files, and keeps both.
    edit(content / "schools/karmaklinskaya/index.md", "ШНОР 2024 года", "ШНОР 2024 года (новый абзац)", 20);
    auto next = build(content, out, cache, "SHNOR_EXPLAIN=1");
    INFO(next.output);
    REQUIRE(next.exit_code == 0);
    CHECK(next.output.find("plan: whole build: no record") != std::string::npos);
    CHECK(differences(snapshot(out), full_build(scratch.path, content)) == "");
    // The whole build wrote a good store again: nothing changed is now seen as such.
    auto again = build(content, out, cache, "SHNOR_EXPLAIN=1");
    INFO(again.output);
    REQUIRE(again.exit_code == 0);
    CHECK(again.output.find("plan: whole build") == std::string::npos);
}
