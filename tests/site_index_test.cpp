#include "view/common.hpp"
#include "view/site_index.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace shnor;
using view::detail::Links;
using view::detail::SiteIndex;

namespace {

model::RoadmapItem numbered(std::string n, std::string title) {
    model::RoadmapItem item;
    item.n = std::move(n);
    item.title = std::move(title);
    return item;
}

model::Roadmap roadmap(std::string id, std::vector<model::RoadmapItem> items) {
    model::Roadmap result;
    result.id = std::move(id);
    result.title = "План " + result.id;
    result.sections.push_back({"1", "Раздел", std::move(items)});
    return result;
}

model::NewsItem news(std::string id, std::string title, std::string roadmap_item = {}) {
    model::NewsItem item;
    item.id = std::move(id);
    item.title = std::move(title);
    item.date = model::Date{2024, 5, 1};
    item.roadmap_item = std::move(roadmap_item);
    return item;
}

model::School school(std::string slug) {
    model::School result;
    result.slug = std::move(slug);
    result.name = "Школа " + result.slug;
    return result;
}

// The district and schools a, b, c share roadmap ids on purpose: «plan» is
// the district's and also a's; «own» is a's and b's; «only-a» is a's alone.
model::Site overlapping_site() {
    model::Site site;
    site.district.roadmaps.push_back(roadmap("plan", {numbered("1", "Районный пункт 1")}));
    site.district.news.push_back(news("2024-05-01-d", "Районная новость", "only-a#1"));

    auto a = school("a");
    a.own.roadmaps.push_back(roadmap("plan", {numbered("1", "Пункт 1 школы a"), numbered("2", "Пункт 2 школы a")}));
    a.own.roadmaps.push_back(roadmap("own", {numbered("1", "Свой пункт a")}));
    a.own.roadmaps.push_back(roadmap("only-a", {numbered("1", "Только у a")}));
    a.own.news.push_back(news("2024-05-02-a", "Новость a", "own#1"));
    site.schools.push_back(a);

    auto b = school("b");
    b.own.roadmaps.push_back(roadmap("own", {numbered("1", "Свой пункт b")}));
    // Written in b's news, «own#1» means b's own item; «only-a#1» can only be a's.
    b.own.news.push_back(news("2024-05-03-b", "Новость b о своём", "own#1"));
    b.own.news.push_back(news("2024-05-04-b", "Новость b о пункте a", "only-a#1"));
    b.own.news.push_back(news("2024-05-01-d", "Новость b с районным id"));
    site.schools.push_back(b);

    auto c = school("c");
    c.own.news.push_back(news("2024-05-05-c", "Новость c", "own#1"));
    c.own.news.push_back(news("2024-05-06-c", "Новость c о несуществующем", "own#9"));
    site.schools.push_back(c);
    return site;
}

const model::RoadmapItem& item_of(const model::Roadmap& roadmap, std::size_t index) {
    return roadmap.sections.at(0).items.at(index);
}

std::vector<std::string> titles_of(const std::vector<view::detail::OwnedNews>& news) {
    std::vector<std::string> titles;
    for (const auto& entry : news) titles.push_back(entry.item->title);
    return titles;
}

std::string text_of(const view::Data& data, const std::string& key) {
    const auto* value = data.get(key);
    REQUIRE(value != nullptr);
    REQUIRE(value->is_string());
    return value->string_value();
}

}  // namespace

TEST_CASE("a roadmap reference resolves to the district's roadmap before a school's of the same id", "[site_index]") {
    auto site = overlapping_site();
    SiteIndex index(site);
    const auto& a = site.schools[0];
    auto target = index.resolve_item(&a, "plan#1");
    CHECK(target.item == &item_of(site.district.roadmaps[0], 0));
    CHECK(target.href == "roadmaps/plan/#item-1");
    // The district's «plan» has no row 2: a dead end, a's own «plan#2» is not used.
    CHECK(index.resolve_item(&a, "plan#2").item == nullptr);
}

TEST_CASE("a roadmap reference resolves to the referring school's own roadmap before other schools'", "[site_index]") {
    auto site = overlapping_site();
    SiteIndex index(site);
    const auto& a = site.schools[0];
    const auto& b = site.schools[1];
    const auto& c = site.schools[2];
    auto from_b = index.resolve_item(&b, "own#1");
    CHECK(from_b.item == &item_of(b.own.roadmaps[0], 0));
    CHECK(from_b.href == "schools/b/roadmap/#own-item-1");
    // Without an own roadmap of that id: the first school in site order.
    CHECK(index.resolve_item(&c, "own#1").item == &item_of(a.own.roadmaps[1], 0));
    CHECK(index.resolve_item(nullptr, "own#1").item == &item_of(a.own.roadmaps[1], 0));
    CHECK(index.resolve_item(&b, "only-a#1").href == "schools/a/roadmap/#only-a-item-1");
    CHECK(index.resolve_item(&b, "own#9").item == nullptr);
    CHECK(index.resolve_item(&b, "missing#1").item == nullptr);
    CHECK(index.resolve_item(&b, "no-hash").item == nullptr);
}

TEST_CASE("the news reporting on an item are found from every owner, district first, in site order", "[site_index]") {
    auto site = overlapping_site();
    SiteIndex index(site);
    const auto& a = site.schools[0];
    const auto& b = site.schools[1];
    // a's «only-a#1» is reported by the district's news and by b's news.
    CHECK(titles_of(index.news_reporting_on(item_of(a.own.roadmaps[2], 0))) ==
          std::vector<std::string>{"Районная новость", "Новость b о пункте a"});
    // «own#1» means a different item in a's, b's and c's news.
    CHECK(titles_of(index.news_reporting_on(item_of(a.own.roadmaps[1], 0))) ==
          std::vector<std::string>{"Новость a", "Новость c"});
    CHECK(titles_of(index.news_reporting_on(item_of(b.own.roadmaps[0], 0))) ==
          std::vector<std::string>{"Новость b о своём"});
    CHECK(index.news_reporting_on(item_of(site.district.roadmaps[0], 0)).empty());

    Links links(index, nullptr);
    auto reporting = links.news_reporting_on(item_of(a.own.roadmaps[2], 0));
    REQUIRE(reporting.size() == 2);
    CHECK(text_of(reporting[0], "href") == "news/2024-05-01-d/");
    CHECK(text_of(reporting[1], "href") == "schools/b/news/2024-05-04-b/");
    CHECK(text_of(reporting[1], "date") == "01.05.2024");
}

TEST_CASE("news links prefer the scope's own news, then the district's, then schools in site order", "[site_index]") {
    auto site = overlapping_site();
    SiteIndex index(site);
    const auto& b = site.schools[1];
    CHECK(text_of(Links(index, &b).news_link("2024-05-01-d"), "href") == "schools/b/news/2024-05-01-d/");
    CHECK(text_of(Links(index, nullptr).news_link("2024-05-01-d"), "href") == "news/2024-05-01-d/");
    CHECK(text_of(Links(index, &site.schools[0]).news_link("2024-05-01-d"), "href") == "news/2024-05-01-d/");
    CHECK(text_of(Links(index, nullptr).news_link("2024-05-05-c"), "href") == "schools/c/news/2024-05-05-c/");
    auto unknown = Links(index, nullptr).news_link("2099-01-01-x");
    CHECK(text_of(unknown, "text") == "новость 2099-01-01-x");
    CHECK(unknown.get("internal")->is_false());
}

TEST_CASE("schools and district documents are found by slug and id", "[site_index]") {
    auto site = overlapping_site();
    model::Document order;
    order.id = "prikaz-1";
    order.title = "Приказ";
    site.district.documents.push_back(order);
    SiteIndex index(site);
    CHECK(index.find_school("b") == &site.schools[1]);
    CHECK(index.find_school("z") == nullptr);
    CHECK(index.find_district_document("prikaz-1") == &site.district.documents[0]);
    CHECK(index.find_district_document("prikaz-2") == nullptr);
    CHECK(text_of(Links(index, &site.schools[2]).school_link("a"), "text") == "Школа a");
    CHECK(Links(index, &site.schools[2]).document_href("prikaz-1") == "documents/#prikaz-1");
}
