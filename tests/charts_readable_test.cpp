// Issue 16, point 3: chart labels never overlap each other, a marker or any
// other text of the chart, and one measure has one precision on a page.
#include "test_paths.hpp"
#include "test_support.hpp"
#include "derive/results.hpp"
#include "render/indicator_chart.hpp"
#include "render/label_layout.hpp"
#include "render/line_chart.hpp"
#include "render/numbers.hpp"
#include "render/templates.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace shnor;
using namespace shnor::render;

namespace {

const std::string kNbsp = "\u00a0";

struct DrawnText {
    std::string text;
    Box box;
};

// Every <text> of a line chart with the box a browser gives it: anchored
// at its middle in the point labels and the years, at its end in the ticks,
// at its start elsewhere (see style.css); 13 px, point labels bold.
std::vector<DrawnText> line_chart_texts(const std::string& svg) {
    std::vector<DrawnText> texts;
    std::regex group(R"re(<g class="(legend|axes|ticks|years|point-labels)">)re");
    std::regex text(R"re(<text(?: class="[^"]*")? x="([-0-9.]+)" y="([-0-9.]+)">([^<]*)</text>)re");
    // The anchor of a text is that of the innermost named group it is in.
    std::vector<std::pair<std::size_t, std::string>> groups;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), group); it != std::sregex_iterator(); ++it)
        groups.push_back({static_cast<std::size_t>(it->position()), (*it)[1]});
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator(); ++it) {
        std::string in;
        for (const auto& [at, name] : groups)
            if (at < static_cast<std::size_t>(it->position())) in = name;
        double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
        std::string content = (*it)[3];
        bool bold = in == "point-labels";
        double width = estimated_text_width(content, 13, bold);
        Box box = in == "point-labels" || in == "years" ? text_box(x, y, width, 13)
                  : in == "ticks"                       ? end_text_box(x, y, width, 13)
                                                        : start_text_box(x, y, width, 13);
        texts.push_back({content, box});
    }
    return texts;
}

std::vector<Box> line_chart_markers(const std::string& svg) {
    std::vector<Box> markers;
    std::regex circle(R"re(<circle class="chart__marker" cx="([-0-9.]+)" cy="([-0-9.]+)" r="4"/>)re");
    std::regex path(R"re(<path class="chart__marker" d="M([-0-9.]+) ([-0-9.]+)(h8v8h-8z|l5 9h-10z)"/>)re");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), circle); it != std::sregex_iterator(); ++it) {
        double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
        markers.push_back({x - 4, y - 4, x + 4, y + 4});
    }
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), path); it != std::sregex_iterator(); ++it) {
        double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
        if ((*it)[3] == "h8v8h-8z") markers.push_back({x, y, x + 8, y + 8});
        else markers.push_back({x - 5, y, x + 5, y + 9});
    }
    return markers;
}

// «a» × «b» for every pair of overlapping texts, «a» × marker for a text on a marker.
std::vector<std::string> collisions(const std::vector<DrawnText>& texts, const std::vector<Box>& markers) {
    std::vector<std::string> found;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        for (std::size_t j = i + 1; j < texts.size(); ++j)
            if (texts[i].box.overlaps(texts[j].box)) found.push_back(texts[i].text + " × " + texts[j].text);
        for (const auto& marker : markers)
            if (texts[i].box.overlaps(marker)) found.push_back(texts[i].text + " × marker");
    }
    return found;
}

// The chart of the issue: in 2024 the school and the district both have 10 %
// of «2», the region 7,6 %; the labels «10», «10» and «7,6» fell on each other.
LineChart issue_chart() {
    LineChart chart;
    chart.id_prefix = "exam-1-fail";
    chart.title = "Доля «2»";
    chart.desc = "";
    chart.categories = {"2022", "2023", "2024"};
    chart.series = {{"Школа", {19.2, 18.8, 10.0}, Marker::circle, Dash::solid},
                    {"Район (расчёт)", {20.9, 22.8, 10.0}, Marker::square, Dash::dashed},
                    {"Регион", {9.8, 11.2, 7.6}, Marker::triangle, Dash::dotted}};
    chart.y_min = 0;
    chart.y_max = 50;
    chart.y_ticks = {0, 10, 20, 30, 40, 50};
    chart.unit = "%";
    chart.decimals = 1;
    chart.label_min_decimals = 1;
    return chart;
}

}  // namespace

TEST_CASE("charts: on the issue's chart no label overlaps another text or a marker", "[chart]") {
    std::string svg = line_chart_svg(issue_chart());
    auto texts = line_chart_texts(svg);
    auto markers = line_chart_markers(svg);
    REQUIRE(markers.size() == 9);
    REQUIRE(texts.size() >= 3 + 1 + 6 + 3);  // legend, unit, ticks, years
    CHECK(collisions(texts, markers).empty());
    INFO(svg);
    // The two «10,0» in 2024 and the «7,6» close below them are all there, each in its own place.
    auto count = [&texts](const std::string& label) {
        return std::count_if(texts.begin(), texts.end(), [&label](const DrawnText& text) { return text.text == label; });
    };
    CHECK(count("10,0") == 2);
    CHECK(count("7,6") == 1);
    // Same input, same bytes.
    CHECK(line_chart_svg(issue_chart()) == svg);
}

TEST_CASE("charts: three series crowded into one band keep their labels apart or leave some out", "[chart]") {
    LineChart chart = issue_chart();
    chart.series = {{"Школа", {3.0, 3.0, 3.3}, Marker::circle, Dash::solid},
                    {"Район (расчёт)", {3.0, 2.96, 3.29}, Marker::square, Dash::dashed},
                    {"Регион", {3.05, 3.0, 3.3}, Marker::triangle, Dash::dotted}};
    chart.y_min = 2;
    chart.y_max = 5;
    chart.y_ticks = {2, 3, 4, 5};
    chart.decimals = 2;
    chart.label_min_decimals = 2;
    std::string svg = line_chart_svg(chart);
    auto texts = line_chart_texts(svg);
    CHECK(collisions(texts, line_chart_markers(svg)).empty());
    // The school's own values are placed first, so they are the ones kept.
    auto has = [&texts](const std::string& label) {
        return std::any_of(texts.begin(), texts.end(), [&label](const DrawnText& text) { return text.text == label; });
    };
    CHECK(has("3,00"));
    CHECK(has("3,30"));
}

TEST_CASE("charts: label placement tries above, below, the sides, and drops what has no room", "[chart]") {
    Box bounds{0, 0, 200, 100};
    // Alone: above its marker, centred.
    auto alone = place_labels({{{96, 46, 104, 54}, 20}}, {}, bounds, 13);
    REQUIRE(alone[0]);
    CHECK(alone[0]->centre_x == Approx(100));
    CHECK(alone[0]->box.bottom <= 46);
    // Two markers on one spot: the second label goes below.
    auto pair = place_labels({{{96, 46, 104, 54}, 20}, {{96, 46, 104, 54}, 20}}, {}, bounds, 13);
    REQUIRE(pair[0]);
    REQUIRE(pair[1]);
    CHECK(pair[1]->box.top >= 54);
    CHECK_FALSE(pair[0]->box.overlaps(pair[1]->box));
    // Walled in by obstacles on every side: no label.
    std::vector<Box> walls = {{0, 0, 200, 45}, {0, 55, 200, 100}, {0, 0, 95, 100}, {105, 0, 200, 100}};
    auto none = place_labels({{{96, 46, 104, 54}, 20}}, walls, bounds, 13);
    CHECK_FALSE(none[0]);
    // Near the right edge a label slides inwards instead of leaving the chart.
    auto edge = place_labels({{{190, 46, 198, 54}, 60}}, {}, bounds, 13);
    REQUIRE(edge[0]);
    CHECK(edge[0]->box.inside(bounds));
}

TEST_CASE("charts: the indicator chart keeps labels clear of each other and of the markers", "[chart]") {
    IndicatorChart chart;
    chart.id_prefix = "teachers";
    chart.unit = "%";
    chart.baseline = IndicatorChartPoint{2023, 8, "8,0 %"};
    chart.values = {{2024, 21, "21,0 %"}};
    chart.target = IndicatorChartPoint{2024, 20, "цель 2024: 20,0 %"};
    std::string svg = indicator_chart_svg(chart);
    CHECK(svg.find("class=\"chart-point chart__marker\"") != std::string::npos);
    CHECK(svg.find("class=\"chart-target chart__marker\"") != std::string::npos);
    CHECK(svg.find("class=\"chart-baseline chart__marker\"") != std::string::npos);
    std::regex label(R"re(<text class="chart-label[^"]*" x="([-0-9.]+)" y="([-0-9.]+)" text-anchor="middle"[^>]*>([^<]*)</text>)re");
    std::vector<DrawnText> labels;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label); it != std::sregex_iterator(); ++it)
        labels.push_back({(*it)[3], text_box(std::stod((*it)[1]), std::stod((*it)[2]),
                                             estimated_text_width((*it)[3].str(), 14, true), 14)});
    auto frame = chart_frame(chart);
    std::vector<Box> markers = {{frame.x_of(2024) - 10.25, frame.y_of(20) - 10.25, frame.x_of(2024) + 10.25, frame.y_of(20) + 10.25},
                                {frame.x_of(2024) - 6.75, frame.y_of(21) - 6.75, frame.x_of(2024) + 6.75, frame.y_of(21) + 6.75}};
    REQUIRE(!labels.empty());
    CHECK(collisions(labels, markers).empty());
    // The legend wraps to a second row rather than run off a phone-wide chart.
    CHECK(frame.height > 272);
}

TEST_CASE("charts: one precision per measure, the same in chart labels and table cells", "[chart]") {
    CHECK(decimals_needed(3, 2) == 0);
    CHECK(decimals_needed(2.96, 2) == 2);
    CHECK(decimals_needed(3.3, 2) == 1);
    CHECK(decimals_needed(3.25, 1) == 1);
    CHECK(shared_decimals({2.96, 3.3, 3}, 1, 2) == 2);
    CHECK(shared_decimals({10, 22.2}, 0, 1) == 1);
    CHECK(shared_decimals({10, 20}, 0, 1) == 0);
    CHECK(decimal_comma(3.3, 2) == "3,30");
    CHECK(decimal_comma(-0.01, 1) == "0,0");

    // The results page of the issue: means 2,96 and 3,3 on one chart; shares 10 and 22,2.
    model::Site site;
    site.config.title = "Сопровождение школ";
    site.config.base_url = "https://edu.example/";
    model::School school;
    school.slug = "a";
    school.name = "Школа а";
    auto row = [](int year, double mean, double fail) {
        model::ResultRow result;
        result.exam = "ОГЭ";
        result.subject = "Математика";
        result.grade = 9;
        result.year = year;
        result.participants = 20;
        result.mean = mean;
        result.scale = 5;
        result.fail_share = fail;
        return result;
    };
    school.results = {row(2023, 2.96, 22.2), row(2024, 3.3, 10)};
    site.schools.push_back(school);
    view::BuildContext context{model::Date{2024, 11, 1}, site.config.base_url};
    auto pages = view::html_pages(site, context);
    auto page = std::find_if(pages.begin(), pages.end(), [](const auto& spec) { return spec.path == "schools/a/results/"; });
    REQUIRE(page != pages.end());
    render::Templates templates({std::string(SHNOR_SOURCE_DIR) + "/layouts"});
    std::string html = templates.render_page("school_results", page->data);
    // Chart labels and table cells alike.
    CHECK(html.find(">2,96</text>") != std::string::npos);
    CHECK(html.find(">3,30</text>") != std::string::npos);
    CHECK(html.find("<td>2,96</td>") != std::string::npos);
    CHECK(html.find("<td>3,30</td>") != std::string::npos);
    CHECK(html.find(">10,0</text>") != std::string::npos);
    CHECK(html.find("<td>10,0" + kNbsp + "%</td>") != std::string::npos);
    CHECK(html.find("<td>22,2" + kNbsp + "%</td>") != std::string::npos);
    CHECK(html.find(">3,3</text>") == std::string::npos);
    CHECK(html.find("<td>10" + kNbsp + "%</td>") == std::string::npos);
}

TEST_CASE("charts: the example's results pages built by shnor have no colliding labels and one precision per measure",
          "[chart][e2e]") {
    namespace fs = std::filesystem;
    fs::path root = fs::temp_directory_path() / ("shnor-charts-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    auto result = shnor::test::run_command(
        shnor::test::shell_quoted(SHNOR_BINARY) + " build --content " +
            shnor::test::shell_quoted(fs::path(SHNOR_SOURCE_DIR) / "content") + " --out " +
            shnor::test::shell_quoted(root / "site") + " --date 2025-02-10 --offline --cache " +
            shnor::test::shell_quoted(root / "cache"),
        root / "output.txt");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    std::size_t charts = 0;
    for (const char* school : {"sosh-47", "shubinskaya", "karmaklinskaya"}) {
        INFO(school);
        std::string page = shnor::test::read_file(root / "site/schools" / school / "results/index.html");
        std::regex svg_pattern(R"re(<svg class="line-chart"[\s\S]*?</svg>)re");
        for (auto it = std::sregex_iterator(page.begin(), page.end(), svg_pattern); it != std::sregex_iterator(); ++it) {
            std::string svg = it->str();
            INFO(svg);
            CHECK(collisions(line_chart_texts(svg), line_chart_markers(svg)).empty());
            ++charts;
        }
        // Means on the 5-point scale: «3,30» beside «2,96», never «3,3» (chart labels and table cells).
        std::regex mean_cell(R"re(<td>([0-9]),([0-9]+)</td>)re");
        std::set<std::size_t> widths;
        for (auto it = std::sregex_iterator(page.begin(), page.end(), mean_cell); it != std::sregex_iterator(); ++it)
            widths.insert((*it)[2].length());
        CHECK(widths.size() <= 1);
        // Shares: every «… %» cell of the page has the same number of decimals.
        std::regex share_cell(R"re(<td>[0-9]+(,[0-9]+)?\xC2\xA0%</td>)re");
        std::set<std::size_t> share_widths;
        for (auto it = std::sregex_iterator(page.begin(), page.end(), share_cell); it != std::sregex_iterator(); ++it)
            share_widths.insert((*it)[1].length());
        CHECK(share_widths.size() <= 1);
    }
    CHECK(charts >= 10);
    fs::remove_all(root);
}
