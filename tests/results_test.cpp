#include "test_paths.hpp"
#include "derive/results.hpp"
#include "render/templates.hpp"
#include "view/results_view.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace shnor;
using derive::Direction;
using derive::Measure;

namespace {

model::ResultRow row(std::string exam, std::string subject, int year, std::optional<int> participants,
                     std::optional<double> mean, std::optional<double> fail_share,
                     std::optional<double> quality_share = std::nullopt, int scale = 5) {
    model::ResultRow result;
    result.exam = std::move(exam);
    result.subject = std::move(subject);
    result.grade = result.exam == "ЕГЭ" ? 11 : 9;
    result.year = year;
    result.participants = participants;
    result.mean = mean;
    result.scale = scale;
    result.fail_share = fail_share;
    result.quality_share = quality_share;
    return result;
}

model::ResultRow scoped(model::ResultRow result, std::string scope) {
    result.scope = std::move(scope);
    return result;
}

model::School school(std::string slug, std::vector<model::ResultRow> results) {
    model::School result;
    result.slug = std::move(slug);
    result.name = "Школа " + result.slug;
    result.results = std::move(results);
    return result;
}

model::Site two_schools() {
    model::Site site;
    site.config.title = "Сопровождение школ";
    site.config.base_url = "https://edu.example/";
    site.schools.push_back(school("a", {row("ОГЭ", "Математика", 2023, 8, 2.8, 30.0, 10.0),
                                        row("ОГЭ", "Математика", 2024, 10, 3.0, 20.0, 20.0)}));
    site.schools.push_back(school("b", {row("ОГЭ", "Математика", 2024, 30, 4.0, 10.0, 60.0),
                                        row("ОГЭ", "Математика", 2022, 25, 3.5, 12.0, 40.0)}));
    site.district_results.push_back(scoped(row("ОГЭ", "Математика", 2024, 18000, 3.5, 7.6, 44.1), "region"));
    site.district_results.push_back(scoped(row("ОГЭ", "Математика", 2022, 18000, 3.4, 9.8, 41.5), "region"));
    return site;
}

derive::ResultLine line(std::vector<std::pair<int, double>> means) {
    derive::ResultLine result;
    for (auto [year, mean] : means) result.years[year].mean = mean;
    return result;
}

derive::ResultGroup group_with(std::vector<model::ResultRow> rows) {
    model::Site site;
    site.schools.push_back(school("a", std::move(rows)));
    return derive::school_result_groups(site, site.schools[0]).at(0);
}

const view::Data* find(const view::Data& data, const std::string& key) {
    const auto* value = data.get(key);
    REQUIRE(value != nullptr);
    return value;
}

const view::PageSpec& page_at(const std::vector<view::PageSpec>& pages, const std::string& path) {
    auto found = std::find_if(pages.begin(), pages.end(), [&](const auto& page) { return page.path == path; });
    REQUIRE(found != pages.end());
    return *found;
}

}  // namespace

TEST_CASE("results: the district line is weighted by participants, with gaps where fewer than two schools report") {
    auto site = two_schools();
    auto groups = derive::school_result_groups(site, site.schools[0]);
    REQUIRE(groups.size() == 1);
    const auto& group = groups[0];
    CHECK(group.district.computed);
    // 2024: (3.0·10 + 4.0·30) / 40 = 3.75; shares (20·10 + 10·30) / 40 = 12.5 and (20·10 + 60·30) / 40 = 50.
    REQUIRE(group.district.years.count(2024) == 1);
    const auto& values = group.district.years.at(2024);
    CHECK(*values.mean == Approx(3.75));
    CHECK(*values.fail_share == Approx(12.5));
    CHECK(*values.quality_share == Approx(50));
    CHECK(*values.participants == 40);
    CHECK(values.schools == 2);
    // 2022 and 2023 have one school each: gaps, not that school's numbers.
    CHECK_FALSE(group.district.value(2022, Measure::mean));
    CHECK_FALSE(group.district.value(2023, Measure::mean));
    // The region line comes from the shared rows; the years are the union of all lines.
    CHECK(*group.region.value(2024, Measure::mean) == Approx(3.5));
    CHECK(*group.region.value(2022, Measure::fail_share) == Approx(9.8));
    CHECK(group.years == std::vector<int>{2022, 2023, 2024});
    CHECK(group.school.years.size() == 2);
}

TEST_CASE("results: given district rows win over the computed line; rows scoped to a school join its line") {
    auto site = two_schools();
    site.district_results.push_back(scoped(row("ОГЭ", "Математика", 2024, 500, 3.3, 15.0), "district"));
    site.district_results.push_back(scoped(row("ОГЭ", "Математика", 2021, 7, 2.6, 40.0), "a"));
    auto group = derive::school_result_groups(site, site.schools[0]).at(0);
    CHECK_FALSE(group.district.computed);
    CHECK(*group.district.value(2024, Measure::mean) == Approx(3.3));
    CHECK(group.district.years.size() == 1);
    CHECK(*group.school.value(2021, Measure::mean) == Approx(2.6));
    CHECK(derive::computed_district_rows(site).empty());
    CHECK(derive::computed_district_rows(two_schools()).size() == 1);
}

TEST_CASE("results: trends compare the latest year with the previous year that has a value") {
    auto up = derive::trend_of(line({{2022, 3.0}, {2024, 3.35}}), Measure::mean, 5);
    REQUIRE(up);
    CHECK(up->direction == Direction::up);
    CHECK(up->previous_year == 2022);
    CHECK(up->better());
    CHECK(derive::trend_of(line({{2023, 3.30}, {2024, 3.34}}), Measure::mean, 5)->direction == Direction::flat);
    CHECK(derive::trend_of(line({{2023, 3.30}, {2024, 3.25}}), Measure::mean, 5)->direction == Direction::down);
    CHECK(derive::trend_of(line({{2023, 50.0}, {2024, 50.9}}), Measure::mean, 100)->direction == Direction::flat);
    CHECK(derive::trend_of(line({{2023, 50.0}, {2024, 51.0}}), Measure::mean, 100)->direction == Direction::up);
    CHECK_FALSE(derive::trend_of(line({{2024, 3.1}}), Measure::mean, 5));
    // Up to a year: 2023 against 2022.
    auto earlier = derive::trend_of(line({{2022, 3.0}, {2023, 2.5}, {2024, 3.5}}), Measure::mean, 5, 2023);
    REQUIRE(earlier);
    CHECK(earlier->direction == Direction::down);
    CHECK(earlier->worse());

    derive::ResultLine shares;
    shares.years[2023].fail_share = 20;
    shares.years[2024].fail_share = 19.5;
    shares.years[2023].quality_share = 30;
    shares.years[2024].quality_share = 25;
    CHECK(derive::trend_of(shares, Measure::fail_share, 5)->direction == Direction::flat);
    shares.years[2024].fail_share = 18;
    auto fail = derive::trend_of(shares, Measure::fail_share, 5);
    CHECK(fail->direction == Direction::down);
    CHECK(fail->better());  // fewer «2» is better
    auto quality = derive::trend_of(shares, Measure::quality_share, 5);
    CHECK(quality->direction == Direction::down);
    CHECK(quality->worse());
    CHECK(derive::lower_is_better(Measure::fail_share));
    CHECK_FALSE(derive::lower_is_better(Measure::mean));
}

TEST_CASE("results: verdict sentences") {
    auto rising = group_with({row("ОГЭ", "Математика", 2022, 14, 3.0, 28.0), row("ОГЭ", "Математика", 2025, 18, 3.4, 11.0)});
    CHECK(view::detail::change_sentence(rising) ==
          "Средний балл ОГЭ по математике вырос с 3,0 (2022) до 3,4 (2025); доля «2» снизилась с 28\u00a0% до 11\u00a0%.");

    auto flat = group_with({row("ОГЭ", "Русский язык", 2023, 10, 3.5, 10.0, 40.0),
                            row("ОГЭ", "Русский язык", 2024, 10, 3.52, 12.0, 40.0)});
    CHECK(view::detail::change_sentence(flat) ==
          "Средний балл ОГЭ по русскому языку не изменился: 3,50 (2023) и 3,52 (2024); доля «2» выросла с 10\u00a0% "
          "до 12\u00a0%; доля «4» и «5» не изменилась: 40\u00a0%.");

    auto single = group_with({row("ОГЭ", "Математика", 2024, 10, 3.3, 10.0, 30.0)});
    CHECK(view::detail::change_sentence(single) ==
          "Есть данные только за 2024 год: средний балл ОГЭ по математике — 3,3, доля «2» — 10\u00a0%, "
          "доля «4» и «5» — 30\u00a0%.");

    auto exam = group_with({row("ЕГЭ", "Математика (профильная)", 2023, 4, 31.5, 50.0, std::nullopt, 100),
                            row("ЕГЭ", "Математика (профильная)", 2024, 5, 44.2, 20.0, std::nullopt, 100)});
    CHECK(view::detail::change_sentence(exam) ==
          "Средний тестовый балл ЕГЭ по профильной математике вырос с 31,5 (2023) до 44,2 (2024); доля не "
          "преодолевших минимальный порог снизилась с 50\u00a0% до 20\u00a0%.");
    CHECK(view::detail::facts_line(exam) ==
          "Данные школы за 2 года (2023–2024); в 2024 году участвовали 5 учеников, поэтому результат одного ученика "
          "меняет долю на 20\u00a0%.");
    CHECK(view::detail::facts_line(rising) == "Данные школы за 2 года (2022–2025); в 2025 году участвовали 18 учеников.");
    auto twenty_one = group_with({row("ОГЭ", "Математика", 2024, 21, 3.3, 10.0)});
    CHECK(view::detail::facts_line(twenty_one) == "Данные школы за 1 год (2024); в 2024 году участвовал 21 ученик.");
}

TEST_CASE("results: subjects in the dative") {
    using view::detail::subject_dative;
    CHECK(subject_dative("Математика") == "математике");
    CHECK(subject_dative("Русский язык") == "русскому языку");
    CHECK(subject_dative("Химия") == "химии");
    CHECK(subject_dative("Обществознание") == "обществознанию");
    CHECK(subject_dative("Окружающий мир") == "окружающему миру");
    CHECK(subject_dative("Математика (базовая)") == "базовой математике");
    CHECK(subject_dative("Иностранный язык (английский)") == "иностранному языку (английскому)");
    CHECK(subject_dative("Основы безопасности жизнедеятельности") == "");  // unsure: the phrase quotes the name
    derive::ResultKey vpr{"ВПР", "Основы безопасности жизнедеятельности", 7};
    CHECK(view::detail::exam_subject_phrase(vpr) == "ВПР по предмету «Основы безопасности жизнедеятельности» в 7 классе");
    derive::ResultKey english{"ВПР", "Иностранный язык (английский)", 7};
    CHECK(view::detail::exam_subject_phrase(english) == "ВПР по иностранному языку (английскому) в 7 классе");
}

TEST_CASE("results: Russian plurals of балл, ученик, год") {
    using namespace view::detail;
    const std::vector<std::tuple<long long, std::string, std::string, std::string>> cases = {
        {0, "0 баллов", "0 учеников", "0 лет"},       {1, "1 балл", "1 ученик", "1 год"},
        {2, "2 балла", "2 ученика", "2 года"},        {5, "5 баллов", "5 учеников", "5 лет"},
        {11, "11 баллов", "11 учеников", "11 лет"},   {21, "21 балл", "21 ученик", "21 год"},
        {22, "22 балла", "22 ученика", "22 года"},    {111, "111 баллов", "111 учеников", "111 лет"}};
    for (const auto& [count, points, students, years] : cases) {
        CHECK(points_text(static_cast<double>(count)) == points);
        CHECK(students_text(count) == students);
        CHECK(years_text(count) == years);
    }
    CHECK(points_text(2.5) == "2,5 балла");
}

TEST_CASE("results: the results page, the first screen line and the schools list") {
    auto site = two_schools();
    site.schools.push_back(school("c", {row("ОГЭ", "Математика", 2024, 12, 3.1, 25.0)}));
    view::BuildContext context{model::Date{2024, 11, 1}, site.config.base_url};
    auto pages = view::html_pages(site, context);

    render::Templates templates({std::string(SHNOR_SOURCE_DIR) + "/layouts"});
    std::string results = templates.render_page("school_results", page_at(pages, "schools/a/results/").data);
    CHECK(results.find("Средний балл ОГЭ по математике вырос с 2,8 (2023) до 3,0 (2024)") != std::string::npos);
    CHECK(results.find("<svg") != std::string::npos);
    CHECK(results.find("id=\"exam-1-mean-title\"") != std::string::npos);
    CHECK(results.find("<caption id=\"exam-1-mean-caption\">Средний балл, ОГЭ, математика, 9 класс, по годам</caption>") !=
          std::string::npos);
    CHECK(results.find("<th scope=\"col\">Район (расчёт)</th>") != std::string::npos);
    // The weighted district mean of 2024 with school c: (3,0·10 + 4,0·30 + 3,1·12) / 52 = 3,6.
    CHECK(results.find("<td>3,6</td>") != std::string::npos);
    CHECK(results.find("10 учеников") != std::string::npos);

    std::string main = templates.render_page("school", page_at(pages, "schools/a/").data);
    CHECK(main.find("средний балл по математике 3,0 (2024) против 2,8 (2023) <span class=\"trend trend--better\">"
                    "<span aria-hidden=\"true\">↑</span><span class=\"visually-hidden\"> рост,</span> лучше</span>") !=
          std::string::npos);

    // The schools list prints each row as a fragment of its own.
    std::string list;
    for (const auto& row : page_at(pages, "schools/").fragments) list += templates.render(row.layout, row.data);
    CHECK(list.find("<span aria-hidden=\"true\">↑</span><span class=\"visually-hidden\"> рост,</span> лучше") !=
          std::string::npos);
    // School c has one year: no trend, said in words.
    CHECK(list.find("данные за один год") != std::string::npos);

    auto trends = view::detail::results_trends(derive::school_result_groups(site, site.schools[0]));
    REQUIRE(trends.size() == 1);
    const auto& marks = find(trends[0], "marks")->list_value();
    REQUIRE(marks.size() == 1);
    CHECK(find(marks[0], "word")->string_value() == "лучше");
}

TEST_CASE("results: open data carries computed district rows and trends") {
    auto site = two_schools();
    auto files = view::open_data(site, view::BuildContext{model::Date{2024, 11, 1}, site.config.base_url});
    auto csv = std::find_if(files.begin(), files.end(), [](const auto& file) { return file.path == "data/results.csv"; });
    REQUIRE(csv != files.end());
    CHECK(csv->bytes.find("computed,mean_trend,fail_share_trend,quality_share_trend") != std::string::npos);
    CHECK(csv->bytes.find("district,ОГЭ,Математика,9,2024,40,3.75,5,12.5,50,false,true,,,") != std::string::npos);
    CHECK(csv->bytes.find("a,ОГЭ,Математика,9,2024,10,3,5,20,20,false,false,up,down,up") != std::string::npos);
    auto json = std::find_if(files.begin(), files.end(), [](const auto& file) { return file.path == "data/results.json"; });
    REQUIRE(json != files.end());
    CHECK(json->bytes.find("\"computed\":true") != std::string::npos);
    CHECK(json->bytes.find("\"fail_share\":\"lower\"") != std::string::npos);
}

TEST_CASE("results: the district overview counts schools whose mean scores rose, fell or held") {
    model::Site site = two_schools();  // a: 2,8 → 3,0 (up); b: 3,5 → 4,0 (up)
    site.schools.push_back(school("c", {row("ОГЭ", "Математика", 2023, 12, 3.6, 5.0),
                                        row("ОГЭ", "Математика", 2024, 12, 3.2, 15.0)}));
    site.schools.push_back(school("d", {row("ОГЭ", "Русский язык", 2023, 12, 3.6, 5.0),
                                        row("ОГЭ", "Русский язык", 2024, 12, 3.62, 5.0),
                                        row("ОГЭ", "Математика", 2024, 12, 3.6, 5.0)}));
    site.schools.push_back(school("e", {row("ОГЭ", "Математика", 2024, 12, 3.6, 5.0)}));  // one year only
    auto overview = derive::results_overview(site);
    CHECK(overview.schools_with_trend == 4);
    CHECK(overview.improved == 2);
    CHECK(overview.worsened == 1);
    CHECK(overview.unchanged == 1);  // +0,02 is within the tolerance

    auto pages = view::html_pages(site, {model::Date{2024, 11, 1}, "https://edu.example/"});
    const auto* line = find(*page_at(pages, "").data.get("results_overview"), "line");
    REQUIRE(line);
    CHECK(line->string_value() == "Средний балл в 2024 году по сравнению с предыдущими результатами вырос в 2 из 4 школ с результатами за два года и более");

    // A school whose latest year is another: the line names both years.
    site.schools.push_back(school("f", {row("ОГЭ", "Математика", 2022, 12, 3.0, 5.0),
                                        row("ОГЭ", "Математика", 2023, 12, 3.4, 5.0)}));
    pages = view::html_pages(site, {model::Date{2024, 11, 1}, "https://edu.example/"});
    line = find(*page_at(pages, "").data.get("results_overview"), "line");
    REQUIRE(line);
    CHECK(line->string_value() == "Средний балл за последний год с данными (2023–2024) по сравнению с предыдущими "
                                  "результатами вырос в 3 из 5 школ с результатами за два года и более");
}

TEST_CASE("results: SiteResults computes each school's groups once, as the school alone would get them") {
    model::Site site = two_schools();
    // The same exam, subject and grade on the 100-point scale: its own computed district line.
    site.schools.push_back(school("c", {row("ОГЭ", "Математика", 2024, 10, 60.0, 5.0, 30.0, 100)}));
    site.schools.push_back(school("d", {row("ОГЭ", "Математика", 2024, 30, 40.0, 15.0, 10.0, 100)}));
    site.schools.push_back(school("e", {row("ОГЭ", "Русский язык", 2024, 12, 3.6, 5.0)}));
    derive::SiteResults results(site);

    for (const auto& each : site.schools) {
        const auto& indexed = results.groups_of(each);
        auto alone = derive::school_result_groups(site, each);
        REQUIRE(indexed.size() == alone.size());
        for (std::size_t i = 0; i < alone.size(); ++i) {
            CHECK(indexed[i].key == alone[i].key);
            CHECK(indexed[i].years == alone[i].years);
            CHECK(indexed[i].district.computed == alone[i].district.computed);
            CHECK(indexed[i].district.value(2024, Measure::mean) == alone[i].district.value(2024, Measure::mean));
            CHECK(indexed[i].trends.size() == alone[i].trends.size());
        }
    }
    // a and b share the 5-point line: (3.0·10 + 4.0·30) / 40; c and d the 100-point one: (60·10 + 40·30) / 40.
    CHECK(*results.groups_of(site.schools[0]).at(0).district.value(2024, Measure::mean) == Approx(3.75));
    CHECK(*results.groups_of(site.schools[3]).at(0).district.value(2024, Measure::mean) == Approx(45.0));
    CHECK(results.groups_of(site.schools[3]).at(0).district.years.at(2024).schools == 2);
    // e is alone with its subject: no computed district values.
    CHECK(results.groups_of(site.schools[4]).at(0).district.empty());

    // Open data lists each computed key once, from the first school that has it (a, on the 5-point scale).
    const auto& rows = results.computed_district_rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].year == 2024);
    CHECK(rows[0].scale == 5);
    CHECK(*rows[0].values.mean == Approx(3.75));
    CHECK(results.overview().schools_with_trend == derive::results_overview(site).schools_with_trend);
    CHECK(results.overview().improved == 2);

    model::School stranger = school("x", {});
    CHECK_THROWS_AS(results.groups_of(stranger), std::out_of_range);
}
