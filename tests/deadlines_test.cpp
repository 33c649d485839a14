// End to end: deadlines of a school-year plan are read inside its period,
// so the public is not told that work is overdue before it was due.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

namespace fs = std::filesystem;
using nlohmann::json;
using shnor::test::read_file;
using shnor::test::shell_quoted;
using shnor::test::write_file;

namespace {

struct Scratch {
    fs::path path = fs::temp_directory_path() / ("shnor-deadlines-" + std::to_string(::getpid()));
    Scratch() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() { fs::remove_all(path); }
};

// Roadmap items as printed in a 2024/2025 plan: months and halves without a year, dates written 15.03.2024.
constexpr const char* kPlan = R"(title: План мероприятий по сопровождению ШНОР на 2024/2025 учебный год
period: {start: 01.09.2024, end: 31.08.2025}
items:
  - n: "1"
    title: Совещание руководителей
    when: январь
  - n: "2"
    title: Пробные экзамены
    when: март-апрель
  - n: "3"
    title: Итоговый анализ
    when: май
  - n: "4"
    title: Диагностика в начале года
    when: I полугодие 2024/2025 учебного года
  - n: "5"
    title: Регистрация на вебинары
    when: Зарегистрироваться до 15.01.2025 по ссылке https://example.org/reg
  - n: "6"
    title: Методический день
    when: сентябрь
    due: 30.09.2024
    status: done
    report: Проведён.
    reported: 01.10.2024
)";

struct Item {
    std::string start;
    std::string due;
    std::string shown;
};

std::map<std::string, Item> items_by_n(const json& roadmaps) {
    std::map<std::string, Item> items;
    for (const auto& item : roadmaps.at("items")) {
        auto text = [&](const char* key) { return item.at(key).is_null() ? std::string() : item.at(key).get<std::string>(); };
        items[item.at("n").get<std::string>()] = {text("derived_start"), text("derived_due"), text("shown_status")};
    }
    return items;
}

}  // namespace

TEST_CASE("a school-year plan built in February: deadlines inside the period, only what is past is overdue",
          "[deadlines]") {
    Scratch scratch;
    const fs::path content = scratch.path / "content";
    const fs::path out = scratch.path / "site";
    write_file(content / "site.yaml", "title: Сопровождение ШНОР\nbase_url: https://example.org/shnor/\n");
    write_file(content / "roadmaps/plan-2024-2025.yaml", kPlan);
    auto result = shnor::test::run_command(shell_quoted(SHNOR_BINARY) + " build --content " + shell_quoted(content) +
                                               " --out " + shell_quoted(out) + " --cache " +
                                               shell_quoted(scratch.path / "cache") + " --date 2025-02-10",
                                           scratch.path / "shnor-output.txt");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);

    const auto items = items_by_n(json::parse(read_file(out / "data/roadmaps.json")));
    REQUIRE(items.size() == 6);
    CHECK(items.at("1").start == "2025-01-01");
    CHECK(items.at("1").due == "2025-01-31");
    CHECK(items.at("1").shown == "overdue");  // January 2025 is over by 10 February 2025
    CHECK(items.at("2").start == "2025-03-01");
    CHECK(items.at("2").due == "2025-04-30");
    CHECK(items.at("2").shown == "planned");
    CHECK(items.at("3").start == "2025-05-01");
    CHECK(items.at("3").due == "2025-05-31");
    CHECK(items.at("3").shown == "planned");
    CHECK(items.at("4").start == "2024-09-01");
    CHECK(items.at("4").due == "2024-12-31");
    CHECK(items.at("4").shown == "overdue");
    CHECK(items.at("5").start.empty());
    CHECK(items.at("5").due == "2025-01-15");
    CHECK(items.at("5").shown == "overdue");
    CHECK(items.at("6").due == "2024-09-30");
    CHECK(items.at("6").shown == "done");

    // On the page: exactly the three past items are «Просрочено», none of the future ones.
    const std::string page = read_file(out / "roadmaps/plan-2024-2025/index.html");
    const std::string overdue_cell = "<td data-label=\"Статус\"><strong class=\"tag tag--overdue\">";
    std::size_t overdue = 0;
    for (auto at = page.find(overdue_cell); at != std::string::npos; at = page.find(overdue_cell, at + 1)) ++overdue;
    INFO(page);
    CHECK(overdue == 3);
    CHECK(page.find("01.03.2025") != std::string::npos);

    // In January the January meeting is not yet overdue, and nothing else is.
    result = shnor::test::run_command(shell_quoted(SHNOR_BINARY) + " build --content " + shell_quoted(content) +
                                          " --out " + shell_quoted(out) + " --cache " +
                                          shell_quoted(scratch.path / "cache") + " --date 2025-01-20",
                                      scratch.path / "shnor-output.txt");
    REQUIRE(result.exit_code == 0);
    const auto january = items_by_n(json::parse(read_file(out / "data/roadmaps.json")));
    CHECK(january.at("1").shown == "planned");
    CHECK(january.at("2").shown == "planned");
    CHECK(january.at("5").shown == "overdue");
    CHECK(january.at("4").shown == "overdue");
}
