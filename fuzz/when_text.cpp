// Deadlines of roadmap items («Сроки», free Russian text) through
// derive::parse_when, with and without the roadmap's year.
#include "derive/when.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    shnor::derive::parse_when(text, shnor::derive::WhenContext::in_year(2024));
    shnor::derive::parse_when(text, shnor::derive::WhenContext::in_period({{2024, 9, 1}, {2025, 8, 31}}));
    shnor::derive::parse_when(text, {});
    shnor::derive::roadmap_context(std::nullopt, text);
    return 0;
}
