#include "derive/results.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace shnor::derive {

const std::vector<Measure>& all_measures() {
    static const std::vector<Measure> measures = {Measure::mean, Measure::fail_share, Measure::quality_share};
    return measures;
}

std::string measure_key(Measure measure) {
    switch (measure) {
        case Measure::mean: return "mean";
        case Measure::fail_share: return "fail_share";
        case Measure::quality_share: return "quality_share";
    }
    return "mean";
}

bool lower_is_better(Measure measure) { return measure == Measure::fail_share; }

double tolerance(Measure measure, std::optional<int> scale) {
    if (measure != Measure::mean) return 1.0;
    return scale.value_or(5) == 100 ? 1.0 : 0.05;
}

ResultKey key_of(const model::ResultRow& row) { return {row.exam, row.subject, row.grade}; }

std::optional<double> YearValues::value(Measure measure) const {
    switch (measure) {
        case Measure::mean: return mean;
        case Measure::fail_share: return fail_share;
        case Measure::quality_share: return quality_share;
    }
    return std::nullopt;
}

std::optional<double> ResultLine::value(int year, Measure measure) const {
    auto found = years.find(year);
    return found == years.end() ? std::nullopt : found->second.value(measure);
}

bool Trend::better() const {
    if (direction == Direction::flat) return false;
    return (direction == Direction::down) == lower_is_better(measure);
}

bool Trend::worse() const { return direction != Direction::flat && !better(); }

namespace {

Trend make_trend(Measure measure, std::optional<int> scale, int previous_year, double previous, int year,
                 double value) {
    Trend trend{measure, previous_year, previous, year, value, Direction::flat};
    double change = value - previous;
    // Values are written with one or two decimals: a change of exactly the
    // tolerance counts, floating-point noise below it does not.
    double threshold = tolerance(measure, scale) - 1e-9;
    if (change >= threshold)
        trend.direction = Direction::up;
    else if (change <= -threshold)
        trend.direction = Direction::down;
    return trend;
}

std::vector<std::pair<int, double>> points_of(const ResultLine& line, Measure measure) {
    std::vector<std::pair<int, double>> points;
    for (const auto& [year, values] : line.years)
        if (auto value = values.value(measure)) points.push_back({year, *value});
    return points;
}

YearValues values_of(const model::ResultRow& row) {
    YearValues values;
    values.participants = row.participants;
    values.mean = row.mean;
    values.fail_share = row.fail_share;
    values.quality_share = row.quality_share;
    values.example = row.example;
    return values;
}

bool same_scale(const model::ResultRow& row, std::optional<int> scale) {
    return !row.scale || !scale || *row.scale == *scale;
}

ResultLine line_of(const std::vector<const model::ResultRow*>& rows) {
    ResultLine line;
    for (const auto* row : rows)
        if (!line.years.count(row->year)) line.years[row->year] = values_of(*row);
    return line;
}

// Weighted by participants, each measure over the rows that have it; rows
// without participants only count when no row of the year has them.
std::optional<double> weighted(const std::vector<const model::ResultRow*>& rows, Measure measure) {
    double weighted_sum = 0, weights = 0, plain_sum = 0;
    int plain_count = 0;
    for (const auto* row : rows) {
        auto value = values_of(*row).value(measure);
        if (!value) continue;
        plain_sum += *value;
        ++plain_count;
        if (row->participants && *row->participants > 0) {
            weighted_sum += *value * *row->participants;
            weights += *row->participants;
        }
    }
    if (weights > 0) return weighted_sum / weights;
    if (plain_count > 0) return plain_sum / plain_count;
    return std::nullopt;
}

struct SchoolRows {
    std::string slug;
    std::vector<const model::ResultRow*> rows;
};

// A school's rows: its own first, then shared rows scoped to its slug.
std::vector<const model::ResultRow*> rows_of_school(const model::School& school,
                                                    const std::vector<model::ResultRow>& shared_rows) {
    std::vector<const model::ResultRow*> rows;
    for (const auto& row : school.results) rows.push_back(&row);
    for (const auto& row : shared_rows)
        if (row.scope == school.slug) rows.push_back(&row);
    return rows;
}

ResultLine computed_district_line(const std::vector<model::School>& schools,
                                  const std::vector<model::ResultRow>& shared_rows, const ResultKey& key,
                                  std::optional<int> scale) {
    std::map<int, std::vector<const model::ResultRow*>> by_year;
    for (const auto& school : schools) {
        std::set<int> years_seen;  // one row per school and year: the first wins, as in the school's own line
        for (const auto* row : rows_of_school(school, shared_rows)) {
            if (!(key_of(*row) == key) || !same_scale(*row, scale)) continue;
            if (!years_seen.insert(row->year).second) continue;
            by_year[row->year].push_back(row);
        }
    }
    ResultLine line;
    line.computed = true;
    for (const auto& [year, rows] : by_year) {
        if (rows.size() < 2) continue;
        YearValues values;
        values.schools = static_cast<int>(rows.size());
        int participants = 0;
        bool all_counted = true;
        for (const auto* row : rows) {
            participants += row->participants.value_or(0);
            all_counted = all_counted && row->participants.has_value();
            values.example = values.example || row->example;
        }
        if (all_counted) values.participants = participants;
        values.mean = weighted(rows, Measure::mean);
        values.fail_share = weighted(rows, Measure::fail_share);
        values.quality_share = weighted(rows, Measure::quality_share);
        line.years[year] = values;
    }
    return line;
}

ResultLine scoped_line(const std::vector<model::ResultRow>& shared_rows, const std::string& scope,
                       const ResultKey& key) {
    std::vector<const model::ResultRow*> rows;
    for (const auto& row : shared_rows)
        if (row.scope == scope && key_of(row) == key) rows.push_back(&row);
    return line_of(rows);
}

std::vector<ResultKey> keys_in_order(const std::vector<const model::ResultRow*>& rows) {
    std::vector<ResultKey> keys;
    for (const auto* row : rows)
        if (std::find(keys.begin(), keys.end(), key_of(*row)) == keys.end()) keys.push_back(key_of(*row));
    return keys;
}

}  // namespace

std::optional<Trend> trend_of(const ResultLine& line, Measure measure, std::optional<int> scale,
                              std::optional<int> up_to_year) {
    auto points = points_of(line, measure);
    if (up_to_year)
        points.erase(std::remove_if(points.begin(), points.end(), [&](const auto& p) { return p.first > *up_to_year; }),
                     points.end());
    if (points.size() < 2) return std::nullopt;
    const auto& previous = points[points.size() - 2];
    const auto& latest = points.back();
    return make_trend(measure, scale, previous.first, previous.second, latest.first, latest.second);
}

std::optional<Trend> change_over_period(const ResultLine& line, Measure measure, std::optional<int> scale) {
    auto points = points_of(line, measure);
    if (points.size() < 2) return std::nullopt;
    return make_trend(measure, scale, points.front().first, points.front().second, points.back().first,
                      points.back().second);
}

std::vector<ResultGroup> school_result_groups(const std::vector<model::School>& schools,
                                              const std::vector<model::ResultRow>& shared_rows,
                                              const model::School& school) {
    auto own_rows = rows_of_school(school, shared_rows);
    std::vector<ResultGroup> groups;
    for (const auto& key : keys_in_order(own_rows)) {
        ResultGroup group;
        group.key = key;
        std::vector<const model::ResultRow*> rows;
        for (const auto* row : own_rows) {
            if (!(key_of(*row) == key)) continue;
            if (!group.scale && row->scale) group.scale = row->scale;
            group.example = group.example || row->example;
            rows.push_back(row);
        }
        group.school = line_of(rows);
        group.district = scoped_line(shared_rows, "district", key);
        if (group.district.empty()) group.district = computed_district_line(schools, shared_rows, key, group.scale);
        group.region = scoped_line(shared_rows, "region", key);
        std::set<int> years;
        for (const auto* line : {&group.school, &group.district, &group.region})
            for (const auto& [year, values] : line->years) years.insert(year);
        group.years.assign(years.begin(), years.end());
        for (auto measure : all_measures())
            if (auto trend = trend_of(group.school, measure, group.scale)) group.trends.push_back(*trend);
        groups.push_back(std::move(group));
    }
    return groups;
}

std::vector<ResultGroup> school_result_groups(const model::Site& site, const model::School& school) {
    return school_result_groups(site.schools, site.district_results, school);
}

std::vector<ComputedDistrictRow> computed_district_rows(const model::Site& site) {
    std::vector<ComputedDistrictRow> rows;
    std::vector<ResultKey> done;
    for (const auto& school : site.schools) {
        for (const auto& group : school_result_groups(site, school)) {
            if (!group.district.computed) continue;
            if (std::find(done.begin(), done.end(), group.key) != done.end()) continue;
            done.push_back(group.key);
            for (const auto& [year, values] : group.district.years)
                rows.push_back({group.key, group.scale, year, values});
        }
    }
    return rows;
}

ResultsOverview results_overview(const model::Site& site) {
    ResultsOverview overview;
    for (const auto& school : site.schools) {
        int better = 0, worse = 0, compared = 0;
        for (const auto& group : school_result_groups(site, school))
            for (const auto& trend : group.trends) {
                if (trend.measure != Measure::mean) continue;
                ++compared;
                better += trend.better() ? 1 : 0;
                worse += trend.worse() ? 1 : 0;
            }
        if (compared == 0) continue;
        ++overview.schools_with_trend;
        if (better > worse) ++overview.improved;
        else if (worse > better) ++overview.worsened;
        else ++overview.unchanged;
    }
    return overview;
}

}  // namespace shnor::derive
