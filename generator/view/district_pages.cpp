// The district's pages: home, programmes, roadmaps, indicators, schools,
// documents, news, free pages and 404.
#include "view/common.hpp"
#include "view/glossary_page.hpp"
#include "view/results_view.hpp"

#include "derive/indicators.hpp"
#include "derive/results.hpp"
#include "render/indicator_chart.hpp"
#include "render/markdown.hpp"
#include "render/numbers.hpp"

#include <algorithm>
#include <cmath>

namespace shnor::view::detail {

namespace {

constexpr std::size_t kNewsOnHome = 3;

List crumb_list(const Crumbs& crumbs) {
    List list;
    for (const auto& [text, href] : crumbs) list.push_back(link_data(text, href, true));
    return list;
}

std::string better_word(const std::string& better) { return better == "lower" ? "ниже — лучше" : "выше — лучше"; }

// `decimals` below 0: as many as the value needs, at most 2.
std::string value_text(double value, const std::string& unit, int decimals = -1) {
    // A no-break space keeps «17,4 %» on one line.
    std::string text = decimals < 0 ? format_number(value, 2) : render::decimal_comma(value, decimals);
    if (unit.empty()) return text;
    return text + "\u00A0" + unit;
}

std::string indicator_status_key(derive::IndicatorStatus status) {
    switch (status) {
        case derive::IndicatorStatus::reached: return "reached";
        case derive::IndicatorStatus::on_track: return "on-track";
        case derive::IndicatorStatus::behind: return "behind";
        case derive::IndicatorStatus::no_data: return "no-data";
    }
    return "no-data";
}

std::string indicator_status_word(derive::IndicatorStatus status) {
    switch (status) {
        case derive::IndicatorStatus::reached: return "достигнут";
        case derive::IndicatorStatus::on_track: return "в пути";
        case derive::IndicatorStatus::behind: return "отстаёт";
        case derive::IndicatorStatus::no_data: return "нет данных";
    }
    return "нет данных";
}

Data indicator_status_tag(derive::IndicatorStatus status) {
    Data tag;
    set(tag, "key", indicator_status_key(status));
    set(tag, "word", indicator_status_word(status));
    return tag;
}

// One indicator's numbers share their decimals everywhere they are written
// (headline, chart, table): «8,0 %» beside «23,5 %», not «8 %».
int indicator_decimals(const model::Indicator& indicator) {
    std::vector<double> values;
    if (indicator.baseline) values.push_back(indicator.baseline->value);
    for (const auto& point : indicator.values) values.push_back(point.value);
    if (indicator.target) values.push_back(indicator.target->value);
    return render::shared_decimals(values, 0, 2);
}

std::string point_text(const model::IndicatorPoint& point, const std::string& unit, int decimals = -1) {
    return value_text(point.value, unit, decimals) + " (" + std::to_string(point.year) + ")";
}

std::string target_clause(const model::IndicatorPoint& target, const std::string& unit, int decimals = -1) {
    return "цель — " + value_text(target.value, unit, decimals) + " к " + std::to_string(target.year) + " году";
}

// «Показатель снизился с 39,1 % (2024) до 30,4 % (2025)»: from the baseline,
// or from the earliest value when there is no baseline.
std::string change_clause(const model::Indicator& indicator, const model::IndicatorPoint& latest) {
    int decimals = indicator_decimals(indicator);
    std::optional<model::IndicatorPoint> first = indicator.baseline;
    if (!first)
        for (const auto& point : indicator.values)
            if (!first || point.year < first->year) first = point;
    if (!first || first->year >= latest.year)
        return "Значение в " + std::to_string(latest.year) + " году — " + value_text(latest.value, indicator.unit, decimals);
    if (value_text(first->value, "", decimals) == value_text(latest.value, "", decimals))
        return "Показатель не изменился: " + value_text(latest.value, indicator.unit, decimals) + " в " +
               std::to_string(first->year) + " и " + std::to_string(latest.year) + " годах";
    std::string verb = latest.value > first->value ? "вырос" : "снизился";
    return "Показатель " + verb + " с " + point_text(*first, indicator.unit, decimals) + " до " +
           point_text(latest, indicator.unit, decimals);
}

// One sentence that says where the indicator stands and why it has its status.
std::string indicator_headline(const model::Indicator& indicator, const derive::IndicatorProgress& progress) {
    const auto& unit = indicator.unit;
    int decimals = indicator_decimals(indicator);
    if (!progress.latest) {
        std::string start = indicator.baseline ? "Исходное значение — " + point_text(*indicator.baseline, unit, decimals) + ". " : "";
        if (indicator.target) return start + "Фактических значений пока нет; " + target_clause(*indicator.target, unit, decimals) + ".";
        return start + (indicator.baseline ? "Фактических значений и цели пока нет." : "Значений пока нет.");
    }
    std::string sentence = change_clause(indicator, *progress.latest);
    if (!indicator.target) return sentence + "; цель не установлена.";
    sentence += "; " + target_clause(*indicator.target, unit, decimals);
    const std::string expected =
        progress.expected ? "по равномерному пути к цели в " + std::to_string(progress.latest->year) +
                                " году ожидалось " + value_text(*progress.expected, unit, decimals)
                          : std::string();
    switch (progress.status) {
        case derive::IndicatorStatus::reached: return sentence + "; цель достигнута.";
        case derive::IndicatorStatus::on_track: return sentence + "; показатель в пути: " + expected + ".";
        case derive::IndicatorStatus::behind: return sentence + "; показатель отстаёт: " + expected + ".";
        case derive::IndicatorStatus::no_data: break;
    }
    return sentence + "; без исходного значения темп к цели не оценить.";
}

render::IndicatorChartPoint chart_point(const model::IndicatorPoint& point, const std::string& unit, int decimals) {
    return {point.year, point.value, value_text(point.value, unit, decimals)};
}

std::string indicator_chart(const model::Indicator& indicator, const std::string& headline, const std::string& id_prefix) {
    render::IndicatorChart chart;
    chart.id_prefix = id_prefix;
    chart.title = "График: " + indicator.title;
    chart.description = indicator.title + ". " + headline;
    chart.unit = indicator.unit;
    chart.lower_is_better = indicator.better == "lower";
    int decimals = indicator_decimals(indicator);
    if (indicator.baseline) chart.baseline = chart_point(*indicator.baseline, indicator.unit, decimals);
    for (const auto& point : indicator.values) chart.values.push_back(chart_point(point, indicator.unit, decimals));
    if (indicator.target) {
        chart.target = chart_point(*indicator.target, indicator.unit, decimals);
        chart.target->label = "цель " + std::to_string(indicator.target->year) + ": " + chart.target->label;
    }
    chart.format_tick = [](double value) { return format_number(value, 2); };
    return render::indicator_chart_svg(chart);
}

Data point_row(const std::string& label, const model::IndicatorPoint& point, const std::string& unit, int decimals) {
    Data row;
    set(row, "label", label);
    set(row, "year", std::to_string(point.year));
    set(row, "value", value_text(point.value, unit, decimals));
    put(row, "note", point.note);
    set(row, "example", point.example);
    return row;
}

// An indicator with its status, headline, chart and data table. `anchor` is
// the id of its section; the chart's ids derive from it.
Data indicator_data(const model::Indicator& indicator, const std::string& anchor, int heading_level) {
    auto progress = derive::indicator_progress(indicator);
    int decimals = indicator_decimals(indicator);
    Data data;
    set(data, "id", indicator.id);
    set(data, "anchor", anchor);
    set(data, "level", std::to_string(heading_level));
    set(data, "title", indicator.title);
    put(data, "unit", indicator.unit);
    set(data, "better", better_word(indicator.better));
    set(data, "status", indicator_status_tag(progress.status));
    std::string headline = indicator_headline(indicator, progress);
    set(data, "headline", headline);
    put(data, "chart_svg", indicator_chart(indicator, headline, anchor + "-chart"));
    List rows;
    if (indicator.baseline) rows.push_back(point_row("Исходное значение", *indicator.baseline, indicator.unit, decimals));
    auto values = indicator.values;
    std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.year < b.year; });
    for (const auto& point : values) rows.push_back(point_row("Фактическое значение", point, indicator.unit, decimals));
    if (indicator.target) rows.push_back(point_row("Целевое значение", *indicator.target, indicator.unit, decimals));
    put_list(data, "rows", std::move(rows));
    const auto& latest = progress.latest;
    const auto* shown = latest ? &*latest : (indicator.baseline ? &*indicator.baseline : nullptr);
    put(data, "latest", shown ? value_text(shown->value, indicator.unit, decimals) : std::string());
    put(data, "latest_year", shown ? std::to_string(shown->year) : std::string());
    put(data, "latest_label", latest ? "факт" : (shown ? "исходное" : ""));
    put(data, "target", indicator.target ? value_text(indicator.target->value, indicator.unit, decimals) : std::string());
    put(data, "target_year", indicator.target ? std::to_string(indicator.target->year) : std::string());
    return data;
}

// The share of ШНОР among the district's schools, counted from the schools of
// this site, next to the target of the indicator that measures it. The
// content format has no key saying which indicator that is, so the one with
// the id `shnor-share` (the id the format's own example uses) is taken.
Data shnor_share_data(const model::Site& site) {
    const auto& total = site.config.district.schools_total;
    if (!total || *total <= 0) return Data(false);
    std::optional<int> latest_year;
    for (const auto& school : site.schools)
        for (const auto& category : school.categories)
            if (category.type == "shnor" && category.year && (!latest_year || *category.year > *latest_year))
                latest_year = category.year;
    // A category without a year counts as current: the content does not say it is old.
    int count = 0;
    for (const auto& school : site.schools)
        if (std::any_of(school.categories.begin(), school.categories.end(), [&](const auto& category) {
                return category.type == "shnor" && (!category.year || category.year == latest_year);
            }))
            ++count;
    // One decimal, as the indicators are written (9 of 23 is 39,1 %).
    double share = std::round(1000.0 * count / *total) / 10;
    Data data;
    set(data, "count", std::to_string(count));
    set(data, "total", std::to_string(*total));
    set(data, "share", value_text(share, "%"));
    put(data, "year", latest_year ? std::to_string(*latest_year) : std::string());
    // From which lists, not «сейчас»: the indicator beside it may be of another year.
    std::string lists = latest_year ? "По спискам " + std::to_string(*latest_year) + " года" : std::string("По спискам");
    std::string line = lists + " на этом сайте ШНОР — " + std::to_string(count) + " из " + std::to_string(*total) + " " +
                       plural_form(*total, "школы", "школ", "школ") + " района (" + value_text(share, "%") + ")";
    auto indicator = std::find_if(site.indicators.begin(), site.indicators.end(),
                                  [](const auto& candidate) { return candidate.id == "shnor-share"; });
    bool has_target = indicator != site.indicators.end() && indicator->target;
    if (has_target) {
        line += "; " + target_clause(*indicator->target, "%") + ".";
        set(data, "target", value_text(indicator->target->value, "%"));
        set(data, "target_year", std::to_string(indicator->target->year));
        set(data, "indicator_href", "indicators/#" + indicator->id);
    } else {
        line += ".";
        set(data, "target", false);
        set(data, "target_year", false);
        set(data, "indicator_href", false);
    }
    set(data, "line", line);
    return data;
}

List indicator_links(const std::vector<std::string>& ids, const model::Site& site) {
    List list;
    for (const auto& id : ids) {
        auto found = std::find_if(site.indicators.begin(), site.indicators.end(),
                                  [&](const auto& indicator) { return indicator.id == id; });
        list.push_back(found == site.indicators.end() ? link_data(id, "", false)
                                                      : link_data(found->title, "indicators/#" + id, true));
    }
    return list;
}

Data stage_data(const model::Stage& stage) {
    Data data;
    put(data, "name", stage.name);
    std::string dates;
    if (stage.start && stage.end)
        dates = stage.start->dotted() + " – " + stage.end->dotted();
    else if (stage.end)
        dates = "до " + stage.end->dotted();
    else if (stage.start)
        dates = "с " + stage.start->dotted();
    put(data, "when", stage.when.empty() ? dates : stage.when);
    put(data, "dates", stage.when.empty() ? std::string() : dates);
    put_markdown(data, "description_html", stage.description);
    return data;
}

Data category_counts(const SiteIndex& index) {
    const auto& site = index.site();
    Data data;
    List counts;
    // How many categories counted each school: the counts add up to more than
    // the schools when a school is on several lists, which is then said.
    std::vector<int> lists_of(site.schools.size(), 0);
    for (const std::string type : {"shnor", "shnsu", "risk"}) {
        // Counted as the share of ШНОР is: the schools of the latest list of
        // this category (or of a list without a year), so that two figures on
        // the home page never disagree; schools only on earlier lists apart.
        std::optional<int> latest_year;
        for (const auto& school : site.schools)
            for (const auto& category : school.categories)
                if (category.type == type && category.year && (!latest_year || *category.year > *latest_year))
                    latest_year = category.year;
        int count = 0;
        int earlier = 0;
        for (std::size_t i = 0; i < site.schools.size(); ++i) {
            const auto& school = site.schools[i];
            bool any = false, current = false;
            for (const auto& category : school.categories) {
                if (category.type != type) continue;
                any = true;
                current = current || !category.year || category.year == latest_year;
            }
            if (current) ++count, ++lists_of[i];
            else if (any) ++earlier;
        }
        if (count == 0 && earlier == 0) continue;
        model::Category sample{type, std::nullopt, "", {}};
        Data entry = category_data(sample, Links(index, nullptr));
        set(entry, "count", std::to_string(count));
        set(entry, "list_text", latest_year ? "по списку " + std::to_string(*latest_year) + " года"
                                            : std::string("(год списка не указан)"));
        put(entry, "earlier_text", earlier > 0 ? "ещё " + count_text(earlier, "школа", "школы", "школ") +
                                                     " — только в списках прежних лет"
                                               : std::string());
        counts.push_back(std::move(entry));
    }
    put_list(data, "list", std::move(counts));
    const auto& total = site.config.district.schools_total;
    put(data, "total", total ? std::to_string(*total) : std::string());
    set(data, "on_site", std::to_string(site.schools.size()));
    set(data, "any_schools", !site.schools.empty());
    auto several = std::count_if(lists_of.begin(), lists_of.end(), [](int lists) { return lists > 1; });
    put(data, "overlap_text", several > 0 ? "Из них " + count_text(several, "школа входит", "школы входят", "школ входят") +
                                                " сразу в несколько списков."
                                          : std::string());
    return data;
}

// The school's finished roadmaps and the finished district roadmaps with
// measures for it.
int finished_plan_count(const model::Site& site, const model::School& school) {
    int count = 0;
    for (const auto& roadmap : school.own.roadmaps) count += roadmap.derived.finished ? 1 : 0;
    for (const auto& roadmap : site.district.roadmaps) {
        if (!roadmap.derived.finished) continue;
        bool concerns = false;
        for (const auto& section : roadmap.sections)
            for (const auto& item : section.items) concerns = concerns || item.concerns(school.slug);
        count += concerns ? 1 : 0;
    }
    return count;
}

// A row of the schools list, with each school's latest results trend.
Data school_row_data(const SiteIndex& index, const model::School& school) {
    const auto& site = index.site();
    Links links(index, &school);
    Data row;
    set(row, "name", school.display_name());
    set(row, "full_name", school.name);
    set(row, "href", "schools/" + school.slug + "/");
    List categories;
    List reasons;
    for (const auto& category : school.categories) {
        categories.push_back(category_data(category, links));
        for (const auto& reason : category.reasons) reasons.push_back(Data(reason));
    }
    put_list(row, "categories", std::move(categories));
    put_list(row, "reasons", std::move(reasons));
    auto own_items = items_of(school.own.roadmaps, Plans::current);
    auto district_items = district_items_of(site, school.slug, Plans::current);
    std::string listing = school_roadmap_listing_base(school.slug);
    // Own roadmaps and the district's items for the school are counted apart:
    // they answer to different people.
    set(row, "own_progress", own_items.empty() ? Data(false)
                                              : progress_data(count_items(own_items), listing, "#own"));
    set(row, "district_progress", district_items.empty()
                                     ? Data(false)
                                     : progress_data(count_items(district_items), listing, "#district"));
    // Finished plans are out of the progress above, but not out of sight.
    int finished = finished_plan_count(site, school);
    put(row, "finished_plans",
        finished > 0 ? count_text(finished, "завершённый план", "завершённых плана", "завершённых планов")
                     : std::string());
    set(row, "roadmap_href", "schools/" + school.slug + "/roadmap/");
    set(row, "results_href", "schools/" + school.slug + "/results/");
    set(row, "has_results", index.results().has_own_rows(school));  // a light part's rows are gone
    put_list(row, "results_trends", results_trends(index.results().groups_of(school)));
    return row;
}

// «Просрочено на 01.11.2024: 2 мероприятия» with a link to the listing, or that
// there are none; nothing at all when there are no items to be overdue.
// `as_of`: the home page's date (PageDates), which the counts stay true from.
Data overdue_summary(const std::vector<model::Roadmap>& roadmaps, const std::optional<model::Date>& as_of) {
    if (derive::current_progress_of(roadmaps).total == 0) return Data(false);  // «просроченных нет» would claim a plan
    Data data;
    int total = 0;
    List by_roadmap;
    for (const auto& roadmap : roadmaps) {
        if (roadmap.derived.finished) continue;
        int overdue = derive::progress_of(roadmap).overdue;
        if (overdue == 0) continue;
        total += overdue;
        Data entry = link_data(roadmap.title, roadmap_listing_base(roadmap.id) + status_key(model::ShownStatus::overdue) + "/", true);
        set(entry, "count_text", items_text(overdue));
        by_roadmap.push_back(std::move(entry));
    }
    set(data, "any", total > 0);
    set(data, "count", std::to_string(total));
    std::string on = as_of ? " на " + as_of->dotted() : std::string();
    set(data, "line", total > 0 ? "Просрочено" + on + ": " + items_text(total) : "Просроченных мероприятий" + on + " нет");
    // One roadmap with overdue items: the line itself is the link.
    set(data, "single", by_roadmap.size() == 1 ? by_roadmap[0] : Data(false));
    put_list(data, "by_roadmap", by_roadmap.size() > 1 ? by_roadmap : List{});
    return data;
}

// «Средний балл вырос в 2 из 3 школ ...»: one line on whether things improve.
Data results_overview_data(const SiteIndex& index) {
    const auto& overview = index.results().overview();
    if (overview.schools_with_trend == 0) return Data(false);
    // Which years «the latest year» is: each school's own latest year with a trend.
    std::optional<int> first, last;
    for (const auto& school : index.site().schools)
        for (const auto& group : index.results().groups_of(school))
            for (const auto& trend : group.trends) {
                if (trend.measure != derive::Measure::mean) continue;
                if (!first || trend.year < *first) first = trend.year;
                if (!last || trend.year > *last) last = trend.year;
            }
    std::string years = !first ? std::string("за последний год")
                        : *first == *last ? "в " + std::to_string(*last) + " году"
                                          : "за последний год с данными (" + std::to_string(*first) + "–" +
                                                std::to_string(*last) + ")";
    Data data;
    set(data, "line", "Средний балл " + years + " по сравнению с предыдущими результатами вырос в " + std::to_string(overview.improved) + " из " +
                         count_text(overview.schools_with_trend, "школы", "школ", "школ") + " с результатами за два года и более");
    std::string rest;
    if (overview.worsened > 0) rest += "снизился в " + count_text(overview.worsened, "школе", "школах", "школах");
    if (overview.unchanged > 0)
        rest += (rest.empty() ? "" : ", ") + std::string("без явных изменений в ") +
                count_text(overview.unchanged, "школе", "школах", "школах");
    put(data, "rest", rest);
    return data;
}

// «Завершённые планы»: each finished roadmap with its final figures.
List finished_district_plans(const std::vector<model::Roadmap>& roadmaps) {
    List list;
    for (const auto& roadmap : roadmaps)
        if (roadmap.derived.finished)
            list.push_back(finished_plan_data(roadmap, derive::progress_of(roadmap), "roadmaps/" + roadmap.id + "/"));
    return list;
}

void add_home(const SiteIndex& index, const BuildContext& context, std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    PageSpec page = make_page(site, context, "", "home", site.config.title, "home", {});
    Links links(index, nullptr);
    set(page.data, "categories", category_counts(index));
    const auto& district_roadmaps = site.district.roadmaps;
    // Finished plans are listed apart, with their final figures; the
    // progress is of the current ones. With one current roadmap the counts
    // lead to its status listings; with several each roadmap's own line does.
    std::vector<const model::Roadmap*> current;
    for (const auto& roadmap : district_roadmaps)
        if (!roadmap.derived.finished) current.push_back(&roadmap);
    std::string listing = current.size() == 1 ? roadmap_listing_base(current[0]->id) : "";
    // Only finished plans: no current figures to show, and none to deny.
    bool only_finished = current.empty() && !district_roadmaps.empty();
    set(page.data, "progress",
        only_finished ? Data(false) : progress_data(derive::current_progress_of(district_roadmaps), listing));
    auto as_of = context.page_dates ? context.page_dates->of("") : std::nullopt;
    set(page.data, "overdue", only_finished ? Data(false) : overdue_summary(district_roadmaps, as_of));
    put(page.data, "no_current_plans",
        only_finished ? "Текущих «дорожных карт» нет: все опубликованные планы района завершены." : "");
    // What the figures count and as of when; no roadmap at all is said, and
    // neither a bar nor «просроченных нет» stands for it.
    set(page.data, "no_roadmaps", district_roadmaps.empty());
    if (page.data.get("progress")->is_object())
        set(page.data["progress"], "scope",
            "текущих «дорожных карт» района" + (as_of ? " на " + as_of->dotted() : std::string()));
    List roadmaps;
    for (const auto* roadmap : current) {
        Data entry = roadmap_summary(*roadmap, links);
        set(entry, "progress", progress_data(derive::progress_of(*roadmap), roadmap_listing_base(roadmap->id)));
        roadmaps.push_back(std::move(entry));
    }
    put_list(page.data, "roadmaps", std::move(roadmaps));
    put_list(page.data, "finished_plans", finished_district_plans(district_roadmaps));
    List programs;
    for (const auto& program : site.district.programs) {
        Data entry;
        set(entry, "title", program.title);
        set(entry, "href", "programs/" + program.id + "/");
        set(entry, "kind", program_kind_word(program.kind));
        put(entry, "period", period_text(program.period));
        programs.push_back(std::move(entry));
    }
    put_list(page.data, "programs", std::move(programs));
    List indicators;
    for (const auto& indicator : site.indicators) indicators.push_back(indicator_data(indicator, indicator.id, 3));
    put_list(page.data, "indicators", std::move(indicators));
    set(page.data, "shnor_share", shnor_share_data(site));
    set(page.data, "results_overview", results_overview_data(index));
    List news;
    for (std::size_t i = 0; i < site.district.news.size() && i < kNewsOnHome; ++i)
        news.push_back(news_summary(site.district.news[i], "news/" + site.district.news[i].id + "/"));
    put_list(page.data, "news", std::move(news));
    const auto& coordinator = site.config.coordinator;
    set(page.data, "coordinator", coordinator.empty() ? Data(false) : person_data(coordinator));
    if (!coordinator.empty()) set(page.data["coordinator"], "phone_text", unbreakable_phone(coordinator.phone));
    // «К кому обратиться» always gives a phone when the district has one.
    const auto& district = site.config.district;
    if (coordinator.phone.empty() && !(district.phone.empty() && district.email.empty())) {
        model::Person office;
        office.name = district.authority;
        office.phone = district.phone;
        office.email = district.email;
        Data office_data = person_data(office);
        set(office_data, "phone_text", unbreakable_phone(office.phone));
        set(page.data, "district_office", std::move(office_data));
    } else {
        set(page.data, "district_office", false);
    }
    List facts;
    for (const auto& fact : site.config.district.facts) {
        Data entry;
        set(entry, "label", fact.label);
        set(entry, "value", fact.value);
        facts.push_back(std::move(entry));
    }
    put_list(page.data, "facts", std::move(facts));
    pages.push_back(std::move(page));
}

void add_programs_index(const SiteIndex& index, const BuildContext& context, std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    PageSpec page = make_page(site, context, "programs/", "programs", "Программы и «дорожные карты»", "programs",
                              {{"Главная", ""}});
    Links links(index, nullptr);
    List programs;
    for (const auto& program : site.district.programs) {
        Data entry;
        set(entry, "title", program.title);
        set(entry, "href", "programs/" + program.id + "/");
        set(entry, "kind", program_kind_word(program.kind));
        put(entry, "period", period_text(program.period));
        set(entry, "approved_by", program.approved_by.empty() ? Data(false) : links.reference(program.approved_by));
        programs.push_back(std::move(entry));
    }
    put_list(page.data, "programs", std::move(programs));
    List roadmaps;
    for (const auto& roadmap : site.district.roadmaps) {
        if (roadmap.derived.finished) continue;
        Data entry = roadmap_summary(roadmap, links);
        set(entry, "href", "roadmaps/" + roadmap.id + "/");
        set(entry, "progress", progress_data(derive::progress_of(roadmap), roadmap_listing_base(roadmap.id)));
        roadmaps.push_back(std::move(entry));
    }
    put_list(page.data, "roadmaps", std::move(roadmaps));
    put_list(page.data, "finished_plans", finished_district_plans(site.district.roadmaps));
    pages.push_back(std::move(page));
}

// roadmaps/<id>/status/<status>/: the items of one status, for readers
// without JavaScript; only statuses that have items get a page.
void add_status_listings(const SiteIndex& index, const BuildContext& context, const model::Roadmap& roadmap,
                         std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    Links links(index, nullptr);
    const std::string roadmap_href = "roadmaps/" + roadmap.id + "/";
    const std::string listing = roadmap_listing_base(roadmap.id);
    auto progress = derive::progress_of(roadmap);
    for (auto status : listed_statuses()) {
        int count = count_of(progress, status);
        if (count == 0) continue;
        std::string heading = status_listing_title(status) + ": " + std::to_string(count) + " из " +
                              std::to_string(progress.total);
        PageSpec page = make_page(site, context, listing + status_key(status) + "/", "roadmap_status",
                                  heading + " — " + roadmap.title, "programs",
                                  {{"Главная", ""}, {"Программы и «дорожные карты»", "programs/"},
                                   {roadmap.title, roadmap_href}});
        Data data;
        set(data, "heading", heading);
        set(data, "status", status_tag(status));
        set(data, "roadmap_title", roadmap.title);
        set(data, "roadmap_href", roadmap_href);
        set(data, "total_text", items_text(progress.total));
        set(data, "progress", progress_data(progress, listing, "", status));
        RowFilter filter;
        filter.only_status = status;
        filter.full_page = roadmap_href;
        put_list(data, "tables", roadmap_tables(roadmap, links, "", filter));
        set(page.data, "listing", std::move(data));
        pages.push_back(std::move(page));
    }
}

void add_roadmap(const SiteIndex& index, const BuildContext& context, const model::Roadmap& roadmap,
                 std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    PageSpec page = make_page(site, context, "roadmaps/" + roadmap.id + "/", "roadmap", roadmap.title, "programs",
                              {{"Главная", ""}, {"Программы и «дорожные карты»", "programs/"}});
    Links links(index, nullptr);
    Data data = roadmap_summary(roadmap, links);
    put_markdown(data, "description_html", roadmap.description);
    Data program_link(false);
    for (const auto& program : site.district.programs)
        if (program.id == roadmap.program) program_link = link_data(program.title, "programs/" + program.id + "/", true);
    set(data, "program", std::move(program_link));
    std::string listing = roadmap_listing_base(roadmap.id);
    set(data, "progress", progress_data(derive::progress_of(roadmap), listing));
    put_list(data, "tables", roadmap_tables(roadmap, links, ""));
    set(page.data, "roadmap", std::move(data));
    pages.push_back(std::move(page));
    add_status_listings(index, context, roadmap, pages);
}

void add_indicators(const model::Site& site, const BuildContext& context, std::vector<PageSpec>& pages) {
    PageSpec page = make_page(site, context, "indicators/", "indicators", "Целевые показатели", "indicators",
                              {{"Главная", ""}});
    List indicators;
    for (const auto& indicator : site.indicators) indicators.push_back(indicator_data(indicator, indicator.id, 2));
    put_list(page.data, "indicators", std::move(indicators));
    pages.push_back(std::move(page));
}

void add_schools(const SiteIndex& index, const BuildContext& context, std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    PageSpec page = make_page(site, context, "schools/", "schools", "Школы", "schools", {{"Главная", ""}});
    // A row each: a region's list runs to thousands of rows, whose data
    // would outweigh the rest of the build's pages together.
    List schools;
    schools.reserve(site.schools.size());
    for (const auto& school : site.schools) {
        Data entry;
        set(entry, "row", add_fragment(page, view::school_row(index, school)));
        schools.push_back(std::move(entry));
    }
    put_list(page.data, "schools", std::move(schools));
    set(page.data, "categories", category_counts(index));
    pages.push_back(std::move(page));
}

void add_free_pages(const model::Site& site, const BuildContext& context, std::vector<PageSpec>& pages) {
    for (const auto& free : site.district.pages) {
        PageSpec page = make_page(site, context, "pages/" + free.slug + "/", "page", free.title, "",
                                  {{"Главная", ""}});
        put(page.data, "description", free.description);
        put_markdown(page.data, "body_html", free.body);
        pages.push_back(std::move(page));
    }
}

void add_not_found(const model::Site& site, const BuildContext& context, std::vector<PageSpec>& pages) {
    pages.push_back(make_page(site, context, "404.html", "not_found", "Страница не найдена", "", {}));
}

}  // namespace

std::string roadmap_listing_base(const std::string& roadmap_id) { return "roadmaps/" + roadmap_id + "/status/"; }

std::string school_roadmap_listing_base(const std::string& slug) { return "schools/" + slug + "/roadmap/status/"; }

PageSpec make_page(const model::Site& site, const BuildContext& context, const std::string& path,
                   const std::string& layout, const std::string& title, const std::string& section,
                   const Crumbs& crumbs) {
    PageSpec page{path, layout, base_data(site, context, path, title, section)};
    put_list(page.data, "breadcrumbs", crumb_list(crumbs));
    page.glossary = context.glossary;
    return page;
}

std::vector<const model::RoadmapItem*> items_of(const std::vector<model::Roadmap>& roadmaps, Plans plans) {
    std::vector<const model::RoadmapItem*> items;
    for (const auto& roadmap : roadmaps) {
        if (plans == Plans::current && roadmap.derived.finished) continue;
        for (const auto& section : roadmap.sections)
            for (const auto& item : section.items) items.push_back(&item);
    }
    return items;
}

std::vector<const model::RoadmapItem*> district_items_of(const model::Site& site, const std::string& slug, Plans plans) {
    std::vector<const model::RoadmapItem*> items;
    for (const auto* item : items_of(site.district.roadmaps, plans))
        if (item->concerns(slug)) items.push_back(item);
    return items;
}

Data program_data(const model::Program& program, const std::vector<model::Roadmap>& roadmaps,
                  const std::function<std::string(const std::string& roadmap_id)>& roadmap_href, const Links& links) {
    Data data;
    set(data, "id", program.id);
    set(data, "title", program.title);
    set(data, "kind", program_kind_word(program.kind));
    set(data, "example", program.example);
    set(data, "approved_by", program.approved_by.empty() ? Data(false) : links.reference(program.approved_by));
    put_list(data, "developers", string_list(program.developers));
    put_list(data, "executors", string_list(program.executors));
    set(data, "curator", program.curator && !program.curator->empty() ? person_data(*program.curator) : Data(false));
    put_plain(data, "goal_html", program.goal);
    List tasks;
    for (const auto& task : program.tasks) {
        Data entry;
        set(entry, "text", task.text);
        put_list(entry, "actions", string_list(task.actions));
        tasks.push_back(std::move(entry));
    }
    put_list(data, "tasks", std::move(tasks));
    put_list(data, "indicator_links", indicator_links(program.indicators, links.site()));
    List indicators;
    for (const auto& id : program.indicators)
        for (const auto& indicator : links.site().indicators)
            if (indicator.id == id) indicators.push_back(indicator_data(indicator, "indicator-" + indicator.id, 3));
    put_list(data, "indicators", std::move(indicators));
    put(data, "period", period_text(program.period));
    List stages;
    for (const auto& stage : program.stages) stages.push_back(stage_data(stage));
    put_list(data, "stages", std::move(stages));
    put_list(data, "expected_results", string_list(program.expected_results));
    put_plain(data, "control_html", program.control);
    List other;
    for (const auto& fact : program.other) {
        Data entry;
        set(entry, "label", fact.label);
        put_markdown(entry, "value_html", fact.value);
        other.push_back(std::move(entry));
    }
    put_list(data, "other", std::move(other));
    put_markdown(data, "body_html", program.body);
    List implementing;
    for (const auto& roadmap : roadmaps) {
        if (roadmap.program != program.id) continue;
        Data entry = roadmap_summary(roadmap, links);
        set(entry, "href", roadmap_href(roadmap.id));
        implementing.push_back(std::move(entry));
    }
    put_list(data, "roadmaps", std::move(implementing));
    return data;
}

Data documents_data(const std::vector<model::Document>& documents, const Links& links) {
    std::vector<const model::Document*> sorted;
    for (const auto& document : documents) sorted.push_back(&document);
    // Newest first; undated documents last, in their written order.
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
        if (a->date && b->date) return *a->date > *b->date;
        return a->date.has_value() && !b->date.has_value();
    });
    static const char* const kKinds[] = {"order", "programme", "plan", "report", "analytics",
                                         "recommendations", "protocol", "other"};
    List groups;
    for (const std::string kind : kKinds) {
        List items;
        items.reserve(sorted.size());
        for (const auto* document : sorted) {
            bool known = std::find(std::begin(kKinds), std::end(kKinds), document->kind) != std::end(kKinds);
            std::string effective = known ? document->kind : "other";
            if (effective == kind) items.push_back(document_data(*document, links));
        }
        if (items.empty()) continue;
        Data group;
        set(group, "anchor", "kind-" + kind);
        set(group, "heading", document_kind_plural(kind));
        set(group, "count", std::to_string(items.size()));
        set(group, "documents", std::move(items));
        groups.push_back(std::move(group));
    }
    Data data;
    put_list(data, "groups", std::move(groups));
    set(data, "count", std::to_string(documents.size()));
    return data;
}

void add_news_pages(const model::Site& site, const BuildContext& context, const std::vector<model::NewsItem>& news,
                    const std::string& base, const Links& links, const std::string& section, const Crumbs& crumbs,
                    const Data& extra, std::vector<PageSpec>& pages) {
    auto merge = [&](Data& data) {
        if (!extra.is_object()) return;
        for (const std::string key : {"school", "school_nav"})
            if (const auto* value = extra.get(key)) set(data, key, Data(*value));  // shared by every news page: a copy
    };
    std::size_t page_count = std::max<std::size_t>(1, (news.size() + kNewsPerPage - 1) / kNewsPerPage);
    auto page_path = [&](std::size_t number) {
        return number == 1 ? base : base + "page/" + std::to_string(number) + "/";
    };
    for (std::size_t number = 1; number <= page_count; ++number) {
        std::string title = number == 1 ? "Новости" : "Новости, страница " + std::to_string(number);
        PageSpec page = make_page(site, context, page_path(number), "news_list", title, section, crumbs);
        List items;
        for (std::size_t i = (number - 1) * kNewsPerPage; i < news.size() && i < number * kNewsPerPage; ++i)
            items.push_back(news_summary(news[i], base + news[i].id + "/"));
        put_list(page.data, "news", std::move(items));
        Data pagination;
        set(pagination, "page", std::to_string(number));
        set(pagination, "pages", std::to_string(page_count));
        put(pagination, "prev_href", number > 1 ? page_path(number - 1) : std::string());
        put(pagination, "next_href", number < page_count ? page_path(number + 1) : std::string());
        set(page.data, "pagination", page_count > 1 ? pagination : Data(false));
        set(page.data, "feed_href", base == "news/" ? Data(std::string("news/feed.xml")) : Data(false));
        merge(page.data);
        pages.push_back(std::move(page));
    }
    Crumbs item_crumbs = crumbs;
    item_crumbs.push_back({"Новости", base});
    for (const auto& item : news) {
        PageSpec page = make_page(site, context, base + item.id + "/", "news_item", item.title, section, item_crumbs);
        set(page.data, "news_item", news_data(item, links, context.photos.get()));
        merge(page.data);
        pages.push_back(std::move(page));
    }
}

void add_district_pages(const SiteIndex& index, const BuildContext& undated, std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    BuildContext context = undated;
    context.page_dates = std::make_shared<const PageDates>(site, context.build_date, PageDates::Scope::district_pages);
    Links links(index, nullptr);
    add_home(index, context, pages);
    add_programs_index(index, context, pages);
    for (const auto& program : site.district.programs) {
        PageSpec page = make_page(site, context, "programs/" + program.id + "/", "program", program.title, "programs",
                                  {{"Главная", ""}, {"Программы и «дорожные карты»", "programs/"}});
        set(page.data, "program", program_data(program, site.district.roadmaps,
                                                  [](const std::string& id) { return "roadmaps/" + id + "/"; }, links));
        pages.push_back(std::move(page));
    }
    for (const auto& roadmap : site.district.roadmaps) add_roadmap(index, context, roadmap, pages);
    add_indicators(site, context, pages);
    add_schools(index, context, pages);
    PageSpec documents = make_page(site, context, "documents/", "documents", "Документы", "documents",
                                   {{"Главная", ""}});
    set(documents.data, "documents", documents_data(site.district.documents, links));
    pages.push_back(std::move(documents));
    add_news_pages(site, context, site.district.news, "news/", links, "news", {{"Главная", ""}}, Data(false), pages);
    add_free_pages(site, context, pages);
    pages.push_back(glossary_page(site, context, "glossary/", nullptr, {{"Главная", ""}}));
    add_not_found(site, context, pages);
}

}  // namespace shnor::view::detail

namespace shnor::view {

Fragment school_row(const detail::SiteIndex& index, const model::School& school) {
    // A fragment sees only its own data: the row carries the page's root.
    return {"school_row/" + school.slug, "school_row", {}, [&index, &school]() {
                Data data = detail::school_row_data(index, school);
                detail::set(data, "root", root_prefix_of("schools/"));
                return data;
            }};
}

}  // namespace shnor::view
