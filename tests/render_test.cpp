#include "render/escape.hpp"
#include "render/markdown.hpp"
#include "render/numbers.hpp"
#include "render/templates.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <random>

#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace shnor::render;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A fresh folder under the system temp folder, removed at the end of the test.
struct TempFolder {
    fs::path path;
    explicit TempFolder(const std::string& name)
        : path(fs::temp_directory_path() / ("shnor-render-test-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempFolder() { fs::remove_all(path); }
    void write(const std::string& relative, const std::string& text) const {
        fs::create_directories((path / relative).parent_path());
        std::ofstream(path / relative, std::ios::binary) << text;
    }
};

}  // namespace

TEST_CASE("markdown_to_html renders a GFM table", "[render][markdown]") {
    std::string html = markdown_to_html("| Показатель | 2024 |\n| --- | ---: |\n| Доля ШНОР | 21 |\n");
    CHECK(contains(html, "<table>"));
    CHECK(contains(html, "<th>Показатель</th>"));
    CHECK(contains(html, "<td style=\"text-align: right\">21</td>"));
}

TEST_CASE("markdown_to_html renders strikethrough and autolinks", "[render][markdown]") {
    CHECK(contains(markdown_to_html("~~отменено~~"), "<del>отменено</del>"));
    CHECK(contains(markdown_to_html("см. https://edu.example/plan"),
                   "<a href=\"https://edu.example/plan\">https://edu.example/plan</a>"));
}

TEST_CASE("markdown_to_html does not pass raw HTML through", "[render][markdown]") {
    std::string html = markdown_to_html("Текст <b>жирный</b>\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))");
    CHECK_FALSE(contains(html, "<script"));
    CHECK_FALSE(contains(html, "<b>"));
    CHECK_FALSE(contains(html, "javascript:"));
    CHECK(contains(html, "жирный"));
}

TEST_CASE("markdown_to_html keeps Cyrillic and renders emphasis", "[render][markdown]") {
    CHECK(markdown_to_html("Приказ **№ 12** от 05.03.2024") ==
          "<p>Приказ <strong>№ 12</strong> от 05.03.2024</p>\n");
}

TEST_CASE("markdown_to_html gives the same output from several threads", "[render][markdown]") {
    const std::string input = "~~a~~ www.example.com\n\n| x |\n|---|\n| y |\n";
    const std::string expected = markdown_to_html(input);
    REQUIRE(contains(expected, "<del>a</del>"));
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 300; ++i)
                if (markdown_to_html(input) != expected) ++mismatches;
        });
    for (auto& thread : threads) thread.join();
    CHECK(mismatches == 0);
}

TEST_CASE("markdown_to_plain_text drops markup", "[render][markdown]") {
    CHECK(markdown_to_plain_text("# Семинар\n\nПрошёл **семинар** [учителей](https://x.example).") ==
          "Семинар\n\nПрошёл семинар учителей.\n");
}

TEST_CASE("plain_text_to_html keeps line breaks and escapes", "[render][plain]") {
    CHECK(plain_text_to_html("Первая строка\nВторая <строка> & «кавычки»") ==
          "Первая строка<br>Вторая &lt;строка&gt; &amp; «кавычки»");
    CHECK(plain_text_to_html("Одна строка") == "Одна строка");
    CHECK(plain_text_to_html("Абзац\n\nСледующий") == "Абзац<br><br>Следующий");
    CHECK(plain_text_to_html("строка\r\nещё") == "строка<br>ещё");
}

TEST_CASE("plain_text_to_html turns dash and dot lines into a list", "[render][plain]") {
    CHECK(plain_text_to_html("Провести:\n- семинар\n  – вебинар\n— совещание\n· консультации\nИтог") ==
          "Провести:<ul><li>семинар</li><li>вебинар</li><li>совещание</li><li>консультации</li></ul>Итог");
    CHECK(plain_text_to_html("-без пробела") == "<ul><li>без пробела</li></ul>");
}

TEST_CASE("escape_html escapes the five characters", "[render][escape]") {
    CHECK(escape_html("a & b < c > d \"e\" 'f' ё") == "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39; ё");
}

TEST_CASE("escape_xml escapes and drops forbidden control characters", "[render][escape]") {
    CHECK(escape_xml("R&D <x> \"q\" 'a'") == "R&amp;D &lt;x&gt; &quot;q&quot; &apos;a&apos;");
    CHECK(escape_xml(std::string("a\x01" "b\tc\nd")) == "a" "b\tc\nd");
}

TEST_CASE("escape_json_string escapes quotes, backslashes and control characters", "[render][escape]") {
    CHECK(escape_json_string("«Школа» \"№1\"\\\n\t") == "«Школа» \\\"№1\\\"\\\\\\n\\t");
    CHECK(escape_json_string(std::string("\x01\x1f", 2)) == "\\u0001\\u001f");
}

TEST_CASE("escape_csv_field quotes only when needed (RFC 4180)", "[render][escape]") {
    CHECK(escape_csv_field("Кутафинская СОШ") == "Кутафинская СОШ");
    CHECK(escape_csv_field("План, 2024") == "\"План, 2024\"");
    CHECK(escape_csv_field("a;b") == "\"a;b\"");
    CHECK(escape_csv_field("МБОУ \"СОШ\"") == "\"МБОУ \"\"СОШ\"\"\"");
    CHECK(escape_csv_field("две\nстроки") == "\"две\nстроки\"");
    CHECK(escape_csv_field("") == "");
}

TEST_CASE("Templates: a content layout overrides a built-in one file by file", "[render][templates]") {
    TempFolder own("own"), builtin("builtin");
    builtin.write("base.mustache", "<main>{{{content}}}</main>");
    builtin.write("page.mustache", "встроенный {{title}}");
    builtin.write("school.mustache", "школа {{title}}");
    own.write("page.mustache", "свой {{title}}");
    Templates templates({own.path, builtin.path});
    kainjow::mustache::data data;
    data.set("title", "A & B");
    CHECK(templates.render("page", data) == "свой A &amp; B");
    CHECK(templates.render("school", data) == "школа A &amp; B");
    CHECK(templates.render_page("page", data) == "<main>свой A &amp; B</main>");
}

TEST_CASE("Templates: partials come from partials/ with the same precedence", "[render][templates]") {
    TempFolder own("own-partials"), builtin("builtin-partials");
    builtin.write("base.mustache", "{{> header}}|{{{content}}}|{{> footer}}");
    builtin.write("page.mustache", "{{#items}}{{> cards/item}}{{/items}}");
    builtin.write("partials/header.mustache", "встроенная шапка {{title}}");
    builtin.write("partials/footer.mustache", "подвал");
    builtin.write("partials/cards/item.mustache", "[{{name}}]");
    own.write("partials/header.mustache", "своя шапка {{title}}");
    Templates templates({own.path, builtin.path});
    kainjow::mustache::data data;
    data.set("title", "Т");
    data.set("footer", "значение с именем партиала");
    kainjow::mustache::list items;
    for (const char* name : {"a", "b"}) {
        kainjow::mustache::data item;
        item.set("name", name);
        items.push_back(item);
    }
    data.set("items", items);
    CHECK(templates.render_page("page", data) == "своя шапка Т|[a][b]|подвал");
}

TEST_CASE("Templates: a template that does not parse names its file", "[render][templates]") {
    TempFolder folder("broken");
    folder.write("base.mustache", "{{{content}}}");
    folder.write("broken.mustache", "{{#section}} без конца");
    Templates templates({folder.path});
    try {
        templates.render("broken", kainjow::mustache::data());
        FAIL("no exception");
    } catch (const std::runtime_error& error) {
        std::string message = error.what();
        CHECK(contains(message, (folder.path / "broken.mustache").string()));
        CHECK(contains(message, "section"));
    }
}

TEST_CASE("Templates: a broken partial names its file", "[render][templates]") {
    TempFolder folder("broken-partial");
    folder.write("page.mustache", "{{> bad}}");
    folder.write("partials/bad.mustache", "{{/closing}}");
    Templates templates({folder.path});
    try {
        templates.render("page", kainjow::mustache::data());
        FAIL("no exception");
    } catch (const std::runtime_error& error) {
        CHECK(contains(error.what(), (folder.path / "partials" / "bad.mustache").string()));
    }
}

TEST_CASE("Templates: a missing layout is an error naming it", "[render][templates]") {
    TempFolder folder("missing");
    Templates templates({folder.path});
    CHECK_THROWS_WITH(templates.render("nowhere", kainjow::mustache::data()),
                      Catch::Matchers::Contains("nowhere.mustache"));
}

TEST_CASE("fixed_decimals prints what printf's %.*f prints", "[render]") {
    auto printf_text = [](double value, int decimals) {
        char buffer[512];
        std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
        return std::string(buffer);
    };
    // Ties and near-ties of binary fractions, signs, zero, large and tiny values.
    std::vector<double> values{0.0, -0.0, 0.05, 0.15, 0.25, 0.35, 2.675, 1.005, -1.005, 3.14159, 99.995,
                               100.0 / 3, -2.5, 1e-7, 123456.789, 1e15, 12.345, 0.125};
    std::mt19937_64 random(2024);
    std::uniform_real_distribution<double> spread(-1000, 1000);
    for (int i = 0; i < 2000; ++i) values.push_back(spread(random));
    for (double value : values)
        for (int decimals : {0, 1, 2, 3}) {
            INFO(value << " " << decimals);
            CHECK(shnor::render::fixed_decimals(value, decimals) == printf_text(value, decimals));
        }
    CHECK(shnor::render::fixed_decimals(12.345, 1) == "12.3");
    CHECK(shnor::render::fixed_decimals(-0.04, 1) == "-0.0");  // callers turn this into 0
}
