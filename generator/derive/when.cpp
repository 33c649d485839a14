#include "derive/when.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

// How a deadline is read: the text is folded (lower case, ё → е, every dash
// → '-'), cut into tokens, checked for the open and recurring forms, and
// otherwise read as a chain of periods («март», «15 мая 2020», «I квартал»,
// «2024 год», «2024-2025 учебный год», «II четверть») joined by dashes,
// commas or spaces. A range and a list mean the same here: from the start of
// the first period to the end of the last. A period without a year takes it
// from the period after it («май, сентябрь 2023»), one year earlier when it
// would otherwise come after that period («декабрь, май 2021» is December
// 2020); the last one is placed inside the roadmap's period («январь» of a
// 2024/2025 school-year plan is January 2025). Text that is not a chain as a
// whole («Зарегистрироваться до 15.05.2020 по ссылке …») is read from the
// first date phrase in it.

namespace shnor::derive {
namespace {

using model::Date;
using Word = std::u32string_view;

// ---- text folding ----

constexpr char32_t kInvalid = U'\uFFFD';

bool continues(std::string_view bytes) {
    for (char byte : bytes)
        if ((static_cast<unsigned char>(byte) & 0xC0) != 0x80) return false;
    return true;
}

// Broken UTF-8 becomes U+FFFD, which no deadline form contains.
std::u32string decode_utf8(std::string_view text) {
    std::u32string result;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > text.size() || !continues(text.substr(i + 1, length - 1))) {
            result += kInvalid;
            ++i;
            continue;
        }
        char32_t code = length == 1 ? lead : lead & (0x7F >> length);
        for (int k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        result += code;
        i += length;
    }
    return result;
}

bool is_dash(char32_t c) { return c == U'-' || (c >= U'\u2010' && c <= U'\u2015') || c == U'\u2212'; }
bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\u00A0' || c == U'\u202F'; }

// Russian print treats ё as е; the deadline vocabulary below is written with е.
char32_t fold_char(char32_t c) {
    if (c >= U'А' && c <= U'Я') return c + (U'а' - U'А');
    if (c == U'Ё' || c == U'ё') return U'е';
    if (c >= U'A' && c <= U'Z') return c + (U'a' - U'A');
    if (is_dash(c)) return U'-';
    if (is_space(c)) return U' ';
    return c;
}

std::u32string fold(std::string_view text) {
    std::u32string result = decode_utf8(text);
    for (char32_t& c : result) c = fold_char(c);
    return result;
}

// ---- tokens ----

enum class Kind { word, number, dotted_date, dash, comma, slash, other };

struct Token {
    Kind kind = Kind::other;
    std::u32string word;
    int number = 0;  // number; day of a dotted date
    int month = 0;   // dotted date
    std::optional<int> year;
};

Token token_of(Kind kind) {
    Token token;
    token.kind = kind;
    return token;
}

bool is_letter(char32_t c) { return (c >= U'а' && c <= U'я') || c == U'е' || (c >= U'a' && c <= U'z'); }
bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
// Punctuation that only separates words: «г.», «2024.», «(01.02.2025)», «»».
bool is_quiet(char32_t c) { return c == U' ' || c == U'.' || c == U':' || c == U'(' || c == U')' || c == U'«' || c == U'»' || c == U'"'; }

class Tokenizer {
public:
    explicit Tokenizer(const std::u32string& text) : text_(text) {}

    std::vector<Token> run() {
        while (pos_ < text_.size()) {
            const char32_t c = text_[pos_];
            if (is_quiet(c)) ++pos_;
            else if (is_letter(c)) take_word();
            else if (is_digit(c)) take_number();
            else take_sign(c);
        }
        return std::move(tokens_);
    }

private:
    void take_word() {
        Token token = token_of(Kind::word);
        while (pos_ < text_.size() && is_letter(text_[pos_])) token.word += text_[pos_++];
        tokens_.push_back(std::move(token));
    }

    int read_digits(int& count) {
        int value = 0;
        count = 0;
        while (pos_ < text_.size() && is_digit(text_[pos_])) {
            if (count < 6) value = value * 10 + static_cast<int>(text_[pos_] - U'0');
            ++count;
            ++pos_;
        }
        return value;
    }

    bool digit_after_dot() const { return pos_ + 1 < text_.size() && text_[pos_] == U'.' && is_digit(text_[pos_ + 1]); }

    // «15», «2024», «15.05.2020», «01.09» (a dotted date without a year).
    void take_number() {
        int digits = 0;
        Token token = token_of(Kind::number);
        token.number = read_digits(digits);
        if (digits > 4) token.kind = Kind::other;
        if (token.kind == Kind::number && digits <= 2 && digit_after_dot()) {
            ++pos_;
            token.kind = Kind::dotted_date;
            token.month = read_digits(digits);
            if (digits > 2) token.kind = Kind::other;
            if (digit_after_dot()) {
                ++pos_;
                const int year = read_digits(digits);
                if (digits == 2) token.year = 2000 + year;
                else if (digits == 4) token.year = year;
                else token.kind = Kind::other;
            }
        }
        tokens_.push_back(std::move(token));
    }

    void take_sign(char32_t c) {
        const Kind kind = c == U'-' ? Kind::dash : (c == U',' || c == U';') ? Kind::comma : c == U'/' ? Kind::slash : Kind::other;
        tokens_.push_back(token_of(kind));
        ++pos_;
    }

    const std::u32string& text_;
    std::size_t pos_ = 0;
    std::vector<Token> tokens_;
};

// ---- vocabulary ----

bool starts_with(Word word, Word prefix) { return word.substr(0, prefix.size()) == prefix; }

bool is_one_of(Word word, std::initializer_list<Word> words) {
    for (Word candidate : words)
        if (word == candidate) return true;
    return false;
}

std::optional<int> month_of(Word word) {
    static constexpr std::array<std::pair<Word, int>, 11> kStems = {{{U"январ", 1},
                                                                      {U"феврал", 2},
                                                                      {U"март", 3},
                                                                      {U"апрел", 4},
                                                                      {U"июн", 6},
                                                                      {U"июл", 7},
                                                                      {U"август", 8},
                                                                      {U"сентябр", 9},
                                                                      {U"октябр", 10},
                                                                      {U"ноябр", 11},
                                                                      {U"декабр", 12}}};
    static constexpr std::array<std::pair<Word, int>, 13> kAbbreviations = {
        {{U"янв", 1}, {U"фев", 2}, {U"мар", 3}, {U"апр", 4}, {U"авг", 8}, {U"сен", 9}, {U"сент", 9},
         {U"окт", 10}, {U"ноя", 11}, {U"нояб", 11}, {U"дек", 12}, {U"июн", 6}, {U"июл", 7}}};
    if (is_one_of(word, {U"май", U"мая", U"мае", U"маю", U"маем"})) return 5;
    for (const auto& [stem, month] : kStems)
        if (starts_with(word, stem)) return month;
    for (const auto& [abbreviation, month] : kAbbreviations)
        if (word == abbreviation) return month;
    return std::nullopt;
}

// «г.», «гг.», «год», «года», «годы», «годов» … after a year number.
bool is_year_word(Word word) {
    return is_one_of(word, {U"г", U"гг", U"год", U"года", U"году", U"годом", U"годы", U"годов", U"годам", U"годах"});
}

// «четверть», «четверти», «четвертей» (a school term), not «четвертый».
bool is_term_word(Word word) {
    constexpr Word kStem = U"четверт";
    if (!starts_with(word, kStem)) return false;
    if (word.size() == kStem.size()) return true;
    const char32_t ending = word[kStem.size()];
    return ending == U'ь' || ending == U'и' || ending == U'е' || ending == U'я';
}

// «I», «II», «первый», «второе», «третьего», «четвертом» before «квартал» / «полугодие» / «четверть».
std::optional<int> ordinal_of(Word word) {
    if (is_one_of(word, {U"i", U"ii", U"iii", U"iv"})) return word == U"iv" ? 4 : static_cast<int>(word.size());
    if (starts_with(word, U"перв")) return 1;
    if (starts_with(word, U"втор")) return 2;
    if (starts_with(word, U"трет")) return 3;
    if (starts_with(word, U"четверт") && !is_term_word(word)) return 4;
    return std::nullopt;
}

bool is_quarter_word(Word word) { return starts_with(word, U"квартал") || word == U"кв"; }
bool is_half_word(Word word) { return starts_with(word, U"полугод"); }
bool is_school_word(Word word) { return starts_with(word, U"уч"); }
// The «-й» of «1-й квартал», «-е» of «2-е полугодие».
bool is_ordinal_suffix(Word word) { return is_one_of(word, {U"й", U"е", U"го", U"ый", U"ой", U"ий", U"ое", U"ом", U"м"}); }
bool is_plausible_year(int year) { return year >= 1990 && year <= 2100; }

// ---- open and recurring forms ----

std::vector<Word> words_of(const std::vector<Token>& tokens) {
    std::vector<Word> words;
    for (const Token& token : tokens)
        if (token.kind == Kind::word) words.push_back(token.word);
    return words;
}

bool begins_with_phrase(const std::vector<Word>& words, const std::vector<Word>& phrase) {
    if (words.size() < phrase.size()) return false;
    for (std::size_t i = 0; i < phrase.size(); ++i)
        if (words[i] != phrase[i]) return false;
    return true;
}

bool has_recurring_word(const std::vector<Word>& words) {
    static constexpr std::array<Word, 8> kStems = {U"ежегодн", U"ежемесячн",    U"ежекварт", U"еженедел",
                                                   U"ежедневн", U"систематическ", U"постоянн", U"регулярн"};
    for (Word word : words)
        for (Word stem : kStems)
            if (starts_with(word, stem)) return true;
    return false;
}

// Deadlines set by someone else's plan or by need: «по плану …», «согласно графику …».
bool begins_as_open_form(const std::vector<Word>& words) {
    static const std::vector<std::vector<Word>> kOpenForms = {{U"по", U"плану"},
                                                              {U"по", U"планам"},
                                                              {U"по", U"графику"},
                                                              {U"согласно", U"плану"},
                                                              {U"согласно", U"планам"},
                                                              {U"согласно", U"графику"},
                                                              {U"в", U"соответствии", U"с", U"планом"},
                                                              {U"в", U"соответствии", U"с", U"графиком"},
                                                              {U"по", U"запросу"},
                                                              {U"по", U"запросам"},
                                                              {U"по", U"мере", U"необходимости"},
                                                              {U"по", U"необходимости"},
                                                              {U"в", U"течение", U"всего", U"периода"},
                                                              {U"в", U"течение", U"периода"},
                                                              {U"весь", U"период"}};
    for (const auto& phrase : kOpenForms)
        if (begins_with_phrase(words, phrase)) return true;
    return false;
}

// «в течение года», «в течение учебного года», «учебный год»: a year, but not which one.
bool is_yearless_year(const std::vector<Token>& tokens) {
    std::vector<Word> words = words_of(tokens);
    if (words.size() != tokens.size()) return false;
    std::size_t first = begins_with_phrase(words, {U"в", U"течение"}) ? 2 : 0;
    if (first < words.size() && is_school_word(words[first])) ++first;
    return first + 1 == words.size() && is_year_word(words[first]) && words[first] != U"г";
}

bool is_ongoing(const std::vector<Token>& tokens) {
    const std::vector<Word> words = words_of(tokens);
    return has_recurring_word(words) || begins_as_open_form(words) || is_yearless_year(tokens);
}

// ---- periods ----

// school_half and term count in school years: `year` is the year the school
// year starts (1 September), so «II полугодие 2024/2025» has year 2024.
enum class Unit { day, month, quarter, half, year, school_year, school_half, term };
// «до конца 2024 года» keeps only the last day of the year, «начало» the first.
enum class Edge { whole, end, start };

struct Period {
    Unit unit = Unit::year;
    int index = 0;  // day, month, quarter, half or term; unused for years
    int month = 0;  // of a day; 0 while a day of a range («1-15 марта») waits for its month
    std::optional<int> year;
    Edge edge = Edge::whole;
};

Period period_of(Unit unit, int index, int month = 0, std::optional<int> year = std::nullopt) {
    Period period;
    period.unit = unit;
    period.index = index;
    period.month = month;
    period.year = year;
    return period;
}

model::DateRange months(int year, int first, int last) {
    return {{year, first, 1}, model::last_day_of_month(year, last)};
}

std::optional<model::DateRange> whole_range(const Period& period) {
    const int year = *period.year;
    switch (period.unit) {
        case Unit::day: {
            const Date day{year, period.month, period.index};
            if (!day.valid()) return std::nullopt;
            return model::DateRange{day, day};
        }
        case Unit::month: return months(year, period.index, period.index);
        case Unit::quarter: return months(year, 3 * period.index - 2, 3 * period.index);
        case Unit::half: return months(year, 6 * period.index - 5, 6 * period.index);
        case Unit::year: return months(year, 1, 12);
        case Unit::school_year: return model::DateRange{{year, 9, 1}, {year + 1, 8, 31}};
        // The school halves as schools count them: to the winter break, then to the end of lessons.
        case Unit::school_half: return period.index == 1 ? months(year, 9, 12) : months(year + 1, 1, 5);
        case Unit::term: {
            static constexpr std::array<std::pair<int, int>, 4> kTerms = {{{9, 10}, {11, 12}, {1, 3}, {4, 5}}};
            const auto [first, last] = kTerms[period.index - 1];
            return months(period.index <= 2 ? year : year + 1, first, last);
        }
    }
    return std::nullopt;
}

std::optional<model::DateRange> range_of(const Period& period) {
    auto range = whole_range(period);
    if (!range) return std::nullopt;
    if (period.edge == Edge::end) range->start = range->end;
    if (period.edge == Edge::start) range->end = range->start;
    return range;
}

Date day_before(const Date& date) {
    if (date.day > 1) return {date.year, date.month, date.day - 1};
    if (date.month > 1) return model::last_day_of_month(date.year, date.month - 1);
    return {date.year - 1, 12, 31};
}

// A part of the school year starting in `first_year`, for a period written
// before «2024/2025 учебного года»: months from September on are in the first
// calendar year, the rest in the second.
void place_in_school_year(Period& period, int first_year) {
    switch (period.unit) {
        case Unit::half: period.unit = Unit::school_half; [[fallthrough]];
        case Unit::school_half:
        case Unit::term: period.year = first_year; break;
        case Unit::month: period.year = period.index >= 9 ? first_year : first_year + 1; break;
        case Unit::day: period.year = period.month >= 9 ? first_year : first_year + 1; break;
        case Unit::quarter: period.year = period.index == 4 ? first_year : first_year + 1; break;
        case Unit::year:
        case Unit::school_year: break;
    }
}

// ---- reading the chain of periods ----

// «до …» and «не позднее …» name the deadline only, the end of the named
// period («до марта 2025» is read as 31 March: an early reading would show
// work as overdue that is not); «к сентябрю» means by the time September
// starts, «к 1 сентября» that day.
enum class Mode { span, until, by };

struct Chain {
    Mode mode = Mode::span;
    std::vector<Period> periods;
};

std::optional<Unit> part_unit_of(Word word) {
    if (is_quarter_word(word)) return Unit::quarter;
    if (is_half_word(word)) return Unit::half;
    if (is_term_word(word)) return Unit::term;
    return std::nullopt;
}

int parts_in_year(Unit unit) { return unit == Unit::half ? 2 : 4; }

class ChainParser {
public:
    ChainParser(const std::vector<Token>& tokens, std::size_t first = 0) : tokens_(tokens), pos_(first) {}

    // The whole text as one chain, or nothing.
    std::optional<Chain> run() {
        read_mode();
        while (pos_ < tokens_.size())
            if (!step()) return std::nullopt;
        if (chain_.periods.empty() || pending_edge_ != Edge::whole) return std::nullopt;
        return std::move(chain_);
    }

    // As much of a chain as the text holds from the first token on; `end`
    // is the token after it. For a date inside a sentence.
    Chain run_prefix(std::size_t& end) {
        read_mode();
        while (pos_ < tokens_.size()) {
            const std::size_t pos = pos_;
            const std::size_t periods = chain_.periods.size();
            if (step()) continue;
            pos_ = pos;
            chain_.periods.resize(periods);
            break;
        }
        end = pos_;
        return std::move(chain_);
    }

private:
    const Token* at(std::size_t offset) const {
        return pos_ + offset < tokens_.size() ? &tokens_[pos_ + offset] : nullptr;
    }
    bool word_at(std::size_t offset, Word word) const {
        const Token* token = at(offset);
        return token && token->kind == Kind::word && token->word == word;
    }
    bool year_at(std::size_t offset) const {
        const Token* token = at(offset);
        return token && token->kind == Kind::number && is_plausible_year(token->number);
    }

    void read_mode() {
        if (word_at(0, U"до") || word_at(0, U"по")) {
            chain_.mode = Mode::until;
            pos_ += 1;
        } else if (word_at(0, U"не") && word_at(1, U"позднее")) {
            chain_.mode = Mode::until;
            pos_ += 2;
        } else if (word_at(0, U"к") || word_at(0, U"ко")) {
            chain_.mode = Mode::by;
            pos_ += 1;
        }
    }

    bool step() {
        const Token& token = tokens_[pos_];
        switch (token.kind) {
            case Kind::word: return take_word(token.word);
            case Kind::number: return take_number(token.number);
            case Kind::dotted_date: return take_dotted_date(token);
            case Kind::dash:
            case Kind::comma:
            case Kind::slash: return take_separator();
            case Kind::other: return false;
        }
        return false;
    }

    bool take_separator() {
        ++pos_;
        year_may_follow_ = false;
        return true;
    }

    void push(Period period) {
        period.edge = pending_edge_;
        pending_edge_ = Edge::whole;
        chain_.periods.push_back(period);
        year_may_follow_ = true;
    }

    bool take_word(Word word) {
        if (ordinal_of(word)) return take_parts_of_year();
        ++pos_;
        if (auto month = month_of(word)) {
            push(period_of(Unit::month, *month));
            return true;
        }
        if (is_year_word(word) || is_one_of(word, {U"в", U"во", U"течение", U"с", U"со", U"на"})) return true;
        if (is_one_of(word, {U"и", U"по", U"до"})) return take_separator_word();
        if (starts_with(word, U"конц") || starts_with(word, U"начал")) {
            pending_edge_ = starts_with(word, U"конц") ? Edge::end : Edge::start;
            return true;
        }
        return false;
    }

    bool take_separator_word() {
        year_may_follow_ = false;
        return true;
    }

    // One ordinal from `offset`: «I», «первое», «1», «1-й»; its value and how many tokens it takes.
    std::optional<std::pair<int, std::size_t>> ordinal_at(std::size_t offset) const {
        const Token* token = at(offset);
        if (!token) return std::nullopt;
        if (token->kind == Kind::word) {
            if (auto ordinal = ordinal_of(token->word)) return std::pair{*ordinal, std::size_t{1}};
            return std::nullopt;
        }
        if (token->kind != Kind::number || token->number < 1 || token->number > 4) return std::nullopt;
        const Token* dash = at(offset + 1);
        const Token* suffix = at(offset + 2);
        if (dash && dash->kind == Kind::dash && suffix && suffix->kind == Kind::word && is_ordinal_suffix(suffix->word))
            return std::pair{token->number, std::size_t{3}};
        return std::pair{token->number, std::size_t{1}};
    }

    // «I квартал», «2-е полугодие», «I, II четверть», «I–IV квартал»: ordinals, then what they count.
    // Changes nothing unless it reads them all.
    bool take_parts_of_year() {
        std::vector<int> ordinals;
        std::size_t offset = 0;
        while (auto ordinal = ordinal_at(offset)) {
            // No year has more than four parts; a longer list is not one (and is not rescanned at length).
            if (ordinals.size() == 4) return false;
            ordinals.push_back(ordinal->first);
            offset += ordinal->second;
            const Token* next = at(offset);
            if (!next) return false;
            if (next->kind == Kind::word) {
                if (auto unit = part_unit_of(next->word)) {
                    for (int index : ordinals)
                        if (index > parts_in_year(*unit)) return false;
                    for (int index : ordinals) push(period_of(*unit, index));
                    pos_ += offset + 1;
                    return true;
                }
                if (next->word != U"и") return false;
            } else if (next->kind != Kind::dash && next->kind != Kind::comma) {
                return false;
            }
            ++offset;
        }
        return false;
    }

    bool take_number(int number) {
        if (is_plausible_year(number)) return take_year(number);
        if (take_parts_of_year()) return true;
        ++pos_;
        if (number < 1 || number > 31) return false;
        if (at(0) && at(0)->kind == Kind::dash && at(1) && at(1)->kind == Kind::word && is_ordinal_suffix(at(1)->word))
            pos_ += 2;
        const Token* next = at(0);
        if (next && next->kind == Kind::word) {
            if (auto month = month_of(next->word)) {
                ++pos_;
                push(period_of(Unit::day, number, *month));
                return true;
            }
            if (part_unit_of(next->word)) return false;  // «3 полугодие», «5 квартал»
        }
        push(period_of(Unit::day, number, 0));  // «1» of «1-15 марта»: the month comes later
        return true;
    }

    bool take_year(int year) {
        const Token* separator = at(1);
        const bool pair = separator && (separator->kind == Kind::dash || separator->kind == Kind::slash) && year_at(2);
        if (pair && (separator->kind == Kind::slash || school_word_after_pair())) return take_school_year(year);
        ++pos_;
        Period* last = chain_.periods.empty() ? nullptr : &chain_.periods.back();
        const bool follows_period = year_may_follow_ && last;
        if (follows_period && !last->year) last->year = year;
        // The same year printed twice («Сентябрь 2023 г. 2023 г.») names it once.
        else if (!(follows_period && last->year == year)) push(period_of(Unit::year, 0, 0, year));
        return true;
    }

    bool school_word_after_pair() const {
        const Token* after = at(3);
        return after && after->kind == Kind::word && is_school_word(after->word);
    }

    // «2024-2025 учебный год», «2024/2025 уч. год»; after a part of it
    // («I полугодие 2024/2025 учебного года») it says where that part is.
    bool take_school_year(int first_year) {
        if (tokens_[pos_ + 2].number != first_year + 1) return false;
        pos_ += 3;
        if (word_at(0, U"уч") || (at(0) && at(0)->kind == Kind::word && is_school_word(at(0)->word))) ++pos_;
        Period* last = chain_.periods.empty() ? nullptr : &chain_.periods.back();
        if (year_may_follow_ && last && !last->year) {
            if (last->unit == Unit::day && last->month == 0) return false;
            // The halves before it in a list («I, II полугодие …») are school halves too.
            for (auto it = chain_.periods.rbegin(); it != chain_.periods.rend() && !it->year; ++it)
                if (it->unit == Unit::half) it->unit = Unit::school_half;
            place_in_school_year(*last, first_year);
            return true;
        }
        push(period_of(Unit::school_year, 0, 0, first_year));
        return true;
    }

    bool take_dotted_date(const Token& token) {
        ++pos_;
        if (token.month < 1 || token.month > 12) return false;
        push(period_of(Unit::day, token.number, token.month, token.year));
        return true;
    }

    const std::vector<Token>& tokens_;
    std::size_t pos_ = 0;
    Chain chain_;
    Edge pending_edge_ = Edge::whole;
    bool year_may_follow_ = false;  // «март 2024»: a year right after a period belongs to it
};

// ---- placing the chain in time ----

// Back to front: each period without a year or month takes it from the next
// one, a year earlier when it would otherwise start in a later month; the
// last one takes `anchor_year`.
bool resolve_years(std::vector<Period>& periods, std::optional<int> anchor_year) {
    for (std::size_t i = periods.size(); i-- > 0;) {
        Period& period = periods[i];
        const Period* next = i + 1 < periods.size() ? &periods[i + 1] : nullptr;
        if (period.unit == Unit::day && period.month == 0) {
            if (!next || next->unit != Unit::day) return false;
            period.month = next->month;
        }
        if (period.year) continue;
        if (!next) {
            if (!anchor_year) return false;
            period.year = anchor_year;
            continue;
        }
        const auto next_range = whole_range(*next);
        if (!next_range) return false;
        period.year = next_range->start.year;
        const auto own = whole_range(period);
        if (!own) return false;
        const bool same_month = own->start.year == next_range->start.year && own->start.month == next_range->start.month;
        if (own->start > next_range->start && !same_month) period.year = *period.year - 1;
    }
    return true;
}

// From the start of the first period to the end of the last.
std::optional<model::DateRange> span_of(const std::vector<Period>& periods) {
    auto first = range_of(periods.front());
    auto last = range_of(periods.back());
    if (!first || !last) return std::nullopt;
    return model::DateRange{first->start, last->end};
}

WhenDates dates_of(const Chain& chain) {
    std::vector<model::DateRange> ranges;
    for (const Period& period : chain.periods) {
        auto range = range_of(period);
        if (!range) return {};
        ranges.push_back(*range);
    }
    WhenDates result;
    result.understood = true;
    switch (chain.mode) {
        case Mode::span:
            result.start = ranges.front().start;
            result.due = ranges.back().end;
            break;
        case Mode::until: result.due = ranges.back().end; break;
        case Mode::by: {
            const Period& last = chain.periods.back();
            const bool names_a_day = last.unit == Unit::day || last.edge != Edge::whole;
            result.due = names_a_day ? ranges.back().end : day_before(ranges.back().start);
            break;
        }
    }
    if (result.start && result.due && *result.start > *result.due) return {};
    return result;
}

bool within(const model::DateRange& inner, const model::DateRange& outer) {
    return outer.start <= inner.start && inner.end <= outer.end;
}
bool overlaps(const model::DateRange& a, const model::DateRange& b) { return a.start <= b.end && b.start <= a.end; }

// A plan for 1 September to the summer of the next year.
bool is_school_year(const model::DateRange& period) {
    return period.start.month == 9 && period.start.day == 1 && period.end.year == period.start.year + 1 &&
           period.end.month <= 8;
}

// The year for the last period of a chain that names none: the first that
// puts the whole chain inside the roadmap's period, else the first that puts
// it partly inside, else the period's first year (check then warns).
// Plans run a few years; the search stops after a dozen.
int anchor_year_in(const std::vector<Period>& periods, const model::DateRange& period) {
    constexpr int kYearsSearched = 12;
    std::optional<int> overlapping;
    const int last_year = std::min(period.end.year, period.start.year + kYearsSearched);
    for (int year = period.start.year - 1; year <= last_year; ++year) {
        std::vector<Period> placed = periods;
        if (!resolve_years(placed, year)) continue;  // «29 февраля – 1 марта» in a year without it
        const auto span = span_of(placed);
        if (!span) continue;
        if (within(*span, period)) return year;
        if (!overlapping && overlaps(*span, period)) overlapping = year;
    }
    return overlapping.value_or(period.start.year);
}

WhenDates place(Chain chain, const WhenContext& context) {
    std::optional<int> anchor_year;
    if (!chain.periods.back().year) {
        std::optional<model::DateRange> period = context.period;
        if (!period && context.year) period = model::DateRange{{*context.year, 1, 1}, {*context.year, 12, 31}};
        if (!period || period->end < period->start) return {};
        // «I полугодие» of a school-year plan is September to December.
        if (is_school_year(*period))
            for (auto it = chain.periods.rbegin(); it != chain.periods.rend() && !it->year; ++it)
                if (it->unit == Unit::half) it->unit = Unit::school_half;
        anchor_year = anchor_year_in(chain.periods, *period);
    }
    if (!resolve_years(chain.periods, anchor_year)) return {};
    return dates_of(chain);
}

// ---- a date inside a sentence ----

bool is_plain_word(const Token& token) {
    return token.kind == Kind::word && !month_of(token.word) && !ordinal_of(token.word) && !part_unit_of(token.word) &&
           !is_year_word(token.word) && !is_school_word(token.word);
}

// A date phrase starts at the text's start or after an ordinary word or a
// comma, never inside a number or a date («32 марта», «V квартал 2024»).
bool may_start_phrase(const std::vector<Token>& tokens, std::size_t i) {
    const Kind kind = tokens[i].kind;
    if (kind == Kind::dash || kind == Kind::comma || kind == Kind::slash || kind == Kind::other) return false;
    if (i == 0) return true;
    const Token& before = tokens[i - 1];
    if (before.kind == Kind::comma || is_plain_word(before)) return true;
    return before.kind == Kind::dash && (i == 1 || is_plain_word(tokens[i - 2]));
}

// The first date phrase of a text that is not a deadline as a whole:
// «Зарегистрироваться до 15.05.2020 по ссылке …» is due 15 May 2020.
WhenDates first_dates_in(const std::vector<Token>& tokens, const WhenContext& context) {
    for (std::size_t i = 0; i < tokens.size();) {
        if (!may_start_phrase(tokens, i)) {
            ++i;
            continue;
        }
        std::size_t end = i;
        Chain chain = ChainParser(tokens, i).run_prefix(end);
        // «март 1812»: a number right after the phrase means it was not a date.
        const bool number_after = end < tokens.size() && (tokens[end].kind == Kind::number || tokens[end].kind == Kind::dotted_date);
        if (!chain.periods.empty() && !number_after) {
            WhenDates dates = place(std::move(chain), context);
            if (dates.understood) return dates;
        }
        i = std::max(i + 1, end);
    }
    return {};
}

std::vector<Token> tokens_of(std::string_view text, bool& broken) {
    const std::u32string folded = fold(text);
    broken = folded.find(kInvalid) != std::u32string::npos;
    return Tokenizer(folded).run();
}

}  // namespace

WhenContext roadmap_context(const std::optional<model::DateRange>& period, std::string_view title) {
    if (period) return WhenContext::in_period(*period);
    bool broken = false;
    const std::vector<Token> tokens = tokens_of(title, broken);
    if (broken) return {};
    const WhenDates named = first_dates_in(tokens, {});
    if (named.start && named.due) return WhenContext::in_period({*named.start, *named.due});
    if (named.due) return WhenContext::in_year(named.due->year);
    return {};
}

WhenDates parse_when(std::string_view text, const WhenContext& context) {
    bool broken = false;
    const std::vector<Token> tokens = tokens_of(text, broken);
    // Broken UTF-8 is none of the forms, whatever else the text holds.
    if (tokens.empty() || broken) return {};
    if (is_ongoing(tokens)) return WhenDates{std::nullopt, std::nullopt, true, true};
    if (auto chain = ChainParser(tokens).run()) return place(std::move(*chain), context);
    return first_dates_in(tokens, context);
}

}  // namespace shnor::derive
