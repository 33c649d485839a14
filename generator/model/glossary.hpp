// Abbreviations: the built-in ones every district's documents use, and the
// rule for what counts as one. The HTML pass that expands them on pages is
// render/glossary.hpp.
#pragma once

#include "model/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace shnor::model {

// ШНОР, ОГЭ, ВСОКО …: the terms of federal and regional documents, with
// expansions written to follow the abbreviation in a sentence (lower case).
const std::vector<GlossaryTerm>& builtin_glossary();
// The expansion of a built-in abbreviation, or "" (exam names on results pages).
std::string builtin_expansion(std::string_view abbreviation);

// A letter or digit of a word (Latin, Cyrillic); anything else ends a word.
bool is_word_character(char32_t c);
bool is_capital_letter(char32_t c);
// The first word of an abbreviation has at least two capital letters: ЦРО,
// ТУ, НИПКиПРО, «МКУ ЦИМО»; it starts with a capital. Pages are searched
// only at such words.
bool is_abbreviation(std::string_view text);
// The words of `text` that could start an abbreviation, sorted, unique,
// separated by spaces: a change of this string is the only change of the
// text that can change which terms a page uses (pipeline/school_parts.cpp).
std::string abbreviation_words(std::string_view text);

// The next code point of UTF-8 `text` at `at` (advanced past it); U+FFFD for
// a broken sequence, which is never part of a word.
char32_t next_code_point(std::string_view text, std::size_t& at);

}  // namespace shnor::model
