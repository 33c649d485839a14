// Deadlines of roadmap items («Сроки»): Russian free text → dates.
#pragma once

#include "model/date.hpp"

#include <optional>
#include <string_view>

namespace shnor::derive {

struct WhenDates {
    std::optional<model::Date> start;  // first day the work may happen
    std::optional<model::Date> due;    // last day it must be done by
    bool ongoing = false;              // recurring or open: no due date, never overdue
    bool understood = false;           // false: the text is none of the known forms
};

// Where a deadline written without its year («январь», «II полугодие»,
// «до 22 мая») belongs: inside the roadmap's period, so that a school-year
// plan for 2024-09-01…2025-08-31 reads «январь» as January 2025.
struct WhenContext {
    std::optional<model::DateRange> period;  // the roadmap's period, or what its title names
    std::optional<int> year;                 // used only when there is no period

    static WhenContext in_period(model::DateRange period) { return {period, std::nullopt}; }
    static WhenContext in_year(int year) { return {std::nullopt, year}; }
};

// The context of a roadmap: its `period`; without one, the period its title
// names («… на 2024 год», «… на 2024/2025 учебный год»); else none.
WhenContext roadmap_context(const std::optional<model::DateRange>& period, std::string_view title);

// Pure: no I/O, no shared state; safe to call from any thread.
WhenDates parse_when(std::string_view text, const WhenContext& context);

}  // namespace shnor::derive
