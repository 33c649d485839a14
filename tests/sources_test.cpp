// Shared data sources as a build reads them (pipeline/sources.cpp): a body
// replaces the cached copy only when it reads in its format and as its role
// needs; hostile bodies are refused fast; a missing library is a message.
#include "test_paths.hpp"
#include "fetch/cache.hpp"
#include "load/load.hpp"
#include "pipeline/sources.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace shnor;
using namespace std::chrono_literals;

namespace {

struct TempFolder {
    fs::path path;
    TempFolder() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("shnor-sources-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempFolder() { fs::remove_all(path); }
    void write(const std::string& name, const std::string& text) const {
        fs::create_directories((path / name).parent_path());
        std::ofstream(path / name, std::ios::binary) << text;
    }
};

// One path on a loopback HTTP server whose answer the test sets.
class Server {
public:
    Server() {
        std::signal(SIGPIPE, SIG_IGN);
        port_ = http_.bind_to_any_port("127.0.0.1");
        http_.Get("/data", [this](const httplib::Request&, httplib::Response& response) {
            std::lock_guard lock(mutex_);
            response.set_content(body_, "application/octet-stream");
        });
        thread_ = std::thread([this] { http_.listen_after_bind(); });
        for (int i = 0; i < 500 && !http_.is_running(); ++i) std::this_thread::sleep_for(2ms);
    }
    ~Server() {
        http_.stop();
        thread_.join();
    }
    void serve(std::string body) {
        std::lock_guard lock(mutex_);
        body_ = std::move(body);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/data"; }

private:
    httplib::Server http_;
    int port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::string body_;
};

model::Source source(const std::string& id, const std::string& url, const std::string& role,
                     const std::string& format) {
    model::Source result;
    result.id = id;
    result.url = url;
    result.role = role;
    result.format = format;
    result.max_age = "1h";
    result.pos = {"site.yaml", 7};
    return result;
}

struct Fetched {
    pipeline::SharedData shared;
    model::Diagnostics diagnostics;
    double seconds = 0;
};

Fetched fetch_sources(const std::vector<model::Source>& sources, const TempFolder& content, const TempFolder& cache,
              bool offline = false) {
    Fetched fetched;
    auto start = std::chrono::steady_clock::now();
    fetched.shared = pipeline::fetch_shared_data(sources, content.path, {cache.path, offline}, fetched.diagnostics);
    fetched.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return fetched;
}

std::string messages(const model::Diagnostics& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics.items()) text += d.format() + "\n";
    return text;
}

bool has(const model::Diagnostics& diagnostics, model::Severity severity, const std::string& part) {
    for (const auto& d : diagnostics.items())
        if (d.severity == severity && d.file == "site.yaml" && d.line == 7 && d.message.find(part) != std::string::npos)
            return true;
    return false;
}

// A copy of `body` for `url` that a fetch 3 hours ago left in the cache.
void cached_3h_ago(const TempFolder& cache, const std::string& url, const std::string& body) {
    fetch::Cache(cache.path).store({url, "", "", fetch::Clock::now() - 3h, body});
}

std::string cached_body(const TempFolder& cache, const std::string& url) {
    auto entry = fetch::Cache(cache.path).load(url);
    return entry ? entry->body : "<no cache>";
}

constexpr const char* kRegionResults =
    "scope,exam,subject,year,mean,scale\nregion,ЕГЭ,Русский язык,2024,68.2,100\nregion,ЕГЭ,Математика,2024,55.1,100\n";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct RunResult {
    int exit_code;
    std::string output;
};

RunResult run_shnor(const std::string& environment, const std::string& arguments, const TempFolder& scratch) {
    fs::path log = scratch.path / "shnor-output.txt";
    std::string command =
        environment + " '" + SHNOR_BINARY + "' " + arguments + " >'" + log.string() + "' 2>&1";
    int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_file(log)};
}

}  // namespace

TEST_CASE("sources: a broken answer keeps the region's results; recovery replaces them", "[sources][network]") {
    Server server;
    TempFolder content, cache;
    auto results = source("region-results", server.url(), "results", "csv");
    cached_3h_ago(cache, results.url, kRegionResults);

    struct Bad {
        std::string body, reason;
    };
    for (const auto& bad : {Bad{"", "получен пустой файл"},
                            Bad{"\xEF\xBB\xBF\r\n  \n", "получен пустой файл"},
                            Bad{"scope,exam,subject,year,mean,scale\n", "в файле нет ни одной строки результатов"},
                            Bad{"scope,exam,subject,year,mean,scale\nregion,ЕГЭ,Русский язык,2024,шестьдесят,100\n",
                                "не годится как результаты: строка 2, позиция 30, поле «mean»"},
                            Bad{"<html><body>502 Bad Gateway</body></html>", "не годится как результаты"}}) {
        INFO("served: «" << bad.body << "»");
        server.serve(bad.body);
        auto fetched = fetch_sources({results}, content, cache);
        INFO(messages(fetched.diagnostics));
        CHECK_FALSE(fetched.diagnostics.has_errors());
        CHECK(has(fetched.diagnostics, model::Severity::warning,
                  "источник «region-results»: " + results.url + ": " + bad.reason));
        CHECK(has(fetched.diagnostics, model::Severity::warning, "используется копия из кэша возрастом 3 ч"));
        CHECK(fetched.shared.results.size() == 2);  // the region's rows are still there
        CHECK(cached_body(cache, results.url) == kRegionResults);
    }

    std::string updated = std::string(kRegionResults) + "region,ОГЭ,Математика,2024,3.4,5\n";
    server.serve(updated);
    auto recovered = fetch_sources({results}, content, cache);
    INFO(messages(recovered.diagnostics));
    CHECK(recovered.diagnostics.items().empty());
    CHECK(recovered.shared.results.size() == 3);
    CHECK(cached_body(cache, results.url) == updated);
}

TEST_CASE("sources: a truncated or empty JSON answer keeps the last good copy of a data source", "[sources][network]") {
    Server server;
    TempFolder content, cache;
    auto data = source("links", server.url(), "data", "json");
    cached_3h_ago(cache, data.url, "{\"links\": [{\"title\": \"Минпросвещения\"}]}");
    for (const std::string& bad :
         {std::string("{\"links\": [{\"title\": \"Минпрос"), std::string(), std::string(100'000, '[')}) {
        server.serve(bad);
        auto fetched = fetch_sources({data}, content, cache);
        INFO(messages(fetched.diagnostics));
        CHECK_FALSE(fetched.diagnostics.has_errors());
        CHECK(has(fetched.diagnostics, model::Severity::warning, "используется копия из кэша возрастом 3 ч"));
        REQUIRE(fetched.shared.data.count("links"));
        CHECK(fetched.shared.data.at("links")["links"][0]["title"] == "Минпросвещения");
    }
}

TEST_CASE("sources: with no good copy a bad answer is an error naming the URL and why", "[sources][network]") {
    Server server;
    TempFolder content, cache;
    server.serve("");
    auto results = source("region-results", server.url(), "results", "csv");
    auto list = source("list", server.url(), "schools-list", "csv");
    auto district = source("district", server.url(), "district", "json");

    auto empty = fetch_sources({results}, content, cache);
    CHECK(has(empty.diagnostics, model::Severity::error,
              "источник «region-results»: " + results.url + ": получен пустой файл"));
    CHECK(empty.shared.results.empty());
    CHECK(cached_body(cache, results.url) == "<no cache>");

    server.serve("name,type,year\n");
    auto no_rows = fetch_sources({list}, content, cache);
    CHECK(has(no_rows.diagnostics, model::Severity::error, list.url + ": в файле нет ни одной строки перечня"));

    server.serve("[1, 2, 3]");
    auto not_site = fetch_sources({district}, content, cache);
    CHECK(has(not_site.diagnostics, model::Severity::error,
              district.url + ": не годится как данные района: ожидается объект JSON из data/site.json"));
}

TEST_CASE("sources: a sha256 mismatch keeps the pinned copy", "[sources][network]") {
    Server server;
    TempFolder content, cache;
    auto results = source("region-results", server.url(), "results", "csv");
    results.sha256 = fetch::sha256_hex(kRegionResults);
    cached_3h_ago(cache, results.url, kRegionResults);
    server.serve(std::string(kRegionResults) + "region,ОГЭ,Математика,2024,3.4,5\n");
    auto fetched = fetch_sources({results}, content, cache);
    INFO(messages(fetched.diagnostics));
    CHECK_FALSE(fetched.diagnostics.has_errors());
    CHECK(has(fetched.diagnostics, model::Severity::warning, "контрольная сумма sha256 не совпадает"));
    CHECK(fetched.shared.results.size() == 2);
}

TEST_CASE("sources: corrupt cache metadata is a warning, and the source is fetched again", "[sources][network]") {
    Server server;
    TempFolder content, cache;
    auto results = source("region-results", server.url(), "results", "csv");
    cached_3h_ago(cache, results.url, kRegionResults);
    std::ofstream(fetch::Cache(cache.path).meta_path(results.url)) << "{\"url\":5}";
    server.serve(kRegionResults);
    auto fetched = fetch_sources({results}, content, cache);
    INFO(messages(fetched.diagnostics));
    CHECK_FALSE(fetched.diagnostics.has_errors());
    CHECK(has(fetched.diagnostics, model::Severity::warning, "копия в кэше повреждена"));
    CHECK(fetched.shared.results.size() == 2);

    // Offline, the same damage is a warning beside the error "no copy".
    std::ofstream(fetch::Cache(cache.path).meta_path(results.url)) << "{\"url\":5}";
    auto offline = fetch_sources({results}, content, cache, true);
    CHECK(has(offline.diagnostics, model::Severity::warning, "копия в кэше повреждена"));
    CHECK(has(offline.diagnostics, model::Severity::error, "копии в кэше нет"));
}

TEST_CASE("sources: hostile data sources are refused fast with a clear error", "[sources]") {
    TempFolder content, cache;
    // 100,000 levels of JSON (a SIGSEGV in view::data_of_json before).
    content.write("sources/deep.json", std::string(100'000, '[') + std::string(100'000, ']'));
    // A 1 KB YAML alias bomb: a billion strings once expanded (4.4 GB in 28 s before).
    std::string bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int level = 1; level <= 8; ++level) {
        bomb += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
        for (int i = 0; i < 10; ++i) bomb += (i ? ", *a" : "*a") + std::to_string(level - 1);
        bomb += "]\n";
    }
    bomb += "top: *a8\n";
    REQUIRE(bomb.size() < 1024);
    content.write("sources/bomb.yaml", bomb);
    content.write("sources/deep.yaml", "top:\n  - " + std::string(150, '[') + std::string(150, ']') + "\n");

    auto fetched = fetch_sources({source("deep", "file:sources/deep.json", "data", "json"),
                          source("bomb", "file:sources/bomb.yaml", "data", "yaml"),
                          source("deep-yaml", "file:sources/deep.yaml", "data", "yaml")},
                         content, cache);
    INFO(messages(fetched.diagnostics));
    CHECK(fetched.seconds < 2.0);
    CHECK(has(fetched.diagnostics, model::Severity::error,
              "источник «deep»: file://" + (content.path / "sources/deep.json").string() +
                  ": не читается как json: вложенность списков и словарей больше 100 уровней"));
    CHECK(has(fetched.diagnostics, model::Severity::error,
              "источник «bomb»: file://" + (content.path / "sources/bomb.yaml").string() +
                  ": не читается как yaml: строка 1: слишком много элементов"));
    CHECK(has(fetched.diagnostics, model::Severity::error,
              "источник «deep-yaml»: file://" + (content.path / "sources/deep.yaml").string() +
                  ": не читается как yaml: строка 2: вложенность списков и словарей больше 100 уровней"));
    CHECK(fetched.shared.data.empty());
}

TEST_CASE("sources: `shnor build` with a 100,000-deep JSON source stops with a message, not a crash", "[sources]") {
    TempFolder scratch;
    scratch.write("content/site.yaml", "title: Сайт\nbase_url: https://example.org/shnor/\nsources:\n"
                                       "  - {id: deep, url: 'file:deep.json', role: data, format: json}\n");
    scratch.write("content/deep.json", std::string(100'000, '[') + std::string(100'000, ']'));
    auto result = run_shnor("", "build --content '" + (scratch.path / "content").string() + "' --out '" +
                                    (scratch.path / "site").string() + "' --cache '" +
                                    (scratch.path / "cache").string() + "' --date 2024-11-01",
                            scratch);
    INFO(result.output);
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("site.yaml:4: ошибка: поле «sources»: источник «deep»") != std::string::npos);
    CHECK(result.output.find("больше 100 уровней") != std::string::npos);
}

TEST_CASE("sources: a missing libcrypto or libcurl is a Russian message, not an abort", "[sources]") {
    TempFolder scratch;
    scratch.write("content/site.yaml", "title: Сайт\nbase_url: https://example.org/shnor/\nsources:\n"
                                       "  - {id: list, url: 'file:list.csv', role: schools-list, format: csv}\n");
    scratch.write("content/list.csv", "name,type,year\nСОШ № 1,shnor,2024\n");
    // A file that is not a library, found first by the dynamic loader.
    scratch.write("lib/" SHNOR_LIBCRYPTO_SONAME, "not a library");
    std::string arguments = "fetch --content '" + (scratch.path / "content").string() + "' --cache '" +
                            (scratch.path / "cache").string() + "'";
    std::string environment = "LD_LIBRARY_PATH='" + (scratch.path / "lib").string() + "'";

    auto no_crypto = run_shnor(environment, arguments, scratch);
    INFO(no_crypto.output);
    CHECK(no_crypto.exit_code == 1);
    CHECK(no_crypto.output.find("не удалось загрузить библиотеку " SHNOR_LIBCRYPTO_SONAME) != std::string::npos);
    CHECK(no_crypto.output.find("apt install libssl3") != std::string::npos);
    CHECK(no_crypto.output.find("terminate") == std::string::npos);

    fs::remove(scratch.path / "lib" / SHNOR_LIBCRYPTO_SONAME);
    scratch.write("lib/" SHNOR_LIBCURL_SONAME, "not a library");
    auto no_curl = run_shnor(environment, arguments, scratch);
    INFO(no_curl.output);
    CHECK(no_curl.exit_code == 1);
    CHECK(no_curl.output.find("не удалось загрузить библиотеку " SHNOR_LIBCURL_SONAME) != std::string::npos);
    CHECK(no_curl.output.find("apt install libcurl4") != std::string::npos);
    CHECK(no_curl.output.find("terminate") == std::string::npos);
}

TEST_CASE("sources: `timeout` in site.yaml takes seconds or minutes up to 10 minutes", "[sources]") {
    TempFolder content;
    content.write("site.yaml", "title: Сайт\nbase_url: https://example.org/shnor/\nsources:\n"
                               "  - {id: a, url: 'https://a.example/x.csv', role: data, format: csv, timeout: 20s}\n"
                               "  - {id: b, url: 'https://b.example/x.csv', role: data, format: csv, timeout: 2m}\n"
                               "  - {id: c, url: 'https://c.example/x.csv', role: data, format: csv, timeout: 1h}\n"
                               "  - {id: d, url: 'https://d.example/x.csv', role: data, format: csv, timeout: 601s}\n"
                               "  - {id: e, url: 'https://e.example/x.csv', role: data, format: csv}\n");
    auto loaded = load::load_site(content.path);
    INFO(messages(loaded.diagnostics));
    REQUIRE(loaded.site.config.sources.size() == 5);
    CHECK(loaded.site.config.sources[0].timeout == "20s");
    CHECK(loaded.site.config.sources[1].timeout == "2m");
    CHECK(loaded.site.config.sources[4].timeout.empty());
    std::size_t errors = 0;
    for (const auto& d : loaded.diagnostics.items()) {
        if (d.severity != model::Severity::error) continue;
        ++errors;
        CHECK(d.message.find("ожидается время вида 20s или 2m") != std::string::npos);
        CHECK((d.field == "sources[3].timeout" || d.field == "sources[4].timeout"));
    }
    CHECK(errors == 2);
}

TEST_CASE("sources: a file: source is read when the content folder's path has a space, Cyrillic and %", "[sources]") {
    TempFolder root, cache;
    // A webmaster's desktop: «Рабочий стол» (a space broke the file:// address before).
    fs::path content = root.path / u8"Рабочий стол 100%/материалы";
    fs::create_directories(content / "sources");
    std::ofstream(content / "sources/list.csv", std::ios::binary) << "name;type;year\nМКОУ Шубинская СОШ;shnor;2024\n";
    CHECK(pipeline::resolved_url("file:sources/list.csv", content) ==
          "file://" + root.path.generic_string() +
              "/%D0%A0%D0%B0%D0%B1%D0%BE%D1%87%D0%B8%D0%B9%20%D1%81%D1%82%D0%BE%D0%BB%20100%25/"
              "%D0%BC%D0%B0%D1%82%D0%B5%D1%80%D0%B8%D0%B0%D0%BB%D1%8B/sources/list.csv");

    model::Diagnostics diagnostics;
    auto shared = pipeline::fetch_shared_data({source("list", "file:sources/list.csv", "data", "csv")}, content,
                                              {cache.path, false}, diagnostics);
    INFO(messages(diagnostics));
    for (const auto& item : diagnostics.items()) CHECK(item.severity != model::Severity::error);
    REQUIRE(shared.data.count("list") == 1);
    CHECK(shared.data["list"].dump().find("Шубинская") != std::string::npos);
}
