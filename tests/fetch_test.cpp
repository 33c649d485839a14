// fetch against real HTTP servers on 127.0.0.1, started by each test.
#include "fetch/cache.hpp"
#include "fetch/fetch.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace shnor::fetch;
using shnor::model::Source;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempFolder {
    fs::path path;
    TempFolder() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("shnor-fetch-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
    }
    ~TempFolder() { fs::remove_all(path); }
};

// An HTTP server on a free loopback port, in a background thread. Register
// the handlers on `http`, then call start().
class TestServer {
public:
    httplib::Server http;

    TestServer() {
        std::signal(SIGPIPE, SIG_IGN);  // clients hang up on purpose in some tests
        http.new_task_queue = [] { return new httplib::ThreadPool(16); };
        port_ = http.bind_to_any_port("127.0.0.1");
    }
    ~TestServer() {
        http.stop();
        if (thread_.joinable()) thread_.join();
    }
    void start() {
        thread_ = std::thread([this] { http.listen_after_bind(); });
        for (int i = 0; i < 500 && !http.is_running(); ++i) std::this_thread::sleep_for(2ms);
        REQUIRE(http.is_running());
    }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

private:
    int port_ = 0;
    std::thread thread_;
};

// A loopback port that refuses connections: bound but never listening, and
// held for the whole test so nobody else can take it.
class RefusingPort {
public:
    RefusingPort() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~RefusingPort() { ::close(fd_); }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

private:
    int fd_ = -1;
    int port_ = 0;
};

Source source(const std::string& id, const std::string& url, const std::string& max_age = "1d",
              const std::string& sha256 = "") {
    Source result;
    result.id = id;
    result.url = url;
    result.role = "data";
    result.format = "csv";
    result.max_age = max_age;
    result.sha256 = sha256;
    return result;
}

// A clock the test moves by hand.
struct ManualClock {
    Clock::time_point now = Clock::time_point(std::chrono::seconds(1'790'000'000));
    std::function<Clock::time_point()> function() {
        return [this] { return now; };
    }
};

FetchOptions test_options(const TempFolder& cache, ManualClock* clock = nullptr) {
    FetchOptions options;
    options.cache_dir = cache.path;
    // Generous: a loaded CI machine (load average 20) once took more than 3 s
    // for a 1 s answer. The tests of timeouts set their own, short ones.
    options.connect_timeout_ms = 10000;
    options.total_timeout_ms = 20000;
    options.backoff_ms = 10;
    if (clock) options.now = clock->function();
    return options;
}

FetchResult fetch_one(const Source& one, const FetchOptions& options) {
    auto results = fetch_all({one}, options);
    REQUIRE(results.size() == 1);
    return results[0];
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::string cached_body(const TempFolder& cache, const std::string& url) {
    auto entry = Cache(cache.path).load(url);
    return entry ? entry->body : "<no cache>";
}

}  // namespace

TEST_CASE("fetch: max_age is read as minutes, hours or days; default 1d when malformed", "[fetch]") {
    CHECK(parse_max_age("30m") == std::chrono::minutes(30));
    CHECK(parse_max_age("12h") == std::chrono::hours(12));
    CHECK(parse_max_age("1d") == std::chrono::hours(24));
    CHECK(parse_max_age("7d") == std::chrono::hours(24 * 7));
    CHECK(parse_max_age("45s") == std::chrono::seconds(45));
    CHECK_FALSE(parse_max_age(""));
    CHECK_FALSE(parse_max_age("d"));
    CHECK_FALSE(parse_max_age("1 day"));
    CHECK_FALSE(parse_max_age("-1d"));
    CHECK_FALSE(parse_max_age("12"));
    CHECK_FALSE(parse_max_age("1w"));
}

TEST_CASE("fetch: sha256 of known inputs", "[fetch]") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("fetch: default cache folder sits beside the content folder", "[fetch]") {
    CHECK(default_cache_dir("/srv/site/content") == fs::path("/srv/site/.shnor-cache"));
    CHECK(default_cache_dir("/srv/site/content/") == fs::path("/srv/site/.shnor-cache"));
}

TEST_CASE("fetch: sources are downloaded in parallel", "[fetch][network]") {
    TestServer server;
    std::atomic<int> requests{0}, in_flight{0}, most_in_flight{0};
    server.http.Get(R"(/slow/(\d+))", [&](const httplib::Request& request, httplib::Response& response) {
        ++requests;
        int now = ++in_flight;
        for (int most = most_in_flight; now > most && !most_in_flight.compare_exchange_weak(most, now);) {
        }
        std::this_thread::sleep_for(1s);
        --in_flight;
        response.set_content("body " + std::string(request.matches[1]), "text/csv");
    });
    server.start();

    TempFolder cache;
    std::vector<Source> sources;
    for (int i = 0; i < 8; ++i) sources.push_back(source("s" + std::to_string(i), server.url("/slow/" + std::to_string(i))));
    auto started = std::chrono::steady_clock::now();
    auto results = fetch_all(sources, test_options(cache));
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "fetch: 8 sources delayed 1 s each took " << elapsed << " s\n";

    // Parallel, seen by the server: requests overlap. Not a wall-clock bound
    // near 1 s, which a loaded machine misses; one after the other takes 8 s.
    CHECK(most_in_flight >= 4);
    CHECK(elapsed < 7.5);
    CHECK(requests == 8);
    REQUIRE(results.size() == 8);
    for (int i = 0; i < 8; ++i) {
        INFO(results[i].error);
        CHECK(results[i].id == "s" + std::to_string(i));  // input order kept
        CHECK(results[i].state == CacheState::updated);
        CHECK(results[i].http_status == 200);
        CHECK(results[i].body == "body " + std::to_string(i));
        CHECK(results[i].seconds >= 0.9);
        CHECK(results[i].error.empty());
    }
}

TEST_CASE("fetch: within max_age the cached copy is used without a request", "[fetch][network]") {
    TestServer server;
    std::atomic<int> requests{0};
    std::string user_agent;
    std::mutex mutex;
    server.http.Get("/data.csv", [&](const httplib::Request& request, httplib::Response& response) {
        ++requests;
        std::lock_guard lock(mutex);
        user_agent = request.get_header_value("User-Agent");
        response.set_content("a,b\n1,2\n", "text/csv");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto data = source("data", server.url("/data.csv"), "12h");

    auto first = fetch_one(data, options);
    CHECK(first.state == CacheState::updated);
    CHECK(first.body == "a,b\n1,2\n");
    CHECK(requests == 1);
    CHECK(user_agent.rfind(std::string("shnor-site/") + SHNOR_VERSION, 0) == 0);

    clock.now += 11h;
    auto second = fetch_one(data, options);
    CHECK(second.state == CacheState::fresh);
    CHECK(second.body == "a,b\n1,2\n");
    CHECK(second.http_status == 0);
    REQUIRE(second.cached_age_seconds);
    CHECK(*second.cached_age_seconds == Approx(11 * 3600));
    CHECK(requests == 1);

    clock.now += 2h;  // past 12h: asked again
    auto third = fetch_one(data, options);
    CHECK(third.state == CacheState::updated);
    CHECK(requests == 2);
}

TEST_CASE("fetch: after max_age an ETag is revalidated with If-None-Match; 304 keeps the body", "[fetch][network]") {
    TestServer server;
    std::atomic<int> requests{0}, conditional{0};
    std::string current_body = "version 1", current_etag = "\"v1\"";
    std::mutex mutex;
    server.http.Get("/results.csv", [&](const httplib::Request& request, httplib::Response& response) {
        ++requests;
        std::lock_guard lock(mutex);
        if (request.get_header_value("If-None-Match") == current_etag) {
            ++conditional;
            response.status = 304;
            return;
        }
        response.set_header("ETag", current_etag);
        response.set_content(current_body, "text/csv");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto results = source("results", server.url("/results.csv"), "1d");

    CHECK(fetch_one(results, options).state == CacheState::updated);
    CHECK(requests == 1);

    clock.now += 25h;
    auto revalidated = fetch_one(results, options);
    CHECK(revalidated.state == CacheState::revalidated);
    CHECK(revalidated.http_status == 304);
    CHECK(revalidated.body == "version 1");
    CHECK(requests == 2);
    CHECK(conditional == 1);

    // The 304 restarted max_age.
    clock.now += 23h;
    CHECK(fetch_one(results, options).state == CacheState::fresh);
    CHECK(requests == 2);

    {
        std::lock_guard lock(mutex);
        current_body = "version 2";
        current_etag = "\"v2\"";
    }
    clock.now += 2h;
    auto updated = fetch_one(results, options);
    CHECK(updated.state == CacheState::updated);
    CHECK(updated.http_status == 200);
    CHECK(updated.body == "version 2");
    CHECK(requests == 3);
    CHECK(cached_body(cache, results.url) == "version 2");
}

TEST_CASE("fetch: Last-Modified is sent back as If-Modified-Since", "[fetch][network]") {
    TestServer server;
    std::atomic<int> not_modified{0};
    const std::string stamp = "Wed, 21 Oct 2026 07:28:00 GMT";
    server.http.Get("/list.csv", [&](const httplib::Request& request, httplib::Response& response) {
        if (request.get_header_value("If-Modified-Since") == stamp) {
            ++not_modified;
            response.status = 304;
            return;
        }
        response.set_header("Last-Modified", stamp);
        response.set_content("name,type\n", "text/csv");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto list = source("list", server.url("/list.csv"), "30m");
    CHECK(fetch_one(list, options).state == CacheState::updated);
    clock.now += 31min;
    auto second = fetch_one(list, options);
    CHECK(second.state == CacheState::revalidated);
    CHECK(second.body == "name,type\n");
    CHECK(not_modified == 1);
}

TEST_CASE("fetch: offline uses only the cache", "[fetch][network]") {
    TestServer server;
    std::atomic<int> requests{0};
    server.http.Get("/data.json", [&](const httplib::Request&, httplib::Response& response) {
        ++requests;
        response.set_content("{\"a\": 1}", "application/json");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto data = source("data", server.url("/data.json"), "1d");
    auto missing = source("missing", server.url("/never-fetched.json"));

    options.offline = true;
    auto nothing = fetch_one(data, options);
    CHECK(nothing.state == CacheState::failed);
    CHECK(nothing.body.empty());
    CHECK(nothing.error == data.url + ": копии в кэше нет, а загрузка отключена (работа без сети)");
    CHECK(requests == 0);

    options.offline = false;
    REQUIRE(fetch_one(data, options).state == CacheState::updated);
    REQUIRE(requests == 1);

    options.offline = true;
    clock.now += 1h;
    auto fresh = fetch_one(data, options);
    CHECK(fresh.state == CacheState::fresh);
    CHECK(fresh.body == "{\"a\": 1}");

    clock.now += 72h;
    auto results = fetch_all({data, missing}, options);
    CHECK(results[0].state == CacheState::stale);
    CHECK(results[0].body == "{\"a\": 1}");
    CHECK(results[0].error == data.url + ": работа без сети, используется копия из кэша возрастом 3 дн.");
    REQUIRE(results[0].cached_age_seconds);
    CHECK(*results[0].cached_age_seconds == Approx(73 * 3600));
    CHECK(results[1].state == CacheState::failed);
    CHECK(requests == 1);
}

TEST_CASE("fetch: a refused connection fails, or falls back to the cached copy", "[fetch][network]") {
    RefusingPort nobody;
    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto data = source("data", nobody.url("/data.csv"));

    auto failed = fetch_one(data, options);
    CHECK(failed.state == CacheState::failed);
    CHECK(failed.http_status == 0);
    CHECK(failed.body.empty());
    CHECK(failed.error == data.url + ": соединение отклонено");
    CHECK_FALSE(failed.cached_age_seconds);

    // A copy cached earlier (as a successful fetch would have left it).
    Cache(cache.path).store({data.url, "", "", clock.now - 50h, "old,body\n"});
    auto stale = fetch_one(data, options);
    CHECK(stale.state == CacheState::stale);
    CHECK(stale.body == "old,body\n");
    CHECK(stale.error == data.url + ": соединение отклонено; используется копия из кэша возрастом 2 дн.");
    REQUIRE(stale.cached_age_seconds);
    CHECK(*stale.cached_age_seconds == Approx(50 * 3600));
    CHECK(cached_body(cache, data.url) == "old,body\n");
}

// Holds a handler until the test ends (or 5 s pass), like a server that
// accepted the connection and never answers.
struct SilentServer {
    TestServer server;
    std::atomic<bool> released{false};
    std::atomic<int> requests{0}, failures_first{0};
    explicit SilentServer(int failures_before_silence = 0) {
        failures_first = failures_before_silence;
        server.http.Get("/silent", [this](const httplib::Request&, httplib::Response& response) {
            ++requests;
            if (failures_first-- > 0) {
                response.status = 503;
                return;
            }
            for (int i = 0; i < 500 && !released; ++i) std::this_thread::sleep_for(10ms);
            response.set_content("late", "text/plain");
        });
        server.start();
    }
    ~SilentServer() { released = true; }
};

TEST_CASE("fetch: a silent server costs at most the source's timeout, retries included", "[fetch][network]") {
    // By default a source may take 30 s in all, 10 s of them to connect,
    // not 4 attempts of 60 s.
    FetchOptions defaults;
    CHECK(defaults.total_timeout_ms == 30000);
    CHECK(defaults.connect_timeout_ms == 10000);

    TempFolder cache;
    auto options = test_options(cache);
    options.total_timeout_ms = 30000;  // the source's own `timeout` wins
    options.retries = 3;

    SECTION("the first attempt waits for the whole timeout; no retry follows") {
        SilentServer silent;
        auto sleepy = source("sleepy", silent.server.url("/silent"));
        sleepy.timeout = "1s";
        auto started = std::chrono::steady_clock::now();
        auto result = fetch_one(sleepy, options);
        double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        CHECK(result.state == CacheState::failed);
        CHECK(result.error == sleepy.url + ": превышено время ожидания (1 с)");
        CHECK(silent.requests == 1);
        CHECK(elapsed >= 0.9);
        CHECK(elapsed < 4.5);  // not the options' 30 s (the server gives up at 5 s); slack for a loaded machine
        CHECK_FALSE(fs::exists(Cache(cache.path).body_path(sleepy.url)));
    }
    SECTION("retries after quick failures share the same timeout") {
        SilentServer silent(2);  // 503, 503, then silence
        auto sleepy = source("sleepy", silent.server.url("/silent"));
        sleepy.timeout = "1s";
        auto started = std::chrono::steady_clock::now();
        auto result = fetch_one(sleepy, options);
        double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        CHECK(result.state == CacheState::failed);
        CHECK(result.error == sleepy.url + ": превышено время ожидания (1 с)");
        CHECK(silent.requests == 3);  // a timeout per attempt would have made a fourth
        CHECK(elapsed < 4.5);
    }
    SECTION("without `timeout` the options' total applies") {
        SilentServer silent;
        options.total_timeout_ms = 300;
        auto sleepy = source("sleepy", silent.server.url("/silent"));
        auto result = fetch_one(sleepy, options);
        CHECK(result.error == sleepy.url + ": превышено время ожидания (0,3 с)");
        CHECK(silent.requests == 1);
    }
}

TEST_CASE("fetch: timeout is read as seconds or minutes, from 1 s to 10 min", "[fetch]") {
    CHECK(parse_timeout("20s") == std::chrono::seconds(20));
    CHECK(parse_timeout("2m") == std::chrono::minutes(2));
    CHECK(parse_timeout("10m") == std::chrono::minutes(10));
    CHECK_FALSE(parse_timeout(""));
    CHECK_FALSE(parse_timeout("0s"));
    CHECK_FALSE(parse_timeout("11m"));
    CHECK_FALSE(parse_timeout("1h"));
    CHECK_FALSE(parse_timeout("20"));
    CHECK_FALSE(parse_timeout("1.5s"));
}

TEST_CASE("fetch: 5xx and 429 are retried with backoff until success", "[fetch][network]") {
    TestServer server;
    std::atomic<int> flaky_requests{0}, busy_requests{0}, broken_requests{0};
    server.http.Get("/flaky", [&](const httplib::Request&, httplib::Response& response) {
        if (++flaky_requests <= 2) {
            response.status = 500;
            response.set_content("oops", "text/plain");
            return;
        }
        response.set_content("finally", "text/plain");
    });
    server.http.Get("/busy", [&](const httplib::Request&, httplib::Response& response) {
        if (++busy_requests == 1) {
            response.status = 429;
            return;
        }
        response.set_content("served", "text/plain");
    });
    server.http.Get("/broken", [&](const httplib::Request&, httplib::Response& response) {
        ++broken_requests;
        response.status = 503;
    });
    server.start();

    TempFolder cache;
    auto options = test_options(cache);
    auto results = fetch_all({source("flaky", server.url("/flaky")), source("busy", server.url("/busy")),
                              source("broken", server.url("/broken"))},
                             options);

    CHECK(results[0].state == CacheState::updated);
    CHECK(results[0].body == "finally");
    CHECK(results[0].error.empty());
    CHECK(flaky_requests == 3);

    CHECK(results[1].state == CacheState::updated);
    CHECK(results[1].body == "served");
    CHECK(busy_requests == 2);

    CHECK(results[2].state == CacheState::failed);
    CHECK(results[2].http_status == 503);
    CHECK(results[2].error == server.url("/broken") + ": сервер ответил 503");
    CHECK(broken_requests == 4);  // 1 + 3 retries
    // Backoff 10, 20, 40 ms between the four attempts.
    CHECK(results[2].seconds >= 0.07);
}

TEST_CASE("fetch: 404 is not retried and keeps the cached copy", "[fetch][network]") {
    TestServer server;
    std::atomic<int> requests{0};
    server.http.Get("/gone.csv", [&](const httplib::Request&, httplib::Response& response) {
        ++requests;
        response.status = 404;
        response.set_content("not here", "text/html");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto gone = source("gone", server.url("/gone.csv"), "1h");

    auto failed = fetch_one(gone, options);
    CHECK(failed.state == CacheState::failed);
    CHECK(failed.http_status == 404);
    CHECK(failed.error == gone.url + ": сервер ответил 404");
    CHECK(failed.body.empty());
    CHECK(requests == 1);

    Cache(cache.path).store({gone.url, "", "", clock.now - 3h, "kept\n"});
    auto stale = fetch_one(gone, options);
    CHECK(stale.state == CacheState::stale);
    CHECK(stale.body == "kept\n");
    CHECK(stale.error == gone.url + ": сервер ответил 404; используется копия из кэша возрастом 3 ч");
    CHECK(requests == 2);
    CHECK(cached_body(cache, gone.url) == "kept\n");
}

TEST_CASE("fetch: a body cut short of its Content-Length fails", "[fetch][network]") {
    TestServer server;
    server.http.Get("/cut", [&](const httplib::Request&, httplib::Response& response) {
        response.set_content_provider(1000, "text/csv", [](std::size_t, std::size_t, httplib::DataSink& sink) {
            std::string part(100, 'x');
            sink.write(part.data(), part.size());
            return false;  // close the connection 900 bytes early
        });
    });
    server.start();

    TempFolder cache;
    auto cut = source("cut", server.url("/cut"));
    auto result = fetch_one(cut, test_options(cache));
    CHECK(result.state == CacheState::failed);
    CHECK(result.body.empty());
    CHECK(result.error == cut.url + ": ответ оборван: получено меньше данных, чем объявил сервер");
    CHECK_FALSE(Cache(cache.path).load(cut.url));
}

TEST_CASE("fetch: a body over the size cap stops the download", "[fetch][network]") {
    // Before the server: its thread may still stream when the test returns.
    std::atomic<std::size_t> streamed{0};
    constexpr std::size_t endless = 256 * 1024 * 1024;
    TestServer server;
    server.http.Get("/declared", [&](const httplib::Request&, httplib::Response& response) {
        // Not a text type, so the server does not gzip it: the Content-Length
        // tells the client the true size before the body.
        response.set_content(std::string(5000, 'd'), "application/octet-stream");
    });
    server.http.Get("/zipped", [&](const httplib::Request&, httplib::Response& response) {
        // Gzipped to a few dozen bytes on the wire: only the decoded size counts.
        response.set_content(std::string(5000, 'z'), "text/csv");
    });
    server.http.Get("/endless", [&](const httplib::Request&, httplib::Response& response) {
        // Chunked, so no Content-Length warns the client in advance.
        response.set_chunked_content_provider("text/csv", [&](std::size_t, httplib::DataSink& sink) {
            std::string chunk(4096, 'e');
            if (streamed >= endless || !sink.write(chunk.data(), chunk.size())) return false;
            streamed += chunk.size();
            return true;
        });
    });
    server.http.Get("/small", [&](const httplib::Request&, httplib::Response& response) {
        response.set_content(std::string(1000, 's'), "text/csv");
    });
    server.start();

    TempFolder cache;
    auto options = test_options(cache);
    options.max_bytes = 1000;
    auto results = fetch_all({source("declared", server.url("/declared")), source("endless", server.url("/endless")),
                              source("small", server.url("/small")), source("zipped", server.url("/zipped"))},
                             options);

    CHECK(results[0].state == CacheState::failed);
    CHECK(results[0].error == server.url("/declared") + ": файл больше 1000 байт");
    CHECK(results[1].state == CacheState::failed);
    CHECK(results[1].error == server.url("/endless") + ": файл больше 1000 байт");
    CHECK(results[1].body.empty());
    CHECK(streamed < endless);  // the client hung up long before the end
    CHECK(results[2].state == CacheState::updated);  // exactly at the cap is fine
    CHECK(results[2].body.size() == 1000);
    CHECK_FALSE(Cache(cache.path).load(server.url("/endless")));
    CHECK(results[3].state == CacheState::failed);
    CHECK(results[3].error == server.url("/zipped") + ": файл больше 1000 байт");

    options.max_bytes = 50 * 1024 * 1024;
    CHECK(fetch_one(source("declared", server.url("/declared")), options).state == CacheState::updated);
}

TEST_CASE("fetch: a body that does not match the sha256 pin is refused; a cached copy that matches stands in", "[fetch][network]") {
    TestServer server;
    std::string body = "good data\n";
    std::mutex mutex;
    server.http.Get("/pinned.csv", [&](const httplib::Request&, httplib::Response& response) {
        std::lock_guard lock(mutex);
        response.set_content(body, "text/csv");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto pinned = source("pinned", server.url("/pinned.csv"), "1d", sha256_hex("good data\n"));
    // Pins are hex of either case.
    for (char& c : pinned.sha256) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

    REQUIRE(fetch_one(pinned, options).state == CacheState::updated);
    {
        std::lock_guard lock(mutex);
        body = "tampered data\n";
    }
    clock.now += 2 * 24h;
    // The cached copy matches the pin: it stands in, with a warning.
    auto result = fetch_one(pinned, options);
    CHECK(result.state == CacheState::stale);
    CHECK(result.body == "good data\n");
    const std::string mismatch = ": контрольная сумма sha256 не совпадает (ожидалась " + sha256_hex("good data\n") +
                                 ", получена " + sha256_hex("tampered data\n") + ")";
    CHECK(result.error == pinned.url + mismatch + "; используется копия из кэша возрастом 2 дн.");
    CHECK(cached_body(cache, pinned.url) == "good data\n");

    // Without the pin the same server is fine.
    auto unpinned = pinned;
    unpinned.sha256.clear();
    CHECK(fetch_one(unpinned, options).state == CacheState::updated);
    CHECK(cached_body(cache, pinned.url) == "tampered data\n");

    // A fresh cached copy that does not match a newly written pin is not used.
    auto repinned = source("pinned", server.url("/pinned.csv"), "1d", sha256_hex("good data\n"));
    auto refused = fetch_one(repinned, options);
    CHECK(refused.state == CacheState::failed);
    CHECK(refused.body.empty());
    CHECK(refused.error == pinned.url + mismatch);
}

TEST_CASE("fetch: redirects are followed up to five times, never to file:", "[fetch][network]") {
    TestServer server;
    std::atomic<int> loop_requests{0};
    server.http.Get("/loop", [&](const httplib::Request&, httplib::Response& response) {
        ++loop_requests;
        response.set_redirect("/loop");
    });
    server.http.Get(R"(/hop/(\d))", [&](const httplib::Request& request, httplib::Response& response) {
        int hop = std::stoi(request.matches[1]);
        if (hop < 5) response.set_redirect("/hop/" + std::to_string(hop + 1));
        else response.set_content("arrived", "text/plain");
    });
    server.http.Get("/to-file", [&](const httplib::Request&, httplib::Response& response) {
        response.set_redirect("file:///etc/passwd");
    });
    server.start();

    TempFolder cache;
    auto results = fetch_all({source("loop", server.url("/loop")), source("hops", server.url("/hop/0")),
                              source("file", server.url("/to-file"))},
                             test_options(cache));

    CHECK(results[0].state == CacheState::failed);
    CHECK(results[0].error == server.url("/loop") + ": слишком много перенаправлений (больше 5)");
    CHECK(loop_requests == 6);  // the first request and five redirects

    CHECK(results[1].state == CacheState::updated);
    CHECK(results[1].body == "arrived");

    CHECK(results[2].state == CacheState::failed);
    CHECK(results[2].error == server.url("/to-file") + ": перенаправление на file: запрещено");
    CHECK(results[2].body.empty());
}

TEST_CASE("fetch: https to a server that does not speak TLS fails cleanly", "[fetch][network]") {
    TestServer server;
    server.http.Get("/plain", [&](const httplib::Request&, httplib::Response& response) {
        response.set_content("not secret", "text/plain");
    });
    server.start();

    TempFolder cache;
    std::string url = server.url("/plain");
    url.replace(0, 4, "https");
    auto result = fetch_one(source("tls", url), test_options(cache));
    CHECK(result.state == CacheState::failed);
    CHECK(result.error == url + ": не удалось установить защищённое соединение");
}

TEST_CASE("fetch: file: URLs are read; other schemes are refused", "[fetch]") {
    TempFolder cache;
    TempFolder files;
    fs::create_directories(files.path);
    auto path = files.path / "local.csv";
    std::ofstream(path) << "x,y\n";

    auto results = fetch_all({source("local", "file://" + path.string()),
                              source("absent", "file://" + (files.path / "absent.csv").string()),
                              source("ftp", "ftp://127.0.0.1/data.csv")},
                             test_options(cache));
    CHECK(results[0].state == CacheState::updated);
    CHECK(results[0].http_status == 0);
    CHECK(results[0].body == "x,y\n");
    CHECK(results[1].state == CacheState::failed);
    CHECK(results[1].error == results[1].url + ": файл не найден или недоступен для чтения");
    CHECK(results[2].state == CacheState::failed);
    CHECK(results[2].error == results[2].url + ": адрес должен начинаться с http://, https:// или file://");
}

TEST_CASE("fetch: the cache holds the body and its metadata, with no temp files left", "[fetch][network]") {
    TestServer server;
    std::atomic<int> requests{0};
    server.http.Get("/data.csv", [&](const httplib::Request&, httplib::Response& response) {
        ++requests;
        response.set_header("ETag", "\"abc\"");
        response.set_content("payload", "text/csv");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto data = source("data", server.url("/data.csv"));
    REQUIRE(fetch_one(data, options).state == CacheState::updated);

    Cache store(cache.path);
    CHECK(read(store.body_path(data.url)) == "payload");
    auto meta = nlohmann::json::parse(read(store.meta_path(data.url)));
    CHECK(meta["url"] == data.url);
    CHECK(meta["etag"] == "\"abc\"");
    CHECK(meta["sha256"] == sha256_hex("payload"));
    CHECK(meta["fetched_at"] == "2026-09-21T14:13:20Z");
    int files = 0;
    for (const auto& entry : fs::directory_iterator(cache.path)) {
        ++files;
        CHECK(entry.path().string().find(".tmp") == std::string::npos);
    }
    CHECK(files == 2);
    CHECK(store.body_path(data.url) != store.body_path(server.url("/other.csv")));

    // A body that no longer matches its metadata (a crash between the two
    // renames, or a hand edit) is not trusted: the source is fetched again.
    std::ofstream(store.body_path(data.url), std::ios::binary) << "half-writ";
    CHECK_FALSE(store.load(data.url));
    auto again = fetch_one(data, options);
    CHECK(again.state == CacheState::updated);
    CHECK(again.body == "payload");
    CHECK(requests == 2);
}

TEST_CASE("fetch: an unwritable cache folder still gives the body, with a warning", "[fetch]") {
    TempFolder files;
    fs::create_directories(files.path);
    auto path = files.path / "local.csv";
    std::ofstream(path) << "x\n";
    std::ofstream(files.path / "not-a-folder") << "";

    FetchOptions options;
    options.cache_dir = files.path / "not-a-folder" / "cache";
    auto result = fetch_one(source("local", "file://" + path.string()), options);
    CHECK(result.state == CacheState::updated);
    CHECK(result.body == "x\n");
    CHECK(result.error.empty());
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].find("не удалось сохранить в кэш") != std::string::npos);
}

namespace {

// A stand-in for a format: bodies starting with "good" are usable, and read
// as that text in capitals, so a test sees which body the value came from.
BodyCheck good_only(const Source&, const std::string& body) {
    if (body.rfind("good", 0) != 0) return {"не читается: «" + body.substr(0, 8) + "»", {}};
    std::string upper = body;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return {{}, upper};
}

std::string value_of(const FetchResult& result) {
    auto* value = std::any_cast<std::string>(&result.value);
    return value ? *value : "<no value>";
}

bool has_warning(const FetchResult& result, const std::string& part) {
    for (const auto& warning : result.warnings)
        if (warning.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("fetch: a bad, empty or truncated answer keeps the last good copy, with its age; recovery replaces it",
          "[fetch][network]") {
    TestServer server;
    std::string body = "good 1";
    bool truncate = false;
    std::mutex mutex;
    server.http.Get("/data", [&](const httplib::Request&, httplib::Response& response) {
        std::lock_guard lock(mutex);
        if (truncate) {
            response.set_content_provider(1000, "text/plain", [](std::size_t, std::size_t, httplib::DataSink& sink) {
                sink.write("good but cut", 12);
                return false;
            });
            return;
        }
        response.set_content(body, "text/plain");
    });
    server.start();
    auto serve = [&](const std::string& next, bool cut = false) {
        std::lock_guard lock(mutex);
        body = next;
        truncate = cut;
    };

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    options.check_body = good_only;
    auto data = source("data", server.url("/data"), "1h");

    auto first = fetch_one(data, options);
    REQUIRE(first.state == CacheState::updated);
    CHECK(value_of(first) == "GOOD 1");

    struct Bad {
        std::string body;
        bool cut;
        std::string reason;
    };
    for (const auto& bad : {Bad{"<html>502 Bad Gateway</html>", false, "не читается: «<html>50»"},
                            Bad{"", false, "не читается: «»"},
                            Bad{"", true, "ответ оборван: получено меньше данных, чем объявил сервер"}}) {
        INFO("served: «" << bad.body << "» cut: " << bad.cut);
        serve(bad.body, bad.cut);
        clock.now += 3h;
        auto result = fetch_one(data, options);
        CHECK(result.state == CacheState::stale);
        CHECK(result.body == "good 1");
        CHECK(value_of(result) == "GOOD 1");
        CHECK(result.error == data.url + ": " + bad.reason + "; используется копия из кэша возрастом 3 ч");
        CHECK(cached_body(cache, data.url) == "good 1");
        // The good copy keeps its age: it was not refreshed by the bad answer.
        clock.now -= 3h;
    }

    // Offline, the good copy is still there.
    options.offline = true;
    clock.now += 2h;
    auto offline = fetch_one(data, options);
    CHECK(offline.state == CacheState::stale);
    CHECK(value_of(offline) == "GOOD 1");
    options.offline = false;

    serve("good 2");
    auto recovered = fetch_one(data, options);
    CHECK(recovered.state == CacheState::updated);
    CHECK(value_of(recovered) == "GOOD 2");
    CHECK(recovered.error.empty());
    CHECK(cached_body(cache, data.url) == "good 2");

    // With no good copy a bad answer is an error naming the URL and why.
    TempFolder empty_cache;
    auto no_copy_options = test_options(empty_cache, &clock);
    no_copy_options.check_body = good_only;
    serve("");
    auto failed = fetch_one(data, no_copy_options);
    CHECK(failed.state == CacheState::failed);
    CHECK(failed.body.empty());
    CHECK_FALSE(failed.value.has_value());
    CHECK(failed.error == data.url + ": не читается: «»");
    CHECK_FALSE(Cache(empty_cache.path).load(data.url));
}

TEST_CASE("fetch: a cached copy the caller cannot read is set aside and fetched again", "[fetch][network]") {
    TestServer server;
    std::atomic<int> requests{0};
    server.http.Get("/data", [&](const httplib::Request& request, httplib::Response& response) {
        ++requests;
        CHECK(request.get_header_value("If-None-Match").empty());  // the bad copy's ETag is not sent
        response.set_content("good again", "text/plain");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    options.check_body = good_only;
    auto data = source("data", server.url("/data"), "1d");
    // Poisoned by an older shnor that cached whatever came: still fresh.
    Cache(cache.path).store({data.url, "\"bad\"", "", clock.now - 1h, "{\"truncated\": "});

    auto result = fetch_one(data, options);
    CHECK(requests == 1);
    CHECK(result.state == CacheState::updated);
    CHECK(value_of(result) == "GOOD AGAIN");
    CHECK(has_warning(result, data.url + ": копия в кэше не годится (не читается: «{\"trunca»)"));
    CHECK(cached_body(cache, data.url) == "good again");
}

TEST_CASE("fetch: damaged cache files are warnings, never aborts", "[fetch][network]") {
    TestServer server;
    server.http.Get("/data", [&](const httplib::Request&, httplib::Response& response) {
        response.set_content("good body", "text/plain");
    });
    server.start();

    TempFolder cache;
    ManualClock clock;
    auto options = test_options(cache, &clock);
    auto data = source("data", server.url("/data"), "1d");
    Cache store(cache.path);
    auto good_meta = [&] {
        store.store({data.url, "", "", clock.now - 1h, "good body"});
        return read(store.meta_path(data.url));
    };
    std::string meta = good_meta();

    struct Damage {
        std::string name, meta, body, problem;
    };
    std::string stem = store.meta_path(data.url).stem().string();
    std::vector<Damage> damages = {
        {"url of the wrong type", "{\"url\":5}", "good body", "в " + stem + ".json нет нужных полей или они не того типа"},
        {"sha256 of the wrong type", "{\"url\":\"" + data.url + "\",\"sha256\":[],\"fetched_at_unix\":1}", "good body",
         "в " + stem + ".json нет нужных полей или они не того типа"},
        {"time of the wrong type", "{\"url\":\"" + data.url + "\",\"sha256\":\"x\",\"fetched_at_unix\":\"1\"}",
         "good body", "в " + stem + ".json нет нужных полей или они не того типа"},
        {"negative time", "{\"url\":\"" + data.url + "\",\"sha256\":\"x\",\"fetched_at_unix\":-5}", "good body",
         "в " + stem + ".json нет нужных полей или они не того типа"},
        {"time past any clock", "{\"url\":\"" + data.url + "\",\"sha256\":\"x\",\"fetched_at_unix\":1e300}",
         "good body", "в " + stem + ".json нет нужных полей или они не того типа"},
        {"truncated metadata", meta.substr(0, meta.size() / 2), "good body", stem + ".json не читается как JSON"},
        {"metadata not an object", "[1,2,3]", "good body", stem + ".json не читается как JSON"},
        {"another URL", "{\"url\":\"http://elsewhere/\",\"sha256\":\"x\",\"fetched_at_unix\":1}", "good body",
         stem + ".json описывает другой адрес"},
        {"body changed", meta, "good bodY", stem + ".body не совпадает с контрольной суммой из " + stem + ".json"},
        {"body missing", meta, "", "нет файла " + stem + ".body"},
    };
    for (const auto& damage : damages) {
        INFO(damage.name);
        good_meta();
        std::ofstream(store.meta_path(data.url), std::ios::binary) << damage.meta;
        if (damage.body.empty()) fs::remove(store.body_path(data.url));
        else std::ofstream(store.body_path(data.url), std::ios::binary) << damage.body;

        std::string problem;
        CHECK_FALSE(store.load(data.url, &problem));
        CHECK(problem == damage.problem);

        options.offline = true;
        auto offline = fetch_one(data, options);
        CHECK(offline.state == CacheState::failed);
        CHECK(has_warning(offline, data.url + ": копия в кэше повреждена (" + damage.problem + ") и не используется"));

        options.offline = false;
        auto fetched = fetch_one(data, options);
        CHECK(fetched.state == CacheState::updated);
        CHECK(fetched.body == "good body");
        CHECK(cached_body(cache, data.url) == "good body");  // repaired
    }

    // No cache at all is not damage: nothing to warn about.
    TempFolder empty;
    std::string problem = "unset";
    CHECK_FALSE(Cache(empty.path).load(data.url, &problem));
    CHECK(problem.empty());
    auto fetched = fetch_one(data, test_options(empty, &clock));
    CHECK(fetched.warnings.empty());
}

TEST_CASE("fetch: file: sources are local content, read offline and whatever max_age says", "[fetch]") {
    TempFolder cache;
    TempFolder files;
    fs::create_directories(files.path);
    auto path = files.path / "local.csv";
    std::ofstream(path) << "x,y\n1,2\n";
    ManualClock clock;
    auto options = test_options(cache, &clock);
    options.offline = true;
    auto local = source("local", "file://" + path.string(), "7d");

    auto first = fetch_one(local, options);
    CHECK(first.state == CacheState::updated);
    CHECK(first.body == "x,y\n1,2\n");
    CHECK(first.error.empty());

    // An edit shows at the next build, not after max_age.
    std::ofstream(path) << "x,y\n3,4\n";
    clock.now += 1h;
    auto edited = fetch_one(local, options);
    CHECK(edited.state == CacheState::updated);
    CHECK(edited.body == "x,y\n3,4\n");

    // A file that is gone falls back to its last good copy.
    fs::remove(path);
    clock.now += 1h;
    auto gone = fetch_one(local, options);
    CHECK(gone.state == CacheState::stale);
    CHECK(gone.body == "x,y\n3,4\n");
    CHECK(gone.error == local.url + ": файл не найден или недоступен для чтения; используется копия из кэша возрастом 1 ч");
}

TEST_CASE("fetch: a body checker that throws refuses the body instead of escaping fetch_all", "[fetch]") {
    TempFolder cache, files;
    fs::create_directories(files.path);
    std::ofstream(files.path / "x.csv") << "x\n";
    auto options = test_options(cache);
    options.check_body = [](const Source&, const std::string&) -> BodyCheck { throw std::runtime_error("сбой"); };
    auto local = source("local", "file://" + (files.path / "x.csv").string());
    FetchResult result;
    REQUIRE_NOTHROW(result = fetch_one(local, options));
    CHECK(result.state == CacheState::failed);
    CHECK(result.error == local.url + ": не удалось прочитать: сбой");
}
