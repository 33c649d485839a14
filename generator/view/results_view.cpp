#include "view/results_view.hpp"

#include "model/glossary.hpp"

#include "render/line_chart.hpp"
#include "render/numbers.hpp"
#include "view/common.hpp"

#include "render/numbers.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace shnor::view::detail {

using derive::Direction;
using derive::Measure;
using derive::ResultGroup;
using derive::ResultKey;
using derive::ResultLine;
using derive::Trend;

namespace {

const std::string kNbsp = "\u00a0";

bool is_whole(double value) { return std::fabs(value - std::round(value)) < 1e-9; }

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Lower-cases the first letter of a Cyrillic or Latin word (UTF-8).
std::string lower_first(std::string word) {
    if (word.size() >= 2 && static_cast<unsigned char>(word[0]) == 0xD0) {
        auto second = static_cast<unsigned char>(word[1]);
        if (second >= 0x90 && second <= 0x9F) word[1] = static_cast<char>(second + 0x20);        // А–П
        else if (second >= 0xA0 && second <= 0xAF) {                                             // Р–Я
            word[0] = static_cast<char>(0xD1);
            word[1] = static_cast<char>(second - 0x20);
        } else if (second == 0x81) {  // Ё
            word[0] = static_cast<char>(0xD1);
            word[1] = static_cast<char>(0x91);
        }
    } else if (!word.empty() && word[0] >= 'A' && word[0] <= 'Z') {
        word[0] = static_cast<char>(word[0] - 'A' + 'a');
    }
    return word;
}

std::string upper_first(std::string text) {
    if (text.size() < 2) return text;
    auto first = static_cast<unsigned char>(text[0]);
    auto second = static_cast<unsigned char>(text[1]);
    if (first == 0xD0 && second >= 0xB0 && second <= 0xBF) text[1] = static_cast<char>(second - 0x20);  // а–п
    else if (first == 0xD1 && second >= 0x80 && second <= 0x8F) {                                         // р–я
        text[0] = static_cast<char>(0xD0);
        text[1] = static_cast<char>(second + 0x20);
    }
    return text;
}

std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    for (char c : text) {
        if (c == ' ') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

// The dative of one word of a subject's name, or empty when unsure.
std::string dative_word(const std::string& word, bool adjective) {
    if (adjective) {
        std::string stem = word.substr(0, word.size() - 4);
        if (ends_with(word, "ый")) return stem + "ому";
        if (ends_with(word, "кий") || ends_with(word, "гий") || ends_with(word, "хий")) return stem + "ому";
        if (ends_with(word, "ий")) return stem + "ему";  // окружающий → окружающему
        if (ends_with(word, "ая")) return word.substr(0, word.size() - 4) + "ой";
        if (ends_with(word, "ое")) return word.substr(0, word.size() - 4) + "ому";
        return {};
    }
    if (ends_with(word, "ия")) return word.substr(0, word.size() - 2) + "и";     // химия → химии
    if (ends_with(word, "ие")) return word.substr(0, word.size() - 2) + "ю";     // обществознание → обществознанию
    if (ends_with(word, "а")) return word.substr(0, word.size() - 2) + "е";      // математика → математике
    if (ends_with(word, "язык")) return word + "у";                              // язык → языку
    if (ends_with(word, "мир")) return word + "у";                               // мир → миру
    return {};
}

std::string measure_noun(Measure measure, std::optional<int> scale) {
    bool hundred = scale.value_or(5) == 100;
    switch (measure) {
        case Measure::mean: return hundred ? "средний тестовый балл" : "средний балл";
        case Measure::fail_share: return hundred ? "доля не преодолевших минимальный порог" : "доля «2»";
        case Measure::quality_share: return hundred ? "доля высоких баллов" : "доля «4» и «5»";
    }
    return {};
}

std::string measure_title(Measure measure, std::optional<int> scale) { return upper_first(measure_noun(measure, scale)); }

bool masculine(Measure measure) { return measure == Measure::mean; }

int decimals_of(const MeasureDecimals& decimals, Measure measure, std::optional<int> scale) {
    auto found = decimals.find({measure, scale.value_or(5) == 100});
    return found == decimals.end() ? 1 : found->second;
}

// A value as the page writes that measure everywhere, sentences included:
// «10,0 %» beside «22,2 %» (issue 16: one precision per measure on a page).
std::string value_words(Measure measure, double value, std::optional<int> scale, const MeasureDecimals& decimals) {
    std::string number = render::decimal_comma(value, decimals_of(decimals, measure, scale));
    return measure == Measure::mean ? number : number + kNbsp + "%";
}

std::string change_verb(Direction direction, bool masculine_noun) {
    switch (direction) {
        case Direction::up: return masculine_noun ? "вырос" : "выросла";
        case Direction::down: return masculine_noun ? "снизился" : "снизилась";
        case Direction::flat: return masculine_noun ? "не изменился" : "не изменилась";
    }
    return {};
}

// «вырос с 3,0 (2022) до 3,4 (2025)»; years are left out when `with_years` is false.
std::string change_clause(const Trend& change, std::optional<int> scale, bool with_years,
                          const MeasureDecimals& decimals) {
    std::string from = value_words(change.measure, change.previous, scale, decimals);
    std::string to = value_words(change.measure, change.value, scale, decimals);
    std::string from_year = with_years ? " (" + std::to_string(change.previous_year) + ")" : "";
    std::string to_year = with_years ? " (" + std::to_string(change.year) + ")" : "";
    std::string verb = change_verb(change.direction, masculine(change.measure));
    if (change.direction != Direction::flat) return verb + " с " + from + from_year + " до " + to + to_year;
    if (from == to)
        return verb + ": " + to +
               (with_years ? " в " + std::to_string(change.previous_year) + " и " + std::to_string(change.year) +
                                 " годах"
                           : "");
    return verb + ": " + from + from_year + " и " + to + to_year;
}

std::string arrow_of(Direction direction) {
    switch (direction) {
        case Direction::up: return "↑";
        case Direction::down: return "↓";
        case Direction::flat: return "→";
    }
    return "→";
}

std::string kind_of(const Trend& trend) {
    if (trend.better()) return "better";
    if (trend.worse()) return "worse";
    return "flat";
}

std::string kind_word(const Trend& trend) {
    if (trend.better()) return "лучше";
    if (trend.worse()) return "хуже";
    return "без изменений";
}

// Spoken before the visible word: the arrow itself is hidden from screen readers.
std::string direction_words(Direction direction) {
    switch (direction) {
        case Direction::up: return "рост,";
        case Direction::down: return "снижение,";
        case Direction::flat: return "";
    }
    return "";
}

Data trend_mark(const Trend& trend) {
    Data data;
    set(data, "arrow", arrow_of(trend.direction));
    set(data, "kind", kind_of(trend));
    set(data, "word", kind_word(trend));
    put(data, "spoken", direction_words(trend.direction));
    return data;
}

bool has_measure(const ResultLine& line, Measure measure) {
    return std::any_of(line.years.begin(), line.years.end(),
                       [&](const auto& entry) { return entry.second.value(measure).has_value(); });
}

// What the first screen and the schools list compare: the mean, or a share
// when the school published no mean.
std::optional<Measure> headline_measure(const ResultGroup& group) {
    for (auto measure : derive::all_measures())
        if (has_measure(group.school, measure)) return measure;
    return std::nullopt;
}

const Trend* trend_in(const ResultGroup& group, Measure measure) {
    for (const auto& trend : group.trends)
        if (trend.measure == measure) return &trend;
    return nullptr;
}

std::string district_name(const ResultGroup& group) { return group.district.computed ? "Район (расчёт)" : "Район"; }

// A value as a results page's charts and tables write it: with the page's
// decimals for its measure («3,30» beside «2,96», «10,0 %» beside «22,2 %»).
std::string fixed_value_words(Measure measure, double value, int decimals) {
    std::string number = render::decimal_comma(value, decimals);
    return measure == Measure::mean ? number : number + kNbsp + "%";
}

std::string cell_text(const std::optional<double>& value, Measure measure, int decimals) {
    return value ? fixed_value_words(measure, *value, decimals) : std::string();
}

}  // namespace

// The decimals of one measure on one results page: what its most precise
// value needs, a 5-point mean keeping at least one («3,0»), within caps that
// the source data never exceeds in meaning (marks to hundredths, test
// scores and shares to tenths). A 5-point and a 100-point mean are different measures.
MeasureDecimals measure_decimals(const std::vector<ResultGroup>& groups) {
    MeasureDecimals result;
    std::map<std::pair<Measure, bool>, std::vector<double>> values;
    for (const auto& group : groups) {
        bool hundred = group.scale.value_or(5) == 100;
        for (const ResultLine* line : {&group.school, &group.district, &group.region})
            for (const auto& entry : line->years)
                for (auto measure : derive::all_measures())
                    if (auto value = entry.second.value(measure)) values[{measure, hundred}].push_back(*value);
    }
    for (const auto& entry : values) {
        bool five_point_mean = entry.first.first == Measure::mean && !entry.first.second;
        result[entry.first] = render::shared_decimals(entry.second, five_point_mean ? 1 : 0, five_point_mean ? 2 : 1);
    }
    return result;
}

namespace {

// One measure of one group: the chart and the same numbers as a table.
Data measure_block(const ResultGroup& group, Measure measure, const std::string& id, const std::string& caption,
                   int decimals) {
    bool with_district = has_measure(group.district, measure);
    bool with_region = has_measure(group.region, measure);
    std::string title = measure_title(measure, group.scale);

    render::LineChart chart;
    chart.id_prefix = id;
    chart.title = title + ": " + caption;
    for (int year : group.years) chart.categories.push_back(std::to_string(year));
    std::vector<std::pair<const ResultLine*, std::string>> lines = {{&group.school, "Школа"}};
    if (with_district) lines.push_back({&group.district, district_name(group)});
    if (with_region) lines.push_back({&group.region, "Регион"});
    const render::Marker markers[] = {render::Marker::circle, render::Marker::square, render::Marker::triangle};
    const render::Dash dashes[] = {render::Dash::solid, render::Dash::dashed, render::Dash::dotted};
    std::string desc;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        render::ChartSeries series;
        series.name = lines[i].second;
        series.marker = markers[i];
        series.dash = dashes[i];
        std::string values_text;
        for (int year : group.years) {
            auto value = lines[i].first->value(year, measure);
            series.values.push_back(std::move(value));
            values_text += (values_text.empty() ? "" : "; ") + std::to_string(year) + " — " +
                           (value ? fixed_value_words(measure, *value, decimals) : "нет данных");
        }
        desc += (desc.empty() ? "" : ". ") + lines[i].second + ": " + values_text;
        chart.series.push_back(std::move(series));
    }
    chart.desc = desc + ".";
    if (measure == Measure::mean && group.scale.value_or(5) != 100) {
        chart.y_min = 2;
        chart.y_max = 5;
        chart.y_ticks = {2, 3, 4, 5};
        chart.unit = "балл";
    } else if (measure == Measure::mean) {
        chart.y_min = 0;
        chart.y_max = 100;
        chart.y_ticks = {0, 20, 40, 60, 80, 100};
        chart.unit = "балл";
    } else {
        double highest = 0;
        for (const auto& series : chart.series)
            for (const auto& value : series.values) highest = std::max(highest, value.value_or(0));
        chart.y_min = 0;
        chart.y_max = highest <= 50 ? 50 : 100;
        chart.y_ticks = highest <= 50 ? std::vector<double>{0, 10, 20, 30, 40, 50}
                                      : std::vector<double>{0, 25, 50, 75, 100};
        chart.unit = "%";
    }

    chart.decimals = decimals;  // of point labels, the table's too; ticks keep only what they need
    chart.label_min_decimals = decimals;

    Data block;
    set(block, "id", id);
    set(block, "title", title);
    set(block, "chart_svg", render::line_chart_svg(chart));
    set(block, "caption", title + ", " + caption + ", по годам");
    set(block, "has_district", with_district);
    set(block, "has_region", with_region);
    set(block, "district_name", district_name(group));
    List rows;
    rows.reserve(group.years.size());
    for (int year : group.years) {
        Data row;
        set(row, "year", std::to_string(year));
        auto school_year = group.school.years.find(year);
        auto participants = school_year == group.school.years.end() ? std::nullopt : school_year->second.participants;
        put(row, "participants", participants ? students_text(*participants) : std::string());
        put(row, "school", cell_text(group.school.value(year, measure), measure, decimals));
        put(row, "district", cell_text(group.district.value(year, measure), measure, decimals));
        put(row, "region", cell_text(group.region.value(year, measure), measure, decimals));
        rows.push_back(std::move(row));
    }
    set(block, "rows", std::move(rows));
    return block;
}

std::string group_caption(const ResultKey& key) {
    std::string caption = key.exam + ", " + lower_first(key.subject);
    if (key.grade) caption += ", " + std::to_string(*key.grade) + " класс";
    return caption;
}

std::string exam_title(const std::string& exam) { return model::builtin_expansion(exam); }

// The subject as the first-screen line continues «ОГЭ: средний балл …».
std::string subject_tail(const ResultKey& key) {
    std::string phrase = exam_subject_phrase(key);
    return phrase.substr(key.exam.size() + 1);  // «по математике»
}

std::vector<std::string> exams_in_order(const std::vector<ResultGroup>& groups) {
    std::vector<std::string> exams;
    for (const auto& group : groups)
        if (std::find(exams.begin(), exams.end(), group.key.exam) == exams.end()) exams.push_back(group.key.exam);
    return exams;
}

}  // namespace

std::string points_text(double points) {
    if (!is_whole(points)) return format_number(points, 2) + " балла";  // a fraction takes the genitive singular
    return count_text(std::llround(points), "балл", "балла", "баллов");
}

std::string students_text(long long count) { return count_text(count, "ученик", "ученика", "учеников"); }

std::string years_text(long long count) { return count_text(count, "год", "года", "лет"); }

std::string subject_dative(const std::string& subject) {
    std::string main = subject;
    std::string qualifier;  // «(профильная)», an adjective agreeing with the subject
    if (auto open = subject.find(" ("); open != std::string::npos && ends_with(subject, ")")) {
        main = subject.substr(0, open);
        qualifier = subject.substr(open + 2, subject.size() - open - 3);
    }
    auto words = words_of(lower_first(main));
    if (words.empty() || words.size() > 2) return {};
    std::string result;
    for (std::size_t i = 0; i < words.size(); ++i) {
        bool adjective = words.size() == 2 && i == 0;
        std::string dative = dative_word(words[i], adjective);
        if (dative.empty()) return {};
        result += (i ? " " : "") + dative;
    }
    if (!qualifier.empty()) {
        auto qualifier_words = words_of(qualifier);
        if (qualifier_words.size() != 1) return {};
        std::string adjective = dative_word(lower_first(qualifier_words[0]), true);
        if (adjective.empty()) return {};
        // «профильной математике», but «иностранному языку (английскому)».
        result = words.size() == 1 ? adjective + " " + result : result + " (" + adjective + ")";
    }
    return result;
}

std::string exam_subject_phrase(const ResultKey& key) {
    std::string dative = subject_dative(key.subject);
    std::string phrase = key.exam + (dative.empty() ? " по предмету «" + key.subject + "»" : " по " + dative);
    bool grade_is_implied = key.exam == "ОГЭ" || key.exam == "ЕГЭ" || key.exam == "ГВЭ";
    if (key.grade && !grade_is_implied) phrase += " в " + std::to_string(*key.grade) + " классе";
    return phrase;
}

std::string mean_words(double mean, std::optional<int> scale) {
    if (scale.value_or(5) == 100) return format_number(mean, 1);
    // A 5-point mean keeps one decimal even when it is zero: «3,0».
    double tenths = mean * 10;
    return render::chart_label(mean, is_whole(tenths) ? 1 : 2, 1);
}

std::string share_words(double share) { return format_number(share, 1) + kNbsp + "%"; }

namespace {

std::string relation_word(derive::Relation relation) {
    switch (relation) {
        case derive::Relation::below: return "ниже";
        case derive::Relation::above: return "выше";
        case derive::Relation::level: return "на уровне";
    }
    return {};
}

struct Comparator {
    derive::Relation relation;
    std::string dative;    // «по району»
    std::string genitive;  // «района»
    std::string value;
};

// «ниже, чем по региону (3,5)», «на уровне района (3,3)»; two comparators in
// the same relation share the words: «ниже, чем по региону (3,5) и по району (3,4)».
std::string comparison_clause(const std::vector<Comparator>& comparators) {
    std::string clause;
    for (std::size_t i = 0; i < comparators.size(); ++i) {
        const auto& comparator = comparators[i];
        bool level = comparator.relation == derive::Relation::level;
        std::string target = (level ? comparator.genitive : comparator.dative) + " (" + comparator.value + ")";
        if (i > 0 && comparator.relation == comparators[i - 1].relation) {
            clause += " и " + target;
            continue;
        }
        if (i > 0) clause += ", ";
        clause += level ? "на уровне " + target : relation_word(comparator.relation) + ", чем " + target;
    }
    return clause;
}

}  // namespace

std::string verdict(const ResultGroup& group) { return verdict(group, measure_decimals({group})); }

std::string verdict(const ResultGroup& group, const MeasureDecimals& decimals) {
    auto measure = headline_measure(group);
    if (!measure) return {};
    auto standing = derive::standing_of(group, *measure);
    if (!standing) return {};
    std::string sentence = exam_subject_phrase(group.key) + ", " + std::to_string(standing->year) + " год: " +
                           measure_noun(*measure, group.scale) + " " + value_words(*measure, standing->value, group.scale, decimals);
    // The region first: the wider comparison, and the one not computed from these schools.
    std::vector<Comparator> comparators;
    if (standing->to_region)
        comparators.push_back({*standing->to_region, "по региону", "региона",
                               value_words(*measure, *standing->region, group.scale, decimals)});
    if (standing->to_district)
        comparators.push_back(
            {*standing->to_district, "по району", "района", value_words(*measure, *standing->district, group.scale, decimals)});
    if (!comparators.empty()) sentence += " — " + comparison_clause(comparators);
    return sentence + ".";
}

std::string level_rule_text(const std::vector<ResultGroup>& groups) {
    // Each kind of measure once, in a fixed order: 5-point marks, 100-point scores, shares.
    bool marks = false, scores = false, shares = false;
    for (const auto& group : groups) {
        auto measure = headline_measure(group);
        if (!measure) continue;
        auto standing = derive::standing_of(group, *measure);
        if (!standing || (!standing->to_district && !standing->to_region)) continue;
        if (*measure != Measure::mean) shares = true;
        else if (group.scale.value_or(5) == 100) scores = true;
        else marks = true;
    }
    // «на 0,1 балла», «на 1 балл», «на 1 процентный пункт»: the accusative after «на».
    auto tolerance_words = [](Measure measure, std::optional<int> scale) {
        auto rule = derive::level_rule(measure, scale);
        if (!is_whole(rule.tolerance))
            return format_number(rule.tolerance, 2) + (rule.points ? " балла" : " процентного пункта");
        auto whole = std::llround(rule.tolerance);
        return rule.points ? count_text(whole, "балл", "балла", "баллов")
                           : count_text(whole, "процентный пункт", "процентных пункта", "процентных пунктов");
    };
    std::vector<std::string> rules;
    if (marks) rules.push_back(tolerance_words(Measure::mean, 5) + " (средний балл по пятибалльной шкале)");
    if (scores) rules.push_back(tolerance_words(Measure::mean, 100) + " (средний тестовый балл)");
    if (shares) rules.push_back(tolerance_words(Measure::fail_share, 5) + " (доли участников)");
    if (rules.empty()) return {};
    std::string text = "«На уровне» значит, что значения школы и района (или региона) за один год, округлённые до "
                       "десятых, отличаются не больше чем на ";
    for (std::size_t i = 0; i < rules.size(); ++i) text += (i == 0 ? "" : ", ") + rules[i];
    return text + "; при большей разнице сказано «выше» или «ниже».";
}

std::string change_sentence(const ResultGroup& group) { return change_sentence(group, measure_decimals({group})); }

std::string change_sentence(const ResultGroup& group, const MeasureDecimals& decimals) {
    std::string subject = exam_subject_phrase(group.key);
    std::vector<Trend> changes;
    for (auto measure : derive::all_measures())
        if (auto change = derive::change_over_period(group.school, measure, group.scale)) changes.push_back(*change);

    if (changes.empty()) {
        if (group.school.empty()) return {};
        const auto& [year, values] = *group.school.years.rbegin();
        std::string listed;
        bool first = true;
        for (auto measure : derive::all_measures()) {
            auto value = values.value(measure);
            if (!value) continue;
            std::string noun = measure_noun(measure, group.scale);
            if (first) noun += " " + subject;
            listed += (first ? "" : ", ") + noun + " — " + value_words(measure, *value, group.scale, decimals);
            first = false;
        }
        std::string lead = group.school.years.size() == 1
                               ? "Есть данные только за " + std::to_string(year) + " год"
                               : "Сравнить годы пока нельзя; в " + std::to_string(year) + " году";
        return listed.empty() ? lead + "." : lead + ": " + listed + ".";
    }

    std::string sentence;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const auto& change = changes[i];
        std::string noun = measure_noun(change.measure, group.scale);
        bool with_years = i == 0 || change.previous_year != changes[0].previous_year || change.year != changes[0].year;
        if (i == 0)
            sentence = upper_first(noun) + " " + subject + " " + change_clause(change, group.scale, true, decimals);
        else
            sentence += "; " + noun + " " + change_clause(change, group.scale, with_years, decimals);
    }
    return sentence + ".";
}

std::string facts_line(const ResultGroup& group) {
    if (group.school.empty()) return {};
    int first = group.school.years.begin()->first;
    int last = group.school.years.rbegin()->first;
    std::string line = "Данные школы за " + years_text(static_cast<long long>(group.school.years.size()));
    line += first == last ? " (" + std::to_string(last) + ")" : " (" + std::to_string(first) + "–" + std::to_string(last) + ")";
    if (auto participants = group.school.years.rbegin()->second.participants) {
        line += "; в " + std::to_string(last) + " году " +
                plural_form(*participants, "участвовал", "участвовали", "участвовали") + " " + students_text(*participants);
        // In a small class one pupil moves a share a lot: say so.
        if (*participants > 0 && *participants < 10)
            line += ", поэтому результат одного ученика меняет долю на " + share_words(100.0 / *participants);
    }
    return line + ".";
}

void put_results_page(Data& page, const std::vector<ResultGroup>& groups) {
    List list;
    list.reserve(groups.size());  // kainjow data has no noexcept move: a growing List deep-copies what it holds
    int ordinal = 0;
    bool any_computed = false;
    auto decimals = measure_decimals(groups);
    for (const auto& group : groups) {
        ++ordinal;
        std::string anchor = "exam-" + std::to_string(ordinal);
        std::string caption = group_caption(group.key);
        Data data;
        set(data, "anchor", anchor);
        set(data, "exam", group.key.exam);
        put(data, "exam_title", exam_title(group.key.exam));
        set(data, "subject", group.key.subject);
        put(data, "grade", group.key.grade ? std::to_string(*group.key.grade) : std::string());
        set(data, "example", group.example);
        put(data, "verdict", verdict(group, decimals));
        put(data, "changes", change_sentence(group, decimals));
        put(data, "facts", facts_line(group));
        List blocks;
        blocks.reserve(derive::all_measures().size());
        int measure_ordinal = 0;
        for (auto measure : derive::all_measures()) {
            ++measure_ordinal;
            bool any = has_measure(group.school, measure) || has_measure(group.district, measure) ||
                       has_measure(group.region, measure);
            if (!any) continue;
            blocks.push_back(measure_block(group, measure, anchor + "-" + derive::measure_key(measure), caption,
                                           decimals_of(decimals, measure, group.scale)));
        }
        put_list(data, "measures", std::move(blocks));
        bool computed = group.district.computed && !group.district.empty();
        set(data, "district_computed", computed);
        any_computed = any_computed || computed;
        list.push_back(std::move(data));
    }
    put_list(page, "groups", std::move(list));
    put(page, "level_rule", level_rule_text(groups));
    set(page, "district_computed", any_computed);
    set(page, "several_groups", groups.size() > 1);
}

List verdict_lines(const std::vector<ResultGroup>& groups) {
    List lines;
    auto decimals = measure_decimals(groups);
    for (const auto& group : groups) {
        std::string text = verdict(group, decimals);
        if (text.empty()) continue;
        Data line;
        set(line, "text", text);
        set(line, "example", group.example);
        set(line, "last", false);
        lines.push_back(std::move(line));
    }
    if (!lines.empty()) set(lines.back(), "last", true);
    return lines;
}

List latest_results_lines(const std::vector<ResultGroup>& groups) {
    List lines;
    auto decimals = measure_decimals(groups);
    for (const auto& exam : exams_in_order(groups)) {
        List parts;
        bool example = false;
        for (const auto& group : groups) {
            if (group.key.exam != exam) continue;
            auto measure = headline_measure(group);
            if (!measure) continue;
            example = example || group.example;
            Data part;
            const auto* trend = trend_in(group, *measure);
            std::string noun = measure_noun(*measure, group.scale);
            std::string text = (parts.empty() ? noun + " " : std::string()) + subject_tail(group.key) + " ";
            if (trend) {
                text += value_words(*measure, trend->value, group.scale, decimals) + " (" + std::to_string(trend->year) +
                        ") против " + value_words(*measure, trend->previous, group.scale, decimals) + " (" +
                        std::to_string(trend->previous_year) + ")";
                set(part, "trend", trend_mark(*trend));
            } else {
                const auto& [year, values] = *group.school.years.rbegin();
                auto value = values.value(*measure);
                for (auto it = group.school.years.rbegin(); !value && it != group.school.years.rend(); ++it)
                    value = it->second.value(*measure);
                text += value_words(*measure, value.value_or(0), group.scale, decimals) + " (" + std::to_string(year) +
                        "), сравнить пока не с чем";
                set(part, "trend", false);
            }
            set(part, "text", text);
            set(part, "first", parts.empty());
            parts.push_back(std::move(part));
        }
        if (parts.empty()) continue;
        Data line;
        set(line, "exam", exam);
        put(line, "exam_title", exam_title(exam));
        set(line, "parts", std::move(parts));
        set(line, "example", example);
        lines.push_back(std::move(line));
    }
    return lines;
}

List results_trends(const std::vector<ResultGroup>& groups) {
    List entries;
    for (const auto& exam : exams_in_order(groups)) {
        std::vector<std::pair<const ResultGroup*, const Trend*>> trends;
        for (const auto& group : groups) {
            if (group.key.exam != exam) continue;
            auto measure = headline_measure(group);
            const Trend* trend = measure ? trend_in(group, *measure) : nullptr;
            if (trend) trends.push_back({&group, trend});
        }
        Data entry;
        set(entry, "exam", exam);
        put(entry, "exam_title", exam_title(exam));
        List marks;
        bool same = !trends.empty() && std::all_of(trends.begin(), trends.end(), [&](const auto& pair) {
            return kind_of(*pair.second) == kind_of(*trends[0].second) &&
                   pair.second->direction == trends[0].second->direction;
        });
        if (same) {
            Data mark = trend_mark(*trends[0].second);
            set(mark, "subject", false);
            marks.push_back(std::move(mark));
        } else {
            // Subjects moved apart: each is named, a single arrow would mislead.
            for (const auto& [group, trend] : trends) {
                Data mark = trend_mark(*trend);
                set(mark, "subject", lower_first(group->key.subject));
                set(mark, "first", marks.empty());
                marks.push_back(std::move(mark));
            }
        }
        put_list(entry, "marks", std::move(marks));
        set(entry, "single_year", trends.empty());
        entries.push_back(std::move(entry));
    }
    return entries;
}

}  // namespace shnor::view::detail
