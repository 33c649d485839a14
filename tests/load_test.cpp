#include "test_paths.hpp"
#include "load/csv.hpp"
#include "load/load.hpp"
#include "platform/utf8_path.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using shnor::load::load_site;
using shnor::load::LoadResult;
using shnor::model::Diagnostic;
using shnor::model::Severity;

namespace {

// A content tree in a temporary folder, written file by file by a test.
class ContentTree {
public:
    ContentTree() {
        static std::atomic<int> counter{0};
        root_ = fs::temp_directory_path() /
                ("shnor-load-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    ~ContentTree() { fs::remove_all(root_); }

    ContentTree& file(const std::string& path, const std::string& text) {
        fs::path full = root_ / shnor::platform::path_from_utf8(path);  // Russian names too
        fs::create_directories(full.parent_path());
        std::ofstream(full, std::ios::binary) << text;
        return *this;
    }
    // A site.yaml with only what is required.
    ContentTree& minimal_site() { return file("site.yaml", "title: Сайт\nbase_url: https://example.org/shnor\n"); }

    LoadResult load() const { return load_site(root_); }
    const fs::path& root() const { return root_; }

private:
    fs::path root_;
};

std::string all_messages(const LoadResult& result) {
    std::string text;
    for (const auto& d : result.diagnostics.items()) text += d.format() + "\n";
    return text;
}

std::vector<Diagnostic> errors_of(const LoadResult& result) {
    std::vector<Diagnostic> errors;
    for (const auto& d : result.diagnostics.items())
        if (d.severity == Severity::error) errors.push_back(d);
    return errors;
}

// The one diagnostic about `file` whose message contains `fragment`.
const Diagnostic* find_diagnostic(const LoadResult& result, const std::string& file, const std::string& fragment) {
    for (const auto& d : result.diagnostics.items())
        if (d.file == file && d.message.find(fragment) != std::string::npos) return &d;
    return nullptr;
}

void require_clean(const LoadResult& result) {
    INFO(all_messages(result));
    REQUIRE(result.diagnostics.items().empty());
}

// Requires a diagnostic at file:line about `field` whose message contains `fragment`.
void require_diagnostic(const LoadResult& result, Severity severity, const std::string& file, int line,
                        const std::string& field, const std::string& fragment) {
    INFO("expected " << file << ":" << line << " " << field << ": " << fragment << "\ngot:\n"
                     << all_messages(result));
    bool found = std::any_of(result.diagnostics.items().begin(), result.diagnostics.items().end(),
                             [&](const Diagnostic& d) {
                                 return d.severity == severity && d.file == file && d.line == line &&
                                        d.field == field && d.message.find(fragment) != std::string::npos;
                             });
    REQUIRE(found);
}

void require_error(const LoadResult& result, const std::string& file, int line, const std::string& field,
                   const std::string& fragment) {
    require_diagnostic(result, Severity::error, file, line, field, fragment);
}

}  // namespace

TEST_CASE("load: site.yaml fields land in the config", "[load]") {
    ContentTree tree;
    tree.file("site.yaml", R"Y(title: Сопровождение ШНОР
base_url: https://kromy.example/shnor
language: ru
district:
  name: Кромский район
  region: Орловская область
  authority: Отдел образования
  address: ул. Ленина, 1
  phone: "+7 000"
  email: edu@kromy.example
  website: https://kromy.example/
  schools_total: 14
  facts:
    - {label: в сельской местности, value: "17 (11 малокомплектных)"}
coordinator:
  organization: МКУ ЦИМО
  name: Великасова Елена Николаевна
  position: Главный специалист
  phone: "+7 111"
  email: c@kromy.example
  example: true
sources:
  - id: region-results
    url: https://rcoko.example/results.csv
    role: results
    format: csv
    sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    max_age: 12h
  - id: list
    url: https://rcoko.example/list.json
    role: schools-list
    format: json
)Y");
    auto result = tree.load();
    require_clean(result);
    const auto& config = result.site.config;
    CHECK(config.title == "Сопровождение ШНОР");
    CHECK(config.base_url == "https://kromy.example/shnor/");
    CHECK(config.language == "ru");
    CHECK(config.district.name == "Кромский район");
    CHECK(config.district.region == "Орловская область");
    CHECK(config.district.authority == "Отдел образования");
    CHECK(config.district.address == "ул. Ленина, 1");
    CHECK(config.district.phone == "+7 000");
    CHECK(config.district.email == "edu@kromy.example");
    CHECK(config.district.website == "https://kromy.example/");
    CHECK(config.district.schools_total == 14);
    REQUIRE(config.district.facts.size() == 1);
    CHECK(config.district.facts[0].label == "в сельской местности");
    CHECK(config.district.facts[0].value == "17 (11 малокомплектных)");
    CHECK(config.coordinator.organization == "МКУ ЦИМО");
    CHECK(config.coordinator.name == "Великасова Елена Николаевна");
    CHECK(config.coordinator.position == "Главный специалист");
    CHECK(config.coordinator.phone == "+7 111");
    CHECK(config.coordinator.email == "c@kromy.example");
    CHECK(config.coordinator.example);
    REQUIRE(config.sources.size() == 2);
    CHECK(config.sources[0].id == "region-results");
    CHECK(config.sources[0].url == "https://rcoko.example/results.csv");
    CHECK(config.sources[0].role == "results");
    CHECK(config.sources[0].format == "csv");
    CHECK(config.sources[0].sha256.size() == 64);
    CHECK(config.sources[0].max_age == "12h");
    CHECK(config.sources[0].pos.line == 23);
    CHECK(config.sources[1].max_age == "1d");
}

TEST_CASE("load: bad sources are reported field by field", "[load]") {
    ContentTree tree;
    tree.file("site.yaml", R"Y(title: T
base_url: https://example.org/
sources:
  - id: Region
    url: ftp://x
    role: everything
    format: xml
    sha256: abc
    max_age: 1 day
  - id: dup
    url: https://a.example/
    role: data
    format: csv
  - id: dup
    url: https://b.example/
    role: data
    format: csv
)Y");
    auto result = tree.load();
    require_error(result, "site.yaml", 4, "sources[1].id", "латинских строчных");
    require_error(result, "site.yaml", 5, "sources[1].url", "http://");
    require_error(result, "site.yaml", 6, "sources[1].role", "допустимы results, schools-list, district, data");
    require_error(result, "site.yaml", 7, "sources[1].format", "допустимы csv, json, yaml");
    require_error(result, "site.yaml", 8, "sources[1].sha256", "SHA-256");
    require_error(result, "site.yaml", 9, "sources[1].max_age", "30m, 12h, 1d");
    require_error(result, "site.yaml", 14, "sources[3].id", "уже описан");
}

TEST_CASE("load: a missing site.yaml and missing required fields are errors", "[load]") {
    ContentTree empty;
    empty.file("pages/.keep", "");
    auto result = empty.load();
    REQUIRE(find_diagnostic(result, "site.yaml", "нет файла site.yaml"));

    ContentTree tree;
    tree.file("site.yaml", "language: ru\n");
    result = tree.load();
    require_error(result, "site.yaml", 1, "title", "обязательное поле не заполнено");
    require_error(result, "site.yaml", 1, "base_url", "обязательное поле не заполнено");
}

TEST_CASE("load: a programme passport with every field", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("indicators.yaml", "- {id: shnor-share, title: Доля ШНОР}\n")
        .file("documents.yaml", "- {id: prikaz-30-2025, title: Приказ}\n")
        .file("programs/soprovozhdenie.md", R"Y(---
title: Сопровождение школ на 2025-2026 годы
kind: complex-of-measures
approved_by: prikaz-30-2025
developers: [Отдел образования]
executors: [Школы района, ЦИМО]
curator: {name: Иванова И. И., position: Начальник, example: true}
goal: Повышение качества
tasks:
  - Разработка программы
  - text: Создание инфраструктуры
    actions: [Анализ данных, Сбор сведений]
indicators: [shnor-share]
period: {start: 2025-02-01, end: 2026-12-31}
stages:
  - {name: Основной, start: 2025-02-01, end: 2025-12-31, when: февраль–декабрь 2025, description: "**Этап**"}
expected_results: [Снижение доли ШНОР]
control: Отдел образования
other:
  - {label: Механизм реализации, value: Через планы}
example: true
---
## Описание ситуации

| a | b |
|---|---|
)Y");
    auto result = tree.load();
    require_clean(result);
    REQUIRE(result.site.district.programs.size() == 1);
    const auto& program = result.site.district.programs[0];
    CHECK(program.id == "soprovozhdenie");
    CHECK(program.title == "Сопровождение школ на 2025-2026 годы");
    CHECK(program.kind == "complex-of-measures");
    CHECK(program.approved_by == "prikaz-30-2025");
    CHECK(program.developers == std::vector<std::string>{"Отдел образования"});
    CHECK(program.executors == std::vector<std::string>{"Школы района", "ЦИМО"});
    REQUIRE(program.curator);
    CHECK(program.curator->name == "Иванова И. И.");
    CHECK(program.curator->position == "Начальник");
    CHECK(program.curator->example);
    CHECK(program.goal == "Повышение качества");
    REQUIRE(program.tasks.size() == 2);
    CHECK(program.tasks[0].text == "Разработка программы");
    CHECK(program.tasks[0].actions.empty());
    CHECK(program.tasks[1].text == "Создание инфраструктуры");
    CHECK(program.tasks[1].actions == std::vector<std::string>{"Анализ данных", "Сбор сведений"});
    CHECK(program.indicators == std::vector<std::string>{"shnor-share"});
    REQUIRE(program.period);
    CHECK(program.period->start.iso() == "2025-02-01");
    CHECK(program.period->end.iso() == "2026-12-31");
    REQUIRE(program.stages.size() == 1);
    CHECK(program.stages[0].name == "Основной");
    CHECK(program.stages[0].start->iso() == "2025-02-01");
    CHECK(program.stages[0].end->iso() == "2025-12-31");
    CHECK(program.stages[0].when == "февраль–декабрь 2025");
    CHECK(program.stages[0].description == "**Этап**");
    CHECK(program.expected_results == std::vector<std::string>{"Снижение доли ШНОР"});
    CHECK(program.control == "Отдел образования");
    REQUIRE(program.other.size() == 1);
    CHECK(program.other[0].label == "Механизм реализации");
    CHECK(program.other[0].value == "Через планы");
    CHECK(program.example);
    CHECK(program.body.find("## Описание ситуации") == 0);
    CHECK(program.body.find("| a | b |") != std::string::npos);
    CHECK(program.pos.file == "programs/soprovozhdenie.md");
}

TEST_CASE("load: a roadmap with sections keeps every item field", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("programs/prog.md", "---\ntitle: П\n---\n")
        .file("documents.yaml", "- {id: prikaz-12-2024, title: Приказ}\n")
        .file("news/2024-04-10-seminar.md", "---\ntitle: Семинар\n---\n")
        .file("schools/kutafinskaya/school.yaml", "name: Кутафинская СОШ\n")
        .file("roadmaps/plan-2024.yaml", R"Y(title: |-
  План мероприятий
  на 2024 год
period: {start: 2024-01-01, end: 2024-12-31}
approved_by: Приказ № 145
program: prog
description: |
  Пояснительная записка.
sections:
  - n: "1"
    title: Организационные меры
    items:
      - n: "1.1"
        title: Назначение координаторов
        when: Март 2024
        start: 2024-03-01
        due: 2024-03-31
        responsible: Управление образования
        result: |
          Назначен координатор:
          - приказ
        status: done
        report: |
          Приказ № 12 от 05.03.2024.
        reported: 2024-03-06
        evidence: [prikaz-12-2024, "news:2024-04-10-seminar", https://example.org/a]
        schools: [kutafinskaya]
        example: true
      - n: 2
        title: Второе
        responsible: [Школы, ЦИМО]
  - title: Методические меры
    items:
      - title: Без номера
)Y");
    auto result = tree.load();
    require_clean(result);
    REQUIRE(result.site.district.roadmaps.size() == 1);
    const auto& roadmap = result.site.district.roadmaps[0];
    CHECK(roadmap.id == "plan-2024");
    CHECK(roadmap.title == "План мероприятий\nна 2024 год");
    CHECK(roadmap.period->start.iso() == "2024-01-01");
    CHECK(roadmap.approved_by == "Приказ № 145");
    CHECK(roadmap.program == "prog");
    CHECK(roadmap.description == "Пояснительная записка.");
    CHECK_FALSE(roadmap.flat);
    REQUIRE(roadmap.sections.size() == 2);
    CHECK(roadmap.sections[0].n == "1");
    CHECK(roadmap.sections[0].title == "Организационные меры");
    REQUIRE(roadmap.sections[0].items.size() == 2);
    const auto& item = roadmap.sections[0].items[0];
    CHECK(item.n == "1.1");
    CHECK(item.title == "Назначение координаторов");
    CHECK(item.when == "Март 2024");
    CHECK(item.start->iso() == "2024-03-01");
    CHECK(item.due->iso() == "2024-03-31");
    CHECK(item.responsible == std::vector<std::string>{"Управление образования"});
    CHECK(item.result == "Назначен координатор:\n- приказ");
    CHECK(item.status == shnor::model::Status::done);
    CHECK(item.status_given);
    CHECK(item.report == "Приказ № 12 от 05.03.2024.");
    CHECK(item.reported->iso() == "2024-03-06");
    CHECK(item.evidence ==
          std::vector<std::string>{"prikaz-12-2024", "news:2024-04-10-seminar", "https://example.org/a"});
    CHECK(item.schools == std::vector<std::string>{"kutafinskaya"});
    CHECK(item.example);
    CHECK(item.pos.line == 13);
    const auto& second = roadmap.sections[0].items[1];
    CHECK(second.n == "2");
    CHECK(second.responsible == std::vector<std::string>{"Школы", "ЦИМО"});
    CHECK(second.status == shnor::model::Status::planned);
    CHECK_FALSE(second.status_given);
    CHECK(roadmap.sections[1].n.empty());
    CHECK(roadmap.sections[1].items[0].n.empty());
}

TEST_CASE("load: a flat roadmap becomes one untitled section; sections and items together are an error",
          "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("roadmaps/flat.yaml", "title: Ф\nitems:\n  - {title: Первое}\n  - {title: Второе, status: cancelled}\n")
        .file("roadmaps/both.yaml", "title: Б\nsections: []\nitems:\n  - {title: X}\n");
    auto result = tree.load();
    const auto& roadmaps = result.site.district.roadmaps;
    REQUIRE(roadmaps.size() == 2);
    const auto& flat = roadmaps[1];
    CHECK(flat.id == "flat");
    CHECK(flat.flat);
    REQUIRE(flat.sections.size() == 1);
    CHECK(flat.sections[0].title.empty());
    REQUIRE(flat.sections[0].items.size() == 2);
    CHECK(flat.sections[0].items[1].status == shnor::model::Status::cancelled);
    require_error(result, "roadmaps/both.yaml", 3, "items", "либо разделы");
    CHECK(errors_of(result).size() == 1);
}

TEST_CASE("load: indicators with baseline, target and values", "[load]") {
    ContentTree tree;
    tree.minimal_site().file("indicators.yaml", R"Y(- id: shnor-share
  title: Доля ШНОР
  unit: "%"
  better: lower
  baseline: {year: 2024, value: 21}
  target: {year: 2026, value: 7.1}
  values:
    - {year: 2025, value: "14,3", note: по итогам года, example: true}
- id: second
  title: Второй
)Y");
    auto result = tree.load();
    require_clean(result);
    REQUIRE(result.site.indicators.size() == 2);
    const auto& indicator = result.site.indicators[0];
    CHECK(indicator.id == "shnor-share");
    CHECK(indicator.title == "Доля ШНОР");
    CHECK(indicator.unit == "%");
    CHECK(indicator.better == "lower");
    CHECK(indicator.baseline->year == 2024);
    CHECK(indicator.baseline->value == Approx(21));
    CHECK(indicator.target->year == 2026);
    CHECK(indicator.target->value == Approx(7.1));
    REQUIRE(indicator.values.size() == 1);
    CHECK(indicator.values[0].value == Approx(14.3));
    CHECK(indicator.values[0].note == "по итогам года");
    CHECK(indicator.values[0].example);
    CHECK(result.site.indicators[1].better == "higher");
    CHECK(result.site.indicators[1].pos.line == 9);
}

TEST_CASE("load: documents with local files, URLs and references", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("files/prikaz-30-2025.pdf", "12345")
        .file("pages/prikaz-30-2025.md", "---\ntitle: Текст приказа\n---\nТекст")
        .file("documents.yaml", R"Y(- id: prikaz-30-2025
  kind: order
  title: Об утверждении программы
  number: 30
  date: 2025-01-28
  issuer: Отдел образования
  file: files/prikaz-30-2025.pdf
  based_on: [prikaz-1643-2022]
  page: prikaz-30-2025
  signed_by: {name: Н. В. Буглаева, position: Начальник, example: true}
  example: true
- id: prikaz-1643-2022
  title: Региональный приказ
  url: https://region.example/1643.pdf
)Y")
        .file("schools/kutafinskaya/school.yaml", "name: Школа\n")
        .file("schools/kutafinskaya/files/plan.docx", "abc")
        .file("schools/kutafinskaya/documents.yaml",
              "- {id: plan, kind: plan, title: План, file: files/plan.docx, based_on: prikaz-30-2025}\n");
    auto result = tree.load();
    require_clean(result);
    const auto& documents = result.site.district.documents;
    REQUIRE(documents.size() == 2);
    const auto& order = documents[0];
    CHECK(order.id == "prikaz-30-2025");
    CHECK(order.kind == "order");
    CHECK(order.title == "Об утверждении программы");
    CHECK(order.number == "30");
    CHECK(order.date->iso() == "2025-01-28");
    CHECK(order.issuer == "Отдел образования");
    CHECK(order.file == "files/prikaz-30-2025.pdf");
    CHECK(order.site_path == "files/prikaz-30-2025.pdf");
    CHECK(order.file_size == 5);
    CHECK(order.file_type == "PDF");
    CHECK(fs::equivalent(order.file_path, tree.root() / "files/prikaz-30-2025.pdf"));
    CHECK(order.based_on == std::vector<std::string>{"prikaz-1643-2022"});
    CHECK(order.page == "prikaz-30-2025");
    REQUIRE(order.signed_by);
    CHECK(order.signed_by->name == "Н. В. Буглаева");
    CHECK(order.signed_by->example);
    CHECK(order.example);
    CHECK(documents[1].kind == "other");
    CHECK(documents[1].url == "https://region.example/1643.pdf");
    CHECK(documents[1].site_path.empty());
    const auto& school_document = result.site.schools.at(0).own.documents.at(0);
    CHECK(school_document.site_path == "schools/kutafinskaya/files/plan.docx");
    CHECK(school_document.file_type == "DOCX");
    CHECK(school_document.file_size == 3);
    CHECK(result.site.district.pages.at(0).title == "Текст приказа");
}

TEST_CASE("load: news take their date from the file name and are sorted newest first", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/kutafinskaya/school.yaml", "name: Школа\n")
        .file("roadmaps/plan-2024.yaml", "title: П\nitems:\n  - {n: \"3\", title: Семинар}\n")
        .file("files/photo-1.jpg", "jpg")
        .file("news/2024-03-01-early.md", "---\ntitle: Раньше\n---\nТекст")
        .file("news/2024-05-02-b.md", "---\ntitle: Б\n---\n")
        .file("news/2024-05-02-a.md", R"Y(---
title: Семинар для школ
date: 2024-05-02
schools: [kutafinskaya]
roadmap_item: plan-2024#3
photos: [files/photo-1.jpg]
links:
  - https://example.org/video
  - {title: Презентация, url: https://example.org/p.pdf}
example: true
---
**Текст** новости
)Y");
    auto result = tree.load();
    require_clean(result);
    const auto& news = result.site.district.news;
    REQUIRE(news.size() == 3);
    CHECK(news[0].id == "2024-05-02-a");
    CHECK(news[1].id == "2024-05-02-b");
    CHECK(news[2].id == "2024-03-01-early");
    CHECK(news[2].date.iso() == "2024-03-01");
    const auto& item = news[0];
    CHECK(item.title == "Семинар для школ");
    CHECK(item.date.iso() == "2024-05-02");
    CHECK(item.schools == std::vector<std::string>{"kutafinskaya"});
    CHECK(item.roadmap_item == "plan-2024#3");
    CHECK(item.photos == std::vector<std::string>{"files/photo-1.jpg"});
    CHECK(item.photo_site_paths == std::vector<std::string>{"files/photo-1.jpg"});
    REQUIRE(item.links.size() == 2);
    CHECK(item.links[0].title.empty());
    CHECK(item.links[0].url == "https://example.org/video");
    CHECK(item.links[1].title == "Презентация");
    CHECK(item.links[1].url == "https://example.org/p.pdf");
    CHECK(item.example);
    CHECK(item.body == "**Текст** новости\n");
}

TEST_CASE("load: news dates that disagree or are missing", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("news/2024-05-02-a.md", "---\ntitle: А\ndate: 2024-05-03\n---\n")
        .file("news/no-date.md", "---\ntitle: Б\n---\n");
    auto result = tree.load();
    require_diagnostic(result, Severity::warning, "news/2024-05-02-a.md", 3, "date", "не совпадает");
    CHECK(result.site.district.news.at(0).date.iso() == "2024-05-03");
    require_error(result, "news/no-date.md", 2, "date", "обязательное поле");
    CHECK(errors_of(result).size() == 1);
}

TEST_CASE("load: every date field takes 15.03.2024 as well as 2024-03-15", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("roadmaps/plan.yaml", R"Y(title: План
period: {start: 01.09.2024, end: 31.08.2025}
items:
  - title: Первое
    start: 15.03.2025
    due: 5.4.2025
    status: done
    report: Сделано.
    reported: 06.04.2025
  - {title: Второе, start: 2025-03-15, due: 2025-04-05}
)Y")
        .file("documents.yaml", "- {id: prikaz, title: Приказ, date: 28.01.2025, url: https://example.org/p.pdf}\n")
        .file("news/2025-01-28-a.md", "---\ntitle: Новость\ndate: 28.01.2025\n---\n")
        .file("programs/p.md", R"Y(---
title: Программа
period: {start: 01.02.2025, end: 31.12.2026}
stages:
  - {name: Основной, start: 01.02.2025, end: 31.12.2025}
---
)Y");
    auto result = tree.load();
    require_clean(result);
    const auto& roadmap = result.site.district.roadmaps.at(0);
    CHECK(roadmap.period->start.iso() == "2024-09-01");
    CHECK(roadmap.period->end.iso() == "2025-08-31");
    const auto& first = roadmap.sections.at(0).items.at(0);
    const auto& second = roadmap.sections.at(0).items.at(1);
    CHECK(first.start == second.start);
    CHECK(first.due == second.due);
    CHECK(first.reported->iso() == "2025-04-06");
    CHECK(result.site.district.documents.at(0).date->iso() == "2025-01-28");
    CHECK(result.site.district.news.at(0).date.iso() == "2025-01-28");
    const auto& program = result.site.district.programs.at(0);
    CHECK(program.period->start.iso() == "2025-02-01");
    CHECK(program.stages.at(0).start->iso() == "2025-02-01");
    CHECK(program.stages.at(0).end->iso() == "2025-12-31");
}

TEST_CASE("load: a date that is neither form names the file, line and field", "[load]") {
    ContentTree tree;
    tree.minimal_site().file("roadmaps/plan.yaml",
                             "title: П\nperiod: {start: 2024-09-01, end: 31.13.2025}\nitems:\n  - {title: A, due: 15 марта}\n");
    auto result = tree.load();
    require_error(result, "roadmaps/plan.yaml", 2, "period.end", "ожидается дата вида 2024-03-31 или 31.03.2024, получено «31.13.2025»");
    require_error(result, "roadmaps/plan.yaml", 4, "items[1].due", "получено «15 марта»");
}

TEST_CASE("load: a school with every field, its intro and own publications", "[load]") {
    ContentTree tree;
    tree.file("site.yaml", "title: T\nbase_url: https://e.org/\nschools: [zeta, kutafinskaya]\n")
        .file("schools/alpha/school.yaml", "name: Альфа\n")
        .file("schools/zeta/school.yaml", "name: Зета\n")
        .file("schools/kutafinskaya/documents.yaml",
              "- {id: antiriskovaya-2024, title: Программа}\n- {id: samodiagnostika-2024, title: Справка}\n")
        .file("schools/kutafinskaya/index.md", "---\ntitle: О школе\n---\nВведение\n")
        .file("schools/zeta/index.md", "Только текст\n")
        .file("schools/kutafinskaya/programs/antirisk.md", "---\ntitle: Антирисковая\n---\n")
        .file("schools/kutafinskaya/roadmaps/plan.yaml", "title: План школы\nitems: [{title: Одно}]\n")
        .file("schools/kutafinskaya/pages/about.md", "---\ntitle: О нас\ndescription: Кратко\n---\nТекст\n")
        .file("schools/kutafinskaya/news/2024-01-01-start.md", "---\ntitle: Старт\n---\n")
        .file("schools/kutafinskaya/school.yaml", R"Y(name: МБОУ «Кутафинская СОШ»
short_name: Кутафинская СОШ
other_names: [МБОУ КР ОО «Кутафинская СОШ»]
head: {name: Петров П. П., position: Директор, example: true}
coordinator: {name: Сидорова С. С., position: Завуч, phone: "+7 222", email: s@e.org}
address: с. Кутафино
official_site: https://kutafino.example/
students: 23
teachers: 11
rural: true
small: yes
distance_km: 25,5
mentor: zeta
categories:
  - type: shnor
    year: 2024
    basis: Приказ от 30.01.2024 № 116
    reasons:
      - Низкие результаты ОГЭ
  - type: risk
risk_profile:
  - Дефицит педагогических кадров
  - factor: Высокая доля обучающихся с рисками
    measures: |
      Антирисковая программа.
    document: antiriskovaya-2024
self_diagnosis:
  year: 2024
  level: базовый
  document: samodiagnostika-2024
)Y");
    auto result = tree.load();
    require_clean(result);
    const auto& schools = result.site.schools;
    REQUIRE(schools.size() == 3);
    CHECK(schools[0].slug == "zeta");
    CHECK(schools[1].slug == "kutafinskaya");
    CHECK(schools[2].slug == "alpha");
    CHECK(schools[0].intro == "Только текст\n");
    CHECK(schools[0].intro_title.empty());
    const auto& school = schools[1];
    CHECK(school.name == "МБОУ «Кутафинская СОШ»");
    CHECK(school.short_name == "Кутафинская СОШ");
    CHECK(school.other_names == std::vector<std::string>{"МБОУ КР ОО «Кутафинская СОШ»"});
    CHECK(school.head.name == "Петров П. П.");
    CHECK(school.head.example);
    CHECK(school.coordinator.phone == "+7 222");
    CHECK(school.coordinator.email == "s@e.org");
    CHECK(school.address == "с. Кутафино");
    CHECK(school.official_site == "https://kutafino.example/");
    CHECK(school.students == 23);
    CHECK(school.teachers == 11);
    CHECK(school.rural == true);
    CHECK(school.small == true);
    CHECK(school.distance_km == Approx(25.5));
    REQUIRE(school.mentor);
    CHECK(school.mentor->slug == "zeta");
    REQUIRE(school.categories.size() == 2);
    CHECK(school.categories[0].type == "shnor");
    CHECK(school.categories[0].year == 2024);
    CHECK(school.categories[0].basis == "Приказ от 30.01.2024 № 116");
    CHECK(school.categories[0].reasons == std::vector<std::string>{"Низкие результаты ОГЭ"});
    CHECK(school.categories[1].type == "risk");
    REQUIRE(school.risk_profile.size() == 2);
    CHECK(school.risk_profile[0].factor == "Дефицит педагогических кадров");
    CHECK(school.risk_profile[1].factor == "Высокая доля обучающихся с рисками");
    CHECK(school.risk_profile[1].measures == "Антирисковая программа.");
    CHECK(school.risk_profile[1].document == "antiriskovaya-2024");
    REQUIRE(school.self_diagnosis);
    CHECK(school.self_diagnosis->year == 2024);
    CHECK(school.self_diagnosis->level == "базовый");
    CHECK(school.self_diagnosis->document == "samodiagnostika-2024");
    CHECK(school.intro_title == "О школе");
    CHECK(school.intro == "Введение\n");
    CHECK(school.own.programs.at(0).id == "antirisk");
    CHECK(school.own.roadmaps.at(0).title == "План школы");
    CHECK(school.own.pages.at(0).description == "Кратко");
    CHECK(school.own.news.at(0).id == "2024-01-01-start");
    CHECK(school.own.documents.size() == 2);
    CHECK(school.pos.file == "schools/kutafinskaya/school.yaml");
}

TEST_CASE("load: an outside mentor, and a listed school without a folder", "[load]") {
    ContentTree tree;
    tree.file("site.yaml", "title: T\nbase_url: https://e.org/\nschools:\n  - a\n  - ghost\n")
        .file("schools/a/school.yaml", "name: А\nmentor: {name: Глинская СОШ, url: https://glinka.example/}\n")
        .file("schools/b/index.md", "Текст\n");
    auto result = tree.load();
    CHECK(result.site.schools.at(0).mentor->name == "Глинская СОШ");
    CHECK(result.site.schools.at(0).mentor->url == "https://glinka.example/");
    require_error(result, "site.yaml", 5, "schools", "папки schools/ghost нет");
    require_error(result, "schools/b/school.yaml", 0, "", "нет файла school.yaml");
    CHECK(errors_of(result).size() == 2);
}

TEST_CASE("load: illustrative school facts are named; an unset rural flag stays unknown", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/a/school.yaml", "name: А\nstudents: 96\nexample_fields: [students, address]\n")
        .file("schools/b/school.yaml", "name: Б\nrural: false\nexample_fields: [colour]\n");
    auto result = tree.load();
    const auto& first = result.site.schools.at(0);
    CHECK(first.example_fields == std::vector<std::string>{"students", "address"});
    CHECK_FALSE(first.rural.has_value());
    CHECK(result.site.schools.at(1).rural == false);
    require_error(result, "schools/b/school.yaml", 3, "example_fields", "«colour» не поле school.yaml");
    CHECK(errors_of(result).size() == 1);
}

TEST_CASE("load: results from YAML", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/a/school.yaml", "name: А\n")
        .file("schools/a/results.yaml", R"Y(- exam: ОГЭ
  subject: Математика
  grade: 9
  year: 2023
  participants: 14
  mean: 3.1
  scale: 5
  fail_share: 28.6
  quality_share: 21.4
  example: true
- {exam: ЕГЭ, subject: Русский язык, year: 2024, scale: 100, mean: 61}
)Y");
    auto result = tree.load();
    require_clean(result);
    const auto& rows = result.site.schools.at(0).results;
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].exam == "ОГЭ");
    CHECK(rows[0].subject == "Математика");
    CHECK(rows[0].grade == 9);
    CHECK(rows[0].year == 2023);
    CHECK(rows[0].participants == 14);
    CHECK(*rows[0].mean == Approx(3.1));
    CHECK(rows[0].scale == 5);
    CHECK(*rows[0].fail_share == Approx(28.6));
    CHECK(*rows[0].quality_share == Approx(21.4));
    CHECK(rows[0].example);
    CHECK_FALSE(rows[1].grade);
    CHECK(rows[1].scale == 100);
    CHECK(rows[1].pos.line == 11);
}

TEST_CASE("load: results from an Excel CSV with BOM, semicolons, quotes and decimal commas", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/a/school.yaml", "name: А\n")
        .file("schools/a/results.csv",
              "\xEF\xBB\xBF"
              "exam;subject;grade;year;participants;mean;scale;fail_share;quality_share;example\r\n"
              "ОГЭ;Математика;9;2023;14;3,1;5;28,6;21,4;true\r\n"
              "\r\n"
              "ВПР;\"Окружающий мир; природа,\r\nчасть 2\";4;2024;;\"4,2\";5;;;\r\n"
              "ЕГЭ;\"Русский \"\"язык\"\"\";11;2024;3;61;100;0;;\r\n");
    auto result = tree.load();
    require_clean(result);
    const auto& rows = result.site.schools.at(0).results;
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].exam == "ОГЭ");
    CHECK(*rows[0].mean == Approx(3.1));
    CHECK(*rows[0].fail_share == Approx(28.6));
    CHECK(rows[0].example);
    CHECK(rows[0].pos.line == 2);
    CHECK(rows[1].subject == "Окружающий мир; природа,\nчасть 2");
    CHECK(*rows[1].mean == Approx(4.2));
    CHECK_FALSE(rows[1].participants);
    CHECK(rows[1].pos.line == 4);
    CHECK(rows[2].subject == "Русский \"язык\"");
    CHECK(rows[2].pos.line == 6);
}

TEST_CASE("load: comma-separated CSV with a quoted comma, and bad cells named by line and column", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/a/school.yaml", "name: А\n")
        .file("schools/a/results.csv",
              "exam,subject,year,mean,scale,fail_share,colour\n"
              "ОГЭ,\"Математика, алгебра\",2023,3.5,5,10,red\n"
              "ОГЭ,Физика,двадцать,abc,4,120,\n"
              ",Химия,2023,,,,\n");
    auto result = tree.load();
    const auto& rows = result.site.schools.at(0).results;
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].subject == "Математика, алгебра");
    const std::string file = "schools/a/results.csv";
    require_diagnostic(result, Severity::warning, file, 1, "colour", "неизвестный столбец");
    require_error(result, file, 3, "year", "«двадцать»");
    require_error(result, file, 3, "mean", "ожидается число, получено «abc»");
    require_error(result, file, 3, "scale", "допустимы 5, 100");
    require_error(result, file, 3, "fail_share", "от 0 до 100");
    require_error(result, file, 4, "exam", "обязательное поле");
    CHECK(errors_of(result).size() == 5);
}

TEST_CASE("load: CSV reader details", "[load]") {
    auto table = shnor::load::parse_csv("a;b\n1;\"x\ny\"\n2;3");
    CHECK(table.separator == ';');
    REQUIRE(table.records.size() == 3);
    CHECK(table.records[1].cells == std::vector<std::string>{"1", "x\ny"});
    CHECK(table.records[2].line == 4);
    CHECK(table.records[2].cells == std::vector<std::string>{"2", "3"});
    auto broken = shnor::load::parse_csv("a,b\n1,\"open\n");
    CHECK(broken.error_line == 2);
    CHECK_FALSE(broken.error.empty());
}

TEST_CASE("load: district results carry a scope; both YAML and CSV is an error", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/a/school.yaml", "name: А\n")
        .file("results.csv", "scope,exam,subject,year\nregion,ОГЭ,Математика,2023\na,ОГЭ,Математика,2023\nmars,ОГЭ,М,2023\n,ОГЭ,М,2023\n")
        .file("schools/a/results.yaml", "- {exam: ОГЭ, subject: М, year: 2023}\n")
        .file("schools/a/results.csv", "exam,subject,year\n");
    auto result = tree.load();
    const auto& rows = result.site.district_results;
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].scope == "region");
    CHECK(rows[1].scope == "a");
    require_error(result, "results.csv", 4, "scope", "неизвестная область «mars»");
    require_error(result, "results.csv", 5, "scope", "обязательное поле");
    require_error(result, "schools/a/results.csv", 0, "", "оставьте один");
    CHECK(result.site.schools.at(0).results.size() == 1);
    CHECK(errors_of(result).size() == 3);
}

TEST_CASE("load: malformed YAML is reported with its line, in YAML files and front matter", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("documents.yaml", "- id: a\n  title: A\n- id: b\n  title: [unclosed\n")
        .file("pages/about.md", "---\ntitle: О нас\ndescription: x\n  bad: indent\n---\nТекст\n")
        .file("pages/plain.md", "Нет описания\n")
        .file("pages/open.md", "---\ntitle: A\n");
    auto result = tree.load();
    const Diagnostic* yaml_error = find_diagnostic(result, "documents.yaml", "разметка YAML");
    REQUIRE(yaml_error);
    CHECK(yaml_error->line >= 4);
    const Diagnostic* front_error = find_diagnostic(result, "pages/about.md", "разметка YAML");
    INFO(all_messages(result));
    REQUIRE(front_error);
    CHECK(front_error->line == 4);
    require_error(result, "pages/plain.md", 1, "", "между строками ---");
    require_error(result, "pages/open.md", 1, "", "закрывающая");
    CHECK(result.site.district.pages.empty());
}

TEST_CASE("load: a syntax error points at the exact line", "[load]") {
    ContentTree tree;
    tree.minimal_site().file("roadmaps/plan.yaml", "title: П\nitems:\n  - title: A\n  - title: B\n   status: done\n");
    auto result = tree.load();
    const Diagnostic* error = find_diagnostic(result, "roadmaps/plan.yaml", "разметка YAML");
    REQUIRE(error);
    CHECK(error->line == 5);
}

TEST_CASE("load: wrong types are errors with line and field", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("roadmaps/plan.yaml", R"Y(title: {a: b}
sections:
  - title: Раздел
    items:
      - title: Первое
      - title: Второе
        due: 31.02.2024
        schools: kutafinskaya-is-not-a-list-here
      - title: Третье
        responsible: {name: x}
        example: maybe
)Y")
        .file("schools/a/school.yaml", "name: А\nstudents: много\nrural: [true]\ndistance_km: далеко\n")
        .file("indicators.yaml", "id: not-a-list\n");
    auto result = tree.load();
    require_error(result, "roadmaps/plan.yaml", 1, "title", "ожидается текст, а указан набор полей");
    require_error(result, "roadmaps/plan.yaml", 7, "sections[1].items[2].due",
                  "ожидается дата вида 2024-03-31 или 31.03.2024, получено «31.02.2024»");
    require_error(result, "roadmaps/plan.yaml", 10, "sections[1].items[3].responsible", "ожидается список, а указан набор полей");
    require_error(result, "roadmaps/plan.yaml", 11, "sections[1].items[3].example", "true или false");
    require_error(result, "schools/a/school.yaml", 2, "students", "ожидается целое число, получено «много»");
    require_error(result, "schools/a/school.yaml", 3, "rural", "ожидается текст, а указан список");
    require_error(result, "schools/a/school.yaml", 4, "distance_km", "ожидается число");
    require_error(result, "indicators.yaml", 1, "", "ожидается список показателей");
    // A single slug where a list is allowed is read as a one-item list, then checked as a reference.
    require_error(result, "roadmaps/plan.yaml", 8, "sections[1].items[2].schools", "школа");
}

TEST_CASE("load: missing required fields", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("programs/p.md", "---\nkind: plan\n---\n")
        .file("roadmaps/r.yaml", "period: {start: 2024-01-01}\nitems:\n  - n: \"1\"\n    when: Март 2024\n")
        .file("indicators.yaml", "- unit: \"%\"\n")
        .file("documents.yaml", "- kind: order\n")
        .file("pages/p.md", "---\ndescription: x\n---\n")
        .file("schools/a/school.yaml", "short_name: А\ncategories:\n  - year: 2024\n")
        .file("schools/a/results.yaml", "- {exam: ОГЭ}\n");
    auto result = tree.load();
    const std::string missing = "обязательное поле не заполнено";
    require_error(result, "programs/p.md", 2, "title", missing);
    require_error(result, "roadmaps/r.yaml", 1, "title", missing);
    require_error(result, "roadmaps/r.yaml", 1, "period.end", missing);
    require_error(result, "roadmaps/r.yaml", 3, "items[1].title", missing);
    require_error(result, "indicators.yaml", 1, "[1].id", missing);
    require_error(result, "indicators.yaml", 1, "[1].title", missing);
    require_error(result, "documents.yaml", 1, "[1].id", missing);
    require_error(result, "documents.yaml", 1, "[1].title", missing);
    require_error(result, "pages/p.md", 2, "title", missing);
    require_error(result, "schools/a/school.yaml", 1, "name", missing);
    require_error(result, "schools/a/school.yaml", 3, "categories[1].type", missing);
    require_error(result, "schools/a/results.yaml", 1, "[1].subject", missing);
    require_error(result, "schools/a/results.yaml", 1, "[1].year", missing);
    CHECK(errors_of(result).size() == 13);
}

TEST_CASE("load: unknown keys are warnings naming the key and its line", "[load]") {
    ContentTree tree;
    tree.file("site.yaml", "title: T\nbase_url: https://e.org/\ncolour: blue\n")
        .file("roadmaps/r.yaml", "title: R\nitems:\n  - title: A\n    stauts: done\n");
    auto result = tree.load();
    CHECK_FALSE(result.diagnostics.has_errors());
    require_diagnostic(result, Severity::warning, "site.yaml", 3, "colour", "неизвестное поле «colour»");
    require_diagnostic(result, Severity::warning, "roadmaps/r.yaml", 4, "items[1].stauts", "«stauts»");
}

TEST_CASE("load: a wrong enumeration value lists the allowed ones", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("roadmaps/r.yaml", "title: R\nitems:\n  - title: A\n    status: готово\n")
        .file("programs/p.md", "---\ntitle: P\nkind: strategy\n---\n")
        .file("documents.yaml", "- {id: d, title: D, kind: letter}\n")
        .file("indicators.yaml", "- {id: i, title: I, better: more}\n")
        .file("schools/a/school.yaml", "name: A\ncategories: [{type: weak}]\n")
        .file("schools/a/results.yaml", "- {exam: ОГЭ, subject: М, year: 2023, scale: 10}\n");
    auto result = tree.load();
    require_error(result, "roadmaps/r.yaml", 4, "items[1].status",
                  "неизвестное значение «готово»: допустимы planned, in_progress, done, cancelled");
    require_error(result, "programs/p.md", 3, "kind", "допустимы programme, complex-of-measures, concept, plan");
    require_error(result, "documents.yaml", 1, "[1].kind", "допустимы order, programme, plan, report");
    require_error(result, "indicators.yaml", 1, "[1].better", "допустимы higher, lower");
    require_error(result, "schools/a/school.yaml", 2, "categories[1].type", "допустимы shnor, shnsu, risk");
    require_error(result, "schools/a/results.yaml", 1, "[1].scale", "допустимы 5, 100");
    CHECK(errors_of(result).size() == 6);
}

TEST_CASE("load: slugs and ids must be lower-case Latin; duplicates are errors", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("programs/Programma.md", "---\ntitle: P\n---\n")
        .file("roadmaps/plan_2024.yaml", "title: R\n")
        .file("news/2024-01-01-Новость.md", "---\ntitle: N\n---\n")
        .file("pages/About.md", "---\ntitle: A\n---\n")
        .file("schools/Школа-1/school.yaml", "name: Ш\n")
        .file("documents.yaml", "- {id: Prikaz 1, title: A}\n- {id: same, title: B}\n- {id: same, title: C}\n")
        .file("indicators.yaml", "- {id: x, title: A}\n- {id: x, title: B}\n");
    auto result = tree.load();
    require_error(result, "programs/Programma.md", 0, "", "латинских строчных");
    require_error(result, "roadmaps/plan_2024.yaml", 0, "", "латинских строчных");
    require_error(result, "news/2024-01-01-Новость.md", 0, "", "латинских строчных");
    require_error(result, "pages/About.md", 0, "", "латинских строчных");
    require_error(result, "schools/Школа-1", 0, "", "имя папки школы");
    require_error(result, "documents.yaml", 1, "[1].id", "«Prikaz 1»");
    require_error(result, "documents.yaml", 3, "[3].id", "уже описан");
    require_error(result, "indicators.yaml", 2, "[2].id", "уже описан");
    CHECK(errors_of(result).size() == 8);
}

TEST_CASE("load: dangling references of every kind", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("indicators.yaml", "- {id: known, title: K}\n")
        .file("documents.yaml", R"Y(- id: doc
  title: D
  based_on: [nope-doc]
  page: nope-page
)Y")
        .file("programs/p.md", "---\ntitle: P\nindicators: [known, nope-indicator]\n---\n")
        .file("roadmaps/r.yaml", R"Y(title: R
program: nope-program
items:
  - n: "1"
    title: A
    evidence: [doc, https://ok.example, "news:nope-news", nope-evidence]
    schools: [a, nope-school]
)Y")
        .file("news/2024-01-01-n.md", "---\ntitle: N\nschools: [nope-school-2]\nroadmap_item: r#9\n---\n")
        .file("news/2024-01-02-m.md", "---\ntitle: M\nroadmap_item: nope-roadmap#1\n---\n")
        .file("news/2024-01-03-k.md", "---\ntitle: K\nroadmap_item: r-1\n---\n")
        .file("schools/a/school.yaml", R"Y(name: A
mentor: nope-mentor
risk_profile:
  - {factor: F, document: nope-risk-doc}
self_diagnosis: {year: 2024, document: nope-diag-doc}
categories:
  - {type: shnor, basis: Приказ от 1 января}
)Y")
        .file("schools/a/programs/own.md", "---\ntitle: O\napproved_by: свободный текст\n---\n")
        .file("schools/a/roadmaps/s.yaml", "title: S\nprogram: own\nitems:\n  - {title: X, evidence: [doc]}\n");
    auto result = tree.load();
    require_error(result, "documents.yaml", 3, "[1].based_on[1]", "документ «nope-doc» не найден");
    require_error(result, "documents.yaml", 4, "[1].page", "страница «nope-page» не найдена");
    require_error(result, "programs/p.md", 3, "indicators[2]", "показатель «nope-indicator» не найден");
    require_error(result, "roadmaps/r.yaml", 2, "program", "программа «nope-program» не найдена");
    require_error(result, "roadmaps/r.yaml", 6, "items[1].evidence[3]", "новость «nope-news» не найдена");
    require_error(result, "roadmaps/r.yaml", 6, "items[1].evidence[4]", "документ «nope-evidence» не найден");
    require_error(result, "roadmaps/r.yaml", 7, "items[1].schools[2]", "школа «nope-school» не найдена");
    require_error(result, "news/2024-01-01-n.md", 3, "schools[1]", "школа «nope-school-2»");
    require_error(result, "news/2024-01-01-n.md", 4, "roadmap_item", "нет мероприятия с номером «9»");
    require_error(result, "news/2024-01-02-m.md", 3, "roadmap_item", "дорожная карта «nope-roadmap» не найдена");
    require_error(result, "news/2024-01-03-k.md", 3, "roadmap_item", "ожидается ссылка вида");
    require_error(result, "schools/a/school.yaml", 2, "mentor", "школа «nope-mentor»");
    require_error(result, "schools/a/school.yaml", 4, "risk_profile[1].document", "«nope-risk-doc»");
    require_error(result, "schools/a/school.yaml", 5, "self_diagnosis.document", "«nope-diag-doc»");
    CHECK(errors_of(result).size() == 14);
}

TEST_CASE("load: missing local files are errors", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("documents.yaml", "- {id: a, title: A, file: files/absent.pdf}\n- {id: b, title: B, file: ../outside.pdf}\n")
        .file("schools/s/school.yaml", "name: S\n")
        .file("schools/s/news/2024-01-01-n.md", "---\ntitle: N\nphotos: [files/none.jpg]\n---\n");
    auto result = tree.load();
    require_error(result, "documents.yaml", 1, "[1].file", "«files/absent.pdf» не найден");
    require_error(result, "documents.yaml", 2, "[2].file", "внутри папки");
    require_error(result, "schools/s/news/2024-01-01-n.md", 3, "photos[1]", "«schools/s/files/none.jpg» не найден");
    CHECK(result.site.district.documents.at(0).site_path.empty());
    CHECK(result.site.schools.at(0).own.news.at(0).photo_site_paths.empty());
}

TEST_CASE("load: every error of the build is reported, not only the first", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("roadmaps/a.yaml", "title: A\nitems:\n  - {title: X, status: wrong}\n")
        .file("roadmaps/b.yaml", "title: B\nitems:\n  - {title: Y, due: soon}\n");
    auto result = tree.load();
    auto errors = errors_of(result);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].file == "roadmaps/a.yaml");
    CHECK(errors[1].file == "roadmaps/b.yaml");
    CHECK(result.site.district.roadmaps.size() == 2);
}

TEST_CASE("load: a missing content folder is an error, not an exception", "[load]") {
    auto result = load_site("/nonexistent/shnor-content");
    CHECK(result.diagnostics.has_errors());
}

TEST_CASE("load: the example content loads without errors", "[load]") {
    auto result = load_site(fs::path(SHNOR_SOURCE_DIR) / "content");
    INFO(all_messages(result));
    CHECK_FALSE(result.diagnostics.has_errors());
    REQUIRE(result.site.schools.size() == 12);
    CHECK(result.site.schools.front().slug == "sosh-1");
    REQUIRE(result.site.district.roadmaps.size() >= 1);
    const auto& roadmap = result.site.district.roadmaps.front();
    REQUIRE(roadmap.sections.size() == 4);
    std::size_t items = 0;
    for (const auto& section : roadmap.sections) items += section.items.size();
    CHECK(items == 47);
}

TEST_CASE("load: Windows line ends, duplicate keys, stray files and a person written as a name", "[load]") {
    ContentTree tree;
    tree.minimal_site()
        .file("pages/crlf.md", "---\r\ntitle: Страница\r\nstatus: x\r\n---\r\nТекст\r\n")
        .file("roadmaps/r.yaml", "title: A\ntitle: B\n")
        .file("roadmaps/notes.txt", "заметки")
        .file("programs/p.md", "---\ntitle: P\ncurator: Иванова И. И.\n---\n");
    auto result = tree.load();
    CHECK(result.site.district.pages.at(0).title == "Страница");
    require_diagnostic(result, Severity::warning, "pages/crlf.md", 3, "status", "неизвестное поле");
    require_error(result, "roadmaps/r.yaml", 2, "title", "указано дважды");
    require_diagnostic(result, Severity::warning, "roadmaps/notes.txt", 0, "", "не будет прочитан");
    CHECK(result.site.district.programs.at(0).curator->name == "Иванова И. И.");
    CHECK(errors_of(result).size() == 1);
}
