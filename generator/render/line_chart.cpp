#include "render/line_chart.hpp"

#include "render/escape.hpp"
#include "render/label_layout.hpp"
#include "render/numbers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace shnor::render {

namespace {

constexpr double kWidth = 320;
constexpr double kLegendRow = 19;
constexpr double kLegendTop = 4;
constexpr double kPlotHeight = 150;
constexpr double kSpaceAbovePlot = 30;  // the unit and labels of points at the top
constexpr double kSpaceBelowPlot = 38;  // labels below the lowest points, then the years
constexpr double kFontSize = 13;  // of every text, as style.css sets it (".line-chart")
constexpr std::size_t kMaxSeries = 3;

// Colours, line styles and type live in assets/style.css (".line-chart"):
// a results page has a couple of dozen charts, and attributes repeated on
// every element were most of their bytes. Series are "s1".."s3" there.
const char* const kSeriesClasses[kMaxSeries] = {"s1", "s2", "s3"};

std::size_t series_count(const LineChart& chart) { return std::min(chart.series.size(), kMaxSeries); }

// Key (22) and gap (6), the name, then room before the next item.
double legend_item_width(const ChartSeries& series) {
    return 28 + estimated_text_width(series.name, kFontSize, false) + 14;
}

// Legend items flow left to right and wrap: (x, row) of each.
std::vector<std::pair<double, int>> legend_layout(const LineChart& chart) {
    std::vector<std::pair<double, int>> places;
    double x = 8;
    int row = 0;
    for (std::size_t i = 0; i < series_count(chart); ++i) {
        double width = legend_item_width(chart.series[i]);
        if (x > 8 && x + width > kWidth - 4) {
            x = 8;
            ++row;
        }
        places.push_back({x, row});
        x += width;
    }
    return places;
}

int legend_rows(const LineChart& chart) {
    auto places = legend_layout(chart);
    return places.empty() ? 0 : places.back().second + 1;
}

const char* dash_class(Dash dash) {
    switch (dash) {
        case Dash::solid: return "";
        case Dash::dashed: return " dashed";
        case Dash::dotted: return " dotted";
    }
    return "";
}

// Squares and triangles are paths with relative steps: the shortest way to write them.
// Markers of points carry "chart__marker" (the browser test finds them by it).
void append_marker(std::string& svg, Marker marker, double x, double y, bool of_point = false) {
    const char* css = of_point ? " class=\"chart__marker\"" : "";
    switch (marker) {
        case Marker::circle:
            svg += std::string("<circle") + css + " cx=\"" + svg_number(x) + "\" cy=\"" + svg_number(y) + "\" r=\"4\"/>";
            return;
        case Marker::square:
            svg += std::string("<path") + css + " d=\"M" + svg_number(x - 4) + " " + svg_number(y - 4) + "h8v8h-8z\"/>";
            return;
        case Marker::triangle:
            svg += std::string("<path") + css + " d=\"M" + svg_number(x) + " " + svg_number(y - 5.5) + "l5 9h-10z\"/>";
            return;
    }
}

// Where a text is anchored comes from the group it is in (see style.css).
void append_text(std::string& svg, double x, double y, const std::string& text, const char* css_class = nullptr) {
    svg += "<text";
    if (css_class) svg += std::string(" class=\"") + css_class + "\"";
    svg += " x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\">" + escape_xml(text) + "</text>";
}

std::vector<double> ticks_of(const LineChart& chart, double y_min, double y_max) {
    std::vector<double> ticks;
    for (double tick : chart.y_ticks)
        if (tick >= y_min - 1e-9 && tick <= y_max + 1e-9) ticks.push_back(tick);
    if (!ticks.empty()) return ticks;
    for (int step = 0; step <= 5; ++step) ticks.push_back(y_min + (y_max - y_min) * step / 5);
    return ticks;
}

Box marker_box(Marker marker, double x, double y) {
    if (marker == Marker::triangle) return {x - 5, y - 5.5, x + 5, y + 3.5};
    return {x - 4, y - 4, x + 4, y + 4};
}

struct PointLabel {
    std::size_t series;
    double x;
    double y;  // of the point
    Marker marker;
    std::string text;
};

}  // namespace

double ChartGeometry::x_of(std::size_t category) const {
    constexpr double kInset = 26;  // room for the first and last labels
    if (categories <= 1) return (plot_left + plot_right) / 2;
    double span = plot_right - plot_left - 2 * kInset;
    return plot_left + kInset + span * category / (categories - 1);
}

double ChartGeometry::y_of(double value) const {
    if (y_max <= y_min) return plot_bottom;
    return plot_bottom - (value - y_min) / (y_max - y_min) * (plot_bottom - plot_top);
}

ChartGeometry chart_geometry(const LineChart& chart) {
    ChartGeometry geometry;
    geometry.width = kWidth;
    geometry.categories = chart.categories.size();
    geometry.plot_top = kLegendTop + kLegendRow * legend_rows(chart) + kSpaceAbovePlot;
    geometry.plot_bottom = geometry.plot_top + kPlotHeight;
    geometry.height = geometry.plot_bottom + kSpaceBelowPlot;
    // The axis never hides a value: it widens to include every point.
    geometry.y_min = chart.y_min;
    geometry.y_max = chart.y_max;
    for (std::size_t i = 0; i < series_count(chart); ++i)
        for (const auto& value : chart.series[i].values)
            if (value) {
                geometry.y_min = std::min(geometry.y_min, *value);
                geometry.y_max = std::max(geometry.y_max, *value);
            }
    return geometry;
}

std::string svg_number(double value) {
    std::string text = fixed_decimals(std::round(value * 10) / 10, 1);
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
    if (text == "-0") text = "0";
    return text;
}

std::string chart_label(double value, int decimals, int min_decimals) {
    std::string text = fixed_decimals(value, decimals);
    if (auto point = text.find('.'); point != std::string::npos) {
        while (text.back() == '0' && text.size() - point - 1 > static_cast<std::size_t>(min_decimals)) text.pop_back();
        if (text.back() == '.') text.pop_back();
    }
    if (text == "-0") text = "0";
    std::replace(text.begin(), text.end(), '.', ',');
    return text;
}

std::string line_chart_svg(const LineChart& chart) {
    auto geometry = chart_geometry(chart);
    const std::string& id = chart.id_prefix;
    std::string svg;
    svg.reserve(2048);
    svg += "<svg class=\"line-chart\" viewBox=\"0 0 " + svg_number(geometry.width) + " " +
           svg_number(geometry.height) + "\" role=\"img\" aria-labelledby=\"" + id + "-title " + id + "-desc\">";
    svg += "<title id=\"" + id + "-title\">" + escape_xml(chart.title) + "</title>";
    svg += "<desc id=\"" + id + "-desc\">" + escape_xml(chart.desc) + "</desc>";

    // Legend: a stroke in the series' dash with its marker, then the name.
    // Every text and legend key drawn here is an obstacle for the point labels.
    std::vector<Box> obstacles;
    auto places = legend_layout(chart);
    svg += "<g class=\"legend\">";
    for (std::size_t i = 0; i < places.size(); ++i) {
        const auto& series = chart.series[i];
        double x = places[i].first;
        double y = kLegendTop + kLegendRow * places[i].second + kLegendRow / 2;
        svg += std::string("<g class=\"") + kSeriesClasses[i] + dash_class(series.dash) + "\">";
        svg += "<path class=\"key\" d=\"M" + svg_number(x) + " " + svg_number(y) + "h22\"/>";
        append_marker(svg, series.marker, x + 11, y);
        append_text(svg, x + 28, y + 4, series.name);
        obstacles.push_back({x, y - 6, x + 22, y + 6});
        obstacles.push_back(start_text_box(x + 28, y + 4, estimated_text_width(series.name, kFontSize, false), kFontSize));
        svg += "</g>";
    }
    svg += "</g>";

    // Axes, grid and their labels.
    svg += "<g class=\"axes\">";
    if (!chart.unit.empty()) {
        append_text(svg, 4, geometry.plot_top - 16, chart.unit);
        obstacles.push_back(
            start_text_box(4, geometry.plot_top - 16, estimated_text_width(chart.unit, kFontSize, false), kFontSize));
    }
    auto ticks = ticks_of(chart, geometry.y_min, geometry.y_max);
    std::string left = svg_number(geometry.plot_left);
    std::string right = svg_number(geometry.plot_right);
    svg += "<path class=\"grid\" d=\"";
    for (double tick : ticks) svg += "M" + left + " " + svg_number(geometry.y_of(tick)) + "H" + right;
    svg += "\"/><g class=\"ticks\">";
    for (double tick : ticks) {
        std::string text = chart_label(tick, chart.decimals);
        append_text(svg, geometry.plot_left - 6, geometry.y_of(tick) + 4, text);
        obstacles.push_back(end_text_box(geometry.plot_left - 6, geometry.y_of(tick) + 4,
                                         estimated_text_width(text, kFontSize, false), kFontSize));
    }
    svg += "</g><path class=\"axis\" d=\"M" + left + " " + svg_number(geometry.plot_top) + "V" +
           svg_number(geometry.plot_bottom) + "H" + right + "\"/><g class=\"years\">";
    for (std::size_t c = 0; c < chart.categories.size(); ++c) {
        append_text(svg, geometry.x_of(c), geometry.height - 6, chart.categories[c]);
        obstacles.push_back(text_box(geometry.x_of(c), geometry.height - 6,
                                     estimated_text_width(chart.categories[c], kFontSize, false), kFontSize));
    }
    svg += "</g></g>";

    // Lines break where a year has no value; a lone point is its marker alone.
    std::vector<PointLabel> labels;  // series by series: the school's labels are placed first
    for (std::size_t i = 0; i < series_count(chart); ++i) {
        const auto& series = chart.series[i];
        svg += std::string("<g class=\"series ") + kSeriesClasses[i] + dash_class(series.dash) + "\">";
        std::vector<std::pair<double, double>> run;
        auto flush = [&] {
            if (run.size() >= 2) {
                // After the first point, pairs of numbers are implicit line-tos.
                svg += "<path class=\"line\" d=\"M";
                for (std::size_t p = 0; p < run.size(); ++p) {
                    if (p > 0) svg += ' ';
                    svg += svg_number(run[p].first);
                    svg += ' ';
                    svg += svg_number(run[p].second);
                }
                svg += "\"/>";
            }
            run.clear();
        };
        std::string markers;
        for (std::size_t c = 0; c < chart.categories.size(); ++c) {
            auto value = c < series.values.size() ? series.values[c] : std::nullopt;
            if (!value) {
                flush();
                continue;
            }
            double x = geometry.x_of(c);
            double y = geometry.y_of(*value);
            run.push_back({x, y});
            append_marker(markers, series.marker, x, y, true);
            labels.push_back({i, x, y, series.marker, chart_label(*value, chart.decimals, chart.label_min_decimals)});
        }
        flush();
        svg += markers + "</g>";
    }
    // A label that finds no free place is left out: the table beside the chart has every value.
    std::vector<LabelRequest> requests;
    requests.reserve(labels.size());
    for (const auto& label : labels) {
        // The highest point of a year keeps its label above, the others try below first.
        bool lower = std::any_of(labels.begin(), labels.end(), [&label](const PointLabel& other) {
            return other.x == label.x && other.y < label.y;
        });
        requests.push_back(
            {marker_box(label.marker, label.x, label.y), estimated_text_width(label.text, kFontSize, true), lower});
    }
    auto label_places = place_labels(requests, obstacles, {0, 0, geometry.width, geometry.height}, kFontSize);
    svg += "<g class=\"point-labels\">";
    for (std::size_t k = 0; k < labels.size(); ++k)
        if (label_places[k])
            append_text(svg, label_places[k]->centre_x, label_places[k]->baseline, labels[k].text,
                        kSeriesClasses[labels[k].series]);
    svg += "</g></svg>";
    return svg;
}

}  // namespace shnor::render
