#include "model/glossary.hpp"

#include <algorithm>
#include <set>

namespace shnor::model {

const std::vector<GlossaryTerm>& builtin_glossary() {
    static const std::vector<GlossaryTerm> terms = {
        {"ВПР", "всероссийские проверочные работы", 0},
        {"ВСОКО", "внутренняя система оценки качества образования", 0},
        {"ГВЭ", "государственный выпускной экзамен", 0},
        {"ГИА", "государственная итоговая аттестация", 0},
        {"ЕГЭ", "единый государственный экзамен", 0},
        {"ИОМ", "индивидуальный образовательный маршрут", 0},
        {"МБОУ", "муниципальное бюджетное общеобразовательное учреждение", 0},
        {"МКОУ", "муниципальное казённое общеобразовательное учреждение", 0},
        {"ОГЭ", "основной государственный экзамен", 0},
        {"ОО", "общеобразовательная организация", 0},
        {"ООШ", "основная общеобразовательная школа", 0},
        {"РКР", "региональная контрольная работа", 0},
        {"СОШ", "средняя общеобразовательная школа", 0},
        {"ФГОС", "федеральный государственный образовательный стандарт", 0},
        {"ФИОКО", "Федеральный институт оценки качества образования", 0},
        {"ЦНППМ", "центр непрерывного повышения профессионального мастерства педагогических работников", 0},
        {"ШМО", "школьное методическое объединение", 0},
        {"ШНОР", "школы с низкими образовательными результатами", 0},
        {"ШНРО", "школы с низкими результатами обучения", 0},
        {"ШНСУ", "школы, функционирующие в неблагоприятных социальных условиях", 0},
    };
    return terms;
}

std::string builtin_expansion(std::string_view abbreviation) {
    for (const auto& term : builtin_glossary())
        if (term.abbreviation == abbreviation) return term.expansion;
    return {};
}

bool is_capital_letter(char32_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 0x0410 && c <= 0x042F) || c == 0x0401 || (c >= 0x00C0 && c <= 0x00DE && c != 0x00D7);
}

bool is_word_character(char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= 0x00C0 && c <= 0x024F && c != 0x00D7 && c != 0x00F7) || (c >= 0x0400 && c <= 0x052F);
}

char32_t next_code_point(std::string_view text, std::size_t& at) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char first = byte(at);
    if (first < 0x80) return text[at++];
    int length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
    if (length == 1 || at + length > text.size()) {
        ++at;
        return 0xFFFD;
    }
    char32_t c = first & (0x7F >> length);
    for (int i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xC0) != 0x80) {
            ++at;
            return 0xFFFD;
        }
        c = (c << 6) | (byte(at + i) & 0x3F);
    }
    at += length;
    return c;
}

namespace {

// Calls visit(word) for each word of `text` with at least two capitals.
template <class Visit>
void for_each_capitalised_word(std::string_view text, Visit visit) {
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t start = at;
        char32_t c = next_code_point(text, at);
        if (!is_word_character(c)) continue;
        int capitals = is_capital_letter(c);
        std::size_t end = at;
        while (end < text.size()) {
            std::size_t next = end;
            char32_t d = next_code_point(text, next);
            if (!is_word_character(d)) break;
            capitals += is_capital_letter(d);
            end = next;
        }
        if (capitals >= 2) visit(text.substr(start, end - start));
        at = end;
    }
}

}  // namespace

bool is_abbreviation(std::string_view text) {
    std::size_t at = 0;
    if (text.empty() || !is_capital_letter(next_code_point(text, at))) return false;
    bool first_word = false;
    for_each_capitalised_word(text, [&](std::string_view word) { first_word = first_word || word.data() == text.data(); });
    return first_word;
}

std::string abbreviation_words(std::string_view text) {
    std::set<std::string_view> words;
    for_each_capitalised_word(text, [&](std::string_view word) { words.insert(word); });
    std::string joined;
    for (auto word : words) {
        if (!joined.empty()) joined += ' ';
        joined += word;
    }
    return joined;
}

}  // namespace shnor::model
