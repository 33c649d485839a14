// Calendar dates without time zones: content dates and the build date.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace shnor::model {

struct Date {
    int year = 0;
    int month = 0;
    int day = 0;

    auto operator<=>(const Date&) const = default;

    // Strict ISO YYYY-MM-DD with a real calendar day; nullopt otherwise.
    static std::optional<Date> parse_iso(std::string_view text);
    // A date field of the content: ISO 2024-03-15 or, as Russian documents
    // print it, 15.03.2024 (day and month may have one digit); nullopt otherwise.
    static std::optional<Date> parse(std::string_view text);
    std::string iso() const;
    // «5 марта 2024 г.» — how Russian official documents print dates.
    std::string russian() const;
    // «05.03.2024».
    std::string dotted() const;
    bool valid() const;
    Date next_day() const;
};

int days_in_month(int year, int month);
Date last_day_of_month(int year, int month);

struct DateRange {
    Date start;
    Date end;
};

}  // namespace shnor::model
