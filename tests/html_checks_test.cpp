// What html-validate's recommended preset asks of the pages (issue 16), held
// here without node so that every build's tests see it: no inline styles (the
// progress bars' widths are classes), phone numbers that never wrap, <title>
// within 70 characters, void elements written as HTML writes them, <section>
// rather than a div with role="region". browser_test runs html-validate itself.
#include "test_paths.hpp"
#include "test_support.hpp"
#include "view/common.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::shell_quoted;

namespace {

std::size_t characters(const std::string& text) {
    std::size_t count = 0;
    for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

struct ExampleSite {
    fs::path root;
    std::vector<fs::path> pages;
    ExampleSite() {
        root = fs::temp_directory_path() / ("shnor-html-checks-" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root);
        auto result = shnor::test::run_command(shell_quoted(SHNOR_BINARY) + " build --content " +
                                                   shell_quoted(fs::path(SHNOR_SOURCE_DIR) / "content") + " --out " +
                                                   shell_quoted(root / "site") + " --date 2024-12-01",
                                               root / "output.txt");
        REQUIRE(result.exit_code == 0);
        for (const auto& entry : fs::recursive_directory_iterator(root / "site"))
            if (entry.path().extension() == ".html") pages.push_back(entry.path());
        REQUIRE(pages.size() > 100);
    }
    ~ExampleSite() { fs::remove_all(root); }
};

}  // namespace

TEST_CASE("the example's pages keep html-validate's recommended rules", "[html_checks]") {
    ExampleSite site;
    const std::regex title(R"(<title>([^<]*)</title>)");
    const std::regex tel_link(R"(<a href="tel:[^"]*">([^<]*)</a>)");
    int tel_links = 0;
    bool long_title_cut = false;
    for (const auto& page : site.pages) {
        std::string html = read_file(page);
        std::string name = fs::relative(page, site.root / "site").string();
        INFO(name);
        // no-inline-style
        CHECK(html.find(" style=\"") == std::string::npos);
        // prefer-native-element
        CHECK(html.find("role=\"region\"") == std::string::npos);
        // void-style: <br>, not <br /> (Markdown's cmark writes the latter). SVG keeps its own.
        CHECK(html.find("<br />") == std::string::npos);
        CHECK(html.find("<hr />") == std::string::npos);
        // long-title
        std::smatch match;
        REQUIRE(std::regex_search(html, match, title));
        CHECK(characters(match[1].str()) <= 70);
        long_title_cut = long_title_cut || match[1].str().find("…") != std::string::npos;
        // tel-non-breaking
        for (auto it = std::sregex_iterator(html.begin(), html.end(), tel_link); it != std::sregex_iterator(); ++it) {
            ++tel_links;
            std::string text = (*it)[1].str();
            INFO(text);
            CHECK(text.find(' ') == std::string::npos);
            CHECK(text.find('-') == std::string::npos);
        }
    }
    CHECK(tel_links > 0);
    CHECK(long_title_cut);  // the example has a title over 70 characters: it is cut, not left out
}

TEST_CASE("a page's <title>: with the district when it fits in 70 characters, else shortened at a word",
          "[html_checks]") {
    using shnor::view::detail::head_title;
    CHECK(head_title("Школы", "Барабинский район") == "Школы — Барабинский район");
    CHECK(head_title("Школы", "") == "Школы");
    std::string sixty(60, 'a');
    CHECK(head_title(sixty, "Барабинский район") == sixty);
    std::string longer = "Муниципальный план мероприятий («дорожная карта») по сопровождению школ, имеющих низкие "
                         "образовательные результаты";
    std::string cut = head_title(longer, "Барабинский район");
    CHECK(cut == "Муниципальный план мероприятий («дорожная карта») по сопровождению…");
    CHECK(characters(cut) <= 70);
}

TEST_CASE("progress bar parts are whole percentages adding up to 100, none of a status lost", "[html_checks]") {
    using shnor::view::detail::percent_steps;
    CHECK(percent_steps({1, 1, 1}) == std::vector<int>{34, 33, 33});
    CHECK(percent_steps({13, 4, 17, 13}) == std::vector<int>{28, 8, 36, 28});
    CHECK(percent_steps({1, 999}) == std::vector<int>{1, 99});
    CHECK(percent_steps({0, 5}) == std::vector<int>{0, 100});
    CHECK(percent_steps({0, 0}) == std::vector<int>{0, 0});
    CHECK(percent_steps({}).empty());
}

TEST_CASE("phone numbers are shown with non-breaking spaces and hyphens", "[html_checks]") {
    CHECK(shnor::view::detail::phone_text("+7 (383) 61-00-000") == "+7\u00A0(383)\u00A061\u201100\u2011000");
}
