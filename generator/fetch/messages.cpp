#include "fetch/messages.hpp"

#include <cmath>

namespace shnor::fetch {

std::string size_text(std::size_t bytes) {
    constexpr std::size_t kib = 1024, mib = 1024 * 1024;
    if (bytes >= mib && bytes % mib == 0) return std::to_string(bytes / mib) + " МБ";
    if (bytes >= kib && bytes % kib == 0) return std::to_string(bytes / kib) + " КБ";
    return std::to_string(bytes) + " байт";
}

std::string milliseconds_text(long milliseconds) {
    if (milliseconds % 1000 == 0) return std::to_string(milliseconds / 1000) + " с";
    // Russian writes a decimal comma; one decimal is precise enough here.
    long tenths = (milliseconds + 50) / 100;
    return std::to_string(tenths / 10) + "," + std::to_string(tenths % 10) + " с";
}

std::string age_text(double seconds) {
    long whole = std::lround(std::max(0.0, seconds));
    if (whole < 60) return std::to_string(whole) + " с";
    if (whole < 3600) return std::to_string(whole / 60) + " мин";
    if (whole < 2 * 86400) return std::to_string(whole / 3600) + " ч";
    return std::to_string(whole / 86400) + " дн.";
}

}  // namespace shnor::fetch
