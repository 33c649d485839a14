// Hostile and careless content: links out of the content folder, huge
// files, other encodings, control characters, dangerous URLs, values no
// exam can have. Each case is an error naming file, line and field (or the
// path), never a crash or a leak.
#include "load/content_access.hpp"
#include "load/district_source.hpp"
#include "load/load.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using shnor::load::load_site;
using shnor::load::LoadResult;
using shnor::model::Diagnostic;
using shnor::model::Diagnostics;
using shnor::model::Severity;

namespace {

class ContentTree {
public:
    ContentTree() {
        static std::atomic<int> counter{0};
        base_ = fs::temp_directory_path() /
                ("shnor-safety-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(base_);
        root_ = base_ / "content";
        fs::create_directories(root_);
        fs::create_directories(base_ / "outside");
        std::ofstream(base_ / "outside/secret.txt") << "secret: not for the site\n";
        std::ofstream(base_ / "outside/page.md") << "---\ntitle: Чужая\n---\nСекрет\n";
    }
    ~ContentTree() { fs::remove_all(base_); }

    ContentTree& file(const std::string& path, const std::string& text) {
        fs::path full = root_ / path;
        fs::create_directories(full.parent_path());
        std::ofstream(full, std::ios::binary) << text;
        return *this;
    }
    ContentTree& link(const std::string& path, const fs::path& target) {
        fs::path full = root_ / path;
        fs::create_directories(full.parent_path());
        fs::create_symlink(target, full);
        return *this;
    }
    // A file of `size` bytes that takes no disk space.
    ContentTree& sparse(const std::string& path, std::uintmax_t size) {
        file(path, "");
        fs::resize_file(root_ / path, size);
        return *this;
    }
    ContentTree& minimal_site() { return file("site.yaml", "title: Сайт\nbase_url: https://example.org/shnor\n"); }

    LoadResult load() const { return load_site(root_); }
    const fs::path& root() const { return root_; }
    fs::path outside() const { return base_ / "outside"; }

private:
    fs::path base_;
    fs::path root_;
};

std::string all_messages(const Diagnostics& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics.items()) text += d.format() + "\n";
    return text;
}

std::size_t error_count(const LoadResult& result) { return result.diagnostics.error_count(); }

void require_diagnostic(const Diagnostics& diagnostics, Severity severity, const std::string& file, int line,
                        const std::string& field, const std::string& fragment) {
    INFO("expected " << file << ":" << line << " «" << field << "»: " << fragment << "\ngot:\n"
                     << all_messages(diagnostics));
    bool found = std::any_of(diagnostics.items().begin(), diagnostics.items().end(), [&](const Diagnostic& d) {
        return d.severity == severity && d.file == file && d.line == line && d.field == field &&
               d.message.find(fragment) != std::string::npos;
    });
    REQUIRE(found);
}

void require_error(const LoadResult& result, const std::string& file, int line, const std::string& field,
                   const std::string& fragment) {
    require_diagnostic(result.diagnostics, Severity::error, file, line, field, fragment);
}

constexpr const char* kLink = "символическая ссылка";

}  // namespace

// ---- nothing outside the content folder -------------------------------------

TEST_CASE("safety: a document file linked to /etc/passwd is refused, naming the link", "[load][links]") {
    ContentTree tree;
    tree.minimal_site()
        .link("files/x.pdf", "/etc/passwd")
        .file("documents.yaml", "- {id: leak, title: Утечка, file: files/x.pdf}\n");
    auto result = tree.load();
    require_error(result, "files/x.pdf", 0, "", kLink);
    require_error(result, "documents.yaml", 1, "[1].file", "ведёт через символическую ссылку «files/x.pdf»");
    const auto& document = result.site.district.documents.at(0);
    CHECK(document.site_path.empty());
    CHECK(document.file_path.empty());
    // Once per link, though both the walk and the document meet it.
    auto items = result.diagnostics.items();
    CHECK(std::count_if(items.begin(), items.end(), [](const Diagnostic& d) { return d.file == "files/x.pdf"; }) == 1);
}

TEST_CASE("safety: linked pages, folders, schools, layouts and assets are refused", "[load][links]") {
    ContentTree tree;
    tree.minimal_site()
        .link("pages/leak.md", tree.outside() / "page.md")
        .link("news", tree.outside())
        .link("layouts/page.mustache", tree.outside() / "secret.txt")
        .link("assets/style.css", tree.outside() / "secret.txt")
        .link("assets/.hidden", tree.outside() / "secret.txt")
        .file("schools/real/school.yaml", "name: Школа\n")
        .link("schools/real/files", tree.outside())
        .link("schools/linked", tree.root() / "schools/real")
        .link(".#site.yaml", "user@host.1234");  // an editor's lock file: hidden, read by nobody
    auto result = tree.load();
    for (const char* path : {"pages/leak.md", "news", "layouts/page.mustache", "assets/style.css", "assets/.hidden",
                             "schools/real/files", "schools/linked"})
        require_error(result, path, 0, "", kLink);
    CHECK(error_count(result) == 7);
    CHECK(result.site.district.pages.empty());
    REQUIRE(result.site.schools.size() == 1);  // the linked school folder is not read
    CHECK(result.site.schools[0].slug == "real");
}

TEST_CASE("safety: a school's own readers report a link once, even beside the walk", "[load][links]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/a/school.yaml", "name: А\n")
        .link("schools/a/documents.yaml", tree.outside() / "secret.txt")
        .link("schools/a/pages/p.md", tree.outside() / "page.md");
    auto result = tree.load();
    require_error(result, "schools/a/documents.yaml", 0, "", kLink);
    require_error(result, "schools/a/pages/p.md", 0, "", kLink);
    CHECK(error_count(result) == 2);
    // A school read alone (a section-only build) finds them too.
    auto alone = shnor::load::load_school(tree.root(), "a");
    require_diagnostic(alone.diagnostics, Severity::error, "schools/a/documents.yaml", 0, "", kLink);
    require_diagnostic(alone.diagnostics, Severity::error, "schools/a/pages/p.md", 0, "", kLink);
}

TEST_CASE("safety: a school from the cache whose published file became a link is refused", "[load][links]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/a/school.yaml", "name: А\n")
        .file("schools/a/files/x.pdf", "%PDF")
        .file("schools/a/documents.yaml", "- {id: x, title: X, file: files/x.pdf}\n")
        .file("schools/a/news/2024-01-01-n.md", "---\ntitle: N\nphotos: [files/x.pdf]\n---\n");
    auto cached = shnor::load::load_school(tree.root(), "a");
    REQUIRE_FALSE(cached.diagnostics.has_errors());
    // Replaced by a link, the stamps could stay the same: the cache would not notice.
    fs::remove(tree.root() / "schools/a/files/x.pdf");
    tree.link("schools/a/files/x.pdf", tree.outside() / "secret.txt");
    auto result = load_site(tree.root(), [&](const std::string&) { return cached; });
    require_error(result, "schools/a/files/x.pdf", 0, "", kLink);
    CHECK(error_count(result) == 1);
}

TEST_CASE("safety: paths from content stay inside the content folder", "[load][links]") {
    ContentTree tree;
    tree.minimal_site()
        .file("files/ok.pdf", "%PDF")
        .link("files/sub", tree.outside())
        .file("documents.yaml",
              "- {id: a, title: A, file: files/../../site.yaml}\n"
              "- {id: b, title: B, file: /etc/passwd}\n"
              "- {id: c, title: C, file: files/sub/secret.txt}\n"
              "- {id: d, title: D, file: .git/config}\n"
              "- {id: e, title: E, file: ./files/../files/ok.pdf}\n")
        .file("schools/s/school.yaml", "name: S\n")
        .file("schools/s/news/2024-01-01-n.md",
              "---\ntitle: N\nphotos: [../../../outside/secret.txt, ../../files/ok.pdf]\n---\n");
    auto result = tree.load();
    require_error(result, "documents.yaml", 1, "[1].file", "за пределы папки с материалами");
    require_error(result, "documents.yaml", 2, "[2].file", "должен быть относительным");
    require_error(result, "documents.yaml", 3, "[3].file", "через символическую ссылку «files/sub»");
    require_error(result, "documents.yaml", 4, "[4].file", "скрытому файлу");
    require_error(result, "files/sub", 0, "", kLink);
    require_error(result, "schools/s/news/2024-01-01-n.md", 3, "photos[1]", "за пределы папки с материалами");
    CHECK(error_count(result) == 6);
    const auto& documents = result.site.district.documents;
    CHECK(documents.at(4).site_path == "files/ok.pdf");  // normalised, inside: fine
    // A school may show a district file; it keeps its place in the output.
    CHECK(result.site.schools.at(0).own.news.at(0).photo_site_paths == std::vector<std::string>{"files/ok.pdf"});
}

TEST_CASE("safety: file: sources are read from inside the content folder only", "[load][links]") {
    ContentTree tree;
    fs::path absolute_inside = fs::absolute(tree.root() / "sources/in.csv");
    tree.file("sources/in.csv", "a\n1\n")
        .link("sources/linked.csv", tree.outside() / "secret.txt")
        .file("site.yaml", "title: Сайт\nbase_url: https://example.org/\nsources:\n"
                           "  - {id: up, url: 'file:../outside/secret.txt', role: data, format: csv}\n"
                           "  - {id: abs, url: 'file:///etc/passwd', role: data, format: csv}\n"
                           "  - {id: link, url: 'file:sources/linked.csv', role: data, format: csv}\n"
                           "  - {id: host, url: 'file://host/etc/passwd', role: data, format: csv}\n"
                           "  - {id: in, url: 'file:sources/in.csv', role: data, format: csv}\n"
                           "  - {id: in-abs, url: 'file://" +
                               absolute_inside.string() + "', role: data, format: csv}\n");
    auto result = tree.load();
    require_error(result, "site.yaml", 4, "sources[1].url", "за пределы папки с материалами");
    require_error(result, "site.yaml", 5, "sources[2].url", "лежит вне папки с материалами");
    require_error(result, "site.yaml", 6, "sources[3].url", "через символическую ссылку «sources/linked.csv»");
    require_error(result, "site.yaml", 7, "sources[4].url", "лежит вне папки с материалами");
    require_error(result, "sources/linked.csv", 0, "", kLink);
    CHECK(error_count(result) == 5);
    // Refused sources are dropped, so not even `check` fetches them.
    REQUIRE(result.site.config.sources.size() == 2);
    CHECK(result.site.config.sources[0].id == "in");
    CHECK(result.site.config.sources[1].id == "in-abs");
}

// ---- size limits -------------------------------------------------------------

TEST_CASE("safety: files past their size limit are errors naming the file and the limit", "[load][limits]") {
    const auto& limits = shnor::load::read_limits();
    REQUIRE(limits.text_bytes == 5 * 1024 * 1024);
    REQUIRE(limits.attachment_bytes == 100 * 1024 * 1024);
    ContentTree tree;
    tree.minimal_site()
        .sparse("roadmaps/huge.yaml", 200 * 1024 * 1024)
        .sparse("pages/huge.md", limits.text_bytes + 1)
        .sparse("files/huge.pdf", limits.attachment_bytes + 1)
        .sparse("files/fits.pdf", limits.attachment_bytes)
        .sparse("assets/huge.js", limits.attachment_bytes + 1)
        .sparse("layouts/huge.mustache", limits.text_bytes + 1)
        .file("documents.yaml", "- {id: a, title: A, file: files/huge.pdf}\n- {id: b, title: B, file: files/fits.pdf}\n")
        .file("schools/s/school.yaml", "name: S\n")
        .sparse("schools/s/results.csv", limits.text_bytes * 2);
    auto result = tree.load();
    require_error(result, "roadmaps/huge.yaml", 0, "", "файл больше допустимого: 200 МБ при ограничении 5 МБ");
    require_error(result, "pages/huge.md", 0, "", "при ограничении 5 МБ (ограничение меняет переменная окружения SHNOR_MAX_TEXT_MB)");
    require_error(result, "documents.yaml", 1, "[1].file",
                  "файл «files/huge.pdf» больше допустимого: 100 МБ при ограничении 100 МБ (ограничение меняет "
                  "переменная окружения SHNOR_MAX_FILE_MB)");
    require_error(result, "assets/huge.js", 0, "", "при ограничении 100 МБ");
    require_error(result, "layouts/huge.mustache", 0, "", "при ограничении 5 МБ");
    require_error(result, "schools/s/results.csv", 0, "", "10 МБ при ограничении 5 МБ");
    CHECK(error_count(result) == 6);
    CHECK(result.site.district.documents.at(1).file_size == limits.attachment_bytes);
}

// ---- encodings and control characters ----------------------------------------

TEST_CASE("safety: a Windows-1251 YAML or Markdown file is an error with its line and the iconv command",
          "[load][encoding]") {
    ContentTree tree;
    tree.minimal_site()
        // «title: Дорожная карта» in Windows-1251 on line 2.
        .file("roadmaps/r.yaml", "items: []\ntitle: \xC4\xEE\xF0\xEE\xE6\xED\xE0\xFF \xEA\xE0\xF0\xF2\xE0\n")
        .file("pages/p.md", "---\ntitle: ok\n---\n\xCF\xF0\xE8\xE2\xE5\xF2\n")
        .file("pages/u.md", "---\ntitle: ok\n---\nbroken \x80\x81\x83 bytes\n")
        .file("indicators.yaml", std::string("\xFF\xFE-\0 \0", 6));
    auto result = tree.load();
    std::string path = (tree.root() / "roadmaps/r.yaml").string();
    require_error(result, "roadmaps/r.yaml", 2, "",
                  "файл в кодировке Windows-1251 (cp1251), а нужна UTF-8: перекодируйте его в UTF-8 командой iconv "
                  "-f cp1251 -t utf-8 " + path + " > " + path + ".new");
    require_error(result, "pages/p.md", 4, "", "Windows-1251");
    require_error(result, "pages/u.md", 4, "", "не являются текстом в кодировке UTF-8");
    require_error(result, "indicators.yaml", 1, "", "UTF-16");
    CHECK(error_count(result) == 4);
    CHECK(result.site.district.roadmaps.empty());
    CHECK(result.site.district.pages.empty());
}

TEST_CASE("safety: control characters are stripped from YAML, Markdown and CSV, with a warning", "[load][encoding]") {
    ContentTree tree;
    tree.minimal_site()
        .file("pages/p.md", "---\ntitle: \"Заго\x01ловок\\x07\"\n---\nТекст\x1B[31m\vдальше\x7F\xC2\x85\n")
        .file("schools/s/school.yaml", "name: \"Школа\\u0000 \\x1f№ 1\"\naddress: \"ул.\tЛенина\"\n")
        .file("schools/s/results.csv", "exam,subject,year\nОГЭ\x08,Мате\x0Cматика,2024\n");
    auto result = tree.load();
    INFO(all_messages(result.diagnostics));
    CHECK(error_count(result) == 0);
    const auto& page = result.site.district.pages.at(0);
    CHECK(page.title == "Заголовок");
    CHECK(page.body == "Текст[31m дальше\n");
    const auto& school = result.site.schools.at(0);
    CHECK(school.name == "Школа № 1");
    CHECK(school.address == "ул.\tЛенина");  // a tab is kept
    CHECK(school.results.at(0).exam == "ОГЭ");
    CHECK(school.results.at(0).subject == "Мате матика");
    require_diagnostic(result.diagnostics, Severity::warning, "pages/p.md", 2, "", "удалены управляющие символы (5,");
    require_diagnostic(result.diagnostics, Severity::warning, "schools/s/results.csv", 2, "",
                       "удалены управляющие символы (2,");
}

// ---- URLs ---------------------------------------------------------------------

TEST_CASE("safety: content URLs may only be http(s), mailto, tel or paths", "[load][urls]") {
    ContentTree tree;
    tree.file("site.yaml", "title: Сайт\nbase_url: https://example.org/\ndistrict:\n  website: javascript:alert(1)\n")
        .file("schools/s/school.yaml", "name: S\nofficial_site: \" \\tJaVa\\nScRiPt:alert(1)\"\n"
                                       "mentor: {name: M, url: 'data:text/html,<script>alert(1)</script>'}\n")
        .file("documents.yaml", "- {id: a, title: A, url: 'VBScript:msgbox'}\n"
                                "- {id: b, title: B, url: 'mailto:edu@example.org'}\n"
                                "- {id: c, title: C, url: '//evil.example/x'}\n")
        .file("news/2024-01-01-n.md", "---\ntitle: N\nlinks:\n  - javascript:void(0)\n  - {title: T, url: "
                                      "'file:///etc/passwd'}\n  - {title: OK, url: 'tel:+70000000000'}\n"
                                      "  - a\n  - https://example.org/x\n---\n")
        .file("roadmaps/r.yaml", "title: R\nitems:\n  - {n: '1', title: X, evidence: ['javascript:alert(1)']}\n");
    auto result = tree.load();
    constexpr const char* kRefused = "не подходит для ссылки";
    require_error(result, "site.yaml", 4, "district.website", kRefused);
    require_error(result, "schools/s/school.yaml", 2, "official_site", kRefused);
    require_error(result, "schools/s/school.yaml", 3, "mentor.url", kRefused);
    require_error(result, "documents.yaml", 1, "[1].url", kRefused);
    require_error(result, "documents.yaml", 3, "[3].url", kRefused);
    require_error(result, "news/2024-01-01-n.md", 4, "links[1]", kRefused);
    require_error(result, "news/2024-01-01-n.md", 5, "links[2].url", kRefused);
    require_error(result, "roadmaps/r.yaml", 3, "items[1].evidence[1]", "не найден");
    CHECK(error_count(result) == 8);
    CHECK(result.site.config.district.website.empty());
    CHECK(result.site.schools.at(0).official_site.empty());
    CHECK(result.site.schools.at(0).mentor->url.empty());
    CHECK(result.site.district.documents.at(0).url.empty());
    CHECK(result.site.district.documents.at(1).url == "mailto:edu@example.org");
    const auto& links = result.site.district.news.at(0).links;
    REQUIRE(links.size() == 3);
    CHECK(links[0].url == "tel:+70000000000");
    CHECK(links[1].url == "a");
    CHECK(links[2].url == "https://example.org/x");
}

TEST_CASE("safety: base_url must be a plain http(s) address", "[load][urls]") {
    for (const char* bad : {"javascript:alert(1)//", "https://", "https://ex ample.org/", "ftp://example.org/",
                            "https://example.org/\\\"onload=x"}) {
        ContentTree tree;
        tree.file("site.yaml", std::string("title: Сайт\nbase_url: '") + bad + "'\n");
        auto result = tree.load();
        INFO(bad);
        require_error(result, "site.yaml", 2, "base_url", "адрес сайта должен начинаться с http:// или https://");
    }
}

TEST_CASE("safety: a district source's links, base_url and text are cleaned, with warnings", "[load][urls]") {
    using nlohmann::json;
    json district = {
        {"format", "shnor-site"},
        {"base_url", "javascript:alert(1)//"},
        {"district", {{"name", "Район\x07"}, {"website", " javascript:alert(1)"}}},
        {"documents", json::array({{{"id", "a"}, {"title", "A"}, {"url", "data:text/html,x"}},
                                   {{"id", "b"}, {"title", "B"}, {"url", "https://example.org/b.pdf"}}})}};
    shnor::model::Site site;
    Diagnostics diagnostics;
    std::string base = shnor::load::merge_district_data(site, district, "", "https://district.example/data/site.json",
                                                        diagnostics);
    CHECK(base.empty());
    CHECK(site.config.district.name == "Район");
    CHECK(site.config.district.website.empty());
    REQUIRE(site.district.documents.size() == 2);
    CHECK(site.district.documents[0].url.empty());
    CHECK(site.district.documents[1].url == "https://example.org/b.pdf");
    const std::string label = "https://district.example/data/site.json";
    require_diagnostic(diagnostics, Severity::warning, label, 0, "base_url", "отброшен");
    require_diagnostic(diagnostics, Severity::warning, label, 0, "district.website", "отброшен");
    require_diagnostic(diagnostics, Severity::warning, label, 0, "documents.url", "отброшен");
    CHECK_FALSE(diagnostics.has_errors());

    // A good base_url makes a district file a link, its name percent-encoded.
    district["base_url"] = "https://district.example/shnor/";
    district["documents"] = json::array({{{"id", "c"}, {"title", "C"}, {"file", "files/Приказ #5 (100%).pdf"}}});
    shnor::model::Site school_site;
    Diagnostics quiet;
    shnor::load::merge_district_data(school_site, district, "", label, quiet);
    CHECK(school_site.district.documents.at(0).url ==
          "https://district.example/shnor/files/Приказ%20%235%20(100%25).pdf");
}

// ---- numbers --------------------------------------------------------------------

TEST_CASE("safety: results values are checked against their scale, with file:line errors", "[load][ranges]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/s/school.yaml", "name: S\n")
        .file("schools/s/results.yaml", R"Y(- {exam: ОГЭ, subject: М, grade: 9, year: 2024, mean: 1e308, scale: 5}
- {exam: ОГЭ, subject: М, grade: 9, year: 2024, mean: 5.01, scale: 5}
- {exam: ЕГЭ, subject: М, grade: 11, year: 2024, mean: 100.5, scale: 100}
- {exam: ЕГЭ, subject: М, grade: 11, year: 2024, mean: -1, scale: 100}
- {exam: ВПР, subject: М, grade: 12, year: 2024}
- {exam: ВПР, subject: М, grade: 0, year: 2024}
- {exam: ВПР, subject: М, grade: 1000000000, year: 2024}
- {exam: ВПР, subject: М, year: 1989}
- {exam: ВПР, subject: М, year: 2101}
- {exam: ВПР, subject: М, year: 2024, participants: -3}
- {exam: ВПР, subject: М, year: 2024, participants: 1000001}
- {exam: ВПР, subject: М, year: 2024, fail_share: 100.1, quality_share: -0.1}
- {exam: ВПР, subject: М, year: 2024, mean: .inf}
- {exam: ВПР, subject: М, year: 2024, mean: .nan, fail_share: nan, quality_share: -inf}
- {exam: ВПР, subject: М, year: 2024, mean: 150}
- {exam: ОГЭ, subject: М, grade: 9, year: 2024, participants: 0, mean: 5, scale: 5, fail_share: 0, quality_share: 100}
- {exam: ЕГЭ, subject: М, grade: 11, year: 1990, participants: 1000000, mean: 0, scale: 100}
- {exam: ВПР, subject: М, grade: 1, year: 2100, mean: 100}
)Y");
    auto result = tree.load();
    const std::string file = "schools/s/results.yaml";
    require_error(result, file, 1, "[1].mean", "средний балл по пятибалльной шкале должен быть от 0 до 5, получено «1e308»");
    require_error(result, file, 2, "[2].mean", "от 0 до 5, получено «5.01»");
    require_error(result, file, 3, "[3].mean", "по стобалльной шкале должен быть от 0 до 100, получено «100.5»");
    require_error(result, file, 4, "[4].mean", "от 0 до 100, получено «-1»");
    require_error(result, file, 5, "[5].grade", "номер класса должен быть от 1 до 11, получено «12»");
    require_error(result, file, 6, "[6].grade", "получено «0»");
    require_error(result, file, 7, "[7].grade", "получено «1000000000»");
    require_error(result, file, 8, "[8].year", "год должен быть от 1990 до 2100, получено «1989»");
    require_error(result, file, 9, "[9].year", "получено «2101»");
    require_error(result, file, 10, "[10].participants", "число участников должно быть от 0 до 1 000 000, получено «-3»");
    require_error(result, file, 11, "[11].participants", "получено «1000001»");
    require_error(result, file, 12, "[12].fail_share", "доля в процентах должна быть от 0 до 100, получено «100.1»");
    require_error(result, file, 12, "[12].quality_share", "получено «-0.1»");
    require_error(result, file, 13, "[13].mean", "ожидается число, получено «.inf»");
    require_error(result, file, 14, "[14].mean", "ожидается число, получено «.nan»");
    require_error(result, file, 14, "[14].fail_share", "ожидается число, получено «nan»");
    require_error(result, file, 14, "[14].quality_share", "ожидается число, получено «-inf»");
    require_error(result, file, 15, "[15].mean", "средний балл должен быть от 0 до 100, получено «150»");
    CHECK(error_count(result) == 18);
    const auto& rows = result.site.schools.at(0).results;
    REQUIRE(rows.size() == 18);
    for (const auto& row : rows) {
        if (row.mean) CHECK(std::isfinite(*row.mean));
        if (row.mean) CHECK(*row.mean <= 100);
    }
    CHECK(*rows[15].mean == 5);
    CHECK(*rows[16].participants == 1000000);
    CHECK(*rows[17].mean == 100);
}

TEST_CASE("safety: results.csv and shared results sources get the same range checks", "[load][ranges]") {
    ContentTree tree;
    tree.minimal_site()
        .file("schools/s/school.yaml", "name: S\n")
        .file("schools/s/results.csv", "exam;subject;grade;year;participants;mean;scale\n"
                                       "ОГЭ;Математика;9;2024;12;1e308;5\n"
                                       "ОГЭ;Математика;10;2024;-4;3,5;5\n");
    auto result = tree.load();
    require_error(result, "schools/s/results.csv", 2, "mean", "столбец 6: средний балл по пятибалльной шкале должен быть от 0 до 5");
    require_error(result, "schools/s/results.csv", 3, "participants", "столбец 5: число участников должно быть от 0");
    CHECK(error_count(result) == 2);

    const std::string label = "https://rcoko.example/results.csv";
    Diagnostics csv;
    auto rows = shnor::load::parse_shared_results("exam,subject,year,mean,scale,scope\nЕГЭ,Физика,2024,1e308,100,region\n"
                                                  "ЕГЭ,Физика,3024,50,100,region\n",
                                                  "csv", label, csv);
    require_diagnostic(csv, Severity::error, label, 2, "mean", "от 0 до 100, получено «1e308»");
    require_diagnostic(csv, Severity::error, label, 3, "year", "получено «3024»");
    CHECK(csv.error_count() == 2);

    Diagnostics json;
    shnor::load::parse_shared_results(R"J([{"exam": "ЕГЭ", "subject": "Физика", "year": 2024, "mean": 1e308,
  "scale": 100, "scope": "region", "grade": 99}])J",
                                      "json", label, json);
    require_diagnostic(json, Severity::error, label, 1, "[1].mean", "от 0 до 100");
    require_diagnostic(json, Severity::error, label, 2, "[1].grade", "от 1 до 11");
    CHECK(json.error_count() == 2);

    Diagnostics broken;
    shnor::load::parse_shared_results("- {exam: \xC5\xC3\xDD, subject: x, year: 2024, scope: region}\n", "yaml", label,
                                      broken);
    require_diagnostic(broken, Severity::error, label, 1, "", "Windows-1251");
}

TEST_CASE("safety: indicator values and school numbers are finite and within reason", "[load][ranges]") {
    ContentTree tree;
    tree.file("site.yaml", "title: Сайт\nbase_url: https://example.org/\ndistrict:\n  schools_total: -1\n")
        .file("indicators.yaml", R"Y(- id: a
  title: A
  baseline: {year: 2024, value: 1e308}
  target: {year: 20266, value: 7}
  values:
    - {year: 2025, value: -1e13}
    - {year: 2025, value: .inf}
    - {year: 2025, value: 1e12}
)Y")
        .file("schools/s/school.yaml", "name: S\nstudents: -5\nteachers: 100000\ndistance_km: 1e300\n"
                                       "categories:\n  - {type: shnor, year: 1024}\nself_diagnosis: {year: 99999}\n");
    auto result = tree.load();
    require_error(result, "site.yaml", 4, "district.schools_total", "ожидается число от 0 до 100 000, получено «-1»");
    require_error(result, "indicators.yaml", 3, "[1].baseline.value",
                  "ожидается число от -1 000 000 000 000 до 1 000 000 000 000, получено «1e308»");
    require_error(result, "indicators.yaml", 4, "[1].target.year", "от 1990 до 2100, получено «20266»");
    require_error(result, "indicators.yaml", 6, "[1].values[1].value", "получено «-1e13»");
    require_error(result, "indicators.yaml", 7, "[1].values[2].value", "ожидается число, получено «.inf»");
    require_error(result, "schools/s/school.yaml", 2, "students", "получено «-5»");
    require_error(result, "schools/s/school.yaml", 3, "teachers", "получено «100000»");
    require_error(result, "schools/s/school.yaml", 4, "distance_km", "получено «1e300»");
    require_error(result, "schools/s/school.yaml", 6, "categories[1].year", "получено «1024»");
    require_error(result, "schools/s/school.yaml", 7, "self_diagnosis.year", "получено «99999»");
    CHECK(error_count(result) == 10);
    const auto& indicator = result.site.indicators.at(0);
    CHECK_FALSE(indicator.baseline);
    REQUIRE(indicator.values.size() == 1);
    CHECK(indicator.values[0].value == 1e12);
}

// ---- roadmaps -------------------------------------------------------------------

TEST_CASE("safety: a repeated item number in one roadmap names both lines", "[load][roadmaps]") {
    ContentTree tree;
    tree.minimal_site()
        .file("roadmaps/r.yaml", R"Y(title: R
sections:
  - n: "1"
    items:
      - {n: "1", title: A}
      - {n: "2", title: B}
  - n: "2"
    items:
      - {n: "1", title: C}
      - {title: no number}
      - {title: no number either}
)Y")
        .file("roadmaps/flat.yaml", "title: F\nitems:\n  - {n: '3', title: A}\n  - {n: '3', title: B}\n")
        .file("roadmaps/other.yaml", "title: O\nitems:\n  - {n: '1', title: A}\n");  // another roadmap may reuse it
    auto result = tree.load();
    require_error(result, "roadmaps/r.yaml", 9, "sections[2].items[1].n", "номер «1» уже есть у мероприятия в roadmaps/r.yaml:5");
    require_error(result, "roadmaps/flat.yaml", 4, "items[2].n", "уже есть у мероприятия в roadmaps/flat.yaml:3");
    CHECK(error_count(result) == 2);
}
