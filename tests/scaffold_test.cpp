// `shnor new`: scaffolds that build at once, say in every warning what is
// left to fill, and never replace or write through anything.
#include "load/text_check.hpp"
#include "scaffold/scaffold.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::shell_quoted;

namespace {

struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-scaffold-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() { fs::remove_all(path); }
};

shnor::test::CommandResult shnor_run(const Scratch& scratch, const std::string& arguments) {
    return shnor::test::run_command(shell_quoted(SHNOR_BINARY) + " " + arguments, scratch.path / "log.txt");
}

int count_of(const std::string& text, const std::string& part) {
    int count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

}  // namespace

TEST_CASE("shnor new site makes a district that builds, with every blank named by file and line", "[scaffold]") {
    Scratch scratch("site");
    fs::path content = scratch.path / "rayon";
    auto made = shnor_run(scratch, "new site " + shell_quoted(content));
    INFO(made.output);
    REQUIRE(made.exit_code == 0);
    for (const char* file : {"site.yaml", "roadmaps/dorozhnaya-karta-2026.yaml", "schools/shkola-1/school.yaml",
                             "schools/shkola-1/index.md"})
        CHECK_THAT(made.output, Catch::Contains((content / file).string()));

    auto built = shnor_run(scratch, "build --content " + shell_quoted(content) + " --out " +
                                        shell_quoted(scratch.path / "site") + " --date 2026-12-06");
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    // No example data: nothing marked «пример», no school of the example.
    std::string home = read_file(scratch.path / "site" / "index.html");
    CHECK_THAT(home, !Catch::Contains("Барабинск"));
    CHECK_THAT(home, !Catch::Contains("tag--example"));
    CHECK(fs::exists(scratch.path / "site" / "schools" / "shkola-1" / "index.html"));

    // Every blank is a warning with its file and line, in build and in check;
    // --strict fails until they are filled.
    auto checked = shnor_run(scratch, "check --content " + shell_quoted(content) + " --date 2026-12-06");
    REQUIRE(checked.exit_code == 0);
    std::size_t blanks = 0;
    for (const auto& entry : fs::recursive_directory_iterator(content))
        if (entry.is_regular_file()) blanks += shnor::load::placeholders_in(read_file(entry.path())).size();
    CHECK(blanks >= 15);
    CHECK(count_of(checked.output, "заготовка не заполнена") == static_cast<int>(blanks));
    CHECK(count_of(built.output, "заготовка не заполнена") == static_cast<int>(blanks));
    CHECK_THAT(checked.output, Catch::Contains("site.yaml:14: предупреждение: заготовка не заполнена: «Впишите: "
                                               "название района"));
    CHECK(shnor_run(scratch, "check --strict --content " + shell_quoted(content) + " --date 2026-12-06").exit_code ==
          1);
}

TEST_CASE("shnor new never replaces a file, writes into a folder with content, or follows a link", "[scaffold]") {
    Scratch scratch("refuse");
    fs::path content = scratch.path / "rayon";
    REQUIRE(shnor_run(scratch, "new site " + shell_quoted(content)).exit_code == 0);
    std::string site_yaml = read_file(content / "site.yaml");

    SECTION("a second new site into the same folder") {
        auto again = shnor_run(scratch, "new site " + shell_quoted(content));
        CHECK(again.exit_code == 2);
        CHECK_THAT(again.output, Catch::Contains("не пуста"));
        CHECK(read_file(content / "site.yaml") == site_yaml);
    }
    SECTION("a school that exists: neither of its files is touched") {
        shnor::test::write_file(content / "schools/shkola-2/index.md", "---\ntitle: Своё\n---\nСвой текст.\n");
        auto again = shnor_run(scratch, "new school shkola-2 --content " + shell_quoted(content));
        CHECK(again.exit_code == 2);
        CHECK_THAT(again.output, Catch::Contains("уже есть"));
        CHECK_FALSE(fs::exists(content / "schools/shkola-2/school.yaml"));  // nothing written, not even the other
        CHECK(read_file(content / "schools/shkola-2/index.md") == "---\ntitle: Своё\n---\nСвой текст.\n");
    }
    SECTION("a school folder that is a link out of the content") {
        fs::create_directories(scratch.path / "outside");
        fs::create_directory_symlink(scratch.path / "outside", content / "schools" / "linked");
        auto linked = shnor_run(scratch, "new roadmap plan --school linked --content " + shell_quoted(content));
        CHECK(linked.exit_code == 2);
        CHECK_THAT(linked.output, Catch::Contains("символическая ссылка"));
        CHECK(fs::is_empty(scratch.path / "outside"));
    }
    SECTION("names that are not slugs, and a folder without site.yaml") {
        CHECK(shnor_run(scratch, "new school 'Школа 1' --content " + shell_quoted(content)).exit_code == 2);
        CHECK(shnor_run(scratch, "new roadmap ../plan --content " + shell_quoted(content)).exit_code == 2);
        CHECK(shnor_run(scratch, "new news 'Новость' --content " + shell_quoted(scratch.path)).exit_code == 2);
        CHECK_FALSE(fs::exists(scratch.path / "news"));
        CHECK(shnor_run(scratch, "new news 'Новость' --school none --content " + shell_quoted(content)).exit_code == 2);
    }
}

TEST_CASE("shnor new school, roadmap and news add what a district then builds, the title kept exactly", "[scaffold]") {
    Scratch scratch("add");
    fs::path content = scratch.path / "rayon";
    REQUIRE(shnor_run(scratch, "new site " + shell_quoted(content)).exit_code == 0);
    REQUIRE(shnor_run(scratch, "new school kromskaya-1 --content " + shell_quoted(content)).exit_code == 0);
    REQUIRE(shnor_run(scratch, "new roadmap plan-shkoly --school kromskaya-1 --date 2025-03-01 --content " +
                                   shell_quoted(content))
                .exit_code == 0);
    const std::string title = "День открытых дверей: «Точка роста» — 10 лет! \"Приходите\"";
    auto news = shnor_run(scratch, "new news " + shell_quoted(title) + " --school kromskaya-1 --date 2025-03-05 "
                                   "--content " + shell_quoted(content));
    INFO(news.output);
    REQUIRE(news.exit_code == 0);
    fs::path news_file = content / "schools/kromskaya-1/news/2025-03-05-den-otkrytyh-dverey-tochka-rosta-10-let-prihodite.md";
    REQUIRE(fs::exists(news_file));
    CHECK_THAT(read_file(content / "schools/kromskaya-1/roadmaps/plan-shkoly.yaml"),
               Catch::Contains("period: {start: 2025-01-01, end: 2025-12-31}"));

    auto built = shnor_run(scratch, "build --content " + shell_quoted(content) + " --out " +
                                        shell_quoted(scratch.path / "site") + " --date 2025-03-10");
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    std::string page = read_file(scratch.path / "site/schools/kromskaya-1/news/"
                                 "2025-03-05-den-otkrytyh-dverey-tochka-rosta-10-let-prihodite/index.html");
    CHECK_THAT(page, Catch::Contains("День открытых дверей: «Точка роста» — 10 лет! &quot;Приходите&quot;"));
    CHECK(fs::exists(scratch.path / "site/schools/kromskaya-1/roadmap/index.html"));
}

TEST_CASE("a news title becomes a Latin file name as the example spells them", "[scaffold]") {
    using shnor::scaffold::slug_of;
    CHECK(slug_of("День открытых дверей") == "den-otkrytyh-dverey");
    CHECK(slug_of("Открытие центра «Точка роста» в Шубинской школе") == "otkrytie-tsentra-tochka-rosta-v-shubinskoy-shkole");
    CHECK(slug_of("ВПР-2025: итоги, 5–9 классы") == "vpr-2025-itogi-5-9-klassy");
    CHECK(slug_of("Съезд, щедрость, Ёлка, юность") == "sezd-schedrost-elka-yunost");
    CHECK(slug_of("«»!?") == "novost");
    std::string longest = slug_of(std::string(30, 'a') + " " + std::string(25, 'b') + " " + std::string(20, 'c'));
    CHECK(longest == std::string(30, 'a') + "-" + std::string(25, 'b'));
}

TEST_CASE("a blank is found on its line, its text cut at the YAML quote", "[scaffold]") {
    auto found = shnor::load::placeholders_in("title: x\nname: \"Впишите: название района\"   # район\n\nВпишите: текст.\n");
    REQUIRE(found.size() == 2);
    CHECK(found[0].line == 2);
    CHECK(found[0].text == "Впишите: название района");
    CHECK(found[1].line == 4);
    CHECK(found[1].text == "Впишите: текст.");
    CHECK(shnor::load::placeholders_in("# Впишите сведения вместо заготовок\nname: Кромской район\n").empty());
}
