// render/line_chart: a small inline SVG line chart written as text (no
// library, no script). Years on the x axis, up to three series told apart by
// marker shape and line style as well as colour, gaps where a year has no
// value. Each point's value label goes where it touches no other text and no
// marker (render/label_layout); one with no free place is left out, as the
// table beside every chart carries all the values.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace shnor::render {

enum class Marker { circle, square, triangle };
enum class Dash { solid, dashed, dotted };

struct ChartSeries {
    std::string name;                          // legend text
    std::vector<std::optional<double>> values;  // one per category; nullopt is a gap
    Marker marker = Marker::circle;
    Dash dash = Dash::solid;
};

struct LineChart {
    std::string id_prefix;  // unique on the page: ids are <prefix>-title, <prefix>-desc
    std::string title;
    std::string desc;
    std::vector<std::string> categories;  // x axis, e.g. years
    std::vector<ChartSeries> series;      // at most three are drawn
    double y_min = 0;
    double y_max = 100;
    std::vector<double> y_ticks;  // empty: five steps from y_min to y_max
    std::string unit;             // axis title above the y axis, e.g. "%" or "балл"
    int decimals = 1;             // of point labels and ticks, at most
    int label_min_decimals = 0;   // point labels keep this many: 1 writes a mean of 3 as «3,0»;
                                  // equal to `decimals`, every label of the chart has one precision
};

// Where things go in the viewBox; exposed so tests can check the drawing.
struct ChartGeometry {
    double width = 320;
    double height = 0;  // depends on the legend rows
    double plot_left = 40;
    double plot_right = 308;
    double plot_top = 0;
    double plot_bottom = 0;
    double y_min = 0;
    double y_max = 100;
    std::size_t categories = 0;

    double x_of(std::size_t category) const;
    double y_of(double value) const;
};

ChartGeometry chart_geometry(const LineChart& chart);
std::string line_chart_svg(const LineChart& chart);

// Coordinates as written in the SVG: one decimal, so output is deterministic.
std::string svg_number(double value);
// A value as a label: decimal comma, at most `decimals` digits, no trailing zeros.
std::string chart_label(double value, int decimals, int min_decimals = 0);

}  // namespace shnor::render
