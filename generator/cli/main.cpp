// The `shnor` command line: parses options and runs a pipeline command.
#include "check/check.hpp"
#include "load/content_access.hpp"
#include "load/load.hpp"
#include "load/yaml_fields.hpp"
#include "model/url.hpp"
#include "pipeline/pipeline.hpp"
#include "import/lists.hpp"
#include "import/roadmap.hpp"
#include "scaffold/scaffold.hpp"
#include "serve/serve.hpp"
#include "platform/utf8_path.hpp"

#ifdef _WIN32
// CLI11's ExistingFile check would make a std::filesystem::path of the
// narrow argument, which libstdc++ garbles on Windows (docs/windows.md,
// "Cyrillic"); without <filesystem> it calls stat(), UTF-8 with the manifest.
#define CLI11_HAS_FILESYSTEM 0
#endif
#include <CLI/CLI.hpp>

#ifdef _WIN32
#include <windows.h>
#ifndef SHNOR_WITH_SERVE
#error "shnor.exe serves itself: build it with SHNOR_WITH_SERVE=1 (docs/windows.md)"
#endif
#endif

#include <cstdio>
#ifndef _WIN32
#include <unistd.h>
#endif
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <iostream>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitContentErrors = 1;
constexpr int kExitUsage = 2;  // also: --out is not a folder shnor may build into
constexpr int kExitBusy = 3;   // another build holds the output folder: try again later

void print_diagnostics(const shnor::model::Diagnostics& diagnostics, std::ostream& out = std::cerr) {
    for (const auto& diagnostic : diagnostics.items()) out << diagnostic.format() << '\n';
}

int run_build(const shnor::pipeline::BuildOptions& options) {
    auto report = shnor::pipeline::build_site(options);
    print_diagnostics(report.diagnostics);
    if (!report.written) {
        std::cerr << "Сайт не собран: ошибок " << report.diagnostics.error_count() << ". Папка "
                  << options.out_dir.string() << " оставлена без изменений.\n";
        return report.busy ? kExitBusy : report.refused ? kExitUsage : kExitContentErrors;
    }
    if (!report.repaired.empty()) {
        std::string examples;
        for (std::size_t i = 0; i < report.repaired.size() && i < 3; ++i)
            examples += (i ? ", " : "") + report.repaired[i];
        if (report.repaired.size() > 3) examples += ", …";
        std::printf("Файлы сайта, изменённые или удалённые после прошлой сборки не shnor: %zu (%s); они "
                    "записаны заново\n",
                    report.repaired.size(), examples.c_str());
    }
    if (report.unchanged) {
        std::printf("Без изменений с прошлой сборки: %zu страниц, %zu файлов в %s (проверено за %.2f с)\n",
                    report.pages, report.files, options.out_dir.string().c_str(), report.seconds);
        return kExitOk;
    }
    std::printf("Собрано: %zu страниц, %zu файлов в %s за %.2f с; записано изменённых файлов: %zu, удалено: %zu\n",
                report.pages, report.files, options.out_dir.string().c_str(), report.seconds, report.written_files,
                report.removed_files);
    if (options.fragment)
        std::printf("Фрагменты для сайта школы и как их вставить: откройте %s в браузере\n",
                    (options.out_dir / "index.html").string().c_str());
    auto joined = [](const std::vector<std::string>& slugs) {
        std::string text;
        for (const auto& slug : slugs) text += (text.empty() ? "" : ", ") + slug;
        return text;
    };
    if (!report.sections_only.empty()) {
        std::string slugs = joined(report.sections_only);
        if (report.fragments_only)
            std::printf("Изменился только текст школ из index.md (%s): обновлены только их главные страницы\n",
                        slugs.c_str());
        else if (report.rows_patched.empty())
            std::printf("Изменения касались только разделов школ (%s): пересобраны только они\n", slugs.c_str());
        else
            std::printf("Изменения касались только разделов школ (%s): пересобраны только они; в списке школ "
                        "и открытых данных обновлены строки школ %s\n",
                        slugs.c_str(), joined(report.rows_patched).c_str());
    }
    return kExitOk;
}

struct CheckOptions {
    bool strict = false;     // warnings fail the check too
    std::string format = "text";  // text | json
};

int run_check(const std::filesystem::path& content_dir, const shnor::model::Date& date,
              const shnor::pipeline::SourceOptions& sources, const CheckOptions& options) {
    auto report = shnor::check::check_report(content_dir, date, sources);
    std::size_t errors = report.errors();
    std::size_t warnings = report.warnings();
    int code = errors > 0 || (options.strict && warnings > 0) ? kExitContentErrors : kExitOk;
    if (options.format == "json") {
        std::cout << shnor::check::report_json(report) << '\n';
        return code;
    }
    // The findings are the command's output, not a side remark: stdout, in order.
    for (const auto& finding : report.findings) std::cout << finding.diagnostic.format() << '\n';
    std::cout << "Проверка " << content_dir.string() << " на " << date.dotted() << ": ошибок " << errors
              << ", замечаний " << warnings << '\n';
    if (options.strict && errors == 0 && warnings > 0)
        std::cout << "--strict: замечания считаются ошибками, проверка не пройдена\n";
    return code;
}

// Pads to `width` characters (not bytes: the headers are Russian).
std::string padded(const std::string& text, std::size_t width) {
    std::size_t characters = 0;
    for (unsigned char c : text) characters += (c & 0xC0) != 0x80;
    return text + std::string(characters < width ? width - characters : 1, ' ');
}

int run_fetch(const shnor::pipeline::BuildOptions& options) {
    auto loaded = shnor::load::load_site(options.content_dir);
    if (loaded.diagnostics.has_errors()) {
        print_diagnostics(loaded.diagnostics);
        return kExitContentErrors;
    }
    shnor::model::Diagnostics diagnostics;
    auto shared = shnor::pipeline::fetch_shared_data(loaded.site.config.sources, options.content_dir, options.sources,
                                                      diagnostics);
    std::cout << padded("источник", 22) << padded("HTTP", 6) << padded("байт", 11) << padded("кэш", 13)
              << padded("время", 8) << "адрес\n";
    for (const auto& result : shared.fetched) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.2f с", result.seconds);
        std::cout << padded(result.id, 22) << padded(result.http_status ? std::to_string(result.http_status) : "-", 6)
                  << padded(std::to_string(result.body.size()), 11)
                  << padded(std::string(shnor::fetch::to_string(result.state)), 13) << padded(seconds, 8) << result.url
                  << '\n';
    }
    print_diagnostics(diagnostics);
    return diagnostics.has_errors() ? kExitContentErrors : kExitOk;
}

void add_source_options(CLI::App* command, shnor::pipeline::SourceOptions& options) {
    command->add_option("--cache", options.cache_dir,
                        "Папка кэша общих данных (по умолчанию .shnor-cache рядом с папкой материалов)");
    command->add_flag("--offline", options.offline, "Не обращаться к сети: общие данные из сети брать только из кэша (файлы file: читаются как обычно)");
}

// `--date` text → the date, or nullopt after telling the user what is wrong.
std::optional<shnor::model::Date> build_date_of(const std::string& text) {
    if (text.empty()) return shnor::pipeline::today();
    if (auto date = shnor::model::Date::parse_iso(text)) return date;
    std::cerr << "--date: ожидается дата вида 2024-05-31, получено «" << text << "»\n";
    return std::nullopt;
}

// What is wrong with options CLI11 cannot judge, as a Russian sentence; empty when nothing.
std::string usage_problem(const shnor::pipeline::BuildOptions& options, bool school_given) {
    if (options.fragment && !school_given)
        return "--fragment: укажите школу, чей раздел нужен фрагментами: --school ИМЯ_ПАПКИ";
    // Fragments are pasted into another site: their links, images and files
    // can only be addresses on the district's site, which must be named.
    if (options.fragment && options.base_url.empty())
        return "--fragment: укажите --base-url — адрес сайта района, где опубликован раздел (например "
               "--base-url https://shnor.rayon.ru/): ссылки, картинки и файлы фрагментов ведут туда";
    if (!options.base_url.empty() && !shnor::model::is_site_address(options.base_url))
        return "--base-url: ожидается адрес сайта, начинающийся с http:// или https://, без пробелов и кавычек, "
               "получено «" + options.base_url + "»";
    // An empty slug would quietly build the whole district.
    if (school_given && !shnor::load::is_slug(options.school))
        return "--school: ожидается имя папки школы из schools/ (латинские строчные буквы, цифры и дефисы), "
               "получено «" + options.school + "»";
    return shnor::load::read_limits_problem();
}

// What `shnor new` was asked for: the kind and its argument.
struct NewRequest {
    std::string folder;  // new site: the folder to create
    std::string name;    // school slug, roadmap id, or news title
    std::string school;  // --school: the school's own roadmap or news
};

bool empty_or_missing(const std::filesystem::path& folder) {
    std::error_code error;
    if (!std::filesystem::exists(std::filesystem::symlink_status(folder, error))) return true;
    return std::filesystem::is_directory(std::filesystem::symlink_status(folder, error)) &&
           std::filesystem::is_empty(folder, error);
}

// The files of `shnor new <kind>`, or a Russian sentence on why not.
std::variant<std::vector<shnor::scaffold::NewFile>, std::string> new_files(const std::string& kind,
                                                                          const NewRequest& request,
                                                                          const std::filesystem::path& content,
                                                                          const shnor::model::Date& date) {
    namespace scaffold = shnor::scaffold;
    if (kind == "site") return scaffold::site_files(date);
    std::error_code error;
    if (!std::filesystem::is_regular_file(content / "site.yaml", error))
        return "В папке «" + content.string() + "» нет site.yaml: укажите папку материалов района (--content) "
               "или начните её командой shnor new site ПАПКА";
    if (!request.school.empty() && !std::filesystem::is_directory(content / "schools" / request.school, error))
        return "--school: папки schools/" + request.school + " нет в «" + content.string() + "»";
    if (kind == "news") return std::vector<scaffold::NewFile>{scaffold::news_file(request.name, date, request.school)};
    if (!shnor::load::is_slug(request.name))
        return "«" + request.name + "»: ожидается латинскими строчными буквами, цифрами и дефисами, "
               "например " + std::string(kind == "school" ? "kromskaya-sosh-1" : "dorozhnaya-karta-2026");
    if (kind == "school") return scaffold::school_files(request.name, date);
    return std::vector<scaffold::NewFile>{scaffold::roadmap_file(request.name, request.school, date)};
}

int run_new(const std::string& kind, const NewRequest& request, std::filesystem::path content,
            const shnor::model::Date& date) {
    if (kind == "site") {
        content = shnor::platform::path_from_utf8(request.folder);
        if (!empty_or_missing(content)) {
            std::cerr << "Папка «" << content.string() << "» уже есть и не пуста: shnor new site создаёт новую "
                      << "папку материалов и ничего в существующей не меняет\n";
            return kExitUsage;
        }
    }
    auto files = new_files(kind, request, content, date);
    if (auto* problem = std::get_if<std::string>(&files)) {
        std::cerr << *problem << '\n';
        return kExitUsage;
    }
    const auto& made = std::get<std::vector<shnor::scaffold::NewFile>>(files);
    try {
        shnor::scaffold::create(content, made);
    } catch (const std::exception& refused) {
        std::cerr << refused.what() << '\n';
        return kExitUsage;
    }
    std::cout << "Создано:\n";
    for (const auto& file : made) std::cout << "  " << (content / file.path).string() << '\n';
    std::cout << "Замените заготовки «Впишите: …» настоящими сведениями; что осталось, покажет\n"
              << "  shnor check --content " << content.string() << "\n"
              << "Посмотреть сайт: shnor build --content " << content.string() << " --out site\n";
    return kExitOk;
}

#ifndef _WIN32  // shnor.exe serves itself (SHNOR_WITH_SERVE): all its libraries are linked in anyway
// `shnor serve` is the program shnor-serve beside this one (CMakeLists.txt:
// the server's library needs libssl at load time, shnor only on first use).
int run_serve_program(char** argv) {
    std::error_code error;
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
    std::filesystem::path program = self.parent_path() / "shnor-serve";
    if (!error) ::execv(program.c_str(), argv);
    std::cerr << "Предпросмотр недоступен: не удалось запустить " << program.string()
              << " (программа shnor-serve ставится рядом с shnor)\n";
    return kExitUsage;
}
#endif

// What `shnor import KIND FILE` is asked for.
struct ImportRequest {
    std::string kind;  // roadmap | indicators | results | schools
    std::filesystem::path document;
    std::string id, school;
    int target_year = 0;
    shnor::import::SchoolListOptions list;
};

shnor::import::Imported imported_roadmap(const std::vector<shnor::import::Table>& tables, std::string id,
                                         const std::string& school, const std::filesystem::path& document) {
    namespace import = shnor::import;
    if (id.empty()) id = shnor::scaffold::slug_of(document.stem().string());
    if (!shnor::load::is_slug(id))
        throw import::ImportError("--id: ожидается латинскими строчными буквами, цифрами и дефисами, получено «" +
                                  id + "»");
    auto roadmap = import::import_roadmap(tables);
    std::string prefix = school.empty() ? "" : "schools/" + school + "/";
    return {{{prefix + "roadmaps/" + id + ".yaml", roadmap.yaml}}, roadmap.items, roadmap.unplaced};
}

shnor::import::Imported imported(const ImportRequest& request) {
    namespace import = shnor::import;
    auto tables = import::read_tables(request.document);
    if (request.kind == "roadmap") return imported_roadmap(tables, request.id, request.school, request.document);
    if (request.kind == "indicators") return import::import_indicators(tables, request.target_year);
    if (request.kind == "results") {
        if (request.school.empty())
            throw import::ImportError("результаты — данные одной школы: укажите её папку, --school ИМЯ");
        return import::import_results(tables, request.school);
    }
    return import::import_schools(tables, request.list);
}

// Writes what the table gave (never over a file), lists what it could not
// place (exit 1 then), and says what is left to fill.
int run_import(const ImportRequest& request, const std::filesystem::path& content) {
    try {
        if (!request.school.empty() && !shnor::load::is_slug(request.school))
            throw shnor::import::ImportError("--school: ожидается имя папки школы латиницей, получено «" +
                                             request.school + "»");
        auto result = imported(request);
        std::vector<shnor::scaffold::NewFile> files;
        for (auto& file : result.files) files.push_back({file.path, file.text});
        shnor::scaffold::create(content, files);
        for (const auto& file : result.files) std::cout << "Записано: " << (content / file.path).string() << "\n";
        std::cout << "Перенесено строк таблицы: " << result.rows << "\n";
        for (const auto& row : result.unplaced) std::cout << "Не перенесено: " << row << "\n";
        std::cout << "Впишите то, что помечено «Впишите:», и проверьте: shnor check --content " << content.string()
                  << "\n";
        return result.unplaced.empty() ? kExitOk : kExitContentErrors;
    } catch (const std::exception& problem) {
        std::cerr << problem.what() << '\n';
        return kExitUsage;
    }
}

#ifdef _WIN32
// The value of `name` as typed, in the parsed command or its parsed
// subcommands, when it was given.
std::optional<std::string> typed_value(const CLI::App& command, const std::string& name) {
    if (const CLI::Option* option = command.get_option_no_throw(name); option && option->count() > 0)
        return option->results().back();
    for (const CLI::App* subcommand : command.get_subcommands())
        if (auto value = typed_value(*subcommand, name)) return value;
    return std::nullopt;
}

// CLI11 made the path options from the narrow arguments, which libstdc++
// garbles on Windows (docs/windows.md, "Cyrillic"): they are made again from
// the same text, as UTF-8.
void paths_from_utf8(const CLI::App& app, shnor::pipeline::BuildOptions& options, std::filesystem::path& document) {
    const std::pair<const char*, std::filesystem::path*> paths[] = {
        {"--content", &options.content_dir}, {"--out", &options.out_dir},
        {"--cache", &options.sources.cache_dir}, {"ФАЙЛ", &document}};
    for (const auto& [name, path] : paths)
        if (auto text = typed_value(app, name)) *path = shnor::platform::path_from_utf8(*text);
}
#endif

constexpr const char* kContentHelp =
    "Папка с материалами: site.yaml, programs/, roadmaps/, schools/ ... (по умолчанию content)";
constexpr const char* kDateHelp =
    "Дата ГГГГ-ММ-ДД, от которой считаются просроченные мероприятия (по умолчанию сегодня)";

}  // namespace

int main(int argc, char** argv) {
#ifdef _WIN32
    // The program's text is UTF-8 (its manifest makes argv UTF-8 too): so is the console's.
    ::SetConsoleOutputCP(CP_UTF8);
#endif
    CLI::App app{"shnor — генератор открытого раздела о сопровождении школ с низкими "
                 "образовательными результатами (ШНОР) и школ в неблагоприятных социальных "
                 "условиях (ШНСУ).\nshnor-site " SHNOR_VERSION};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("shnor-site ") + SHNOR_VERSION);

    shnor::pipeline::BuildOptions options;
    std::string date_text;
    auto* build = app.add_subcommand("build", "Собрать сайт из папки с материалами.");
    build->add_option("--content", options.content_dir, kContentHelp);
    build->add_option("--out", options.out_dir,
                      "Папка готового сайта (по умолчанию site), только для сайта: не папка материалов, кэша "
                      "или проекта. Новая версия собирается рядом (.site.shnor-spare) и заменяет прежнюю "
                      "целиком, одним шагом, только после успешной сборки; меняются только изменившиеся файлы, "
                      "удаляются только файлы, которые shnor записал сам. В непустую папку без файла "
                      ".shnor-site shnor не пишет (см. --force)");
    build->add_option("--date", date_text, kDateHelp);
    build->add_option("--base-url", options.base_url,
                      "Адрес, по которому сайт будет опубликован (по умолчанию base_url из site.yaml)");
    build->add_option("--school", options.school,
                      "Собрать только раздел одной школы (её папка в schools/) как самостоятельную папку с "
                      "относительными ссылками — для размещения на официальном сайте школы");

    build->add_flag("--fragment", options.fragment,
                    "С --school: каждую страницу раздела школы — фрагментом HTML для вставки на сайт школы "
                    "(Госвеб, edusite, uCoz и др.) и страницу index.html с кодом каждого фрагмента и "
                    "инструкцией; ссылки, картинки и файлы ведут на сайт района (нужен --base-url)");
    build->add_flag("--full", options.full,
                    "Собрать всё заново, не опираясь на запись о прошлой сборке (она хранится в папке кэша)");
    build->add_flag("--force", options.force,
                    "Собирать в непустую папку без файла .shnor-site (например, сайт, собранный прежней версией "
                    "shnor). Файлы, которых shnor не записывал, всё равно остаются на месте");
    add_source_options(build, options.sources);

    auto* fetch = app.add_subcommand(
        "fetch", "Обновить общие данные (sources в site.yaml) и показать по каждому источнику: адрес, ответ "
                 "сервера, размер, состояние кэша (fresh, revalidated, updated, stale, failed) и время.");
    fetch->add_option("--content", options.content_dir, kContentHelp);
    add_source_options(fetch, options.sources);

    auto* check = app.add_subcommand(
        "check", "Проверить материалы, не собирая сайт: ошибки, нераспознанные сроки, просроченные "
                 "мероприятия без отчёта, «дорожные карты» без выполненных мероприятий, и чего в разделе каждой "
                 "школы не хватает по приказу района и приказу Рособрнадзора № 1493 (категория с основанием и "
                 "причинами, мероприятия, результаты, контакты, документы с файлом), оставленные данные примера. "
                 "Код выхода 1 при ошибках (с --strict — и при замечаниях).");
    check->add_option("--content", options.content_dir, kContentHelp);
    check->add_option("--date", date_text, kDateHelp);
    CheckOptions check_options;
    check->add_flag("--strict", check_options.strict,
                    "Считать замечания ошибками: код выхода 1, если есть хотя бы одно (для CI перед публикацией)");
    check->add_option("--format", check_options.format,
                      "Вид отчёта: text (по умолчанию) или json — то же самое для CI: "
                      "{\"errors\", \"warnings\", \"findings\": [{\"severity\", \"file\", \"line\", "
                      "\"school\", \"code\", \"message\"}]}")
        ->check(CLI::IsMember({"text", "json"}));
    add_source_options(check, options.sources);

    shnor::serve::ServeOptions serve_options;
    auto* serve = app.add_subcommand(
        "serve", "Предпросмотр: собрать сайт во временную папку и показывать его по адресу http://127.0.0.1:8000/; "
                 "после каждого сохранения файла материалов или шаблонов сайт пересобирается, а открытые страницы "
                 "обновляются сами. Пока в материалах ошибки, вместо страниц — их список с файлом и строкой.");
    serve->add_option("--content", options.content_dir, kContentHelp);
    serve->add_option("--port", serve_options.port, "Порт (по умолчанию 8000; 0 — любой свободный)")
        ->check(CLI::Range(0, 65535));
    serve->add_option("--bind", serve_options.bind,
                      "Адрес, на котором слушать (по умолчанию 127.0.0.1 — только этот компьютер; 0.0.0.0 — вся "
                      "сеть: предпросмотр увидят все, кто может обратиться к компьютеру)");
    serve->add_option("--date", date_text, kDateHelp);
    add_source_options(serve, options.sources);

    auto* import = app.add_subcommand(
        "import", "Перенести таблицу из документа Word (.docx), книги Excel (.xlsx, .xls) или файла CSV в материалы, "
                  "сохранив текст ячеек как напечатан. Строка заголовков находится по обычным названиям столбцов; "
                  "объединённые ячейки повторяются в каждой строке. Существующие файлы не заменяются; строки, "
                  "которые не удалось перенести, перечисляются (тогда код выхода 1).");
    import->require_subcommand(1);
    ImportRequest import_request;
    auto add_import = [&](const char* kind, const char* help) {
        auto* command = import->add_subcommand(kind, help);
        command->add_option("ФАЙЛ", import_request.document, "Документ .docx, .xlsx, .xls или .csv")
            ->required()
            ->check(CLI::ExistingFile);
        command->add_option("--content", options.content_dir, kContentHelp);
        return command;
    };
    auto* import_roadmap = add_import(
        "roadmap", "«Дорожная карта»: столбцы «№ п/п», «Мероприятие», «Срок», «Ответственные», «Ожидаемый "
                   "результат»; строки на всю ширину таблицы — разделы. Пишет roadmaps/ID.yaml (с --school — в "
                   "папку школы).");
    import_roadmap->add_option("--id", import_request.id,
                               "Имя файла плана (по умолчанию — из имени документа латиницей)");
    import_roadmap->add_option("--school", import_request.school, "Имя папки школы: её «дорожная карта»");
    auto* import_indicators = add_import(
        "indicators", "Целевые показатели: «Наименование показателя», «Единица измерения», «Базовое значение», "
                      "«Целевое значение» или столбцы по годам, «Факт». Пишет indicators.yaml.");
    import_indicators->add_option("--year", import_request.target_year,
                                  "Год целевого значения, если в заголовке его столбца года нет "
                                  "(«Показатели (%)», «Значение»): обычно последний год программы");
    auto* import_results = add_import(
        "results", "Результаты школы: «Процедура», «Предмет», «Класс», «Год», «Количество участников», «Средний "
                   "балл», «Доля «2»», «Качество». Пишет schools/ШКОЛА/results.yaml.");
    import_results->add_option("--school", import_request.school, "Имя папки школы")->required();
    auto* import_schools = add_import(
        "schools", "Перечень школ: «Наименование ОО», «Краткое наименование», «Причины» (или «Критерии», "
                   "«Основание»), «Категория», «Директор», «Адрес». Пишет schools/ИМЯ/school.yaml на каждую школу.");
    import_schools->add_option("--type", import_request.list.type,
                               "Категория школ, если в таблице нет столбца «Категория»: shnor, shnsu или risk")
        ->check(CLI::IsMember({"shnor", "shnsu", "risk"}));
    import_schools->add_option("--year", import_request.list.year, "Год включения в перечень (по умолчанию — текущий)");
    import_schools->add_option("--basis", import_request.list.basis,
                               "Документ, по которому школы в перечне, например «Приказ … от 30.01.2024 № 116»");

    auto* make = app.add_subcommand(
        "new", "Создать заготовку с пояснениями по-русски: папку материалов нового района (site), школу "
               "(school), «дорожную карту» (roadmap) или новость (news). Существующие файлы не заменяются.");
    make->require_subcommand(1);
    NewRequest request;
    auto* new_site = make->add_subcommand(
        "site", "Новая папка материалов района без данных примера: site.yaml с пояснениями, одна «дорожная карта» "
                "и одна школа для заполнения. Папка должна быть новой или пустой.");
    new_site->add_option("ПАПКА", request.folder, "Папка, которую создать")->required();
    auto* new_school = make->add_subcommand("school", "Новая школа: schools/ИМЯ/school.yaml и index.md.");
    new_school->add_option("ИМЯ", request.name, "Имя папки школы: латинские строчные буквы, цифры, дефисы")
        ->required();
    auto* new_roadmap = make->add_subcommand(
        "roadmap", "Новая «дорожная карта» на год даты (--date, по умолчанию сегодня): roadmaps/ID.yaml района "
                   "или, с --school, школы.");
    new_roadmap->add_option("ID", request.name, "Имя файла: латинские строчные буквы, цифры, дефисы")->required();
    auto* new_news = make->add_subcommand(
        "news", "Новость с датой (--date, по умолчанию сегодня): news/ГГГГ-ММ-ДД-имя.md района или, с --school, "
                "школы; имя файла — заголовок латиницей.");
    new_news->add_option("ЗАГОЛОВОК", request.name, "Заголовок новости")->required();
    for (auto* command : {new_school, new_roadmap, new_news})
        command->add_option("--content", options.content_dir, kContentHelp);
    for (auto* command : {new_roadmap, new_news}) {
        command->add_option("--school", request.school, "Имя папки школы: её «дорожная карта» или новость");
        command->add_option("--date", date_text, kDateHelp);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? kExitOk : kExitUsage;
    }
#ifdef _WIN32
    paths_from_utf8(app, options, import_request.document);
#endif

    if (std::string problem = usage_problem(options, build->count("--school") > 0); !problem.empty()) {
        std::cerr << problem << '\n';
        return kExitUsage;
    }
    auto date = build_date_of(date_text);
    if (!date) return kExitUsage;
    options.build_date = *date;
    if (build->parsed()) return run_build(options);
    if (check->parsed()) return run_check(options.content_dir, options.build_date, options.sources, check_options);
    if (fetch->parsed()) return run_fetch(options);
    if (serve->parsed()) {
#ifdef SHNOR_WITH_SERVE
        serve_options.build = options;
        return shnor::serve::serve(serve_options, std::cout);
#else
        return run_serve_program(argv);
#endif
    }
    for (auto* command : {import_roadmap, import_indicators, import_results, import_schools})
        if (command->parsed()) {
            import_request.kind = command->get_name();
            if (import_request.list.year == 0) import_request.list.year = options.build_date.year;
            return run_import(import_request, options.content_dir);
        }
    for (auto* command : {new_site, new_school, new_roadmap, new_news})
        if (command->parsed()) return run_new(command->get_name(), request, options.content_dir, options.build_date);
    return kExitUsage;
}
