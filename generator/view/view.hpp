// view: model → what each output file needs (Mustache data for HTML pages,
// bytes for open data and feeds).
#pragma once

#include "derive/derive.hpp"
#include "model/date.hpp"
#include "model/model.hpp"
#include "render/glossary.hpp"
#include "render/xlsx.hpp"

#include <kainjow/mustache.hpp>

#include <filesystem>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shnor::derive {
class SiteResults;
struct DistrictLines;
}

namespace shnor::view {

using Data = kainjow::mustache::data;
using List = kainjow::mustache::list;

namespace detail {
class SiteIndex;
}

// A news photo as published (pipeline/photos.hpp makes the images): paths
// relative to the output root, sizes in pixels.
struct PhotoImage {
    std::string path;
    int width = 0;
    int height = 0;
};
struct PublishedPhoto {
    PhotoImage large;                // src, width, height
    std::optional<PhotoImage> small;  // with `large`, the srcset
    std::string original;            // "" unless `publish_original`
};
// By the photo's path in the content (NewsItem::photo_site_paths).
using PublishedPhotos = std::map<std::string, PublishedPhoto>;

class PageDates;

struct BuildContext {
    model::Date build_date;
    std::string base_url;  // absolute, ends with '/'
    // Abbreviations expanded on every page and listed on the glossary page;
    // none when null.
    std::shared_ptr<const render::Glossary> glossary = nullptr;
    // `--school`: the slug of the school whose own site this build makes;
    // its section then has its own glossary page, linked from its footer.
    std::string school_build = {};
    // News photos as published; a photo missing here is not shown.
    std::shared_ptr<const PublishedPhotos> photos = nullptr;
    // Each page's «Сведения на»; set by district_pages() and school_pages()
    // for their pages. A page it has no date for says none.
    std::shared_ptr<const PageDates> page_dates = nullptr;
};

// A part of a page rendered on its own, from its own data only, and put
// where the page's layout prints the mark that add_fragment() returned. A
// build remembers where it landed in the page, so a later build can replace
// just that part when only its data changed (pipeline: the school's text
// from index.md).
struct Fragment {
    std::string key;     // names it in the build record: one word
    std::string layout;  // in layouts/, without ".mustache"
    Data data;
    // When set, called for the data at render time instead of `data`, so a
    // page of many fragments (the schools list: a row each) never holds all
    // their data at once. It may read the model and the SiteIndex, which
    // outlive the rendering of district_pages() and school_pages().
    std::function<Data()> make_data;
    // Its abbreviations get <abbr title> at their first use in it, counted
    // apart from the page's (render/glossary.hpp), so the fragment is the same
    // whatever the page around it.
    bool expand_abbreviations = false;
};

// An HTML page: `path` is the page URL relative to the site root ("" for the
// home page, "schools/x/" for a section, "404.html" for a plain file).
// `layout` is a file name in layouts/ without ".mustache".
struct PageSpec {
    std::string path;
    std::string layout;
    Data data;
    std::vector<Fragment> fragments;
    // Expands the first use of each abbreviation in the page outside its
    // fragments (pipeline: before they are put in place); null: none.
    std::shared_ptr<const render::Glossary> glossary;

    PageSpec() = default;
    PageSpec(std::string path, std::string layout, Data data)
        : path(std::move(path)), layout(std::move(layout)), data(std::move(data)) {}
    PageSpec(const PageSpec&) = default;
    PageSpec& operator=(const PageSpec&) = default;
    // kainjow's data moves without throwing but does not say so; without
    // noexcept here a growing std::vector<PageSpec> deep-copies every page.
    PageSpec(PageSpec&&) noexcept = default;
    PageSpec& operator=(PageSpec&&) noexcept = default;
};

// Adds the fragment to the page; returns the mark the page data must hold
// (printed with `{{{ }}}`) where the fragment goes.
std::string add_fragment(PageSpec& page, Fragment fragment);
// The mark of a page's fragment number `index`, until it is put in place.
// Private-use code points (U+E004) never occur in content.
std::string fragment_mark(std::size_t index);
inline constexpr std::string_view kFragmentMarkStart = "\xEE\x80\x84" "fragment-";
inline constexpr std::string_view kFragmentMarkEnd = "\xEE\x80\x84";

// A file written as it is (open data, feeds, sitemap).
struct TextFile {
    std::string path;  // relative to the output root, e.g. "data/schools.json"
    std::string bytes;
};

// A content file copied unchanged (documents).
struct CopiedFile {
    std::string path;  // relative to the output root
    std::filesystem::path source;
};

std::vector<PageSpec> html_pages(const model::Site& site, const BuildContext& context);
// The same pages in parts, so a build can render them in parallel: the
// district's own pages, and each school's section.
// `index` (view/site_index.hpp) is built once per build and only read, so
// several threads may build pages from it at once.
std::vector<PageSpec> district_pages(const detail::SiteIndex& index, const BuildContext& context);
std::vector<PageSpec> school_pages(const detail::SiteIndex& index, const model::School& school,
                                   const BuildContext& context);
// The school's own text (index.md) on its section's first page: the only
// fragment there is, and the only part of a school that no other page reads.
Fragment school_intro(const model::School& school);
// A school's row of the schools list (schools/index.html): a fragment of
// that page, with lazy data that reads `index` and `school`.
Fragment school_row(const detail::SiteIndex& index, const model::School& school);
std::vector<TextFile> open_data(const model::Site& site, const BuildContext& context);
// The same files in independent parts, to build them in parallel.
std::size_t open_data_parts();
std::vector<TextFile> open_data_part(const model::Site& site, const BuildContext& context, std::size_t part);

// Receives files in chunks, one file at a time: begin(path), append()…,
// end(). The open data of a big region is hundreds of megabytes; a sink that
// writes the chunks out (write::OutputTree::open) never holds a whole file.
class TextSink {
public:
    virtual ~TextSink() = default;
    virtual void begin(const std::string& path) = 0;
    virtual void append(std::string_view bytes) = 0;
    virtual void end() = 0;
    // Where a school's elements lie in the file being written (see
    // school_open_data_spans): bytes from `offset`, counted from the file's start.
    virtual void span(const std::string& key, std::size_t offset, std::size_t length) {
        (void)key, (void)offset, (void)length;
    }
};
// A school's elements of one open-data file (data/schools.* and
// data/roadmaps.*), the same bytes the whole file holds, under the key of
// their span. Empty bytes: the school has no elements there (the span is
// empty and a later element cannot be put in its place: no comma before it).
struct OpenDataSpan {
    std::string path, key, bytes;
};
std::vector<OpenDataSpan> school_open_data_spans(const model::School& school);
// The files of open_data_part(), the same bytes, handed over in chunks.
// `results`: the site's results as derive::SiteResults(site) gives them (a
// SiteIndex's), so that the results parts do not compute their own copy;
// null: computed here.
void write_open_data_part(const model::Site& site, const BuildContext& context, std::size_t part, TextSink& sink,
                          const derive::SiteResults* results = nullptr);
// The parts whose files are school_rows_files() (each school's elements in a
// span): a streaming build writes those with SchoolRowsFile instead.
bool open_data_part_has_school_rows(std::size_t part);
std::vector<std::string> school_rows_files();
// What a streaming build writes a school at a time: the parts of
// school_rows_files(), data/documents.*, data/results.* and data/site.json
// (no spans: the light parts of a streaming build keep few of their
// documents, none of their results rows and no news bodies,
// pipeline/school_parts.hpp).
bool open_data_part_is_streamed(std::size_t part);
std::vector<std::string> school_streamed_files();
// One of school_streamed_files(), written a school at a time in site order (the
// district's elements first), the same bytes write_open_data_part() writes:
// a build that holds only a batch of full schools at once streams them.
namespace detail {
class RowsWriter {
public:
    virtual ~RowsWriter() = default;
    virtual void add(const model::School& school) = 0;
    // The results files read the school's groups (`results`: an index's that has them).
    virtual void add(const model::School& school, const derive::SiteResults& results) {
        (void)results;
        add(school);
    }
    virtual void finish() = 0;
};
}  // namespace detail
class SchoolRowsFile {
public:
    // `district`: the site's district lines (derive::SiteResults::district()),
    // for data/results.*: its computed district rows come after the schools'.
    SchoolRowsFile(const std::string& path, const model::Site& site, const BuildContext& context, TextSink& sink,
                   std::shared_ptr<const derive::DistrictLines> district = nullptr);
    ~SchoolRowsFile();
    SchoolRowsFile(const SchoolRowsFile&) = delete;
    SchoolRowsFile& operator=(const SchoolRowsFile&) = delete;
    // `results`: an index's that has the school's groups (read by data/results.* only).
    void add(const model::School& school, const derive::SiteResults& results);
    void finish();

private:
    std::unique_ptr<detail::RowsWriter> writer_;
};
// The date a page's content last changed, for the sitemap's <lastmod> and
// the page's «Сведения на»: the newest content date the page shows (a news
// item's date; the newest of a news list page, of the documents, of the
// roadmap items' report dates) and the last day the passing of time changed a
// status it shows (derive::last_status_change), never later than the build
// date. Never the build's date or history, so a daily rebuild of the same
// content changes nothing until a deadline passes, and then only the pages
// that show that item. Pages without dated content or statuses (results,
// indicators, free pages) have none.
class PageDates {
public:
    enum class Scope { every_page, district_pages };
    PageDates(const model::Site& site, const model::Date& build_date, Scope scope = Scope::every_page);
    // Only the pages of `school`'s section (`site` gives the district's
    // measures it shows): an incremental build patches their sitemap lines.
    PageDates(const model::Site& site, const model::School& school, const model::Date& build_date);
    std::optional<model::Date> of(const std::string& page_path) const;

private:
    void add_owner(const std::string& prefix, const model::Publications& own);
    void add_school(const model::Site& site, const model::School& school);
    void newest(const std::string& path, const std::optional<model::Date>& date);
    std::map<std::string, model::Date> pages_;     // page path → date
    std::map<std::string, model::Date> roadmaps_;  // "roadmaps/<id>/", "schools/<slug>/roadmap/": every page below
    model::Date build_date_;
};
// The <url> lines of sitemap.xml for these page paths (sorted), one a line.
std::string sitemap_urls(const BuildContext& context, const std::vector<std::string>& sorted_paths,
                         const PageDates& dates);
// One <url> line of sitemap.xml, appended to `xml`.
void append_sitemap_url(const BuildContext& context, const std::string& path, const PageDates& dates, std::string& xml);
// sitemap.xml, robots.txt, news/feed.xml. `page_paths` are the PageSpec paths.
std::vector<TextFile> feeds(const model::Site& site, const BuildContext& context,
                            const std::vector<std::string>& page_paths);
// The same files handed over in chunks: a big district's sitemap and feed
// are tens of MB each, never whole in memory.
void write_feeds(const model::Site& site, const BuildContext& context, std::vector<std::string> page_paths,
                 TextSink& sink);
// What news/feed.xml prints of a news item's Markdown body (its first words
// as plain text), or nothing. Not for its own output: a light part keeps this
// instead of the body (model::NewsItem::feed_summary).
std::string feed_summary(const std::string& markdown);
std::vector<CopiedFile> copied_files(const model::Site& site);

// The workbook (.xlsx) beside an open-data CSV, for people: it is made from
// the CSV's own bytes (pipeline), so an incremental build that patches the
// CSV makes it again and it can never say something else.
struct Spreadsheet {
    std::string path;   // "data/schools.xlsx"
    std::string sheet;  // the sheet's name
    std::vector<render::XlsxColumn> columns;  // in the CSV's order
};
std::optional<Spreadsheet> spreadsheet_of(const std::string& csv_path);
// The «Скачать данные» page (data/): each open-data file with what it holds
// and its size, from `sizes` (output path → bytes). It is rendered after the
// open data, whose sizes it prints; `data_page_files()` are those it lists.
PageSpec data_page(const model::Site& site, const BuildContext& context,
                   const std::map<std::string, std::uint64_t>& sizes);
std::vector<std::string> data_page_files();

// Output file path of a page URL: "" → "index.html", "a/b/" → "a/b/index.html".
std::string output_path_of(const std::string& page_path);
// Relative prefix from a page to the site root: "schools/x/" → "../../".
std::string root_prefix_of(const std::string& page_path);

}  // namespace shnor::view
