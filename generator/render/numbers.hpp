// Numbers as text for pages and charts.
#pragma once

#include <string>
#include <vector>

namespace shnor::render {

// The text of printf("%.*f", decimals, value), without printf: std::to_chars
// gives the same digits (both round the exact binary value) at a fraction
// of the cost, and charts print thousands of numbers a build.
std::string fixed_decimals(double value, int decimals);

// How many decimals `value` needs, at most `cap`: 3 → 0, 2.96 → 2, 3.25 with cap 1 → 1.
int decimals_needed(double value, int cap);

// The decimals a page gives one measure: as many as its most precise value
// needs, within [floor, cap], so that «2,96» and «3,30» stand side by side
// rather than «2,96» and «3,3» (the same precision in chart and table).
int shared_decimals(const std::vector<double>& values, int floor, int cap);

// `value` with exactly `decimals` decimals and a decimal comma: «3,30», «10,0».
std::string decimal_comma(double value, int decimals);

}  // namespace shnor::render
