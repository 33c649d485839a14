// `shnor serve`: the real binary serves the example, reloads an open page
// after an edit, shows content errors by file and line instead of the site,
// keeps the reload script out of the built files and stops on SIGTERM.
#include "serve/serve.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <regex>
#include <string>
#include <thread>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::write_file;
using Clock = std::chrono::steady_clock;

namespace {

struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-serve-test-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() { fs::remove_all(path); }
};

// `shnor serve …` as a child process, its output in a file.
struct Server {
    pid_t pid = -1;
    fs::path log;
    Server(const std::vector<std::string>& arguments, fs::path output) : log(std::move(output)) {
        pid = ::fork();
        if (pid == 0) {
            int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::vector<char*> argv{const_cast<char*>(SHNOR_BINARY.c_str()), const_cast<char*>("serve")};
            for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
            argv.push_back(nullptr);
            ::execv(SHNOR_BINARY.c_str(), argv.data());
            ::_exit(127);
        }
    }
    ~Server() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
    // The port it prints once the first build is done; 0 after `seconds`.
    int port(int seconds = 60) const {
        static const std::regex address(R"(Предпросмотр: http://127\.0\.0\.1:(\d+)/)");
        for (auto end = Clock::now() + std::chrono::seconds(seconds); Clock::now() < end;) {
            std::smatch found;
            std::string output = fs::exists(log) ? read_file(log) : "";
            if (std::regex_search(output, found, address)) return std::stoi(found[1]);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return 0;
    }
    // Its exit code after SIGTERM; -1 when it did not exit within 10 s.
    int stop() {
        ::kill(pid, SIGTERM);
        for (auto end = Clock::now() + std::chrono::seconds(10); Clock::now() < end;) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }
};

// An open page's event stream: counts the reloads it is sent.
struct Listener {
    std::atomic<int> reloads{0};
    std::atomic<bool> done{false};
    std::thread thread;
    explicit Listener(int port) {
        thread = std::thread([this, port] {
            httplib::Client client("127.0.0.1", port);
            client.set_read_timeout(60, 0);
            client.Get("/__shnor/events", [this](const char* data, std::size_t length) {
                std::string text(data, length);
                for (auto at = text.find("data: reload"); at != std::string::npos; at = text.find("data: reload", at + 1))
                    ++reloads;
                return !done;
            });
        });
    }
    // Milliseconds until the reload after `before` arrives; -1 after 20 s.
    long wait_beyond(int before) {
        auto start = Clock::now();
        while (reloads <= before && Clock::now() - start < std::chrono::seconds(20))
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (reloads <= before) return -1;
        return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
    }
    ~Listener() {
        done = true;
        thread.detach();  // its connection ends with the server
    }
};

}  // namespace

TEST_CASE("shnor serve shows the site, reloads it after an edit, and shows errors by file and line", "[serve]") {
    Scratch scratch("edit");
    fs::path content = scratch.path / "content";
    fs::copy(fs::path(SHNOR_SOURCE_DIR) / "content", content, fs::copy_options::recursive);
    Server server({"--content", content.string(), "--port", "0", "--date", "2024-11-01", "--cache",
                   (scratch.path / "cache").string()},
                  scratch.path / "serve.log");
    int port = server.port();
    INFO(read_file(server.log));
    REQUIRE(port > 0);
    httplib::Client client("127.0.0.1", port);

    auto home = client.Get("/");
    REQUIRE(home);
    CHECK(home->status == 200);
    CHECK_THAT(home->body, Catch::Contains("/__shnor/events") && Catch::Contains("</html>"));
    // The script is the server's: the built files have none.
    fs::path built = shnor::serve::preview_folder(content);
    REQUIRE(fs::exists(built / "index.html"));
    CHECK_THAT(read_file(built / "index.html"), !Catch::Contains("__shnor"));
    auto style = client.Get("/assets/style.css");
    REQUIRE(style);
    CHECK(style->status == 200);
    CHECK(style->get_header_value("Content-Type").starts_with("text/css"));
    auto outside = client.Get("/%2e%2e/%2e%2e/etc/passwd");
    REQUIRE(outside);
    CHECK(outside->status == 404);

    Listener page(port);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the page has connected
    int seen = page.reloads;
    std::string intro = read_file(content / "schools/shubinskaya/index.md");
    write_file(content / "schools/shubinskaya/index.md", intro + "\nАбзац, дописанный во время предпросмотра.\n");
    long ms = page.wait_beyond(seen);
    INFO("edit → reload: " << ms << " ms");
    REQUIRE(ms >= 0);
    CHECK(ms < 5000);  // the goal is 300 ms (docs/ARCHITECTURE.md); loaded CI machines are slower
    auto school = client.Get("/schools/shubinskaya/");
    REQUIRE(school);
    CHECK_THAT(school->body, Catch::Contains("Абзац, дописанный во время предпросмотра."));

    // An error: every page is the list of errors, then the site again once fixed.
    std::string site_yaml = read_file(content / "site.yaml");
    seen = page.reloads;
    write_file(content / "site.yaml", "title: [не закрыто\n");
    REQUIRE(page.wait_beyond(seen) >= 0);
    auto broken = client.Get("/schools/");
    REQUIRE(broken);
    CHECK(broken->status == 500);
    CHECK_THAT(broken->body, Catch::Contains("Сайт не собран") && Catch::Contains("site.yaml:") &&
                                 Catch::Contains("/__shnor/events"));
    seen = page.reloads;
    write_file(content / "site.yaml", site_yaml);
    REQUIRE(page.wait_beyond(seen) >= 0);
    auto fixed = client.Get("/schools/");
    REQUIRE(fixed);
    CHECK(fixed->status == 200);

    CHECK(server.stop() == 0);
}

TEST_CASE("shnor serve on a port that is taken says so and exits 2", "[serve]") {
    Scratch scratch("taken");
    httplib::Server holder;
    int port = holder.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    Server server({"--content", (fs::path(SHNOR_SOURCE_DIR) / "content").string(), "--port", std::to_string(port),
                   "--cache", (scratch.path / "cache").string()},
                  scratch.path / "serve.log");
    int status = 0;
    for (auto end = Clock::now() + std::chrono::seconds(10); Clock::now() < end;) {
        if (::waitpid(server.pid, &status, WNOHANG) == server.pid) {
            server.pid = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(server.pid == -1);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK_THAT(read_file(scratch.path / "serve.log"), Catch::Contains("--port"));
}

TEST_CASE("the reload script goes before </body>, and the errors page escapes what it lists", "[serve]") {
    CHECK(shnor::serve::with_reload_script("<html><body><p>x</p></body></html>")
              .find("</script></body></html>") != std::string::npos);
    shnor::model::Diagnostics diagnostics;
    diagnostics.error("schools/a/school.yaml", 3, "name", "<script>alert(1)</script>");
    diagnostics.warning("site.yaml", 1, "", "только замечание");
    std::string page = shnor::serve::errors_page(diagnostics);
    CHECK_THAT(page, Catch::Contains("schools/a/school.yaml:3") && Catch::Contains("&lt;script&gt;alert(1)"));
    CHECK_THAT(page, !Catch::Contains("только замечание"));  // the errors stop the build; warnings do not
}
