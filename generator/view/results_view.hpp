// The «Is it working?» part of a school's section: the results page (a
// verdict sentence, charts and tables per exam and subject), the one-line
// summary on the school's first screen, and the trend in the schools list.
// Internal to view/.
#pragma once

#include "derive/results.hpp"
#include "model/model.hpp"
#include "view/view.hpp"

#include <map>
#include <string>
#include <utility>

namespace shnor::view::detail {

// Russian words after numbers: «1 балл», «2,5 балла»; «21 ученик»; «за 3 года».
std::string points_text(double points);
std::string students_text(long long count);
std::string years_text(long long count);  // «1 год», «2 года», «5 лет»

// «математике», «русскому языку», «профильной математике»; empty when the
// subject's name has no known dative form.
std::string subject_dative(const std::string& subject);
// «ОГЭ по математике», «ВПР по математике в 5 классе».
std::string exam_subject_phrase(const derive::ResultKey& key);

// A mean as the sentence writes it: «3,0» on the 5-point scale, «44,2» on the 100-point one.
std::string mean_words(double mean, std::optional<int> scale);
std::string share_words(double share);  // «28 %» with a non-breaking space

// Decimals per measure on one results page, keyed by (measure, 100-point
// scale): every chart label, table cell and chart description and
// sentence of that measure on the page is written with them.
using MeasureDecimals = std::map<std::pair<derive::Measure, bool>, int>;
MeasureDecimals measure_decimals(const std::vector<derive::ResultGroup>& groups);

// The verdict, one sentence per exam and subject, shown on the results page
// and on the school's first screen: the latest year with the school's value
// against the district and the region of that year, e.g. «ОГЭ по
// математике, 2024 год: средний балл 3,3 — ниже, чем по региону (3,5), на
// уровне района (3,3).» A comparator without a value is not mentioned.
// Numbers in the page's `decimals`; without them, in the group's own.
std::string verdict(const derive::ResultGroup& group, const MeasureDecimals& decimals);
std::string verdict(const derive::ResultGroup& group);
// What «на уровне» means for the measures the verdicts of `groups` use,
// from derive::level_rule: «„На уровне“ — разница не больше 0,1 балла …».
// Empty when no verdict compares anything.
std::string level_rule_text(const std::vector<derive::ResultGroup>& groups);
// One sentence on what changed over the years, e.g. «Средний балл ОГЭ по
// математике вырос с 3,0 (2022) до 3,4 (2025); доля «2» снизилась с 28 % до 11 %.»
std::string change_sentence(const derive::ResultGroup& group, const MeasureDecimals& decimals);
std::string change_sentence(const derive::ResultGroup& group);
// «Данные школы за 3 года (2022–2024); в 2024 году участвовали 10 учеников.»
std::string facts_line(const derive::ResultGroup& group);


// All three take one school's result groups (derive::SiteResults::groups_of).
// Page data of schools/<slug>/results/: `groups` (has_groups).
void put_results_page(Data& page, const std::vector<derive::ResultGroup>& groups);
// The school's first screen: the verdicts (`text`, `example`), one per exam and subject.
List verdict_lines(const std::vector<derive::ResultGroup>& groups);
// The school's results panel: one line per exam, the latest year against the previous one.
List latest_results_lines(const std::vector<derive::ResultGroup>& groups);
// The schools list: per exam the latest trend, «ОГЭ ↑ лучше».
List results_trends(const std::vector<derive::ResultGroup>& groups);

}  // namespace shnor::view::detail
