// Shared pieces of the HTML page data: text and Markdown fields, status
// tags, people, categories, progress, and links between content items.
// Internal to view/.
#pragma once

#include "derive/derive.hpp"
#include "model/model.hpp"
#include "view/site_index.hpp"
#include "view/view.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace shnor::view::detail {

// News items on a page of a news list (view/page_dates.cpp follows the pages).
inline constexpr std::size_t kNewsPerPage = 10;

// kainjow looks a missing key up in the enclosing contexts, so an absent
// optional field would show its parent's value: empty fields are set to false.
void put(Data& data, const std::string& key, std::string value);
void put_markdown(Data& data, const std::string& key, const std::string& markdown);
void put_plain(Data& data, const std::string& key, const std::string& text);
void put_list(Data& data, const std::string& key, List list);
List string_list(const std::vector<std::string>& values);

// kainjow's own data.set() and Data(list) deep-copy their argument, a whole
// subtree, on every level a page's data is assembled from: these move it in.
// A Data lvalue does not bind, so a copy has to be written out as Data(x).
void set(Data& data, const std::string& key, Data&& value);
void set(Data& data, const std::string& key, std::string value);
void set(Data& data, const std::string& key, const char* value);
void set(Data& data, const std::string& key, List list);
void set(Data& data, const std::string& key, bool value);
Data string_data(std::string text);
Data list_data(List list);

// Russian number formatting: a decimal comma, trailing zeros dropped.
std::string format_number(double value, int max_decimals = 1);
std::string file_size_text(std::uintmax_t bytes);  // «1,2 МБ»
// The site title shortened for the header on phones: whole words, at most
// `max_characters` characters with the closing «…»; the title when it fits.
constexpr std::size_t kHeaderTitleCharacters = 40;
std::string shortened_title(const std::string& title, std::size_t max_characters);
// A phone as a link's text that never breaks inside: no-break spaces and
// hyphens, so a tap target stays one piece.
std::string unbreakable_phone(const std::string& phone);
std::string tel_href(const std::string& phone);    // «tel:+73836100000»
// The <title> of a page: «title — district» within 70 characters (what
// search results show; html-validate's long-title), else the title alone,
// cut at a word with «…» if it is still longer.
std::string head_title(const std::string& title, const std::string& district_name);
// A phone number as shown: spaces and hyphens made non-breaking, so that a
// number never wraps in the middle (html-validate's tel-non-breaking).
std::string phone_text(const std::string& phone);
// Whole percentages of `counts` that add up to exactly 100 (largest
// remainders); every non-zero count gets at least 1. All zero: all zero.
std::vector<int> percent_steps(const std::vector<int>& counts);
std::string date_text(const std::optional<model::Date>& date);
std::string period_text(const std::optional<model::DateRange>& period);

// Russian plural of a noun after a number: 1 мероприятие, 2 мероприятия,
// 5 мероприятий, 11 мероприятий, 21 мероприятие.
const std::string& plural_form(long long count, const std::string& one, const std::string& few,
                               const std::string& many);
std::string count_text(long long count, const std::string& one, const std::string& few, const std::string& many);
std::string items_text(long long count);  // «2 мероприятия»

std::string status_key(model::ShownStatus status);   // CSS modifier and URL part: done, in-progress...
std::string status_word(model::ShownStatus status);  // «Выполнено»
std::string status_listing_title(model::ShownStatus status);  // «Просроченные мероприятия»
Data status_tag(model::ShownStatus status);
// Statuses in the order they are listed: what needs attention first.
const std::vector<model::ShownStatus>& listed_statuses();
int count_of(const derive::Progress& progress, model::ShownStatus status);

std::string document_kind_plural(const std::string& kind);  // «Приказы»
std::string program_kind_word(const std::string& kind);     // «Программа»

Data person_data(const model::Person& person);
// Counts by status, the «выполнено N из M» line and the bar. With a
// `listing_base` ("roadmaps/x/status/") each count links to the page listing
// the items of that status: listing_base + key + "/" + fragment. On a listing
// page `current` is the status it lists (marked aria-current).
Data progress_data(const derive::Progress& progress, const std::string& listing_base = {},
                   const std::string& fragment = {}, std::optional<model::ShownStatus> current = std::nullopt);
derive::Progress count_items(const std::vector<const model::RoadmapItem*>& items);
// «План завершён 31.12.2020: отчёты опубликованы по 1 из 2 мероприятий».
std::string finished_line(const model::Roadmap& roadmap, const derive::Progress& progress);
// An entry of a «Завершённые планы» list: title, href, period, line.
Data finished_plan_data(const model::Roadmap& roadmap, const derive::Progress& progress, const std::string& href);

// One link: `internal` links are relative to the site root and written as
// {{root}}{{href}}; outside URLs as they are.
// An external href (internal = false) that is not http(s), mailto, tel or a
// relative path is left out: load/ refuses such addresses in content, and
// this keeps one that came another way (a fetched source) out of the page.
Data link_data(const std::string& text, const std::string& href, bool internal);
// `url` when a link may have it, "" otherwise.
std::string linkable(const std::string& url);
bool is_url(const std::string& text);

// Resolves references written in content (document ids, `news:<id>`, school
// slugs, roadmap items) within one scope: a school's own items first, then
// the district's. Site-wide lookups go through the build's SiteIndex.
class Links {
public:
    Links(const SiteIndex& index, const model::School* school);

    const model::Document* find_document(const std::string& id) const;
    std::string document_href(const std::string& id) const;  // "documents/#id", site-root relative
    // A text that may be a document id: a link with the document's title, or the text itself.
    Data reference(const std::string& text) const;
    Data evidence(const std::string& ref) const;
    Data school_link(const std::string& slug) const;
    const model::School* find_school(const std::string& slug) const;
    Data news_link(const std::string& news_id) const;
    // "<roadmap id>#<n>" → a link to the row, or false when unknown.
    Data roadmap_item_link(const std::string& reference) const;
    // The news (district and schools) whose `roadmap_item` points to this item, as links.
    List news_reporting_on(const model::RoadmapItem& item) const;

    const model::Site& site() const { return index_.site(); }
    const SiteIndex& index() const { return index_; }
    const model::School* school() const { return school_; }

private:
    const SiteIndex& index_;
    const model::School* school_;
};

std::string item_anchor(const std::string& prefix, const std::string& n, int ordinal);
bool has_item_numbers(const model::Roadmap& roadmap);  // any item with `n`: the tables draw a «№» column

// Which rows of a roadmap a table shows.
struct RowFilter {
    std::string only_school;                       // items concerning this school slug
    std::optional<model::ShownStatus> only_status;  // items shown with this status
    // Set on status listings: each row links to its place on this full page.
    std::string full_page;
};

// A roadmap's sections as tables for layouts/partials/roadmap_table.mustache.
// `anchor_prefix` keeps row ids unique when a page shows several roadmaps.
List roadmap_tables(const model::Roadmap& roadmap, const Links& links, const std::string& anchor_prefix,
                    const RowFilter& filter = {});
Data roadmap_summary(const model::Roadmap& roadmap, const Links& links);

Data document_data(const model::Document& document, const Links& links);
Data news_summary(const model::NewsItem& item, const std::string& href);
// `published`: the news photos as published (BuildContext::photos); null shows none.
Data news_data(const model::NewsItem& item, const Links& links, const PublishedPhotos* published);

Data category_data(const model::Category& category, const Links& links);
std::string category_short(const std::string& type);  // «ШНОР», «ШНСУ», «группа риска»

// The data every page has (layouts/base.mustache).
Data base_data(const model::Site& site, const BuildContext& context, const std::string& path,
               const std::string& title, const std::string& section);

using Crumbs = std::vector<std::pair<std::string, std::string>>;  // text, site-root-relative href

// A page with the base data filled; callers add the layout's own keys.
PageSpec make_page(const model::Site& site, const BuildContext& context, const std::string& path,
                   const std::string& layout, const std::string& title, const std::string& section,
                   const Crumbs& crumbs);

// A programme's passport, body, indicators and the roadmaps implementing it.
// `roadmap_href` gives the page of a roadmap of the same scope.
Data program_data(const model::Program& program, const std::vector<model::Roadmap>& roadmaps,
                  const std::function<std::string(const std::string& roadmap_id)>& roadmap_href, const Links& links);

// "<base>", "<base>page/2/", ... ten news a page, plus a page per news item.
void add_news_pages(const model::Site& site, const BuildContext& context, const std::vector<model::NewsItem>& news,
                    const std::string& base, const Links& links, const std::string& section, const Crumbs& crumbs,
                    const Data& extra, std::vector<PageSpec>& pages);
Data documents_data(const std::vector<model::Document>& documents, const Links& links);

void add_district_pages(const SiteIndex& index, const BuildContext& context, std::vector<PageSpec>& pages);
void add_school_pages(const SiteIndex& index, const model::School& school, const BuildContext& context,
                      std::vector<PageSpec>& pages);

// Where the status listings of a roadmap live: "roadmaps/<id>/status/" and
// "schools/<slug>/roadmap/status/"; a listing is <base><status key>/.
std::string roadmap_listing_base(const std::string& roadmap_id);
std::string school_roadmap_listing_base(const std::string& slug);

// Which roadmaps' items: the current ones (progress of the home page, the
// schools list, a school's first screen) or all, finished included.
enum class Plans { current, all };
// The items of district roadmaps that name a school (or all schools).
std::vector<const model::RoadmapItem*> district_items_of(const model::Site& site, const std::string& slug, Plans plans);
std::vector<const model::RoadmapItem*> items_of(const std::vector<model::Roadmap>& roadmaps, Plans plans);

}  // namespace shnor::view::detail
