// "Nothing empty, nothing claimed" (issue 15, points 5 and 6) as a reader
// meets it: the real `shnor` binary on the example content and on sparse
// trees (a school with nothing but its name, a district without a roadmap,
// indicators, news or documents), and every generated page scanned for a
// heading followed by nothing.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::shell_quoted;
using shnor::test::write_file;

namespace {

// ---------------------------------------------------------------------------
// A small scanner of the HTML shnor writes: tags, text, comments, raw
// script/style. Not a general HTML parser: it needs only what our layouts
// produce (quoted attributes, closed elements, void elements without "/").

struct Token {
    enum Kind { open, close, characters } kind;
    std::string name;  // tag name, lower case
    std::string text;  // text; for a tag, the tag as written
    std::size_t offset;
};

bool is_void(const std::string& name) {
    static const std::vector<std::string> names = {"area", "base", "br",   "col",   "embed",  "hr",    "img",
                                                   "input", "link", "meta", "param", "source", "track", "wbr"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<Token> tokenize(const std::string& html) {
    std::vector<Token> tokens;
    std::size_t at = 0;
    while (at < html.size()) {
        if (html[at] != '<') {
            auto next = html.find('<', at);
            if (next == std::string::npos) next = html.size();
            tokens.push_back({Token::characters, "", html.substr(at, next - at), at});
            at = next;
            continue;
        }
        if (html.compare(at, 4, "<!--") == 0) {
            auto end = html.find("-->", at);
            at = end == std::string::npos ? html.size() : end + 3;
            continue;
        }
        if (html.compare(at, 2, "<!") == 0 || html.compare(at, 2, "<?") == 0) {
            auto end = html.find('>', at);
            at = end == std::string::npos ? html.size() : end + 1;
            continue;
        }
        // The end of the tag, skipping quoted attribute values.
        std::size_t end = at + 1;
        char quote = 0;
        for (; end < html.size(); ++end) {
            char c = html[end];
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                break;
            }
        }
        std::string tag = html.substr(at, end + 1 - at);
        bool closing = tag.size() > 1 && tag[1] == '/';
        std::size_t name_start = closing ? 2 : 1;
        std::size_t name_end = name_start;
        while (name_end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[name_end])) || tag[name_end] == '-'))
            ++name_end;
        std::string name = tag.substr(name_start, name_end - name_start);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        at = end + 1;
        if (closing) {
            tokens.push_back({Token::close, name, tag, at});
            continue;
        }
        bool self_closing = tag.size() >= 2 && tag[tag.size() - 2] == '/';
        tokens.push_back({Token::open, name, tag, at});
        if (self_closing || is_void(name)) {
            tokens.push_back({Token::close, name, "", at});
        } else if (name == "script" || name == "style") {
            auto close = html.find("</" + name, at);
            at = close == std::string::npos ? html.size() : close;
        }
    }
    return tokens;
}

int heading_level(const std::string& name) {
    if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') return name[1] - '0';
    return 0;
}

bool blank(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }) ||
           text == "&nbsp;";
}

// Elements that are content by themselves, without any text.
bool is_content_element(const std::string& name) {
    return name == "img" || name == "svg" || name == "table" || name == "iframe" || name == "video" ||
           name == "object" || name == "input" || name == "select" || name == "textarea" || name == "canvas";
}

std::string heading_text(const std::vector<Token>& tokens, std::size_t open) {
    std::string text;
    for (std::size_t i = open + 1; i < tokens.size(); ++i) {
        if (tokens[i].kind == Token::close && tokens[i].name == tokens[open].name) break;
        if (tokens[i].kind == Token::characters) text += tokens[i].text;
    }
    return text;
}

// Every heading (h1–h6) whose following content, up to the next heading of
// the same or a higher level or the end of the element holding it, has no
// text and no image, chart or table. The text of a lower-level heading does
// not count: «<h2>A</h2><h3>B</h3></section>» is two empty headings.
std::vector<std::string> empty_headings(const std::string& html) {
    auto tokens = tokenize(html);
    std::vector<std::string> found;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        int level = tokens[i].kind == Token::open ? heading_level(tokens[i].name) : 0;
        if (level == 0) continue;
        std::size_t j = i + 1;
        while (j < tokens.size() && !(tokens[j].kind == Token::close && tokens[j].name == tokens[i].name)) ++j;
        int depth = 0;
        int in_subheading = 0;
        bool content = false;
        for (++j; j < tokens.size() && !content; ++j) {
            const auto& token = tokens[j];
            int other = heading_level(token.name);
            if (token.kind == Token::characters) {
                if (!in_subheading && !blank(token.text)) content = true;
            } else if (token.kind == Token::open) {
                if (other != 0 && other <= level) break;
                if (other != 0) {
                    ++in_subheading;
                } else if (is_content_element(token.name)) {
                    content = true;
                } else {
                    ++depth;
                }
            } else {
                if (other != 0) {
                    --in_subheading;
                } else if (--depth < 0) {
                    break;  // the end of the element holding the heading
                }
            }
        }
        if (!content) {
            auto line = std::count(html.begin(), html.begin() + static_cast<long>(tokens[i].offset), '\n') + 1;
            found.push_back("line " + std::to_string(line) + ": <" + tokens[i].name + ">" + heading_text(tokens, i) +
                            "</" + tokens[i].name + ">");
        }
    }
    return found;
}

// Every empty heading of every page under `site`, as "<file> line N: <hN>…</hN>".
std::vector<std::string> empty_headings_in(const fs::path& site) {
    std::vector<std::string> found;
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(site))
        if (entry.is_regular_file() && entry.path().extension() == ".html") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files)
        for (const auto& heading : empty_headings(read_file(file)))
            found.push_back(fs::relative(file, site).generic_string() + " " + heading);
    return found;
}

// The visible text of a page: tags removed, whitespace collapsed.
std::string visible_text(const std::string& html) {
    static const std::regex hidden(R"(<(script|style)[^>]*>[\s\S]*?</\1>)");
    static const std::regex tag("<[^>]*>");
    static const std::regex space(R"(\s+)");
    std::string text = std::regex_replace(html, hidden, " ");
    text = std::regex_replace(text, tag, " ");
    return std::regex_replace(text, space, " ");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The part of a page between an element with id="<id>" and the end of its
// section (the next "</section>").
std::string section_of(const std::string& html, const std::string& id) {
    auto start = html.find("id=\"" + id + "\"");
    if (start == std::string::npos) return {};
    auto end = html.find("</section>", start);
    return html.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// ---------------------------------------------------------------------------
// Content trees and builds.

constexpr const char* kDate = "2026-12-05";

struct Tree {
    fs::path path;
    fs::path content;
    explicit Tree(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-empty-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
        content = path / "content";
    }
    ~Tree() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    void write(const std::string& relative, const std::string& text) const { write_file(content / relative, text); }

    // Builds into path/<out>; the build must succeed.
    fs::path build(const std::string& out, const std::string& more = "") const {
        fs::path site = path / out;
        auto result = shnor::test::run_command(
            shell_quoted(SHNOR_BINARY) + " build --content " + shell_quoted(content) + " --out " + shell_quoted(site) +
                " --date " + kDate + " --cache " + shell_quoted(path / "cache") + " " + more,
            path / (out + ".log"));
        INFO(result.output);
        REQUIRE(result.exit_code == 0);
        return site;
    }
};

// A district with nothing published but its name, authority and coordinator;
// a school with nothing but its name; a school whose own roadmap has no item
// numbers and whose category has neither basis nor reasons.
// Without the coordinator, and with `no_authority` also without the
// authority's name, phone and e-mail: a district that published no contact.
void write_sparse(const Tree& tree, bool with_coordinator, bool no_authority = false) {
    std::string site = "title: Сопровождение школ с низкими образовательными результатами\n"
                       "base_url: https://sparse.example/shnor/\n"
                       "district:\n"
                       "  name: Разреженный район\n";
    if (!no_authority)
        site += "  authority: Отдел образования администрации Разреженного района\n"
                "  phone: +7 (486-00) 0-00-00\n"
                "  email: oo@sparse.example\n";
    if (with_coordinator)
        site += "coordinator:\n"
                "  name: Иванова Мария Петровна\n"
                "  position: Главный специалист отдела образования\n"
                "  phone: +7 (486-00) 0-00-01\n"
                "  email: koordinator@sparse.example\n";
    tree.write("site.yaml", site + "schools: [bare, numberless]\n");
    tree.write("schools/bare/school.yaml", "name: МБОУ «Бетинская основная общеобразовательная школа»\n"
                                           "short_name: Бетинская ООШ\n");
    tree.write("schools/numberless/school.yaml", "name: МБОУ «Безномерная средняя общеобразовательная школа»\n"
                                                 "short_name: Безномерная СОШ\n"
                                                 "categories:\n"
                                                 "  - type: risk\n");
    tree.write("schools/numberless/roadmaps/plan.yaml",
               "title: План мероприятий школы на 2026 год\n"
               "period: {start: 2026-01-01, end: 2026-12-31}\n"
               "items:\n"
               "  - title: Анализ результатов ВПР\n"
               "    when: январь 2026\n"
               "    responsible: Заместитель директора\n"
               "    result: Аналитическая справка\n"
               "    status: done\n"
               "    report: Справка опубликована.\n"
               "  - title: Методический семинар для учителей математики\n"
               "    when: декабрь 2026\n"
               "    responsible: Руководитель ШМО\n"
               "    result: Семинар проведён\n");
}

// The same district, now with a roadmap printed without item numbers.
void add_numberless_district_roadmap(const Tree& tree) {
    tree.write("roadmaps/plan.yaml", "title: План мероприятий района на 2026 год\n"
                                     "period: {start: 2026-01-01, end: 2026-12-31}\n"
                                     "items:\n"
                                     "  - title: Совещание с руководителями ШНОР\n"
                                     "    when: март 2026\n"
                                     "    responsible: Отдел образования\n"
                                     "    result: Протокол совещания\n"
                                     "    schools: [bare]\n");
}

// Items published with nothing but what the format requires: a programme,
// free pages, news, an indicator and documents with a title only.
void add_title_only_items(const Tree& tree) {
    tree.write("programs/prog.md", "---\ntitle: Программа сопровождения\n---\n");
    tree.write("pages/empty.md", "---\ntitle: Пустая страница\n---\n");
    tree.write("news/2026-03-01-bez-teksta.md", "---\ntitle: Новость без текста\ndate: 2026-03-01\n---\n");
    tree.write("indicators.yaml", "- id: shnor-share\n  title: Доля ШНОР\n");
    tree.write("documents.yaml", "- id: prikaz-1\n  kind: order\n  title: Приказ без файла\n");
    tree.write("schools/bare/programs/prog.md", "---\ntitle: Программа школы\n---\n");
    tree.write("schools/bare/pages/p.md", "---\ntitle: Страница школы\n---\n");
    tree.write("schools/bare/news/2026-03-02-n.md", "---\ntitle: Новость школы\ndate: 2026-03-02\n---\n");
    tree.write("schools/bare/documents.yaml", "- id: d1\n  kind: report\n  title: Отчёт без файла\n");
    tree.write("schools/bare/index.md", "---\ntitle: Введение\n---\n");
}

}  // namespace

TEST_CASE("The heading scanner finds a heading followed by nothing", "[nothing_empty]") {
    CHECK(empty_headings("<section><h2>К кому обратиться</h2>\n</section>").size() == 1);
    CHECK(empty_headings("<h2>A</h2>\n<h2>B</h2><p>text</p>").size() == 1);
    CHECK(empty_headings("<section><h2>О школе</h2><dl class=\"summary-list\">\n</dl>\n</section>").size() == 1);
    CHECK(empty_headings("<section><h2>A</h2><h3>B</h3></section>").size() == 2);
    CHECK(empty_headings("<h1>T</h1>").size() == 1);
    CHECK(empty_headings("<section><h2>A</h2><h3>B</h3><p>x</p></section>").empty());
    CHECK(empty_headings("<section><h2>A</h2><p><a href=\"x\">link</a></p></section>").empty());
    CHECK(empty_headings("<h2>A</h2><figure><svg viewBox=\"0 0 1 1\"/></figure><h2>B</h2><table></table>").empty());
    CHECK(empty_headings("<h2 id=\"a\" title=\"x > y\">A</h2><br><img src=\"a.png\" alt=\"\">").empty());
    CHECK(empty_headings("<h1>T</h1><!-- <p>not text</p> --><script>var x = '<p>';</script>").size() == 1);
}

TEST_CASE("No heading is followed by nothing on any page of the example", "[nothing_empty]") {
    Tree tree("example");
    fs::copy(fs::path(SHNOR_SOURCE_DIR) / "content", tree.content, fs::copy_options::recursive);
    auto site = tree.build("site");
    auto found = empty_headings_in(site);
    INFO([&] {
        std::string list;
        for (const auto& entry : found) list += entry + "\n";
        return list;
    }());
    CHECK(found.empty());
    auto school = tree.build("school", "--school shubinskaya");
    CHECK(empty_headings_in(school).empty());
}

TEST_CASE("No heading is followed by nothing on the pages of a sparse district and school", "[nothing_empty]") {
    for (bool with_coordinator : {true, false}) {
        for (bool with_roadmap : {false, true}) {
            DYNAMIC_SECTION("coordinator " << with_coordinator << ", district roadmap " << with_roadmap) {
                Tree tree("sparse");
                write_sparse(tree, with_coordinator);
                if (with_roadmap) add_numberless_district_roadmap(tree);
                for (const auto& [out, more] : std::vector<std::pair<std::string, std::string>>{
                         {"site", ""}, {"bare", "--school bare"}, {"numberless", "--school numberless"}}) {
                    auto site = tree.build(out, more);
                    auto found = empty_headings_in(site);
                    INFO(out << ":\n" << [&] {
                        std::string list;
                        for (const auto& entry : found) list += entry + "\n";
                        return list;
                    }());
                    CHECK(found.empty());
                }
            }
        }
    }
}

TEST_CASE("A school that gave only its name says what is missing and whom to ask instead", "[nothing_empty]") {
    Tree tree("contacts");
    write_sparse(tree, true);
    auto site = tree.build("site");
    for (const auto& page : {site / "schools/bare/index.html", tree.build("bare", "--school bare") / "index.html"}) {
        INFO(page);
        std::string html = read_file(page);
        // «К кому обратиться»: the district's coordinator and authority, labelled as the district's.
        std::string contacts = visible_text(section_of(html, "q-contacts"));
        CHECK(contains(contacts, "Координатор в школе не указан"));
        CHECK(contains(contacts, "Координатор района Иванова Мария Петровна Главный специалист отдела образования"));
        CHECK(contains(contacts, "koordinator@sparse.example"));
        CHECK(contains(contacts, "Орган управления образованием района Отдел образования администрации Разреженного "
                                 "района Телефон: +7\u00A0(486\u201100)\u00A00\u201100\u201100 Эл. почта: oo@sparse.example"));
        // (The number's spaces and hyphens are non-breaking: html-validate's tel-non-breaking.)
        // «О школе»: the facts a parent looks for, said missing in words.
        std::string about = visible_text(section_of(html, "about"));
        CHECK(contains(about, "Руководитель не указано"));
        CHECK(contains(about, "Адрес не указано"));
        CHECK(contains(about, "Официальный сайт не указано"));
        // The first screen says the category is not given: it does not claim
        // the school is on no list.
        std::string list = visible_text(section_of(html, "q-list"));
        CHECK(contains(list, "основание и причины включения в программу сопровождения не указаны"));
        CHECK_FALSE(contains(html, "не входит в списки"));
    }

    // A category given without year, basis or reasons.
    std::string list = visible_text(section_of(read_file(site / "schools/numberless/index.html"), "q-list"));
    CHECK(contains(list, "группа риска год включения не указан"));
    CHECK(contains(list, "Основание: не указано"));
    CHECK(contains(list, "Причины: не указаны"));
    // The schools list says it too, instead of an empty cell.
    std::string row = visible_text(read_file(site / "schools/index.html"));
    CHECK(contains(row, "Бетинская ООШ не указана не указаны"));

    // A school with its own coordinator: no fallback, no note.
    tree.write("schools/bare/school.yaml", "name: МБОУ «Бетинская основная общеобразовательная школа»\n"
                                           "coordinator: {name: Сидорова А. А., position: Заместитель директора}\n");
    std::string own = visible_text(section_of(read_file(tree.build("site") / "schools/bare/index.html"), "q-contacts"));
    CHECK(contains(own, "Координатор в школе Сидорова А. А."));
    CHECK(contains(own, "Координатор района Иванова Мария Петровна"));
    CHECK_FALSE(contains(own, "не указан"));
    CHECK_FALSE(contains(own, "Орган управления образованием района"));
}

TEST_CASE("Without the district's coordinator the authority is the contact; without both, the page says so",
          "[nothing_empty]") {
    Tree authority("authority");
    write_sparse(authority, false);
    std::string contacts =
        visible_text(section_of(read_file(authority.build("site") / "schools/bare/index.html"), "q-contacts"));
    CHECK(contains(contacts, "Координатор в школе не указан"));
    CHECK(contains(contacts, "Отдел образования администрации Разреженного района"));
    CHECK_FALSE(contains(contacts, "Координатор района"));

    Tree nobody("nobody");
    write_sparse(nobody, false, true);
    auto site = nobody.build("site");
    contacts = visible_text(section_of(read_file(site / "schools/bare/index.html"), "q-contacts"));
    CHECK(contains(contacts, "Контакты для обращения пока не указаны"));
    CHECK(empty_headings_in(site).empty());
}

TEST_CASE("A roadmap printed without item numbers has no «№» column", "[nothing_empty]") {
    Tree tree("numbers");
    write_sparse(tree, true);
    add_numberless_district_roadmap(tree);
    auto site = tree.build("site");
    const std::string number_column = "<th scope=\"col\">№</th>";
    for (const auto* page : {"roadmaps/plan/index.html", "roadmaps/plan/status/overdue/index.html",
                             "schools/numberless/roadmap/index.html", "schools/numberless/roadmap/status/done/index.html",
                             "schools/bare/roadmap/index.html"}) {
        INFO(page);
        std::string html = read_file(site / page);
        CHECK(contains(html, "roadmap-table--unnumbered"));
        CHECK_FALSE(contains(html, number_column));
        CHECK_FALSE(contains(html, "без номера"));
    }
    // A status listing still leads to the row in the full roadmap.
    CHECK(contains(read_file(site / "schools/numberless/roadmap/status/done/index.html"),
                   "<a href=\"../../../../../schools/numberless/roadmap/#plan-item-i1\">В полной «дорожной карте»</a>"));

    // A numbered roadmap keeps its column.
    Tree example("numbered");
    fs::copy(fs::path(SHNOR_SOURCE_DIR) / "content", example.content, fs::copy_options::recursive);
    std::string numbered = read_file(example.build("site") / "roadmaps/dorozhnaya-karta-2024/index.html");
    CHECK(contains(numbered, number_column));
    CHECK_FALSE(contains(numbered, "roadmap-table--unnumbered"));
}

TEST_CASE("A district without a roadmap says so, and claims nothing about overdue items", "[nothing_empty]") {
    Tree tree("no-roadmap");
    write_sparse(tree, true);
    auto site = tree.build("site");
    std::string home = read_file(site / "index.html");
    std::string progress = visible_text(section_of(home, "home-progress"));
    CHECK(contains(progress, "«Дорожная карта» района пока не опубликована."));
    CHECK_FALSE(contains(home, "Просроченных"));
    CHECK_FALSE(contains(home, "progress__bar"));
    CHECK_FALSE(contains(home, "Мероприятий пока нет"));
    // A school with nothing at all, and one with its own plan.
    CHECK(contains(visible_text(section_of(read_file(site / "schools/bare/index.html"), "q-done")),
                   "План мероприятий пока не опубликован."));

    // With a roadmap: the figures say of what and as of when.
    add_numberless_district_roadmap(tree);
    home = read_file(tree.build("site") / "index.html");
    progress = visible_text(section_of(home, "home-progress"));
    // («текущих» once finished plans are counted apart.) As of the day the
    // item due in March fell overdue: the figures have not changed since.
    CHECK(std::regex_search(progress, std::regex(R"(выполнено 0 из 1 мероприятия (текущих )?«дорожных карт» района на 01\.04\.2026)")));
    CHECK(contains(progress, "Просрочено на 01.04.2026: 1 мероприятие"));
}

TEST_CASE("Every figure on the home page says of what and as of when", "[nothing_empty]") {
    Tree tree("home");
    fs::copy(fs::path(SHNOR_SOURCE_DIR) / "content", tree.content, fs::copy_options::recursive);
    // The date of the example's own monitoring, inside its plan's year.
    auto site = tree.path / "site";
    auto result = shnor::test::run_command(shell_quoted(SHNOR_BINARY) + " build --content " + shell_quoted(tree.content) +
                                               " --out " + shell_quoted(site) + " --date 2024-11-01 --cache " +
                                               shell_quoted(tree.path / "cache"),
                                           tree.path / "home.log");
    REQUIRE(result.exit_code == 0);
    std::string text = visible_text(read_file(site / "index.html"));
    INFO(text);
    // Schools: of which list.
    CHECK(std::regex_search(text, std::regex(R"(\b9 ШНОР по списку 2024 года)")));
    CHECK(std::regex_search(text, std::regex(R"(\b6 ШНСУ по списку 2024 года)")));
    CHECK(contains(text, "По спискам 2024 года на этом сайте ШНОР — 9 из 23 школ района"));
    CHECK_FALSE(contains(text, "Сейчас ШНОР"));
    // 9 + 6 is more than the 12 sections: the schools on both lists are said.
    CHECK(contains(text, "Разделов школ на этом сайте: 12. Из них 3 школы входят сразу в несколько списков."));
    // Roadmap progress: of what and as of when; the cancelled item is named
    // rather than left as a second total that disagrees with the first.
    // As of the home page's date: its newest news (28.10.2024); no district
    // item has fallen overdue since.
    CHECK(std::regex_search(text, std::regex(R"(выполнено \d+ из \d+ мероприяти(й|я) (текущих )?«дорожных карт» района на 28\.10\.2024)")));
    CHECK(std::regex_search(text, std::regex(R"(Просрочено на 28\.10\.2024: \d+ мероприяти)")));
    CHECK(contains(text, "отменено и не учитывается: 1 мероприятие"));
    CHECK_FALSE(contains(text, "· всего"));
    // Results: of which year.
    CHECK(contains(text, "Средний балл в 2024 году по сравнению с предыдущими результатами"));
}

TEST_CASE("A school's schools-list figure counts the latest list and names schools only on earlier ones",
          "[nothing_empty]") {
    Tree tree("lists");
    write_sparse(tree, true);
    tree.write("schools/bare/school.yaml", "name: Бетинская ООШ\ncategories:\n  - {type: shnor, year: 2023}\n");
    tree.write("schools/numberless/school.yaml", "name: Безномерная СОШ\ncategories:\n  - {type: shnor, year: 2024}\n");
    std::string text = visible_text(read_file(tree.build("site") / "index.html"));
    CHECK(contains(text, "1 ШНОР по списку 2024 года; ещё 1 школа — только в списках прежних лет"));

    // No school gives a category: said, under the heading of the schools.
    tree.write("schools/bare/school.yaml", "name: Бетинская ООШ\n");
    tree.write("schools/numberless/school.yaml", "name: Безномерная СОШ\n");
    std::string home = read_file(tree.build("site") / "index.html");
    CHECK(contains(visible_text(section_of(home, "home-schools")),
                   "Категории школ ( ШНОР , ШНСУ , группа риска) в разделах школ не указаны."));
}

TEST_CASE("No heading is followed by nothing when items have nothing but a title", "[nothing_empty]") {
    Tree tree("titles");
    write_sparse(tree, true);
    add_title_only_items(tree);
    for (const auto& [out, more] :
         std::vector<std::pair<std::string, std::string>>{{"site", ""}, {"bare", "--school bare"}}) {
        auto found = empty_headings_in(tree.build(out, more));
        INFO(out << ":\n" << [&] {
            std::string list;
            for (const auto& entry : found) list += entry + "\n";
            return list;
        }());
        CHECK(found.empty());
    }
}
