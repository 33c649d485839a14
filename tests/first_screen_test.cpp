// Issue 16, points 1 and 4: the four answers of a school's first screen and
// of the home page, the compact header, and the verdicts against the
// district and the region with the «на уровне» rule.
#include "test_paths.hpp"
#include "test_support.hpp"

#include "derive/results.hpp"
#include "view/common.hpp"
#include "view/results_view.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace shnor;
using derive::Measure;
using derive::Relation;
namespace fs = std::filesystem;

namespace {

model::ResultRow row(std::string scope, std::string exam, std::string subject, int year, double mean,
                     std::optional<double> fail_share = std::nullopt, int scale = 5) {
    model::ResultRow result;
    result.scope = std::move(scope);
    result.exam = std::move(exam);
    result.subject = std::move(subject);
    result.grade = result.exam == "ЕГЭ" ? 11 : 9;
    result.year = year;
    result.participants = 10;
    result.mean = mean;
    result.scale = scale;
    result.fail_share = fail_share;
    return result;
}

// One school's group with the shared rows (region and district) beside it.
derive::ResultGroup group_of(std::vector<model::ResultRow> own, std::vector<model::ResultRow> shared) {
    model::Site site;
    model::School school;
    school.slug = "a";
    school.name = "Школа a";
    for (auto& result : own) result.scope.clear();
    school.results = std::move(own);
    site.schools.push_back(std::move(school));
    site.district_results = std::move(shared);
    return derive::school_result_groups(site, site.schools[0]).at(0);
}

std::size_t position_of(const std::string& html, const std::string& needle) {
    auto found = html.find(needle);
    INFO(needle);
    REQUIRE(found != std::string::npos);
    return found;
}

}  // namespace

TEST_CASE("first screen: «на уровне» is within 0,1 of a mark, 1 point of a score, 1 percentage point of a share") {
    // The example's numbers: Шубинская СОШ, ОГЭ по математике 2024, against the region and the district.
    CHECK(derive::relation_of(3.3, 3.5, Measure::mean, 5) == Relation::below);
    CHECK(derive::relation_of(3.3, 3.3, Measure::mean, 5) == Relation::level);
    CHECK(derive::relation_of(3.5, 3.7, Measure::mean, 5) == Relation::below);
    CHECK(derive::relation_of(3.3, 3.4, Measure::mean, 5) == Relation::level);  // exactly 0,1 apart
    CHECK(derive::relation_of(3.4, 3.3, Measure::mean, 5) == Relation::level);
    CHECK(derive::relation_of(3.6, 3.4, Measure::mean, 5) == Relation::above);
    // Compared as printed: a computed 3,2857 reads 3,3, one tenth from 3,4.
    CHECK(derive::relation_of(3.2857, 3.4, Measure::mean, 5) == Relation::level);
    CHECK(derive::relation_of(3.2449, 3.4, Measure::mean, 5) == Relation::below);
    // ЕГЭ, 100 points: 44,2 against the region's 55,1.
    CHECK(derive::relation_of(44.2, 55.1, Measure::mean, 100) == Relation::below);
    CHECK(derive::relation_of(54.1, 55.1, Measure::mean, 100) == Relation::level);
    CHECK(derive::relation_of(54.0, 55.1, Measure::mean, 100) == Relation::below);
    // Shares in percentage points: 10 % of «2» against the region's 7,6 %.
    CHECK(derive::relation_of(10.0, 7.6, Measure::fail_share, 5) == Relation::above);
    CHECK(derive::relation_of(8.6, 7.6, Measure::fail_share, 5) == Relation::level);
    CHECK(derive::relation_of(30.0, 44.1, Measure::quality_share, 5) == Relation::below);
    CHECK(derive::level_rule(Measure::mean, 5).tolerance == Approx(0.1));
    CHECK(derive::level_rule(Measure::mean, 100).tolerance == Approx(1.0));
    CHECK_FALSE(derive::level_rule(Measure::fail_share, 5).points);
}

TEST_CASE("first screen: the verdict compares the latest year with the district and the region of that year") {
    auto group = group_of({row("", "ОГЭ", "Математика", 2023, 2.8), row("", "ОГЭ", "Математика", 2024, 3.3)},
                          {row("region", "ОГЭ", "Математика", 2024, 3.5), row("region", "ОГЭ", "Математика", 2023, 3.3),
                           row("district", "ОГЭ", "Математика", 2024, 3.3)});
    auto standing = derive::standing_of(group, Measure::mean);
    REQUIRE(standing);
    CHECK(standing->year == 2024);
    CHECK(standing->to_region == Relation::below);
    CHECK(standing->to_district == Relation::level);
    CHECK(view::detail::verdict(group) ==
          "ОГЭ по математике, 2024 год: средний балл 3,3 — ниже, чем по региону (3,5), на уровне района (3,3).");

    // Both below: the words are shared.
    auto russian = group_of({row("", "ОГЭ", "Русский язык", 2024, 3.5)},
                            {row("region", "ОГЭ", "Русский язык", 2024, 3.8),
                             row("district", "ОГЭ", "Русский язык", 2024, 3.7)});
    CHECK(view::detail::verdict(russian) ==
          "ОГЭ по русскому языку, 2024 год: средний балл 3,5 — ниже, чем по региону (3,8) и по району (3,7).");

    // No district value that year: the district is not mentioned; a region value of another year is not used.
    auto exam = group_of({row("", "ЕГЭ", "Математика (профильная)", 2024, 44.2, 20.0, 100)},
                         {row("region", "ЕГЭ", "Математика (профильная)", 2024, 55.1, 7.8, 100),
                          row("district", "ЕГЭ", "Математика (профильная)", 2023, 50.0, 9.0, 100)});
    CHECK(view::detail::verdict(exam) ==
          "ЕГЭ по профильной математике, 2024 год: средний тестовый балл 44,2 — ниже, чем по региону (55,1).");

    // Nothing to compare with: the value alone, no claim.
    auto alone = group_of({row("", "ОГЭ", "Математика", 2024, 3.0)}, {row("region", "ОГЭ", "Математика", 2022, 3.4)});
    CHECK(view::detail::verdict(alone) == "ОГЭ по математике, 2024 год: средний балл 3,0.");
    CHECK(view::detail::level_rule_text({alone}).empty());

    // The rule printed on the page names the kinds of measure the verdicts compared, from derive::level_rule.
    CHECK(view::detail::level_rule_text({group, exam}) ==
          "«На уровне» значит, что значения школы и района (или региона) за один год, округлённые до десятых, "
          "отличаются не больше чем на 0,1 балла (средний балл по пятибалльной шкале), 1 балл (средний тестовый "
          "балл); при большей разнице сказано «выше» или «ниже».");
}

TEST_CASE("first screen: a long site title is cut at a word for the header on phones") {
    using view::detail::shortened_title;
    CHECK(shortened_title("Сопровождение школ с низкими образовательными результатами", 40) ==
          "Сопровождение школ с низкими…");
    CHECK(shortened_title("Сопровождение ШНОР", 40) == "Сопровождение ШНОР");
    // A trailing conjunction goes with the cut: not «… района и…».
    CHECK(shortened_title("Программа сопровождения школ района и муниципальных организаций", 40) ==
          "Программа сопровождения школ района…");
}

TEST_CASE("first screen: the four answers come first, in order, on a school page and the home page", "[e2e]") {
    fs::path out = fs::temp_directory_path() / ("shnor-first-screen-" + std::to_string(::getpid()));
    fs::remove_all(out);
    fs::create_directories(out);
    auto result = test::run_command(test::shell_quoted(SHNOR_BINARY) + " build --content " +
                                        test::shell_quoted(fs::path(SHNOR_SOURCE_DIR) / "content") + " --out " +
                                        test::shell_quoted(out / "site") + " --date 2024-11-01 --cache " +
                                        test::shell_quoted(out / "cache"),
                                    out / "log.txt");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);

    std::string school = test::read_file(out / "site/schools/shubinskaya/index.html");
    auto list = position_of(school, "data-answer=\"list\"");
    auto progress = position_of(school, "data-answer=\"progress\"");
    auto results = position_of(school, "data-answer=\"results\"");
    auto contact = position_of(school, "data-answer=\"contact\"");
    CHECK(list < progress);
    CHECK(progress < results);
    CHECK(results < contact);
    // Before the school's tabs and the detailed panels.
    CHECK(contact < position_of(school, "class=\"subnav\""));
    CHECK(contact < position_of(school, "id=\"q-list\""));
    // One reason on the first screen, the verdicts, a tappable phone.
    std::string answers = school.substr(list, position_of(school, "</dl>") - list);
    CHECK(answers.find("с 2024 года — низкие образовательные результаты") != std::string::npos);
    CHECK(answers.find("<li>ОГЭ по математике, 2024 год: средний балл 3,30 — ниже, чем по региону (3,50), на уровне "
                       "района (3,29).</li>") != std::string::npos);
    // Two sentences on a phone's first screen; the third exam is on the results page.
    CHECK(answers.find("ЕГЭ по профильной") == std::string::npos);
    CHECK(test::read_file(out / "site/schools/shubinskaya/results/index.html").find("ЕГЭ по профильной математике, 2024 год: средний тестовый балл 44,2 — ниже, чем по "
                       "региону (55,1).") != std::string::npos);
    CHECK(answers.find("<a href=\"tel:") != std::string::npos);
    CHECK(school.find("«На уровне» значит") != std::string::npos);

    // The results page says the same sentence and the rule.
    std::string results_page = test::read_file(out / "site/schools/shubinskaya/results/index.html");
    // In the page's precision for 5-point means (its table has 2,96), the district computed as 3,29.
    CHECK(results_page.find("<p class=\"verdict\">ОГЭ по математике, 2024 год: средний балл 3,30 — ниже, чем по "
                            "региону (3,50), на уровне района (3,29).</p>") != std::string::npos);
    // The change over the years in the same precision as the table: 10,0 % beside 22,2 %.
    CHECK(results_page.find("доля «2» снизилась с 22,2\u00a0% до 10,0\u00a0%") != std::string::npos);
    CHECK(results_page.find("«На уровне» значит") != std::string::npos);

    std::string home = test::read_file(out / "site/index.html");
    auto home_list = position_of(home, "data-answer=\"list\"");
    auto home_progress = position_of(home, "data-answer=\"progress\"");
    auto home_results = position_of(home, "data-answer=\"results\"");
    auto home_contact = position_of(home, "data-answer=\"contact\"");
    CHECK(home_list < home_progress);
    CHECK(home_progress < home_results);
    CHECK(home_results < home_contact);
    CHECK(home.substr(home_contact, 600).find("<a href=\"tel:+73836100001\">") != std::string::npos);

    // The header: the short title, one menu folded under «Меню», the vi link outside it.
    CHECK(school.find("<span class=\"site-header__short\">Сопровождение ШНОР</span>") != std::string::npos);
    auto menu = position_of(school, "<details class=\"site-menu\">\n<summary class=\"site-menu__toggle\">"
                                    "<span class=\"wrap\">Меню</span></summary>\n<nav class=\"site-nav\"");
    CHECK(school.find("class=\"site-nav\"", menu + 200) == std::string::npos);
    CHECK(position_of(school, "Версия для слабовидящих") < menu);
    fs::remove_all(out);
}

TEST_CASE("first screen: a long reason is cut at a word and more than two verdicts leave the rest to the results page",
          "[e2e]") {
    fs::path scratch = fs::temp_directory_path() / ("shnor-first-screen-long-" + std::to_string(::getpid()));
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    fs::copy(fs::path(SHNOR_SOURCE_DIR) / "content", scratch / "content", fs::copy_options::recursive);
    fs::path school_file = scratch / "content/schools/shubinskaya/school.yaml";
    std::string school_yaml = test::read_file(school_file);
    const std::string reason = "Низкие образовательные результаты ОГЭ и ЕГЭ в 2023 году";
    const std::string long_reason =
        "Низкие образовательные результаты ОГЭ и ЕГЭ в 2023 году по математике и русскому языку, высокая доля "
        "обучающихся с рисками учебной неуспешности";
    auto at = school_yaml.find(reason);
    REQUIRE(at != std::string::npos);
    school_yaml.replace(at, reason.size(), long_reason);
    test::write_file(school_file, school_yaml);
    fs::path results_file = scratch / "content/schools/shubinskaya/results.yaml";
    test::write_file(results_file,
                     test::read_file(results_file) +
                         "- {exam: ВПР, subject: Математика, grade: 5, year: 2024, participants: 8, mean: 3.4, scale: 5}\n"
                         "- {exam: ВПР, subject: Русский язык, grade: 5, year: 2024, participants: 8, mean: 3.2, scale: 5}\n");
    auto result = test::run_command(test::shell_quoted(SHNOR_BINARY) + " build --content " +
                                        test::shell_quoted(scratch / "content") + " --out " +
                                        test::shell_quoted(scratch / "site") + " --date 2024-11-01 --offline",
                                    scratch / "log.txt");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    std::string html = test::read_file(scratch / "site/schools/shubinskaya/index.html");
    auto list = position_of(html, "data-answer=\"list\"");
    std::string answers = html.substr(list, position_of(html, "</dl>") - list);
    // At most 110 characters of the reason, cut after a whole word; the whole reason stays in the panel.
    CHECK(answers.find("— низкие образовательные результаты ") != std::string::npos);
    CHECK(answers.find("по математике и русскому языку, высокая доля… <a href=\"#q-list\">") != std::string::npos);
    CHECK(answers.find("неуспешности") == std::string::npos);
    CHECK(html.find(long_reason) != std::string::npos);
    // Five exams and subjects: two sentences (a phone's first screen holds no more), then a link to the rest.
    CHECK(answers.find("ЕГЭ по профильной математике, 2024 год") == std::string::npos);
    CHECK(answers.find("ВПР по математике") == std::string::npos);
    CHECK(answers.find("<a href=\"../../schools/shubinskaya/results/\">И ещё 3 экзамена или предмета — на странице "
                       "результатов</a>") != std::string::npos);
    std::string results = test::read_file(scratch / "site/schools/shubinskaya/results/index.html");
    CHECK(results.find("ВПР по математике в 5 классе, 2024 год: средний балл 3,4") != std::string::npos);
    fs::remove_all(scratch);
}
