#include "check/school_names.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>

namespace shnor::check {

namespace {

using Tokens = std::vector<std::string>;

// std::regex and <cctype> know nothing of Cyrillic in UTF-8, so names are
// decoded to code points, folded and split into words by hand.
std::u32string decode_utf8(std::string_view text) {
    std::u32string code_points;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > text.size()) {
            code_points.push_back(U' ');  // a broken byte separates words rather than joining them
            ++i;
            continue;
        }
        char32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
        bool valid = true;
        for (int k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            valid = valid && (next >> 6) == 0x2;
            code_point = (code_point << 6) | (next & 0x3F);
        }
        code_points.push_back(valid ? code_point : U' ');
        i += valid ? length : 1;
    }
    return code_points;
}

void append_utf8(std::string& out, char32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

// Lower case, and ё written as е: official documents use both.
char32_t fold_letter(char32_t c) {
    if (c >= U'A' && c <= U'Z') return c + 0x20;
    if (c == U'Ё' || c == U'ё') return U'е';
    if (c >= U'А' && c <= U'Я') return c + 0x20;
    if (c >= 0x0400 && c <= 0x040F) return c + 0x50;  // Ѐ..Џ: Ukrainian and other Cyrillic capitals
    return c;
}

enum class CharClass { separator, letter, digit, number_sign };

CharClass classify(char32_t c) {
    if ((c >= U'a' && c <= U'z') || (c >= 0x0400 && c <= 0x04FF)) return CharClass::letter;
    if (c >= U'0' && c <= U'9') return CharClass::digit;
    if (c == U'№') return CharClass::number_sign;
    return CharClass::separator;  // spaces, quotes of every kind, hyphens, dashes, punctuation
}

// Words and numbers apart: «№47», «N1» and «№ 47» give the same tokens.
Tokens split_into_tokens(std::string_view name) {
    Tokens tokens;
    std::string current;
    auto current_class = CharClass::separator;
    for (char32_t c : decode_utf8(name)) {
        c = fold_letter(c);
        const auto char_class = classify(c);
        if (char_class != current_class || char_class == CharClass::number_sign) {
            if (!current.empty()) tokens.push_back(std::move(current));
            current.clear();
        }
        current_class = char_class;
        if (char_class != CharClass::separator) append_utf8(current, c);
    }
    if (!current.empty()) tokens.push_back(std::move(current));
    return tokens;
}

bool is_one_of(const std::string& token, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), token) != words.end();
}

bool is_number(const std::string& token) {
    return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ends_with(const std::string& token, std::string_view suffix) {
    return token.size() >= suffix.size() && token.compare(token.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A legal form ends with an abbreviation or with «учреждение»/«организация»;
// the words before it («муниципальное казённое общеобразовательное») only
// count when that end is reached, so a name that merely starts with such an
// adjective keeps it.
bool ends_legal_form(const std::string& token) {
    return is_one_of(token, {"мбоу", "мкоу", "маоу", "моу", "гбоу", "гкоу", "гаоу", "гоу", "ноу", "чоу", "оу", "мбу",
                             "мку", "мау", "мбоо", "оо", "учреждение", "организация"});
}

bool within_legal_form(const std::string& token) {
    return is_one_of(token, {"муниципальное", "муниципальная", "государственное", "государственная", "областное",
                             "областная", "краевое", "краевая", "республиканское", "бюджетное", "бюджетная",
                             "казенное", "казенная", "автономное", "автономная", "частное", "негосударственное",
                             "некоммерческое", "общеобразовательное", "общеобразовательная", "образовательное",
                             "образовательная", "кр"});
}

void drop_legal_form(Tokens& tokens) {
    std::size_t legal_form_end = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (ends_legal_form(tokens[i])) {
            legal_form_end = i + 1;
        } else if (!within_legal_form(tokens[i])) {
            break;
        }
    }
    tokens.erase(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(legal_form_end));
}

bool is_number_sign(const std::string& token) { return is_one_of(token, {"№", "n", "no", "nr", "номер"}); }

// «№ 1», «N 1», «номер 1» and a bare «1» name the same school.
void drop_number_signs(Tokens& tokens) {
    Tokens kept;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::size_t next = i;
        while (next < tokens.size() && is_number_sign(tokens[next])) ++next;
        if (next > i && next < tokens.size() && is_number(tokens[next])) {
            i = next - 1;
            continue;
        }
        kept.push_back(tokens[i]);
    }
    tokens = std::move(kept);
}

struct SchoolTypeAbbreviation {
    std::array<std::string_view, 3> words;  // unused tail words are empty
    std::string_view abbreviation;
};

// Longer phrases first: «средняя общеобразовательная школа» before «средняя школа».
constexpr std::array school_type_abbreviations{
    SchoolTypeAbbreviation{{"средняя", "общеобразовательная", "школа"}, "сош"},
    SchoolTypeAbbreviation{{"основная", "общеобразовательная", "школа"}, "оош"},
    SchoolTypeAbbreviation{{"начальная", "общеобразовательная", "школа"}, "нош"},
    SchoolTypeAbbreviation{{"средняя", "школа", ""}, "сш"},
    SchoolTypeAbbreviation{{"основная", "школа", ""}, "ош"},
    SchoolTypeAbbreviation{{"начальная", "школа", ""}, "нш"},
};

std::size_t phrase_length_at(const Tokens& tokens, std::size_t start, const SchoolTypeAbbreviation& phrase) {
    std::size_t length = 0;
    for (auto word : phrase.words) {
        if (word.empty()) break;
        if (start + length >= tokens.size() || tokens[start + length] != word) return 0;
        ++length;
    }
    return length;
}

void abbreviate_school_types(Tokens& tokens) {
    Tokens abbreviated;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::size_t matched_length = 0;
        for (const auto& phrase : school_type_abbreviations) {
            matched_length = phrase_length_at(tokens, i, phrase);
            if (matched_length > 0) {
                abbreviated.emplace_back(phrase.abbreviation);
                i += matched_length - 1;
                break;
            }
        }
        if (matched_length == 0) abbreviated.push_back(tokens[i] == "им" ? "имени" : tokens[i]);
    }
    tokens = std::move(abbreviated);
}

enum class LocalityKind { none, settlement, district };

struct Locality {
    LocalityKind kind = LocalityKind::none;
    std::string place;  // the first word naming the place
};

bool marks_settlement(const std::string& token) {
    return is_one_of(token, {"г", "с", "д", "п", "х", "ст", "рп", "пгт", "пос", "дер", "город", "города", "село",
                             "села", "деревня", "деревни", "поселок", "поселка", "аул"});
}

// Marks that never start ordinary words of a school name, so a two-word place
// after them («г. Великие Луки») is safe to take.
bool marks_town(const std::string& token) {
    return is_one_of(token, {"г", "город", "города", "пгт", "рп", "пос", "поселок", "поселка"});
}

bool is_single_letter(const std::string& token) { return decode_utf8(token).size() == 1 && !is_number(token); }

// «имени А. С. Пушкина» ends like «с. Шубинское»: a mark after an initial is
// an initial too.
bool is_place_mark_at(const Tokens& tokens, std::size_t index, bool (*marks)(const std::string&)) {
    return marks(tokens[index]) && !is_single_letter(tokens[index - 1]);
}

Locality cut_trailing_locality(Tokens& tokens) {
    const std::size_t count = tokens.size();
    if (count >= 3 && is_place_mark_at(tokens, count - 2, marks_settlement) && !is_number(tokens[count - 1])) {
        Locality locality{LocalityKind::settlement, tokens[count - 1]};
        tokens.resize(count - 2);
        return locality;
    }
    if (count >= 4 && is_place_mark_at(tokens, count - 3, marks_town) && !is_number(tokens[count - 2]) && !is_number(tokens[count - 1])) {
        Locality locality{LocalityKind::settlement, tokens[count - 2]};
        tokens.resize(count - 3);
        return locality;
    }
    // «… Кемского муниципального района»: genitive adjectives before «района».
    if (count >= 3 && is_one_of(tokens[count - 1], {"района", "округа"})) {
        std::size_t start = count - 1;
        while (start > 1 && ends_with(tokens[start - 1], "ого")) --start;
        if (start < count - 1) {
            Locality locality{LocalityKind::district, tokens[start]};
            tokens.resize(start);
            return locality;
        }
    }
    return {};
}

std::string join(const Tokens& tokens) {
    std::string joined;
    for (const auto& token : tokens) {
        if (!joined.empty()) joined += ' ';
        joined += token;
    }
    return joined;
}

struct NameKey {
    std::string name;
    Locality locality;
};

NameKey make_name_key(std::string_view name) {
    auto tokens = split_into_tokens(name);
    drop_legal_form(tokens);
    drop_number_signs(tokens);
    abbreviate_school_types(tokens);
    auto locality = cut_trailing_locality(tokens);
    return {join(tokens), std::move(locality)};
}

// Place names decline («г. Барабинск», «г. Барабинска»), so only their
// beginnings are compared.
std::string place_stem(const std::string& place) {
    const auto code_points = decode_utf8(place);
    std::string stem;
    for (std::size_t i = 0; i < std::min<std::size_t>(code_points.size(), 4); ++i) append_utf8(stem, code_points[i]);
    return stem;
}

// A locality present on one side only does not tell the schools apart; two
// different towns do: «СОШ № 1 г. Барабинска» is not «СОШ № 1 г. Куйбышева».
bool same_school(const NameKey& listed, const NameKey& site) {
    if (listed.name.empty() || listed.name != site.name) return false;
    if (listed.locality.kind == LocalityKind::none || listed.locality.kind != site.locality.kind) return true;
    return place_stem(listed.locality.place) == place_stem(site.locality.place);
}

std::vector<NameKey> keys_of(const model::School& school) {
    std::vector<NameKey> keys;
    for (const auto* name : {&school.name, &school.short_name}) {
        if (!name->empty()) keys.push_back(make_name_key(*name));
    }
    for (const auto& other : school.other_names) keys.push_back(make_name_key(other));
    return keys;
}

}  // namespace

std::string school_name_key(std::string_view name) { return make_name_key(name).name; }

ListComparison compare_with_list(const std::vector<ListedSchool>& list, const std::vector<model::School>& schools) {
    std::vector<std::vector<NameKey>> school_keys;
    school_keys.reserve(schools.size());
    for (const auto& school : schools) school_keys.push_back(keys_of(school));

    ListComparison comparison;
    std::vector<bool> listed(schools.size(), false);
    for (const auto& row : list) {
        const auto row_key = make_name_key(row.name);
        const model::School* found = nullptr;
        for (std::size_t i = 0; i < schools.size() && found == nullptr; ++i) {
            const bool matches = std::any_of(school_keys[i].begin(), school_keys[i].end(),
                                             [&](const NameKey& key) { return same_school(row_key, key); });
            if (matches) {
                found = &schools[i];
                listed[i] = true;
            }
        }
        if (found != nullptr) {
            comparison.matched.emplace_back(row, found);
        } else {
            comparison.listed_without_section.push_back(row);
        }
    }
    for (std::size_t i = 0; i < schools.size(); ++i) {
        if (!listed[i]) comparison.sections_not_listed.push_back(&schools[i]);
    }
    return comparison;
}

}  // namespace shnor::check
