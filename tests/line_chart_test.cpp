#include "test_paths.hpp"
#include "render/line_chart.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace shnor::render;

namespace {

LineChart three_series_chart() {
    LineChart chart;
    chart.id_prefix = "exam-1-mean";
    chart.title = "Средний балл: ОГЭ, математика";
    chart.desc = "Школа: 2022 — 3,1; 2023 — нет данных; 2024 — 3,3 <проверка & экранирования>";
    chart.categories = {"2021", "2022", "2023", "2024"};
    chart.series = {{"Школа", {2.9, 3.1, std::nullopt, 3.3}, Marker::circle, Dash::solid},
                    {"Район", {3.0, 3.0, 3.2, 3.4}, Marker::square, Dash::dashed},
                    {"Регион", {3.5, 3.4, 3.3, 3.5}, Marker::triangle, Dash::dotted}};
    chart.y_min = 2;
    chart.y_max = 5;
    chart.y_ticks = {2, 3, 4, 5};
    chart.unit = "балл";
    chart.decimals = 2;
    chart.label_min_decimals = 1;
    return chart;
}

std::vector<std::smatch> all_matches(const std::string& text, const std::regex& pattern) {
    std::vector<std::smatch> matches;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it)
        matches.push_back(*it);
    return matches;
}

// The text of the first group whose opening tag starts with `open`, up to its first "</g>".
std::string group_of(const std::string& svg, const std::string& open) {
    auto start = svg.find(open);
    REQUIRE(start != std::string::npos);
    return svg.substr(start, svg.find("</g>", start) - start);
}

std::string series_group(const std::string& svg, int number) {
    return group_of(svg, "<g class=\"series s" + std::to_string(number));
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("line chart: a circle lands at its year's x and the value's y") {
    auto chart = three_series_chart();
    auto geometry = chart_geometry(chart);
    std::string school = series_group(line_chart_svg(chart), 1);
    auto circles = all_matches(school, std::regex(R"re(<circle[^>]*cx="([0-9.]+)" cy="([0-9.]+)")re"));
    REQUIRE(circles.size() == 3);  // the 2023 gap has no marker
    const std::vector<std::pair<std::size_t, double>> expected = {{0, 2.9}, {1, 3.1}, {3, 3.3}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(std::stod(circles[i][1]) == Approx(geometry.x_of(expected[i].first)).margin(0.05));
        CHECK(std::stod(circles[i][2]) == Approx(geometry.y_of(expected[i].second)).margin(0.05));
    }
    // The scale: 2 at the bottom of the plot, 5 at its top, years evenly spaced.
    CHECK(geometry.y_of(2) == Approx(geometry.plot_bottom));
    CHECK(geometry.y_of(5) == Approx(geometry.plot_top));
    CHECK(geometry.x_of(1) - geometry.x_of(0) == Approx(geometry.x_of(3) - geometry.x_of(2)));
    CHECK(geometry.x_of(0) > geometry.plot_left);
}

TEST_CASE("line chart: a missing year breaks the line instead of dropping to zero") {
    auto chart = three_series_chart();
    std::string school = series_group(line_chart_svg(chart), 1);
    auto lines = all_matches(school, std::regex(R"re(<path class="line" d="([^"]*)")re"));
    // 2021–2022 is one segment; 2024 stands alone, so it is a marker without a line.
    REQUIRE(lines.size() == 1);
    // "M x y x y": after the move, a pair of numbers is a line to that point.
    auto numbers = all_matches(std::string(lines[0][1]), std::regex(R"re(-?[0-9.]+)re"));
    CHECK(numbers.size() == 4);
    auto geometry = chart_geometry(chart);
    CHECK(school.find("cy=\"" + svg_number(geometry.y_of(0)) + "\"") == std::string::npos);

    chart.series[0].values = {2.9, 3.1, std::nullopt, 3.3};
    chart.categories = {"2021", "2022", "2023", "2024"};
    chart.series[0].values.push_back(3.4);
    chart.categories.push_back("2025");
    std::string split = series_group(line_chart_svg(chart), 1);
    CHECK(all_matches(split, std::regex(R"re(<path class="line")re")).size() == 2);

    chart.series[0].values = {2.9, 3.1, 3.2, 3.3, 3.4};
    std::string whole = series_group(line_chart_svg(chart), 1);
    CHECK(all_matches(whole, std::regex(R"re(<path class="line")re")).size() == 1);
}

TEST_CASE("line chart: labels use decimal commas, every point is labelled") {
    auto chart = three_series_chart();
    std::string svg = line_chart_svg(chart);
    std::string point_labels = group_of(svg, "<g class=\"point-labels\">");
    auto labels = all_matches(point_labels, std::regex(R"re(<text class="s[123]"[^>]*>([^<]*)</text>)re"));
    CHECK(labels.size() == 11);  // 12 points, one gap
    // Each label takes its series' colour class: 3 of the school (one gap), 4 of each other line.
    CHECK(all_matches(point_labels, std::regex(R"re(<text class="s1")re")).size() == 3);
    CHECK(all_matches(point_labels, std::regex(R"re(<text class="s3")re")).size() == 4);
    for (const auto& label : labels) {
        std::string text = label[1];
        CHECK(text.find('.') == std::string::npos);
        CHECK(text.find(',') != std::string::npos);
    }
    CHECK(svg.find(">3,0</text>") != std::string::npos);  // a whole mean keeps its decimal
    CHECK(chart_label(28.57, 1) == "28,6");
    CHECK(chart_label(10, 1) == "10");
    CHECK(chart_label(3, 2, 1) == "3,0");
    CHECK(chart_label(3.25, 2, 1) == "3,25");
    CHECK(svg_number(12.345) == "12.3");
    CHECK(svg_number(-0.01) == "0");
}

TEST_CASE("line chart: legend shows distinct markers and line styles, ids are prefixed") {
    std::string svg = line_chart_svg(three_series_chart());
    auto legend_start = svg.find("<g class=\"legend\">");
    REQUIRE(legend_start != std::string::npos);
    std::string legend = svg.substr(legend_start, svg.find("<g class=\"axes\">") - legend_start);
    std::string school = group_of(legend, "<g class=\"s1\">");
    std::string district = group_of(legend, "<g class=\"s2 dashed\">");
    std::string region = group_of(legend, "<g class=\"s3 dotted\">");
    CHECK(school.find("<circle ") != std::string::npos);
    CHECK(district.find("h8v8h-8z\"") != std::string::npos);  // a square
    CHECK(region.find("l5 9h-10z\"") != std::string::npos);   // a triangle
    CHECK(school.find("<path class=\"key\"") != std::string::npos);
    CHECK(school.find(">Школа</text>") != std::string::npos);
    CHECK(region.find(">Регион</text>") != std::string::npos);
    // The lines themselves are in the same dash classes as their legend keys.
    CHECK(svg.find("<g class=\"series s2 dashed\">") != std::string::npos);
    CHECK(svg.find("<g class=\"series s3 dotted\">") != std::string::npos);

    CHECK(svg.find("role=\"img\"") != std::string::npos);
    CHECK(svg.find("aria-labelledby=\"exam-1-mean-title exam-1-mean-desc\"") != std::string::npos);
    CHECK(svg.find("<title id=\"exam-1-mean-title\">") != std::string::npos);
    CHECK(svg.find("<desc id=\"exam-1-mean-desc\">") != std::string::npos);
    CHECK(svg.find("&lt;проверка &amp; экранирования&gt;") != std::string::npos);
    CHECK(svg.find("viewBox=\"0 0 320 ") != std::string::npos);
    CHECK(svg.find(">2024</text>") != std::string::npos);  // years on the x axis
    CHECK(svg.find(">балл</text>") != std::string::npos);
}

TEST_CASE("line chart: the same input gives the same bytes, and a value outside the range widens the axis") {
    auto chart = three_series_chart();
    CHECK(line_chart_svg(chart) == line_chart_svg(chart));
    chart.series[0].values[0] = 1.5;
    auto geometry = chart_geometry(chart);
    CHECK(geometry.y_min == Approx(1.5));
    CHECK(geometry.y_of(1.5) == Approx(geometry.plot_bottom));
}

TEST_CASE("line chart: the SVG is well-formed XML") {
    auto chart = three_series_chart();
    chart.title = "Доля «2» & прочее";
    // A scratch folder of this process: parallel runs (ctest -j, the sanitized
    // tree beside the ordinary one) must not write the same file.
    namespace fs = std::filesystem;
    const fs::path scratch = fs::temp_directory_path() / ("shnor-line-chart-test-" + std::to_string(::getpid()));
    fs::create_directories(scratch);
    struct Cleanup {
        fs::path path;
        ~Cleanup() {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    } cleanup{scratch};
    std::string path = (scratch / "chart.svg").string();
    {
        std::ofstream out(path);
        out << line_chart_svg(chart);
    }
    std::string command = "python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '" + path + "'";
    CHECK(std::system(command.c_str()) == 0);

    // The check itself can fail: a broken document is rejected.
    {
        std::ofstream out(path);
        out << "<svg><text>broken</svg>";
    }
    CHECK(std::system((command + " 2>/dev/null").c_str()) != 0);
}

TEST_CASE("line chart: the SVG carries no presentation attributes; style.css styles every class it uses") {
    std::string svg = line_chart_svg(three_series_chart());
    for (const char* attribute : {" fill=", " stroke", " font-", " text-anchor=", " paint-order=", " style="})
        CHECK(svg.find(attribute) == std::string::npos);

    std::string css = read_text(SHNOR_SOURCE_DIR + "/assets/style.css");
    REQUIRE(!css.empty());
    std::set<std::string> classes;
    for (const auto& match : all_matches(svg, std::regex(R"re(class="([^"]+)")re"))) {
        std::istringstream names(match[1].str());
        for (std::string name; names >> name;) classes.insert(name);
    }
    CHECK(classes.size() >= 12);
    for (const auto& name : classes) {
        INFO("class " << name);
        std::string selector = name == "line-chart" ? ".line-chart {" : ".line-chart ." + name;
        CHECK(css.find(selector) != std::string::npos);
    }
    // What tells the series apart without colour is in the stylesheet, not the SVG.
    CHECK(css.find(".line-chart .dashed > .key, .line-chart .dashed > .line { stroke-dasharray: 7 4; }") !=
          std::string::npos);
    CHECK(css.find(".line-chart .dotted > .key, .line-chart .dotted > .line { stroke-dasharray: 1 4;") !=
          std::string::npos);
    // A rule inside an @media block would leave charts unstyled elsewhere (in print, say): they are top-level.
    for (const char* rule : {".line-chart {", ".line-chart .s1 {", ".line-chart .point-labels {"}) {
        INFO(rule);
        auto at = css.find(rule);
        REQUIRE(at != std::string::npos);
        std::string before = css.substr(0, at);
        CHECK(std::count(before.begin(), before.end(), '{') == std::count(before.begin(), before.end(), '}'));
    }
}
