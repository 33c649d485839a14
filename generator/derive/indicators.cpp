#include "derive/indicators.hpp"

#include <algorithm>
#include <cmath>

namespace shnor::derive {

namespace {

// Values are written with one or two decimals; a value that equals the path
// or the target up to rounding noise counts as meeting it.
constexpr double kTolerance = 1e-9;

bool lower_is_better(const model::Indicator& indicator) { return indicator.better == "lower"; }

}  // namespace

bool at_least_as_good(const model::Indicator& indicator, double a, double b) {
    double scale = std::max({1.0, std::abs(a), std::abs(b)});
    double slack = kTolerance * scale;
    return lower_is_better(indicator) ? a <= b + slack : a >= b - slack;
}

std::optional<model::IndicatorPoint> latest_value(const model::Indicator& indicator) {
    const model::IndicatorPoint* latest = nullptr;
    for (const auto& point : indicator.values)
        if (!latest || point.year >= latest->year) latest = &point;
    if (!latest) return std::nullopt;
    return *latest;
}

std::optional<double> path_value(const model::Indicator& indicator, int year) {
    if (!indicator.baseline || !indicator.target) return std::nullopt;
    const auto& from = *indicator.baseline;
    const auto& to = *indicator.target;
    if (to.year <= from.year) return year < to.year ? from.value : to.value;
    if (year <= from.year) return from.value;
    if (year >= to.year) return to.value;
    double share = double(year - from.year) / double(to.year - from.year);
    return from.value + (to.value - from.value) * share;
}

std::vector<PathPoint> path_points(const model::Indicator& indicator) {
    std::vector<PathPoint> points;
    if (!indicator.baseline || !indicator.target) return points;
    int first = std::min(indicator.baseline->year, indicator.target->year);
    int last = std::max(indicator.baseline->year, indicator.target->year);
    for (int year = first; year <= last; ++year) points.push_back({year, *path_value(indicator, year)});
    return points;
}

IndicatorProgress indicator_progress(const model::Indicator& indicator) {
    IndicatorProgress progress;
    progress.latest = latest_value(indicator);
    progress.path = path_points(indicator);
    if (progress.latest) progress.expected = path_value(indicator, progress.latest->year);
    if (!progress.latest || !indicator.target) return progress;
    if (at_least_as_good(indicator, progress.latest->value, indicator.target->value)) {
        progress.status = IndicatorStatus::reached;
    } else if (progress.expected) {
        progress.status = at_least_as_good(indicator, progress.latest->value, *progress.expected)
                              ? IndicatorStatus::on_track
                              : IndicatorStatus::behind;
    }
    return progress;
}

std::string indicator_status_name(IndicatorStatus status) {
    switch (status) {
        case IndicatorStatus::reached: return "reached";
        case IndicatorStatus::on_track: return "on_track";
        case IndicatorStatus::behind: return "behind";
        case IndicatorStatus::no_data: return "no_data";
    }
    return "no_data";
}

}  // namespace shnor::derive
