// Russian wording of sizes, durations and ages in fetch messages.
#pragma once

#include <cstddef>
#include <string>

namespace shnor::fetch {

std::string size_text(std::size_t bytes);         // "50 МБ", "1000 байт"
std::string milliseconds_text(long milliseconds);  // "10 с", "0,3 с"
std::string age_text(double seconds);              // "5 мин", "3 ч", "2 дн."

}  // namespace shnor::fetch
