// `shnor build --school SLUG --fragment`: each page of a school's section as
// an HTML fragment to paste into the school's own CMS site (issue 18.4).
// How the fragments look inside a hostile theme: tests/browser/fragments.js.
#include "pipeline/school_fragments.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::test::read_file;

namespace {

const fs::path kExample = fs::path(SHNOR_SOURCE_DIR) / "content";
const std::string kBase = "https://rayon.example/shnor/";
constexpr const char* kSchool = "shubinskaya";

struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-fragments-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() { fs::remove_all(path); }
};

shnor::test::CommandResult shnor_build(const Scratch& scratch, const fs::path& out, const std::string& extra) {
    return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " build --content " +
                                        shnor::test::shell_quoted(kExample) + " --out " +
                                        shnor::test::shell_quoted(out) + " --cache " +
                                        shnor::test::shell_quoted(scratch.path / "cache") + " --date 2024-11-01 " +
                                        extra,
                                    scratch.path / "log.txt");
}

std::map<std::string, std::string> files_of(const fs::path& folder) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.is_regular_file() && entry.path().filename() != ".shnor-site")
            files[fs::relative(entry.path(), folder).generic_string()] = read_file(entry.path());
    return files;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// Every URL of an href, src or srcset attribute.
std::vector<std::string> urls_in(const std::string& html) {
    std::vector<std::string> urls;
    static const std::regex attribute(R"re(\s(href|src|srcset)="([^"]*)")re");
    for (std::sregex_iterator it(html.begin(), html.end(), attribute), end; it != end; ++it) {
        if ((*it)[1] != "srcset") {
            urls.push_back((*it)[2]);
            continue;
        }
        static const std::regex candidate(R"re(\s*([^\s,]+)(\s+[0-9.]+[wx])?\s*(,|$))re");
        std::string list = (*it)[2];
        for (std::sregex_iterator c(list.begin(), list.end(), candidate), stop; c != stop; ++c) urls.push_back((*c)[1]);
    }
    return urls;
}

std::string style_of(const std::string& fragment) {
    auto open = fragment.find("<style>");
    auto close = fragment.find("</style>");
    REQUIRE(open != std::string::npos);
    REQUIRE(close != std::string::npos);
    return fragment.substr(open + 7, close - open - 7);
}

// The selectors of every style rule of `css` (inside @media and @supports
// too), each selector of a list apart. Enough for the fragment stylesheet:
// no braces, commas or comment marks inside strings.
std::vector<std::string> selectors_of(std::string css) {
    for (auto open = css.find("/*"); open != std::string::npos; open = css.find("/*")) {
        auto close = css.find("*/", open);
        REQUIRE(close != std::string::npos);
        css.erase(open, close + 2 - open);
    }
    std::vector<std::string> selectors;
    std::size_t at = 0;
    while (true) {
        auto brace = css.find_first_of("{}", at);
        if (brace == std::string::npos) break;
        std::string prelude = css.substr(at, brace - at);
        at = brace + 1;
        if (css[brace] == '}') continue;  // the end of an @media block
        prelude = std::regex_replace(prelude, std::regex(R"(^\s+|\s+$)"), "");
        if (starts_with(prelude, "@")) continue;  // its rules follow
        int depth = 0;
        std::string current;
        for (char c : prelude) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                selectors.push_back(std::regex_replace(current, std::regex(R"(^\s+)"), ""));
                current.clear();
            } else {
                current += c;
            }
        }
        selectors.push_back(std::regex_replace(current, std::regex(R"(^\s+)"), ""));
        at = css.find('}', at) + 1;  // past the declarations
    }
    return selectors;
}

std::string html_unescaped(std::string text) {
    for (auto [entity, character] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}) {
        for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
            text.replace(at, entity.size(), character);
    }
    return text;
}

}  // namespace

TEST_CASE("fragments: a fragment's file is named after its page in the section", "[fragments]") {
    CHECK(shnor::pipeline::fragment_file_name("") == "main.html");
    CHECK(shnor::pipeline::fragment_file_name("roadmap/") == "roadmap.html");
    CHECK(shnor::pipeline::fragment_file_name("roadmap/status/overdue/") == "roadmap-status-overdue.html");
}

TEST_CASE("fragments: relative links are resolved against the page's address on the district site", "[fragments]") {
    const std::string page = "https://rayon.example/shnor/schools/sosh-1/";
    std::string html = "<p><a href=\"../../roadmaps/plan/\">plan</a> <a href=\"#q-list\">q</a> "
                       "<a href=\"mailto:a@b.ru\">m</a> <a href=\"https://other.example/x\">o</a> "
                       "<img src=\"files/a.png\" alt=\"x\"> <a href=\"documents/?id=1&amp;v=2\">d</a></p>";
    std::string absolute = shnor::pipeline::with_absolute_links(html, page);
    CHECK(absolute.find("href=\"https://rayon.example/shnor/roadmaps/plan/\"") != std::string::npos);
    CHECK(absolute.find("href=\"#q-list\"") != std::string::npos);
    CHECK(absolute.find("href=\"mailto:a@b.ru\"") != std::string::npos);
    CHECK(absolute.find("href=\"https://other.example/x\"") != std::string::npos);
    CHECK(absolute.find("src=\"https://rayon.example/shnor/schools/sosh-1/files/a.png\"") != std::string::npos);
    CHECK(absolute.find("href=\"https://rayon.example/shnor/schools/sosh-1/documents/?id=1&amp;v=2\"") !=
          std::string::npos);
    // Text that only looks like an attribute is text: kept.
    CHECK(shnor::pipeline::with_absolute_links("<p>href=&quot;x&quot;</p>", page) == "<p>href=&quot;x&quot;</p>");
}

TEST_CASE("fragments: --school --fragment writes one fragment a page and the page to copy them from",
          "[fragments]") {
    Scratch scratch("build");
    fs::path out = scratch.path / "fragments";
    auto built = shnor_build(scratch, out, "--school " + std::string(kSchool) + " --fragment --base-url " + kBase);
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    auto files = files_of(out);
    REQUIRE(files.count("index.html"));

    // The pages of the school's section on the district site, each one.
    fs::path district = scratch.path / "district";
    REQUIRE(shnor_build(scratch, district, "--base-url " + kBase).exit_code == 0);
    const std::string section = "schools/" + std::string(kSchool) + "/";
    std::set<std::string> expected{"index.html"};
    for (const auto& [path, bytes] : files_of(district / section)) {
        if (!path.ends_with("index.html")) continue;
        expected.insert(shnor::pipeline::fragment_file_name(path.substr(0, path.size() - 10)));
    }
    std::set<std::string> written;
    for (const auto& [path, bytes] : files) written.insert(path);
    CHECK(written == expected);
    CHECK(written.count("main.html"));
    CHECK(written.count("roadmap.html"));

    const std::string index = files.at("index.html");
    for (const auto& [path, fragment] : files) {
        if (path == "index.html") continue;
        INFO(path);
        // A piece of a page: no document of its own, no scripts, one wrapper.
        for (const char* tag : {"<!DOCTYPE", "<html", "<head", "<body", "<script", "<main", "<link "})
            CHECK(fragment.find(tag) == std::string::npos);
        CHECK(starts_with(fragment, "<div class=\"shnor-fragment\" lang=\"ru\">\n<style>"));
        CHECK(fragment.ends_with("</div>\n"));
        CHECK(fragment.find("\xEE\x80") == std::string::npos);  // no link marker left
        // Every address absolute; every link into the district site at --base-url.
        auto urls = urls_in(fragment);
        CHECK_FALSE(urls.empty());
        for (const auto& url : urls) {
            INFO(url);
            bool absolute = starts_with(url, "https://") || starts_with(url, "http://") || starts_with(url, "#") ||
                            starts_with(url, "mailto:") || starts_with(url, "tel:");
            CHECK(absolute);
            CHECK_FALSE(starts_with(url, "https://barabinsk-edu.example/"));  // site.yaml's base_url, not --base-url
        }
        CHECK(fragment.find("href=\"" + kBase + section) != std::string::npos);
        // Every style rule scoped to the wrapper.
        auto selectors = selectors_of(style_of(fragment));
        CHECK(selectors.size() > 100);
        for (const auto& selector : selectors) {
            INFO(selector);
            CHECK(starts_with(selector, ".shnor-fragment"));
        }
        // The index lists it with its code, exactly, in a read-only field.
        CHECK(index.find("href=\"" + path + "\"") != std::string::npos);
        std::string id = path.substr(0, path.size() - 5);
        std::string field = "<textarea id=\"" + id + "-code\" rows=\"8\" readonly spellcheck=\"false\">";
        auto at = index.find(field);
        REQUIRE(at != std::string::npos);
        auto end = index.find("</textarea>", at);
        CHECK(html_unescaped(index.substr(at + field.size(), end - at - field.size())) == fragment);
    }
    CHECK(files.at("roadmap.html").find("href=\"" + kBase + "roadmaps/dorozhnaya-karta-2024/") != std::string::npos);

    // Deterministic: the same content and date give the same bytes.
    fs::path again = scratch.path / "again";
    REQUIRE(shnor_build(scratch, again, "--school " + std::string(kSchool) + " --fragment --base-url " + kBase)
                .exit_code == 0);
    CHECK(files_of(again) == files);
}

TEST_CASE("fragments: --fragment needs --school and --base-url (usage error, nothing written)", "[fragments]") {
    Scratch scratch("usage");
    fs::path out = scratch.path / "out";
    auto no_base = shnor_build(scratch, out, "--school " + std::string(kSchool) + " --fragment");
    CHECK(no_base.exit_code == 2);
    CHECK(no_base.output.find("--fragment: укажите --base-url") != std::string::npos);
    auto no_school = shnor_build(scratch, out, "--fragment --base-url " + kBase);
    CHECK(no_school.exit_code == 2);
    CHECK(no_school.output.find("--school") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("fragments: the stylesheet is what tools/fragment_css.py makes of assets/style.css", "[fragments]") {
    Scratch scratch("css");
    auto checked = shnor::test::run_command(
        shnor::test::shell_quoted(fs::path(SHNOR_SOURCE_DIR) / "tools/fragment_css.py") + " --check",
        scratch.path / "log.txt");
    INFO(checked.output);
    CHECK(checked.exit_code == 0);
}
