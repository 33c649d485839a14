// Issue 15, points 2–4: finished plans, district measures that reach schools
// (`schools: all` and lists of slugs) and items printed as sub-rows (`parts`).
// Load and derive on small trees, then the real `shnor` binary end to end.
#include "test_paths.hpp"
#include "test_support.hpp"

#include "cache/serialize.hpp"
#include "derive/derive.hpp"
#include "load/load.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using shnor::model::ShownStatus;
using shnor::test::read_file;
using shnor::test::write_file;

namespace {

struct Tree {
    fs::path path;
    Tree() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("shnor-roadmap-semantics-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Tree() { fs::remove_all(path); }
    fs::path content() const { return path / "content"; }
    void file(const std::string& relative, const std::string& text) const { write_file(content() / relative, text); }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string messages_of(const shnor::load::LoadResult& result) {
    std::string text;
    for (const auto& diagnostic : result.diagnostics.items()) text += diagnostic.format() + "\n";
    return text;
}

// The content of the end-to-end test: a district plan of 2020 (finished at
// the build date 2026-11-23), a current plan with district measures for all
// schools, one for a named school and a row of two parts (the wording of
// seed 002), and two schools, one with its own finished plan.
void write_district(const Tree& tree) {
    tree.file("site.yaml",
              "title: Сопровождение ШНОР\n"
              "base_url: https://example.org/shnor/\n"
              "district: {name: Тестовый район}\n");
    tree.file("roadmaps/plan-2020.yaml",
              "title: План мероприятий на 2020 год\n"
              "period: {start: 2020-01-01, end: 2020-12-31}\n"
              "items:\n"
              "  - n: \"1\"\n"
              "    title: Совещание с руководителями ОО\n"
              "    due: 2020-03-31\n"
              "    status: done\n"
              "    report: Протокол совещания № 3.\n"
              "  - n: \"2\"\n"
              "    title: Повышение квалификации руководителей образовательных организаций\n"
              "    when: \"Зарегистрироваться до 15.05.2020 по ссылке: http://dt.ranera.ru/discurs\"\n"
              "    due: 2020-05-15\n"
              "    schools: all\n");
    tree.file("roadmaps/plan-2026.yaml",
              "title: План мероприятий на 2026 год\n"
              "period: {start: 2026-01-01, end: 2026-12-31}\n"
              "sections:\n"
              "  - n: \"1\"\n"
              "    title: Анализ\n"
              "    items:\n"
              "      - n: \"1\"\n"
              "        title: Диагностика профессиональных дефицитов педагогов\n"
              "        responsible: Руководители ОО\n"
              "        due: 2026-03-15\n"
              "        schools: all\n"
              "      - n: \"2\"\n"
              "        title: Методический выезд в школу\n"
              "        due: 2026-12-20\n"
              "        status: in_progress\n"
              "        schools: [beta]\n"
              "      - n: \"3\"\n"
              "        title: Анализ причин (внешних и внутренних) низких результатов образования, выявление "
              "проблемных зон (Самоанализ)\n"
              "        schools: all\n"
              "        parts:\n"
              "          - responsible: ОО\n"
              "            when: До 22 мая 2026г.\n"
              "            result: Самоанализ\n"
              "            status: done\n"
              "            report: Отчёты школ собраны.\n"
              "            level: уровень ОО\n"
              "          - title: Свод отчётов школ\n"
              "            responsible: Отдел образования\n"
              "            when: до 30 мая 2026 г.\n"
              "            level: муниципальный\n"
              "            result: Сводный отчёт\n");
    tree.file("schools/alpha/school.yaml", "name: МКОУ Альфа СОШ\n");
    tree.file("schools/beta/school.yaml", "name: МКОУ Бета СОШ\n");
    tree.file("schools/beta/roadmaps/plan-2025.yaml",
              "title: План школы на 2025 год\n"
              "period: {start: 2025-01-01, end: 2025-12-31}\n"
              "items:\n"
              "  - title: Педагогический совет\n"
              "    due: 2025-06-30\n"
              "    status: done\n");
}

shnor::test::CommandResult build(const Tree& tree) {
    return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " build --content " +
                                        shnor::test::shell_quoted(tree.content()) + " --out " +
                                        shnor::test::shell_quoted(tree.path / "site") + " --cache " +
                                        shnor::test::shell_quoted(tree.path / "cache") + " --date 2026-11-23",
                                    tree.path / "log.txt");
}

const shnor::model::Roadmap& roadmap_named(const std::vector<shnor::model::Roadmap>& roadmaps, const std::string& id) {
    for (const auto& roadmap : roadmaps)
        if (roadmap.id == id) return roadmap;
    FAIL("no roadmap " << id);
    throw;
}

// The text of a page from `marker` on (the part a test is about).
std::string from(const std::string& page, const std::string& marker) {
    auto at = page.find(marker);
    REQUIRE(at != std::string::npos);
    return page.substr(at);
}

}  // namespace

TEST_CASE("roadmap semantics: parts and `schools: all` are read; parts are dated and counted", "[roadmap]") {
    Tree tree;
    write_district(tree);
    auto result = shnor::load::load_site(tree.content());
    INFO(messages_of(result));
    REQUIRE(result.diagnostics.error_count() == 0);
    auto& site = result.site;
    shnor::derive::derive_site(site, *shnor::model::Date::parse_iso("2026-11-23"));

    const auto& current = roadmap_named(site.district.roadmaps, "plan-2026");
    const auto& items = current.sections[0].items;
    CHECK(items[0].all_schools);
    CHECK(items[0].schools.empty());
    CHECK(items[1].schools == std::vector<std::string>{"beta"});
    CHECK(items[0].concerns("alpha"));
    CHECK_FALSE(items[1].concerns("alpha"));
    REQUIRE(items[2].parts.size() == 2);
    const auto& parts = items[2].parts;
    CHECK(parts[0].responsible == std::vector<std::string>{"ОО"});
    CHECK(parts[0].title.empty());
    CHECK(parts[1].level == "муниципальный");
    // Each part is dated from its own `when`, inside the plan's year.
    REQUIRE(parts[1].derived.due);
    CHECK(parts[1].derived.due->iso() == "2026-05-30");
    CHECK(parts[0].derived.shown == ShownStatus::done);
    CHECK(parts[1].derived.shown == ShownStatus::overdue);
    CHECK_FALSE(items[2].derived.due);

    // Parts count as items; the item with parts does not count itself.
    auto progress = shnor::derive::progress_of(current);
    CHECK(progress.total == 4);
    CHECK(progress.done == 1);
    CHECK(progress.overdue == 2);
    CHECK(progress.in_progress == 1);
    CHECK(progress.reported == 1);

    // The 2020 plan is finished: its unreported item is not overdue, and it
    // is out of the current progress.
    const auto& old = roadmap_named(site.district.roadmaps, "plan-2020");
    CHECK(old.derived.finished);
    CHECK_FALSE(current.derived.finished);
    CHECK(old.sections[0].items[1].derived.shown == ShownStatus::planned);
    auto old_progress = shnor::derive::progress_of(old);
    CHECK(old_progress.overdue == 0);
    CHECK(old_progress.reported == 1);
    auto now = shnor::derive::current_progress_of(site.district.roadmaps);
    CHECK(now.total == 4);
    CHECK(now.done == 1);
}

TEST_CASE("roadmap semantics: bad `schools` and dates on an item with parts are errors with file and line",
          "[roadmap]") {
    Tree tree;
    tree.file("site.yaml", "title: Сайт\nbase_url: https://example.org/\n");
    tree.file("schools/alpha/school.yaml", "name: МКОУ Альфа СОШ\n");
    tree.file("roadmaps/plan.yaml",
              "title: План\n"
              "items:\n"
              "  - n: \"1\"\n"
              "    title: Выезд\n"
              "    schools: [alpha, gamma]\n"
              "  - n: \"2\"\n"
              "    title: Совещание\n"
              "    schools: [all, alpha]\n"
              "  - n: \"3\"\n"
              "    title: Отчёт\n"
              "    due: 2024-05-30\n"
              "    parts:\n"
              "      - title: Самоанализ\n"
              "        when: до 22 мая 2024 г.\n");
    auto result = shnor::load::load_site(tree.content());
    std::string messages = messages_of(result);
    INFO(messages);
    CHECK(contains(messages, "roadmaps/plan.yaml:5: ошибка: поле «items[1].schools[2]»: школа «gamma» не найдена"));
    CHECK(contains(messages, "roadmaps/plan.yaml:8: ошибка: поле «items[2].schools[1]»: «all» (все школы) пишется"));
    CHECK(contains(messages, "roadmaps/plan.yaml:11: ошибка: поле «items[3].due»: у мероприятия с частями (parts)"));
    CHECK(result.diagnostics.error_count() == 3);
}

TEST_CASE("roadmap semantics: a built site says finished plans apart, takes district measures to schools and "
          "shows parts",
          "[roadmap][e2e]") {
    Tree tree;
    write_district(tree);
    auto run = build(tree);
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    fs::path site = tree.path / "site";

    // Home: current progress without the 2020 plan; the 2020 plan apart with its final figures.
    std::string home = read_file(site / "index.html");
    std::string progress = from(home, "id=\"home-progress\"");
    CHECK(contains(progress, "выполнено 1 из 4"));
    // As of the day the second fell overdue (due 30 May), not the build date.
    CHECK(contains(progress, "Просрочено на 31.05.2026: 2 мероприятия"));
    CHECK(contains(progress, "Завершённые планы"));
    CHECK(contains(progress, "План завершён 31.12.2020: отчёты опубликованы по 1 из 2 мероприятий"));

    // The roadmaps listing and the finished roadmap's own page.
    std::string programs = read_file(site / "programs/index.html");
    CHECK(contains(programs, "Завершённые планы"));
    CHECK(contains(programs, "План завершён 31.12.2020"));
    std::string old_plan = read_file(site / "roadmaps/plan-2020/index.html");
    CHECK(contains(old_plan, "План завершён 31.12.2020: отчёты опубликованы по 1 из 2 мероприятий"));
    CHECK_FALSE(contains(old_plan, "tag--overdue"));
    CHECK(contains(old_plan, "нет отчёта"));
    CHECK_FALSE(fs::exists(site / "roadmaps/plan-2020/status/overdue"));

    // The district plan shows the parts as sub-rows under their item.
    std::string plan = read_file(site / "roadmaps/plan-2026/index.html");
    std::string item3 = from(plan, "id=\"item-3\"");
    CHECK(contains(item3, "row--has-parts"));
    CHECK(contains(item3, "id=\"item-3-part-1\" class=\"row--part row--done\""));
    CHECK(contains(item3, "id=\"item-3-part-2\" class=\"row--part row--overdue\""));
    CHECK(contains(item3, "<span class=\"visually-hidden\">Пункт 3, </span>часть 2<span class=\"visually-hidden\"> из 2</span>"));
    CHECK(contains(item3, "Уровень: муниципальный"));
    CHECK(contains(item3, "Свод отчётов школ"));
    CHECK(contains(plan, "Школы: все школы района"));
    // A status listing counts and shows parts: the item's row, then only its parts of that status.
    std::string overdue = read_file(site / "roadmaps/plan-2026/status/overdue/index.html");
    CHECK(contains(overdue, "<h1>Просроченные мероприятия: 2 из 4</h1>"));
    CHECK(contains(overdue, "id=\"item-3-part-2\""));
    CHECK_FALSE(contains(overdue, "id=\"item-3-part-1\""));
    // An overdue item of a current plan: its report cell says so.
    CHECK(contains(from(plan, "id=\"item-1\""), "нет отчёта"));

    // The schools list: district measures count for each school; finished plans are apart.
    std::string schools = read_file(site / "schools/index.html");
    std::string alpha_row = from(schools, "schools/alpha/");
    alpha_row = alpha_row.substr(0, alpha_row.find("</tr>"));
    CHECK(contains(alpha_row, "Район для школы: выполнено 1 из 3"));
    CHECK(contains(alpha_row, "1 завершённый план"));
    std::string beta_row = from(schools, "schools/beta/");
    beta_row = beta_row.substr(0, beta_row.find("</tr>"));
    CHECK(contains(beta_row, "Район для школы: выполнено 1 из 4"));
    CHECK_FALSE(contains(beta_row, "Школа: "));  // its own plan is finished
    CHECK(contains(beta_row, "2 завершённых плана"));

    // A school without a plan of its own: the district measures, never «not published».
    std::string alpha = read_file(site / "schools/alpha/index.html");
    CHECK_FALSE(contains(alpha, "План мероприятий пока не опубликован"));
    CHECK(contains(alpha, "Мероприятия района для школы"));
    CHECK(contains(alpha, "выполнено 1 из 3"));
    CHECK(contains(alpha, "План завершён 31.12.2020: отчёты опубликованы по 0 из 1 мероприятия"));
    std::string beta = read_file(site / "schools/beta/index.html");
    CHECK(contains(beta, "План завершён 31.12.2025: отчёты опубликованы по 0 из 1 мероприятия"));
    CHECK_FALSE(contains(beta, "«Дорожная карта» школы</h3>"));

    // The school's roadmap page: the district measures, labelled, with parts; finished plans apart.
    std::string alpha_roadmap = read_file(site / "schools/alpha/roadmap/index.html");
    CHECK(contains(alpha_roadmap, "Мероприятие района"));
    CHECK(contains(alpha_roadmap, "Диагностика профессиональных дефицитов педагогов"));
    // A part without a title of its own (as in the document) repeats its item's.
    CHECK(contains(from(alpha_roadmap, "item-3-part-1"), "<td data-label=\"Мероприятие\">Анализ причин (внешних и внутренних)"));
    CHECK_FALSE(contains(alpha_roadmap, "Методический выезд в школу"));
    std::string finished = from(alpha_roadmap, "id=\"finished\"");
    CHECK(contains(finished, "План завершён 31.12.2020: отчёты опубликованы по 0 из 1 мероприятия"));
    CHECK(contains(finished, "Повышение квалификации руководителей образовательных организаций"));
    CHECK(contains(finished, "нет отчёта"));
    CHECK_FALSE(contains(finished, "tag--overdue"));
    std::string current = alpha_roadmap.substr(0, alpha_roadmap.find("id=\"finished\""));
    CHECK_FALSE(contains(current, "Повышение квалификации руководителей образовательных организаций"));
    std::string beta_roadmap = read_file(site / "schools/beta/roadmap/index.html");
    CHECK(contains(beta_roadmap, "Методический выезд в школу"));
    CHECK_FALSE(contains(beta_roadmap, "Собственная «дорожная карта» школы пока не опубликована"));
    CHECK(contains(from(beta_roadmap, "id=\"finished\""), "План школы на 2025 год"));

    // Open data: a `finished` flag per roadmap, parts under `parts`, `schools: all` as written.
    auto json = nlohmann::json::parse(read_file(site / "data/roadmaps.json"));
    nlohmann::json old_json, current_json;
    for (const auto& roadmap : json["roadmaps"]) {
        if (roadmap["id"] == "plan-2020") old_json = roadmap;
        if (roadmap["id"] == "plan-2026") current_json = roadmap;
    }
    CHECK(old_json["finished"] == true);
    CHECK(current_json["finished"] == false);
    CHECK(old_json["sections"][0]["items"][1]["shown_status"] == "planned");
    const auto& json_items = current_json["sections"][0]["items"];
    CHECK(json_items[0]["schools"] == "all");
    CHECK(json_items[1]["schools"] == nlohmann::json::array({"beta"}));
    CHECK_FALSE(json_items[0].contains("parts"));
    REQUIRE(json_items[2]["parts"].size() == 2);
    CHECK(json_items[2]["shown_status"].is_null());
    CHECK(json_items[2]["parts"][0]["shown_status"] == "done");
    CHECK(json_items[2]["parts"][1]["shown_status"] == "overdue");
    CHECK(json_items[2]["parts"][1]["derived_due"] == "2026-05-30");
    CHECK(json_items[2]["parts"][1]["level"] == "муниципальный");
    CHECK(json_items[2]["parts"][1]["responsible"] == nlohmann::json::array({"Отдел образования"}));
    auto schools_json = nlohmann::json::parse(read_file(site / "data/schools.json"));
    for (const auto& school : schools_json["schools"])
        if (school["slug"] == "beta") CHECK(school["progress"]["total"] == 0);  // its only own plan is finished

    // The CSV: a row per part after its item's row, with the part's number; the finished flag.
    std::string csv = read_file(site / "data/roadmaps.csv");
    CHECK(contains(csv, ",example,part,level,roadmap_finished\r\n"));
    CHECK(contains(csv, "district,plan-2026,1,Анализ,3,\"Анализ причин (внешних и внутренних) низких результатов образования, выявление "
                        "проблемных зон (Самоанализ)\",,,,,,false,,,,,,,,all,false,,,false\r\n"));
    CHECK(contains(csv, "district,plan-2026,1,Анализ,3,Свод отчётов школ,до 30 мая 2026 г.,,,,2026-05-30,false,,"
                        "overdue,Отдел образования,Сводный отчёт,,,,all,false,2,муниципальный,false\r\n"));
    CHECK(contains(csv, "district,plan-2020,,,2,Повышение квалификации руководителей образовательных организаций,Зарегистрироваться до 15.05.2020 по ссылке: "
                        "http://dt.ranera.ru/discurs,,"
                        "2020-05-15,,2020-05-15,false,,planned,,,,,,all,false,,,true\r\n"));
}

TEST_CASE("roadmap semantics: a school's own site gets the district measures for all schools, parts included",
          "[roadmap][e2e]") {
    Tree district;
    write_district(district);
    REQUIRE(build(district).exit_code == 0);

    // The school's own content: its folder and the district's open data as its `district` source.
    Tree own;
    own.file("schools/alpha/school.yaml", "name: МКОУ Альфа СОШ\n");
    own.file("sources/district.json", read_file(district.path / "site/data/site.json"));
    own.file("site.yaml", "title: Раздел школы\nbase_url: https://alpha.school.example/shnor/\n"
                          "sources:\n  - {id: district, url: 'file:sources/district.json', role: district, "
                          "format: json}\n");
    auto run = shnor::test::run_command(
        shnor::test::shell_quoted(SHNOR_BINARY) + " build --content " + shnor::test::shell_quoted(own.content()) +
            " --out " + shnor::test::shell_quoted(own.path / "site") + " --cache " +
            shnor::test::shell_quoted(own.path / "cache") + " --date 2026-11-23 --school alpha",
        own.path / "log.txt");
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    std::string page = read_file(own.path / "site/index.html");
    CHECK_FALSE(contains(page, "План мероприятий пока не опубликован"));
    CHECK(contains(page, "Мероприятия района для школы"));
    CHECK(contains(page, "выполнено 1 из 3"));
    std::string roadmap = read_file(own.path / "site/roadmap/index.html");
    CHECK(contains(roadmap, "Диагностика профессиональных дефицитов педагогов"));
    CHECK(contains(roadmap, "Свод отчётов школ"));
    CHECK(contains(roadmap, "Уровень: муниципальный"));
    CHECK_FALSE(contains(roadmap, "Методический выезд в школу"));  // for another school
    CHECK(contains(from(roadmap, "id=\"finished\""), "План завершён 31.12.2020"));
}

TEST_CASE("roadmap semantics: `check` looks at each part's deadline and report", "[roadmap]") {
    Tree tree;
    write_district(tree);
    auto run = shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " check --content " +
                                            shnor::test::shell_quoted(tree.content()) + " --cache " +
                                            shnor::test::shell_quoted(tree.path / "cache") + " --date 2026-11-23",
                                        tree.path / "log.txt");
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(contains(run.output, "roadmaps/plan-2026.yaml:27: предупреждение: поле «report»: мероприятие 3, часть 2: "
                               "срок прошёл (30.05.2026), а отчёта нет"));
}

TEST_CASE("roadmap semantics: a news item about an item counts as its published report", "[roadmap]") {
    Tree tree;
    write_district(tree);
    tree.file("news/2020-05-20-kursy.md",
              "---\ntitle: Педагоги зарегистрировались на курсы\nroadmap_item: plan-2020#2\n---\nВсе школы района.\n");
    auto result = shnor::load::load_site(tree.content());
    INFO(messages_of(result));
    REQUIRE(result.diagnostics.error_count() == 0);
    shnor::derive::derive_site(result.site, *shnor::model::Date::parse_iso("2026-11-23"));
    const auto& old = roadmap_named(result.site.district.roadmaps, "plan-2020");
    CHECK(old.sections[0].items[1].derived.reported_in_news);
    CHECK(shnor::derive::progress_of(old).reported == 2);
}

TEST_CASE("roadmap semantics: the cache keeps parts and their levels", "[roadmap]") {
    Tree tree;
    write_district(tree);
    tree.file("schools/alpha/roadmaps/plan.yaml",
              "title: План школы\n"
              "items:\n"
              "  - n: \"1\"\n"
              "    title: Самоанализ и отчёт\n"
              "    parts:\n"
              "      - title: Самоанализ\n"
              "        due: 2026-05-22\n"
              "        level: уровень ОО\n"
              "        status: done\n"
              "      - title: Отчёт\n"
              "        due: 2026-05-30\n");
    auto result = shnor::load::load_site(tree.content());
    INFO(messages_of(result));
    REQUIRE(result.diagnostics.error_count() == 0);
    const shnor::model::School* alpha = nullptr;
    for (const auto& school : result.site.schools)
        if (school.slug == "alpha") alpha = &school;
    REQUIRE(alpha);
    shnor::model::School copy;
    REQUIRE(shnor::cache::deserialize_school(shnor::cache::serialize_school(*alpha), copy));
    const auto& item = copy.own.roadmaps.at(0).sections.at(0).items.at(0);
    REQUIRE(item.parts.size() == 2);
    CHECK(item.parts[0].title == "Самоанализ");
    CHECK(item.parts[0].level == "уровень ОО");
    CHECK(item.parts[0].status == shnor::model::Status::done);
    CHECK(item.parts[1].due->iso() == "2026-05-30");
    CHECK(shnor::cache::serialize_school(copy) == shnor::cache::serialize_school(*alpha));
}
