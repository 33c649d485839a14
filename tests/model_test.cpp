#include "model/date.hpp"
#include "model/diagnostics.hpp"

#include <catch2/catch.hpp>

using shnor::model::Date;

TEST_CASE("a content date is ISO or written the Russian way, 15.03.2024", "[model]") {
    CHECK(Date::parse("2024-03-15") == Date{2024, 3, 15});
    CHECK(Date::parse("15.03.2024") == Date{2024, 3, 15});
    CHECK(Date::parse("5.3.2024") == Date{2024, 3, 5});
    CHECK(Date::parse("29.02.2024") == Date{2024, 2, 29});
    CHECK_FALSE(Date::parse("29.02.2023"));
    CHECK_FALSE(Date::parse("31.13.2024"));
    CHECK_FALSE(Date::parse("15.03.24"));
    CHECK_FALSE(Date::parse("15.03.2024г."));
    CHECK_FALSE(Date::parse("115.03.2024"));
    CHECK_FALSE(Date::parse("15..2024"));
    CHECK_FALSE(Date::parse(".03.2024"));
    CHECK_FALSE(Date::parse("15.03"));
    CHECK_FALSE(Date::parse("15 марта 2024"));
    CHECK_FALSE(Date::parse(""));
}

TEST_CASE("ISO dates are parsed strictly and printed the Russian way", "[model]") {
    CHECK(Date::parse_iso("2024-02-29") == Date{2024, 2, 29});
    CHECK_FALSE(Date::parse_iso("2023-02-29"));
    CHECK_FALSE(Date::parse_iso("31.03.2024"));
    CHECK_FALSE(Date::parse_iso("2024-3-31"));
    CHECK_FALSE(Date::parse_iso("2024-13-01"));
    CHECK(Date{2024, 3, 5}.iso() == "2024-03-05");
    CHECK(Date{2024, 3, 5}.dotted() == "05.03.2024");
    CHECK(Date{987, 12, 31}.iso() == "0987-12-31");
    CHECK(Date{12345, 1, 1}.iso() == "12345-01-01");
    CHECK(Date{987, 12, 31}.dotted() == "31.12.0987");
    CHECK(Date{2024, 3, 5}.russian() == "5 марта 2024 г.");
    CHECK(shnor::model::last_day_of_month(2024, 2) == Date{2024, 2, 29});
    CHECK(shnor::model::last_day_of_month(2100, 2) == Date{2100, 2, 28});
}

TEST_CASE("a diagnostic is one line naming file, line and field", "[model]") {
    shnor::model::Diagnostics diagnostics;
    diagnostics.error("roadmaps/plan.yaml", 12, "sections[1].items[3].status", "неизвестный статус «готово»");
    diagnostics.warning("site.yaml", 3, "colour", "неизвестное поле");
    CHECK(diagnostics.error_count() == 1);
    CHECK(diagnostics.items()[0].format() ==
          "roadmaps/plan.yaml:12: ошибка: поле «sections[1].items[3].status»: неизвестный статус «готово»");
    CHECK(diagnostics.items()[1].format() == "site.yaml:3: предупреждение: поле «colour»: неизвестное поле");
}
