#include "check/school_names.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using shnor::check::compare_with_list;
using shnor::check::ListedSchool;
using shnor::check::school_name_key;

namespace {

// Spellings of the schools named in the seed documents (Новосибирская
// область, Карелия, Тверская область) as lists and sites really write them.
const std::vector<std::pair<std::string, std::string>> same_school_spellings = {
    {"МКОУ Кармаклинская СОШ",
     "Муниципальное казённое общеобразовательное учреждение \"Кармаклинская средняя общеобразовательная школа\""},
    {"МБОУ СОШ №47", "МБОУ \"СОШ № 47\""},
    {"МКОУ Квашнинская ООШ", "мкоу квашнинская оош"},
    {"Муниципальное казенное общеобразовательное учреждение «Бадажковская основная общеобразовательная школа»",
     "МКОУ Бадажковская ООШ"},
    {"МКОУ «Новониколаевская СОШ»", "МКОУ „Новониколаевская СОШ“"},
    {"МКОУ 'Новочановская СОШ'", "МКОУ Новочановская, СОШ"},
    {"МКОУ СОШ №1", "МКОУ СОШ N 1"},
    {"МКОУ СОШ № 1", "МКОУ СОШ номер 1"},
    {"МКОУ Новоярковская СОШ", "МКОУ НОВОЯРКОВСКАЯ СРЕДНЯЯ ОБЩЕОБРАЗОВАТЕЛЬНАЯ ШКОЛА"},
    {"МКОУ Тополевская ООШ", "Тополевская основная общеобразовательная школа"},
    {"МКОУ Устьянцевская СОШ", "МКОУ Устьянцевская СОШ."},
    {"МКОУ Шубинская СОШ", "МКОУ Шубинская СОШ с. Шубинское"},
    {"МБОУ СОШ № 92", "МБОУ СОШ № 92 г. Барабинска"},
    {"МБОУ Рабочеостровская СОШ", "Муниципальное бюджетное общеобразовательное учреждение Рабочеостровская средняя "
                                  "общеобразовательная школа"},
    {"МБОУ Кемская СОШ №2", "МБОУ \"Кемская средняя общеобразовательная школа № 2\""},
    {"МБОУ КР ОО «Гуторовская средняя общеобразовательная школа»", "Гуторовская СОШ"},
    {"МБОУ «Краснохолмская  сош № 1»", "Краснохолмская средняя общеобразовательная школа №1"},
    {"МАОУ Таскаевская средняя школа", "Таскаевская СШ"},
    {"МОУ Глинская начальная общеобразовательная школа", "ГБОУ «Глинская НОШ»"},
    {"МКОУ Кривопорожская СОШ", "МКОУ Кривопорожская  СОШ  "},
    {"Школа-интернат № 3", "Школа – интернат №3"},
    {"МКОУ Сёмкинская СОШ", "МКОУ Семкинская СОШ"},
    {"МБОУ СОШ № 5 им. А. С. Пушкина", "МБОУ СОШ № 5 имени А.С. Пушкина"},
    {"МКОУ Барабинская СОШ", "МКОУ Барабинская СОШ Барабинского муниципального района"},
};

const std::vector<std::pair<std::string, std::string>> different_schools = {
    {"МКОУ СОШ № 1", "МКОУ СОШ № 11"},
    {"МКОУ Кармаклинская СОШ", "МКОУ Кармаклинская ООШ"},
    {"МБОУ Кемская СОШ №2", "МБОУ Кемская СОШ №3"},
    {"Квашнинская ООШ", "Бадажковская ООШ"},
    {"Таскаевская СШ", "Таскаевская СОШ"},
    {"Глинская НОШ", "Глинская ООШ"},
    {"МБОУ СОШ № 5 им. А. С. Пушкина", "МБОУ СОШ № 5 им. А. С. Грибоедова"},
};

shnor::model::School site_school(std::string slug, std::string name, std::string short_name = {},
                                 std::vector<std::string> other_names = {}) {
    shnor::model::School school;
    school.slug = std::move(slug);
    school.name = std::move(name);
    school.short_name = std::move(short_name);
    school.other_names = std::move(other_names);
    return school;
}

ListedSchool listed(std::string name, int line) {
    return ListedSchool{std::move(name), "ШНОР", 2024, "", line};
}

}  // namespace

TEST_CASE("school_name_key: two spellings of one official name give one key", "[school_names]") {
    for (const auto& [first, second] : same_school_spellings) {
        INFO(first << "  ≡  " << second);
        CHECK_FALSE(school_name_key(first).empty());
        CHECK(school_name_key(first) == school_name_key(second));
    }
}

TEST_CASE("school_name_key: names of different schools give different keys", "[school_names]") {
    for (const auto& [first, second] : different_schools) {
        INFO(first << "  ≠  " << second);
        CHECK(school_name_key(first) != school_name_key(second));
    }
}

TEST_CASE("school_name_key: what the key is made of", "[school_names]") {
    CHECK(school_name_key("МКОУ Кармаклинская СОШ") == "кармаклинская сош");
    CHECK(school_name_key("МБОУ \"СОШ № 47\"") == "сош 47");
    CHECK(school_name_key("МКОУ Шубинская СОШ с. Шубинское") == "шубинская сош");
    CHECK(school_name_key("СОШ № 5 г. Великие Луки") == "сош 5");
    // An adjective that merely starts a name is no legal form.
    CHECK(school_name_key("Муниципальная гимназия № 2") == "муниципальная гимназия 2");
    // «с» followed by more than one word is a preposition, not «село».
    CHECK(school_name_key("СОШ с углублённым изучением") == "сош с углубленным изучением");
    // Nothing but a legal form and punctuation: nothing to compare.
    CHECK(school_name_key("МБОУ «» —").empty());
    // Broken UTF-8 separates words and does not crash.
    CHECK(school_name_key(std::string("СОШ\xFF№\xD0 1")) == "сош 1");
}

TEST_CASE("compare_with_list: rows, sections and the names that join them", "[school_names]") {
    const std::vector<shnor::model::School> schools = {
        site_school("karmakly", "Муниципальное казённое общеобразовательное учреждение «Кармаклинская средняя "
                                "общеобразовательная школа»",
                    "Кармаклинская школа"),
        site_school("school-47", "Средняя школа № 47", "", {"МБОУ \"СОШ № 47\""}),
        site_school("kvashnino", "Квашнинская основная общеобразовательная школа", "МКОУ Квашнинская ООШ"),
        site_school("barabinsk-1", "МКОУ СОШ № 1 г. Куйбышева"),
        site_school("not-listed", "МКОУ Новоярковская СОШ"),
    };
    const std::vector<ListedSchool> list = {
        listed("МКОУ Кармаклинская СОШ", 2),
        listed("МБОУ СОШ №47", 3),
        listed("мкоу квашнинская оош", 4),
        listed("МКОУ СОШ №1 г. Барабинска", 5),  // another town's school № 1
        listed("МКОУ Тополевская ООШ", 6),
    };

    const auto comparison = compare_with_list(list, schools);

    REQUIRE(comparison.matched.size() == 3);
    CHECK(comparison.matched[0].first.line == 2);
    CHECK(comparison.matched[0].second->slug == "karmakly");
    CHECK(comparison.matched[1].first.line == 3);
    CHECK(comparison.matched[1].second->slug == "school-47");
    CHECK(comparison.matched[2].first.line == 4);
    CHECK(comparison.matched[2].second->slug == "kvashnino");

    REQUIRE(comparison.listed_without_section.size() == 2);
    CHECK(comparison.listed_without_section[0].line == 5);
    CHECK(comparison.listed_without_section[1].name == "МКОУ Тополевская ООШ");
    CHECK(comparison.listed_without_section[1].year == 2024);

    REQUIRE(comparison.sections_not_listed.size() == 2);
    CHECK(comparison.sections_not_listed[0]->slug == "barabinsk-1");
    CHECK(comparison.sections_not_listed[1]->slug == "not-listed");
}

TEST_CASE("compare_with_list: a locality on one side only still matches", "[school_names]") {
    const std::vector<shnor::model::School> schools = {site_school("school-92", "МБОУ СОШ № 92")};
    const auto comparison = compare_with_list({listed("МБОУ СОШ № 92 г. Барабинска", 7)}, schools);
    REQUIRE(comparison.matched.size() == 1);
    CHECK(comparison.matched[0].second == &schools[0]);
    CHECK(comparison.listed_without_section.empty());
    CHECK(comparison.sections_not_listed.empty());
}

TEST_CASE("compare_with_list: empty list, empty site", "[school_names]") {
    const std::vector<shnor::model::School> schools = {site_school("a", "МКОУ Шубинская СОШ")};
    const auto nothing_listed = compare_with_list({}, schools);
    CHECK(nothing_listed.matched.empty());
    REQUIRE(nothing_listed.sections_not_listed.size() == 1);

    const auto no_sections = compare_with_list({listed("МКОУ Шубинская СОШ", 2), listed("МБОУ «»", 3)}, {});
    CHECK(no_sections.listed_without_section.size() == 2);
    CHECK(no_sections.sections_not_listed.empty());
}
