// Quiet daily rebuilds: a page changes with its content or with a status the
// passing of time changed, never with the build date alone. The example is
// rebuilt into one folder day after day past its roadmaps' deadlines.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kExampleContent = fs::path(SHNOR_SOURCE_DIR) / "content";
const std::string kBaseUrl = "https://barabinsk-edu.example/shnor/";

struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-quiet-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() { fs::remove_all(path); }
};

shnor::test::CommandResult build_on(const Scratch& scratch, const std::string& date) {
    return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " build --content " +
                                        shnor::test::shell_quoted(kExampleContent) + " --out " +
                                        shnor::test::shell_quoted(scratch.path / "site") + " --cache " +
                                        shnor::test::shell_quoted(scratch.path / "cache") + " --date " + date,
                                    scratch.path / "log.txt");
}

struct Page {
    std::string body;    // the page without its «Сведения на» line
    std::string as_of;   // that line's ISO date; empty without one
};

const std::regex kFooterDate(
    R"re(<p class="site-footer__date">Сведения на <time datetime="(\d{4}-\d{2}-\d{2})">[^<]*</time></p>)re");

std::map<std::string, Page> pages_of(const fs::path& site) {
    std::map<std::string, Page> pages;
    for (const auto& entry : fs::recursive_directory_iterator(site)) {
        if (entry.path().extension() != ".html") continue;
        std::string html = shnor::test::read_file(entry.path());
        Page page;
        std::smatch found;
        if (std::regex_search(html, found, kFooterDate)) {
            page.as_of = found[1];
            html.erase(found.position(0), found.length(0));
        }
        page.body = std::move(html);
        pages[fs::relative(entry.path(), site).generic_string()] = std::move(page);
    }
    return pages;
}

// The sitemap's <lastmod> by file path ("schools/x/index.html").
std::map<std::string, std::string> lastmods(const fs::path& site) {
    static const std::regex url(R"(<loc>([^<]*)</loc>(?:<lastmod>([^<]*)</lastmod>)?)");
    std::string xml = shnor::test::read_file(site / "sitemap.xml");
    std::map<std::string, std::string> dates;
    for (std::sregex_iterator it(xml.begin(), xml.end(), url), end; it != end; ++it) {
        std::string path = (*it)[1].str().substr(kBaseUrl.size());
        if (path.empty() || path.back() == '/') path += "index.html";
        dates[path] = (*it)[2];
    }
    return dates;
}

int files_written(const std::string& output) {
    static const std::regex written(R"(записано изменённых файлов: (\d+))");
    std::smatch found;
    return std::regex_search(output, found, written) ? std::stoi(found[1]) : -1;
}

}  // namespace

TEST_CASE("a page's «Сведения на» follows what it shows: day after day only deadlines passed change pages",
          "[quiet]") {
    // From the example's newest content date (2024-10-28) across its open
    // items' deadlines (2024-10-31, 11-30, 12-31, 2025-05-31) and the end of
    // its roadmaps' periods, with days between on which nothing passes.
    const std::vector<std::string> dates = {"2024-10-29", "2024-10-30", "2024-10-31", "2024-11-01", "2024-11-02",
                                            "2024-11-03", "2024-11-30", "2024-12-01", "2024-12-02", "2024-12-31",
                                            "2025-01-01", "2025-01-02", "2025-05-31", "2025-06-01", "2025-06-02",
                                            "2026-01-01"};
    Scratch scratch("days");
    std::map<std::string, Page> before;
    std::string previous_date;
    int quiet_days = 0, changed_pages = 0;
    for (const auto& date : dates) {
        INFO("build date " << date << ", previous " << previous_date);
        auto result = build_on(scratch, date);
        REQUIRE(result.exit_code == 0);
        auto pages = pages_of(scratch.path / "site");
        auto sitemap = lastmods(scratch.path / "site");
        int changed = 0;
        for (const auto& [path, page] : pages) {
            INFO(path << " «Сведения на» " << page.as_of);
            CHECK(page.as_of <= date);  // never a date to come
            if (auto listed = sitemap.find(path); listed != sitemap.end()) CHECK(listed->second == page.as_of);
            if (previous_date.empty()) continue;
            auto found = before.find(path);
            if (found == before.end()) {  // a new status listing: the page shows its new status
                ++changed;
                CHECK(page.as_of > previous_date);
                continue;
            }
            const Page& earlier = found->second;
            if (page.body == earlier.body) {
                CHECK(page.as_of == earlier.as_of);  // the same page: the same bytes
            } else {
                ++changed;
                // Only time changed: the page shows a status that changed since the last build, and says so.
                // The schools list alone has no date: its rows are its schools' figures (ARCHITECTURE.md).
                if (path.ends_with("schools/index.html") && path.find("schools/") == path.rfind("schools/"))
                    CHECK(page.as_of.empty());
                else
                    CHECK(page.as_of > previous_date);
            }
        }
        if (!previous_date.empty()) {
            // A day with no page changed writes no file at all (open data included).
            if (changed == 0) {
                ++quiet_days;
                CHECK(files_written(result.output) == 0);
            }
            changed_pages += changed;
        }
        before = std::move(pages);
        previous_date = date;
    }
    // The dates cross deadlines, and also leave some days with none crossed.
    CHECK(quiet_days >= 3);
    CHECK(changed_pages > 0);
}

TEST_CASE("a rebuild one day later with no deadline crossed rewrites no file", "[quiet]") {
    Scratch scratch("next-day");
    REQUIRE(build_on(scratch, "2024-11-02").exit_code == 0);
    auto result = build_on(scratch, "2024-11-03");
    REQUIRE(result.exit_code == 0);
    CHECK(files_written(result.output) == 0);
    auto home = shnor::test::read_file(scratch.path / "site" / "index.html");
    // The home page's figures are dated as its footer: the last status change, not the build.
    CHECK(home.find("Сведения на <time datetime=\"2024-11-03\"") == std::string::npos);
}
