#include "render/numbers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace shnor::render {

std::string fixed_decimals(double value, int decimals) {
    char buffer[512];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    if (error == std::errc()) return std::string(buffer, end);
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);  // too long for the buffer: printf's cut text
    return buffer;
}

int decimals_needed(double value, int cap) {
    std::string text = fixed_decimals(value, cap);
    auto point = text.find('.');
    if (point == std::string::npos) return 0;
    auto last = text.find_last_not_of('0');
    return last <= point ? 0 : static_cast<int>(last - point);
}

int shared_decimals(const std::vector<double>& values, int floor, int cap) {
    int decimals = floor;
    for (double value : values) decimals = std::max(decimals, decimals_needed(value, cap));
    return std::min(decimals, cap);
}

std::string decimal_comma(double value, int decimals) {
    std::string text = fixed_decimals(value, decimals);
    if (text.find_first_not_of("-0.") == std::string::npos && text[0] == '-') text.erase(0, 1);  // no «-0,0»
    std::replace(text.begin(), text.end(), '.', ',');
    return text;
}

}  // namespace shnor::render
