#include "view/common.hpp"

#include "render/markdown.hpp"
#include "render/numbers.hpp"
#include "model/url.hpp"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstdio>

namespace shnor::view::detail {

using model::ShownStatus;

// kainjow offers no way to move a string or a list into its data, but
// Data(type) allocates a modifiable one, which is then filled by moving.
Data string_data(std::string text) {
    Data data(Data::type::string);
    const_cast<std::string&>(data.string_value()) = std::move(text);
    return data;
}

Data list_data(List list) {
    Data data(Data::type::list);
    const_cast<List&>(data.list_value()) = std::move(list);
    return data;
}

void set(Data& data, const std::string& key, Data&& value) { data[key] = std::move(value); }
void set(Data& data, const std::string& key, std::string value) { data[key] = string_data(std::move(value)); }
void set(Data& data, const std::string& key, const char* value) { data[key] = string_data(value); }
void set(Data& data, const std::string& key, List list) { data[key] = list_data(std::move(list)); }
void set(Data& data, const std::string& key, bool value) { data[key] = Data(value); }

void put(Data& data, const std::string& key, std::string value) {
    if (value.empty())
        set(data, key, false);
    else
        set(data, key, std::move(value));
}

void put_markdown(Data& data, const std::string& key, const std::string& markdown) {
    put(data, key, markdown.empty() ? std::string() : render::markdown_to_html(markdown));
}

void put_plain(Data& data, const std::string& key, const std::string& text) {
    put(data, key, text.empty() ? std::string() : render::plain_text_to_html(text));
}

void put_list(Data& data, const std::string& key, List list) {
    // A section over a list repeats, so wrappers (a heading, <ul>) test has_<key>.
    set(data, "has_" + key, !list.empty());
    if (list.empty())
        set(data, key, false);
    else
        set(data, key, std::move(list));
}

List string_list(const std::vector<std::string>& values) {
    List list;
    list.reserve(values.size());
    for (const auto& value : values) list.push_back(string_data(value));
    return list;
}

std::string format_number(double value, int max_decimals) {
    std::string text = render::fixed_decimals(value, max_decimals);
    if (text.find('.') != std::string::npos) {
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
    }
    if (text == "-0") text = "0";
    std::replace(text.begin(), text.end(), '.', ',');
    return text;
}

std::string file_size_text(std::uintmax_t bytes) {
    constexpr double kKilo = 1024.0;
    if (bytes < 1024) return std::to_string(bytes) + " Б";
    if (bytes < 1024 * 1024) return format_number(std::max(1.0, std::round(bytes / kKilo)), 0) + " КБ";
    return format_number(bytes / kKilo / kKilo, 1) + " МБ";
}

std::string tel_href(const std::string& phone) {
    std::string digits;
    for (char c : phone) {
        if (c >= '0' && c <= '9') digits += c;
        if (c == '+' && digits.empty()) digits += c;
    }
    return digits.empty() ? std::string() : "tel:" + digits;
}

namespace {
constexpr std::size_t kMaxTitleCharacters = 70;

std::size_t utf8_length(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
}  // namespace

std::string head_title(const std::string& title, const std::string& district_name) {
    if (!district_name.empty()) {
        std::string full = title + " — " + district_name;
        if (utf8_length(full) <= kMaxTitleCharacters) return full;
    }
    if (utf8_length(title) <= kMaxTitleCharacters) return title;
    // Keep whole words (and whole UTF-8 characters) up to 69 characters, then «…».
    std::size_t characters = 0, cut = 0, last_space = std::string::npos;
    for (std::size_t i = 0; i < title.size(); ++i) {
        if ((static_cast<unsigned char>(title[i]) & 0xC0) == 0x80) continue;
        if (characters == kMaxTitleCharacters - 1) break;
        if (title[i] == ' ') last_space = i;
        ++characters;
        cut = i + 1;
        while (cut < title.size() && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) ++cut;
    }
    std::size_t end = last_space != std::string::npos && last_space > 0 ? last_space : cut;
    std::string shortened = title.substr(0, end);
    while (!shortened.empty() && (shortened.back() == ' ' || shortened.back() == ',' || shortened.back() == ':' ||
                                  shortened.back() == '-'))
        shortened.pop_back();
    return shortened + "…";
}

std::string phone_text(const std::string& phone) {
    std::string text;
    text.reserve(phone.size() + 8);
    for (char c : phone) {
        if (c == ' ') text += "\u00A0";        // no-break space
        else if (c == '-') text += "\u2011";   // non-breaking hyphen
        else text += c;
    }
    return text;
}

std::vector<int> percent_steps(const std::vector<int>& counts) {
    long total = 0;
    for (int count : counts) total += std::max(count, 0);
    std::vector<int> steps(counts.size(), 0);
    if (total == 0) return steps;
    std::vector<std::pair<long, std::size_t>> remainders;  // (remainder, index): who gets the spare points
    int given = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        long scaled = 100L * std::max(counts[i], 0);
        steps[i] = static_cast<int>(scaled / total);
        if (counts[i] > 0 && steps[i] == 0) steps[i] = 1;  // a status that exists stays visible
        given += steps[i];
        remainders.emplace_back(scaled % total, i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < 100 && k < remainders.size(); ++k, ++given) ++steps[remainders[k].second];
    // The minimum of 1 can overshoot: take the excess from the largest parts.
    while (given > 100) {
        auto largest = std::max_element(steps.begin(), steps.end());
        --*largest;
        --given;
    }
    return steps;
}

std::string date_text(const std::optional<model::Date>& date) { return date ? date->russian() : std::string(); }

std::string period_text(const std::optional<model::DateRange>& period) {
    if (!period) return {};
    return period->start.dotted() + " – " + period->end.dotted();
}

const std::string& plural_form(long long count, const std::string& one, const std::string& few,
                               const std::string& many) {
    long long magnitude = count < 0 ? -count : count;
    long long last_two = magnitude % 100;
    long long last = magnitude % 10;
    if (last_two >= 11 && last_two <= 14) return many;
    if (last == 1) return one;
    if (last >= 2 && last <= 4) return few;
    return many;
}

std::string count_text(long long count, const std::string& one, const std::string& few, const std::string& many) {
    return std::to_string(count) + " " + plural_form(count, one, few, many);
}

std::string items_text(long long count) { return count_text(count, "мероприятие", "мероприятия", "мероприятий"); }

std::string status_key(ShownStatus status) {
    switch (status) {
        case ShownStatus::planned: return "planned";
        case ShownStatus::in_progress: return "in-progress";
        case ShownStatus::done: return "done";
        case ShownStatus::cancelled: return "cancelled";
        case ShownStatus::overdue: return "overdue";
        case ShownStatus::ongoing: return "ongoing";
    }
    return "planned";
}

std::string status_word(ShownStatus status) {
    switch (status) {
        case ShownStatus::planned: return "Запланировано";
        case ShownStatus::in_progress: return "Выполняется";
        case ShownStatus::done: return "Выполнено";
        case ShownStatus::cancelled: return "Отменено";
        case ShownStatus::overdue: return "Просрочено";
        case ShownStatus::ongoing: return "Постоянно";
    }
    return "Запланировано";
}

std::string status_listing_title(ShownStatus status) {
    switch (status) {
        case ShownStatus::planned: return "Запланированные мероприятия";
        case ShownStatus::in_progress: return "Выполняемые мероприятия";
        case ShownStatus::done: return "Выполненные мероприятия";
        case ShownStatus::cancelled: return "Отменённые мероприятия";
        case ShownStatus::overdue: return "Просроченные мероприятия";
        case ShownStatus::ongoing: return "Постоянные мероприятия";
    }
    return "Мероприятия";
}

const std::vector<ShownStatus>& listed_statuses() {
    static const std::vector<ShownStatus> statuses = {ShownStatus::overdue,  ShownStatus::in_progress,
                                                      ShownStatus::ongoing,  ShownStatus::planned,
                                                      ShownStatus::done,     ShownStatus::cancelled};
    return statuses;
}

int count_of(const derive::Progress& progress, ShownStatus status) {
    switch (status) {
        case ShownStatus::planned: return progress.planned;
        case ShownStatus::in_progress: return progress.in_progress;
        case ShownStatus::done: return progress.done;
        case ShownStatus::cancelled: return progress.cancelled;
        case ShownStatus::overdue: return progress.overdue;
        case ShownStatus::ongoing: return progress.ongoing;
    }
    return 0;
}

Data status_tag(ShownStatus status) {
    Data tag;
    set(tag, "key", status_key(status));
    set(tag, "word", status_word(status));
    return tag;
}

std::string document_kind_plural(const std::string& kind) {
    if (kind == "order") return "Приказы";
    if (kind == "programme") return "Программы";
    if (kind == "plan") return "Планы и «дорожные карты»";
    if (kind == "report") return "Отчёты и справки";
    if (kind == "analytics") return "Аналитические материалы";
    if (kind == "recommendations") return "Методические рекомендации";
    if (kind == "protocol") return "Протоколы";
    return "Другие документы";
}

std::string program_kind_word(const std::string& kind) {
    if (kind == "complex-of-measures") return "Комплекс мер";
    if (kind == "concept") return "Концепция";
    if (kind == "plan") return "План";
    return "Программа";
}

Data person_data(const model::Person& person) {
    Data data;
    put(data, "name", person.name);
    put(data, "position", person.position);
    put(data, "organization", person.organization);
    put(data, "phone", phone_text(person.phone));
    put(data, "phone_href", tel_href(person.phone));
    put(data, "email", person.email);
    set(data, "example", person.example);
    return data;
}

derive::Progress count_items(const std::vector<const model::RoadmapItem*>& items) {
    derive::Progress progress;
    for (const auto* item : items) derive::add_item(progress, *item);
    return progress;
}

namespace {

// «из 1 мероприятия», «из 2 мероприятий», «из 21 мероприятия».
std::string of_items_text(long long count) {
    return std::to_string(count) + " " + plural_form(count, "мероприятия", "мероприятий", "мероприятий");
}

}  // namespace

std::string finished_line(const model::Roadmap& roadmap, const derive::Progress& progress) {
    std::string line = "План завершён";
    if (roadmap.period) line += " " + roadmap.period->end.dotted();
    return line + ": отчёты опубликованы по " + std::to_string(progress.reported) + " из " +
           of_items_text(progress.counted());
}

Data finished_plan_data(const model::Roadmap& roadmap, const derive::Progress& progress, const std::string& href) {
    Data data;
    set(data, "title", roadmap.title);
    set(data, "href", href);
    put(data, "period", period_text(roadmap.period));
    set(data, "line", finished_line(roadmap, progress));
    set(data, "district", false);
    return data;
}

Data progress_data(const derive::Progress& progress, const std::string& listing_base, const std::string& fragment,
                   std::optional<model::ShownStatus> current) {
    Data data;
    int counted = progress.total - progress.cancelled;
    set(data, "total", std::to_string(progress.total));
    set(data, "total_text", items_text(progress.total));
    set(data, "counted", std::to_string(counted));
    set(data, "done", std::to_string(progress.done));
    set(data, "overdue", std::to_string(progress.overdue));
    set(data, "overdue_text", items_text(progress.overdue));
    set(data, "has_overdue", progress.overdue > 0);
    set(data, "percent", std::to_string(progress.percent_done()));
    set(data, "any", progress.total > 0);
    set(data, "summary", "выполнено " + std::to_string(progress.done) + " из " + std::to_string(counted));
    // «из 46 мероприятий», «из 21 мероприятия»: what the figures count.
    set(data, "counted_noun", plural_form(counted, "мероприятия", "мероприятий", "мероприятий"));
    // Cancelled items are out of «из N»: said, so that N and the total never
    // seem to disagree.
    put(data, "cancelled_text", progress.cancelled > 0 ? items_text(progress.cancelled) : std::string());
    // What and as of when, where a page needs to say it (the home page).
    set(data, "scope", false);
    set(data, "linked", !listing_base.empty());
    auto listing_href = [&](ShownStatus status) {
        return listing_base.empty() ? std::string() : listing_base + status_key(status) + "/" + fragment;
    };
    put(data, "overdue_href", progress.overdue > 0 ? listing_href(ShownStatus::overdue) : std::string());

    // The bar is decoration (aria-hidden): the counts are always printed as text.
    List counts;
    List segments;
    std::vector<int> segment_counts;
    for (auto status : {ShownStatus::done, ShownStatus::in_progress, ShownStatus::ongoing, ShownStatus::overdue,
                        ShownStatus::planned, ShownStatus::cancelled}) {
        int count = count_of(progress, status);
        if (count == 0) continue;
        Data entry = status_tag(status);
        set(entry, "count", std::to_string(count));
        set(entry, "noun", plural_form(count, "мероприятие", "мероприятия", "мероприятий"));
        put(entry, "href", listing_href(status));
        set(entry, "current", current == status);
        counts.push_back(std::move(entry));
        if (status == ShownStatus::cancelled || counted == 0) continue;
        segments.push_back(status_tag(status));
        segment_counts.push_back(count);
    }
    // Widths are whole percentages named by a class (.pw-0 … .pw-100 in
    // style.css): an inline style would be refused by the pages' HTML checks.
    std::vector<int> widths = percent_steps(segment_counts);
    for (std::size_t i = 0; i < segments.size(); ++i) set(segments[i], "width", std::to_string(widths[i]));
    put_list(data, "counts", std::move(counts));
    put_list(data, "segments", std::move(segments));
    return data;
}

std::string linkable(const std::string& url) { return model::is_allowed_url(url) ? url : std::string(); }

Data link_data(const std::string& text, const std::string& href, bool internal) {
    Data data;
    set(data, "text", text);
    put(data, "href", internal ? href : linkable(href));
    set(data, "internal", internal);
    return data;
}

bool is_url(const std::string& text) {
    return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

Links::Links(const SiteIndex& index, const model::School* school) : index_(index), school_(school) {}

namespace {

const model::Document* find_in(const std::vector<model::Document>& documents, const std::string& id) {
    for (const auto& document : documents)
        if (document.id == id) return &document;
    return nullptr;
}

const model::NewsItem* find_news_in(const std::vector<model::NewsItem>& news, const std::string& id) {
    for (const auto& item : news)
        if (item.id == id) return &item;
    return nullptr;
}

std::string one_line(const std::string& text) {
    std::string line = text;
    std::replace(line.begin(), line.end(), '\n', ' ');
    return line;
}

std::string news_href(const model::School* owner, const std::string& news_id) {
    return (owner ? "schools/" + owner->slug + "/news/" : std::string("news/")) + news_id + "/";
}

}  // namespace

const model::School* Links::find_school(const std::string& slug) const { return index_.find_school(slug); }

const model::Document* Links::find_document(const std::string& id) const {
    if (school_)
        if (const auto* own = find_in(school_->own.documents, id)) return own;
    return index_.find_district_document(id);
}

std::string Links::document_href(const std::string& id) const {
    if (school_ && find_in(school_->own.documents, id)) return "schools/" + school_->slug + "/documents/#" + id;
    if (index_.find_district_document(id)) return "documents/#" + id;
    return {};
}

Data Links::reference(const std::string& text) const {
    if (const auto* document = find_document(text)) return link_data(document->title, document_href(text), true);
    if (is_url(text)) return link_data(text, text, false);
    return link_data(text, "", false);
}

Data Links::news_link(const std::string& news_id) const {
    if (school_)
        if (const auto* item = find_news_in(school_->own.news, news_id))
            return link_data(item->title, news_href(school_, news_id), true);
    if (auto news = index_.find_news(news_id); news.item)
        return link_data(news.item->title, news_href(news.owner, news_id), true);
    return link_data("новость " + news_id, "", false);
}

Data Links::evidence(const std::string& ref) const {
    if (ref.rfind("news:", 0) == 0) return news_link(ref.substr(5));
    return reference(ref);
}

Data Links::school_link(const std::string& slug) const {
    if (const auto* school = find_school(slug)) return link_data(school->display_name(), "schools/" + slug + "/", true);
    return link_data(slug, "", false);
}

Data Links::roadmap_item_link(const std::string& reference) const {
    auto target = index_.resolve_item(school_, reference);
    if (!target.item) return Data(false);
    auto hash = reference.find('#');
    std::string text = "Пункт " + reference.substr(hash + 1) + " «дорожной карты»: " + one_line(target.item->title);
    return link_data(text, target.href, true);
}

List Links::news_reporting_on(const model::RoadmapItem& item) const {
    List links;
    for (const auto& news : index_.news_reporting_on(item)) {
        Data link = link_data(news.item->title, news_href(news.owner, news.item->id), true);
        set(link, "date", news.item->date.dotted());
        links.push_back(std::move(link));
    }
    return links;
}

std::string item_anchor(const std::string& prefix, const std::string& n, int ordinal) {
    std::string id = n.empty() ? "i" + std::to_string(ordinal) : n;
    std::replace(id.begin(), id.end(), '.', '-');
    // UTF-8 letters stay (an id may hold any character but space, and «3а»
    // and «3б» must not both become «3-»); other punctuation would need
    // escaping in the link's fragment.
    for (auto& c : id) {
        auto byte = static_cast<unsigned char>(c);
        if (!(std::isalnum(byte) || c == '-' || c == '_' || byte >= 0x80)) c = '-';
    }
    return prefix + "item-" + id;
}

// A roadmap printed without numbers keeps none: its tables draw no «№»
// column of blanks. Stops at the first numbered item.
bool has_item_numbers(const model::Roadmap& roadmap) {
    return std::any_of(roadmap.sections.begin(), roadmap.sections.end(), [](const auto& section) {
        return std::any_of(section.items.begin(), section.items.end(), [](const auto& item) { return !item.n.empty(); });
    });
}

namespace {

bool says_ongoing(const std::string& when) {
    return when.find("остоянно") != std::string::npos;  // «постоянно», «Постоянно»
}

std::string derived_dates(const model::RoadmapItem& item) {
    const auto& start = item.derived.start;
    const auto& due = item.derived.due;
    if (item.derived.ongoing) {
        std::string since = start ? ", с " + start->dotted() : std::string();
        if (says_ongoing(item.when)) return since.empty() ? std::string() : since.substr(2);
        return "постоянно" + since;
    }
    if (start && due) {
        if (*start == *due) return due->dotted();
        return start->dotted() + " – " + due->dotted();
    }
    if (due) return "до " + due->dotted();
    if (start) return "с " + start->dotted();
    return {};
}

// An evidence entry `news:<id>` already links the news; it is not listed twice.
bool in_evidence(const model::RoadmapItem& item, const Data& news_link) {
    const auto* href = news_link.get("href");
    if (!href || !href->is_string()) return false;
    const std::string& path = href->string_value();
    return std::any_of(item.evidence.begin(), item.evidence.end(), [&](const std::string& ref) {
        if (ref.rfind("news:", 0) != 0) return false;
        std::string suffix = "/" + ref.substr(5) + "/";
        return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
}

// What every row of one table shares.
struct RowContext {
    std::string full_page;           // status listings: each row links to its place on this page
    bool finished = false;           // the roadmap is finished: unreported rows say «нет отчёта»
    bool district_measures = false;  // rows of a district roadmap on a school's page
};

// The cells a dated row has: an item without parts, or one part.
void put_cells(Data& row, const model::RoadmapItem& item, const Links& links, const RowContext& context,
               bool reported_in_news) {
    put(row, "when", item.when);
    std::string dates = derived_dates(item);
    // The printed deadline already says it when it is a plain date.
    put(row, "dates", dates == item.when ? std::string() : dates);
    put_list(row, "responsible", string_list(item.responsible));
    put_plain(row, "result_html", item.result);
    set(row, "status", status_tag(item.derived.shown));
    put_markdown(row, "report_html", item.report);
    put(row, "reported", date_text(item.reported));
    List evidence;
    evidence.reserve(item.evidence.size());
    for (const auto& ref : item.evidence) evidence.push_back(links.evidence(ref));
    put_list(row, "evidence", std::move(evidence));
    // Said in words where a report is owed: past its deadline, or at the end of the plan.
    bool owed = context.finished ? item.derived.shown != ShownStatus::cancelled
                                 : item.derived.shown == ShownStatus::overdue;
    bool no_report = owed && !item.has_report() && !reported_in_news;
    // A finished plan's unreported item is not «Запланировано» years later:
    // its tag says what the public can know, that no report was published.
    if (context.finished && no_report && item.derived.shown != ShownStatus::done) {
        Data tag;
        set(tag, "key", "no-report");
        set(tag, "word", "Нет отчёта");
        set(row, "status", std::move(tag));
        no_report = false;
    }
    set(row, "no_report", no_report);
    put(row, "level", item.level);
    set(row, "example", item.example);
}

Data part_row(const model::RoadmapItem& part, const model::RoadmapItem& item, const std::string& item_anchor_id,
              std::size_t number, std::size_t count, const Links& links, const RowContext& context) {
    Data row;
    set(row, "anchor", item_anchor_id + "-part-" + std::to_string(number));
    // Read aloud as the row's header: «Пункт 3, часть 1 из 2».
    set(row, "part_of", item.n.empty() ? std::string("Мероприятие выше") : "Пункт " + item.n);
    set(row, "part_label", "часть " + std::to_string(number));
    set(row, "part_count", std::to_string(count));
    put_plain(row, "title_html", part.title.empty() ? item.title : part.title);
    put_cells(row, part, links, context, false);
    set(row, "reporting_news", false);
    set(row, "has_reporting_news", false);
    return row;
}

Data row_data(const model::RoadmapItem& item, const Links& links, const std::string& anchor_prefix, int ordinal,
              const RowContext& context, const std::optional<model::ShownStatus>& only_status) {
    Data row;
    std::string anchor = item_anchor(anchor_prefix, item.n, ordinal);
    set(row, "anchor", anchor);
    put(row, "full_href", context.full_page.empty() ? std::string() : context.full_page + "#" + anchor);
    put(row, "n", item.n);
    put_plain(row, "title_html", item.title);
    List reporting;
    for (auto& news : links.news_reporting_on(item))
        if (!in_evidence(item, news)) reporting.push_back(std::move(news));
    bool reported_in_news = !reporting.empty();
    put_list(row, "reporting_news", std::move(reporting));
    List schools;
    schools.reserve(item.schools.size());
    for (const auto& slug : item.schools) schools.push_back(links.school_link(slug));
    put_list(row, "schools", std::move(schools));
    set(row, "all_schools", item.all_schools);
    set(row, "district_measure", context.district_measures);
    List parts;
    for (std::size_t i = 0; i < item.parts.size(); ++i) {
        if (only_status && item.parts[i].derived.shown != *only_status) continue;
        parts.push_back(part_row(item.parts[i], item, anchor, i + 1, item.parts.size(), links, context));
    }
    put(row, "parts_note", item.parts.empty() ? std::string()
                                               : "Выполняется по частям (" + std::to_string(item.parts.size()) +
                                                     "): сроки, статусы и отчёты — в строках ниже");
    put_list(row, "parts", std::move(parts));
    set(row, "has_parts", !item.parts.empty());
    put_cells(row, item, links, context, reported_in_news);
    return row;
}

bool has_status(const model::RoadmapItem& item, model::ShownStatus status) {
    if (item.parts.empty()) return item.derived.shown == status;
    return std::any_of(item.parts.begin(), item.parts.end(),
                       [&](const auto& part) { return part.derived.shown == status; });
}

}  // namespace

List roadmap_tables(const model::Roadmap& roadmap, const Links& links, const std::string& anchor_prefix,
                    const RowFilter& filter) {
    List tables;
    tables.reserve(roadmap.sections.size());
    RowContext context{filter.full_page, roadmap.derived.finished, !filter.only_school.empty()};
    int ordinal = 0;
    for (const auto& section : roadmap.sections) {
        List rows;
        rows.reserve(section.items.size());
        for (const auto& item : section.items) {
            ++ordinal;
            if (!filter.only_school.empty() && !item.concerns(filter.only_school)) continue;
            if (filter.only_status && !has_status(item, *filter.only_status)) continue;
            rows.push_back(row_data(item, links, anchor_prefix, ordinal, context, filter.only_status));
        }
        if (rows.empty()) continue;
        Data table;
        std::string caption;
        if (roadmap.flat)
            caption = "Мероприятия";
        else if (!section.n.empty())
            caption = "Раздел " + section.n + (section.title.empty() ? "" : ". " + section.title);
        else
            caption = section.title.empty() ? "Мероприятия" : section.title;
        set(table, "caption", caption);
        // The scrolling region's name: a school's page shows tables of several
        // roadmaps, often with the same section names, and landmarks with the
        // same name cannot be told apart (axe landmark-unique).
        set(table, "region_label", "Таблица: " + caption + " — «" + roadmap.title + "»");
        set(table, "has_numbers", has_item_numbers(roadmap));
        set(table, "rows", std::move(rows));
        tables.push_back(std::move(table));
    }
    return tables;
}

Data roadmap_summary(const model::Roadmap& roadmap, const Links& links) {
    Data data;
    set(data, "id", roadmap.id);
    set(data, "title", roadmap.title);
    put(data, "period", period_text(roadmap.period));
    set(data, "approved_by", roadmap.approved_by.empty() ? Data(false) : links.reference(roadmap.approved_by));
    auto progress = derive::progress_of(roadmap);
    set(data, "progress", progress_data(progress));
    set(data, "finished", roadmap.derived.finished ? Data(finished_line(roadmap, progress)) : Data(false));
    return data;
}

Data document_data(const model::Document& document, const Links& links) {
    Data data;
    set(data, "id", document.id);
    set(data, "title", document.title);
    set(data, "kind", document_kind_plural(document.kind));
    std::string number_date;
    if (!document.number.empty()) number_date = "№ " + document.number;
    if (document.date) number_date += (number_date.empty() ? "от " : " от ") + document.date->dotted();
    put(data, "number_date", number_date);
    put(data, "date_iso", document.date ? document.date->iso() : std::string());
    put(data, "issuer", document.issuer);
    std::string signer;
    if (document.signed_by) {
        signer = document.signed_by->position;
        if (!document.signed_by->name.empty()) signer += (signer.empty() ? "" : " ") + document.signed_by->name;
    }
    put(data, "signed_by", signer);
    List based_on;
    for (const auto& id : document.based_on) based_on.push_back(links.reference(id));
    put_list(data, "based_on", std::move(based_on));
    if (!document.site_path.empty()) {
        Data file;
        // The path as a URL: «#», «?», «%» or a space in a file name must not end or change it.
        set(file, "href", model::percent_encoded_path(document.site_path));
        std::string type = document.file_type.empty() ? std::string("Файл") : document.file_type;
        set(file, "info", document.file_size > 0 ? type + ", " + file_size_text(document.file_size) : type);
        set(data, "file", std::move(file));
    } else {
        set(data, "file", false);
    }
    put(data, "url", document.file.empty() || document.site_path.empty() ? linkable(document.url) : std::string());
    if (!document.page.empty()) {
        bool own = links.school() && std::any_of(links.school()->own.pages.begin(), links.school()->own.pages.end(),
                                                 [&](const auto& page) { return page.slug == document.page; });
        std::string href = own ? "schools/" + links.school()->slug + "/pages/" + document.page + "/"
                               : "pages/" + document.page + "/";
        set(data, "page", link_data("Полный текст на сайте", href, true));
    } else {
        set(data, "page", false);
    }
    set(data, "example", document.example);
    return data;
}

Data news_summary(const model::NewsItem& item, const std::string& href) {
    Data data;
    set(data, "id", item.id);
    set(data, "title", item.title);
    set(data, "date", item.date.russian());
    set(data, "date_iso", item.date.iso());
    set(data, "href", href);
    set(data, "example", item.example);
    return data;
}

namespace {

std::string photo_alt(const model::NewsItem& item, std::size_t index, std::size_t count) {
    if (index < item.photo_notes.size() && !item.photo_notes[index].caption.empty())
        return item.photo_notes[index].caption;
    // No caption written: say at least which news it shows, and which one of how many.
    if (count == 1) return "Фотография к новости «" + item.title + "»";
    return "Фотография " + std::to_string(index + 1) + " из " + std::to_string(count) + " к новости «" + item.title +
           "»";
}

// An entry of a srcset; `more`: another one follows.
Data photo_image_data(const PhotoImage& image, bool more) {
    Data data;
    set(data, "path", model::percent_encoded_path(image.path));
    set(data, "width", std::to_string(image.width));
    set(data, "more", more);
    return data;
}

}  // namespace

Data news_data(const model::NewsItem& item, const Links& links, const PublishedPhotos* published) {
    Data data = news_summary(item, "");
    put_markdown(data, "body_html", item.body);
    List photos;
    for (std::size_t i = 0; i < item.photo_site_paths.size(); ++i) {
        const PublishedPhoto* shown = nullptr;
        if (published)
            if (auto found = published->find(item.photo_site_paths[i]); found != published->end()) shown = &found->second;
        if (!shown) continue;  // never a link to a file the build did not publish
        Data photo;
        set(photo, "src", model::percent_encoded_path(shown->large.path));
        set(photo, "width", std::to_string(shown->large.width));
        set(photo, "height", std::to_string(shown->large.height));
        List srcset;
        if (shown->small) {
            srcset.push_back(photo_image_data(*shown->small, true));
            srcset.push_back(photo_image_data(shown->large, false));
        }
        put_list(photo, "srcset", std::move(srcset));
        set(photo, "alt", photo_alt(item, i, item.photo_site_paths.size()));
        std::string caption = i < item.photo_notes.size() ? item.photo_notes[i].caption : "";
        set(photo, "caption", caption.empty() ? Data(false) : Data(caption));
        set(photo, "original",
            shown->original.empty() ? Data(false) : Data(model::percent_encoded_path(shown->original)));
        set(photo, "has_figcaption", !caption.empty() || !shown->original.empty());
        photos.push_back(std::move(photo));
    }
    put_list(data, "photos", std::move(photos));
    List news_links;
    for (const auto& link : item.links) {
        std::string text = link.title.empty() ? link.url : link.title;
        if (links.find_document(link.url))
            news_links.push_back(link_data(text, links.document_href(link.url), true));
        else
            news_links.push_back(link_data(text, link.url, false));
    }
    put_list(data, "links", std::move(news_links));
    List schools;
    for (const auto& slug : item.schools) schools.push_back(links.school_link(slug));
    put_list(data, "schools", std::move(schools));
    set(data, "roadmap_item", item.roadmap_item.empty() ? Data(false) : links.roadmap_item_link(item.roadmap_item));
    return data;
}

std::string category_short(const std::string& type) {
    if (type == "shnor") return "ШНОР";
    if (type == "shnsu") return "ШНСУ";
    if (type == "risk") return "группа риска";
    return type;
}

Data category_data(const model::Category& category, const Links& links) {
    Data data;
    set(data, "type", category.type);
    set(data, "short", category_short(category.type));
    if (category.type == "shnor")
        set(data, "abbr_title", "школа с низкими образовательными результатами");
    else if (category.type == "shnsu")
        set(data, "abbr_title", "школа, функционирующая в неблагоприятных социальных условиях");
    else
        set(data, "abbr_title", false);
    put(data, "year", category.year ? std::to_string(*category.year) : std::string());
    set(data, "basis", category.basis.empty() ? Data(false) : links.reference(category.basis));
    put_list(data, "reasons", string_list(category.reasons));
    return data;
}

namespace {

// 404.html is served at any URL, so its links start from the site's own path.
std::string url_path_of(const std::string& base_url) {
    auto scheme = base_url.find("://");
    if (scheme == std::string::npos) return "/";
    auto slash = base_url.find('/', scheme + 3);
    return slash == std::string::npos ? "/" : base_url.substr(slash);
}

bool has_page(const std::vector<model::Page>& pages, const std::string& slug) {
    return std::any_of(pages.begin(), pages.end(), [&](const auto& page) { return page.slug == slug; });
}

}  // namespace

std::string unbreakable_phone(const std::string& phone) {
    std::string text;
    for (char c : phone) {
        if (c == ' ') text += "\u00a0";
        else if (c == '-') text += "\u2011";
        else text += c;
    }
    return text;
}

std::string shortened_title(const std::string& title, std::size_t max_characters) {
    auto characters = [](const std::string& text) {
        return static_cast<std::size_t>(
            std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    };
    if (characters(title) <= max_characters) return title;
    // Whole words while they fit, leaving room for the ellipsis.
    std::string shortened;
    std::size_t start = 0;
    while (start < title.size()) {
        std::size_t end = title.find(' ', start);
        if (end == std::string::npos) end = title.size();
        std::string candidate = shortened + (shortened.empty() ? "" : " ") + title.substr(start, end - start);
        if (characters(candidate) + 1 > max_characters) break;
        shortened = std::move(candidate);
        start = end + 1;
    }
    if (shortened.empty()) return title;  // one long word: CSS wraps it
    // «… с низкими …», not «… с …»: a trailing preposition or conjunction goes too.
    for (;;) {
        auto space = shortened.rfind(' ');
        if (space == std::string::npos || characters(shortened.substr(space + 1)) > 2) break;
        shortened.erase(space);
    }
    while (!shortened.empty() && (shortened.back() == ',' || shortened.back() == ':' || shortened.back() == ';'))
        shortened.pop_back();
    return shortened + "…";
}

Data base_data(const model::Site& site, const BuildContext& context, const std::string& path,
               const std::string& title, const std::string& section) {
    Data data;
    std::string root = path == "404.html" ? url_path_of(context.base_url) : root_prefix_of(path);
    set(data, "root", root);
    set(data, "asset_root", root);
    set(data, "home_href", root.empty() ? std::string("./") : root);
    set(data, "page_path", path);
    set(data, "vi", false);
    set(data, "title", title);
    set(data, "head_title", head_title(title, site.config.district.name));
    set(data, "site_title", site.config.title);
    // The header on phones: short_title, or the title cut at a word (two lines at 360 px).
    std::string short_title = site.config.short_title;
    if (short_title.empty()) {
        short_title = shortened_title(site.config.title, kHeaderTitleCharacters);
        if (short_title == site.config.title) short_title.clear();
    }
    put(data, "short_title", short_title);
    // A school's own site (`--school`) has its glossary in its section.
    set(data, "glossary_href", context.school_build.empty() ? std::string("glossary/")
                                                            : "schools/" + context.school_build + "/glossary/");
    const auto& district = site.config.district;
    put(data, "district_name", district.name);
    put(data, "region", district.region);
    put(data, "authority", district.authority);
    put(data, "district_address", district.address);
    put(data, "district_phone", phone_text(district.phone));
    put(data, "district_phone_href", tel_href(district.phone));
    put(data, "district_email", district.email);
    put(data, "district_website", linkable(district.website));
    auto as_of = context.page_dates ? context.page_dates->of(path) : std::nullopt;
    put(data, "as_of", as_of ? as_of->russian() : std::string());
    put(data, "as_of_iso", as_of ? as_of->iso() : std::string());
    set(data, "canonical", context.base_url + path);
    set(data, "base_url", context.base_url);  // absolute file URLs printed on paper (data-url)
    set(data, "glossary", has_page(site.district.pages, "glossary"));
    set(data, "has_vi_copy", path != "404.html");

    const std::pair<const char*, const char*> items[] = {
        {"home", "Главная"},        {"programs", "Программы и дорожные карты"},
        {"schools", "Школы"},       {"indicators", "Показатели"},
        {"documents", "Документы"}, {"news", "Новости"}};
    List nav;
    nav.reserve(std::size(items));
    for (const auto& [key, label] : items) {
        Data item;
        std::string key_text = key;
        set(item, "label", std::string(label));
        set(item, "href", key_text == "home" ? std::string() : key_text + "/");
        set(item, "is_home", key_text == "home");
        set(item, "current", section == key_text);
        set(item, "current_page", path == (key_text == "home" ? std::string() : key_text + "/"));
        nav.push_back(std::move(item));
    }
    set(data, "nav", std::move(nav));
    return data;
}

}  // namespace shnor::view::detail
