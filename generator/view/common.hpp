// Shared pieces of the HTML page data: text and Markdown fields, status
// tags, people, categories, progress, and links between content items.
// Internal to view/.
#pragma once

#include "derive/derive.hpp"
#include "model/model.hpp"
#include "view/view.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace shnor::view::detail {

// kainjow looks a missing key up in the enclosing contexts, so an absent
// optional field would show its parent's value: empty fields are set to false.
void put(Data& data, const std::string& key, const std::string& value);
void put_markdown(Data& data, const std::string& key, const std::string& markdown);
void put_plain(Data& data, const std::string& key, const std::string& text);
void put_list(Data& data, const std::string& key, const List& list);
List string_list(const std::vector<std::string>& values);

// Russian number formatting: a decimal comma, trailing zeros dropped.
std::string format_number(double value, int max_decimals = 1);
std::string file_size_text(std::uintmax_t bytes);  // «1,2 МБ»
std::string tel_href(const std::string& phone);    // «tel:+73836100000»
std::string date_text(const std::optional<model::Date>& date);
std::string period_text(const std::optional<model::DateRange>& period);

std::string status_key(model::ShownStatus status);   // CSS modifier: done, overdue...
std::string status_word(model::ShownStatus status);  // «Выполнено»
Data status_tag(model::ShownStatus status);

std::string document_kind_plural(const std::string& kind);  // «Приказы»
std::string program_kind_word(const std::string& kind);     // «Программа»

Data person_data(const model::Person& person);
Data progress_data(const derive::Progress& progress);
derive::Progress count_items(const std::vector<const model::RoadmapItem*>& items);

// One link: `internal` links are relative to the site root and written as
// {{root}}{{href}}; outside URLs as they are.
Data link_data(const std::string& text, const std::string& href, bool internal);
bool is_url(const std::string& text);

// Resolves references written in content (document ids, `news:<id>`, school
// slugs, roadmap items) within one scope: a school's own items first, then
// the district's.
class Links {
public:
    Links(const model::Site& site, const model::School* school);

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

    const model::Site& site() const { return site_; }
    const model::School* school() const { return school_; }

private:
    const model::Site& site_;
    const model::School* school_;
};

std::string item_anchor(const std::string& prefix, const std::string& n, int ordinal);

// A roadmap's sections as tables for layouts/partials/roadmap_table.mustache.
// `anchor_prefix` keeps row ids unique when a page shows several roadmaps.
// `only_school` limits rows to the items concerning that school slug.
List roadmap_tables(const model::Roadmap& roadmap, const Links& links, const std::string& anchor_prefix,
                    const std::string& only_school = {});
Data roadmap_summary(const model::Roadmap& roadmap, const Links& links);

Data document_data(const model::Document& document, const Links& links);
Data news_summary(const model::NewsItem& item, const std::string& href);
Data news_data(const model::NewsItem& item, const Links& links);

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

void add_district_pages(const model::Site& site, const BuildContext& context, std::vector<PageSpec>& pages);
void add_school_pages(const model::Site& site, const model::School& school, const BuildContext& context,
                      std::vector<PageSpec>& pages);

// The items of district roadmaps that name a school.
std::vector<const model::RoadmapItem*> district_items_of(const model::Site& site, const std::string& slug);
std::vector<const model::RoadmapItem*> items_of(const std::vector<model::Roadmap>& roadmaps);

}  // namespace shnor::view::detail
