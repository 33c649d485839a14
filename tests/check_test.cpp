#include "check/check.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
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
