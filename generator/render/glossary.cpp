#include "render/glossary.hpp"

#include "model/glossary.hpp"
#include "render/escape.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace shnor::render {

namespace {

using model::is_capital_letter;
using model::is_word_character;
using model::next_code_point;

// The end of the word starting at `at`, and how many capitals it has.
std::size_t word_end(std::string_view text, std::size_t at, int& capitals) {
    capitals = 0;
    while (at < text.size()) {
        std::size_t next = at;
        char32_t c = next_code_point(text, next);
        if (!is_word_character(c)) break;
        capitals += is_capital_letter(c);
        at = next;
    }
    return at;
}

bool ends_word(std::string_view text, std::size_t at) {
    if (at >= text.size()) return true;
    return !is_word_character(next_code_point(text, at));
}

// Elements whose text is never searched; an <abbr> is searched only to note
// its terms. The site's <header> is the same on every page, and half of it is
// hidden by CSS (short_title on phones, the full title elsewhere): the first
// use that gets the expansion is in the page's own text.
constexpr std::array<std::string_view, 7> kSkipped = {"script", "style", "title", "textarea", "svg", "abbr", "header"};

bool name_is(std::string_view html, std::size_t at, std::string_view name) {
    if (html.size() - at < name.size() + 1) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if ((html[at + i] | 0x20) != name[i]) return false;
    char after = html[at + name.size()];
    return after == '>' || after == ' ' || after == '\n' || after == '\t' || after == '/' || after == '\r';
}

// Where the element closed by </name> ends (past its '>'), from `from`.
std::size_t after_closing(std::string_view html, std::size_t from, std::string_view name) {
    for (std::size_t at = html.find("</", from); at != std::string_view::npos; at = html.find("</", at + 2))
        if (name_is(html, at + 2, name)) {
            std::size_t end = html.find('>', at);
            return end == std::string_view::npos ? html.size() : end + 1;
        }
    return html.size();
}

}  // namespace

Glossary::Glossary(const std::vector<model::GlossaryTerm>& site_terms) {
    std::map<std::string, model::GlossaryTerm> sorted;
    for (const auto& term : model::builtin_glossary()) sorted[term.abbreviation] = term;
    for (const auto& term : site_terms) sorted[term.abbreviation] = term;
    for (auto& [abbreviation, term] : sorted) terms_.push_back(std::move(term));
    for (std::size_t index = 0; index < terms_.size(); ++index) {
        const auto& term = terms_[index];
        opening_tags_.push_back("<abbr title=\"" + escape_html(term.expansion) + "\">");
        int capitals = 0;
        std::string_view text = term.abbreviation;
        by_first_word_[text.substr(0, word_end(text, 0, capitals))].push_back(index);
    }
    for (auto& [word, indices] : by_first_word_)
        std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
            return terms_[a].abbreviation.size() > terms_[b].abbreviation.size();
        });
}

Glossary::Match Glossary::match_at(std::string_view text, std::size_t at, std::string_view word) const {
    auto found = by_first_word_.find(word);
    if (found == by_first_word_.end()) return {};
    for (std::size_t index : found->second) {
        const std::string& abbreviation = terms_[index].abbreviation;
        if (text.substr(at).starts_with(abbreviation) && ends_word(text, at + abbreviation.size()))
            return {index, abbreviation.size()};
    }
    return {};
}

// The length of the capital letter starting at `at` (A–Z, А–Я, Ё, À–Þ), or 0.
// Terms start with one (model::is_abbreviation), so the scan below looks at
// bytes and decodes only around capitals: pages are mostly lower case.
inline std::size_t capital_at(std::string_view text, std::size_t at) {
    auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 'A' && byte <= 'Z') return 1;
    if ((byte != 0xD0 && byte != 0xC3) || at + 1 >= text.size()) return 0;
    auto next = static_cast<unsigned char>(text[at + 1]);
    if (byte == 0xD0) return (next >= 0x90 && next <= 0xAF) || next == 0x81 ? 2 : 0;
    return next >= 0x80 && next <= 0x9E && next != 0x97 ? 2 : 0;
}

// Whether the character before `at` belongs to a word (letters and digits
// are one or two bytes long in UTF-8).
inline bool word_before(std::string_view text, std::size_t at) {
    if (at == 0) return false;
    auto last = static_cast<unsigned char>(text[at - 1]);
    if (last < 0x80) return is_word_character(last);
    if (at < 2 || (static_cast<unsigned char>(text[at - 2]) & 0xE0) != 0xC0) return false;
    std::size_t start = at - 2;
    return is_word_character(next_code_point(text, start));
}

// Calls on_match(at, match) for each term in plain `text`; on_match returns
// where to go on from.
// Bytes that may start a capital letter: the inner loop's only test.
constexpr std::array<bool, 256> kMayStartCapital = [] {
    std::array<bool, 256> table{};
    for (int byte = 'A'; byte <= 'Z'; ++byte) table[byte] = true;
    table[0xD0] = table[0xC3] = true;
    return table;
}();

template <class OnMatch>
void Glossary::scan_text(std::string_view text, OnMatch on_match) const {
    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && !kMayStartCapital[static_cast<unsigned char>(text[at])]) ++at;
        if (at >= text.size()) break;
        std::size_t capital = capital_at(text, at);
        if (capital == 0) {
            ++at;
            continue;
        }
        if (word_before(text, at)) {
            at += capital;
            continue;
        }
        int capitals = 0;
        std::size_t end = word_end(text, at, capitals);
        if (capitals >= 2) {
            Match match = match_at(text, at, text.substr(at, end - at));
            if (match.length) {
                at = on_match(at, match);
                continue;
            }
        }
        at = std::max(end, at + capital);
    }
}

void Glossary::find_terms(std::string_view text, std::vector<bool>& used) const {
    used.resize(terms_.size());
    scan_text(text, [&](std::size_t at, const Match& match) {
        used[match.term] = true;
        return at + match.length;
    });
}

std::string Glossary::expand_first_uses(std::string_view html, std::vector<bool>& seen) const {
    seen.resize(terms_.size());
    std::size_t unseen = std::count(seen.begin(), seen.end(), false);
    std::string out;
    std::size_t copied = 0;  // html before this is in `out`
    auto expand_in = [&](std::string_view text, std::size_t offset) {
        scan_text(text, [&](std::size_t at, const Match& match) {
            if (!seen[match.term]) {
                seen[match.term] = true;
                --unseen;
                if (out.empty()) out.reserve(html.size() + 256);
                out.append(html, copied, offset + at - copied);
                out += opening_tags_[match.term];
                out.append(text, at, match.length);
                out += "</abbr>";
                copied = offset + at + match.length;
            }
            return unseen == 0 ? text.size() : at + match.length;
        });
    };
    std::size_t at = 0;
    while (at < html.size() && unseen > 0) {
        std::size_t tag = at;
        while (tag < html.size() && html[tag] != '<' && html[tag] != '&') ++tag;
        if (tag > at) expand_in(html.substr(at, tag - at), at);
        if (tag >= html.size() || unseen == 0) break;
        if (html[tag] == '&') {  // an entity: &laquo; &#171;
            std::size_t end = html.find_first_of(";<", tag + 1);
            at = end == std::string_view::npos ? html.size() : html[end] == ';' ? end + 1 : end;
            continue;
        }
        if (html.substr(tag, 4) == "<!--") {
            std::size_t end = html.find("-->", tag + 4);
            at = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        std::size_t end = html.find('>', tag);
        if (end == std::string_view::npos) break;
        at = end + 1;
        for (std::string_view name : kSkipped)
            if (name_is(html, tag + 1, name)) {
                std::size_t close = after_closing(html, at, name);
                if (name == "abbr") {
                    std::vector<bool> inside;
                    find_terms(html.substr(at, close - at), inside);
                    for (std::size_t index = 0; index < inside.size(); ++index)
                        if (inside[index] && !seen[index]) seen[index] = true, --unseen;
                }
                at = close;
                break;
            }
    }
    if (out.empty()) return std::string(html);
    out.append(html, copied, std::string_view::npos);
    return out;
}

std::string Glossary::expand_first_uses(std::string_view html) const {
    std::vector<bool> seen;
    return expand_first_uses(html, seen);
}

}  // namespace shnor::render
