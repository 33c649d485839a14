// sitemap.xml, robots.txt and the Atom feed of all news: the only places
// where URLs are absolute, because those standards ask for it.
#include "render/escape.hpp"
#include "render/markdown.hpp"
#include "view/view.hpp"

#include <algorithm>
#include <set>

namespace shnor::view {

namespace {

using render::escape_xml;

constexpr std::size_t kSummaryLength = 300;  // characters, not bytes

struct FeedEntry {
    const model::NewsItem* item;
    std::string path;  // page of the news item, relative to the site root
};

std::vector<FeedEntry> all_news_newest_first(const model::Site& site) {
    std::vector<FeedEntry> entries;
    for (const auto& item : site.district.news) entries.push_back({&item, "news/" + item.id + "/"});
    for (const auto& school : site.schools)
        for (const auto& item : school.own.news)
            entries.push_back({&item, "schools/" + school.slug + "/news/" + item.id + "/"});
    std::stable_sort(entries.begin(), entries.end(), [](const FeedEntry& a, const FeedEntry& b) {
        if (a.item->date != b.item->date) return a.item->date > b.item->date;
        return a.path < b.path;
    });
    return entries;
}

std::string atom_time(const model::Date& date) { return date.iso() + "T00:00:00Z"; }

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The first words of the body as one line, cut at a word boundary.
std::string summary_of(const std::string& markdown) {
    std::string text;
    bool space = false;
    for (char c : render::markdown_to_plain_text(markdown)) {
        bool is_space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (is_space) {
            space = !text.empty();
            continue;
        }
        if (space) text += ' ';
        space = false;
        text += c;
    }
    std::size_t characters = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (is_utf8_continuation(text[i])) continue;
        if (++characters > kSummaryLength) {
            std::size_t cut = text.rfind(' ', i);
            return text.substr(0, cut == std::string::npos || cut == 0 ? i : cut) + "…";
        }
    }
    return text;
}

std::string robots(const BuildContext& context) {
    return "User-agent: *\nAllow: /\nSitemap: " + context.base_url + "sitemap.xml\n";
}

std::string feed_author(const model::Site& site) {
    const auto& district = site.config.district;
    if (!district.authority.empty()) return district.authority;
    if (!district.name.empty()) return district.name;
    return site.config.title;
}

std::string atom_entry(const FeedEntry& entry, const BuildContext& context) {
    std::string url = escape_xml(context.base_url + entry.path);
    std::string xml = "  <entry>\n";
    xml += "    <title>" + escape_xml(entry.item->title) + "</title>\n";
    xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + url + "\"/>\n";
    xml += "    <id>" + url + "</id>\n";
    xml += "    <published>" + atom_time(entry.item->date) + "</published>\n";
    xml += "    <updated>" + atom_time(entry.item->date) + "</updated>\n";
    // A light part's item has no body, only its summary.
    std::string summary =
        entry.item->body.empty() ? entry.item->feed_summary : summary_of(entry.item->body);
    if (!summary.empty()) xml += "    <summary>" + escape_xml(summary) + "</summary>\n";
    xml += "  </entry>\n";
    return xml;
}

// Chunks of a file go to the sink in blocks of about this size.
constexpr std::size_t kChunk = 1 << 16;

void flush_if_full(std::string& chunk, TextSink& sink) {
    if (chunk.size() < kChunk) return;
    sink.append(chunk);
    chunk.clear();
}

void write_sitemap(const model::Site& site, const BuildContext& context, std::vector<std::string> page_paths,
                   TextSink& sink) {
    std::erase(page_paths, "404.html");
    std::sort(page_paths.begin(), page_paths.end());
    page_paths.erase(std::unique(page_paths.begin(), page_paths.end()), page_paths.end());
    PageDates dates(site, context.build_date);
    sink.begin("sitemap.xml");
    std::string chunk = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    for (const auto& path : page_paths) {
        append_sitemap_url(context, path, dates, chunk);
        flush_if_full(chunk, sink);
    }
    chunk += "</urlset>\n";
    sink.append(chunk);
    sink.end();
}

void write_atom_feed(const model::Site& site, const BuildContext& context, TextSink& sink) {
    auto entries = all_news_newest_first(site);
    // No news: the home page's date (a rebuild on a later day keeps the feed);
    // the build date only for a site with no date at all.
    model::Date updated = !entries.empty() ? entries.front().item->date
                                           : PageDates(site, context.build_date, PageDates::Scope::district_pages)
                                                 .of("")
                                                 .value_or(context.build_date);
    sink.begin("news/feed.xml");
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    xml += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" + escape_xml(site.config.language) + "\">\n";
    xml += "  <title>" + escape_xml(site.config.title.empty() ? "Новости" : site.config.title + " — новости") +
           "</title>\n";
    xml += "  <id>" + escape_xml(context.base_url + "news/") + "</id>\n";
    xml += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" + escape_xml(context.base_url + "news/feed.xml") +
           "\"/>\n";
    xml += "  <link rel=\"alternate\" type=\"text/html\" href=\"" + escape_xml(context.base_url + "news/") + "\"/>\n";
    xml += "  <updated>" + atom_time(updated) + "</updated>\n";
    xml += "  <author><name>" + escape_xml(feed_author(site)) + "</name></author>\n";
    for (const auto& entry : entries) {
        xml += atom_entry(entry, context);
        flush_if_full(xml, sink);
    }
    xml += "</feed>\n";
    sink.append(xml);
    sink.end();
}

// Collects the files whole (feeds()).
class FilesSink : public TextSink {
public:
    std::vector<TextFile> files;
    void begin(const std::string& path) override { files.push_back({path, {}}); }
    void append(std::string_view bytes) override { files.back().bytes += bytes; }
    void end() override {}
};

}  // namespace

void append_sitemap_url(const BuildContext& context, const std::string& path, const PageDates& dates,
                        std::string& xml) {
    xml += "  <url><loc>" + escape_xml(context.base_url + path) + "</loc>";
    if (auto date = dates.of(path)) xml += "<lastmod>" + date->iso() + "</lastmod>";
    xml += "</url>\n";
}

std::string feed_summary(const std::string& markdown) { return summary_of(markdown); }

std::string sitemap_urls(const BuildContext& context, const std::vector<std::string>& sorted_paths,
                         const PageDates& dates) {
    std::string xml;
    for (const auto& path : sorted_paths) append_sitemap_url(context, path, dates, xml);
    return xml;
}

void write_feeds(const model::Site& site, const BuildContext& context, std::vector<std::string> page_paths,
                 TextSink& sink) {
    write_sitemap(site, context, std::move(page_paths), sink);
    sink.begin("robots.txt");
    sink.append(robots(context));
    sink.end();
    write_atom_feed(site, context, sink);
}

std::vector<TextFile> feeds(const model::Site& site, const BuildContext& context,
                            const std::vector<std::string>& page_paths) {
    FilesSink sink;
    write_feeds(site, context, page_paths, sink);
    return std::move(sink.files);
}

}  // namespace shnor::view
