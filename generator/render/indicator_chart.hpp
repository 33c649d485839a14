// An inline SVG chart of one target indicator: baseline → actual values →
// target over the years, with the linear path to the target dashed. No
// script, no library; the same input always gives the same bytes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace shnor::render {

struct IndicatorChartPoint {
    int year = 0;
    double value = 0;
    std::string label;  // printed next to the point, e.g. «30,4 %»
};

struct IndicatorChart {
    std::string id_prefix;    // keeps the ids of <title> and <desc> unique on the page
    std::string title;        // <title>: what the chart is
    std::string description;  // <desc>: what it says
    std::string unit;         // printed above the value axis
    bool lower_is_better = false;
    std::optional<IndicatorChartPoint> baseline;
    std::vector<IndicatorChartPoint> values;  // actual values, any order
    std::optional<IndicatorChartPoint> target;  // its label reads «цель 2026: 17,4 %»
    // Value axis tick labels (a decimal comma in Russian).
    std::function<std::string(double)> format_tick;
};

// Where the chart puts a year and a value, in viewBox units.
struct ChartFrame {
    double width = 0, height = 0;
    double left = 0, right = 0, top = 0, bottom = 0;  // the plot area
    int first_year = 0, last_year = 0;
    double low = 0, high = 0, step = 1;  // value axis: range and tick step

    double x_of(int year) const;
    double y_of(double value) const;
};

ChartFrame chart_frame(const IndicatorChart& chart);
// An <svg> element, or "" when the chart has no point to show.
std::string indicator_chart_svg(const IndicatorChart& chart);

}  // namespace shnor::render
