#include "scaffold/scaffold.hpp"

#include "load/text_check.hpp"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

namespace shnor::scaffold {

namespace fs = std::filesystem;

namespace {

// A placeholder as a quoted YAML value: «"Впишите: …"».
std::string blank(const std::string& what) {
    return "\"" + std::string(load::kPlaceholderMark) + " " + what + "\"";
}

// A line of text written by the webmaster: the placeholder as Markdown prose.
std::string blank_text(const std::string& what) { return std::string(load::kPlaceholderMark) + " " + what; }

// Replaces every "{year}" in `text`.
std::string with_year(std::string text, int year) {
    const std::string mark = "{year}";
    for (std::size_t at = text.find(mark); at != std::string::npos; at = text.find(mark, at))
        text.replace(at, mark.size(), std::to_string(year));
    return text;
}

std::string site_yaml() {
    return "# Настройки раздела о сопровождении школ с низкими образовательными\n"
           "# результатами (ШНОР) и школ в неблагоприятных социальных условиях (ШНСУ).\n"
           "# Значения в кавычках, начинающиеся со слова «Впишите», — заготовки: замените\n"
           "# их настоящими сведениями. Пока хотя бы одна осталась, shnor build и shnor check\n"
           "# называют её с номером строки, а shnor check --strict не проходит.\n"
           "# Все поля: docs/webmaster-guide.md, раздел 4.2.\n"
           "title: Сопровождение школ с низкими образовательными результатами\n"
           "short_title: Сопровождение ШНОР     # заголовок на телефонах, не длиннее 40 знаков\n"
           "# Адрес, по которому раздел будет опубликован, с косой чертой в конце\n"
           "# (пока это адрес-пример, shnor check напоминает о нём):\n"
           "base_url: https://rayon.example/shnor/\n"
           "language: ru\n"
           "district:\n"
           "  name: " + blank("название района, например Кромский район") + "\n"
           "  region: " + blank("регион, например Орловская область") + "\n"
           "  authority: " + blank("орган управления образованием, например Отдел образования администрации Кромского района") + "\n"
           "  # Необязательные поля: уберите «#» в начале строки и укажите значение.\n"
           "  # address: 303200, Орловская область, пгт Кромы, ул. Советская, д. 1\n"
           "  # phone: +7 (48643) 2-00-00\n"
           "  # email: uo@rayon.example\n"
           "  # website: https://rayon.example/\n"
           "  # schools_total: 14           # всего общеобразовательных школ в районе\n"
           "coordinator:                    # муниципальный координатор или куратор программы\n"
           "  name: " + blank("фамилия и инициалы координатора") + "\n"
           "  position: " + blank("должность координатора") + "\n"
           "  # organization: МКУ «Центр развития образования»   # если координирует учреждение\n"
           "  # phone: +7 (48643) 2-00-01\n"
           "  # email: koordinator@rayon.example\n"
           "# Сокращения района в дополнение к встроенным (ШНОР, ОГЭ, ВСОКО …):\n"
           "# glossary:\n"
           "#   ЦРО: Центр развития образования\n"
           "# Порядок школ в списках (имена папок из schools/); не указанные идут\n"
           "# за ними по алфавиту:\n"
           "# schools: [shkola-1]\n";
}

std::string roadmap_yaml(const std::string& owner, int year) {
    std::string items_for = owner.empty() ? "        schools: all            # все школы сайта; или список папок: [shkola-1]\n" : "";
    return with_year(
        "# «Дорожная карта»" + std::string(owner.empty() ? " района" : " школы") +
            ": план мероприятий на {year} год.\n"
            "# Перенесите пункты из документа: номер, мероприятие, срок (как напечатан),\n"
            "# ответственные, ожидаемый результат. Срок пишите словами документа\n"
            "# («Март {year}», «до 15 мая {year} г.», «постоянно»): дата выполнения\n"
            "# выводится из него сама. Все поля: docs/webmaster-guide.md, раздел 4.4.\n"
            "title: " + blank("название «дорожной карты», как в документе") + "\n"
            "period: {start: {year}-01-01, end: {year}-12-31}   # срок действия плана\n"
            "# approved_by: prikaz-1-{year}     # документ об утверждении: его id из documents.yaml\n"
            "sections:\n"
            "  - n: \"1\"\n"
            "    title: " + blank("название раздела, например Организационно-управленческие меры") + "\n"
            "    items:\n"
            "      - n: \"1\"\n"
            "        title: " + blank("мероприятие") + "\n"
            "        when: " + blank("срок, как в документе") + "\n"
            "        responsible: " + blank("ответственные") + "\n"
            "        result: " + blank("ожидаемый результат") + "\n"
            "        status: planned         # planned | in_progress | done | cancelled\n" +
            items_for +
            "        # Когда выполнено: status: done, и отчёт с датой:\n"
            "        # report: Приказ № 12 от 05.03.{year}.\n"
            "        # reported: {year}-03-06\n",
        year);
}

std::string school_yaml(int year) {
    return with_year(
        "# Школа: полное название, почему она в списке, руководитель и контакты.\n"
        "# Имя папки — адрес раздела школы на сайте (латинские строчные буквы,\n"
        "# цифры и дефисы). Все поля: docs/webmaster-guide.md, раздел 4.9.\n"
        "name: " + blank("полное название школы, как в уставе") + "\n"
        "short_name: " + blank("краткое название, например МБОУ Кромская СОШ № 1") + "\n"
        "head:                           # руководитель\n"
        "  name: " + blank("фамилия и инициалы директора") + "\n"
        "  position: Директор\n"
        "categories:                     # почему школа на этом сайте\n"
        "  - type: shnor                 # shnor (ШНОР) | shnsu (ШНСУ) | risk (группа риска)\n"
        "    year: {year}\n"
        "    basis: " + blank("документ, по которому школа в перечне, например Приказ министерства образования от 30.01.{year} № 116") + "\n"
        "    reasons:\n"
        "      - " + blank("причина, например Низкие результаты ОГЭ по математике в течение двух лет") + "\n"
        "coordinator:                    # школьный координатор\n"
        "  name: " + blank("фамилия и инициалы") + "\n"
        "  position: " + blank("должность") + "\n"
        "  # phone: +7 (48643) 2-00-10\n"
        "  # email: shkola@school.example\n"
        "# address: 303200, Орловская область, пгт Кромы, ул. Школьная, д. 1\n"
        "# official_site: https://shkola.example/\n",
        year);
}

std::string school_index_md() {
    return "---\n"
           "title: О сопровождении школы\n"
           "---\n\n" +
           blank_text("два-три абзаца о том, почему школа в перечне и что она делает, чтобы результаты стали "
                      "лучше. Это первый текст раздела школы на сайте.") +
           "\n";
}

// The title as one YAML scalar, quoted when it needs to be.
std::string yaml_scalar(const std::string& text) {
    YAML::Emitter out;
    out << YAML::DoubleQuoted << text;
    return out.c_str();
}

std::string prefix_of(const std::string& school) { return school.empty() ? "" : "schools/" + school + "/"; }

// Each Russian letter's Latin spelling, lower case; the example's file
// names spell «й» and «ы» as y and «х» as h.
constexpr std::array<std::pair<std::string_view, std::string_view>, 33> kLatin = {{
    {"а", "a"}, {"б", "b"}, {"в", "v"},  {"г", "g"},  {"д", "d"},   {"е", "e"}, {"ё", "e"},  {"ж", "zh"}, {"з", "z"},
    {"и", "i"}, {"й", "y"}, {"к", "k"},  {"л", "l"},  {"м", "m"},   {"н", "n"}, {"о", "o"},  {"п", "p"},  {"р", "r"},
    {"с", "s"}, {"т", "t"}, {"у", "u"},  {"ф", "f"},  {"х", "h"},   {"ц", "ts"}, {"ч", "ch"}, {"ш", "sh"}, {"щ", "sch"},
    {"ъ", ""},  {"ы", "y"}, {"ь", ""},   {"э", "e"},  {"ю", "yu"},  {"я", "ya"},
}};
constexpr std::array<std::pair<std::string_view, std::string_view>, 33> kUpper = {{
    {"А", "а"}, {"Б", "б"}, {"В", "в"}, {"Г", "г"}, {"Д", "д"}, {"Е", "е"}, {"Ё", "ё"}, {"Ж", "ж"}, {"З", "з"},
    {"И", "и"}, {"Й", "й"}, {"К", "к"}, {"Л", "л"}, {"М", "м"}, {"Н", "н"}, {"О", "о"}, {"П", "п"}, {"Р", "р"},
    {"С", "с"}, {"Т", "т"}, {"У", "у"}, {"Ф", "ф"}, {"Х", "х"}, {"Ц", "ц"}, {"Ч", "ч"}, {"Ш", "ш"}, {"Щ", "щ"},
    {"Ъ", "ъ"}, {"Ы", "ы"}, {"Ь", "ь"}, {"Э", "э"}, {"Ю", "ю"}, {"Я", "я"},
}};

// The Latin spelling of the letter at the start of `text` and its length in
// bytes; an empty spelling of length 0 when it is not a Russian letter.
std::pair<std::string_view, std::size_t> latin_at(std::string_view text) {
    for (const auto& [upper, lower] : kUpper)
        if (text.starts_with(upper))
            for (const auto& [letter, latin] : kLatin)
                if (letter == lower) return {latin, upper.size()};
    for (const auto& [letter, latin] : kLatin)
        if (text.starts_with(letter)) return {latin, letter.size()};
    return {"", 0};
}

constexpr std::size_t kMaxSlug = 60;

}  // namespace

std::string slug_of(const std::string& title) {
    std::string slug;
    std::string_view rest = title;
    bool hyphen = false;
    auto add = [&](std::string_view latin) {
        if (latin.empty()) return;
        if (hyphen && !slug.empty()) slug += '-';
        hyphen = false;
        slug += latin;
    };
    while (!rest.empty()) {
        auto [latin, length] = latin_at(rest);
        if (length > 0) {
            add(latin);
            rest.remove_prefix(length);
            continue;
        }
        char c = rest.front();
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) add(std::string_view(&c, 1));
        else hyphen = true;
        // Skip the rest of a multibyte character that is not a Russian letter.
        rest.remove_prefix(1);
        while (!rest.empty() && (static_cast<unsigned char>(rest.front()) & 0xC0) == 0x80) rest.remove_prefix(1);
    }
    if (slug.size() > kMaxSlug) {
        std::size_t cut = slug.rfind('-', kMaxSlug);
        slug.resize(cut != std::string::npos && cut > 0 ? cut : kMaxSlug);
    }
    return slug.empty() ? "novost" : slug;
}

std::vector<NewFile> site_files(const model::Date& today) {
    std::vector<NewFile> files{{"site.yaml", site_yaml()},
                               roadmap_file("dorozhnaya-karta-" + std::to_string(today.year), "", today)};
    for (auto& file : school_files("shkola-1", today)) files.push_back(std::move(file));
    return files;
}

std::vector<NewFile> school_files(const std::string& slug, const model::Date& today) {
    return {{"schools/" + slug + "/school.yaml", school_yaml(today.year)},
            {"schools/" + slug + "/index.md", school_index_md()}};
}

NewFile roadmap_file(const std::string& id, const std::string& school, const model::Date& today) {
    return {prefix_of(school) + "roadmaps/" + id + ".yaml", roadmap_yaml(school, today.year)};
}

NewFile news_file(const std::string& title, const model::Date& date, const std::string& school) {
    std::string text = "---\n"
                       "title: " + yaml_scalar(title) + "\n"
                       "date: " + date.iso() + "\n"
                       "# schools: [shkola-1]           # школы, которых касается новость\n"
                       "# roadmap_item: dorozhnaya-karta-" + std::to_string(date.year) +
                       "#1   # пункт «дорожной карты», о выполнении которого новость\n"
                       "# photos: [files/foto-1.jpg]    # фотографии из папки files/\n"
                       "---\n\n" +
                       blank_text("текст новости: что прошло, где, кто участвовал, какой результат.") + "\n";
    return {prefix_of(school) + "news/" + date.iso() + "-" + slug_of(title) + ".md", std::move(text)};
}

namespace {

// Each folder on the way to `path` (relative) inside `content` must be a real
// folder or absent: a symbolic link could lead the new file anywhere.
void refuse_links_on_the_way(const fs::path& content, const std::string& path) {
    fs::path at = content;
    fs::path relative(path);
    for (auto part = relative.begin(); part != relative.end(); ++part) {
        at /= *part;
        std::error_code error;
        auto status = fs::symlink_status(at, error);
        if (error || !fs::exists(status)) return;
        if (fs::is_symlink(status))
            throw Refused("«" + at.string() + "» — символическая ссылка: shnor new не пишет через ссылки");
        if (std::next(part) != relative.end() && !fs::is_directory(status))
            throw Refused("«" + at.string() + "» — не папка");
    }
}

void write_new(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    // O_EXCL: never over a file that appeared since the check.
#ifdef _WIN32
    // Binary: no \r added before \n. _O_EXCL refuses any name that exists, a
    // link included, so none is followed (Windows has no O_NOFOLLOW).
    int fd = ::_wopen(file.c_str(), _O_WRONLY | _O_CREAT | _O_EXCL | _O_NOINHERIT | _O_BINARY, _S_IREAD | _S_IWRITE);
#else
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
#endif
    if (fd < 0) throw Refused("Не удалось создать «" + file.string() + "»: " + std::strerror(errno));
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            throw Refused("Не удалось записать «" + file.string() + "»: " + std::strerror(errno));
        }
        written += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) throw Refused("Не удалось записать «" + file.string() + "»: " + std::strerror(errno));
}

}  // namespace

void create(const fs::path& content, const std::vector<NewFile>& files) {
    for (const auto& file : files) {
        refuse_links_on_the_way(content, file.path);
        std::error_code error;
        if (fs::exists(fs::symlink_status(content / file.path, error)))
            throw Refused("«" + (content / file.path).string() + "» уже есть: shnor new не заменяет файлы");
    }
    for (const auto& file : files) write_new(content / file.path, file.text);
}

}  // namespace shnor::scaffold
