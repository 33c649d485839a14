// derive: how each target indicator stands against its target. An indicator
// moves along the straight line from its baseline (year, value) to its target
// (year, value); the latest actual value is compared with that line.
#pragma once

#include "model/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace shnor::derive {

enum class IndicatorStatus {
    reached,   // the latest value meets the target in the `better` direction
    on_track,  // not reached, but on or better than the linear path at the latest value's year
    behind,    // worse than the linear path
    no_data,   // no values, or no target or baseline to compare with
};

struct PathPoint {
    int year = 0;
    double value = 0;
};

struct IndicatorProgress {
    IndicatorStatus status = IndicatorStatus::no_data;
    std::optional<model::IndicatorPoint> latest;  // the actual value of the latest year
    std::optional<double> expected;               // the path value at the latest value's year
    std::vector<PathPoint> path;                  // one per year, baseline year to target year
};

// `a` is at least as good as `b` for this indicator (higher or lower is better).
bool at_least_as_good(const model::Indicator& indicator, double a, double b);

// The actual value of the latest year (the last written one when a year repeats).
std::optional<model::IndicatorPoint> latest_value(const model::Indicator& indicator);

// The linear path from baseline to target at `year`; clamped to the baseline
// value before the baseline year and to the target value after the target
// year. Empty without a baseline and a target.
std::optional<double> path_value(const model::Indicator& indicator, int year);
std::vector<PathPoint> path_points(const model::Indicator& indicator);

IndicatorProgress indicator_progress(const model::Indicator& indicator);

// Stable machine names for open data: reached | on_track | behind | no_data.
std::string indicator_status_name(IndicatorStatus status);

}  // namespace shnor::derive
