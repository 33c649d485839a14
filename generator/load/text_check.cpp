#include "load/text_check.hpp"

#include "load/csv.hpp"

#include <algorithm>

namespace shnor::load {

StrippedControls strip_control_characters(std::string& text) {
    StrippedControls stripped;
    // Most files have none: look before copying.
    auto is_control = [](std::string_view rest) {
        auto c = static_cast<unsigned char>(rest[0]);
        if (c < 0x20) return c != '\t' && c != '\n' && c != '\r';
        if (c == 0x7F) return true;
        return c == 0xC2 && rest.size() > 1 && static_cast<unsigned char>(rest[1]) >= 0x80 &&
               static_cast<unsigned char>(rest[1]) <= 0x9F;
    };
    std::string_view view(text);
    std::size_t first = 0;
    while (first < view.size() && !is_control(view.substr(first))) ++first;
    if (first == view.size()) return stripped;
    stripped.first_line = line_at(text, first);
    std::string clean(view.substr(0, first));
    clean.reserve(text.size());
    for (std::size_t i = first; i < view.size();) {
        std::string_view rest = view.substr(i);
        if (!is_control(rest)) {
            clean += view[i++];
            continue;
        }
        ++stripped.count;
        if (rest[0] == '\v' || rest[0] == '\f') clean += ' ';
        i += static_cast<unsigned char>(rest[0]) == 0xC2 ? 2 : 1;
    }
    text = std::move(clean);
    return stripped;
}

std::string stripped_controls_message(const StrippedControls& stripped) {
    return "удалены управляющие символы (" + std::to_string(stripped.count) +
           ", первый в этой строке): они невидимы в редакторе и недопустимы на сайте";
}

std::string valid_utf8(std::string_view bytes) {
    std::size_t bad = first_invalid_utf8(bytes);
    if (bad == std::string_view::npos) return std::string(bytes);
    std::string text;
    std::size_t at = 0;
    while (bad != std::string_view::npos) {
        text.append(bytes.substr(at, bad - at));
        text += "\xEF\xBF\xBD";
        at = bad + 1;
        bad = first_invalid_utf8(bytes, at);
    }
    text.append(bytes.substr(at));
    return text;
}

int line_at(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

bool looks_like_windows1251(std::string_view bytes) {
    std::size_t high = 0, letters = 0;
    for (char c : bytes) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) continue;
        ++high;
        // А–я, Ё, ё, and the «» quotes, dashes and № Russian text is full of.
        if (byte >= 0xC0 || byte == 0xA8 || byte == 0xB8 || byte == 0xAB || byte == 0xBB || byte == 0x96 ||
            byte == 0x97 || byte == 0xB9)
            ++letters;
    }
    return high > 0 && letters * 10 >= high * 9;
}

std::vector<Placeholder> placeholders_in(std::string_view text) {
    std::vector<Placeholder> found;
    int line = 1;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        std::string_view row = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (std::size_t mark = row.find(kPlaceholderMark); mark != std::string_view::npos) {
            std::string_view rest = row.substr(mark);
            rest = rest.substr(0, rest.find('"'));  // the end of a quoted YAML value
            while (!rest.empty() && (rest.back() == '\'' || rest.back() == ' ' || rest.back() == '\r'))
                rest.remove_suffix(1);
            found.push_back({line, std::string(rest)});
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
        ++line;
    }
    return found;
}

std::string placeholder_message(const Placeholder& placeholder) {
    return "заготовка не заполнена: «" + placeholder.text + "» — впишите настоящие сведения или удалите поле";
}

}  // namespace shnor::load
