// Issue 15 as a user meets it: the real `shnor` binary on one content tree
// (tests/fixtures/truth) holding a school-year plan, a finished plan of 2020,
// `schools: all`, `parts`, a school with no category and no contacts, and on
// two variants of it: a district without a roadmap, a duplicate result row.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::test::read_file;

namespace {

constexpr const char* kDate = "2025-02-10";

struct Tree {
    fs::path path;
    fs::path content;
    fs::path site;
    explicit Tree(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-truth-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
        content = path / "content";
        site = path / "site";
        fs::copy(fs::path(SHNOR_SOURCE_DIR) / "tests/fixtures/truth", content, fs::copy_options::recursive);
    }
    ~Tree() { fs::remove_all(path); }

    shnor::test::CommandResult run(const std::string& command, const std::string& more = "") const {
        return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " " + command + " --content " +
                                            shnor::test::shell_quoted(content) + " --date " + kDate + " --cache " +
                                            shnor::test::shell_quoted(path / "cache") + " " + more,
                                        path / "output.txt");
    }
    shnor::test::CommandResult build(const std::string& more = "") const {
        return run("build", "--out " + shnor::test::shell_quoted(site) + " " + more);
    }
    std::string page(const std::string& relative) const { return read_file(site / relative); }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

// The visible text of a page: tags removed, whitespace collapsed, so that
// assertions read as a reader reads.
std::string visible_text(const std::string& html) {
    static const std::regex hidden(R"(<(script|style)[^>]*>[\s\S]*?</\1>)");
    static const std::regex tag("<[^>]*>");
    static const std::regex space(R"(\s+)");
    std::string text = std::regex_replace(html, hidden, " ");
    text = std::regex_replace(text, tag, " ");
    text = std::regex_replace(text, space, " ");
    return text;
}

}  // namespace

TEST_CASE("truth: a school-year plan, a finished plan, schools: all and parts as the public reads them",
          "[truth][e2e]") {
    Tree tree("built");
    auto built = tree.build();
    INFO(built.output);
    REQUIRE(built.exit_code == 0);

    // Deadlines without a year are placed inside the school-year period:
    // «январь» is January 2025, «март-апрель» March–April 2025, the first
    // half-year ends 31.12.2024; only that one is past on 10.02.2025.
    std::string current = tree.page("roadmaps/plan-2024-2025/index.html");
    CHECK(contains(current, "01.01.2025 – 31.01.2025"));
    CHECK(contains(current, "01.03.2025 – 30.04.2025"));
    CHECK(contains(current, "01.09.2024 – 31.12.2024"));
    CHECK(count_of(current, "<td data-label=\"Статус\"><strong class=\"tag tag--overdue\">") == 1);
    CHECK(contains(current, "нет отчёта"));
    // «выполнено» is read as done; the item with parts shows them as sub-rows.
    CHECK(contains(visible_text(current), "Анализ результатов ВПР январь 01.01.2025 – 31.01.2025 ЦРО "
                                          "Аналитическая справка Выполнено"));
    CHECK(contains(visible_text(current), "Пункт 4, часть 1 из 2 Самоанализ реализации программы Уровень: уровень ОО "
                                          "до 22 мая 2025 г. до 22.05.2025"));

    // The plan of 2020 is finished: nothing in it is overdue, its final
    // figures are said, and its unreported item says so.
    std::string finished = tree.page("roadmaps/plan-2020/index.html");
    CHECK(contains(finished, "План завершён 31.12.2020: отчёты опубликованы по 1 из 2 мероприятий"));
    CHECK_FALSE(contains(finished, "tag--overdue"));
    CHECK_FALSE(contains(visible_text(finished), "Просрочено"));
    CHECK(contains(finished, "Нет отчёта"));
    // The date inside the sentence is read.
    CHECK(contains(finished, "до 15.05.2020"));

    // Home: current progress only (5 items of which one has 2 parts = 6), the
    // finished plan apart; every figure says of what and as of when.
    std::string home = visible_text(tree.page("index.html"));
    // As of the newest date of what they count: item 1's report (28.01.2025;
    // item 3 fell overdue on 01.01.2025), not the build date.
    CHECK(contains(home, "выполнено 1 из 6 мероприятий текущих «дорожных карт» района на 28.01.2025"));
    CHECK(contains(home, "Просрочено на 28.01.2025: 1 мероприятие"));
    CHECK(contains(home, "Завершённые планы"));
    CHECK(contains(home, "План завершён 31.12.2020"));

    // District measures reach the schools: «all» every school, a slug list
    // only the school named.
    std::string beta_plan = visible_text(tree.page("schools/beta/roadmap/index.html"));
    CHECK(contains(beta_plan, "Самоанализ реализации программы"));
    CHECK(contains(beta_plan, "Выездное совещание в школе"));
    CHECK(contains(beta_plan, "Мероприятие района"));
    std::string alpha_plan = visible_text(tree.page("schools/alpha/roadmap/index.html"));
    CHECK(contains(alpha_plan, "Самоанализ реализации программы"));
    CHECK_FALSE(contains(alpha_plan, "Выездное совещание в школе"));

    // A school with no category and no contacts: said in words, contacts
    // fall back to the district, and its plan is not called missing.
    std::string beta = visible_text(tree.page("schools/beta/index.html"));
    CHECK(contains(beta, "не указаны"));
    CHECK(contains(beta, "Мероприятия района для школы выполнено 0 из 3 мероприятий"));
    CHECK_FALSE(contains(beta, "План мероприятий пока не опубликован"));
    CHECK(contains(beta, "Координатор в школе не указан"));
    CHECK(contains(beta, "Иванова Мария Петровна"));
    CHECK(contains(beta, "Руководитель не указано"));

    // Open data: the finished flag, derived dates, parts.
    auto roadmaps = nlohmann::json::parse(tree.page("data/roadmaps.json"));
    REQUIRE(roadmaps["roadmaps"].size() == 2);
    for (const auto& roadmap : roadmaps["roadmaps"]) {
        CHECK(roadmap["finished"] == (roadmap["id"] == "plan-2020"));
        if (roadmap["id"] != "plan-2024-2025") continue;
        const auto& items = roadmap["sections"][0]["items"];
        CHECK(items[0]["derived_due"] == "2025-01-31");
        CHECK(items[0]["shown_status"] == "done");
        CHECK(items[2]["shown_status"] == "overdue");
        CHECK(items[3]["schools"] == "all");
        REQUIRE(items[3]["parts"].size() == 2);
        CHECK(items[3]["parts"][1]["derived_due"] == "2025-05-30");
        CHECK(items[3]["parts"][1]["level"] == "муниципальный");
    }
    std::string csv = tree.page("data/roadmaps.csv");
    CHECK(contains(csv, ",part,level,roadmap_finished"));
    CHECK(contains(csv, "Самоанализ реализации программы"));
    CHECK(contains(csv, "Свод отчётов школ"));

    // The district's own abbreviations: expanded at first use, listed on the
    // glossary page with the built-in ones the site uses.
    CHECK(contains(current, "<abbr title=\"Центр развития образования\">ЦРО</abbr>"));
    CHECK(count_of(current, "<abbr title=\"Центр развития образования\">") == 1);
    std::string glossary = visible_text(tree.page("glossary/index.html"));
    CHECK(contains(glossary, "ЦРО"));
    CHECK(contains(glossary, "Центр развития образования"));
    CHECK(contains(glossary, "ШНОР"));
    CHECK_FALSE(contains(glossary, "ЦНППМ"));  // never used by this site
    CHECK(contains(tree.page("index.html"), "Сопровождение ШНОР"));  // short_title for phones

    // Same content, same date: the same bytes.
    std::string first = tree.page("roadmaps/plan-2024-2025/index.html");
    fs::remove_all(tree.site);
    REQUIRE(tree.build().exit_code == 0);
    CHECK(tree.page("roadmaps/plan-2024-2025/index.html") == first);
}

TEST_CASE("truth: check names what each school still lacks; --strict fails on it; --format json says the same",
          "[truth][e2e]") {
    Tree tree("check");
    auto text = tree.run("check");
    INFO(text.output);
    CHECK(text.exit_code == 0);
    CHECK(contains(text.output, "школа «Бетинская ООШ»: не указано, в какой список она входит"));
    CHECK(contains(text.output, "школа «Бетинская ООШ»: не указано, к кому обратиться"));
    CHECK_FALSE(contains(text.output, "замечаний 0"));
    // The school named by district measures is not told its plan is missing.
    CHECK_FALSE(contains(text.output, "нет ни своей «дорожной карты»"));

    auto strict = tree.run("check", "--strict");
    CHECK(strict.exit_code == 1);

    auto json_run = tree.run("check", "--format json 2>/dev/null");
    REQUIRE(json_run.exit_code == 0);
    auto report = nlohmann::json::parse(json_run.output);
    CHECK(report["errors"] == 0);
    CHECK(report["warnings"].get<int>() == static_cast<int>(report["findings"].size()));
    bool beta_category = false;
    for (const auto& finding : report["findings"])
        if (finding["school"] == "beta" && finding["code"] == "school-category") beta_category = true;
    CHECK(beta_category);
}

TEST_CASE("truth: a district without a roadmap does not say that nothing is overdue", "[truth][e2e]") {
    Tree tree("no-roadmap");
    fs::remove_all(tree.content / "roadmaps");
    auto built = tree.build();
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    std::string home = visible_text(tree.page("index.html"));
    CHECK(contains(home, "«Дорожная карта» района пока не опубликована"));
    CHECK_FALSE(contains(home, "Просроченных"));
    CHECK_FALSE(contains(home, "выполнено 0 из 0"));
}

TEST_CASE("truth: a second result row for the same exam, subject, grade and year is an error naming both",
          "[truth][e2e]") {
    Tree tree("duplicate");
    std::ofstream(tree.content / "schools/gamma/results.yaml", std::ios::app)
        << "- {exam: ОГЭ, subject: Математика, grade: 9, year: 2024, participants: 11, mean: 3.5, scale: 5}\n";
    auto built = tree.build();
    INFO(built.output);
    CHECK(built.exit_code == 1);
    CHECK(contains(built.output, "schools/gamma/results.yaml:3"));
    CHECK(contains(built.output, "schools/gamma/results.yaml:2"));
    CHECK_FALSE(fs::exists(tree.site));
}
