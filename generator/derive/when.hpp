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

// `context_year`: the year of the roadmap's period, used when the text names no year.
// Pure: no I/O, no shared state; safe to call from any thread.
WhenDates parse_when(std::string_view text, std::optional<int> context_year);

}  // namespace shnor::derive
