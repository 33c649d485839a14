#include "render/numbers.hpp"

#include <charconv>
#include <cstdio>

namespace shnor::render {

std::string fixed_decimals(double value, int decimals) {
    char buffer[512];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    if (error == std::errc()) return std::string(buffer, end);
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);  // too long for the buffer: printf's cut text
    return buffer;
}

}  // namespace shnor::render
