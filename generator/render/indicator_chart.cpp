#include "render/indicator_chart.hpp"

#include "render/escape.hpp"
#include "render/label_layout.hpp"
#include "render/numbers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace shnor::render {

namespace {

// The viewBox is about as wide as a phone, so the text stays readable when
// the chart is scaled down to 360 px; CSS caps its width on wide screens.
constexpr double kWidth = 360;
constexpr double kLeft = 40;
constexpr double kRight = kWidth - 14;
constexpr double kTop = 30;
constexpr double kBottom = 208;
constexpr double kYearInset = 30;  // room for a label centred on the first and last year
constexpr double kFontSize = 14;
constexpr double kLegendTop = kBottom + 50;  // the middle of the legend's first row
constexpr double kLegendRow = 22;

const char* const kTextColour = "#0b0c0c";
const char* const kGridColour = "#d8dadb";
const char* const kActualColour = "#1d70b8";
const char* const kPathColour = "#505a5f";

std::string num(double value) {
    std::string text = fixed_decimals(value, 1);
    if (text == "-0.0") text = "0.0";
    return text;
}

double text_width(const std::string& text, bool bold = false) { return estimated_text_width(text, kFontSize, bold); }

double nice_step(double raw) {
    if (raw <= 0) return 1;
    double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= factor * magnitude * (1 + 1e-9)) return factor * magnitude;
    return 10 * magnitude;
}

enum class Kind { baseline, actual, target };

struct Mark {
    Kind kind;
    double x, y;
    std::string label;
};

std::vector<const IndicatorChartPoint*> all_points(const IndicatorChart& chart) {
    std::vector<const IndicatorChartPoint*> points;
    if (chart.baseline) points.push_back(&*chart.baseline);
    for (const auto& point : chart.values) points.push_back(&point);
    if (chart.target) points.push_back(&*chart.target);
    return points;
}

std::string text_element(double x, double y, const std::string& anchor, const std::string& text,
                         const std::string& css_class) {
    return "<text class=\"" + css_class + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor +
           "\" fill=\"" + kTextColour + "\">" + escape_xml(text) + "</text>\n";
}

Box marker_box(const Mark& mark) {
    // Half sizes with the stroke: baseline square, actual circle, target diamond.
    double half = mark.kind == Kind::baseline ? 5.5 : mark.kind == Kind::actual ? 6.75 : 10.25;
    return {mark.x - half, mark.y - half, mark.x + half, mark.y + half};
}

// Labels go where they touch no other label, marker or text (see
// render/label_layout); the actual values first, then the baseline, then the
// target, whose label goes to the side away from where the values come from. One that finds no room is left out: the table below has them all.
std::string labels_of(const std::vector<Mark>& marks, const std::vector<Box>& obstacles, double height,
                      bool lower_is_better) {
    std::vector<const Mark*> order;
    for (Kind kind : {Kind::actual, Kind::baseline, Kind::target})
        for (const auto& mark : marks)
            if (mark.kind == kind) order.push_back(&mark);
    std::vector<LabelRequest> requests;
    std::vector<Box> others = obstacles;
    for (const auto& mark : marks) others.push_back(marker_box(mark));
    for (const Mark* mark : order) {
        // A lower mark of a year tries below first; so does a target the values come down to.
        bool lower = std::any_of(marks.begin(), marks.end(), [mark](const Mark& other) {
            return other.x == mark->x && other.y < mark->y;
        });
        bool alone = std::none_of(marks.begin(), marks.end(), [mark](const Mark& other) {
            return &other != mark && other.x == mark->x;
        });
        bool below_first = lower || (alone && mark->kind == Kind::target && lower_is_better);
        requests.push_back({marker_box(*mark), text_width(mark->label, true), below_first});
    }
    auto places = place_labels(requests, others, {0, 0, kWidth, height}, kFontSize);
    std::string out;
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (!places[i]) continue;
        std::string css = order[i]->kind == Kind::target ? "chart-label chart-label--target" : "chart-label";
        out += text_element(places[i]->centre_x, places[i]->baseline, "middle", order[i]->label, css);
    }
    return out;
}

// Markers of points carry "chart__marker" (the browser test finds them by it); legend keys do not.
std::string marker_class(const char* name, bool of_point) {
    return std::string(" class=\"") + name + (of_point ? " chart__marker" : "") + "\"";
}

std::string baseline_marker(double x, double y, bool of_point = false) {
    return "<rect" + marker_class("chart-baseline", of_point) + " x=\"" + num(x - 5.5) + "\" y=\"" + num(y - 5.5) +
           "\" width=\"11\" height=\"11\" fill=\"" + kPathColour + "\"/>\n";
}

std::string actual_marker(double x, double y, bool of_point = false) {
    return "<circle" + marker_class("chart-point", of_point) + " cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"6\" fill=\"" +
           kActualColour + "\" stroke=\"#fff\" stroke-width=\"1.5\"/>\n";
}

// A hollow diamond: no other mark has that shape, so the target reads without colour.
std::string target_marker(double x, double y, bool of_point = false) {
    return "<path" + marker_class("chart-target", of_point) + " d=\"M" + num(x) + "," + num(y) +
           " m0,-9 l9,9 l-9,9 l-9,-9 z\" fill=\"#fff\" stroke=\"" + kTextColour + "\" stroke-width=\"2.5\"/>\n";
}

struct LegendItem {
    std::string marker;  // drawn with its left edge at 0 and its middle at y 0, moved into place
    double marker_width;
    std::string text;
};

std::vector<LegendItem> legend_items(const IndicatorChart& chart) {
    std::vector<LegendItem> items;
    if (chart.baseline) items.push_back({baseline_marker(6, 0), 12, "исходное"});
    if (!chart.values.empty())
        items.push_back({"<line x1=\"0\" y1=\"0\" x2=\"22\" y2=\"0\" stroke=\"" + std::string(kActualColour) +
                             "\" stroke-width=\"3\"/>\n" + actual_marker(11, 0),
                         22, "факт"});
    if (chart.target) items.push_back({target_marker(9, 0), 18, "цель"});
    if (chart.baseline && chart.target)
        items.push_back({"<line x1=\"0\" y1=\"0\" x2=\"24\" y2=\"0\" stroke=\"" + std::string(kPathColour) +
                             "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
                         24, "путь к цели"});
    return items;
}

double legend_item_width(const LegendItem& item) { return item.marker_width + 5 + text_width(item.text) + 14; }

// Items flow left to right and wrap into rows that fit the width: (x, row).
std::vector<std::pair<double, int>> legend_layout(const std::vector<LegendItem>& items) {
    std::vector<std::pair<double, int>> places;
    double x = 4;
    int row = 0;
    for (const auto& item : items) {
        double width = legend_item_width(item);
        if (x > 4 && x + width - 14 > kWidth - 4) {
            x = 4;
            ++row;
        }
        places.push_back({x, row});
        x += width;
    }
    return places;
}

int legend_rows(const IndicatorChart& chart) {
    auto places = legend_layout(legend_items(chart));
    return places.empty() ? 1 : places.back().second + 1;
}

// Each item is a group moved into place, so its marker is written once.
std::string legend(const IndicatorChart& chart, std::vector<Box>& obstacles) {
    auto items = legend_items(chart);
    auto places = legend_layout(items);
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        double x = places[i].first;
        double y = kLegendTop + kLegendRow * places[i].second;
        out += "<g transform=\"translate(" + num(x) + " " + num(y) + ")\">\n" + items[i].marker;
        out += text_element(items[i].marker_width + 5, 5, "start", items[i].text, "chart-legend");
        out += "</g>\n";
        obstacles.push_back({x, y - 10.5, x + items[i].marker_width, y + 10.5});
        obstacles.push_back(start_text_box(x + items[i].marker_width + 5, y + 5, text_width(items[i].text), kFontSize));
    }
    return out;
}

}  // namespace

double ChartFrame::x_of(int year) const {
    if (last_year == first_year) return (left + right) / 2;
    return left + kYearInset + (right - left - 2 * kYearInset) * double(year - first_year) / double(last_year - first_year);
}

double ChartFrame::y_of(double value) const {
    if (high <= low) return bottom;
    return bottom - (bottom - top) * (value - low) / (high - low);
}

ChartFrame chart_frame(const IndicatorChart& chart) {
    ChartFrame frame;
    frame.width = kWidth;
    frame.height = kLegendTop + kLegendRow * (legend_rows(chart) - 1) + 14;
    frame.left = kLeft;
    frame.right = kRight;
    frame.top = kTop;
    frame.bottom = kBottom;
    auto points = all_points(chart);
    if (points.empty()) return frame;
    double min_value = 0;  // the value axis starts at zero unless a value is negative
    double max_value = points.front()->value;
    frame.first_year = frame.last_year = points.front()->year;
    for (const auto* point : points) {
        min_value = std::min(min_value, point->value);
        max_value = std::max(max_value, point->value);
        frame.first_year = std::min(frame.first_year, point->year);
        frame.last_year = std::max(frame.last_year, point->year);
    }
    if (max_value <= min_value) max_value = min_value + 1;
    frame.step = nice_step((max_value - min_value) / 4);
    frame.low = std::floor(min_value / frame.step) * frame.step;
    frame.high = std::ceil(max_value / frame.step - 1e-9) * frame.step;
    if (frame.high <= frame.low) frame.high = frame.low + frame.step;
    return frame;
}

std::string indicator_chart_svg(const IndicatorChart& chart) {
    auto points = all_points(chart);
    if (points.empty()) return {};
    ChartFrame frame = chart_frame(chart);
    const std::string& id = chart.id_prefix;
    std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"indicator-chart\" viewBox=\"0 0 " +
                      num(kWidth) + " " + num(frame.height) + "\" width=\"100%\" role=\"img\" aria-labelledby=\"" + id +
                      "-title " + id + "-desc\" font-size=\"" + num(kFontSize) + "\">\n";
    out += "<title id=\"" + id + "-title\">" + escape_xml(chart.title) + "</title>\n";
    out += "<desc id=\"" + id + "-desc\">" + escape_xml(chart.description) + "</desc>\n";

    std::vector<Box> obstacles;  // texts the point labels must keep clear of
    // Value axis: grid lines with their values, the unit above.
    int ticks = int(std::lround((frame.high - frame.low) / frame.step));
    for (int i = 0; i <= ticks; ++i) {
        double value = frame.low + frame.step * i;
        double y = frame.y_of(value);
        out += "<line x1=\"" + num(frame.left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(frame.right) + "\" y2=\"" +
               num(y) + "\" stroke=\"" + (i == 0 ? kTextColour : kGridColour) + "\" stroke-width=\"1\"/>\n";
        std::string text = chart.format_tick ? chart.format_tick(value) : num(value);
        out += text_element(frame.left - 6, y + 5, "end", text, "chart-tick");
        obstacles.push_back(end_text_box(frame.left - 6, y + 5, text_width(text), kFontSize));
    }
    if (!chart.unit.empty()) {
        out += text_element(4, 16, "start", chart.unit, "chart-tick");
        obstacles.push_back(start_text_box(4, 16, text_width(chart.unit), kFontSize));
    }

    // Year axis: every year from the first to the last.
    for (int year = frame.first_year; year <= frame.last_year; ++year) {
        out += text_element(frame.x_of(year), frame.bottom + 22, "middle", std::to_string(year), "chart-tick");
        obstacles.push_back(text_box(frame.x_of(year), frame.bottom + 22, text_width(std::to_string(year)), kFontSize));
    }

    std::vector<Mark> marks;
    if (chart.baseline && chart.target)
        out += "<line class=\"chart-path\" x1=\"" + num(frame.x_of(chart.baseline->year)) + "\" y1=\"" +
               num(frame.y_of(chart.baseline->value)) + "\" x2=\"" + num(frame.x_of(chart.target->year)) + "\" y2=\"" +
               num(frame.y_of(chart.target->value)) + "\" stroke=\"" + kPathColour +
               "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n";

    auto values = chart.values;
    std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.year < b.year; });
    std::vector<const IndicatorChartPoint*> actual_line;
    if (chart.baseline) actual_line.push_back(&*chart.baseline);
    for (const auto& point : values) actual_line.push_back(&point);
    if (!values.empty() && actual_line.size() >= 2) {
        out += "<polyline class=\"chart-actual\" fill=\"none\" stroke=\"" + std::string(kActualColour) +
               "\" stroke-width=\"3\" stroke-linejoin=\"round\" points=\"";
        for (std::size_t i = 0; i < actual_line.size(); ++i)
            out += (i ? " " : "") + num(frame.x_of(actual_line[i]->year)) + "," + num(frame.y_of(actual_line[i]->value));
        out += "\"/>\n";
    }
    if (chart.target) {
        double x = frame.x_of(chart.target->year), y = frame.y_of(chart.target->value);
        out += target_marker(x, y, true);
        marks.push_back({Kind::target, x, y, chart.target->label});
    }
    if (chart.baseline) {
        double x = frame.x_of(chart.baseline->year), y = frame.y_of(chart.baseline->value);
        out += baseline_marker(x, y, true);
        marks.push_back({Kind::baseline, x, y, chart.baseline->label});
    }
    for (const auto& point : values) {
        double x = frame.x_of(point.year), y = frame.y_of(point.value);
        out += actual_marker(x, y, true);
        marks.push_back({Kind::actual, x, y, point.label});
    }
    out += legend(chart, obstacles);
    out += labels_of(marks, obstacles, frame.height, chart.lower_is_better);
    out += "</svg>";
    return out;
}

}  // namespace shnor::render
