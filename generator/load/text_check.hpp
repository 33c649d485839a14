// Content text must be UTF-8 without control characters: invalid bytes break
// JSON and show as garbage, control characters are invisible in an editor
// and are not allowed in HTML or in open data.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::load {

// Removes C0 control characters but tab, line feed and carriage return, DEL
// and C1 controls (U+0080–U+009F); a vertical tab or form feed (Word's line
// and page breaks) becomes a space. Line numbers stay as they were.
struct StrippedControls {
    std::size_t count = 0;
    int first_line = 0;  // 1-based line of the first one; 0 when none
};
StrippedControls strip_control_characters(std::string& text);
// The warning about them, for the line `stripped.first_line`.
std::string stripped_controls_message(const StrippedControls& stripped);

// What `shnor new` writes where the webmaster has to write the real text
// («Впишите: название района»): every line holding it is a warning, so
// `check --strict` fails until each one is replaced.
inline constexpr std::string_view kPlaceholderMark = "Впишите:";
// The 1-based lines of `text` holding the mark, with the text after it on each.
struct Placeholder {
    int line = 0;
    std::string text;  // the line from the mark on, trimmed, without a closing quote
};
std::vector<Placeholder> placeholders_in(std::string_view text);
std::string placeholder_message(const Placeholder& placeholder);

// Invalid UTF-8 sequences each replaced by U+FFFD; for text from outside
// (fetched sources) that is shown rather than rejected.
std::string valid_utf8(std::string_view bytes);

// 1-based line of the byte at `offset`.
int line_at(std::string_view text, std::size_t offset);

// Whether bytes that are not UTF-8 read as Russian text in Windows-1251:
// most bytes above 0x7F are its Cyrillic letters.
bool looks_like_windows1251(std::string_view bytes);

}  // namespace shnor::load
