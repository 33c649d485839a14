#include "derive/results.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

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

LevelRule level_rule(Measure measure, std::optional<int> scale) {
    if (measure != Measure::mean) return {1.0, false};            // ±1 percentage point
    return scale.value_or(5) == 100 ? LevelRule{1.0, true}        // ±1 point of a 100-point score
                                    : LevelRule{0.1, true};       // ±0,1 of a 5-point mark
}

namespace {

double to_tenths(double value) { return std::round(value * 10) / 10; }

}  // namespace

Relation relation_of(double school, double other, Measure measure, std::optional<int> scale) {
    // As the page prints them: 3,29 and 3,4 read as 3,3 and 3,4, one tenth apart.
    double difference = to_tenths(school) - to_tenths(other);
    double tolerance = level_rule(measure, scale).tolerance + 1e-9;
    if (difference > tolerance) return Relation::above;
    if (difference < -tolerance) return Relation::below;
    return Relation::level;
}

std::optional<Standing> standing_of(const ResultGroup& group, Measure measure) {
    for (auto it = group.school.years.rbegin(); it != group.school.years.rend(); ++it) {
        auto value = it->second.value(measure);
        if (!value) continue;
        Standing standing;
        standing.measure = measure;
        standing.year = it->first;
        standing.value = *value;
        standing.district = group.district.value(it->first, measure);
        standing.region = group.region.value(it->first, measure);
        if (standing.district) standing.to_district = relation_of(*value, *standing.district, measure, group.scale);
        if (standing.region) standing.to_region = relation_of(*value, *standing.region, measure, group.scale);
        return standing;
    }
    return std::nullopt;
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

// A school's rows: its own first, then shared rows scoped to its slug.
std::vector<const model::ResultRow*> rows_of_school(const model::School& school,
                                                    const std::vector<const model::ResultRow*>& scoped_to_school) {
    std::vector<const model::ResultRow*> rows;
    for (const auto& row : school.results) rows.push_back(&row);
    rows.insert(rows.end(), scoped_to_school.begin(), scoped_to_school.end());
    return rows;
}

ResultLine computed_line(const std::map<int, std::vector<const model::ResultRow*>>& by_year) {
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

ResultLine line_of_key(const std::vector<const model::ResultRow*>& rows, const ResultKey& key) {
    std::vector<const model::ResultRow*> matching;
    for (const auto* row : rows)
        if (key_of(*row) == key) matching.push_back(row);
    return line_of(matching);
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

namespace {

using KeyOrder = std::tuple<std::string, std::string, std::optional<int>>;
KeyOrder order_of(const ResultKey& key) { return {key.exam, key.subject, key.grade}; }

// Builds result groups with every row lookup indexed: shared rows by scope,
// every school's rows by key, and each computed district line once per key
// and scale. Lives only while groups are built; what it returns is plain data.
class GroupBuilder {
public:
    // `given`: the district lines to take instead of computing them from
    // every school's rows (which are then not read).
    GroupBuilder(const std::vector<model::School>& schools, const std::vector<model::ResultRow>& shared_rows,
                 const DistrictLines* given = nullptr)
        : given_(given) {
        for (const auto& row : shared_rows) shared_by_scope_[row.scope].push_back(&row);
        if (given_) return;
        for (std::size_t index = 0; index < schools.size(); ++index)
            for (const auto* row : rows_of(schools[index])) rows_by_key_[order_of(key_of(*row))].push_back({index, row});
    }

    // The computed lines made so far, by exam, subject, grade and scale.
    std::map<DistrictLines::Key, ResultLine> take_computed_lines() {
        std::map<DistrictLines::Key, ResultLine> lines;
        for (auto& [key, line] : computed_lines_)
            lines.emplace(std::tuple_cat(key.first, std::make_tuple(key.second)), std::move(line));
        computed_lines_.clear();
        return lines;
    }

    std::vector<ResultGroup> groups_of(const model::School& school) {
        auto own_rows = rows_of(school);
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
            group.district = line_of_key(scoped("district"), key);
            if (group.district.empty()) group.district = computed_district_line(key, group.scale);
            group.region = line_of_key(scoped("region"), key);
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

private:
    struct SchoolRow {
        std::size_t school = 0;  // index in the site's schools
        const model::ResultRow* row = nullptr;
    };

    const std::vector<const model::ResultRow*>& scoped(const std::string& scope) const {
        static const std::vector<const model::ResultRow*> none;
        auto found = shared_by_scope_.find(scope);
        return found == shared_by_scope_.end() ? none : found->second;
    }

    std::vector<const model::ResultRow*> rows_of(const model::School& school) const {
        return rows_of_school(school, scoped(school.slug));
    }

    // Every school's rows of the key, year by year; one row per school and
    // year: the first wins, as in the school's own line.
    const ResultLine& computed_district_line(const ResultKey& key, std::optional<int> scale) {
        if (given_) {
            auto found = given_->computed.find(std::tuple_cat(order_of(key), std::make_tuple(scale)));
            if (found == given_->computed.end())
                throw std::logic_error("SiteResults: no district line of «" + key.exam + "», «" + key.subject + "»");
            return found->second;
        }
        auto memo_key = std::make_pair(order_of(key), scale);
        auto memo = computed_lines_.find(memo_key);
        if (memo != computed_lines_.end()) return memo->second;
        std::map<int, std::vector<const model::ResultRow*>> by_year;
        auto rows = rows_by_key_.find(order_of(key));
        if (rows != rows_by_key_.end()) {
            std::set<std::pair<std::size_t, int>> school_years_seen;
            for (const auto& [school, row] : rows->second) {
                if (!same_scale(*row, scale)) continue;
                if (!school_years_seen.insert({school, row->year}).second) continue;
                by_year[row->year].push_back(row);
            }
        }
        return computed_lines_.emplace(memo_key, computed_line(by_year)).first->second;
    }

    std::unordered_map<std::string, std::vector<const model::ResultRow*>> shared_by_scope_;
    std::map<KeyOrder, std::vector<SchoolRow>> rows_by_key_;  // in the order of schools, then of their rows
    std::map<std::pair<KeyOrder, std::optional<int>>, ResultLine> computed_lines_;
    const DistrictLines* given_ = nullptr;
};

}  // namespace

std::vector<ResultGroup> school_result_groups(const std::vector<model::School>& schools,
                                              const std::vector<model::ResultRow>& shared_rows,
                                              const model::School& school) {
    return GroupBuilder(schools, shared_rows).groups_of(school);
}

std::vector<ResultGroup> school_result_groups(const model::Site& site, const model::School& school) {
    return school_result_groups(site.schools, site.district_results, school);
}

SiteResults::SiteResults(const model::Site& site) : SiteResults(site.schools, site.district_results) {}

SiteResults::SiteResults(const std::vector<model::School>& schools, const std::vector<model::ResultRow>& shared_rows)
    : SiteResults(schools, shared_rows, {}) {}

SiteResults::SiteResults(const model::Site& site, const std::function<bool(const model::School&)>& wanted)
    : SiteResults(site.schools, site.district_results, wanted) {}

SiteResults::SiteResults(const model::Site& site, const std::function<bool(const model::School&)>& wanted,
                         std::shared_ptr<const DistrictLines> district)
    : SiteResults(site.schools, site.district_results, wanted, std::move(district)) {}

SiteResults::SiteResults(const std::vector<model::School>& schools, const std::vector<model::ResultRow>& shared_rows,
                         const std::function<bool(const model::School&)>& wanted,
                         std::shared_ptr<const DistrictLines> district) {
    GroupBuilder builder(schools, shared_rows, district.get());
    groups_.reserve(schools.size());
    own_rows_.reserve(schools.size());
    for (const auto& school : schools) {
        school_index_.emplace(&school, groups_.size());
        groups_.push_back(!wanted || wanted(school) ? builder.groups_of(school) : std::vector<ResultGroup>{});
        own_rows_.push_back(!school.results.empty());
    }
    if (!district) {
        auto made = std::make_shared<DistrictLines>();
        made->computed = builder.take_computed_lines();
        collect_computed_district_rows(*made);
        district = std::move(made);
    }
    district_ = std::move(district);
    count_overview();
}

std::size_t SiteResults::index_of(const model::School& school) const {
    auto found = school_index_.find(&school);
    if (found == school_index_.end())
        throw std::out_of_range("SiteResults: school «" + school.slug + "» is not one of this site's schools");
    return found->second;
}

const std::vector<ResultGroup>& SiteResults::groups_of(const model::School& school) const {
    return groups_[index_of(school)];
}

bool SiteResults::has_own_rows(const model::School& school) const { return own_rows_[index_of(school)]; }

void SiteResults::collect_computed_district_rows(DistrictLines& district) const {
    std::set<KeyOrder> done;
    for (const auto& groups : groups_)
        for (const auto& group : groups) {
            if (!group.district.computed) continue;
            if (!done.insert(order_of(group.key)).second) continue;
            for (const auto& [year, values] : group.district.years)
                district.rows.push_back({group.key, group.scale, year, values});
        }
}

void SiteResults::count_overview() {
    for (const auto& groups : groups_) {
        int better = 0, worse = 0, compared = 0;
        for (const auto& group : groups)
            for (const auto& trend : group.trends) {
                if (trend.measure != Measure::mean) continue;
                ++compared;
                better += trend.better() ? 1 : 0;
                worse += trend.worse() ? 1 : 0;
            }
        if (compared == 0) continue;
        ++overview_.schools_with_trend;
        if (better > worse) ++overview_.improved;
        else if (worse > better) ++overview_.worsened;
        else ++overview_.unchanged;
    }
}

std::vector<ComputedDistrictRow> computed_district_rows(const model::Site& site) {
    return SiteResults(site).computed_district_rows();
}

ResultsOverview results_overview(const model::Site& site) { return SiteResults(site).overview(); }

}  // namespace shnor::derive
