// Issue 16, point 5: a table written in Markdown sits in a labelled region
// (a <section>) that scrolls sideways on a phone, and its «Таблица N. …» line is its caption.
#include "test_paths.hpp"
#include "test_support.hpp"
#include "render/markdown.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

namespace fs = std::filesystem;
using shnor::render::markdown_to_html;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

const std::string kTable = "| Школа | Причина |\n| --- | --- |\n| СОШ №1 | ОГЭ |\n";

// The region around the first table and the caption's id it names.
std::string region_label(const std::string& html) {
    std::smatch match;
    REQUIRE(std::regex_search(html, match, std::regex(R"re(<section class="table-scroll" aria-labelledby="([^"]+)" tabindex="0"><table>\n<caption id="([^"]+)">)re")));
    CHECK(match[1] == match[2]);
    return match[1];
}

}  // namespace

TEST_CASE("markdown tables: «Таблица N. …» before a table becomes its caption and labels its region",
          "[render][markdown]") {
    std::string html = markdown_to_html("Вступление.\n\nТаблица 1. Школы и *причины*\n\n" + kTable + "\nПосле.\n");
    region_label(html);
    CHECK(contains(html, ">Таблица 1. Школы и <em>причины</em></caption>"));
    CHECK_FALSE(contains(html, "<p>Таблица 1."));
    CHECK(contains(html, "<p>Вступление.</p>"));
    CHECK(contains(html, "<p>После.</p>"));
    CHECK(contains(html, "</table></section>"));

    // The other ways the documents write it, and the line right above the table (no blank line).
    for (const std::string title : {"Таблица 2 — Итоги", "Таблица 2 – Итоги", "Табл. 2. Итоги", "Таблица 2: Итоги",
                                    "Таблица № 2. Итоги", "Таблица 2.1. Итоги", "Таблица 2"}) {
        INFO(title);
        for (const std::string gap : {"\n\n", "\n"}) {
            std::string with_title = markdown_to_html(title + gap + kTable);
            region_label(with_title);
            CHECK(contains(with_title, ">" + title + "</caption>"));
            CHECK_FALSE(contains(with_title, "<p>"));
        }
    }
}

TEST_CASE("markdown tables: a bare «Таблица N» and a title line below it, as in the seed documents",
          "[render][markdown]") {
    // Seed 002 writes «Таблица 1», then «Целевые индикаторы и показатели Программы», then the table.
    std::string html =
        markdown_to_html("Таблица 1\n\nЦелевые индикаторы и показатели Программы\n\n" + kTable);
    region_label(html);
    CHECK(contains(html, ">Таблица 1. Целевые индикаторы и показатели Программы</caption>"));
    CHECK_FALSE(contains(html, "<p>"));
}

TEST_CASE("markdown tables: without a title the region is «Таблица N»; other paragraphs stay", "[render][markdown]") {
    std::string html = markdown_to_html("Обычный абзац.\n\n" + kTable + "\nТаблица 5. Нет таблицы после.\n\n" + kTable);
    CHECK(contains(html, "<p>Обычный абзац.</p>"));
    // Named by its number and column heads: two untitled tables on one page keep distinct names.
    CHECK(contains(html, "<section class=\"table-scroll\" aria-label=\"Таблица 1: Школа, Причина\" tabindex=\"0\"><table>"));
    // The second table has its title; a paragraph that only mentions a table is left alone.
    CHECK(count_of(html, "<caption") == 1);
    CHECK(count_of(html, "class=\"table-scroll\"") == 2);
    CHECK(count_of(html, "</table></section>") == 2);
    std::string mention = markdown_to_html("Данные приведены в таблице 1 ниже.\n\n" + kTable);
    CHECK(contains(mention, "<p>Данные приведены в таблице 1 ниже.</p>"));
    CHECK_FALSE(contains(mention, "<caption"));
    std::string quoted = markdown_to_html("| \"Доля\" & *итог* | `код` |\n| --- | --- |\n| 1 | 2 |\n");
    CHECK(contains(quoted, "aria-label=\"Таблица 1: &quot;Доля&quot; &amp; итог, код\""));
    std::string long_line = markdown_to_html("Таблица 1. " + std::string(400, 'x') + "\n\n" + kTable);
    CHECK_FALSE(contains(long_line, "<caption"));
}

TEST_CASE("markdown tables: ids are unique on a page and the same from build to build", "[render][markdown]") {
    std::string first = markdown_to_html("Таблица 1. А\n\n" + kTable + "\nТаблица 2. Б\n\n" + kTable);
    std::string second = markdown_to_html("Таблица 1. В\n\n" + kTable);
    std::regex id(R"re( id="([^"]+)")re");
    std::set<std::string> ids;
    std::size_t count = 0;
    for (const std::string* html : {&first, &second})
        for (auto it = std::sregex_iterator(html->begin(), html->end(), id); it != std::sregex_iterator(); ++it) {
            ids.insert((*it)[1]);
            ++count;
        }
    CHECK(count == 3);
    CHECK(ids.size() == 3);
    CHECK(markdown_to_html("Таблица 1. А\n\n" + kTable + "\nТаблица 2. Б\n\n" + kTable) == first);
}

TEST_CASE("markdown tables: raw HTML and code mentioning tables change nothing", "[render][markdown]") {
    std::string html = markdown_to_html("Таблица 1. <script>x</script> `<table>`\n\n" + kTable +
                                        "\n<table><tr><td>сырой HTML</td></tr></table>\n");
    CHECK_FALSE(contains(html, "<script>"));
    CHECK(count_of(html, "<table>") == 1);
    CHECK(count_of(html, "</table></section>") == 1);
    CHECK(contains(html, "<code>&lt;table&gt;</code></caption>"));
}

TEST_CASE("markdown tables: a programme page built by shnor has its table captioned in a region", "[e2e][markdown]") {
    fs::path root = fs::temp_directory_path() / ("shnor-md-tables-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    fs::copy(fs::path(SHNOR_SOURCE_DIR) / "content", root / "content", fs::copy_options::recursive);
    shnor::test::write_file(root / "content/pages/tablitsy.md",
                            "---\ntitle: Таблицы\n---\n\nТаблица 1. Целевые индикаторы\n\n"
                            "| Индикатор | 2024 | 2025 | 2026 |\n| --- | ---: | ---: | ---: |\n"
                            "| Доля школ, в которых разработаны и реализуются программы учительского роста | 75 | 80 | 90 |\n"
                            "\nТаблица 2\n\nШколы в перечне\n\n" + kTable + "\n" + kTable);
    auto result = shnor::test::run_command(
        shnor::test::shell_quoted(SHNOR_BINARY) + " build --content " + shnor::test::shell_quoted(root / "content") +
            " --out " + shnor::test::shell_quoted(root / "site") + " --date 2025-02-10 --offline --cache " +
            shnor::test::shell_quoted(root / "cache"),
        root / "output.txt");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    std::string page = shnor::test::read_file(root / "site/pages/tablitsy/index.html");
    CHECK(count_of(page, "<section class=\"table-scroll\"") == 3);
    CHECK(count_of(page, "<caption id=\"tbl-") == 2);
    CHECK(contains(page, ">Таблица 1. Целевые индикаторы</caption>"));
    CHECK(contains(page, ">Таблица 2. Школы в перечне</caption>"));
    CHECK(contains(page, "aria-label=\"Таблица 3: Школа, Причина\""));
    CHECK_FALSE(contains(page, "<p>Таблица"));
    // Every aria-labelledby of a region names an id on the page.
    std::regex labelled(R"re(class="table-scroll" aria-labelledby="([^"]+)")re");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), labelled); it != std::sregex_iterator(); ++it)
        CHECK(count_of(page, " id=\"" + (*it)[1].str() + "\"") == 1);
    // The example's programme writes its list of schools under «Таблица 1. …».
    std::string programme = shnor::test::read_file(root / "site/programs/soprovozhdenie-2024/index.html");
    CHECK(contains(programme, ">Таблица 1. Школы с низкими образовательными результатами"));
    // The stylesheet lets the region scroll rather than the page.
    std::string css = shnor::test::read_file(root / "site/assets/style.css");
    CHECK(contains(css, ".table-scroll { overflow-x: auto; max-width: 100%;"));
    fs::remove_all(root);
}
