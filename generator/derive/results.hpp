// derive/results: a school's assessment results grouped by exam, subject and
// grade, with the district and region lines to compare against and the
// year-on-year trend of each measure.
#pragma once

#include "model/model.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <functional>
#include <tuple>
#include <vector>

namespace shnor::derive {

enum class Measure { mean, fail_share, quality_share };
enum class Direction { up, down, flat };

const std::vector<Measure>& all_measures();
std::string measure_key(Measure measure);  // "mean", "fail_share", "quality_share"

// A fail share is better when it goes down; a mean and a quality share when up.
bool lower_is_better(Measure measure);
// Changes smaller than this are «без изменений»: 0.05 of a 5-point mean,
// 1 point of a 100-point score, 1 percentage point of a share.
double tolerance(Measure measure, std::optional<int> scale);

struct ResultKey {
    std::string exam;
    std::string subject;
    std::optional<int> grade;
    bool operator==(const ResultKey&) const = default;
};
ResultKey key_of(const model::ResultRow& row);

// One line's numbers for one year.
struct YearValues {
    std::optional<int> participants;
    std::optional<double> mean;
    std::optional<double> fail_share;
    std::optional<double> quality_share;
    bool example = false;
    int schools = 0;  // computed district values: how many schools they come from

    std::optional<double> value(Measure measure) const;
};

struct ResultLine {
    std::map<int, YearValues> years;  // only years with data
    bool computed = false;            // district line computed from the schools' rows

    bool empty() const { return years.empty(); }
    std::optional<double> value(int year, Measure measure) const;
};

// The latest year with a value against the previous year with a value.
struct Trend {
    Measure measure = Measure::mean;
    int previous_year = 0;
    double previous = 0;
    int year = 0;
    double value = 0;
    Direction direction = Direction::flat;
    bool better() const;  // a change for the better (never when flat)
    bool worse() const;
};

// The change of `measure` in `line` up to `year` (inclusive) against the year
// before it with a value; none when fewer than two years have a value.
std::optional<Trend> trend_of(const ResultLine& line, Measure measure, std::optional<int> scale,
                              std::optional<int> up_to_year = std::nullopt);
// The same over the whole period: the first year with a value against the latest.
std::optional<Trend> change_over_period(const ResultLine& line, Measure measure, std::optional<int> scale);

// «На уровне»: how far a school's value may be from the district's or the
// region's of the same year and still read as the same. One place for the
// rule, so the sentence and the rule printed beside it never disagree.
// Values are compared as published, rounded to one decimal.
struct LevelRule {
    double tolerance;  // inclusive: a difference of exactly this is «на уровне»
    bool points;       // in points of a mark or a score; otherwise percentage points
};
LevelRule level_rule(Measure measure, std::optional<int> scale);
enum class Relation { below, level, above };
// The school's value against another, by level_rule (numbers, not «better»:
// a lower fail share is «ниже» too).
Relation relation_of(double school, double other, Measure measure, std::optional<int> scale);

struct ResultGroup {
    ResultKey key;
    std::optional<int> scale;
    std::vector<int> years;  // every year of the three lines, ascending
    ResultLine school;
    ResultLine district;
    ResultLine region;
    std::vector<Trend> trends;  // the school's latest trend of each measure that has one
    bool example = false;       // any of the school's rows is illustrative
};

// Where the school stands in the latest year with its value of `measure`:
// the district's and the region's values of the same year, exam, subject,
// grade and measure when they exist (absent ones stay empty).
struct Standing {
    Measure measure = Measure::mean;
    int year = 0;
    double value = 0;
    std::optional<double> district;
    std::optional<double> region;
    std::optional<Relation> to_district;
    std::optional<Relation> to_region;
};
std::optional<Standing> standing_of(const ResultGroup& group, Measure measure);

// `shared_rows` are rows with a `scope` (region, district or a school slug):
// the content's root results file and, later, fetched `results` sources.
// A school's line takes its own rows and the shared rows scoped to its slug.
// The district line is the shared `district` rows when there are any for the
// group; otherwise it is computed from every school's rows of the same exam,
// subject, grade and year, weighted by participants, for years with data from
// at least two schools (a «district» of one school would repeat that school).
std::vector<ResultGroup> school_result_groups(const std::vector<model::School>& schools,
                                              const std::vector<model::ResultRow>& shared_rows,
                                              const model::School& school);
std::vector<ResultGroup> school_result_groups(const model::Site& site, const model::School& school);

// Over the district: how many schools' results got better in their latest
// year. A school counts as improved when more of its mean scores (one per
// exam, subject and grade) rose than fell, as worsened when more fell.
struct ResultsOverview {
    int schools_with_trend = 0;  // schools with at least two years of some result
    int improved = 0;
    int worsened = 0;
    int unchanged = 0;  // as many up as down, or all flat
};
ResultsOverview results_overview(const model::Site& site);

// A computed district row, for open data.
struct ComputedDistrictRow {
    ResultKey key;
    std::optional<int> scale;
    int year = 0;
    YearValues values;
};
// Every group of every school whose district line is computed, once per group.
std::vector<ComputedDistrictRow> computed_district_rows(const model::Site& site);

// What every school's rows make for the district: each computed district line
// by exam, subject, grade and scale (as a school's group asks for it), and the
// computed district rows. A SiteResults of a few schools takes the site's
// instead of reading every school's rows: a streaming build's light parts no
// longer hold their rows in pass 2 (pipeline/school_parts.hpp).
struct DistrictLines {
    using Key = std::tuple<std::string, std::string, std::optional<int>, std::optional<int>>;
    std::map<Key, ResultLine> computed;
    std::vector<ComputedDistrictRow> rows;
};

// Every school's result groups, the computed district rows and the overview
// of one site, computed once per build: each computed district line once per
// exam, subject, grade and scale instead of once per school. Immutable after
// construction, so threads may read it at once. Refers to the schools by
// address: the site must outlive it and stay unchanged.
class SiteResults {
public:
    explicit SiteResults(const model::Site& site);
    SiteResults(const std::vector<model::School>& schools, const std::vector<model::ResultRow>& shared_rows);
    // Groups only of the schools `wanted` accepts (the others have none, and
    // the computed district rows and the overview count only theirs): what
    // rendering a few schools' pages needs. District lines still come from
    // every school's rows.
    SiteResults(const model::Site& site, const std::function<bool(const model::School&)>& wanted);
    // The same, with the district lines and computed rows of `district`
    // (another SiteResults' of the whole site): only the wanted schools'
    // rows are read. Throws std::logic_error when a group asks for a line
    // `district` lacks (it was not made from the same rows).
    SiteResults(const model::Site& site, const std::function<bool(const model::School&)>& wanted,
                std::shared_ptr<const DistrictLines> district);

    // Throws std::out_of_range for a school that is not one of the site's.
    const std::vector<ResultGroup>& groups_of(const model::School& school) const;
    // Whether the school has rows of its own (not counting shared rows
    // scoped to it), as its rows were when this was made.
    bool has_own_rows(const model::School& school) const;
    const std::vector<ComputedDistrictRow>& computed_district_rows() const { return district_->rows; }
    const ResultsOverview& overview() const { return overview_; }
    // Shared: it outlives this (a streaming build keeps the site's through pass 2).
    const std::shared_ptr<const DistrictLines>& district() const { return district_; }

private:
    SiteResults(const std::vector<model::School>& schools, const std::vector<model::ResultRow>& shared_rows,
                const std::function<bool(const model::School&)>& wanted,
                std::shared_ptr<const DistrictLines> district = nullptr);
    std::size_t index_of(const model::School& school) const;
    void collect_computed_district_rows(DistrictLines& district) const;
    void count_overview();

    std::vector<std::vector<ResultGroup>> groups_;  // in the order of the schools
    std::vector<bool> own_rows_;                    // the same
    std::unordered_map<const model::School*, std::size_t> school_index_;
    std::shared_ptr<const DistrictLines> district_;
    ResultsOverview overview_;
};

}  // namespace shnor::derive
