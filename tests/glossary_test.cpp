// The glossary: abbreviations expanded at their first use on a page
// (render/glossary.hpp), site.yaml `glossary` and `short_title`, the
// glossary page, all of it on the real `shnor` binary too.
#include "check/check.hpp"
#include "model/glossary.hpp"
#include "render/glossary.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>

namespace fs = std::filesystem;
using shnor::render::Glossary;
using shnor::test::read_file;
using shnor::test::write_file;

namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

// The structure an <abbr> must keep for the HTML to stay valid: every one
// closed, none inside another, none inside a tag or the <title>.
void check_abbr_structure(const std::string& html) {
    CHECK(count_of(html, "<abbr") == count_of(html, "</abbr>"));
    CHECK_FALSE(std::regex_search(html, std::regex("<abbr[^>]*>[^<]*<abbr")));
    CHECK_FALSE(std::regex_search(html, std::regex("=\"[^\"]*<abbr")));
    auto title_end = html.find("</title>");
    if (title_end != std::string::npos) CHECK(html.rfind("<abbr", title_end) == std::string::npos);
}

const std::vector<shnor::model::GlossaryTerm> kDistrictTerms = {
    {"ЦРО", "Центр развития образования", 1},
    {"ТУ", "территориальное управление", 2},
    {"МППКО", "муниципальная программа повышения качества образования", 3},
    {"МКУ ЦИМО", "МКУ «Центр информационно-методического обеспечения»", 4},
};

}  // namespace

TEST_CASE("glossary: only the first use of each term on a page gets <abbr title>", "[glossary]") {
    Glossary glossary(kDistrictTerms);
    // The phrase of seed 000: «… (далее - ДО), ЦРО, общеобразовательные учреждения …».
    std::string html = "<p>Департамент образования (далее - ДО), ЦРО, общеобразовательные учреждения.</p>"
                       "<p>Специалисты ЦРО и ТУ; ЦРО снова.</p>";
    std::string out = glossary.expand_first_uses(html);
    CHECK(out == "<p>Департамент образования (далее - ДО), <abbr title=\"Центр развития образования\">ЦРО</abbr>, "
                 "общеобразовательные учреждения.</p><p>Специалисты ЦРО и <abbr title=\"территориальное "
                 "управление\">ТУ</abbr>; ЦРО снова.</p>");
    check_abbr_structure(out);
}

TEST_CASE("glossary: built-in terms, whole words only, the longest term wins", "[glossary]") {
    Glossary glossary(kDistrictTerms);
    std::string out = glossary.expand_first_uses("<p>ШНОРы и ТУР не сокращения; ВПР-2024, МКУ ЦИМО и ОГЭ.</p>");
    CHECK(out.find("<abbr title=\"всероссийские проверочные работы\">ВПР</abbr>-2024") != std::string::npos);
    CHECK(out.find("<abbr title=\"МКУ «Центр информационно-методического обеспечения»\">МКУ ЦИМО</abbr>") !=
          std::string::npos);
    CHECK(out.find("<abbr title=\"основной государственный экзамен\">ОГЭ</abbr>") != std::string::npos);
    CHECK(out.find("ШНОРы и ТУР") != std::string::npos);
    CHECK(count_of(out, "<abbr") == 3);
}

TEST_CASE("glossary: never in tags, attributes, entities, <title>, <script>, <style>, <svg> or <header>", "[glossary]") {
    Glossary glossary(kDistrictTerms);
    std::string html =
        "<html><head><title>ЦРО — район</title><style>.ЦРО{}</style></head><body>"
        "<a href=\"https://x.example/ЦРО/\" title=\"ЦРО\">ссылка</a><script>var ЦРО = 1;</script>"
        "<svg><title>ЦРО</title><text>ЦРО</text></svg>&ЦРО;<!-- ЦРО --><header class=\"site-header\">ЦРО</header>"
        "<h2>План ЦРО</h2><p>ЦРО</p></body></html>";
    std::string out = glossary.expand_first_uses(html);
    CHECK(count_of(out, "<abbr") == 1);
    CHECK(out.find("<h2>План <abbr title=\"Центр развития образования\">ЦРО</abbr></h2><p>ЦРО</p>") !=
          std::string::npos);
    check_abbr_structure(out);
}

TEST_CASE("glossary: a term already in an <abbr> of the layout counts as expanded", "[glossary]") {
    Glossary glossary({});
    std::string html = "<p><abbr title=\"школы с низкими образовательными результатами\">ШНОР</abbr> и ШНОР, ШНСУ</p>";
    std::string out = glossary.expand_first_uses(html);
    CHECK(count_of(out, "<abbr") == 2);
    CHECK(out.find("</abbr> и ШНОР, <abbr title=\"школы, функционирующие в неблагоприятных социальных условиях\">ШНСУ") !=
          std::string::npos);
}

TEST_CASE("glossary: a site term replaces the built-in one; find_terms sees plain text", "[glossary]") {
    Glossary glossary({{"ОО", "образовательная организация", 1}});
    std::vector<bool> used;
    glossary.find_terms("Руководители ОО", used);
    std::size_t found = 0;
    for (std::size_t index = 0; index < used.size(); ++index)
        if (used[index]) {
            ++found;
            CHECK(glossary.terms()[index].abbreviation == "ОО");
            CHECK(glossary.terms()[index].expansion == "образовательная организация");
        }
    CHECK(found == 1);
}

TEST_CASE("glossary: what counts as an abbreviation", "[glossary]") {
    using shnor::model::is_abbreviation;
    CHECK(is_abbreviation("ЦРО"));
    CHECK(is_abbreviation("ТУ"));
    CHECK(is_abbreviation("НИПКиПРО"));
    CHECK(is_abbreviation("МКУ ЦИМО"));
    CHECK_FALSE(is_abbreviation("Школа"));
    CHECK_FALSE(is_abbreviation("вШНОР"));
    CHECK_FALSE(is_abbreviation("«УСН.РУ»"));
    CHECK_FALSE(is_abbreviation(""));
    CHECK(shnor::model::abbreviation_words("ЦРО и ТУ, Школа, ЦРО") == "ТУ ЦРО");
}

namespace {

struct Tree {
    fs::path path = fs::temp_directory_path() / ("shnor-glossary-" + std::to_string(::getpid()));
    fs::path content = path / "content";
    Tree() {
        fs::remove_all(path);
        write("site.yaml", R"(title: Сопровождение школ с низкими образовательными результатами
short_title: Сопровождение ШНОР
base_url: https://uo.example.org/shnor/
district: {name: Городской округ}
glossary:
  ЦРО: Центр развития образования
  МППКО: муниципальная программа повышения качества образования
  ТУ: территориальное управление
)");
        write("schools/sosh-5/school.yaml", "name: МБОУ Школа № 5\ncategories:\n  - {type: shnor, year: 2024, "
                                            "basis: приказ № 1, reasons: [низкие результаты ОГЭ]}\n");
        write("schools/sosh-5/index.md", "Школа работает с ЦРО по плану. ЦРО проводит семинары.\n");
        write("news/2024-05-01-seminar.md", "---\ntitle: Семинар ЦРО\n---\nСеминар ЦРО для ОО района прошёл.\n");
    }
    ~Tree() { fs::remove_all(path); }
    void write(const std::string& relative, const std::string& text) { write_file(content / relative, text); }
    shnor::test::CommandResult shnor(const std::string& arguments) {
        return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " " + arguments + " --cache " +
                                            shnor::test::shell_quoted(path / "cache"),
                                        path / "log.txt");
    }
    shnor::test::CommandResult build(const fs::path& out, const std::string& more = "") {
        return shnor("build --content " + shnor::test::shell_quoted(content) + " --out " +
                     shnor::test::shell_quoted(out) + " --date 2024-11-01 " + more);
    }
};

}  // namespace

TEST_CASE("glossary e2e: first use on each page, the glossary page lists only the terms used", "[glossary][e2e]") {
    Tree tree;
    auto result = tree.build(tree.path / "site");
    REQUIRE(result.exit_code == 0);
    std::string news = read_file(tree.path / "site/news/2024-05-01-seminar/index.html");
    // The title's ЦРО is in <title> and the heading; the heading's is the first use on the page.
    CHECK(news.find("<title>Семинар ЦРО") != std::string::npos);
    CHECK(count_of(news, "<abbr title=\"Центр развития образования\">ЦРО</abbr>") == 1);
    CHECK(news.find("<abbr title=\"общеобразовательная организация\">ОО</abbr>") != std::string::npos);
    check_abbr_structure(news);

    std::string glossary = read_file(tree.path / "site/glossary/index.html");
    CHECK(glossary.find("<h1>Сокращения</h1>") != std::string::npos);
    CHECK(glossary.find(">ЦРО</abbr></dt><dd>Центр развития образования</dd>") != std::string::npos);
    CHECK(glossary.find(">ОО</abbr></dt>") != std::string::npos);
    CHECK(glossary.find(">ШНОР</abbr></dt>") != std::string::npos);
    // Defined but used nowhere: not listed.
    CHECK(glossary.find("МППКО") == std::string::npos);
    CHECK(glossary.find(">ТУ</abbr>") == std::string::npos);
    CHECK(glossary.find(">ФГОС<") == std::string::npos);
    // Sorted by abbreviation.
    CHECK(glossary.find(">ОО</abbr></dt>") < glossary.find(">ЦРО</abbr></dt>"));
    CHECK(glossary.find(">ЦРО</abbr></dt>") < glossary.find(">ШНОР</abbr></dt>"));
    check_abbr_structure(glossary);

    // Every page links to it from the footer, in both copies.
    std::string home = read_file(tree.path / "site/index.html");
    CHECK(home.find("<a href=\"glossary/\">Сокращения</a>") != std::string::npos);
    std::string school = read_file(tree.path / "site/schools/sosh-5/index.html");
    CHECK(school.find("<a href=\"../../glossary/\">Сокращения</a>") != std::string::npos);
    // The school's own text (index.md) is searched on its own: its first ЦРО.
    CHECK(school.find("Школа работает с <abbr title=\"Центр развития образования\">ЦРО</abbr> по плану. ЦРО "
                      "проводит") != std::string::npos);
    CHECK(read_file(tree.path / "site/vi/glossary/index.html").find("<h1>Сокращения</h1>") != std::string::npos);
    check_abbr_structure(school);

    // short_title: both titles in the header, CSS picks one by width. The
    // header, hidden in half, is not where a term is expanded.
    CHECK(home.find("<span class=\"site-header__full\">Сопровождение школ с низкими образовательными "
                    "результатами</span><span class=\"site-header__short\">Сопровождение ШНОР</span>") !=
          std::string::npos);
    CHECK(news.find("<abbr title=\"школы с низкими образовательными результатами\">ШНОР</abbr>") ==
          std::string::npos);
    std::string css = read_file(tree.path / "site/assets/style.css");
    CHECK(css.find(".site-header__short { display: none; }") != std::string::npos);

    // Deterministic: the same content and date give the same bytes.
    REQUIRE(tree.build(tree.path / "again").exit_code == 0);
    CHECK(read_file(tree.path / "again/glossary/index.html") == glossary);
    CHECK(read_file(tree.path / "again/news/2024-05-01-seminar/index.html") == news);
}

TEST_CASE("glossary e2e: a term first used in a later build reaches the glossary page", "[glossary][e2e]") {
    Tree tree;
    sleep(3);  // files this close to a build never count as unchanged: no incremental build would follow
    REQUIRE(tree.build(tree.path / "site").exit_code == 0);
    CHECK(read_file(tree.path / "site/glossary/index.html").find("МППКО") == std::string::npos);
    // A text-only change of index.md is patched into the school's first page alone…
    tree.write("schools/sosh-5/index.md", "Школа работает с ЦРО по новому плану.\n");
    auto patched = tree.build(tree.path / "site");
    REQUIRE(patched.exit_code == 0);
    CHECK(patched.output.find("обновлены только их главные страницы") != std::string::npos);
    CHECK(read_file(tree.path / "site/schools/sosh-5/index.html")
              .find("Школа работает с <abbr title=\"Центр развития образования\">ЦРО</abbr> по новому плану.") !=
          std::string::npos);
    // …but one that brings a new term is not: the glossary page must list it.
    tree.write("schools/sosh-5/index.md", "Школа участвует в МППКО.\n");
    auto result = tree.build(tree.path / "site");
    REQUIRE(result.exit_code == 0);
    CHECK(result.output.find("обновлены только их главные страницы") == std::string::npos);
    CHECK(read_file(tree.path / "site/glossary/index.html").find(">МППКО</abbr>") != std::string::npos);
}

TEST_CASE("glossary e2e: a school's own site has its glossary page, linked relatively", "[glossary][e2e]") {
    Tree tree;
    REQUIRE(tree.build(tree.path / "school", "--school sosh-5").exit_code == 0);
    std::string main = read_file(tree.path / "school/index.html");
    CHECK(main.find("<a href=\"glossary/\">Сокращения</a>") != std::string::npos);
    std::string glossary = read_file(tree.path / "school/glossary/index.html");
    CHECK(glossary.find(">ЦРО</abbr></dt>") != std::string::npos);
    CHECK(glossary.find("МППКО") == std::string::npos);
    std::string results = read_file(tree.path / "school/results/index.html");
    CHECK(results.find("<a href=\"../glossary/\">Сокращения</a>") != std::string::npos);
}

TEST_CASE("glossary: site.yaml glossary and short_title are validated with file and line", "[glossary]") {
    Tree tree;
    tree.write("site.yaml", "title: Сайт\nbase_url: https://uo.example.org/\n"
                            "short_title: Сопровождение школ с низкими результатами обучения района\n"
                            "glossary:\n  ЦРО: Центр развития образования\n  Школа: школа\n  ТУ: \n"
                            "  ЦРО: ещё раз\n  ДО: [a, b]\n");
    auto findings = shnor::check::check_site(tree.content, shnor::model::Date{2024, 11, 1});
    auto has = [&](int line, const std::string& part) {
        for (const auto& d : findings.items())
            if (d.severity == shnor::model::Severity::error && d.file == "site.yaml" && d.line == line &&
                d.message.find(part) != std::string::npos)
                return true;
        return false;
    };
    CHECK(has(3, "не длиннее 40 знаков"));
    CHECK(has(6, "должно начинаться с заглавной буквы"));
    CHECK(has(7, "не написана расшифровка сокращения «ТУ»"));
    CHECK(has(8, "«ЦРО» уже описано выше"));
    CHECK(has(9, "ожидается текст"));
}
