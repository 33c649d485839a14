#include "render/line_chart.hpp"

#include "render/escape.hpp"

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
constexpr double kLabelCharWidth = 7.8;  // a generous advance of a 13 px character: legends must not overlap
constexpr std::size_t kMaxSeries = 3;

// Contrast against white of at least 5:1, so lines and labels read for everyone.
const char* const kColours[kMaxSeries] = {"#1d4f91", "#a0411b", "#505a5f"};

std::size_t text_length(const std::string& utf8) {
    std::size_t count = 0;
    for (unsigned char c : utf8)
        if ((c & 0xC0) != 0x80) ++count;
    return count;
}

std::size_t series_count(const LineChart& chart) { return std::min(chart.series.size(), kMaxSeries); }

double legend_item_width(const ChartSeries& series) { return 28 + kLabelCharWidth * text_length(series.name) + 10; }

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

std::string dash_array(Dash dash) {
    switch (dash) {
        case Dash::solid: return "";
        case Dash::dashed: return " stroke-dasharray=\"7 4\"";
        case Dash::dotted: return " stroke-dasharray=\"1 4\" stroke-linecap=\"round\"";
    }
    return "";
}

std::string marker_svg(Marker marker, double x, double y, const std::string& colour) {
    std::string fill = " fill=\"" + colour + "\"";
    switch (marker) {
        case Marker::circle:
            return "<circle class=\"marker marker--circle\" cx=\"" + svg_number(x) + "\" cy=\"" + svg_number(y) +
                   "\" r=\"4\"" + fill + "/>";
        case Marker::square:
            return "<rect class=\"marker marker--square\" x=\"" + svg_number(x - 4) + "\" y=\"" + svg_number(y - 4) +
                   "\" width=\"8\" height=\"8\"" + fill + "/>";
        case Marker::triangle:
            return "<path class=\"marker marker--triangle\" d=\"M" + svg_number(x) + " " + svg_number(y - 5.5) + "L" +
                   svg_number(x + 5) + " " + svg_number(y + 3.5) + "L" + svg_number(x - 5) + " " +
                   svg_number(y + 3.5) + "Z\"" + fill + "/>";
    }
    return "";
}

std::string text_svg(double x, double y, const std::string& anchor, const std::string& text,
                     const std::string& extra = "") {
    return "<text x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" text-anchor=\"" + anchor + "\"" + extra +
           ">" + escape_xml(text) + "</text>";
}

std::vector<double> ticks_of(const LineChart& chart, double y_min, double y_max) {
    std::vector<double> ticks;
    for (double tick : chart.y_ticks)
        if (tick >= y_min - 1e-9 && tick <= y_max + 1e-9) ticks.push_back(tick);
    if (!ticks.empty()) return ticks;
    for (int step = 0; step <= 5; ++step) ticks.push_back(y_min + (y_max - y_min) * step / 5);
    return ticks;
}

struct PointLabel {
    std::size_t series;
    double x;
    double y;  // of the point
    std::string text;
};

// Labels of one year: the highest point's above it, the others below theirs,
// pushed down so none overlap; they keep the top-to-bottom order of the points.
std::string year_labels(std::vector<PointLabel> labels, const ChartGeometry& geometry) {
    std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) {
        return a.y != b.y ? a.y < b.y : a.series < b.series;
    });
    struct Placed {
        const PointLabel* label;
        double x;
        double baseline;
        std::string anchor;
    };
    std::vector<Placed> placed;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto& label = labels[i];
        placed.push_back({&label, label.x, i == 0 ? label.y - 9 : label.y + 17, "middle"});
    }
    constexpr double kLineHeight = 13;
    for (std::size_t i = 1; i < placed.size(); ++i)
        placed[i].baseline = std::max(placed[i].baseline, placed[i - 1].baseline + kLineHeight);
    std::string svg;
    // A stack running into the years below moves up as a whole.
    double lowest_allowed = geometry.plot_bottom + 26;
    if (!placed.empty() && placed.back().baseline > lowest_allowed) {
        double shift = placed.back().baseline - lowest_allowed;
        for (auto& place : placed) place.baseline -= shift;
    }
    for (const auto& place : placed) {
        svg += text_svg(place.x, place.baseline, place.anchor, place.label->text,
                        " class=\"point-label\" fill=\"" + std::string(kColours[place.label->series]) + "\"");
    }
    return svg;
}

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
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", std::round(value * 10) / 10);
    std::string text = buffer;
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
    if (text == "-0") text = "0";
    return text;
}

std::string chart_label(double value, int decimals, int min_decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    std::string text = buffer;
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
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"line-chart\" viewBox=\"0 0 " +
                      svg_number(geometry.width) + " " + svg_number(geometry.height) +
                      "\" width=\"100%\" role=\"img\" aria-labelledby=\"" + id + "-title " + id +
                      "-desc\" font-family=\"system-ui, sans-serif\" font-size=\"13\">";
    svg += "<title id=\"" + id + "-title\">" + escape_xml(chart.title) + "</title>";
    svg += "<desc id=\"" + id + "-desc\">" + escape_xml(chart.desc) + "</desc>";

    // Legend: a stroke in the series' dash with its marker, then the name.
    auto places = legend_layout(chart);
    svg += "<g class=\"legend\">";
    for (std::size_t i = 0; i < places.size(); ++i) {
        const auto& series = chart.series[i];
        double x = places[i].first;
        double y = kLegendTop + kLegendRow * places[i].second + kLegendRow / 2;
        svg += "<path d=\"M" + svg_number(x) + " " + svg_number(y) + "H" + svg_number(x + 22) + "\" stroke=\"" +
               kColours[i] + "\" stroke-width=\"2\"" + dash_array(series.dash) + "/>";
        svg += marker_svg(series.marker, x + 11, y, kColours[i]);
        svg += text_svg(x + 28, y + 4, "start", series.name);
    }
    svg += "</g>";

    // Axes, grid and their labels.
    std::string axis_colour = "#505a5f";
    svg += "<g class=\"axes\" fill=\"#0b0c0c\">";
    if (!chart.unit.empty()) svg += text_svg(4, geometry.plot_top - 16, "start", chart.unit);
    for (double tick : ticks_of(chart, geometry.y_min, geometry.y_max)) {
        double y = geometry.y_of(tick);
        svg += "<path d=\"M" + svg_number(geometry.plot_left) + " " + svg_number(y) + "H" +
               svg_number(geometry.plot_right) + "\" stroke=\"#d8dadb\" stroke-width=\"1\"/>";
        svg += text_svg(geometry.plot_left - 6, y + 4, "end", chart_label(tick, chart.decimals));
    }
    svg += "<path d=\"M" + svg_number(geometry.plot_left) + " " + svg_number(geometry.plot_top) + "V" +
           svg_number(geometry.plot_bottom) + "H" + svg_number(geometry.plot_right) + "\" fill=\"none\" stroke=\"" +
           axis_colour + "\" stroke-width=\"1\"/>";
    for (std::size_t c = 0; c < chart.categories.size(); ++c)
        svg += text_svg(geometry.x_of(c), geometry.height - 6, "middle", chart.categories[c]);
    svg += "</g>";

    // Lines break where a year has no value; a lone point is its marker alone.
    std::vector<std::vector<PointLabel>> labels_by_year(chart.categories.size());
    for (std::size_t i = 0; i < series_count(chart); ++i) {
        const auto& series = chart.series[i];
        std::string colour = kColours[i];
        svg += "<g class=\"series series--" + std::to_string(i + 1) + "\">";
        std::vector<std::pair<double, double>> run;
        auto flush = [&] {
            if (run.size() >= 2) {
                std::string d;
                for (std::size_t p = 0; p < run.size(); ++p)
                    d += (p == 0 ? "M" : "L") + svg_number(run[p].first) + " " + svg_number(run[p].second);
                svg += "<path class=\"line\" d=\"" + d + "\" fill=\"none\" stroke=\"" + colour +
                       "\" stroke-width=\"2.5\"" + dash_array(series.dash) + "/>";
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
            markers += marker_svg(series.marker, x, y, colour);
            labels_by_year[c].push_back({i, x, y, chart_label(*value, chart.decimals, chart.label_min_decimals)});
        }
        flush();
        svg += markers + "</g>";
    }
    svg += "<g class=\"point-labels\" font-weight=\"700\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">";
    for (std::size_t c = 0; c < labels_by_year.size(); ++c)
        svg += year_labels(labels_by_year[c], geometry);
    svg += "</g></svg>";
    return svg;
}

}  // namespace shnor::render
