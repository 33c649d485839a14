// End to end: the real `shnor` binary builds the example content.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

const fs::path kExampleContent = fs::path(SHNOR_SOURCE_DIR) / "content";
constexpr const char* kDate = "2024-11-01";

struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-e2e-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

using RunResult = shnor::test::CommandResult;
using shnor::test::read_file;
using shnor::test::write_file;

RunResult run_shnor(const std::string& arguments, const fs::path& scratch) {
    return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " " + arguments,
                                    scratch / "shnor-output.txt");
}

RunResult build_example(const fs::path& out, const fs::path& scratch, const fs::path& content = kExampleContent) {
    return run_shnor("build --content '" + content.string() + "' --out '" + out.string() + "' --date " + kDate,
                     scratch);
}


std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file()) files[fs::relative(entry.path(), root).generic_string()] = read_file(entry.path());
    return files;
}

bool is_external(const std::string& link) {
    static const std::regex scheme("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    return std::regex_search(link, scheme) || link.rfind("//", 0) == 0;
}

// Every href/src of every HTML page that points inside the site must name a
// written file (a folder link must hold index.html).
std::vector<std::string> broken_internal_links(const fs::path& site) {
    static const std::regex attribute(R"((?:href|src)=\"([^\"]*)\")");
    std::vector<std::string> broken;
    for (const auto& entry : fs::recursive_directory_iterator(site)) {
        if (entry.path().extension() != ".html" || entry.path().filename() == "404.html") continue;
        std::string html = read_file(entry.path());
        for (std::sregex_iterator it(html.begin(), html.end(), attribute), end; it != end; ++it) {
            std::string link = (*it)[1];
            if (link.empty() || link[0] == '#' || is_external(link)) continue;
            link = link.substr(0, link.find_first_of("#?"));
            fs::path target = entry.path().parent_path() / link;
            if (link.empty() || link.back() == '/') target /= "index.html";
            if (!fs::is_regular_file(target))
                broken.push_back(fs::relative(entry.path(), site).generic_string() + " → " + (*it)[1].str());
        }
    }
    return broken;
}

}  // namespace

TEST_CASE("the example content builds into a complete site", "[e2e]") {
    TempDir scratch("site");
    fs::path out = scratch.path / "site";
    auto result = build_example(out, scratch.path);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);

    for (const char* page : {"index.html", "schools/index.html", "schools/sosh-1/index.html",
                             "schools/sosh-1/roadmap/index.html", "schools/sosh-1/results/index.html",
                             "schools/sosh-1/documents/index.html", "schools/sosh-1/news/index.html",
                             "roadmaps/dorozhnaya-karta-2024/index.html", "indicators/index.html",
                             "documents/index.html", "news/index.html", "news/feed.xml",
                             "pages/prikaz-145-2024/index.html", "pages/glossary/index.html",
                             "programs/soprovozhdenie-2024/index.html", "data/schools.json",
                             "data/roadmaps.json", "data/roadmaps.csv", "data/documents.json",
                             "sitemap.xml", "robots.txt", "404.html", "assets/style.css",
                             "vi/index.html", "vi/schools/sosh-1/index.html"}) {
        INFO(page);
        CHECK(fs::is_regular_file(out / page));
    }

    SECTION("every internal link resolves to a written file") {
        auto broken = broken_internal_links(out);
        INFO("first broken: " << (broken.empty() ? "" : broken.front()));
        CHECK(broken.empty());
    }

    SECTION("the roadmap shows all 47 items of the seed with printed deadlines") {
        std::string roadmap = read_file(out / "roadmaps/dorozhnaya-karta-2024/index.html");
        CHECK(roadmap.find("Назначение муниципальных координаторов по сопровождению ШНОР") != std::string::npos);
        CHECK(roadmap.find("По графику федерального оператора") != std::string::npos);
        CHECK(roadmap.find("id=\"item-47\"") != std::string::npos);
        CHECK(roadmap.find("<caption") != std::string::npos);
        CHECK(roadmap.find("scope=\"row\"") != std::string::npos);
    }

    SECTION("every school named in the order has its section") {
        std::string list = read_file(out / "schools/index.html");
        for (const char* name : {"Кармаклинская", "Новочановская", "Новониколаевская", "Устьянцевская",
                                 "Шубинская", "Новоярковская", "Таскаевская", "Квашнинская", "Бадажковская",
                                 "Тополевская"}) {
            INFO(name);
            CHECK(list.find(name) != std::string::npos);
        }
    }
}

TEST_CASE("two builds with the same --date are byte-identical", "[e2e]") {
    TempDir scratch("determinism");
    REQUIRE(build_example(scratch.path / "a", scratch.path).exit_code == 0);
    REQUIRE(build_example(scratch.path / "b", scratch.path).exit_code == 0);
    auto first = snapshot(scratch.path / "a");
    auto second = snapshot(scratch.path / "b");
    REQUIRE(first.size() == second.size());
    for (const auto& [path, bytes] : first) {
        INFO(path);
        CHECK(second[path] == bytes);
    }
}

TEST_CASE("text from content is escaped and raw HTML does not pass", "[e2e]") {
    TempDir scratch("escape");
    fs::path content = scratch.path / "content";
    fs::copy(kExampleContent, content, fs::copy_options::recursive);
    write_file(content / "pages/hostile.md",
               "---\ntitle: 'Заголовок <script>alert(1)</script> & \"кавычки\"'\n---\n"
               "Текст <script>alert(2)</script> и <b onclick=\"x()\">жирный</b>.\n");
    fs::path out = scratch.path / "site";
    auto result = build_example(out, scratch.path, content);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    std::string page = read_file(out / "pages/hostile/index.html");
    CHECK(page.find("<script>alert") == std::string::npos);
    CHECK(page.find("onclick") == std::string::npos);
    CHECK(page.find("Заголовок &lt;script&gt;alert(1)&lt;/script&gt; &amp;") != std::string::npos);
}

TEST_CASE("a build with content errors exits 1, names every error and keeps the old site", "[e2e]") {
    TempDir scratch("errors");
    fs::path out = scratch.path / "site";
    REQUIRE(build_example(out, scratch.path).exit_code == 0);
    auto before = snapshot(out);

    fs::path content = scratch.path / "content";
    fs::copy(kExampleContent, content, fs::copy_options::recursive);
    write_file(content / "indicators.yaml", "- id: broken\n  title: [не закрыта\n");
    write_file(content / "pages/no-title.md", "---\ndescription: без заголовка\n---\nТекст\n");
    auto result = build_example(out, scratch.path, content);
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("indicators.yaml:") != std::string::npos);
    CHECK(result.output.find("pages/no-title.md") != std::string::npos);
    CHECK(snapshot(out) == before);
}

TEST_CASE("usage errors exit 2 and --help explains every option", "[e2e]") {
    TempDir scratch("usage");
    CHECK(run_shnor("build --date 31.12.2024", scratch.path).exit_code == 2);
    CHECK(run_shnor("build --no-such-option", scratch.path).exit_code == 2);
    CHECK(run_shnor("", scratch.path).exit_code == 2);
    auto help = run_shnor("build --help", scratch.path);
    CHECK(help.exit_code == 0);
    for (const char* option : {"--content", "--out", "--date", "--base-url"}) {
        INFO(option);
        CHECK(help.output.find(option) != std::string::npos);
    }
}

TEST_CASE("shnor check reads the example without errors and writes nothing", "[e2e]") {
    TempDir scratch("check");
    auto result = run_shnor("check --content '" + kExampleContent.string() + "' --date " + kDate, scratch.path);
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("ошибок 0") != std::string::npos);
    CHECK_FALSE(fs::exists(scratch.path / "site"));
}

TEST_CASE("build --school writes one school's section as a self-contained folder", "[e2e]") {
    TempDir scratch("school");
    fs::path out = scratch.path / "school";
    auto result = run_shnor("build --content '" + kExampleContent.string() + "' --out '" + out.string() +
                                "' --date " + kDate + " --school shubinskaya",
                            scratch.path);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    for (const char* page : {"index.html", "roadmap/index.html", "results/index.html", "documents/index.html",
                             "news/index.html", "vi/index.html", "assets/style.css"}) {
        INFO(page);
        CHECK(fs::is_regular_file(out / page));
    }
    CHECK_FALSE(fs::exists(out / "schools"));
    CHECK_FALSE(fs::exists(out / "roadmaps"));
    auto broken = broken_internal_links(out);
    INFO("first broken: " << (broken.empty() ? "" : broken.front()));
    CHECK(broken.empty());
    std::string roadmap = read_file(out / "roadmap/index.html");
    // District pages are linked where the district site lives.
    CHECK(roadmap.find("href=\"https://barabinsk-edu.example/shnor/roadmaps/dorozhnaya-karta-2024/") !=
          std::string::npos);
    CHECK(roadmap.find("\xEE\x80") == std::string::npos);

    auto unknown = run_shnor("build --content '" + kExampleContent.string() + "' --out '" + out.string() +
                                 "' --school no-such-school",
                             scratch.path);
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.output.find("no-such-school") != std::string::npos);
}

TEST_CASE("shnor fetch reports each source of the example; builds use fetched region results", "[e2e]") {
    TempDir scratch("fetch");
    fs::path cache = scratch.path / "cache";
    auto fetched = run_shnor("fetch --content '" + kExampleContent.string() + "' --cache '" + cache.string() + "'",
                             scratch.path);
    INFO(fetched.output);
    CHECK(fetched.exit_code == 0);
    CHECK(fetched.output.find("region-results") != std::string::npos);
    CHECK(fetched.output.find("updated") != std::string::npos);
    auto again = run_shnor("fetch --offline --content '" + kExampleContent.string() + "' --cache '" + cache.string() + "'",
                           scratch.path);
    // The example's sources are file: ones, local content: read offline
    // too, whether the cache has a copy or not.
    CHECK(again.exit_code == 0);
    CHECK(again.output.find("updated") != std::string::npos);
    auto empty_cache = run_shnor("fetch --offline --content '" + kExampleContent.string() + "' --cache '" +
                                     (scratch.path / "none").string() + "'",
                                 scratch.path);
    CHECK(empty_cache.exit_code == 0);
    CHECK(empty_cache.output.find("failed") == std::string::npos);

    fs::path out = scratch.path / "site";
    REQUIRE(build_example(out, scratch.path).exit_code == 0);
    // The ЕГЭ region line comes only from the `results` source.
    CHECK(read_file(out / "schools/shubinskaya/results/index.html").find("55,1") != std::string::npos);
}

TEST_CASE("a school's own build pulls its district's coordinator and items from a district source", "[e2e]") {
    TempDir scratch("own");
    fs::path district_site = scratch.path / "district";
    REQUIRE(build_example(district_site, scratch.path).exit_code == 0);

    fs::path content = scratch.path / "content";
    fs::create_directories(content / "schools");
    fs::copy(kExampleContent / "schools/shubinskaya", content / "schools/shubinskaya", fs::copy_options::recursive);
    // A build reads nothing outside its content folder, file: sources included.
    fs::create_directories(content / "sources");
    fs::copy_file(district_site / "data/site.json", content / "sources/district.json");
    write_file(content / "site.yaml", "title: Раздел школы\nbase_url: https://shubinskaya.school.example/shnor/\n"
                                      "sources:\n  - {id: district, url: 'file:sources/district.json', role: district, "
                                      "format: json}\n");
    fs::path out = scratch.path / "own";
    auto result = run_shnor("build --content '" + content.string() + "' --out '" + out.string() + "' --date " + kDate +
                                " --cache '" + (scratch.path / "cache").string() + "' --school shubinskaya",
                            scratch.path);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    std::string page = read_file(out / "index.html");
    CHECK(page.find("Желтякова") != std::string::npos);  // the district coordinator
    std::string roadmap = read_file(out / "roadmap/index.html");
    CHECK(roadmap.find("Открыт центр «Точка роста»") != std::string::npos);  // district item 12 concerns the school
    CHECK(roadmap.find("href=\"https://barabinsk-edu.example/shnor/roadmaps/dorozhnaya-karta-2024/") != std::string::npos);
    CHECK(broken_internal_links(out).empty());
}

TEST_CASE("data sources reach the layouts by id, and a content layout overrides a built-in one", "[e2e]") {
    TempDir scratch("layouts");
    fs::path content = scratch.path / "content";
    fs::copy(kExampleContent, content, fs::copy_options::recursive);
    write_file(content / "layouts/page.mustache",
               "<h1>{{title}}</h1>{{#sources.region-results}}<p class=\"src\">{{exam}} {{year}} {{mean}}</p>"
               "{{/sources.region-results}}\n");
    fs::path out = scratch.path / "site";
    auto result = build_example(out, scratch.path, content);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    std::string page = read_file(out / "pages/glossary/index.html");
    CHECK(page.find("<p class=\"src\">ЕГЭ 2024 55,1</p>") != std::string::npos);
    CHECK(read_file(out / "index.html").find("class=\"src\"") == std::string::npos);  // other layouts untouched
}

TEST_CASE("a school's text is put wherever a content layout prints its fragment, even twice", "[e2e]") {
    TempDir scratch("fragments");
    fs::path content = scratch.path / "content";
    fs::copy(kExampleContent, content, fs::copy_options::recursive);
    write_file(content / "layouts/school.mustache",
               "<div class=\"a\">{{{intro_block}}}</div><div class=\"b\">{{{intro_block}}}</div>\n");
    fs::path out = scratch.path / "site";
    auto result = build_example(out, scratch.path, content);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    const std::string intro = "Школа включена в перечень школ с низкими образовательными результатами";
    for (const fs::path& page : {out / "schools/shubinskaya/index.html", out / "vi/schools/shubinskaya/index.html"}) {
        std::string html = read_file(page);
        auto first = html.find(intro);
        REQUIRE(first != std::string::npos);
        CHECK(html.find(intro, first + 1) != std::string::npos);
        CHECK(html.find("\xEE\x80\x84") == std::string::npos);  // no fragment mark left
    }
}

TEST_CASE("each row of the schools list comes from its own layout, with the page's root, in both copies", "[e2e]") {
    TempDir scratch("rows");
    fs::path content = scratch.path / "content";
    fs::copy(kExampleContent, content, fs::copy_options::recursive);
    write_file(content / "layouts/school_row.mustache", "<tr><th>{{name}}</th><td>{{root}}{{roadmap_href}}</td></tr>");
    fs::path out = scratch.path / "site";
    auto result = build_example(out, scratch.path, content);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    for (const fs::path& page : {out / "schools/index.html", out / "vi/schools/index.html"}) {
        std::string html = read_file(page);
        auto first = html.find("<tr><th>МКОУ СОШ №1</th><td>../schools/sosh-1/roadmap/</td></tr>\n");
        auto second = html.find("<tr><th>МБОУ СОШ №47</th><td>../schools/sosh-47/roadmap/</td></tr>\n");
        CHECK(first != std::string::npos);
        CHECK(second > first);
        CHECK(second != std::string::npos);
        CHECK(html.find("\xEE\x80\x84") == std::string::npos);  // no fragment mark left
    }
}
