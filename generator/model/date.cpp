#include "model/date.hpp"

#include <array>
#include <cstdio>

namespace shnor::model {

namespace {
bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

constexpr std::array<const char*, 12> kGenitiveMonths = {
    "января", "февраля", "марта",    "апреля",  "мая",    "июня",
    "июля",   "августа", "сентября", "октября", "ноября", "декабря"};

int parse_digits(std::string_view text) {
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}
}  // namespace

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

Date last_day_of_month(int year, int month) { return Date{year, month, days_in_month(year, month)}; }

Date Date::next_day() const {
    if (day < days_in_month(year, month)) return {year, month, day + 1};
    if (month < 12) return {year, month + 1, 1};
    return {year + 1, 1, 1};
}

bool Date::valid() const {
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}

std::optional<Date> Date::parse_iso(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    Date date{parse_digits(text.substr(0, 4)), parse_digits(text.substr(5, 2)),
              parse_digits(text.substr(8, 2))};
    if (!date.valid()) return std::nullopt;
    return date;
}

std::optional<Date> Date::parse(std::string_view text) {
    if (auto iso = parse_iso(text)) return iso;
    const auto first_dot = text.find('.');
    const auto second_dot = first_dot == std::string_view::npos ? first_dot : text.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos) return std::nullopt;
    const auto day = text.substr(0, first_dot);
    const auto month = text.substr(first_dot + 1, second_dot - first_dot - 1);
    const auto year = text.substr(second_dot + 1);
    if (day.empty() || day.size() > 2 || month.empty() || month.size() > 2 || year.size() != 4) return std::nullopt;
    Date date{parse_digits(year), parse_digits(month), parse_digits(day)};
    if (!date.valid()) return std::nullopt;
    return date;
}

namespace {

// `value` in at least `width` digits, zeros in front (printf's %0*d); a
// date is printed thousands of times a build, printf is slow for it.
void append_padded(std::string& text, int value, int width) {
    if (value < 0) {
        text += '-';
        value = -value;
        --width;
    }
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width) text.append(width - digits.size(), '0');
    text += digits;
}

}  // namespace

std::string Date::iso() const {
    std::string text;
    text.reserve(10);
    append_padded(text, year, 4);
    text += '-';
    append_padded(text, month, 2);
    text += '-';
    append_padded(text, day, 2);
    return text;
}

std::string Date::dotted() const {
    std::string text;
    text.reserve(10);
    append_padded(text, day, 2);
    text += '.';
    append_padded(text, month, 2);
    text += '.';
    append_padded(text, year, 4);
    return text;
}

std::string Date::russian() const {
    if (!valid()) return iso();
    return std::to_string(day) + " " + kGenitiveMonths[month - 1] + " " + std::to_string(year) + " г.";
}

}  // namespace shnor::model
