#include "render/indicator_chart.hpp"

#include "render/escape.hpp"
#include "render/numbers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace shnor::render {

namespace {

// The viewBox is about as wide as a phone, so the text stays readable when
// the chart is scaled down to 360 px; CSS caps its width on wide screens.
constexpr double kWidth = 360;
constexpr double kHeight = 272;
constexpr double kLeft = 40;
constexpr double kRight = kWidth - 14;
constexpr double kTop = 30;
constexpr double kBottom = kHeight - 64;
constexpr double kYearInset = 30;  // room for a label centred on the first and last year
constexpr double kFontSize = 14;
constexpr double kCharWidth = 7.8;  // an estimate for system sans-serif at kFontSize
constexpr double kLegendY = kHeight - 14;

const char* const kTextColour = "#0b0c0c";
const char* const kGridColour = "#d8dadb";
const char* const kActualColour = "#1d70b8";
const char* const kPathColour = "#505a5f";

std::string num(double value) {
    std::string text = fixed_decimals(value, 1);
    if (text == "-0.0") text = "0.0";
    return text;
}

std::size_t code_points(const std::string& text) {
    std::size_t count = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++count;
    return count;
}

double text_width(const std::string& text) { return code_points(text) * kCharWidth; }

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

// A label centred on its point, kept inside the viewBox.
std::string centred_label(double x, double y, const std::string& text, const std::string& css_class) {
    double half = text_width(text) / 2;
    double centre = std::clamp(x, half + 2, std::max(half + 2, kWidth - 2 - half));
    return text_element(centre, y, "middle", text, css_class);
}

// Labels go above the point, below it when another mark of the same year
// sits above, and beside it when a third one is in between. A lone target
// label goes to the side away from where the values come from.
std::string labels_of(std::vector<Mark> marks, bool lower_is_better) {
    std::map<long, std::vector<Mark>> by_column;
    for (const auto& mark : marks) by_column[std::lround(mark.x * 10)].push_back(mark);
    std::string out;
    for (auto& [column, group] : by_column) {
        std::stable_sort(group.begin(), group.end(), [](const Mark& a, const Mark& b) { return a.y < b.y; });
        for (std::size_t i = 0; i < group.size(); ++i) {
            const Mark& mark = group[i];
            bool above;
            if (group.size() == 1)
                above = mark.kind != Kind::target || !lower_is_better;
            else if (i == 0 || i + 1 == group.size())
                above = i == 0;
            else {
                out += text_element(mark.x + 11, mark.y + 5, "start", mark.label, "chart-label");
                continue;
            }
            if (above && mark.y - 10 - kFontSize < 0) above = false;
            if (!above && mark.y + 20 > kBottom - 2 && group.size() == 1) above = true;
            std::string css = mark.kind == Kind::target ? "chart-label chart-label--target" : "chart-label";
            out += centred_label(mark.x, above ? mark.y - 10 : mark.y + 21, mark.label, css);
        }
    }
    return out;
}

std::string baseline_marker(double x, double y) {
    return "<rect class=\"chart-baseline\" x=\"" + num(x - 5.5) + "\" y=\"" + num(y - 5.5) +
           "\" width=\"11\" height=\"11\" fill=\"" + kPathColour + "\"/>\n";
}

std::string actual_marker(double x, double y) {
    return "<circle class=\"chart-point\" cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"6\" fill=\"" +
           kActualColour + "\" stroke=\"#fff\" stroke-width=\"1.5\"/>\n";
}

// A hollow diamond: no other mark has that shape, so the target reads without colour.
std::string target_marker(double x, double y) {
    return "<path class=\"chart-target\" d=\"M" + num(x) + "," + num(y) +
           " m0,-9 l9,9 l-9,9 l-9,-9 z\" fill=\"#fff\" stroke=\"" + kTextColour + "\" stroke-width=\"2.5\"/>\n";
}

std::string legend(const IndicatorChart& chart) {
    std::string out;
    double x = 4;
    double y = kLegendY;
    auto item = [&](const std::string& marker, double marker_width, const std::string& text) {
        out += marker;
        out += text_element(x + marker_width + 5, y + 5, "start", text, "chart-legend");
        x += marker_width + 5 + text_width(text) + 14;
    };
    if (chart.baseline) item(baseline_marker(x + 6, y), 12, "исходное");
    if (!chart.values.empty()) {
        std::string marker = "<line x1=\"" + num(x) + "\" y1=\"" + num(y) + "\" x2=\"" + num(x + 22) + "\" y2=\"" +
                             num(y) + "\" stroke=\"" + kActualColour + "\" stroke-width=\"3\"/>\n" +
                             actual_marker(x + 11, y);
        item(marker, 22, "факт");
    }
    if (chart.target) item(target_marker(x + 9, y), 18, "цель");
    if (chart.baseline && chart.target) {
        std::string marker = "<line x1=\"" + num(x) + "\" y1=\"" + num(y) + "\" x2=\"" + num(x + 24) + "\" y2=\"" +
                             num(y) + "\" stroke=\"" + kPathColour + "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n";
        item(marker, 24, "путь к цели");
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
    frame.height = kHeight;
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
                      num(kWidth) + " " + num(kHeight) + "\" width=\"100%\" role=\"img\" aria-labelledby=\"" + id +
                      "-title " + id + "-desc\" font-size=\"" + num(kFontSize) + "\">\n";
    out += "<title id=\"" + id + "-title\">" + escape_xml(chart.title) + "</title>\n";
    out += "<desc id=\"" + id + "-desc\">" + escape_xml(chart.description) + "</desc>\n";

    // Value axis: grid lines with their values, the unit above.
    int ticks = int(std::lround((frame.high - frame.low) / frame.step));
    for (int i = 0; i <= ticks; ++i) {
        double value = frame.low + frame.step * i;
        double y = frame.y_of(value);
        out += "<line x1=\"" + num(frame.left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(frame.right) + "\" y2=\"" +
               num(y) + "\" stroke=\"" + (i == 0 ? kTextColour : kGridColour) + "\" stroke-width=\"1\"/>\n";
        std::string text = chart.format_tick ? chart.format_tick(value) : num(value);
        out += text_element(frame.left - 6, y + 5, "end", text, "chart-tick");
    }
    if (!chart.unit.empty()) out += text_element(4, 16, "start", chart.unit, "chart-tick");

    // Year axis: every year from the first to the last.
    for (int year = frame.first_year; year <= frame.last_year; ++year)
        out += text_element(frame.x_of(year), frame.bottom + 22, "middle", std::to_string(year), "chart-tick");

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
        out += target_marker(x, y);
        marks.push_back({Kind::target, x, y, chart.target->label});
    }
    if (chart.baseline) {
        double x = frame.x_of(chart.baseline->year), y = frame.y_of(chart.baseline->value);
        out += baseline_marker(x, y);
        marks.push_back({Kind::baseline, x, y, chart.baseline->label});
    }
    for (const auto& point : values) {
        double x = frame.x_of(point.year), y = frame.y_of(point.value);
        out += actual_marker(x, y);
        marks.push_back({Kind::actual, x, y, point.label});
    }
    out += labels_of(marks, chart.lower_is_better);
    out += legend(chart);
    out += "</svg>";
    return out;
}

}  // namespace shnor::render
