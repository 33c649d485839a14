// The cases of issue 14 as a user meets them: the real `shnor` binary on
// the example content with one hostile or careless change each.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kExampleContent = fs::path(SHNOR_SOURCE_DIR) / "content";
constexpr const char* kDate = "2024-11-01";

struct Scratch {
    fs::path path;
    fs::path content;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-hostile-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
        content = path / "content";
        fs::copy(kExampleContent, content, fs::copy_options::recursive);
    }
    ~Scratch() { fs::remove_all(path); }
};

using RunResult = shnor::test::CommandResult;
using shnor::test::read_file;

RunResult run_shnor(const std::string& arguments, const Scratch& scratch, const std::string& environment = "") {
    fs::path log = scratch.path / "shnor-output.txt";
    return shnor::test::run_command(environment + " " + shnor::test::shell_quoted(SHNOR_BINARY) + " " + arguments, log);
}

std::string build_arguments(const Scratch& scratch, const fs::path& out) {
    return "build --content '" + scratch.content.string() + "' --out '" + out.string() + "' --date " + kDate +
           " --cache '" + (scratch.path / "cache").string() + "'";
}

RunResult build(const Scratch& scratch, const fs::path& out, const std::string& more = "",
                const std::string& environment = "") {
    return run_shnor(build_arguments(scratch, out) + " " + more, scratch, environment);
}

RunResult check(const Scratch& scratch) {
    return run_shnor("check --content '" + scratch.content.string() + "' --date " + kDate + " --cache '" +
                         (scratch.path / "cache").string() + "'",
                     scratch);
}

// Appends: a test adds lines to a copy of an example file.
void append_to_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Every file of a tree whose bytes contain `part`.
std::vector<std::string> files_containing(const fs::path& root, const std::string& part) {
    std::vector<std::string> found;
    if (!fs::exists(root)) return found;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file() && contains(read_file(entry.path()), part))
            found.push_back(fs::relative(entry.path(), root).generic_string());
    return found;
}

std::string percent_decoded(const std::string& text) {
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            decoded += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            decoded += text[i];
        }
    }
    return decoded;
}

// Every relative href/src of the site's pages whose target, percent-decoded
// as a server does, is not a written file.
std::vector<std::string> broken_links(const fs::path& site) {
    static const std::regex attribute(R"((?:href|src)=\"([^\"]*)\")");
    static const std::regex scheme("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    std::vector<std::string> broken;
    for (const auto& entry : fs::recursive_directory_iterator(site)) {
        if (entry.path().extension() != ".html" || entry.path().filename() == "404.html") continue;
        std::string html = read_file(entry.path());
        for (std::sregex_iterator it(html.begin(), html.end(), attribute), end; it != end; ++it) {
            std::string link = (*it)[1];
            if (link.empty() || link[0] == '#' || std::regex_search(link, scheme)) continue;
            link = percent_decoded(link.substr(0, link.find_first_of("#?")));
            fs::path target = entry.path().parent_path() / link;
            if (link.empty() || link.back() == '/') target /= "index.html";
            if (!fs::is_regular_file(target))
                broken.push_back(fs::relative(entry.path(), site).generic_string() + " → " + (*it)[1].str());
        }
    }
    return broken;
}

}  // namespace

TEST_CASE("hostile: files/x.pdf linked to /etc/passwd is refused by build and check", "[hostile]") {
    Scratch scratch("passwd");
    fs::create_symlink("/etc/passwd", scratch.content / "files/x.pdf");
    append_to_file(scratch.content / "documents.yaml", "\n- {id: leak, title: Утечка, file: files/x.pdf}\n");
    fs::path out = scratch.path / "site";
    auto built = build(scratch, out);
    INFO(built.output);
    CHECK(built.exit_code == 1);
    CHECK(contains(built.output, "files/x.pdf: ошибка: символическая ссылка"));
    CHECK(files_containing(out, "root:").empty());
    CHECK_FALSE(fs::exists(out / "files/x.pdf"));
    auto checked = check(scratch);
    CHECK(checked.exit_code == 1);
    CHECK(contains(checked.output, "files/x.pdf: ошибка: символическая ссылка"));
}

TEST_CASE("hostile: a Windows-1251 school.yaml is a content error in build, check and --school", "[hostile]") {
    Scratch scratch("cp1251");
    // «name: Школа» in Windows-1251, as Notepad on a Russian Windows saves it.
    std::ofstream(scratch.content / "schools/sosh-1/school.yaml", std::ios::binary)
        << "name: \xD8\xEA\xEE\xEB\xE0\n";
    const std::string expected = "schools/sosh-1/school.yaml:1: ошибка: файл в кодировке Windows-1251 (cp1251), а "
                                 "нужна UTF-8: перекодируйте его в UTF-8 командой iconv -f cp1251 -t utf-8 ";
    fs::path out = scratch.path / "site";
    auto built = build(scratch, out);
    INFO(built.output);
    CHECK(built.exit_code == 1);
    CHECK(contains(built.output, expected));
    CHECK_FALSE(contains(built.output, "json"));
    auto checked = check(scratch);
    CHECK(checked.exit_code == 1);
    CHECK(contains(checked.output, expected));
    auto school = build(scratch, scratch.path / "school", "--school sosh-1");
    CHECK(school.exit_code == 1);
    CHECK(contains(school.output, expected));
    CHECK_FALSE(fs::exists(scratch.path / "school"));
}

TEST_CASE("hostile: --school '' and a --base-url that is not a web address are usage errors", "[hostile]") {
    Scratch scratch("usage");
    fs::path out = scratch.path / "site";
    auto empty_school = build(scratch, out, "--school ''");
    CHECK(empty_school.exit_code == 2);
    CHECK(contains(empty_school.output, "--school: ожидается имя папки школы"));
    for (const char* url : {"javascript:alert(1)//", " https://example.org/", "ftp://example.org/", "https://"}) {
        auto bad_url = build(scratch, out, std::string("--base-url '") + url + "'");
        INFO(url);
        CHECK(bad_url.exit_code == 2);
        CHECK(contains(bad_url.output, "--base-url: ожидается адрес сайта"));
    }
    CHECK_FALSE(fs::exists(out));
    CHECK(build(scratch, out, "--base-url https://example.org/shnor").exit_code == 0);
}

TEST_CASE("hostile: javascript: in district.website stops the build", "[hostile]") {
    Scratch scratch("javascript");
    std::string site = read_file(scratch.content / "site.yaml");
    auto at = site.find("district:\n");
    REQUIRE(at != std::string::npos);
    site.insert(at + 10, "  website: \"  JAVASCRIPT:alert(document.cookie)\"\n");
    std::ofstream(scratch.content / "site.yaml", std::ios::binary) << site;
    fs::path out = scratch.path / "site";
    auto built = build(scratch, out);
    INFO(built.output);
    CHECK(built.exit_code == 1);
    CHECK(contains(built.output, "поле «district.website»: адрес «  JAVASCRIPT:alert(document.cookie)» не подходит"));
    CHECK(files_containing(out, "alert(").empty());
}

TEST_CASE("hostile: file names with #, ?, %, spaces and Cyrillic are percent-encoded in links", "[hostile]") {
    Scratch scratch("names");
    append_to_file(scratch.content / "files/Приказ #5 (100%)?.pdf", "%PDF-1.4 district");
    append_to_file(scratch.content / "documents.yaml", "\n- {id: strange-name, title: Странное имя, file: \"files/Приказ #5 (100%)?.pdf\"}\n");
    append_to_file(scratch.content / "schools/shubinskaya/files/план школы.pdf", "%PDF-1.4 school");
    append_to_file(scratch.content / "schools/shubinskaya/documents.yaml",
               "\n- {id: plan-space, title: План с пробелом, file: \"files/план школы.pdf\"}\n");
    fs::path out = scratch.path / "site";
    auto built = build(scratch, out);
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    CHECK(fs::is_regular_file(out / "files/Приказ #5 (100%)?.pdf"));
    std::string documents = read_file(out / "documents/index.html");
    CHECK(contains(documents, "href=\"../files/Приказ%20%235%20(100%25)%3F.pdf\""));
    std::string school_documents = read_file(out / "schools/shubinskaya/documents/index.html");
    CHECK(contains(school_documents, "href=\"../../../schools/shubinskaya/files/план%20школы.pdf\""));
    auto broken = broken_links(out);
    INFO("first broken: " << (broken.empty() ? "" : broken.front()));
    CHECK(broken.empty());

    // In a school's own folder the link is moved with the file.
    fs::path own = scratch.path / "own";
    auto school = build(scratch, own, "--school shubinskaya");
    INFO(school.output);
    REQUIRE(school.exit_code == 0);
    CHECK(contains(read_file(own / "documents/index.html"), "href=\"../files/план%20школы.pdf\""));
    auto own_broken = broken_links(own);
    INFO("first broken: " << (own_broken.empty() ? "" : own_broken.front()));
    CHECK(own_broken.empty());
}

TEST_CASE("hostile: mean 1e308 on a 5-point scale is an error, not inf in other schools' charts", "[hostile]") {
    Scratch scratch("huge-mean");
    append_to_file(scratch.content / "schools/sosh-1/results.yaml",
               "- {exam: ОГЭ, subject: Математика, grade: 9, year: 2024, participants: 10, mean: 1e308, scale: 5}\n");
    fs::path out = scratch.path / "site";
    auto built = build(scratch, out);
    INFO(built.output);
    CHECK(built.exit_code == 1);
    CHECK(contains(built.output, "schools/sosh-1/results.yaml:1: ошибка: поле «[1].mean»: средний балл по "
                                 "пятибалльной шкале должен быть от 0 до 5, получено «1e308»"));
    CHECK(files_containing(out, "inf").empty());
}

TEST_CASE("hostile: no inf or nan reaches any output, whatever valid extremes the content has", "[hostile]") {
    Scratch scratch("extremes");
    // Values at the edges of their ranges, equal values, zero participants.
    append_to_file(scratch.content / "schools/sosh-1/results.yaml",
               "- {exam: ОГЭ, subject: Математика, grade: 9, year: 2022, participants: 0, mean: 0, scale: 5, "
               "fail_share: 100, quality_share: 0}\n"
               "- {exam: ОГЭ, subject: Математика, grade: 9, year: 2023, participants: 1000000, mean: 5, scale: 5, "
               "fail_share: 0, quality_share: 100}\n"
               "- {exam: ОГЭ, subject: Математика, grade: 9, year: 2024, participants: 0, mean: 5, scale: 5}\n"
               "- {exam: ЕГЭ, subject: Физика, grade: 11, year: 1990, mean: 100, scale: 100}\n"
               "- {exam: ЕГЭ, subject: Физика, grade: 11, year: 2100, mean: 0, scale: 100}\n"
               "- {exam: ВПР, subject: Биология, year: 2024, mean: 0}\n");
    append_to_file(scratch.content / "indicators.yaml",
               "\n- id: extreme\n  title: Крайние значения\n  baseline: {year: 1990, value: -1000000000000}\n"
               "  target: {year: 2100, value: 1000000000000}\n  values:\n    - {year: 2024, value: 1000000000000}\n"
               "- id: flat\n  title: Ровно\n  baseline: {year: 2024, value: 0}\n  target: {year: 2024, value: 0}\n"
               "  values:\n    - {year: 2024, value: 0}\n");
    fs::path out = scratch.path / "site";
    auto built = build(scratch, out);
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    static const std::regex not_a_number(R"((?:^|[^A-Za-z])-?(?:nan|inf|NaN|Inf|INF|NAN)(?:$|[^A-Za-z]))");
    std::vector<std::string> bad;
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
        if (!entry.is_regular_file()) continue;
        auto extension = entry.path().extension();
        if (extension != ".html" && extension != ".json" && extension != ".csv" && extension != ".svg" &&
            extension != ".xml")
            continue;
        std::string text = read_file(entry.path());
        std::smatch match;
        if (std::regex_search(text, match, not_a_number))
            bad.push_back(fs::relative(entry.path(), out).generic_string() + ": …" + match.str() + "…");
    }
    INFO("first: " << (bad.empty() ? "" : bad.front()));
    CHECK(bad.empty());
}

TEST_CASE("hostile: the size limits come from the environment and are reported with the file", "[hostile]") {
    Scratch scratch("limits");
    append_to_file(scratch.content / "pages/big.md", "---\ntitle: Большая\n---\n" + std::string(2 * 1024 * 1024, 'x'));
    fs::path out = scratch.path / "site";
    auto limited = build(scratch, out, "", "SHNOR_MAX_TEXT_MB=1");
    INFO(limited.output);
    CHECK(limited.exit_code == 1);
    CHECK(contains(limited.output, "pages/big.md: ошибка: файл больше допустимого: 2 МБ при ограничении 1 МБ"));
    CHECK(build(scratch, out).exit_code == 0);  // within the default 5 МБ
    auto wrong = build(scratch, out, "", "SHNOR_MAX_FILE_MB=lots");
    CHECK(wrong.exit_code == 2);
    CHECK(contains(wrong.output, "SHNOR_MAX_FILE_MB: ожидается число мегабайт"));
}
