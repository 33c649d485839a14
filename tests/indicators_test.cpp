#include "derive/indicators.hpp"
#include "render/indicator_chart.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <unistd.h>

using namespace shnor;
using derive::IndicatorStatus;

namespace {

const std::string kNbsp = "\u00A0";

model::Indicator indicator(const std::string& better, std::optional<model::IndicatorPoint> baseline,
                           std::optional<model::IndicatorPoint> target, std::vector<model::IndicatorPoint> values) {
    model::Indicator result;
    result.id = "shnor-share";
    result.title = "Доля ШНОР";
    result.unit = "%";
    result.better = better;
    result.baseline = baseline;
    result.target = target;
    result.values = std::move(values);
    return result;
}

model::IndicatorPoint at(int year, double value) { return {year, value, "", false}; }

// Baseline 39,1 % (2024), target 17,4 % (2026): the path is 28,25 % in 2025.
model::Indicator shnor_share(std::vector<model::IndicatorPoint> values) {
    return indicator("lower", at(2024, 39.1), at(2026, 17.4), std::move(values));
}

IndicatorStatus status_of(const model::Indicator& subject) { return derive::indicator_progress(subject).status; }

std::vector<double> numbers_in(const std::string& text) {
    std::vector<double> numbers;
    std::regex number(R"(-?\d+(\.\d+)?)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), number); it != std::sregex_iterator(); ++it)
        numbers.push_back(std::stod(it->str()));
    return numbers;
}

// The attributes of the first element with this class, as "name" → value.
std::string attribute_of(const std::string& svg, const std::string& css_class, const std::string& name,
                         std::size_t occurrence = 0) {
    std::size_t position = 0;
    for (std::size_t i = 0; i <= occurrence; ++i) {
        position = svg.find("class=\"" + css_class + "\"", position);
        REQUIRE(position != std::string::npos);
        if (i < occurrence) ++position;
    }
    auto element_start = svg.rfind('<', position);
    auto element_end = svg.find('>', position);
    std::string element = svg.substr(element_start, element_end - element_start);
    std::smatch match;
    REQUIRE(std::regex_search(element, match, std::regex(" " + name + "=\"([^\"]*)\"")));
    return match[1];
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
    return count;
}

render::IndicatorChart share_chart() {
    render::IndicatorChart chart;
    chart.id_prefix = "shnor-share-chart";
    chart.title = "График: Доля ШНОР";
    chart.description = "Доля ШНОР снизилась с 39,1 % (2024) до 30,4 % (2025) & цель <17,4 %>.";
    chart.unit = "%";
    chart.lower_is_better = true;
    chart.baseline = render::IndicatorChartPoint{2024, 39.1, "39,1 %"};
    chart.values = {{2025, 30.4, "30,4 %"}};
    chart.target = render::IndicatorChartPoint{2026, 17.4, "цель 2026: 17,4 %"};
    return chart;
}

bool well_formed_xml(const std::string& text) {
    auto path = std::filesystem::temp_directory_path() / ("shnor-chart-" + std::to_string(::getpid()) + ".svg");
    std::ofstream(path, std::ios::binary) << text;
    std::string command = "python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \"" +
                          path.string() + "\" 2>/dev/null";
    int status = std::system(command.c_str());
    std::filesystem::remove(path);
    return status == 0;
}

model::Site site_with_indicators() {
    model::Site site;
    site.config.title = "Сопровождение школ";
    site.config.base_url = "https://edu.example/shnor/";
    site.config.district.name = "Барабинский район";
    site.config.district.schools_total = 23;
    auto share = shnor_share({at(2025, 30.4)});
    share.title = "Доля ШНОР в общем числе общеобразовательных организаций района";
    site.indicators.push_back(share);
    auto shnsu = indicator("lower", at(2024, 26.1), at(2026, 17.4), {});
    shnsu.id = "shnsu-share";
    shnsu.title = "Доля ШНСУ";
    site.indicators.push_back(shnsu);
    auto teachers = indicator("higher", at(2023, 8), at(2024, 20), {at(2024, 23.5)});
    teachers.id = "teachers-assessment";
    teachers.title = "Доля педагогов";
    site.indicators.push_back(teachers);
    // Two lists: only the latest year's ШНОР count; an older one and a ШНСУ do not.
    for (int i = 0; i < 9; ++i) {
        model::School school;
        school.slug = "school-" + std::to_string(i);
        school.name = "Школа " + std::to_string(i);
        school.categories.push_back({"shnor", 2024, "", {}});
        site.schools.push_back(school);
    }
    model::School old_list;
    old_list.slug = "old-list";
    old_list.name = "Школа из прошлого списка";
    old_list.categories.push_back({"shnor", 2023, "", {}});
    site.schools.push_back(old_list);
    model::School shnsu_only;
    shnsu_only.slug = "shnsu-only";
    shnsu_only.name = "Школа ШНСУ";
    shnsu_only.categories.push_back({"shnsu", 2024, "", {}});
    site.schools.push_back(shnsu_only);
    model::Program program;
    program.id = "programma";
    program.title = "Программа";
    program.indicators = {"shnor-share", "teachers-assessment"};
    site.district.programs.push_back(program);
    derive::derive_site(site, model::Date{2024, 11, 1});
    return site;
}

view::BuildContext context() { return {model::Date{2024, 11, 1}, "https://edu.example/shnor/"}; }

const view::PageSpec& page_at(const std::vector<view::PageSpec>& pages, const std::string& path) {
    auto found = std::find_if(pages.begin(), pages.end(), [&](const auto& page) { return page.path == path; });
    REQUIRE(found != pages.end());
    return *found;
}

std::string text_of(const view::Data& data, const std::string& key) {
    const auto* value = data.get(key);
    REQUIRE(value != nullptr);
    REQUIRE(value->is_string());
    return value->string_value();
}

const view::Data& indicator_on(const view::PageSpec& page, const std::string& list_key, std::size_t index,
                               const std::string& parent = {}) {
    const view::Data& scope = parent.empty() ? page.data : *page.data.get(parent);
    const auto* list = scope.get(list_key);
    REQUIRE(list != nullptr);
    REQUIRE(list->is_list());
    REQUIRE(list->list_value().size() > index);
    return list->list_value()[index];
}

}  // namespace

TEST_CASE("indicators: the linear path from baseline to target", "[indicators]") {
    auto share = shnor_share({});
    CHECK(*derive::path_value(share, 2024) == Approx(39.1));
    CHECK(*derive::path_value(share, 2025) == Approx(28.25));
    CHECK(*derive::path_value(share, 2026) == Approx(17.4));
    // Clamped outside the period rather than extrapolated.
    CHECK(*derive::path_value(share, 2023) == Approx(39.1));
    CHECK(*derive::path_value(share, 2030) == Approx(17.4));
    auto path = derive::path_points(share);
    REQUIRE(path.size() == 3);
    CHECK(path[1].year == 2025);
    CHECK(path[1].value == Approx(28.25));

    auto long_path = indicator("higher", at(2020, 10), at(2024, 30), {});
    CHECK(*derive::path_value(long_path, 2021) == Approx(15));
    CHECK(*derive::path_value(long_path, 2023) == Approx(25));
    CHECK(derive::path_points(long_path).size() == 5);

    CHECK_FALSE(derive::path_value(indicator("lower", std::nullopt, at(2026, 17.4), {}), 2025));
    CHECK_FALSE(derive::path_value(indicator("lower", at(2024, 39.1), std::nullopt, {}), 2025));
    CHECK(derive::path_points(indicator("lower", at(2024, 39.1), std::nullopt, {})).empty());
}

TEST_CASE("indicators: status when lower is better", "[indicators]") {
    CHECK(status_of(shnor_share({at(2025, 30.4)})) == IndicatorStatus::behind);   // path 28,25
    CHECK(status_of(shnor_share({at(2025, 28.25)})) == IndicatorStatus::on_track);  // exactly on the path
    CHECK(status_of(shnor_share({at(2025, 26)})) == IndicatorStatus::on_track);
    CHECK(status_of(shnor_share({at(2025, 17.4)})) == IndicatorStatus::reached);
    CHECK(status_of(shnor_share({at(2025, 13)})) == IndicatorStatus::reached);
    // The latest year decides, whatever the order of writing.
    CHECK(status_of(shnor_share({at(2026, 20), at(2025, 13)})) == IndicatorStatus::behind);
    // After the target year the path is the target itself.
    CHECK(status_of(shnor_share({at(2027, 18)})) == IndicatorStatus::behind);
    auto progress = derive::indicator_progress(shnor_share({at(2025, 30.4)}));
    REQUIRE(progress.latest);
    CHECK(progress.latest->value == Approx(30.4));
    REQUIRE(progress.expected);
    CHECK(*progress.expected == Approx(28.25));
}

TEST_CASE("indicators: status when higher is better", "[indicators]") {
    auto teachers = [](std::vector<model::IndicatorPoint> values) {
        return indicator("higher", at(2023, 8), at(2025, 20), std::move(values));
    };
    CHECK(status_of(teachers({at(2024, 13)})) == IndicatorStatus::behind);  // path 14
    CHECK(status_of(teachers({at(2024, 14)})) == IndicatorStatus::on_track);
    CHECK(status_of(teachers({at(2024, 16)})) == IndicatorStatus::on_track);
    CHECK(status_of(teachers({at(2024, 20)})) == IndicatorStatus::reached);
    CHECK(status_of(teachers({at(2024, 23.5)})) == IndicatorStatus::reached);
}

TEST_CASE("indicators: no data to compare", "[indicators]") {
    CHECK(status_of(shnor_share({})) == IndicatorStatus::no_data);
    CHECK(status_of(indicator("lower", at(2024, 39.1), std::nullopt, {at(2025, 30)})) == IndicatorStatus::no_data);
    // Without a baseline there is no path: only reaching the target can be told.
    CHECK(status_of(indicator("lower", std::nullopt, at(2026, 17.4), {at(2025, 30)})) == IndicatorStatus::no_data);
    CHECK(status_of(indicator("lower", std::nullopt, at(2026, 17.4), {at(2025, 15)})) == IndicatorStatus::reached);
    CHECK(derive::indicator_status_name(IndicatorStatus::on_track) == "on_track");
    CHECK(derive::indicator_status_name(IndicatorStatus::no_data) == "no_data");
}

TEST_CASE("indicator chart: the target marker and the points sit where the numbers say", "[indicators][chart]") {
    auto chart = share_chart();
    auto frame = render::chart_frame(chart);
    CHECK(frame.low == Approx(0));
    CHECK(frame.high == Approx(40));
    CHECK(frame.step == Approx(10));
    CHECK(frame.first_year == 2024);
    CHECK(frame.last_year == 2026);
    CHECK(frame.x_of(2024) < frame.x_of(2025));
    CHECK(frame.x_of(2025) - frame.x_of(2024) == Approx(frame.x_of(2026) - frame.x_of(2025)));
    CHECK(frame.y_of(39.1) < frame.y_of(17.4));  // higher values are higher up
    CHECK(frame.y_of(0) == Approx(frame.bottom));
    CHECK(frame.y_of(40) == Approx(frame.top));

    std::string svg = render::indicator_chart_svg(chart);
    auto target = numbers_in(attribute_of(svg, "chart-target chart__marker", "d"));
    REQUIRE(target.size() >= 2);
    CHECK(target[0] == Approx(frame.x_of(2026)).margin(0.06));
    CHECK(target[1] == Approx(frame.y_of(17.4)).margin(0.06));
    CHECK(std::stod(attribute_of(svg, "chart-point chart__marker", "cx")) == Approx(frame.x_of(2025)).margin(0.06));
    CHECK(std::stod(attribute_of(svg, "chart-point chart__marker", "cy")) == Approx(frame.y_of(30.4)).margin(0.06));
    double baseline_x = std::stod(attribute_of(svg, "chart-baseline chart__marker", "x")) + 5.5;
    double baseline_y = std::stod(attribute_of(svg, "chart-baseline chart__marker", "y")) + 5.5;
    CHECK(baseline_x == Approx(frame.x_of(2024)).margin(0.06));
    CHECK(baseline_y == Approx(frame.y_of(39.1)).margin(0.06));
    // The dashed path runs from the baseline to the target.
    auto path = numbers_in(attribute_of(svg, "chart-path", "x1") + " " + attribute_of(svg, "chart-path", "y1") + " " +
                           attribute_of(svg, "chart-path", "x2") + " " + attribute_of(svg, "chart-path", "y2"));
    CHECK(path[0] == Approx(frame.x_of(2024)).margin(0.06));
    CHECK(path[3] == Approx(frame.y_of(17.4)).margin(0.06));
    CHECK(attribute_of(svg, "chart-path", "stroke-dasharray") == "6 4");
    // The actual line: baseline, then the values.
    auto line = numbers_in(attribute_of(svg, "chart-actual", "points"));
    REQUIRE(line.size() == 4);
    CHECK(line[2] == Approx(frame.x_of(2025)).margin(0.06));
    CHECK(line[3] == Approx(frame.y_of(30.4)).margin(0.06));
}

TEST_CASE("indicator chart: labelled, accessible, well-formed and deterministic", "[indicators][chart]") {
    auto chart = share_chart();
    std::string svg = render::indicator_chart_svg(chart);
    CHECK(svg.rfind("<svg ", 0) == 0);
    CHECK(svg.find("role=\"img\"") != std::string::npos);
    CHECK(svg.find("width=\"100%\"") != std::string::npos);
    // The four legend items do not fit one row of a phone-wide chart: the legend wraps and the chart grows.
    CHECK(svg.find("viewBox=\"0 0 360.0 294.0\"") != std::string::npos);
    CHECK(svg.find("aria-labelledby=\"shnor-share-chart-title shnor-share-chart-desc\"") != std::string::npos);
    CHECK(svg.find("<title id=\"shnor-share-chart-title\">График: Доля ШНОР</title>") != std::string::npos);
    CHECK(svg.find("<desc id=\"shnor-share-chart-desc\">Доля ШНОР снизилась с 39,1 % (2024) до 30,4 % (2025) &amp; "
                   "цель &lt;17,4 %&gt;.</desc>") != std::string::npos);
    for (const std::string label : {"39,1 %", "30,4 %", "цель 2026: 17,4 %", ">2024<", ">2025<", ">2026<",
                                    ">исходное<", ">факт<", ">цель<", ">путь к цели<"})
        CHECK(svg.find(label) != std::string::npos);
    CHECK(well_formed_xml(svg));
    CHECK_FALSE(well_formed_xml(svg.substr(0, svg.size() - 3)));  // the check itself can fail
    CHECK(render::indicator_chart_svg(chart) == svg);

    // Nothing to draw: no chart at all.
    render::IndicatorChart empty;
    empty.id_prefix = "x";
    CHECK(render::indicator_chart_svg(empty).empty());

    // A value and the target in the same year get their labels on opposite sides.
    render::IndicatorChart teachers;
    teachers.id_prefix = "teachers";
    teachers.baseline = render::IndicatorChartPoint{2023, 8, "8 %"};
    teachers.values = {{2024, 23.5, "23,5 %"}};
    teachers.target = render::IndicatorChartPoint{2024, 20, "цель 2024: 20 %"};
    std::string both = render::indicator_chart_svg(teachers);
    auto frame = render::chart_frame(teachers);
    double value_label_y = std::stod(attribute_of(both, "chart-label", "y", 0));  // the actual values are placed first
    double target_label_y = std::stod(attribute_of(both, "chart-label chart-label--target", "y"));
    CHECK(value_label_y < frame.y_of(23.5));
    CHECK(target_label_y > frame.y_of(20));
    CHECK(well_formed_xml(both));
    // No baseline: no path line, no baseline in the legend.
    CHECK(both.find("chart-path") != std::string::npos);
    teachers.baseline.reset();
    std::string without_baseline = render::indicator_chart_svg(teachers);
    CHECK(without_baseline.find("chart-path") == std::string::npos);
    CHECK(without_baseline.find(">исходное<") == std::string::npos);
}

TEST_CASE("indicators page: status tag, headline, chart and table for each indicator", "[indicators][view]") {
    auto site = site_with_indicators();
    auto pages = view::html_pages(site, context());
    const auto& page = page_at(pages, "indicators/");
    const auto& share = indicator_on(page, "indicators", 0);
    CHECK(text_of(*share.get("status"), "word") == "отстаёт");
    CHECK(text_of(*share.get("status"), "key") == "behind");
    CHECK(text_of(share, "headline") == "Показатель снизился с 39,1" + kNbsp + "% (2024) до 30,4" + kNbsp +
                                            "% (2025); цель — 17,4" + kNbsp +
                                            "% к 2026 году; показатель отстаёт: по равномерному пути к цели в 2025 "
                                            "году ожидалось 28,2" + kNbsp + "%.");  // tenths, as the indicator's values
    std::string svg = text_of(share, "chart_svg");
    CHECK(svg.find("id=\"shnor-share-chart-title\"") != std::string::npos);
    CHECK(svg.find("цель 2026: 17,4" + kNbsp + "%") != std::string::npos);
    CHECK(svg.find("показатель отстаёт") != std::string::npos);
    const auto& rows = share.get("rows")->list_value();
    REQUIRE(rows.size() == 3);
    CHECK(text_of(rows[0], "label") == "Исходное значение");
    CHECK(text_of(rows[1], "value") == "30,4" + kNbsp + "%");
    CHECK(text_of(rows[2], "label") == "Целевое значение");

    const auto& shnsu = indicator_on(page, "indicators", 1);
    CHECK(text_of(*shnsu.get("status"), "word") == "нет данных");
    CHECK(text_of(shnsu, "headline") ==
          "Исходное значение — 26,1" + kNbsp + "% (2024). Фактических значений пока нет; цель — 17,4" + kNbsp +
              "% к 2026 году.");

    const auto& teachers = indicator_on(page, "indicators", 2);
    CHECK(text_of(*teachers.get("status"), "word") == "достигнут");
    // One precision for one indicator, in the headline, the chart and the table: «8,0 %» beside «23,5 %».
    CHECK(text_of(teachers, "headline") == "Показатель вырос с 8,0" + kNbsp + "% (2023) до 23,5" + kNbsp +
                                               "% (2024); цель — 20,0" + kNbsp + "% к 2024 году; цель достигнута.");
    std::string teachers_svg = text_of(teachers, "chart_svg");
    CHECK(teachers_svg.find(">8,0" + kNbsp + "%<") != std::string::npos);
    CHECK(teachers_svg.find(">цель 2024: 20,0" + kNbsp + "%<") != std::string::npos);
    const auto& teacher_rows = teachers.get("rows")->list_value();
    REQUIRE(teacher_rows.size() == 3);
    CHECK(text_of(teacher_rows[0], "value") == "8,0" + kNbsp + "%");
    CHECK(text_of(teacher_rows[2], "value") == "20,0" + kNbsp + "%");
}

TEST_CASE("a programme page shows its indicators with charts whose ids differ from the indicators page",
          "[indicators][view]") {
    auto site = site_with_indicators();
    auto pages = view::html_pages(site, context());
    const auto& page = page_at(pages, "programs/programma/");
    const auto& first = indicator_on(page, "indicators", 0, "program");
    CHECK(text_of(first, "anchor") == "indicator-shnor-share");
    CHECK(text_of(first, "chart_svg").find("id=\"indicator-shnor-share-chart-title\"") != std::string::npos);
    const auto& second = indicator_on(page, "indicators", 1, "program");
    CHECK(text_of(*second.get("status"), "word") == "достигнут");
}

TEST_CASE("the home page sets the current share of ШНОР against the indicator's target", "[indicators][view]") {
    auto site = site_with_indicators();
    auto pages = view::html_pages(site, context());
    const auto& share = *page_at(pages, "").data.get("shnor_share");
    REQUIRE(share.is_object());
    CHECK(text_of(share, "count") == "9");
    CHECK(text_of(share, "total") == "23");
    CHECK(text_of(share, "year") == "2024");
    CHECK(text_of(share, "line") ==
          "По спискам 2024 года на этом сайте ШНОР — 9 из 23 школ района (39,1" + kNbsp + "%); цель — 17,4" + kNbsp + "% к 2026 году.");
    CHECK(text_of(share, "indicator_href") == "indicators/#shnor-share");
    CHECK(text_of(*indicator_on(page_at(pages, ""), "indicators", 0).get("status"), "word") == "отстаёт");

    // Without the `shnor-share` indicator the share stands alone; 21 takes «школы».
    site.indicators.erase(site.indicators.begin());
    site.config.district.schools_total = 21;
    pages = view::html_pages(site, context());
    const auto& alone = *page_at(pages, "").data.get("shnor_share");
    CHECK(text_of(alone, "line") == "По спискам 2024 года на этом сайте ШНОР — 9 из 21 школы района (42,9" + kNbsp + "%).");
    CHECK(alone.get("target")->is_false());

    // No total of the district's schools: no share at all.
    site.config.district.schools_total.reset();
    pages = view::html_pages(site, context());
    CHECK(page_at(pages, "").data.get("shnor_share")->is_false());
}

TEST_CASE("open data carries each indicator's status, latest value and path", "[indicators][open_data]") {
    auto site = site_with_indicators();
    auto files = view::open_data(site, context());
    auto json_file = std::find_if(files.begin(), files.end(), [](const auto& f) { return f.path == "data/indicators.json"; });
    REQUIRE(json_file != files.end());
    auto json = nlohmann::json::parse(json_file->bytes);
    const auto& share = json["indicators"][0];
    CHECK(share["status"] == "behind");
    CHECK(share["latest"]["value"] == 30.4);
    CHECK(share["expected_at_latest"] == 28.25);
    REQUIRE(share["path"].size() == 3);
    CHECK(share["path"][1]["year"] == 2025);
    CHECK(share["path"][1]["value"] == 28.25);
    CHECK(json["indicators"][1]["status"] == "no_data");
    CHECK(json["indicators"][1]["latest"].is_null());
    CHECK(json["indicators"][2]["status"] == "reached");
    CHECK(json["indicators"][2]["target_reached"] == true);

    auto csv_file = std::find_if(files.begin(), files.end(), [](const auto& f) { return f.path == "data/indicators.csv"; });
    REQUIRE(csv_file != files.end());
    const std::string& csv = csv_file->bytes;
    CHECK(csv.find("id,title,unit,better,status,kind,year,value,path_value,latest,note,example") != std::string::npos);
    CHECK(csv.find(",behind,value,2025,30.4,28.25,true,") != std::string::npos);
    CHECK(csv.find(",behind,path,2025,28.25,28.25,false,") != std::string::npos);
    CHECK(count_of(csv, ",no_data,path,") == 3);
}
