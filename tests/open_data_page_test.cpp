// Issue 16, points 8 and 10 as a user meets them, with the real `shnor` on the
// example content: a workbook beside each CSV, the «Скачать данные» page, and
// the sitemap's <lastmod> taken from the content, never from the build date.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::run_command;
using shnor::test::shell_quoted;

namespace {

struct Built {
    fs::path path;
    explicit Built(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-open-data-page-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Built() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    shnor::test::CommandResult build(const std::string& site, const std::string& date) const {
        return run_command(shell_quoted(SHNOR_BINARY) + " build --content " +
                               shell_quoted(fs::path(SHNOR_SOURCE_DIR) / "content") + " --out " +
                               shell_quoted(path / site) + " --cache " + shell_quoted(path / ("cache-" + site)) +
                               " --date " + date,
                           path / "output.txt");
    }
};

// loc → lastmod ("" when the URL has none).
std::map<std::string, std::string> lastmods(const std::string& sitemap) {
    static const std::regex url(R"(<url><loc>([^<]*)</loc>(?:<lastmod>([^<]*)</lastmod>)?</url>)");
    std::map<std::string, std::string> found;
    for (std::sregex_iterator at(sitemap.begin(), sitemap.end(), url), end; at != end; ++at)
        found[(*at)[1].str()] = (*at)[2].str();
    return found;
}

}  // namespace

TEST_CASE("open data: a workbook beside each CSV and a page that says what each file holds", "[e2e]") {
    Built built("data");
    auto result = built.build("site", "2024-11-01");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    const fs::path site = built.path / "site";
    for (const std::string name : {"schools", "roadmaps", "indicators", "results", "documents"}) {
        INFO(name);
        REQUIRE(fs::exists(site / "data" / (name + ".csv")));
        REQUIRE(fs::exists(site / "data" / (name + ".xlsx")));
        auto sheet = run_command("unzip -p " + shell_quoted(site / "data" / (name + ".xlsx")) +
                                     " xl/worksheets/sheet1.xml",
                                 built.path / "unzip.txt");
        REQUIRE(sheet.exit_code == 0);
        // A bold header of Russian titles, frozen; rows of typed cells below it.
        const std::string header = R"(<c r="A1" s="1" t="inlineStr"><is><t>)";
        auto first = sheet.output.find(header);
        REQUIRE(first != std::string::npos);
        unsigned char lead = sheet.output[first + header.size()];
        CHECK((lead == 0xD0 || lead == 0xD1));  // a Cyrillic letter: the Russian title, not the CSV's key
        CHECK_THAT(sheet.output, Catch::Contains(R"(state="frozen")") && Catch::Contains(R"(<row r="2")"));
    }
    // Dates are dates: the roadmap's report date of 2024-04-25 (serial 45407) is a number cell.
    auto roadmaps = run_command("unzip -p " + shell_quoted(site / "data/roadmaps.xlsx") + " xl/worksheets/sheet1.xml",
                                built.path / "unzip.txt");
    auto value = roadmaps.output.find("<v>45407</v>");
    REQUIRE(value != std::string::npos);
    std::string cell = roadmaps.output.substr(roadmaps.output.rfind("<c ", value), value - roadmaps.output.rfind("<c ", value));
    CHECK_THAT(cell, Catch::Contains(" s=\"") && !Catch::Contains("t=\""));  // a number with the date format

    const std::string page = read_file(site / "data" / "index.html");
    CHECK_THAT(page, Catch::Contains("<h1>Скачать данные</h1>"));
    for (const std::string file : {"schools.xlsx", "schools.csv", "schools.json", "roadmaps.xlsx", "results.xlsx",
                                   "documents.xlsx", "indicators.xlsx", "site.json"})
        CHECK_THAT(page, Catch::Contains("href=\"../data/" + file + "\">" + file + "</a>"));
    // Each file's size, as it is on disk (roadmaps.csv is tens of kilobytes).
    auto kilobytes = std::to_string((fs::file_size(site / "data/roadmaps.csv") + 512) / 1024);
    CHECK_THAT(page, Catch::Contains("roadmaps.csv</a>, CSV (" + kilobytes + " КБ)"));
    CHECK_THAT(page, Catch::Contains("одним столбцом") && Catch::Contains("для Excel берите XLSX"));
    CHECK_THAT(page, Catch::Contains("Столбцы: Код школы; Название;"));
    // Linked from every page's footer and from the documents page.
    CHECK_THAT(read_file(site / "index.html"), Catch::Contains("<a href=\"data/\">Скачать данные</a>"));
    CHECK_THAT(read_file(site / "documents" / "index.html"), Catch::Contains("href=\"../data/\""));
    CHECK(fs::exists(site / "vi" / "data" / "index.html"));
}

TEST_CASE("sitemap: lastmod is each page's newest content date or status change, never the build date as such", "[e2e]") {
    Built built("lastmod");
    auto first = built.build("site", "2024-11-01");
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    auto later = built.build("later", "2024-12-15");
    INFO(later.output);
    REQUIRE(later.exit_code == 0);
    auto dates = lastmods(read_file(built.path / "site" / "sitemap.xml"));
    REQUIRE(dates.size() > 20);
    const std::string base = [&] {
        for (const auto& [loc, date] : dates)
            if (loc.ends_with("/schools/")) return loc.substr(0, loc.size() - 8);
        return std::string();
    }();
    REQUIRE_FALSE(base.empty());
    // A news item: its date; the news list: the newest; a roadmap: its newest report.
    CHECK(dates[base + "news/2024-09-02-tochka-rosta-shubinskaya/"] == "2024-09-02");
    CHECK(dates[base + "news/"] == "2024-10-28");
    CHECK(dates[base + "schools/shubinskaya/roadmap/"] >= "2024-09-02");
    // Pages without dated content have none; none is after the build date,
    // and only a status that changed that day dates a page with it: an open
    // item of Shubinskaya's was due in October.
    CHECK(dates[base + "schools/shubinskaya/results/"].empty());
    CHECK(dates[base + "indicators/"].empty());
    CHECK(dates[base + "data/"].empty());
    CHECK(dates[base + "schools/shubinskaya/roadmap/"] == "2024-11-01");
    for (const auto& [loc, date] : dates) {
        INFO(loc);
        CHECK(date <= "2024-11-01");
        if (date == "2024-11-01") CHECK(loc.find("/schools/shubinskaya/") != std::string::npos);
    }
    // A later build of the same content: every page both have keeps its
    // lastmod, unless a deadline passed in between changed what it shows.
    auto later_dates = lastmods(read_file(built.path / "later" / "sitemap.xml"));
    int kept = 0;
    for (const auto& [loc, date] : later_dates) {
        if (!dates.count(loc)) continue;
        INFO(loc);
        if (dates[loc] == date) ++kept;
        else CHECK((date > "2024-11-01" && date <= "2024-12-15"));
    }
    CHECK(kept > 20);
}
