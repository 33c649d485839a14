#include "serve/serve.hpp"

#include "cache/fingerprint.hpp"
#include "platform/utf8_path.hpp"
#include "render/escape.hpp"
#include "serve/folder_watch.hpp"

#include <httplib.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#include <signal.h>
#endif

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

namespace shnor::serve {

namespace fs = std::filesystem;

namespace {

constexpr const char* kEventsPath = "/__shnor/events";
// Reloads the page once the site is built again; reconnects by itself.
constexpr const char* kReloadScript =
    "<script>(function(){var s=new EventSource(\"/__shnor/events\");"
    "s.onmessage=function(){location.reload();};})();</script>";

// What the build loop tells the server: the site as last built, or the
// errors that kept it from being built, and a generation that every
// rebuild moves on.
class PreviewState {
public:
    void set(const pipeline::BuildReport& report) {
        std::lock_guard lock(mutex_);
        errors_ = report.written ? model::Diagnostics{} : report.diagnostics;
        failed_ = !report.written;
        ++generation_;
        changed_.notify_all();
    }
    void stop() {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        changed_.notify_all();
    }
    bool stopping() const {
        std::lock_guard lock(mutex_);
        return stopping_;
    }
    std::uint64_t generation() const {
        std::lock_guard lock(mutex_);
        return generation_;
    }
    // The errors page when the last build failed; empty when it succeeded.
    std::string failure() const {
        std::lock_guard lock(mutex_);
        return failed_ ? errors_page(errors_) : std::string();
    }
    // Waits up to `timeout` for a generation after `seen`; its number, or
    // `seen` when none came (or the server stops).
    std::uint64_t wait_after(std::uint64_t seen, std::chrono::seconds timeout) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [&] { return generation_ != seen || stopping_; });
        return generation_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    model::Diagnostics errors_;
    bool failed_ = false, stopping_ = false;
    std::uint64_t generation_ = 0;
};

std::string content_type_of(const fs::path& file) {
    static const std::pair<const char*, const char*> kTypes[] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".svg", "image/svg+xml"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
        {".webp", "image/webp"}, {".ico", "image/x-icon"}, {".xml", "application/xml; charset=utf-8"},
        {".json", "application/json; charset=utf-8"}, {".csv", "text/csv; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".pdf", "application/pdf"},
        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    };
    std::string extension = file.extension().string();
    for (const auto& [known, type] : kTypes)
        if (extension == known) return type;
    return "application/octet-stream";
}

// The file a URL path names in `site`, or nullopt when it leaves the site.
std::optional<fs::path> file_of(const fs::path& site, const std::string& url_path) {
    fs::path relative = platform::path_from_utf8(url_path).relative_path().lexically_normal();
    for (const auto& part : relative)
        if (part == ".." || part.string().starts_with(".")) return std::nullopt;
    fs::path file = site / relative;
    std::error_code error;
    if (url_path.ends_with('/') || fs::is_directory(file, error)) file /= "index.html";
    return file;
}

bool read_whole(const fs::path& file, std::string& bytes) {
    std::error_code error;
    if (!fs::is_regular_file(fs::symlink_status(file, error))) return false;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    bytes = buffer.str();
    return static_cast<bool>(in) || in.eof();
}

void serve_file(const fs::path& site, const PreviewState& state, const httplib::Request& request,
                httplib::Response& response) {
    response.set_header("Cache-Control", "no-store");
    if (std::string failure = state.failure(); !failure.empty()) {
        response.status = 500;
        response.set_content(failure, "text/html; charset=utf-8");
        return;
    }
    auto file = file_of(site, request.path);
    std::string bytes;
    if (!file || !read_whole(*file, bytes)) {
        response.status = 404;
        file = site / "404.html";
        if (!read_whole(*file, bytes)) bytes = "<!DOCTYPE html><title>404</title><p>Страница не найдена</p>";
    }
    std::string type = content_type_of(*file);
    if (type.starts_with("text/html")) bytes = with_reload_script(std::move(bytes));
    response.set_content(bytes, type.c_str());
}

void serve_events(PreviewState& state, httplib::Response& response) {
    response.set_header("Cache-Control", "no-store");
    std::uint64_t seen = state.generation();
    response.set_chunked_content_provider(
        "text/event-stream", [&state, seen](std::size_t, httplib::DataSink& sink) mutable {
            if (!sink.is_writable() || state.stopping()) {
                sink.done();
                return false;
            }
            std::uint64_t now = state.wait_after(seen, std::chrono::seconds(15));
            std::string message = now != seen ? "data: reload\n\n" : ": ping\n\n";  // a ping finds closed tabs
            seen = now;
            return sink.write(message.data(), message.size());
        });
}

pipeline::BuildReport build_once(const pipeline::BuildOptions& options, std::ostream& out) {
    auto report = pipeline::build_site(options);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", report.seconds);
    if (report.written)
        out << "Собрано за " << seconds << " с: страниц " << report.pages << ", изменено файлов "
            << report.written_files << std::endl;
    else
        out << "Сайт не собран, ошибок " << report.diagnostics.error_count()
            << ": они показаны в браузере вместо страниц" << std::endl;
    for (const auto& diagnostic : report.diagnostics.items()) out << diagnostic.format() << '\n';
    out.flush();
    return report;
}

#ifdef _WIN32
// Ctrl+C, Ctrl+Break and closing the console window are what SIGINT and
// SIGTERM are on Linux: each sets this event, the stopper thread stops the server.
HANDLE stop_requested() {
    static const HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    return event;
}
// Set once serve() has stopped: a closing console waits for it.
HANDLE serve_finished() {
    static const HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    return event;
}

BOOL WINAPI on_console_event(DWORD event) {
    switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
        ::SetEvent(stop_requested());
        return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        // Windows ends the process when this returns (and after 5 s at most):
        // the preview stops first, so no build is cut off halfway.
        ::SetEvent(stop_requested());
        ::WaitForSingleObject(serve_finished(), 4000);
        return TRUE;
    default:
        return FALSE;
    }
}

void request_stop() { ::SetEvent(stop_requested()); }

// The returned thread waits for a console event (or request_stop) and stops the server.
std::thread stop_on_signal(httplib::Server& server, PreviewState& state) {
    ::ResetEvent(stop_requested());
    ::SetConsoleCtrlHandler(on_console_event, TRUE);
    return std::thread([&server, &state] {
        ::WaitForSingleObject(stop_requested(), INFINITE);
        state.stop();
        server.stop();
    });
}
#else
// Blocks SIGINT and SIGTERM in every thread started after it; the returned
// thread waits for either and stops the server.
std::thread stop_on_signal(httplib::Server& server, PreviewState& state) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return std::thread([&server, &state, signals] {
        int received = 0;
        sigwait(&signals, &received);
        state.stop();
        server.stop();
    });
}
#endif

}  // namespace

fs::path preview_folder(const fs::path& content) {
    std::error_code error;
    fs::path absolute = fs::weakly_canonical(content, error);
    std::string key = cache::hash_bytes(absolute.string()).hex().substr(0, 16);
    return fs::temp_directory_path() / ("shnor-serve-" + key) / "site";
}

std::string errors_page(const model::Diagnostics& diagnostics) {
    std::string html = "<!DOCTYPE html>\n<html lang=\"ru\">\n<head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<title>Сайт не собран: ошибки в материалах</title>"
                       "<style>body{font:1rem/1.5 sans-serif;margin:1rem;max-width:60rem}"
                       "li{margin:.5rem 0}code{font-weight:bold}</style></head>\n<body>\n"
                       "<h1>Сайт не собран: ошибки в материалах</h1>\n"
                       "<p>Исправьте их и сохраните файл: страница обновится сама.</p>\n<ol>\n";
    for (const auto& diagnostic : diagnostics.items()) {
        if (diagnostic.severity != model::Severity::error) continue;
        html += "<li>" + render::escape_html(diagnostic.format()) + "</li>\n";
    }
    html += "</ol>\n</body>\n</html>\n";
    return with_reload_script(std::move(html));
}

std::string with_reload_script(std::string html) {
    auto body_end = html.rfind("</body>");
    html.insert(body_end == std::string::npos ? html.size() : body_end, kReloadScript);
    return html;
}

int serve(ServeOptions options, std::ostream& out) {
    options.build.out_dir = preview_folder(options.build.content_dir);
    std::error_code error;
    fs::create_directories(options.build.out_dir.parent_path(), error);
    PreviewState state;
    httplib::Server server;
    std::thread stopper = stop_on_signal(server, state);
    const fs::path site = options.build.out_dir;
    server.Get(kEventsPath, [&](const httplib::Request&, httplib::Response& response) { serve_events(state, response); });
    server.Get(".*", [&](const httplib::Request& request, httplib::Response& response) {
        serve_file(site, state, request, response);
    });
    // Not httplib's default SO_REUSEPORT: a second preview on the same port
    // must fail to bind, not share the port and answer half the requests.
#ifdef _WIN32
    // On Windows SO_REUSEADDR would let a second preview take the port over;
    // SO_EXCLUSIVEADDRUSE makes its bind fail, as on Linux.
    server.set_socket_options([](socket_t socket) {
        BOOL yes = TRUE;
        ::setsockopt(socket, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&yes), sizeof yes);
    });
#else
    server.set_socket_options([](socket_t socket) {
        int yes = 1;
        ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
#endif
    int port = options.port == 0 ? server.bind_to_any_port(options.bind)
                                 : (server.bind_to_port(options.bind, options.port) ? options.port : -1);
    if (port < 0) {
        out << "Не удалось открыть адрес " << options.bind << ":" << options.port
            << " (занят другой программой?): укажите другой --port" << std::endl;
#ifdef _WIN32
        request_stop();  // the stopper thread ends
#else
        ::kill(::getpid(), SIGTERM);  // the stopper thread ends
#endif
        stopper.join();
#ifdef _WIN32
        ::SetEvent(serve_finished());
#endif
        return 2;
    }
    state.set(build_once(options.build, out));
    out << "Предпросмотр: http://" << options.bind << ":" << port << "/ (остановить: Ctrl+C)" << std::endl;

    std::thread rebuilder([&] {
        // The built-in layouts and assets are in the binary: only the content changes.
        FolderWatch watch({options.build.content_dir});
        while (!state.stopping())
            if (watch.wait_for_change(std::chrono::milliseconds(200), std::chrono::milliseconds(30)))
                state.set(build_once(options.build, out));
    });
    server.listen_after_bind();
    state.stop();
    rebuilder.join();
    stopper.join();
#ifdef _WIN32
    ::SetEvent(serve_finished());
#endif
    return 0;
}

}  // namespace shnor::serve
