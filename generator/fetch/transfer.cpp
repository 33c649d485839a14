#include "fetch/transfer.hpp"

#include "fetch/messages.hpp"

#include "fetch/libraries.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace shnor::fetch {

namespace {

using Steady = std::chrono::steady_clock;

constexpr long kMaxRedirects = 5;
// A retry is not started with less time left than this: it could not finish.
constexpr long kMinAttemptMs = 100;

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl().global_init(CURL_GLOBAL_DEFAULT); });
}

const std::string& user_agent() {
    static const std::string agent = std::string("shnor-site/") + SHNOR_VERSION +
                                     " (static site generator of school transparency sections; libcurl/" +
                                     curl().version_info(CURLVERSION_NOW)->version + ")";
    return agent;
}

std::string lower(std::string_view text) {
    std::string result(text);
    for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return result;
}

std::string_view trim(std::string_view text) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

bool is_file_url(const std::string& url) { return lower(url.substr(0, 5)) == "file:"; }

std::string scheme_of(const std::string& url) {
    auto colon = url.find(':');
    if (colon == std::string::npos || colon == 0) return "?";
    return lower(url.substr(0, colon));
}

// A file of certificate authorities to trust (e.g. a regional CA that
// ca-certificates lacks) in place of the system's bundle file, named by
// CURL_CA_BUNDLE as for the curl command or SSL_CERT_FILE as for OpenSSL;
// libcurl still reads the folder /etc/ssl/certs. Read at every attempt.
const char* ca_bundle() {
    for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"})
        if (const char* file = std::getenv(name); file && *file) return file;
    return nullptr;
}

std::string one_line(std::string text) {
    std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return std::string(trim(text));
}

struct Job {
    const Request* request = nullptr;
    const FetchOptions* options = nullptr;
    CURLM* multi = nullptr;
    Response response;

    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};
    std::string body, etag, last_modified, location;
    bool too_big = false;

    Steady::time_point first_start, next_start;
    long attempt_timeout_ms = 0, attempt_connect_timeout_ms = 0;
    bool done = false;

    Steady::time_point deadline() const { return first_start + std::chrono::milliseconds(request->total_timeout_ms); }
    long milliseconds_left(Steady::time_point now) const {
        return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline() - now).count());
    }

    Job() = default;
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;
    ~Job() { release_handle(); }

    void release_handle() {
        if (easy) {
            curl().multi_remove_handle(multi, easy);
            curl().easy_cleanup(easy);
            easy = nullptr;
        }
        if (headers) {
            curl().slist_free_all(headers);
            headers = nullptr;
        }
    }
};

// Aborts the transfer as soon as the body would pass the cap, even when the
// server sent no Content-Length (then CURLOPT_MAXFILESIZE cannot help).
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& job = *static_cast<Job*>(user);
    std::size_t bytes = size * count;
    if (job.body.size() + bytes > job.options->max_bytes) {
        job.too_big = true;
        return 0;
    }
    job.body.append(data, bytes);
    return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& job = *static_cast<Job*>(user);
    std::size_t bytes = size * count;
    std::string_view line(data, bytes);
    if (line.starts_with("HTTP/")) {
        // A new response of a redirect chain: only the last one's fields count.
        job.etag.clear();
        job.last_modified.clear();
        job.location.clear();
        return bytes;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return bytes;
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    if (name == "etag") job.etag = value;
    else if (name == "last-modified") job.last_modified = value;
    else if (name == "location") job.location = value;
    return bytes;
}

void start_attempt(Job& job) {
    const FetchOptions& options = *job.options;
    job.body.clear();
    job.etag.clear();
    job.last_modified.clear();
    job.location.clear();
    job.too_big = false;
    job.error_buffer[0] = '\0';
    ++job.response.attempts;
    // Each attempt gets what is left of the source's time, so that retries
    // never make a silent server cost more than `timeout`.
    job.attempt_timeout_ms = std::max(job.milliseconds_left(Steady::now()), 1L);
    job.attempt_connect_timeout_ms = std::min(options.connect_timeout_ms, job.attempt_timeout_ms);

    CURL* easy = job.easy = curl().easy_init();
    curl().easy_setopt(easy, CURLOPT_URL, job.request->url.c_str());
    curl().easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl().easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl().easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl().easy_setopt(easy, CURLOPT_MAXREDIRS, kMaxRedirects);
    curl().easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl().easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (const char* file = ca_bundle()) curl().easy_setopt(easy, CURLOPT_CAINFO, file);
    curl().easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, job.attempt_connect_timeout_ms);
    curl().easy_setopt(easy, CURLOPT_TIMEOUT_MS, job.attempt_timeout_ms);
    curl().easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
    curl().easy_setopt(easy, CURLOPT_USERAGENT, user_agent().c_str());
    curl().easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl().easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl().easy_setopt(easy, CURLOPT_WRITEDATA, &job);
    curl().easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl().easy_setopt(easy, CURLOPT_HEADERDATA, &job);
    curl().easy_setopt(easy, CURLOPT_ERRORBUFFER, job.error_buffer);
    curl().easy_setopt(easy, CURLOPT_PRIVATE, &job);

    if (!job.request->etag.empty())
        job.headers = curl().slist_append(job.headers, ("If-None-Match: " + job.request->etag).c_str());
    if (!job.request->last_modified.empty())
        job.headers = curl().slist_append(job.headers, ("If-Modified-Since: " + job.request->last_modified).c_str());
    if (job.headers) curl().easy_setopt(easy, CURLOPT_HTTPHEADER, job.headers);

    curl().multi_add_handle(job.multi, easy);
}

std::string timeout_text(const Job& job) {
    curl_off_t connect_time = 0;
    curl().easy_getinfo(job.easy, CURLINFO_CONNECT_TIME_T, &connect_time);
    bool stuck_connecting = connect_time == 0 && job.attempt_connect_timeout_ms < job.attempt_timeout_ms;
    if (stuck_connecting)
        return "превышено время ожидания соединения (" + milliseconds_text(job.attempt_connect_timeout_ms) + ")";
    return "превышено время ожидания (" + milliseconds_text(job.request->total_timeout_ms) + ")";
}

std::string failure_text(const Job& job, CURLcode code) {
    std::string too_big = "файл больше " + size_text(job.options->max_bytes);
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return timeout_text(job);
    case CURLE_FILESIZE_EXCEEDED: return too_big;
    case CURLE_WRITE_ERROR:
        if (job.too_big) return too_big;
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        return "слишком много перенаправлений (больше " + std::to_string(kMaxRedirects) + ")";
    case CURLE_UNSUPPORTED_PROTOCOL:
        if (!job.location.empty()) return "перенаправление на " + scheme_of(job.location) + ": запрещено";
        return "адрес должен начинаться с http://, https:// или file://";
    case CURLE_URL_MALFORMAT: return "неверный адрес";
    case CURLE_COULDNT_CONNECT: return "соединение отклонено";
    case CURLE_COULDNT_RESOLVE_HOST: return "сервер не найден (имя не разрешается)";
    case CURLE_COULDNT_RESOLVE_PROXY: return "прокси-сервер не найден";
    case CURLE_PARTIAL_FILE: return "ответ оборван: получено меньше данных, чем объявил сервер";
    case CURLE_GOT_NOTHING: return "сервер закрыл соединение, ничего не ответив";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: return "соединение прервано";
    case CURLE_PEER_FAILED_VERIFICATION:
        return "сертификат сервера не прошёл проверку (если его выдал свой центр сертификации, укажите файл "
               "сертификата центра в переменной окружения CURL_CA_BUNDLE)";
    case CURLE_SSL_CACERT_BADFILE:
        return "не удалось прочитать сертификаты центров сертификации: установите пакет ca-certificates или "
               "укажите файл сертификатов в переменной окружения CURL_CA_BUNDLE";
    case CURLE_SSL_CONNECT_ERROR: return "не удалось установить защищённое соединение";
    case CURLE_FILE_COULDNT_READ_FILE: return "файл не найден или недоступен для чтения";
    case CURLE_BAD_CONTENT_ENCODING: return "не удалось распаковать ответ сервера";
    default: break;
    }
    std::string detail = job.error_buffer[0] ? job.error_buffer : curl().easy_strerror(code);
    return "ошибка загрузки: " + one_line(detail);
}

enum class Outcome { success, retry, failure };

Outcome judge(Job& job, CURLcode code) {
    long status = 0;
    curl().easy_getinfo(job.easy, CURLINFO_RESPONSE_CODE, &status);
    Response& response = job.response;
    response.http_status = status;
    if (code != CURLE_OK) {
        response.error = failure_text(job, code);
        return code == CURLE_OPERATION_TIMEDOUT ? Outcome::retry : Outcome::failure;
    }
    if (is_file_url(job.request->url) || (status >= 200 && status < 300) || status == 304) {
        response.ok = true;
        response.not_modified = status == 304;
        response.body = std::move(job.body);
        response.etag = std::move(job.etag);
        response.last_modified = std::move(job.last_modified);
        return Outcome::success;
    }
    response.error = "сервер ответил " + std::to_string(status);
    return status == 429 || status >= 500 ? Outcome::retry : Outcome::failure;
}

void finish_attempt(Job& job, CURLcode code) {
    Outcome outcome = judge(job, code);
    job.release_handle();
    int retries_used = job.response.attempts - 1;
    if (outcome == Outcome::retry && retries_used < job.options->retries) {
        long delay_ms = job.options->backoff_ms << std::min(retries_used, 20);
        auto next_start = Steady::now() + std::chrono::milliseconds(delay_ms);
        if (job.milliseconds_left(next_start) >= kMinAttemptMs) {
            job.next_start = next_start;
            job.response.error.clear();
            return;
        }
    }
    job.done = true;
    job.response.seconds = std::chrono::duration<double>(Steady::now() - job.first_start).count();
}

struct MultiDeleter {
    void operator()(CURLM* multi) const { curl().multi_cleanup(multi); }
};

}  // namespace

std::vector<Response> transfer_all(const std::vector<Request>& requests, const FetchOptions& options) {
    init_curl_once();
    std::unique_ptr<CURLM, MultiDeleter> multi(curl().multi_init());
    std::vector<std::unique_ptr<Job>> jobs;  // destroyed before `multi`
    auto start = Steady::now();
    for (const Request& request : requests) {
        auto job = std::make_unique<Job>();
        job->request = &request;
        job->options = &options;
        job->multi = multi.get();
        job->first_start = job->next_start = start;
        jobs.push_back(std::move(job));
    }

    auto unfinished = [&] {
        return std::any_of(jobs.begin(), jobs.end(), [](const auto& job) { return !job->done; });
    };
    while (unfinished()) {
        auto now = Steady::now();
        for (auto& job : jobs)
            if (!job->done && !job->easy && job->next_start <= now) start_attempt(*job);

        int running = 0;
        curl().multi_perform(multi.get(), &running);
        int queued = 0;
        while (CURLMsg* message = curl().multi_info_read(multi.get(), &queued)) {
            if (message->msg != CURLMSG_DONE) continue;
            CURLcode code = message->data.result;  // `message` dies with the handle
            char* job_pointer = nullptr;
            curl().easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &job_pointer);
            finish_attempt(*reinterpret_cast<Job*>(job_pointer), code);
        }

        if (!unfinished()) break;
        // Sleep until curl has work or the earliest retry is due.
        auto next_wake = Steady::now() + std::chrono::seconds(1);
        for (auto& job : jobs)
            if (!job->done && !job->easy) next_wake = std::min(next_wake, job->next_start);
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_wake - Steady::now()).count();
        if (wait > 0) curl().multi_poll(multi.get(), nullptr, 0, static_cast<int>(std::min<long long>(wait, 1000)), nullptr);
    }

    std::vector<Response> responses;
    responses.reserve(jobs.size());
    for (auto& job : jobs) responses.push_back(std::move(job->response));
    return responses;
}

}  // namespace shnor::fetch
