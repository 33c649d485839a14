// Issue 16, points 2, 6 and 10a, as a reader meets them: the real `shnor`
// binary on the example content. The version for visually impaired readers
// offers its choices as radio inputs on every vi/ page (one vi/ tree, a small
// script only there); printed file links have an absolute address to show;
// every page links the favicon and the site root has /favicon.ico.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::write_file;

namespace {

constexpr const char* kDate = "2024-11-01";

struct Tree {
    fs::path path;
    fs::path content;
    fs::path site;
    explicit Tree(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-vi-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
        content = path / "content";
        site = path / "site";
        fs::copy(fs::path(SHNOR_SOURCE_DIR) / "content", content, fs::copy_options::recursive);
    }
    ~Tree() { fs::remove_all(path); }

    shnor::test::CommandResult build() const {
        return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " build --content " +
                                            shnor::test::shell_quoted(content) + " --out " +
                                            shnor::test::shell_quoted(site) + " --date " + kDate,
                                        path / "output.txt");
    }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Output paths of the HTML pages, relative to the site root.
std::vector<std::string> html_pages(const fs::path& site) {
    std::vector<std::string> pages;
    for (const auto& entry : fs::recursive_directory_iterator(site))
        if (entry.is_regular_file() && entry.path().extension() == ".html")
            pages.push_back(fs::relative(entry.path(), site).generic_string());
    return pages;
}

bool in_vi(const std::string& page) { return page.rfind("vi/", 0) == 0; }

const char* const kChoiceIds[] = {"vi-size-large",     "vi-size-larger",    "vi-size-largest",  "vi-scheme-bw",
                                  "vi-scheme-wb",      "vi-scheme-blue",    "vi-images-on",     "vi-images-off",
                                  "vi-spacing-normal", "vi-spacing-wide",   "vi-spacing-widest"};

}  // namespace

TEST_CASE("every page of vi/ offers type size, colours, images and letter spacing as radio inputs", "[vi]") {
    Tree tree("choices");
    auto result = tree.build();
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    auto pages = html_pages(tree.site);
    std::size_t vi_pages = 0;
    for (const auto& page : pages) {
        INFO(page);
        std::string html = read_file(tree.site / page);
        if (!in_vi(page)) {
            // The main site stays free of scripts and of the vi controls.
            CHECK_FALSE(contains(html, "vi-settings"));
            CHECK_FALSE(contains(html, "<script"));
            continue;
        }
        ++vi_pages;
        CHECK(contains(html, "<html lang=\"ru\" class=\"vi\">"));
        CHECK(contains(html, "class=\"vi-settings\""));
        // "Images off" shows an image's alt text in its place: the text follows each image.
        std::regex image("<img [^>]*alt=\"([^\"]+)\"[^>]*>(?!<span class=\"vi-alt\" aria-hidden=\"true\">)");
        CHECK_FALSE(std::regex_search(html, image));
        for (const char* id : kChoiceIds) {
            INFO(id);
            CHECK(std::regex_search(html, std::regex(std::string("<input type=\"radio\" name=\"[a-z-]+\" id=\"") +
                                                     id + "\"")));
            CHECK(contains(html, std::string("<label for=\"") + id + "\">"));
        }
        // One choice of each group is checked, so the page reads the same with scripts off.
        std::regex checked("<input type=\"radio\" name=\"(vi-[a-z]+)\" id=\"[a-z-]+\" value=\"[a-z]+\" checked>");
        std::set<std::string> groups;
        for (std::sregex_iterator it(html.begin(), html.end(), checked), end; it != end; ++it) groups.insert((*it)[1]);
        CHECK(groups == std::set<std::string>{"vi-images", "vi-scheme", "vi-size", "vi-spacing"});
        // The script that remembers the choice is small and the only one.
        auto start = html.find("<script>");
        REQUIRE(start != std::string::npos);
        auto end = html.find("</script>", start);
        REQUIRE(end != std::string::npos);
        CHECK(end - start < 2048);
        CHECK(html.find("<script", end) == std::string::npos);
    }
    const std::string photo_news = "news/2024-09-02-tochka-rosta-shubinskaya/index.html";
    CHECK(contains(read_file(tree.site / "vi" / photo_news), "<span class=\"vi-alt\" aria-hidden=\"true\">"));
    CHECK_FALSE(contains(read_file(tree.site / photo_news), "vi-alt"));
    // One copy per page (the 404 page has none), no tree per combination of choices.
    CHECK(vi_pages + 1 == pages.size() - vi_pages);
    CHECK_FALSE(fs::exists(tree.site / "vi/vi"));
    for (const auto& entry : fs::directory_iterator(tree.site)) {
        INFO(entry.path().filename().string());
        CHECK_FALSE(entry.path().filename().string().rfind("vi-", 0) == 0);
    }
}

TEST_CASE("printed pages can show where a file lies: its link carries the absolute address", "[print]") {
    Tree tree("print");
    auto result = tree.build();
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    std::string documents = read_file(tree.site / "documents/index.html");
    CHECK(contains(documents, "<a href=\"../files/spravka-monitoring-2024.pdf\" "
                              "data-url=\"https://barabinsk-edu.example/shnor/files/spravka-monitoring-2024.pdf\">"));
    std::string school_documents = read_file(tree.site / "schools/shubinskaya/documents/index.html");
    CHECK(std::regex_search(school_documents,
                            std::regex("data-url=\"https://barabinsk-edu\\.example/shnor/schools/shubinskaya/files/"
                                       "[^\"]+\\.pdf\"")));
    // Every file link of every page has one.
    for (const auto& page : html_pages(tree.site)) {
        std::string html = read_file(tree.site / page);
        std::regex file_link("<a href=\"[^\"]*files/[^\"]+\"( data-url=\"https://[^\"]+\")?");
        for (std::sregex_iterator it(html.begin(), html.end(), file_link), end; it != end; ++it) {
            INFO(page << ": " << (*it)[0].str());
            if (contains((*it)[0].str(), "/pages/")) continue;
            CHECK((*it)[1].matched);
        }
    }
    // Hints about clicking are marked for the screen only.
    std::string roadmap = read_file(tree.site / "schools/shubinskaya/index.html") +
                          read_file(tree.site / "roadmaps/dorozhnaya-karta-2024/index.html") +
                          read_file(tree.site / "index.html");
    std::regex hint("<p class=\"([^\"]*)\">Нажмите на статус");
    std::size_t hints = 0;
    for (std::sregex_iterator it(roadmap.begin(), roadmap.end(), hint), end; it != end; ++it, ++hints)
        CHECK(contains((*it)[1].str(), "screen-only"));
    CHECK(hints > 0);
}

TEST_CASE("every page links the favicon and the site root answers /favicon.ico", "[favicon]") {
    Tree tree("favicon");
    auto result = tree.build();
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    const fs::path builtin = fs::path(SHNOR_SOURCE_DIR) / "assets";
    REQUIRE(fs::is_regular_file(tree.site / "favicon.ico"));
    CHECK(read_file(tree.site / "favicon.ico") == read_file(builtin / "favicon.ico"));
    CHECK(read_file(tree.site / "assets/favicon.svg") == read_file(builtin / "favicon.svg"));
    for (const auto& page : html_pages(tree.site)) {
        INFO(page);
        std::string html = read_file(tree.site / page);
        std::smatch icon;
        REQUIRE(std::regex_search(html, icon, std::regex("<link rel=\"icon\" href=\"([^\"]*)\" type=\"image/svg\\+xml\">")));
        if (page == "404.html") continue;  // its links start at the site's own path
        CHECK(fs::is_regular_file(tree.site / fs::path(page).parent_path() / icon[1].str()));
    }

    SECTION("the content's own icon replaces the built-in one, and goes when it is removed") {
        write_file(tree.content / "assets/favicon.ico", "own icon");
        auto own = tree.build();
        INFO(own.output);
        REQUIRE(own.exit_code == 0);
        CHECK(read_file(tree.site / "favicon.ico") == "own icon");
        CHECK(read_file(tree.site / "assets/favicon.ico") == "own icon");
        fs::remove(tree.content / "assets/favicon.ico");
        auto again = tree.build();
        INFO(again.output);
        REQUIRE(again.exit_code == 0);
        CHECK(read_file(tree.site / "favicon.ico") == read_file(builtin / "favicon.ico"));
    }
}
