// The output folder is shnor's alone, and a build replaces the site in one
// step: the real `shnor` binary against folders that are not its own, user's
// files inside its own, builds killed at any moment, two builds at once, and
// pages changed by hand.
#include "pipeline/build_record.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kExampleContent = fs::path(SHNOR_SOURCE_DIR) / "content";
constexpr const char* kDate = "2024-11-01";

struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-publish-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

using RunResult = shnor::test::CommandResult;
using shnor::test::read_file;
using shnor::test::shell_quoted;
using shnor::test::write_file;

// `shnor <arguments>` run from the folder `cwd`.
RunResult run_shnor(const std::string& arguments, const fs::path& cwd) {
    fs::path log = cwd / ".." / (cwd.filename().string() + "-shnor-output.txt");
    auto result = shnor::test::run_command("cd " + shell_quoted(cwd) + " && " + shell_quoted(SHNOR_BINARY) + " " + arguments, log);
    fs::remove(log);
    return result;
}

std::string build_arguments(const fs::path& content, const fs::path& out, const fs::path& cache) {
    return "build --content " + shell_quoted(content) + " --out " + shell_quoted(out) + " --cache " + shell_quoted(cache) + " --date " +
           kDate;
}

// Starts `shnor build` in the background, with `environment` added.
pid_t spawn_build(const fs::path& content, const fs::path& out, const fs::path& cache, const fs::path& log,
                  const std::vector<std::string>& environment = {}) {
    std::vector<std::string> arguments{SHNOR_BINARY, "build",        "--content", content.string(), "--out",
                                       out.string(), "--cache",      cache.string(), "--date",      kDate};
    pid_t pid = ::fork();
    if (pid == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        for (const auto& variable : environment) ::putenv(::strdup(variable.c_str()));
        std::vector<char*> argv;
        for (auto& argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

bool wait_for_file(const fs::path& path, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!fs::exists(path)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

void kill_and_reap(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

// Every entry of a tree: a file's bytes, "/" for a folder, "->" and the
// target for a link.
using Snapshot = std::map<std::string, std::string>;

Snapshot snapshot(const fs::path& root) {
    Snapshot entries;
    if (!fs::exists(root)) return entries;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        std::string path = entry.path().lexically_relative(root).generic_string();
        if (entry.is_symlink()) entries[path] = "->" + fs::read_symlink(entry.path()).string();
        else if (entry.is_directory()) entries[path] = "/";
        else entries[path] = read_file(entry.path());
    }
    return entries;
}

// Files with their mtimes, to show that nothing was even rewritten.
std::map<std::string, fs::file_time_type> mtimes(const fs::path& root) {
    std::map<std::string, fs::file_time_type> times;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        times[entry.path().lexically_relative(root).generic_string()] = entry.last_write_time();
    return times;
}

std::vector<std::string> names_in(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A copy of the example content whose files are older than the 2 s within
// which a build never trusts a file as unchanged.
fs::path copy_of_example(const fs::path& scratch) {
    fs::path content = scratch / "content";
    fs::copy(kExampleContent, content, fs::copy_options::recursive);
    auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const auto& entry : fs::recursive_directory_iterator(content)) fs::last_write_time(entry.path(), old);
    return content;
}

void retitle(const fs::path& content, const std::string& title) {
    std::string site = "\n" + read_file(content / "site.yaml");
    auto at = site.find("\ntitle: ");
    REQUIRE(at != std::string::npos);
    site.replace(at + 8, site.find('\n', at + 1) - at - 8, title);
    site.erase(0, 1);
    write_file(content / "site.yaml", site);
    fs::last_write_time(content / "site.yaml", fs::file_time_type::clock::now() - std::chrono::hours(1));
}

}  // namespace

TEST_CASE("a first build into a non-empty folder without shnor's marker is refused and changes nothing",
          "[publish]") {
    Scratch scratch("foreign");
    fs::path out = scratch.path / "www";
    write_file(out / "index.html", "<p>сайт школы, сделанный вручную</p>");
    write_file(out / "files/prikaz.pdf", "%PDF-1.4");
    write_file(out / "assets/style.css", "body{}");
    auto before = snapshot(out);
    auto times = mtimes(out);
    auto beside = names_in(scratch.path);

    auto refused = run_shnor(build_arguments(kExampleContent, out, scratch.path / "cache"), scratch.path);
    INFO(refused.output);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.output, Catch::Contains("не пуста и создана не shnor") && Catch::Contains("--force") &&
                                   Catch::Contains("ничего не удалено"));
    CHECK(snapshot(out) == before);
    CHECK(mtimes(out) == times);
    CHECK(names_in(scratch.path) == beside);  // no spare, no lock left beside

    SECTION("--force builds there all the same, and keeps every file it did not write") {
        auto forced = run_shnor(build_arguments(kExampleContent, out, scratch.path / "cache") + " --force", scratch.path);
        INFO(forced.output);
        REQUIRE(forced.exit_code == 0);
        CHECK(read_file(out / "files/prikaz.pdf") == "%PDF-1.4");
        CHECK(fs::is_regular_file(out / ".shnor-site"));
        CHECK(fs::is_regular_file(out / "schools/shubinskaya/index.html"));
        auto full = run_shnor(build_arguments(kExampleContent, out, scratch.path / "cache") + " --full", scratch.path);
        INFO(full.output);
        REQUIRE(full.exit_code == 0);
        CHECK(read_file(out / "files/prikaz.pdf") == "%PDF-1.4");
        // The marker is there now: no --force needed.
        CHECK(run_shnor(build_arguments(kExampleContent, out, scratch.path / "cache"), scratch.path).exit_code == 0);
    }
    SECTION("a site an older shnor built is known by its record in the cache, and taken without --force") {
        struct stat folder {};
        REQUIRE(::stat(out.c_str(), &folder) == 0);
        write_file(shnor::pipeline::record_path(scratch.path / "cache", out),
                   "shnor-build-record 5 00000000000000000100 00000000000000000300\nkey 0123\nout " +
                       std::to_string(folder.st_dev) + " " + std::to_string(folder.st_ino) + "\nwritten 1\n");
        auto taken = run_shnor(build_arguments(kExampleContent, out, scratch.path / "cache"), scratch.path);
        INFO(taken.output);
        CHECK(taken.exit_code == 0);
        CHECK(read_file(out / "files/prikaz.pdf") == "%PDF-1.4");
        CHECK(fs::is_regular_file(out / ".shnor-site"));
    }
    SECTION("an empty folder is taken") {
        fs::path empty = scratch.path / "empty";
        fs::create_directories(empty);
        auto built = run_shnor(build_arguments(kExampleContent, empty, scratch.path / "cache"), scratch.path);
        INFO(built.output);
        CHECK(built.exit_code == 0);
        CHECK(fs::is_regular_file(empty / "index.html"));
    }
}

TEST_CASE("--out the content, inside or above it, the project folder, the cache, / or a file is refused",
          "[publish]") {
    Scratch scratch("guard");
    fs::path content = scratch.path / "content";
    fs::copy(kExampleContent, content, fs::copy_options::recursive);
    fs::path cache = scratch.path / "cache";
    fs::create_directories(cache / "fetch");
    write_file(cache / "fetch" / "kept.json", "{}");
    write_file(scratch.path / "a-file", "не папка");
    fs::create_symlink(content, scratch.path / "link-to-content");
    auto content_before = snapshot(content);
    auto cache_before = snapshot(cache);

    struct Case {
        std::string out;
        std::string cache;
        std::string expected;
    };
    for (const Case& bad : std::vector<Case>{
             {"content", "cache", "это папка материалов"},
             {"content/schools", "cache", "лежит внутри папки"},
             {"content/new-folder", "cache", "лежит внутри папки"},
             {"content/layouts", "cache", "лежит внутри папки"},
             {".", "cache", "Внутри папки сайта «.» лежит"},
             {"..", "cache", "Внутри папки сайта «..» лежит"},
             {"link-to-content", "cache", "это папка материалов"},
             {"cache", "cache", "это папка кэша"},
             {"site", "site/cache", "Внутри папки сайта «site» лежит папка кэша"},
             {"/", "cache", "корень файловой системы"},
             {"a-file", "cache", "это файл, а не папка"},
         }) {
        INFO("--out " << bad.out << " --cache " << bad.cache);
        auto result = run_shnor("build --content content --out " + shell_quoted(bad.out) + " --cache " + shell_quoted(bad.cache) +
                                    " --date " + kDate,
                                scratch.path);
        INFO(result.output);
        CHECK(result.exit_code == 2);
        CHECK_THAT(result.output, Catch::Contains(bad.expected));
        CHECK(snapshot(content) == content_before);
        CHECK(snapshot(cache) == cache_before);
    }
    CHECK_FALSE(fs::exists(scratch.path / "site"));
    CHECK(read_file(scratch.path / "a-file") == "не папка");
    // The folder a build runs from may hold the site: the usual `--out site`.
    auto usual = run_shnor("build --content content --out site --cache cache --date " + std::string(kDate), scratch.path);
    INFO(usual.output);
    CHECK(usual.exit_code == 0);
    CHECK(snapshot(content) == content_before);

    auto help = run_shnor("build --help", scratch.path);
    CHECK_THAT(help.output, Catch::Contains("--force") && Catch::Contains(".shnor-site"));
}

TEST_CASE("the user's files in the output folder survive a rebuild, --full and a removed school", "[publish]") {
    Scratch scratch("strays");
    REQUIRE(std::system(("python3 " + shell_quoted(fs::path(SHNOR_SOURCE_DIR) / "bench" / "generate.py") + " 3 " +
                         shell_quoted(scratch.path / "gen") + " >/dev/null")
                            .c_str()) == 0);
    fs::path content = scratch.path / "gen" / "content";
    fs::path out = scratch.path / "site", cache = scratch.path / "cache";
    auto build = [&](const std::string& extra) {
        auto result = run_shnor(build_arguments(content, out, cache) + extra, scratch.path);
        INFO(result.output);
        REQUIRE(result.exit_code == 0);
    };
    build("");
    const Snapshot mine{{"CNAME", "shnor.example\n"},
                        {"mine/notes.txt", "заметки"},
                        {"schools/s00001/files/приказ.pdf", "%PDF-1.4 приказ школы"},
                        {"schools/s00002/yandex_123.html", "<html>проверка</html>"}};
    for (const auto& [path, bytes] : mine) write_file(out / path, bytes);
    auto mine_intact = [&] {
        for (const auto& [path, bytes] : mine) {
            INFO(path);
            CHECK(read_file(out / path) == bytes);
        }
    };
    build("");
    mine_intact();
    build(" --full");
    mine_intact();
    retitle(content, "Другое название");
    build("");
    mine_intact();

    // School s00001 leaves the district: its pages go, the user's file in its folder stays.
    fs::remove_all(content / "schools" / "s00001");
    fs::path plan = content / "roadmaps" / "plan-2024.yaml";
    std::string text = read_file(plan);
    for (auto at = text.find("s00001, "); at != std::string::npos; at = text.find("s00001, ")) text.erase(at, 8);
    write_file(plan, text);
    build("");
    mine_intact();
    CHECK_FALSE(fs::exists(out / "schools/s00001/index.html"));
    // Apart from the user's files, the site is what a build into a new folder makes.
    fs::path fresh = scratch.path / "fresh";
    auto full = run_shnor(build_arguments(content, fresh, scratch.path / "fresh-cache"), scratch.path);
    REQUIRE(full.exit_code == 0);
    Snapshot site = snapshot(out);
    for (const auto& [path, bytes] : mine) site.erase(path);
    for (const char* folder : {"mine", "schools/s00001", "schools/s00001/files"}) site.erase(folder);
    CHECK(site == snapshot(fresh));
}

TEST_CASE("a build killed at any moment leaves the whole old site or the whole new one, never a mix", "[publish]") {
    Scratch scratch("kill");
    fs::path content = copy_of_example(scratch.path);
    fs::path out = scratch.path / "site", cache = scratch.path / "cache", log = scratch.path / "log.txt";
    // The two versions, each from a build into a new folder: every page differs.
    std::map<std::string, Snapshot> versions;
    for (std::string title : {"Версия А", "Версия Б"}) {
        retitle(content, title);
        fs::path fresh = scratch.path / "fresh";
        auto result = run_shnor(build_arguments(content, fresh, scratch.path / "fresh-cache"), scratch.path);
        REQUIRE(result.exit_code == 0);
        versions[title] = snapshot(fresh);
        fs::remove_all(fresh);
        fs::remove_all(scratch.path / "fresh-cache");
        fs::remove_all(scratch.path / ".fresh.shnor-spare");
    }
    retitle(content, "Версия А");
    auto started = std::chrono::steady_clock::now();
    REQUIRE(run_shnor(build_arguments(content, out, cache), scratch.path).exit_code == 0);
    auto build_time = std::chrono::steady_clock::now() - started;
    REQUIRE(snapshot(out) == versions["Версия А"]);

    SECTION("killed just before the swap: the old site, then the next build puts the new one") {
        retitle(content, "Версия Б");
        fs::path signal = scratch.path / "paused";
        pid_t pid = spawn_build(content, out, cache, log, {"SHNOR_TEST_PAUSE_BEFORE_PUBLISH=" + signal.string()});
        REQUIRE(wait_for_file(signal, std::chrono::seconds(60)));
        kill_and_reap(pid);
        CHECK(snapshot(out) == versions["Версия А"]);
        auto next = run_shnor(build_arguments(content, out, cache), scratch.path);
        INFO(next.output);
        REQUIRE(next.exit_code == 0);
        CHECK(snapshot(out) == versions["Версия Б"]);
        CHECK(names_in(scratch.path) ==
              std::vector<std::string>{".site.shnor-spare", "cache", "content", "log.txt", "paused", "site"});
    }
    SECTION("killed at moments spread over a build") {
        std::string current = "Версия А";
        for (int round = 0; round < 12; ++round) {
            std::string next = current == "Версия А" ? "Версия Б" : "Версия А";
            retitle(content, next);
            pid_t pid = spawn_build(content, out, cache, log);
            std::this_thread::sleep_for(build_time * round / 8);
            kill_and_reap(pid);
            Snapshot now = snapshot(out);
            INFO("round " << round << ", killed after " << round << "/8 of a build");
            bool old_site = now == versions[current], new_site = now == versions[next];
            CHECK((old_site || new_site));
            if (new_site) current = next;
            if (round % 3 == 2) {  // and a build that finishes, from whatever the kill left
                auto finished = run_shnor(build_arguments(content, out, cache), scratch.path);
                INFO(finished.output);
                REQUIRE(finished.exit_code == 0);
                REQUIRE(snapshot(out) == versions[next]);
                current = next;
            }
        }
        retitle(content, "Версия Б");
        REQUIRE(run_shnor(build_arguments(content, out, cache), scratch.path).exit_code == 0);
        CHECK(snapshot(out) == versions["Версия Б"]);
    }
}

TEST_CASE("staging folders of dead builds beside the output are removed by the next build", "[publish]") {
    Scratch scratch("dead-staging");
    fs::path content = copy_of_example(scratch.path);
    fs::path out = scratch.path / "site", cache = scratch.path / "cache";
    REQUIRE(run_shnor(build_arguments(content, out, cache), scratch.path).exit_code == 0);
    pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ::waitpid(dead, nullptr, 0);
    fs::path dead_staging = scratch.path / (".site.new-" + std::to_string(dead));
    fs::path live_staging = scratch.path / (".site.new-" + std::to_string(::getpid()));  // this process lives
    write_file(dead_staging / "schools/x/index.html", "полсайта");
    write_file(live_staging / "index.html", "сборка идёт");
    write_file(scratch.path / ".other.new-1" / "index.html", "не наше");
    retitle(content, "Новое название");
    auto result = run_shnor(build_arguments(content, out, cache), scratch.path);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    CHECK_FALSE(fs::exists(dead_staging));
    CHECK(fs::exists(live_staging));
    CHECK(fs::exists(scratch.path / ".other.new-1" / "index.html"));
}

TEST_CASE("a second build of the same folder waits, then says in Russian that another one runs", "[publish]") {
    Scratch scratch("lock");
    fs::path content = copy_of_example(scratch.path);
    fs::path out = scratch.path / "site", cache = scratch.path / "cache";
    REQUIRE(run_shnor(build_arguments(content, out, cache), scratch.path).exit_code == 0);
    auto before = snapshot(out);
    retitle(content, "Новое название");
    fs::path signal = scratch.path / "paused";
    pid_t first = spawn_build(content, out, cache, scratch.path / "first.txt",
                              {"SHNOR_TEST_PAUSE_BEFORE_PUBLISH=" + signal.string()});
    REQUIRE(wait_for_file(signal, std::chrono::seconds(60)));
    auto second = run_shnor(build_arguments(content, out, cache), scratch.path);
    INFO(second.output);
    CHECK(second.exit_code == 3);
    CHECK_THAT(second.output, Catch::Contains("сейчас собирает другой процесс shnor (PID " + std::to_string(first) + ")"));
    CHECK(snapshot(out) == before);
    kill_and_reap(first);
    auto third = run_shnor(build_arguments(content, out, cache), scratch.path);
    INFO(third.output);
    CHECK(third.exit_code == 0);
    CHECK_FALSE(fs::exists(scratch.path / ".site.shnor-lock"));
}

TEST_CASE("pages removed or changed by hand are written again, even when no content changed", "[publish]") {
    Scratch scratch("repair");
    fs::path content = copy_of_example(scratch.path);
    fs::path out = scratch.path / "site", cache = scratch.path / "cache";
    REQUIRE(run_shnor(build_arguments(content, out, cache), scratch.path).exit_code == 0);
    auto built = snapshot(out);
    auto unchanged = run_shnor(build_arguments(content, out, cache), scratch.path);
    REQUIRE_THAT(unchanged.output, Catch::Contains("Без изменений"));

    fs::remove(out / "index.html");
    std::ofstream(out / "schools/shubinskaya/index.html", std::ios::app) << "<p>правка вручную</p>";
    write_file(out / "data/schools.json", "[]");
    fs::remove_all(out / "vi/schools/sosh-1");
    auto repaired = run_shnor(build_arguments(content, out, cache), scratch.path);
    INFO(repaired.output);
    REQUIRE(repaired.exit_code == 0);
    CHECK_THAT(repaired.output, !Catch::Contains("Без изменений") && Catch::Contains("записаны заново") &&
                                    Catch::Contains("index.html"));
    CHECK(snapshot(out) == built);
    auto again = run_shnor(build_arguments(content, out, cache), scratch.path);
    INFO(again.output);
    CHECK_THAT(again.output, Catch::Contains("Без изменений"));
}
