// Numbers as text for pages and charts.
#pragma once

#include <string>

namespace shnor::render {

// The text of printf("%.*f", decimals, value), without printf: std::to_chars
// gives the same digits (both round the exact binary value) at a fraction
// of the cost, and charts print thousands of numbers a build.
std::string fixed_decimals(double value, int decimals);

}  // namespace shnor::render
