#include "check/check.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>
#include <unistd.h>

namespace fs = std::filesystem;
using shnor::model::Date;
namespace pipeline = shnor::pipeline;
using shnor::model::Diagnostics;
using shnor::model::Severity;

namespace {

struct CheckTree {
    fs::path root = fs::temp_directory_path() / ("shnor-check-" + std::to_string(::getpid()));
    CheckTree() {
        fs::remove_all(root);
        write("site.yaml", "title: Сайт\nbase_url: https://example.org/\n");
    }
    ~CheckTree() { fs::remove_all(root); }
    CheckTree& write(const std::string& path, const std::string& text) {
        fs::create_directories((root / path).parent_path());
        std::ofstream(root / path) << text;
        return *this;
    }
};

bool has_finding(const Diagnostics& findings, Severity severity, const std::string& file, int line,
                 const std::string& part) {
    for (const auto& d : findings.items())
        if (d.severity == severity && d.file == file && d.line == line && d.message.find(part) != std::string::npos)
            return true;
    return false;
}

constexpr const char* kRoadmap = R"(title: План
period: {start: 2024-01-01, end: 2024-12-31}
items:
  - n: "1"
    title: Когда-нибудь
    when: когда рак на горе свистнет
  - n: "2"
    title: Просрочено без отчёта
    due: 2024-03-31
  - n: "3"
    title: Просрочено, но с отчётом
    due: 2024-03-31
    status: in_progress
    report: Работа идёт.
  - n: "4"
    title: Отменено
    due: 2024-03-31
    status: cancelled
)";

}  // namespace

TEST_CASE("check reports unread deadlines, items past due without a report and roadmaps with nothing done",
          "[check]") {
    CheckTree tree;
    tree.write("roadmaps/plan.yaml", kRoadmap);
    auto findings = shnor::check::check_site(tree.root, Date{2024, 11, 1});
    CHECK_FALSE(findings.has_errors());
    CHECK(has_finding(findings, Severity::warning, "roadmaps/plan.yaml", 4, "«когда рак на горе свистнет» не распознан"));
    CHECK(has_finding(findings, Severity::warning, "roadmaps/plan.yaml", 7, "срок прошёл (31.03.2024), а отчёта нет"));
    CHECK_FALSE(has_finding(findings, Severity::warning, "roadmaps/plan.yaml", 10, "отчёта нет"));
    CHECK_FALSE(has_finding(findings, Severity::warning, "roadmaps/plan.yaml", 15, "отчёта нет"));
    CHECK(has_finding(findings, Severity::warning, "roadmaps/plan.yaml", 1, "нет ни одного выполненного"));
    CHECK(findings.items().size() == 3);
}

TEST_CASE("check warns about a deadline read outside the roadmap's period, naming item, text and date", "[check]") {
    CheckTree tree;
    tree.write("roadmaps/plan-2024-2025.yaml", R"(title: План на 2024/2025 учебный год
period: {start: 2024-09-01, end: 2025-08-31}
items:
  - n: "1"
    title: Внутри периода
    when: январь
  - n: "2"
    title: Год из другого плана
    when: Март 2024
  - title: Без номера
    when: до 15.05.2026
  - n: "4"
    title: Срок записан полями
    when: Март 2024
    start: 2025-03-01
    due: 2025-03-31
  - n: "5"
    title: Постоянно
    when: постоянно
)");
    auto findings = shnor::check::check_site(tree.root, Date{2024, 10, 1});
    CHECK(has_finding(findings, Severity::warning, "roadmaps/plan-2024-2025.yaml", 7,
                      "«дорожная карта» plan-2024-2025, мероприятие 2: срок «Март 2024» прочитан как "
                      "01.03.2024–31.03.2024, это вне периода плана 01.09.2024–31.08.2025"));
    CHECK(has_finding(findings, Severity::warning, "roadmaps/plan-2024-2025.yaml", 10,
                      "мероприятие «Без номера»: срок «до 15.05.2026» прочитан как до 15.05.2026"));
    for (int line : {4, 12, 17}) CHECK_FALSE(has_finding(findings, Severity::warning, "roadmaps/plan-2024-2025.yaml", line, "вне периода"));
}

TEST_CASE("check before the deadline finds nothing late; content errors stay errors", "[check]") {
    CheckTree tree;
    tree.write("roadmaps/plan.yaml", kRoadmap).write("indicators.yaml", "- id: x\n  title: [\n");
    auto findings = shnor::check::check_site(tree.root, Date{2024, 1, 15});
    CHECK(findings.has_errors());
    CHECK(has_finding(findings, Severity::error, "indicators.yaml", 3, "YAML"));
    CHECK_FALSE(has_finding(findings, Severity::warning, "roadmaps/plan.yaml", 7, "отчёта нет"));
}

TEST_CASE("check compares the regional list with the school sections, names spelled as in real lists", "[check]") {
    CheckTree tree;
    tree.write("site.yaml", "title: Сайт\nbase_url: https://example.org/\nsources:\n"
                            "  - {id: list, url: 'file:shared/list.csv', role: schools-list, format: csv}\n")
        .write("shared/list.csv", "name;type;year\n\"МКОУ \"\"Кармаклинская средняя общеобразовательная школа\"\"\";shnor;2024\n"
                                  "МБОУ СОШ № 92;shnor;2024\n")
        .write("schools/karmaklinskaya/school.yaml", "name: МКОУ Кармаклинская СОШ\n")
        .write("schools/sosh-47/school.yaml", "name: МБОУ СОШ №47\n");
    pipeline::SourceOptions sources{tree.root / "cache", false};
    auto findings = shnor::check::check_site(tree.root, Date{2024, 11, 1}, sources);
    CHECK_FALSE(findings.has_errors());
    CHECK(has_finding(findings, Severity::warning, "file:shared/list.csv", 3,
                      "«МБОУ СОШ № 92» есть в перечне «list», но раздела на сайте у неё нет"));
    CHECK(has_finding(findings, Severity::warning, "schools/sosh-47/school.yaml", 1, "«МБОУ СОШ №47» нет в перечне"));
    CHECK_FALSE(has_finding(findings, Severity::warning, "schools/karmaklinskaya/school.yaml", 1, "нет в перечне"));
}

// ---- The compliance gate: what each school's section lacks, example data left in.

namespace {

const shnor::check::Finding* finding_with(const shnor::check::CheckReport& report, const std::string& code,
                                          const std::string& school = "") {
    for (const auto& finding : report.findings)
        if (finding.code == code && (school.empty() || finding.school == school)) return &finding;
    return nullptr;
}

// A school with everything the orders ask for: the others differ from it in one thing each.
constexpr const char* kCompleteSchool = R"(name: МБОУ СОШ № 5
coordinator: {name: Иванова А. А., position: заместитель директора, phone: "+7 000 000-00-00"}
categories:
  - type: shnor
    year: 2024
    basis: приказ № 217
    reasons: [Низкие результаты ОГЭ по математике два года подряд]
)";

constexpr const char* kSchoolDocuments = R"(- id: plan
  kind: plan
  title: Программа перехода школы в эффективный режим работы
  file: files/plan.pdf
)";

void write_complete_school(CheckTree& tree, const std::string& slug) {
    tree.write("schools/" + slug + "/school.yaml", kCompleteSchool)
        .write("schools/" + slug + "/documents.yaml", kSchoolDocuments)
        .write("schools/" + slug + "/files/plan.pdf", "%PDF-1.4\n")
        .write("schools/" + slug + "/results.yaml",
               "- {exam: ОГЭ, subject: Математика, grade: 9, year: 2024, mean: 3.4}\n");
}

}  // namespace

TEST_CASE("check: a complete school gives no compliance finding", "[check]") {
    CheckTree tree;
    write_complete_school(tree, "sosh-5");
    tree.write("schools/sosh-5/roadmaps/plan.yaml", "title: План школы\nitems:\n  - {n: '1', title: Анализ, status: done}\n");
    auto report = shnor::check::check_report(tree.root, Date{2024, 11, 1});
    for (const auto& finding : report.findings) INFO(finding.diagnostic.format());
    CHECK(report.findings.empty());
}

TEST_CASE("check: a school without category, contacts, roadmap, results or documents is not «замечаний 0»",
          "[check]") {
    CheckTree tree;
    tree.write("schools/sosh-9/school.yaml", "name: МБОУ СОШ № 9\n");
    auto report = shnor::check::check_report(tree.root, Date{2024, 11, 1});
    CHECK(report.errors() == 0);
    for (const char* code : {"school-category", "school-roadmap", "school-results", "school-contacts", "school-documents"}) {
        INFO(code);
        const auto* finding = finding_with(report, code, "sosh-9");
        REQUIRE(finding);
        CHECK(finding->diagnostic.severity == Severity::warning);
        CHECK(finding->diagnostic.file == "schools/sosh-9/school.yaml");
        CHECK(finding->diagnostic.message.starts_with("школа «МБОУ СОШ № 9»: "));
    }
    CHECK(finding_with(report, "school-contacts")->diagnostic.message.find("coordinator") != std::string::npos);
    CHECK(report.warnings() == 5);
}

TEST_CASE("check: a category needs its basis and reasons", "[check]") {
    CheckTree tree;
    write_complete_school(tree, "sosh-5");
    tree.write("schools/sosh-5/school.yaml",
               "name: МБОУ СОШ № 5\nhead: {name: Петров П. П., email: school5@example.org}\n"
               "categories:\n  - {type: shnsu, year: 2023}\n");
    auto report = shnor::check::check_report(tree.root, Date{2024, 11, 1});
    REQUIRE(finding_with(report, "school-category-basis"));
    CHECK(finding_with(report, "school-category-basis")->diagnostic.message.find("«ШНСУ» 2023 года") !=
          std::string::npos);
    CHECK(finding_with(report, "school-category-reasons"));
    CHECK_FALSE(finding_with(report, "school-contacts"));  // the head's e-mail is a contact
}

TEST_CASE("check: district measures for all schools or naming the school count as its roadmap", "[check]") {
    CheckTree tree;
    write_complete_school(tree, "sosh-5");
    write_complete_school(tree, "sosh-6");
    write_complete_school(tree, "sosh-7");
    // As in seed 002: the measure is carried out by every school («Руководители ОО»).
    tree.write("roadmaps/district.yaml", R"(title: План района
items:
  - n: "1"
    title: Провести самоанализ
    responsible: [Руководители ОО]
    schools: all
    status: done
  - n: "2"
    title: Методический выезд
    schools: [sosh-6]
    status: done
)");
    auto report = shnor::check::check_report(tree.root, Date{2024, 11, 1});
    CHECK_FALSE(finding_with(report, "school-roadmap"));
}

TEST_CASE("check: documents with nothing to download, example data and the example's address", "[check]") {
    CheckTree tree;
    tree.write("site.yaml", "title: Сайт\nlanguage: ru\nbase_url: https://barabinsk-edu.example/shnor/\n")
        .write("documents.yaml", R"(- id: order
  kind: order
  title: Об утверждении плана
  page: prikaz
- id: list
  kind: order
  title: Об утверждении перечня
- id: linked
  kind: order
  title: Приказ со ссылкой
  url: https://uo.example.org/prikaz.pdf
  example: true
)")
        .write("pages/prikaz.md", "---\ntitle: Приказ\n---\nТекст приказа.\n");
    auto report = shnor::check::check_report(tree.root, Date{2024, 11, 1});
    const auto* page_only = finding_with(report, "document-page-no-file");
    REQUIRE(page_only);
    CHECK(page_only->diagnostic.file == "documents.yaml");
    CHECK(page_only->diagnostic.line == 1);
    CHECK(page_only->diagnostic.message.find("№ 1493") != std::string::npos);
    const auto* nothing = finding_with(report, "document-no-file");
    REQUIRE(nothing);
    CHECK(nothing->diagnostic.line == 5);
    CHECK(nothing->diagnostic.message.find("«Об утверждении перечня»") != std::string::npos);
    const auto* example = finding_with(report, "example-data");
    REQUIRE(example);
    CHECK(example->diagnostic.file == "documents.yaml");
    CHECK(example->diagnostic.line == 8);
    const auto* address = finding_with(report, "example-base-url");
    REQUIRE(address);
    CHECK(address->diagnostic.file == "site.yaml");
    CHECK(address->diagnostic.line == 3);
}

namespace {

shnor::test::CommandResult run_check(const CheckTree& tree, const std::string& more) {
    return shnor::test::run_command(shnor::test::shell_quoted(SHNOR_BINARY) + " check --content " +
                                        shnor::test::shell_quoted(tree.root) + " --date 2024-11-01 --cache " +
                                        shnor::test::shell_quoted(tree.root / "cache") + " " + more,
                                    tree.root / "check-output.txt");
}

}  // namespace

TEST_CASE("shnor check --strict fails on warnings; --format json gives the same findings", "[check][e2e]") {
    CheckTree tree;
    tree.write("schools/sosh-9/school.yaml", "name: МБОУ СОШ № 9\n");

    auto plain = run_check(tree, "");
    CHECK(plain.exit_code == 0);
    CHECK(plain.output.find("schools/sosh-9/school.yaml:1: предупреждение: школа «МБОУ СОШ № 9»: не указано, "
                            "к кому обратиться") != std::string::npos);
    CHECK(plain.output.find("ошибок 0, замечаний 5") != std::string::npos);

    auto strict = run_check(tree, "--strict");
    CHECK(strict.exit_code == 1);
    CHECK(strict.output.find("--strict: замечания считаются ошибками") != std::string::npos);

    auto json_run = run_check(tree, "--strict --format json");
    CHECK(json_run.exit_code == 1);
    auto json = nlohmann::json::parse(json_run.output);
    CHECK(json["errors"] == 0);
    CHECK(json["warnings"] == 5);
    REQUIRE(json["findings"].size() == 5);
    std::set<std::string> codes;
    for (const auto& finding : json["findings"]) {
        CHECK(finding["severity"] == "warning");
        CHECK(finding["file"] == "schools/sosh-9/school.yaml");
        CHECK(finding["line"] == 1);
        CHECK(finding["column"] == 0);
        CHECK(finding["school"] == "sosh-9");
        CHECK(finding["message"].get<std::string>().starts_with("школа «МБОУ СОШ № 9»"));
        codes.insert(finding["code"].get<std::string>());
    }
    CHECK(codes == std::set<std::string>{"school-category", "school-contacts", "school-documents", "school-results",
                                         "school-roadmap"});

    // A complete site passes --strict.
    CheckTree complete;
    write_complete_school(complete, "sosh-5");
    complete.write("schools/sosh-5/roadmaps/plan.yaml", "title: План\nitems:\n  - {n: '1', title: Анализ, status: done}\n");
    CHECK(run_check(complete, "--strict").exit_code == 0);
    CHECK(run_check(complete, "--format yaml").exit_code == 2);
}
