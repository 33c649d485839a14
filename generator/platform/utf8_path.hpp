#pragma once

#include <filesystem>
#include <string_view>

namespace shnor::platform {

// Every path shnor makes from text (arguments, content fields, the cache)
// is UTF-8. On Linux a path is those bytes. On Windows libstdc++ converts a
// narrow string with the "C" locale, one byte to one UTF-16 unit, which
// garbles Cyrillic whatever the manifest says (docs/windows.md, "Cyrillic"):
// there the text must go in as char8_t. path::string() is UTF-8 on both.
inline std::filesystem::path path_from_utf8(std::string_view text) {
#ifdef _WIN32
    return std::filesystem::path(std::u8string_view(reinterpret_cast<const char8_t*>(text.data()), text.size()));
#else
    return std::filesystem::path(text);
#endif
}

}  // namespace shnor::platform
