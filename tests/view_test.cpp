#include "derive/derive.hpp"
#include "view/common.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

using namespace shnor;

namespace {

model::RoadmapItem item(std::string n, std::string title, model::Status status, std::optional<model::Date> due) {
    model::RoadmapItem result;
    result.n = std::move(n);
    result.title = std::move(title);
    result.when = "Март 2024";
    result.status = status;
    result.status_given = true;
    result.due = due;
    result.responsible = {"Управление образования"};
    return result;
}

model::Site small_site() {
    model::Site site;
    site.config.title = "Сопровождение школ";
    site.config.base_url = "https://edu.example/shnor/";
    site.config.district.name = "Барабинский район";
    site.config.district.region = "Новосибирская область";
    site.config.district.authority = "Управление образования";
    site.config.district.schools_total = 23;
    site.config.coordinator.name = "Желтякова Н. П.";
    site.config.coordinator.phone = "+7 (383-61) 0-00-01";

    model::Document order;
    order.id = "prikaz-145-2024";
    order.kind = "order";
    order.title = "Об утверждении дорожной карты";
    order.number = "145";
    order.date = model::Date{2024, 4, 3};
    order.site_path = "files/prikaz-145.pdf";
    order.file_type = "PDF";
    order.file_size = 1258291;
    site.district.documents.push_back(order);

    model::NewsItem news;
    news.id = "2024-04-10-seminar";
    news.title = "Семинар для координаторов";
    news.date = model::Date{2024, 4, 10};
    news.roadmap_item = "plan-2024#1.1";
    news.schools = {"sosh-1"};
    news.body = "Прошёл **семинар**.";
    site.district.news.push_back(news);

    model::Roadmap roadmap;
    roadmap.id = "plan-2024";
    roadmap.title = "Дорожная карта на 2024 год";
    roadmap.approved_by = "prikaz-145-2024";
    model::RoadmapSection first{"1", "Организационные меры", {}};
    auto done = item("1.1", "Назначить координаторов", model::Status::done, model::Date{2024, 3, 31});
    done.evidence = {"prikaz-145-2024", "news:2024-04-10-seminar", "https://example.org/report"};
    done.schools = {"sosh-1"};
    done.example = true;
    first.items.push_back(done);
    first.items.push_back(item("1.2", "Провести анализ", model::Status::planned, model::Date{2024, 5, 31}));
    model::RoadmapSection second{"2", "Методическая поддержка", {}};
    auto ongoing = item("2.1", "Консультации", model::Status::in_progress, std::nullopt);
    ongoing.when = "постоянно";
    second.items.push_back(ongoing);
    second.items.push_back(item("2.2", "Семинар", model::Status::planned, model::Date{2025, 5, 31}));
    roadmap.sections = {first, second};
    site.district.roadmaps.push_back(roadmap);

    model::School first_school;
    first_school.slug = "sosh-1";
    first_school.name = "МКОУ СОШ № 1";
    first_school.short_name = "СОШ № 1";
    first_school.coordinator.name = "Иванова А. А.";
    first_school.coordinator.email = "school1@example.org";
    first_school.categories.push_back({"shnor", 2024, "prikaz-145-2024", {"Низкие результаты ОГЭ по математике"}});
    model::ResultRow row;
    row.exam = "ОГЭ";
    row.subject = "Математика";
    row.grade = 9;
    row.year = 2024;
    row.mean = 3.1;
    row.scale = 5;
    row.fail_share = 28.6;
    first_school.results.push_back(row);
    model::NewsItem school_news;
    school_news.id = "2024-05-01-open-lesson";
    school_news.title = "Открытый урок";
    school_news.date = model::Date{2024, 5, 1};
    first_school.own.news.push_back(school_news);
    site.schools.push_back(first_school);

    model::School second_school;
    second_school.slug = "kvashninskaya";
    second_school.name = "МКОУ Квашнинская СОШ";
    second_school.categories.push_back({"shnsu", 2023, "Приказ министерства", {"Высокая доля детей из семей в трудной ситуации"}});
    site.schools.push_back(second_school);

    derive::derive_site(site, model::Date{2024, 11, 1});
    // The derive stage may be richer than this test needs; pin the one item the
    // assertions depend on to the status its dates imply.
    site.district.roadmaps[0].sections[1].items[0].derived.ongoing = true;
    site.district.roadmaps[0].sections[1].items[0].derived.shown = model::ShownStatus::ongoing;
    return site;
}

view::BuildContext context() { return {model::Date{2024, 11, 1}, "https://edu.example/shnor/"}; }

const view::PageSpec& page_at(const std::vector<view::PageSpec>& pages, const std::string& path) {
    auto found = std::find_if(pages.begin(), pages.end(), [&](const auto& page) { return page.path == path; });
    REQUIRE(found != pages.end());
    return *found;
}

std::string text_of(const view::Data& data, const std::string& key) {
    const auto* value = data.get(key);
    REQUIRE(value != nullptr);
    REQUIRE(value->is_string());
    return value->string_value();
}

}  // namespace

TEST_CASE("html_pages gives every page of the district and school sections", "[view]") {
    auto pages = view::html_pages(small_site(), context());
    std::set<std::string> paths;
    for (const auto& page : pages) CHECK(paths.insert(page.path).second);  // no page twice
    std::set<std::string> expected = {"",
                                      "programs/",
                                      "roadmaps/plan-2024/",
                                      // Status listings only for statuses that have items.
                                      "roadmaps/plan-2024/status/done/",
                                      "roadmaps/plan-2024/status/ongoing/",
                                      "roadmaps/plan-2024/status/overdue/",
                                      "roadmaps/plan-2024/status/planned/",
                                      "indicators/",
                                      "schools/",
                                      "documents/",
                                      "news/",
                                      "news/2024-04-10-seminar/",
                                      "glossary/",
                                      "404.html",
                                      "schools/sosh-1/",
                                      "schools/sosh-1/roadmap/",
                                      "schools/sosh-1/roadmap/status/done/",
                                      "schools/sosh-1/results/",
                                      "schools/sosh-1/documents/",
                                      "schools/sosh-1/news/",
                                      "schools/sosh-1/news/2024-05-01-open-lesson/",
                                      "schools/kvashninskaya/",
                                      "schools/kvashninskaya/roadmap/",
                                      "schools/kvashninskaya/results/",
                                      "schools/kvashninskaya/documents/",
                                      "schools/kvashninskaya/news/"};
    CHECK(paths == expected);
    CHECK(page_at(pages, "roadmaps/plan-2024/").layout == "roadmap");
    CHECK(page_at(pages, "schools/sosh-1/").layout == "school");
    CHECK(page_at(pages, "404.html").layout == "not_found");
}

TEST_CASE("every page has the base data with its root prefix", "[view]") {
    auto pages = view::html_pages(small_site(), context());
    for (const auto& page : pages) {
        INFO(page.path);
        CHECK(text_of(page.data, "site_title") == "Сопровождение школ");
        CHECK(text_of(page.data, "district_name") == "Барабинский район");
        CHECK(text_of(page.data, "canonical") == "https://edu.example/shnor/" + page.path);
        // «Сведения на» a date of what the page shows, never one to come (quiet_rebuilds_test).
        const auto* as_of = page.data.get("as_of_iso");
        if (as_of && as_of->is_string()) CHECK(as_of->string_value() <= "2024-11-01");
        CHECK(page.data.get("nav")->is_list());
        CHECK_FALSE(text_of(page.data, "title").empty());
    }
    CHECK(text_of(page_at(pages, "").data, "root") == "");
    CHECK(text_of(page_at(pages, "roadmaps/plan-2024/").data, "root") == "../../");
    CHECK(text_of(page_at(pages, "schools/sosh-1/news/2024-05-01-open-lesson/").data, "root") == "../../../../");
    // 404.html is served at any URL, so its links start from the site's path.
    CHECK(text_of(page_at(pages, "404.html").data, "root") == "/shnor/");
}

TEST_CASE("a roadmap page has one table per section with status words and row anchors", "[view]") {
    auto pages = view::html_pages(small_site(), context());
    const auto& roadmap = *page_at(pages, "roadmaps/plan-2024/").data.get("roadmap");
    const auto& tables = roadmap.get("tables")->list_value();
    REQUIRE(tables.size() == 2);
    CHECK(text_of(tables[0], "caption") == "Раздел 1. Организационные меры");
    const auto& rows = tables[0].get("rows")->list_value();
    REQUIRE(rows.size() == 2);
    CHECK(text_of(rows[0], "anchor") == "item-1-1");
    CHECK(text_of(*rows[0].get("status"), "word") == "Выполнено");
    CHECK(text_of(*rows[1].get("status"), "word") == "Просрочено");  // due 31.05.2024, not done by 01.11.2024
    CHECK(rows[0].get("example")->is_true());
    CHECK(text_of(*tables[1].get("rows")->list_value()[0].get("status"), "word") == "Постоянно");

    const auto& evidence = rows[0].get("evidence")->list_value();
    REQUIRE(evidence.size() == 3);
    CHECK(text_of(evidence[0], "href") == "documents/#prikaz-145-2024");
    CHECK(text_of(evidence[0], "text") == "Об утверждении дорожной карты");
    CHECK(text_of(evidence[1], "href") == "news/2024-04-10-seminar/");
    CHECK(text_of(evidence[1], "text") == "Семинар для координаторов");
    CHECK(text_of(evidence[2], "href") == "https://example.org/report");
    CHECK(evidence[2].get("internal")->is_false());

    const auto& progress = *roadmap.get("progress");
    CHECK(text_of(progress, "summary") == "выполнено 1 из 4");
    CHECK(text_of(*roadmap.get("approved_by"), "href") == "documents/#prikaz-145-2024");
}

TEST_CASE("the school page answers why it is on the list and whom to ask", "[view]") {
    auto pages = view::html_pages(small_site(), context());
    const auto& page = page_at(pages, "schools/sosh-1/").data;
    const auto& school = *page.get("school");
    const auto& categories = school.get("categories")->list_value();
    REQUIRE(categories.size() == 1);
    CHECK(text_of(categories[0], "short") == "ШНОР");
    CHECK(text_of(categories[0], "year") == "2024");
    CHECK(text_of(*categories[0].get("basis"), "href") == "documents/#prikaz-145-2024");
    CHECK(categories[0].get("reasons")->list_value()[0].string_value() == "Низкие результаты ОГЭ по математике");
    CHECK(page.get("on_list")->is_true());
    // One district item concerns the school, and it is done.
    CHECK(text_of(*page.get("district_progress"), "summary") == "выполнено 1 из 1");
    CHECK(text_of(*school.get("coordinator"), "email") == "school1@example.org");
    CHECK(text_of(*page.get("district_coordinator"), "phone_href") == "tel:+73836100001");
    const auto& latest = page.get("latest_results")->list_value();
    REQUIRE(latest.size() == 1);
    const auto& parts = latest[0].get("parts")->list_value();
    REQUIRE(parts.size() == 1);
    CHECK(text_of(parts[0], "text") == "средний балл по математике 3,1 (2024), сравнить пока не с чем");

    const auto& other = page_at(pages, "schools/kvashninskaya/").data;
    const auto& basis = *other.get("school")->get("categories")->list_value()[0].get("basis");
    CHECK(text_of(basis, "text") == "Приказ министерства");
    CHECK(basis.get("href")->is_false());  // free text, not a document id
}

TEST_CASE("documents are grouped by kind with file type and size", "[view]") {
    auto pages = view::html_pages(small_site(), context());
    const auto& documents = *page_at(pages, "documents/").data.get("documents");
    const auto& groups = documents.get("groups")->list_value();
    REQUIRE(groups.size() == 1);
    CHECK(text_of(groups[0], "anchor") == "kind-order");
    const auto& document = groups[0].get("documents")->list_value()[0];
    CHECK(text_of(document, "id") == "prikaz-145-2024");
    CHECK(text_of(document, "number_date") == "№ 145 от 03.04.2024");
    CHECK(text_of(*document.get("file"), "info") == "PDF, 1,2 МБ");
    CHECK(text_of(*document.get("file"), "href") == "files/prikaz-145.pdf");
}

TEST_CASE("news pages link their roadmap item and paginate by ten", "[view]") {
    auto site = small_site();
    auto pages = view::html_pages(site, context());
    const auto& item = *page_at(pages, "news/2024-04-10-seminar/").data.get("news_item");
    CHECK(text_of(*item.get("roadmap_item"), "href") == "roadmaps/plan-2024/#item-1-1");
    CHECK(text_of(item, "body_html").find("<strong>семинар</strong>") != std::string::npos);
    CHECK(text_of(item.get("schools")->list_value()[0], "text") == "СОШ № 1");

    for (int day = 1; day <= 20; ++day) {
        auto extra = site.district.news[0];
        extra.id = "2024-06-" + std::string(day < 10 ? "0" : "") + std::to_string(day) + "-extra";
        site.district.news.push_back(extra);
    }
    pages = view::html_pages(site, context());
    const auto& first = page_at(pages, "news/").data;
    CHECK(first.get("news")->list_value().size() == 10);
    CHECK(text_of(*first.get("pagination"), "next_href") == "news/page/2/");
    const auto& last = page_at(pages, "news/page/3/").data;
    CHECK(last.get("news")->list_value().size() == 1);
    CHECK(text_of(*last.get("pagination"), "prev_href") == "news/page/2/");
    CHECK(last.get("pagination")->get("next_href")->is_false());
}

TEST_CASE("the results page has a table per exam and subject with Russian numbers", "[view]") {
    auto pages = view::html_pages(small_site(), context());
    const auto& groups = page_at(pages, "schools/sosh-1/results/").data.get("groups")->list_value();
    REQUIRE(groups.size() == 1);
    CHECK(text_of(groups[0], "exam_title") == "основной государственный экзамен");
    const auto& measures = groups[0].get("measures")->list_value();
    REQUIRE(measures.size() == 2);  // mean and share of «2»; no share of «4» and «5» was given
    CHECK(text_of(measures[0], "caption").rfind("Средний балл, ОГЭ, математика, 9 класс", 0) == 0);
    CHECK(text_of(measures[0].get("rows")->list_value()[0], "school") == "3,1");
    CHECK(text_of(measures[1].get("rows")->list_value()[0], "school") == "28,6\u00a0%");
}

namespace {

const view::Data& listing_of(const std::vector<view::PageSpec>& pages, const std::string& path) {
    const auto* listing = page_at(pages, path).data.get("listing");
    REQUIRE(listing != nullptr);
    return *listing;
}

std::vector<std::string> row_anchors(const view::Data& tables_owner) {
    std::vector<std::string> anchors;
    const auto* tables = tables_owner.get("tables");
    if (!tables || !tables->is_list()) return anchors;
    for (const auto& table : tables->list_value())
        for (const auto& row : table.get("rows")->list_value()) anchors.push_back(text_of(row, "anchor"));
    return anchors;
}

bool has_page(const std::vector<view::PageSpec>& pages, const std::string& path) {
    return std::any_of(pages.begin(), pages.end(), [&](const auto& page) { return page.path == path; });
}

// small_site() plus a school roadmap for sosh-1 and a school news item
// reporting on a district item, so a school listing mixes both kinds.
model::Site site_with_school_roadmap() {
    auto site = small_site();
    model::Roadmap own;
    own.id = "plan-sosh-1";
    own.title = "План школы";
    model::RoadmapSection section{"1", "Уроки", {}};
    section.items.push_back(item("1.1", "Открытые уроки", model::Status::planned, model::Date{2024, 12, 20}));
    section.items.push_back(item("1.2", "Диагностика", model::Status::done, model::Date{2024, 5, 31}));
    own.sections.push_back(section);
    auto& school = site.schools[0];
    school.own.roadmaps.push_back(own);
    school.own.news[0].roadmap_item = "plan-2024#2.2";
    site.district.roadmaps[0].sections[1].items[1].schools = {"sosh-1"};
    derive::derive_site(site, model::Date{2024, 11, 1});
    site.district.roadmaps[0].sections[1].items[0].derived.ongoing = true;
    site.district.roadmaps[0].sections[1].items[0].derived.shown = model::ShownStatus::ongoing;
    return site;
}

}  // namespace

TEST_CASE("Russian plural forms of counted items", "[view][plural]") {
    using view::detail::items_text;
    CHECK(items_text(1) == "1 мероприятие");
    CHECK(items_text(2) == "2 мероприятия");
    CHECK(items_text(5) == "5 мероприятий");
    CHECK(items_text(11) == "11 мероприятий");
    CHECK(items_text(12) == "12 мероприятий");
    CHECK(items_text(14) == "14 мероприятий");
    CHECK(items_text(21) == "21 мероприятие");
    CHECK(items_text(22) == "22 мероприятия");
    CHECK(items_text(0) == "0 мероприятий");
    CHECK(items_text(111) == "111 мероприятий");
    CHECK(items_text(112) == "112 мероприятий");
    CHECK(items_text(101) == "101 мероприятие");
    CHECK(view::detail::plural_form(3, "школа", "школы", "школ") == "школы");
}

TEST_CASE("each status with items gets a listing page of the roadmap", "[view][status]") {
    auto pages = view::html_pages(small_site(), context());
    // 1.1 done, 1.2 overdue, 2.1 ongoing, 2.2 planned: no in-progress or cancelled listing.
    CHECK_FALSE(has_page(pages, "roadmaps/plan-2024/status/in-progress/"));
    CHECK_FALSE(has_page(pages, "roadmaps/plan-2024/status/cancelled/"));

    const auto& page = page_at(pages, "roadmaps/plan-2024/status/overdue/");
    CHECK(page.layout == "roadmap_status");
    CHECK(text_of(page.data, "root") == "../../../../");
    const auto& overdue = listing_of(pages, "roadmaps/plan-2024/status/overdue/");
    CHECK(text_of(overdue, "heading") == "Просроченные мероприятия: 1 из 4");
    CHECK(text_of(overdue, "roadmap_href") == "roadmaps/plan-2024/");
    const auto& tables = overdue.get("tables")->list_value();
    REQUIRE(tables.size() == 1);  // the other section has no overdue item
    CHECK(text_of(tables[0], "caption") == "Раздел 1. Организационные меры");
    const auto& rows = tables[0].get("rows")->list_value();
    REQUIRE(rows.size() == 1);
    CHECK(text_of(rows[0], "n") == "1.2");
    CHECK(text_of(rows[0], "full_href") == "roadmaps/plan-2024/#item-1-2");
    // The listing's own status count is marked as the current one.
    for (const auto& count : overdue.get("progress")->get("counts")->list_value())
        CHECK(count.get("current")->is_true() == (text_of(count, "key") == "overdue"));

    const auto& ongoing = listing_of(pages, "roadmaps/plan-2024/status/ongoing/");
    CHECK(text_of(ongoing, "heading") == "Постоянные мероприятия: 1 из 4");
    CHECK(row_anchors(ongoing) == std::vector<std::string>{"item-2-1"});
    CHECK(row_anchors(listing_of(pages, "roadmaps/plan-2024/status/done/")) == std::vector<std::string>{"item-1-1"});
}

TEST_CASE("the counts on a roadmap page link to the status listings", "[view][status]") {
    auto pages = view::html_pages(small_site(), context());
    const auto& roadmap = *page_at(pages, "roadmaps/plan-2024/").data.get("roadmap");
    const auto& progress = *roadmap.get("progress");
    CHECK(text_of(progress, "total_text") == "4 мероприятия");
    std::set<std::string> hrefs;
    for (const auto& count : progress.get("counts")->list_value()) {
        hrefs.insert(text_of(count, "href"));
        CHECK(count.get("current")->is_false());
    }
    CHECK(hrefs == std::set<std::string>{"roadmaps/plan-2024/status/done/", "roadmaps/plan-2024/status/overdue/",
                                         "roadmaps/plan-2024/status/ongoing/",
                                         "roadmaps/plan-2024/status/planned/"});
    for (const auto& href : hrefs) CHECK(has_page(pages, href));  // every count leads to a page
    // Rows of the full roadmap do not link to themselves.
    CHECK(roadmap.get("tables")->list_value()[0].get("rows")->list_value()[0].get("full_href")->is_false());
}

TEST_CASE("the home page states the overdue items with a link to their listing", "[view][status]") {
    auto site = small_site();
    auto pages = view::html_pages(site, context());
    const auto& overdue = *page_at(pages, "").data.get("overdue");
    CHECK(overdue.get("any")->is_true());
    CHECK(text_of(overdue, "count") == "1");
    // As of the day the item fell overdue, which the figures have held since
    // (the build date would change the page every day): the home page's date.
    CHECK(text_of(overdue, "line") == "Просрочено на 01.06.2024: 1 мероприятие");
    CHECK(text_of(page_at(pages, "").data, "as_of_iso") == "2024-06-01");
    CHECK(text_of(*overdue.get("single"), "href") == "roadmaps/plan-2024/status/overdue/");
    const auto& progress = *page_at(pages, "").data.get("progress");
    CHECK(text_of(progress, "summary") == "выполнено 1 из 4");
    CHECK(text_of(progress, "overdue_href") == "roadmaps/plan-2024/status/overdue/");

    // A second roadmap with overdue items: each roadmap gets its own link.
    auto second = site.district.roadmaps[0];
    second.id = "plan-2025";
    second.title = "План на 2025 год";
    site.district.roadmaps.push_back(second);
    pages = view::html_pages(site, context());
    const auto& both = *page_at(pages, "").data.get("overdue");
    CHECK(text_of(both, "line") == "Просрочено на 01.06.2024: 2 мероприятия");
    CHECK(both.get("single")->is_false());
    const auto& by_roadmap = both.get("by_roadmap")->list_value();
    REQUIRE(by_roadmap.size() == 2);
    CHECK(text_of(by_roadmap[1], "href") == "roadmaps/plan-2025/status/overdue/");
    CHECK(text_of(by_roadmap[1], "count_text") == "1 мероприятие");

    // Nothing overdue: said in words.
    for (auto& roadmap : site.district.roadmaps)
        for (auto& section : roadmap.sections)
            for (auto& entry : section.items)
                if (entry.derived.shown == model::ShownStatus::overdue) entry.derived.shown = model::ShownStatus::done;
    pages = view::html_pages(site, context());
    const auto& none = *page_at(pages, "").data.get("overdue");
    CHECK(none.get("any")->is_false());
    CHECK(text_of(none, "line") == "Просроченных мероприятий на 01.06.2024 нет");
    CHECK_FALSE(has_page(pages, "roadmaps/plan-2024/status/overdue/"));
}

TEST_CASE("a roadmap row lists the news that report on it", "[view][links]") {
    auto pages = view::html_pages(site_with_school_roadmap(), context());
    const auto& tables = page_at(pages, "roadmaps/plan-2024/").data.get("roadmap")->get("tables")->list_value();
    // 2.2 is reported by the school's news, which lives in the school's section.
    const auto& reported = tables[1].get("rows")->list_value()[1];
    CHECK(text_of(reported, "n") == "2.2");
    const auto& news = reported.get("reporting_news")->list_value();
    REQUIRE(news.size() == 1);
    CHECK(text_of(news[0], "text") == "Открытый урок");
    CHECK(text_of(news[0], "href") == "schools/sosh-1/news/2024-05-01-open-lesson/");
    CHECK(text_of(news[0], "date") == "01.05.2024");
    // 1.1 is reported by the district news, already linked as evidence: not listed twice.
    const auto& first = tables[0].get("rows")->list_value()[0];
    CHECK(first.get("has_reporting_news")->is_false());
    CHECK(text_of(first.get("evidence")->list_value()[1], "href") == "news/2024-04-10-seminar/");
    // And the news page links back to the row.
    const auto& item = *page_at(pages, "schools/sosh-1/news/2024-05-01-open-lesson/").data.get("news_item");
    CHECK(text_of(*item.get("roadmap_item"), "href") == "roadmaps/plan-2024/#item-2-2");
    // The school's roadmap page shows the same reverse link on the district row.
    const auto& district = page_at(pages, "schools/sosh-1/roadmap/").data.get("district_roadmaps")->list_value();
    const auto& district_rows = district[0].get("tables")->list_value()[1].get("rows")->list_value();
    CHECK(text_of(district_rows[0], "anchor") == "district-plan-2024-item-2-2");
    CHECK(district_rows[0].get("has_reporting_news")->is_true());
}

TEST_CASE("a school's status listings mix its own items and the district items for it", "[view][status]") {
    auto pages = view::html_pages(site_with_school_roadmap(), context());
    // Own: 1.1 planned, 1.2 done; district for sosh-1: 1.1 done, 2.2 planned.
    CHECK_FALSE(has_page(pages, "schools/sosh-1/roadmap/status/overdue/"));
    const auto& page = page_at(pages, "schools/sosh-1/roadmap/status/done/");
    CHECK(page.layout == "school_roadmap_status");
    const auto& done = listing_of(pages, "schools/sosh-1/roadmap/status/done/");
    CHECK(text_of(done, "heading") == "Выполненные мероприятия: 2 из 4");
    CHECK(text_of(done, "roadmap_href") == "schools/sosh-1/roadmap/");
    const auto& own = done.get("roadmaps")->list_value();
    REQUIRE(own.size() == 1);
    CHECK(row_anchors(own[0]) == std::vector<std::string>{"plan-sosh-1-item-1-2"});
    const auto& district = done.get("district_roadmaps")->list_value();
    REQUIRE(district.size() == 1);
    CHECK(row_anchors(district[0]) == std::vector<std::string>{"district-plan-2024-item-1-1"});
    CHECK(text_of(district[0].get("tables")->list_value()[0].get("rows")->list_value()[0], "full_href") ==
          "schools/sosh-1/roadmap/#district-plan-2024-item-1-1");

    const auto& planned = listing_of(pages, "schools/sosh-1/roadmap/status/planned/");
    CHECK(text_of(planned, "heading") == "Запланированные мероприятия: 2 из 4");
    std::vector<std::string> anchors = row_anchors(planned.get("roadmaps")->list_value()[0]);
    auto district_anchors = row_anchors(planned.get("district_roadmaps")->list_value()[0]);
    anchors.insert(anchors.end(), district_anchors.begin(), district_anchors.end());
    CHECK(anchors == std::vector<std::string>{"plan-sosh-1-item-1-1", "district-plan-2024-item-2-2"});

    // The school's roadmap page: counts of everything, linked to the listings.
    const auto& roadmap_page = page_at(pages, "schools/sosh-1/roadmap/").data;
    const auto& all = *roadmap_page.get("all_progress");
    CHECK(text_of(all, "summary") == "выполнено 2 из 4");
    CHECK(text_of(all.get("counts")->list_value()[0], "href") == "schools/sosh-1/roadmap/status/done/");
    const auto& own_progress = *roadmap_page.get("roadmaps")->list_value()[0].get("progress");
    CHECK(text_of(own_progress.get("counts")->list_value()[0], "href") ==
          "schools/sosh-1/roadmap/status/done/#roadmap-plan-sosh-1");
}

TEST_CASE("the schools list and school page count own and district items apart", "[view][status]") {
    auto pages = view::html_pages(site_with_school_roadmap(), context());
    // Each row is a fragment: the page holds its mark, the fragment its data.
    const auto& list = page_at(pages, "schools/");
    const auto& marks = list.data.get("schools")->list_value();
    REQUIRE(marks.size() == 2);
    CHECK(text_of(marks[1], "row") == view::fragment_mark(1));
    REQUIRE(list.fragments.size() == 2);
    CHECK(list.fragments[0].key == "school_row/sosh-1");
    CHECK(list.fragments[0].layout == "school_row");
    const auto& rows = list.fragments;
    CHECK(text_of(*rows[0].data.get("own_progress"), "summary") == "выполнено 1 из 2");
    CHECK(text_of(*rows[0].data.get("district_progress"), "summary") == "выполнено 1 из 2");
    CHECK(text_of(rows[0].data, "roadmap_href") == "schools/sosh-1/roadmap/");
    CHECK(text_of(rows[0].data, "root") == "../");
    CHECK(rows[1].data.get("own_progress")->is_false());  // kvashninskaya has no roadmap and no district items
    CHECK(rows[1].data.get("district_progress")->is_false());

    const auto& school = page_at(pages, "schools/sosh-1/").data;
    CHECK(text_of(*school.get("own_progress"), "summary") == "выполнено 1 из 2");
    CHECK(text_of(school.get("district_progress")->get("counts")->list_value()[0], "href") ==
          "schools/sosh-1/roadmap/status/done/#district");
}

TEST_CASE("the deadline cell shows the printed text and the understood dates", "[view]") {
    auto site = small_site();
    auto& items = site.district.roadmaps[0].sections[0].items;
    items[0].when = "к концу марта";
    items[0].derived.start.reset();  // only a due date: «до …»
    items[1].when = "Март 2024";
    items[1].derived.start = model::Date{2024, 3, 1};
    items[1].derived.due = model::Date{2024, 3, 31};
    auto& ongoing = site.district.roadmaps[0].sections[1].items[0];
    ongoing.when = "ежемесячно";  // ongoing, but the printed text does not say «постоянно»
    auto pages = view::html_pages(site, context());
    const auto& tables = page_at(pages, "roadmaps/plan-2024/").data.get("roadmap")->get("tables")->list_value();
    const auto& rows = tables[0].get("rows")->list_value();
    CHECK(text_of(rows[0], "when") == "к концу марта");
    CHECK(text_of(rows[0], "dates") == "до 31.03.2024");
    CHECK(text_of(rows[1], "dates") == "01.03.2024 – 31.03.2024");
    CHECK(text_of(tables[1].get("rows")->list_value()[0], "dates") == "постоянно");

    ongoing.when = "Постоянно";  // said already: no second line
    pages = view::html_pages(site, context());
    const auto& again = page_at(pages, "roadmaps/plan-2024/").data.get("roadmap")->get("tables")->list_value();
    CHECK(again[1].get("rows")->list_value()[0].get("dates")->is_false());
}

TEST_CASE("links from data that skipped load's checks never get a dangerous href; file names are encoded",
          "[view][links]") {
    // As a fetched district source or an old cache could bring them.
    auto site = small_site();
    site.config.district.website = "javascript:alert(1)";
    site.schools[0].official_site = " JAVASCRIPT:alert(1)";
    site.schools[0].mentor = model::Mentor{"", "Школа-наставник", "data:text/html,<script>x</script>"};
    auto& document = site.district.documents[0];
    document.site_path = "files/Приказ #5 (100%)?.pdf";
    model::Document remote;
    remote.id = "remote";
    remote.kind = "order";
    remote.title = "Удалённый";
    remote.url = "vbscript:msgbox(1)";
    site.district.documents.push_back(remote);
    auto& news = site.district.news[0];
    news.links = {{"Ссылка", "java\tscript:alert(1)"}, {"", "https://example.org/ok"}};
    news.photo_site_paths = {"files/фото 1#.jpg"};

    auto build_context = context();
    auto published = std::make_shared<view::PublishedPhotos>();
    (*published)["files/фото 1#.jpg"] = {{"files/фото 1#-1600.jpg", 1600, 1200}, std::nullopt, ""};
    build_context.photos = published;
    auto pages = view::html_pages(site, build_context);
    const auto& home = page_at(pages, "").data;
    CHECK(home.get("district_website")->is_false());
    const auto& school = *page_at(pages, "schools/sosh-1/").data.get("school");
    CHECK(school.get("official_site")->is_false());
    CHECK(school.get("mentor")->get("href")->is_false());
    CHECK(text_of(*school.get("mentor"), "text") == "Школа-наставник");

    const auto& groups = page_at(pages, "documents/").data.get("documents")->get("groups")->list_value();
    const auto& listed = groups[0].get("documents")->list_value();
    REQUIRE(listed.size() == 2);
    CHECK(text_of(*listed[0].get("file"), "href") == "files/Приказ%20%235%20(100%25)%3F.pdf");
    CHECK(listed[1].get("url")->is_false());

    const auto& item = *page_at(pages, "news/2024-04-10-seminar/").data.get("news_item");
    const auto& links = item.get("links")->list_value();
    REQUIRE(links.size() == 2);
    CHECK(links[0].get("href")->is_false());
    CHECK(text_of(links[1], "href") == "https://example.org/ok");
    CHECK(text_of(item.get("photos")->list_value()[0], "src") == "files/фото%201%23-1600.jpg");
}

TEST_CASE("roadmap item anchors keep Cyrillic letters apart, so every id on a page is unique", "[view]") {
    using shnor::view::detail::item_anchor;
    CHECK(item_anchor("", "3а", 0) != item_anchor("", "3б", 0));
    CHECK(item_anchor("", "3а", 0) == "item-3а");
    CHECK(item_anchor("", "1.2", 0) == "item-1-2");           // links made by earlier builds still hold
    CHECK(item_anchor("own-", "", 4) == "own-item-i4");
    CHECK(item_anchor("", "2 (доп.)", 0).find(' ') == std::string::npos);  // an id holds no space
}

TEST_CASE("a school without a coordinator gets the district's contacts; with one, no fallback", "[view][contacts]") {
    auto site = small_site();
    site.config.district.phone = "+7 (383-61) 0-00-00";
    site.config.district.email = "uo@edu.example";
    auto pages = view::html_pages(site, context());
    // kvashninskaya names no coordinator: the district's coordinator and authority.
    const auto& bare = page_at(pages, "schools/kvashninskaya/").data;
    CHECK(text_of(*bare.get("district_coordinator"), "name") == "Желтякова Н. П.");
    const auto& office = *bare.get("district_authority");
    REQUIRE(office.is_object());
    CHECK(text_of(office, "name") == "Управление образования");
    CHECK(text_of(office, "phone_href") == "tel:+73836100000");
    CHECK(text_of(office, "email") == "uo@edu.example");
    CHECK(text_of(bare, "contacts_note") ==
          "Координатор в школе не указан. По вопросам сопровождения школы можно обратиться в район.");
    // sosh-1 has its own: the district coordinator beside it, no authority, no note.
    const auto& own = page_at(pages, "schools/sosh-1/").data;
    CHECK(own.get("district_coordinator")->is_object());
    CHECK(own.get("district_authority")->is_false());
    CHECK(own.get("contacts_note")->is_false());

    // No contact anywhere: said in words.
    site.config.coordinator = {};
    site.config.district.authority.clear();
    site.config.district.phone.clear();
    site.config.district.email.clear();
    pages = view::html_pages(site, context());
    const auto& nobody = page_at(pages, "schools/kvashninskaya/").data;
    CHECK(nobody.get("district_coordinator")->is_false());
    CHECK(nobody.get("district_authority")->is_false());
    CHECK(text_of(nobody, "contacts_note").rfind("Контакты для обращения пока не указаны", 0) == 0);
}

TEST_CASE("a roadmap's tables say whether any item has a number", "[view][roadmap]") {
    auto site = small_site();
    auto pages = view::html_pages(site, context());
    const auto& numbered = page_at(pages, "roadmaps/plan-2024/").data.get("roadmap")->get("tables")->list_value();
    for (const auto& table : numbered) CHECK(table.get("has_numbers")->is_true());

    for (auto& section : site.district.roadmaps[0].sections)
        for (auto& entry : section.items) entry.n.clear();
    pages = view::html_pages(site, context());
    const auto& plain = page_at(pages, "roadmaps/plan-2024/").data.get("roadmap")->get("tables")->list_value();
    REQUIRE(!plain.empty());
    for (const auto& table : plain) CHECK(table.get("has_numbers")->is_false());

    // One numbered item is enough to keep the column, in every table of the roadmap.
    site.district.roadmaps[0].sections[1].items[1].n = "2.2";
    pages = view::html_pages(site, context());
    for (const auto& table : page_at(pages, "roadmaps/plan-2024/").data.get("roadmap")->get("tables")->list_value())
        CHECK(table.get("has_numbers")->is_true());
}

TEST_CASE("the home page of a district without roadmaps has no overdue line and no progress to claim",
          "[view][roadmap]") {
    auto site = small_site();
    site.district.roadmaps.clear();
    site.district.news[0].roadmap_item.clear();
    auto pages = view::html_pages(site, context());
    const auto& home = page_at(pages, "").data;
    CHECK(home.get("no_roadmaps")->is_true());
    CHECK(home.get("overdue")->is_false());
    CHECK(home.get("progress")->get("any")->is_false());
}
