#include "load/csv.hpp"

#ifdef _WIN32
#include <windows.h>
#else
#include <iconv.h>
#endif

#include <algorithm>
#include <array>
#include <cerrno>
#include <memory>
#include <optional>

namespace shnor::load {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Bytes a UTF-8 sequence with this lead byte has; 0 for a byte that cannot lead.
std::size_t utf8_length_of_lead(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
}

// Length of the well-formed UTF-8 sequence at `i`, 0 when it is broken
// (overlong forms and surrogates included).
std::size_t utf8_sequence_length(std::string_view bytes, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[i + k]); };
    unsigned char lead = byte(0);
    std::size_t length = utf8_length_of_lead(lead);
    if (length == 0 || i + length > bytes.size()) return 0;
    for (std::size_t k = 1; k < length; ++k)
        if (!is_continuation(byte(k))) return 0;
    if ((lead == 0xE0 && byte(1) < 0xA0) || (lead == 0xED && byte(1) > 0x9F)) return 0;
    if ((lead == 0xF0 && byte(1) < 0x90) || (lead == 0xF4 && byte(1) > 0x8F)) return 0;
    return length;
}

#ifdef _WIN32
// Windows has no iconv: MultiByteToWideChar and WideCharToMultiByte, with
// glibc's iconv's rule kept: a byte sequence the encoding lacks (0x98 in
// Windows-1251, which Windows maps to U+0098; a lone surrogate or an odd last
// byte in UTF-16) becomes U+FFFD, so the text is the same on both systems.
constexpr wchar_t kReplacementUnit = 0xFFFD;

std::string utf8_of(const std::wstring& units) {
    if (units.empty()) return {};
    int size = WideCharToMultiByte(CP_UTF8, 0, units.data(), static_cast<int>(units.size()), nullptr, 0, nullptr, nullptr);
    std::string output(static_cast<std::size_t>(size), '\0');
    WideCharToMultiByte(CP_UTF8, 0, units.data(), static_cast<int>(units.size()), output.data(), size, nullptr, nullptr);
    return output;
}

// Windows-1251 is one byte per character, so the units line up with the bytes.
std::wstring units_of_1251(std::string_view bytes) {
    std::wstring units(bytes.size(), L'\0');
    if (!bytes.empty())
        MultiByteToWideChar(1251, 0, bytes.data(), static_cast<int>(bytes.size()), units.data(), static_cast<int>(units.size()));
    constexpr unsigned char kUnassigned = 0x98;  // the one byte glibc's CP1251 lacks
    for (std::size_t i = 0; i < bytes.size(); ++i)
        if (static_cast<unsigned char>(bytes[i]) == kUnassigned) units[i] = kReplacementUnit;
    return units;
}

bool is_high_surrogate(wchar_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(wchar_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

std::wstring units_of_utf16(std::string_view bytes, bool big_endian) {
    std::wstring units;
    units.reserve(bytes.size() / 2 + 1);
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
        auto first = static_cast<unsigned char>(bytes[i]), second = static_cast<unsigned char>(bytes[i + 1]);
        units += static_cast<wchar_t>(big_endian ? (first << 8 | second) : (second << 8 | first));
    }
    std::wstring checked;
    checked.reserve(units.size() + 1);
    for (std::size_t i = 0; i < units.size(); ++i) {
        if (is_high_surrogate(units[i]) && i + 1 < units.size() && is_low_surrogate(units[i + 1])) {
            checked += units[i];
            checked += units[++i];
        } else {
            checked += is_high_surrogate(units[i]) || is_low_surrogate(units[i]) ? kReplacementUnit : units[i];
        }
    }
    if (bytes.size() % 2) checked += kReplacementUnit;
    return checked;
}

std::string to_utf8(std::string_view bytes, const char* encoding, std::size_t /*unit*/) {
    std::string_view name(encoding);
    if (name == "CP1251") return utf8_of(units_of_1251(bytes));
    if (name == "UTF-16LE" || name == "UTF-16BE") return utf8_of(units_of_utf16(bytes, name == "UTF-16BE"));
    return std::string(bytes);
}
#else
struct IconvCloser {
    void operator()(void* descriptor) const { iconv_close(static_cast<iconv_t>(descriptor)); }
};
using Converter = std::unique_ptr<void, IconvCloser>;

// glibc's iconv; a byte sequence the encoding lacks (0x98 in Windows-1251, a
// lone surrogate in UTF-16) becomes U+FFFD, so one odd cell does not lose the file.
std::string to_utf8(std::string_view bytes, const char* encoding, std::size_t unit) {
    iconv_t descriptor = iconv_open("UTF-8", encoding);
    if (descriptor == reinterpret_cast<iconv_t>(-1)) return std::string(bytes);
    Converter converter(descriptor);
    std::string input(bytes), output;
    char* in = input.data();
    std::size_t in_left = input.size();
    std::array<char, 4096> buffer;
    while (in_left > 0) {
        char* out = buffer.data();
        std::size_t out_left = buffer.size();
        std::size_t done = iconv(descriptor, &in, &in_left, &out, &out_left);
        output.append(buffer.data(), buffer.size() - out_left);
        if (done == static_cast<std::size_t>(-1) && errno != E2BIG) {
            output += kReplacementCharacter;
            std::size_t skipped = std::min(unit, in_left);
            in += skipped;
            in_left -= skipped;
        }
    }
    return output;
}
#endif

struct SeparatorLine {
    char separator;
    std::size_t length;  // of the line with its line end
};

// Excel reads and some exports write `sep=;` as the first line.
std::optional<SeparatorLine> excel_separator_line(std::string_view text) {
    if (text.size() < 5 || text.substr(0, 4) != "sep=") return std::nullopt;
    std::size_t end = 5;
    if (end < text.size() && text[end] != '\r' && text[end] != '\n') return std::nullopt;
    if (end < text.size() && text[end] == '\r') ++end;
    if (end < text.size() && text[end] == '\n') ++end;
    return SeparatorLine{text[4], end};
}

// The separator that occurs most often in the header outside quotes.
char detect_separator(std::string_view text) {
    std::array<char, 3> candidates = {',', ';', '\t'};
    std::array<int, 3> counts = {0, 0, 0};
    bool quoted = false;
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if (!quoted && (c == '\n' || c == '\r')) break;
        for (std::size_t i = 0; i < candidates.size(); ++i)
            if (!quoted && c == candidates[i]) ++counts[i];
    }
    auto best = std::max_element(counts.begin(), counts.end());
    return *best == 0 ? ',' : candidates[static_cast<std::size_t>(best - counts.begin())];
}

bool is_blank(const CsvRecord& record) {
    return std::all_of(record.cells.begin(), record.cells.end(),
                       [](const std::string& cell) { return cell.find_first_not_of(" \t") == std::string::npos; });
}

class CsvParser {
public:
    CsvParser(std::string_view text, CsvTable& table, std::size_t start, int first_line)
        : text_(text), table_(table), position_(start), line_(first_line), line_start_(start) {}

    void run() {
        while (position_ < text_.size()) read_record();
    }

private:
    void read_record() {
        CsvRecord record;
        record.line = line_;
        std::string cell;
        bool cell_was_quoted = false;
        CsvPosition cell_start = here();
        while (position_ < text_.size()) {
            char c = text_[position_];
            if (c == '"' && cell.empty() && !cell_was_quoted) {
                cell_was_quoted = true;
                // The rest of the file went into the cell: the record is not
                // one, and the error says where the quote opened.
                if (!read_quoted(cell)) return;
                continue;
            }
            ++position_;
            if (c == table_.separator) {
                record.cells.push_back(std::move(cell));
                record.positions.push_back(cell_start);
                cell.clear();
                cell_was_quoted = false;
                cell_start = here();
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && position_ < text_.size() && text_[position_] == '\n') ++position_;
                new_line();
                break;
            } else {
                cell += c;
            }
        }
        record.cells.push_back(std::move(cell));
        record.positions.push_back(cell_start);
        if (!is_blank(record)) table_.records.push_back(std::move(record));
    }

    // The line and column of the next character.
    CsvPosition here() const {
        int column = 1;
        for (std::size_t i = line_start_; i < position_; ++i)
            if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
        return {line_, column};
    }

    void new_line() {
        ++line_;
        line_start_ = position_;
    }

    // Reads "...", with "" standing for one quote; line breaks inside count.
    bool read_quoted(std::string& cell) {
        CsvPosition opening = here();
        ++position_;
        while (position_ < text_.size()) {
            char c = text_[position_++];
            if (c == '"') {
                if (position_ < text_.size() && text_[position_] == '"') {
                    cell += '"';
                    ++position_;
                    continue;
                }
                return true;
            }
            if (c == '\n') new_line();
            if (c == '\r') {
                if (position_ < text_.size() && text_[position_] == '\n') ++position_;
                new_line();
                c = '\n';
            }
            cell += c;
        }
        if (table_.error.empty()) {
            table_.error =
                "кавычка, открытая здесь, не закрыта до конца файла, и все строки ниже попали бы в одну ячейку: "
                "поставьте закрывающую кавычку \" в конце ячейки, а кавычку внутри текста напишите дважды (\"\")";
            table_.error_line = opening.line;
            table_.error_column = opening.column;
        }
        return false;
    }

    std::string_view text_;
    CsvTable& table_;
    std::size_t position_;
    int line_;
    std::size_t line_start_;  // offset of the current line's first byte
};

}  // namespace

CsvTable parse_csv(std::string_view text) {
    CsvTable table;
    auto separator_line = excel_separator_line(text);
    std::size_t start = separator_line ? separator_line->length : 0;
    table.separator = separator_line ? separator_line->separator : detect_separator(text);
    CsvParser(text, table, start, separator_line ? 2 : 1).run();
    return table;
}

DecodedText decode_excel_text(std::string_view bytes) {
    if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) bytes.remove_prefix(kUtf8Bom.size());
    if (bytes.substr(0, 2) == "\xFF\xFE") return {to_utf8(bytes.substr(2), "UTF-16LE", 2), TextEncoding::utf16};
    if (bytes.substr(0, 2) == "\xFE\xFF") return {to_utf8(bytes.substr(2), "UTF-16BE", 2), TextEncoding::utf16};
    if (is_valid_utf8(bytes)) return {std::string(bytes), TextEncoding::utf8};
    return {to_utf8(bytes, "CP1251", 1), TextEncoding::windows1251};
}

std::size_t first_invalid_utf8(std::string_view bytes, std::size_t from) {
    std::size_t i = from;
    while (i < bytes.size()) {
        // ASCII runs are most of every content file.
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = utf8_sequence_length(bytes, i);
        if (length == 0) return i;
        i += length;
    }
    return std::string_view::npos;
}

bool is_valid_utf8(std::string_view bytes) { return first_invalid_utf8(bytes) == std::string_view::npos; }

}  // namespace shnor::load
