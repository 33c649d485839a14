// Deadlines of roadmap items («Сроки», free Russian text) through
// derive::parse_when, with and without the roadmap's year.
#include "derive/when.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    shnor::derive::parse_when(text, 2024);
    shnor::derive::parse_when(text, std::nullopt);
    return 0;
}
