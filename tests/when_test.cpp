#include "derive/when.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string_view>
#include <vector>

using shnor::derive::parse_when;
using shnor::derive::WhenContext;
using shnor::model::Date;

namespace {

struct Case {
    std::string_view text;
    std::optional<int> context_year;
    std::optional<Date> start;
    std::optional<Date> due;
    bool ongoing;
    bool understood;
};

constexpr std::nullopt_t none = std::nullopt;

// Every distinct deadline of the five seeds, verbatim («\n» where the cell
// breaks a line); the context year is the year of that seed's plan.
const std::vector<Case> kSeedCases = {
    {"2020 год", 2020, Date{2020, 1, 1}, Date{2020, 12, 31}, false, true},  // seed 000
    {"ежегодно", 2020, none, none, true, true},  // seed 000
    {"2021-2022 годы", 2020, Date{2021, 1, 1}, Date{2022, 12, 31}, false, true},  // seed 000
    {"Ежегодно", 2020, none, none, true, true},  // seed 000
    {"Март 2024", 2024, Date{2024, 3, 1}, Date{2024, 3, 31}, false, true},  // seed 001
    {"Март-апрель 2024", 2024, Date{2024, 3, 1}, Date{2024, 4, 30}, false, true},  // seed 001
    {"апрель 2024", 2024, Date{2024, 4, 1}, Date{2024, 4, 30}, false, true},  // seed 001
    {"Постоянно", 2024, none, none, true, true},  // seed 001
    {"Май-июнь 2024", 2024, Date{2024, 5, 1}, Date{2024, 6, 30}, false, true},  // seed 001
    {"По плану Управления образования", 2024, none, none, true, true},  // seed 001
    {"Апрель 2024", 2024, Date{2024, 4, 1}, Date{2024, 4, 30}, false, true},  // seed 001
    {"сентябрь-ноябрь 2024", 2024, Date{2024, 9, 1}, Date{2024, 11, 30}, false, true},  // seed 001
    {"к сентябрю 2024 года", 2024, none, Date{2024, 8, 31}, false, true},  // seed 001
    {"В течение 2024 года", 2024, Date{2024, 1, 1}, Date{2024, 12, 31}, false, true},  // seed 001
    {"Февраль-март 2024", 2024, Date{2024, 2, 1}, Date{2024, 3, 31}, false, true},  // seed 001
    {"Апрель 2024, Октябрь 2024", 2024, Date{2024, 4, 1}, Date{2024, 10, 31}, false, true},  // seed 001
    {"Апрель 2024, сентябрь 2024", 2024, Date{2024, 4, 1}, Date{2024, 9, 30}, false, true},  // seed 001
    {"Апрель-май 2024", 2024, Date{2024, 4, 1}, Date{2024, 5, 31}, false, true},  // seed 001
    {"В течение 2024", 2024, Date{2024, 1, 1}, Date{2024, 12, 31}, false, true},  // seed 001
    {"Август-сентябрь 2024", 2024, Date{2024, 8, 1}, Date{2024, 9, 30}, false, true},  // seed 001
    {"Сентябрь-декабрь 2024", 2024, Date{2024, 9, 1}, Date{2024, 12, 31}, false, true},  // seed 001
    {"Октябрь-ноябрь 2024", 2024, Date{2024, 10, 1}, Date{2024, 11, 30}, false, true},  // seed 001
    {"В течение года", 2024, none, none, true, true},  // seed 001
    {"Апрель 2024;", 2024, Date{2024, 4, 1}, Date{2024, 4, 30}, false, true},  // seed 001
    {"март", 2024, Date{2024, 3, 1}, Date{2024, 3, 31}, false, true},  // seed 001
    {"Согласно графику НИМРО", 2024, none, none, true, true},  // seed 001
    {"Сентябрь-октябрь 2024", 2024, Date{2024, 9, 1}, Date{2024, 10, 31}, false, true},  // seed 001
    {"По плану Управления образования в течение 2024", 2024, none, none, true, true},  // seed 001
    {"По графику федерального оператора", 2024, none, none, true, true},  // seed 001
    {"До 15 мая 2020г.", 2020, none, Date{2020, 5, 15}, false, true},  // seed 002
    {"Зарегистрироваться до 15.05.2020 по ссылке: http://dt.ranera.ru/discurs http://dt.ranera.ru/chart", 2020, none, Date{2020, 5, 15}, false, true},  // seed 002: the date inside the instruction
    {"До 22 мая 2020г.", 2020, none, Date{2020, 5, 22}, false, true},  // seed 002
    {"До 30 мая 2020г.", 2020, none, Date{2020, 5, 30}, false, true},  // seed 002
    {"До 30 сентября 2020г. – октябрь 2020г.", 2020, none, Date{2020, 10, 31}, false, true},  // seed 002
    {"До 24 мая 2020г.", 2020, none, Date{2020, 5, 24}, false, true},  // seed 002
    {"До 20 мая 2020г.", 2020, none, Date{2020, 5, 20}, false, true},  // seed 002
    {"До 30 мая 2020 г.", 2020, none, Date{2020, 5, 30}, false, true},  // seed 002
    {"Октябрь - ноябрь 2020г.", 2020, Date{2020, 10, 1}, Date{2020, 11, 30}, false, true},  // seed 002
    {"Сентябрь 2020г. – ноябрь 2020г.", 2020, Date{2020, 9, 1}, Date{2020, 11, 30}, false, true},  // seed 002
    {"Октябрь 2020г.", 2020, Date{2020, 10, 1}, Date{2020, 10, 31}, false, true},  // seed 002
    {"До 10 ноября 2020г.", 2020, none, Date{2020, 11, 10}, false, true},  // seed 002
    {"До 10 декабря 2020г.", 2020, none, Date{2020, 12, 10}, false, true},  // seed 002
    {"Декабрь, май 2021г.", 2020, Date{2020, 12, 1}, Date{2021, 5, 31}, false, true},  // seed 002
    {"Ноябрь 2020г. Март 2021г.", 2020, Date{2020, 11, 1}, Date{2021, 3, 31}, false, true},  // seed 002
    {"Февраль 2021г.", 2020, Date{2021, 2, 1}, Date{2021, 2, 28}, false, true},  // seed 002
    {"Сентябрь - декабрь 2020г.", 2020, Date{2020, 9, 1}, Date{2020, 12, 31}, false, true},  // seed 002
    {"Ноябрь 2020г.", 2020, Date{2020, 11, 1}, Date{2020, 11, 30}, false, true},  // seed 002
    {"В течение периода реализации Программы", 2020, none, none, true, true},  // seed 002
    {"апрель-август 2020 года", 2020, Date{2020, 4, 1}, Date{2020, 8, 31}, false, true},  // seed 002, programme period or stage
    {"сентябрь 2020 года – декабрь 2021 года", 2020, Date{2020, 9, 1}, Date{2021, 12, 31}, false, true},  // seed 002, programme period or stage
    {"2020-2021 гг.", 2020, Date{2020, 1, 1}, Date{2021, 12, 31}, false, true},  // seed 002, programme period or stage
    {"январь 2023 г.", 2023, Date{2023, 1, 1}, Date{2023, 1, 31}, false, true},  // seed 003
    {"Март- август\n 2023 г.", 2023, Date{2023, 3, 1}, Date{2023, 8, 31}, false, true},  // seed 003
    {"Апрель 2023 г.-август 2023 г.", 2023, Date{2023, 4, 1}, Date{2023, 8, 31}, false, true},  // seed 003
    {"Июнь 2023 г.", 2023, Date{2023, 6, 1}, Date{2023, 6, 30}, false, true},  // seed 003
    {"Август\n 2023 г.", 2023, Date{2023, 8, 1}, Date{2023, 8, 31}, false, true},  // seed 003
    {"Февраль- август 2023 г.", 2023, Date{2023, 2, 1}, Date{2023, 8, 31}, false, true},  // seed 003
    {"Август 2023 г", 2023, Date{2023, 8, 1}, Date{2023, 8, 31}, false, true},  // seed 003
    {"В течение 2023 г.", 2023, Date{2023, 1, 1}, Date{2023, 12, 31}, false, true},  // seed 003
    {"Август 2023 г.", 2023, Date{2023, 8, 1}, Date{2023, 8, 31}, false, true},  // seed 003
    {"Сентябрь- декабрь 2023 г.", 2023, Date{2023, 9, 1}, Date{2023, 12, 31}, false, true},  // seed 003
    {"Сентябрь 2023 г. 2023 г.", 2023, Date{2023, 9, 1}, Date{2023, 9, 30}, false, true},  // seed 003
    {"Декабрь 2023 г.", 2023, Date{2023, 12, 1}, Date{2023, 12, 31}, false, true},  // seed 003
    {"01.02.2025 – 31.12.2026 гг.", 2025, Date{2025, 2, 1}, Date{2026, 12, 31}, false, true},  // seed 004, programme period or stage
    {"2025 – 2026 гг.", 2025, Date{2025, 1, 1}, Date{2026, 12, 31}, false, true},  // seed 004, programme period or stage
    {"01.02.2025г. – 31.12.2025г.", 2025, Date{2025, 2, 1}, Date{2025, 12, 31}, false, true},  // seed 004, programme period or stage
    {"01.01.2026г. – 31.12.2026г.", 2025, Date{2026, 1, 1}, Date{2026, 12, 31}, false, true},  // seed 004, programme period or stage
};

// The forms content-format.md lists, and the forms the issue names.
const std::vector<Case> kSpecCases = {
    {"Март 2024", 2024, Date{2024, 3, 1}, Date{2024, 3, 31}, false, true},
    {"Март-апрель 2024", 2024, Date{2024, 3, 1}, Date{2024, 4, 30}, false, true},
    {"Сентябрь - декабрь 2020г.", 2020, Date{2020, 9, 1}, Date{2020, 12, 31}, false, true},
    {"до 15 мая 2020г.", 2020, none, Date{2020, 5, 15}, false, true},
    {"До 30 сентября 2020г. – октябрь 2020г.", 2020, none, Date{2020, 10, 31}, false, true},
    {"Апрель 2024, Октябрь 2024", 2024, Date{2024, 4, 1}, Date{2024, 10, 31}, false, true},
    {"январь 2023 г.", 2023, Date{2023, 1, 1}, Date{2023, 1, 31}, false, true},
    {"2021-2022 годы", 2021, Date{2021, 1, 1}, Date{2022, 12, 31}, false, true},
    {"2020 год", 2020, Date{2020, 1, 1}, Date{2020, 12, 31}, false, true},
    {"В течение 2024 года", 2024, Date{2024, 1, 1}, Date{2024, 12, 31}, false, true},
    {"к сентябрю 2024 года", 2024, none, Date{2024, 8, 31}, false, true},
    {"ежегодно", 2024, none, none, true, true},
    {"постоянно", 2024, none, none, true, true},
    {"в течение года", 2024, none, none, true, true},
    {"по плану работы отдела образования", 2024, none, none, true, true},
    {"согласно графику проведения ВПР", 2024, none, none, true, true},
    {"по запросу", 2024, none, none, true, true},
    // Months in other grammatical cases, and a month with no year.
    {"март", 2024, Date{2024, 3, 1}, Date{2024, 3, 31}, false, true},
    {"в марте 2024", 2020, Date{2024, 3, 1}, Date{2024, 3, 31}, false, true},
    {"сентябре", 2023, Date{2023, 9, 1}, Date{2023, 9, 30}, false, true},
    {"декабрь 2023 – январь 2024", 2023, Date{2023, 12, 1}, Date{2024, 1, 31}, false, true},
    {"май, сентябрь 2023", 2020, Date{2023, 5, 1}, Date{2023, 9, 30}, false, true},
    {"до 01.09.2023", 2020, none, Date{2023, 9, 1}, false, true},
    {"до конца 2024 года", 2020, none, Date{2024, 12, 31}, false, true},
    {"до 1 сентября", 2024, none, Date{2024, 9, 1}, false, true},
    {"15.05.2020", 2024, Date{2020, 5, 15}, Date{2020, 5, 15}, false, true},
    {"05 марта 2024 г.", 2020, Date{2024, 3, 5}, Date{2024, 3, 5}, false, true},
    {"1-15 марта 2024", 2020, Date{2024, 3, 1}, Date{2024, 3, 15}, false, true},
    {"2024", 2020, Date{2024, 1, 1}, Date{2024, 12, 31}, false, true},
    {"2020-2022 гг.", 2020, Date{2020, 1, 1}, Date{2022, 12, 31}, false, true},
    {"в течение 2024 г.", 2020, Date{2024, 1, 1}, Date{2024, 12, 31}, false, true},
    {"В течение 2024", 2020, Date{2024, 1, 1}, Date{2024, 12, 31}, false, true},
    {"к 1 сентября 2024", 2020, none, Date{2024, 9, 1}, false, true},
    {"I квартал 2025", 2024, Date{2025, 1, 1}, Date{2025, 3, 31}, false, true},
    {"1 квартал", 2024, Date{2024, 1, 1}, Date{2024, 3, 31}, false, true},
    {"IV кв. 2024", 2020, Date{2024, 10, 1}, Date{2024, 12, 31}, false, true},
    {"первое полугодие", 2024, Date{2024, 1, 1}, Date{2024, 6, 30}, false, true},
    {"II полугодие 2024", 2020, Date{2024, 7, 1}, Date{2024, 12, 31}, false, true},
    {"2 полугодие 2023 года", 2020, Date{2023, 7, 1}, Date{2023, 12, 31}, false, true},
    {"2024-2025 учебный год", 2020, Date{2024, 9, 1}, Date{2025, 8, 31}, false, true},
    {"2024/2025 уч. год", 2020, Date{2024, 9, 1}, Date{2025, 8, 31}, false, true},
    {"в течение 2023-2024 учебного года", 2020, Date{2023, 9, 1}, Date{2024, 8, 31}, false, true},
    {"в течение учебного года", 2024, none, none, true, true},
    {"ежегодно, март", 2024, none, none, true, true},
    {"систематически", 2024, none, none, true, true},
    {"ежемесячно", 2024, none, none, true, true},
    {"ежеквартально", 2024, none, none, true, true},
    {"еженедельно", 2024, none, none, true, true},
    {"по графику", 2024, none, none, true, true},
    {"согласно плану", 2024, none, none, true, true},
    {"по мере необходимости", 2024, none, none, true, true},
    {"по необходимости", 2024, none, none, true, true},
    {"в течение всего периода", 2024, none, none, true, true},
};

const std::vector<Case> kEdgeCases = {
    // Every kind of dash, with and without spaces.
    {"Март—апрель 2024", 2024, Date{2024, 3, 1}, Date{2024, 4, 30}, false, true},
    {"Март ‑ апрель 2024", 2024, Date{2024, 3, 1}, Date{2024, 4, 30}, false, true},
    {"Март –апрель 2024", 2024, Date{2024, 3, 1}, Date{2024, 4, 30}, false, true},
    {"2021—2022 годы", 2024, Date{2021, 1, 1}, Date{2022, 12, 31}, false, true},
    // Variants of «г.», upper case, line breaks, trailing punctuation.
    {"МАРТ 2024 Г.", 2020, Date{2024, 3, 1}, Date{2024, 3, 31}, false, true},
    {"март 2024г", 2020, Date{2024, 3, 1}, Date{2024, 3, 31}, false, true},
    {"2020-2021 г.г.", 2024, Date{2020, 1, 1}, Date{2021, 12, 31}, false, true},
    {"Сентябрь\r\n2023 года.", 2020, Date{2023, 9, 1}, Date{2023, 9, 30}, false, true},
    {"  ДО 15 МАЯ 2020 Г.  ", 2024, none, Date{2020, 5, 15}, false, true},
    {"ЕЖЕГОДНО", 2024, none, none, true, true},
    {"В ТЕЧЕНИЕ ГОДА", 2024, none, none, true, true},
    // ё is е: «четвёртый», and a capital Ё.
    {"четвёртый квартал 2024", 2020, Date{2024, 10, 1}, Date{2024, 12, 31}, false, true},
    {"ЧЕТВЁРТЫЙ КВАРТАЛ", 2024, Date{2024, 10, 1}, Date{2024, 12, 31}, false, true},
    // Leap years, and a year that ends a day before the next one starts.
    {"Февраль 2024", 2024, Date{2024, 2, 1}, Date{2024, 2, 29}, false, true},
    {"к январю 2025 года", 2024, none, Date{2024, 12, 31}, false, true},
    {"к концу марта 2024", 2024, none, Date{2024, 3, 31}, false, true},
    // A yearless month before a later one in the list belongs to the year before.
    {"декабрь – январь 2024", 2024, Date{2023, 12, 1}, Date{2024, 1, 31}, false, true},
    // «до» a month or year is read to its end, so nothing shows as overdue too early.
    {"до марта 2025", 2024, none, Date{2025, 3, 31}, false, true},
    {"не позднее 10 июня 2024", 2020, none, Date{2024, 6, 10}, false, true},
    {"с 1 по 15 марта 2024", 2020, Date{2024, 3, 1}, Date{2024, 3, 15}, false, true},
    // No year in the text and no roadmap year: nothing to anchor the dates.
    {"март", none, none, none, false, false},
    {"до 1 сентября", none, none, none, false, false},
    {"первое полугодие", none, none, none, false, false},
    {"Март 2024", none, Date{2024, 3, 1}, Date{2024, 3, 31}, false, true},
    {"ежегодно", none, none, none, true, true},
    // Not a deadline, not a real day, or a range that runs backwards.
    {"когда-нибудь", 2024, none, none, false, false},
    {"", 2024, none, none, false, false},
    {"Ёжик", 2024, none, none, false, false},
    {"до 31 февраля 2024", 2024, none, none, false, false},
    {"32 марта 2024", 2024, none, none, false, false},
    {"Апрель 2024 – март 2024", 2024, none, none, false, false},
    {"V квартал 2024", 2024, none, none, false, false},
    {"3 полугодие 2024", 2024, none, none, false, false},
    {"2024-2026 учебный год", 2024, none, none, false, false},
    {"март 1812", 2024, none, none, false, false},
    {"до конца", 2024, none, none, false, false},
    {"\xFF\xFE март", 2024, none, none, false, false},
    {"\xD0" "A март", 2024, none, none, false, false},  // a lead byte without its continuation
};

// A context year stands for a roadmap whose title names that year and that has no period.
WhenContext context_of(const Case& c) { return c.context_year ? WhenContext::in_year(*c.context_year) : WhenContext{}; }

// Deadlines of a plan with a period, read inside it.
struct PeriodCase {
    std::string_view text;
    shnor::model::DateRange period;
    std::optional<Date> start;
    std::optional<Date> due;
};

constexpr shnor::model::DateRange kSchoolYear{{2024, 9, 1}, {2025, 8, 31}};
constexpr shnor::model::DateRange kYear2025{{2025, 1, 1}, {2025, 12, 31}};
// Seed 004: a programme for 01.02.2025 – 31.12.2026.
constexpr shnor::model::DateRange kProgramme{{2025, 2, 1}, {2026, 12, 31}};

const std::vector<PeriodCase> kPeriodCases = {
    // A school-year plan: months without a year fall in the school year, not in its first calendar year.
    {"январь", kSchoolYear, Date{2025, 1, 1}, Date{2025, 1, 31}},
    {"Январь", kSchoolYear, Date{2025, 1, 1}, Date{2025, 1, 31}},
    {"сентябрь", kSchoolYear, Date{2024, 9, 1}, Date{2024, 9, 30}},
    {"март-апрель", kSchoolYear, Date{2025, 3, 1}, Date{2025, 4, 30}},
    {"май", kSchoolYear, Date{2025, 5, 1}, Date{2025, 5, 31}},
    {"Май-июнь", kSchoolYear, Date{2025, 5, 1}, Date{2025, 6, 30}},  // seed 001 without its year
    {"Сентябрь-декабрь", kSchoolYear, Date{2024, 9, 1}, Date{2024, 12, 31}},
    {"Сентябрь - май", kSchoolYear, Date{2024, 9, 1}, Date{2025, 5, 31}},
    {"декабрь – январь", kSchoolYear, Date{2024, 12, 1}, Date{2025, 1, 31}},
    {"Декабрь, май", kSchoolYear, Date{2024, 12, 1}, Date{2025, 5, 31}},  // seed 002 without its year
    {"До 22 мая", kSchoolYear, none, Date{2025, 5, 22}},
    {"До 30 сентября – октябрь", kSchoolYear, none, Date{2024, 10, 31}},
    {"в марте", kSchoolYear, Date{2025, 3, 1}, Date{2025, 3, 31}},
    // School-year forms.
    {"2024/2025 учебный год", kSchoolYear, Date{2024, 9, 1}, Date{2025, 8, 31}},
    {"2024-2025 уч. г.", kYear2025, Date{2024, 9, 1}, Date{2025, 8, 31}},
    {"I полугодие 2024/2025 учебного года", kYear2025, Date{2024, 9, 1}, Date{2024, 12, 31}},
    {"II полугодие 2024/2025 учебного года", kYear2025, Date{2025, 1, 1}, Date{2025, 5, 31}},
    {"в течение I полугодия 2024-2025 учебного года", kYear2025, Date{2024, 9, 1}, Date{2024, 12, 31}},
    {"I, II полугодие 2024/2025 уч. года", kYear2025, Date{2024, 9, 1}, Date{2025, 5, 31}},
    {"I полугодие", kSchoolYear, Date{2024, 9, 1}, Date{2024, 12, 31}},
    {"II полугодие", kSchoolYear, Date{2025, 1, 1}, Date{2025, 5, 31}},
    {"2-е полугодие", kSchoolYear, Date{2025, 1, 1}, Date{2025, 5, 31}},
    {"I четверть", kSchoolYear, Date{2024, 9, 1}, Date{2024, 10, 31}},
    {"II четверть", kSchoolYear, Date{2024, 11, 1}, Date{2024, 12, 31}},
    {"III четверть", kSchoolYear, Date{2025, 1, 1}, Date{2025, 3, 31}},
    {"IV четверть", kSchoolYear, Date{2025, 4, 1}, Date{2025, 5, 31}},
    {"I, II, III, IV четверть", kSchoolYear, Date{2024, 9, 1}, Date{2025, 5, 31}},
    {"1-2 четверти", kSchoolYear, Date{2024, 9, 1}, Date{2024, 12, 31}},
    {"в течение III четверти 2024/2025 учебного года", kYear2025, Date{2025, 1, 1}, Date{2025, 3, 31}},
    {"четвертая четверть", kSchoolYear, Date{2025, 4, 1}, Date{2025, 5, 31}},
    {"в течение II четверти", kSchoolYear, Date{2024, 11, 1}, Date{2024, 12, 31}},
    // Quarters are calendar quarters, in a school-year plan too.
    {"I квартал", kSchoolYear, Date{2025, 1, 1}, Date{2025, 3, 31}},
    {"IV квартал", kSchoolYear, Date{2024, 10, 1}, Date{2024, 12, 31}},
    {"I–IV квартал 2024 г.", kSchoolYear, Date{2024, 1, 1}, Date{2024, 12, 31}},
    {"II квартал 2025 года", kSchoolYear, Date{2025, 4, 1}, Date{2025, 6, 30}},
    // A calendar-year plan: the terms of the two school years it crosses; halves are calendar halves.
    {"III четверть", kYear2025, Date{2025, 1, 1}, Date{2025, 3, 31}},
    {"I четверть", kYear2025, Date{2025, 9, 1}, Date{2025, 10, 31}},
    {"I полугодие", kYear2025, Date{2025, 1, 1}, Date{2025, 6, 30}},
    // A programme over two years that starts in February: «январь» is the one inside it.
    {"январь", kProgramme, Date{2026, 1, 1}, Date{2026, 1, 31}},
    {"март", kProgramme, Date{2025, 3, 1}, Date{2025, 3, 31}},
    // A written year is kept even when it is outside the period (check warns about it).
    {"Март 2024", kSchoolYear, Date{2024, 3, 1}, Date{2024, 3, 31}},
    {"I полугодие 2025", kSchoolYear, Date{2025, 1, 1}, Date{2025, 6, 30}},
    // Dates inside a sentence (seeds 002 and 004): the first date phrase is read.
    {"Зарегистрироваться до 15.05.2020 по ссылке: http://dt.ranera.ru/discurs", kSchoolYear, none, Date{2020, 5, 15}},
    {"Начало действия Программы 01.02.2025г.", kProgramme, Date{2025, 2, 1}, Date{2025, 2, 1}},
    {"1 этап. Основной (01.02.2025г. – 31.12.2025г.) – проблемный анализ обеспечения качества", kProgramme,
     Date{2025, 2, 1}, Date{2025, 12, 31}},
    {"Приказ № 12 от 05.03.2024 г.", kSchoolYear, Date{2024, 3, 5}, Date{2024, 3, 5}},
    {"Проведение 5 заседаний до 15.05.2025", kSchoolYear, none, Date{2025, 5, 15}},
    {"Совещание руководителей в январе", kSchoolYear, Date{2025, 1, 1}, Date{2025, 1, 31}},
    {"Отчёт: до 22 мая, свод до 30 мая", kSchoolYear, none, Date{2025, 5, 22}},
};

void check_period_cases() {
    for (const PeriodCase& c : kPeriodCases) {
        INFO(c.text);
        const auto dates = parse_when(c.text, WhenContext::in_period(c.period));
        CHECK(dates.understood);
        CHECK_FALSE(dates.ongoing);
        CHECK(dates.start == c.start);
        CHECK(dates.due == c.due);
    }
}

void check_cases(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        INFO(c.text);
        const auto dates = parse_when(c.text, context_of(c));
        CHECK(dates.understood == c.understood);
        CHECK(dates.ongoing == c.ongoing);
        CHECK(dates.start == c.start);
        CHECK(dates.due == c.due);
    }
}

}  // namespace

TEST_CASE("deadlines printed in the seeds give their dates", "[when]") {
    REQUIRE(kSeedCases.size() >= 60);
    check_cases(kSeedCases);
}

TEST_CASE("deadline forms named by the content format", "[when]") { check_cases(kSpecCases); }

TEST_CASE("deadlines with odd dashes, case, ё, no year or no sense", "[when]") { check_cases(kEdgeCases); }

TEST_CASE("every derived range starts no later than it ends", "[when]") {
    for (const auto* cases : {&kSeedCases, &kSpecCases, &kEdgeCases})
        for (const Case& c : *cases) {
            INFO(c.text);
            const auto dates = parse_when(c.text, context_of(c));
            if (dates.start && dates.due) CHECK(*dates.start <= *dates.due);
            if (dates.ongoing) CHECK_FALSE((dates.start || dates.due));
            if (!dates.understood) CHECK_FALSE((dates.start || dates.due || dates.ongoing));
        }
}

TEST_CASE("a deadline without its year is placed inside the roadmap's period; school-year forms", "[when]") {
    check_period_cases();
}

TEST_CASE("a sentence that only mentions numbers, and open forms, are not dates inside a school year", "[when]") {
    for (std::string_view text : {"Проведение 5 заседаний", "Охват 100 % школ", "V квартал", "3 полугодие", "март 1812",
                                  "32 марта", "когда-нибудь", "до конца"}) {
        INFO(text);
        const auto dates = parse_when(text, WhenContext::in_period(kSchoolYear));
        CHECK_FALSE(dates.understood);
        CHECK_FALSE((dates.start || dates.due));
    }
    for (std::string_view text : {"ежегодно", "постоянно", "в течение года", "по плану ШМО", "согласно графику ВПР",
                                  "по запросу", "в течение учебного года"}) {
        INFO(text);
        const auto dates = parse_when(text, WhenContext::in_period(kSchoolYear));
        CHECK(dates.ongoing);
        CHECK_FALSE((dates.start || dates.due));
    }
}

TEST_CASE("without a period, the year or school year of the roadmap's title places a deadline", "[when]") {
    using shnor::derive::roadmap_context;
    const auto year = roadmap_context(std::nullopt, "План мероприятий («дорожная карта») по сопровождению ШНОР на 2024 год");
    CHECK(parse_when("март", year).start == Date{2024, 3, 1});
    CHECK(parse_when("декабрь", year).due == Date{2024, 12, 31});

    const auto school_year = roadmap_context(std::nullopt, "План работы с ШНОР на 2024/2025 учебный год");
    CHECK(parse_when("январь", school_year).start == Date{2025, 1, 1});
    CHECK(parse_when("сентябрь", school_year).start == Date{2024, 9, 1});
    CHECK(parse_when("I полугодие", school_year).due == Date{2024, 12, 31});

    // The period wins over the title.
    const auto period = roadmap_context(kSchoolYear, "План на 2020 год");
    CHECK(parse_when("январь", period).start == Date{2025, 1, 1});

    // Neither: a yearless deadline stays unread rather than guessed.
    const auto nothing = roadmap_context(std::nullopt, "План мероприятий");
    CHECK_FALSE(parse_when("январь", nothing).understood);
    CHECK(parse_when("январь 2023 г.", nothing).start == Date{2023, 1, 1});
}
