// The `shnor` command line: parses options and runs a pipeline command.
#include "pipeline/pipeline.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitContentErrors = 1;
constexpr int kExitUsage = 2;

void print_diagnostics(const shnor::model::Diagnostics& diagnostics) {
    for (const auto& diagnostic : diagnostics.items()) std::cerr << diagnostic.format() << '\n';
}

int run_build(const shnor::pipeline::BuildOptions& options) {
    auto report = shnor::pipeline::build_site(options);
    print_diagnostics(report.diagnostics);
    if (!report.written) {
        std::cerr << "Сайт не собран: ошибок " << report.diagnostics.error_count() << ". Папка "
                  << options.out_dir.string() << " оставлена без изменений.\n";
        return kExitContentErrors;
    }
    std::printf("Собрано: %zu страниц, %zu файлов в %s за %.2f с\n", report.pages, report.files,
                options.out_dir.string().c_str(), report.seconds);
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"shnor — генератор открытого раздела о сопровождении школ с низкими "
                 "образовательными результатами (ШНОР) и школ в неблагоприятных социальных "
                 "условиях (ШНСУ).\nshnor-site " SHNOR_VERSION};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("shnor-site ") + SHNOR_VERSION);

    shnor::pipeline::BuildOptions options;
    std::string date_text;
    auto* build = app.add_subcommand("build", "Собрать сайт из папки с материалами.");
    build->add_option("--content", options.content_dir,
                      "Папка с материалами: site.yaml, programs/, roadmaps/, schools/ ... (по умолчанию content)");
    build->add_option("--out", options.out_dir,
                      "Куда записать готовый сайт; прежнее содержимое заменяется целиком только после "
                      "успешной сборки (по умолчанию site)");
    build->add_option("--date", date_text,
                      "Дата сборки ГГГГ-ММ-ДД: от неё считаются просроченные мероприятия (по умолчанию сегодня)");
    build->add_option("--base-url", options.base_url,
                      "Адрес, по которому сайт будет опубликован (по умолчанию base_url из site.yaml)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? kExitOk : kExitUsage;
    }

    if (build->parsed()) {
        if (date_text.empty()) {
            options.build_date = shnor::pipeline::today();
        } else if (auto date = shnor::model::Date::parse_iso(date_text)) {
            options.build_date = *date;
        } else {
            std::cerr << "--date: ожидается дата вида 2024-05-31, получено «" << date_text << "»\n";
            return kExitUsage;
        }
        return run_build(options);
    }
    return kExitUsage;
}
