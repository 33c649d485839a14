#include "fetch/fetch.hpp"

#include "fetch/cache.hpp"
#include "fetch/messages.hpp"
#include "fetch/transfer.hpp"

#include "fetch/libraries.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace shnor::fetch {

namespace {

constexpr std::chrono::seconds kDefaultMaxAge = std::chrono::hours(24);

struct Plan {
    const model::Source* source = nullptr;
    FetchResult result;
    std::optional<CacheEntry> cached;
    std::any cached_value;       // what check_body made of the cached body
    bool cached_checked = false;
    std::optional<std::size_t> request;  // index into the transfer, when the network is asked
};

double seconds_between(Clock::time_point earlier, Clock::time_point later) {
    return std::max(0.0, std::chrono::duration<double>(later - earlier).count());
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool is_file_url(const std::string& url) { return lower(url.substr(0, 5)) == "file:"; }

bool matches_pin(const model::Source& source, const std::string& body) {
    return source.sha256.empty() || lower(source.sha256) == sha256_hex(body);
}

// fetch_all never throws for what a server sends: a checker that does is
// taken as refusing the body.
BodyCheck check(const FetchOptions& options, const model::Source& source, const std::string& body) {
    if (!options.check_body) return {};
    try {
        return options.check_body(source, body);
    } catch (const std::exception& error) {
        return {std::string("не удалось прочитать: ") + error.what(), {}};
    }
}

// The cached copy, checked the first time it is needed (a file: source's
// copy only when the file cannot be read): a copy the caller cannot use is
// set aside with a warning, as if there were none.
bool has_usable_copy(Plan& plan, const FetchOptions& options) {
    if (!plan.cached) return false;
    if (plan.cached_checked) return true;
    plan.cached_checked = true;
    BodyCheck checked = check(options, *plan.source, plan.cached->body);
    if (!checked.error.empty()) {
        plan.result.warnings.push_back(plan.result.url + ": копия в кэше не годится (" + checked.error +
                                       ") и не используется");
        plan.cached.reset();
        return false;
    }
    plan.cached_value = std::move(checked.value);
    return true;
}

void use_cached(Plan& plan, Clock::time_point now) {
    plan.result.body = plan.cached->body;
    plan.result.value = std::move(plan.cached_value);  // a result takes the copy once
    plan.result.cached_age_seconds = seconds_between(plan.cached->fetched_at, now);
}

// A failure falls back to the last good copy when there is one.
void fail(Plan& plan, const std::string& reason, const FetchOptions& options, Clock::time_point now) {
    FetchResult& result = plan.result;
    if (has_usable_copy(plan, options)) {
        use_cached(plan, now);
        result.state = CacheState::stale;
        result.error = result.url + ": " + reason + "; используется копия из кэша возрастом " +
                       age_text(*result.cached_age_seconds);
    } else {
        result.state = CacheState::failed;
        result.body.clear();
        result.value.reset();
        result.error = result.url + ": " + reason;
    }
}

void load_cached(Plan& plan, const Cache& cache) {
    std::string problem;
    auto cached = cache.load(plan.source->url, &problem);
    if (!problem.empty())
        plan.result.warnings.push_back(plan.result.url + ": копия в кэше повреждена (" + problem +
                                       ") и не используется");
    // A copy made before the pin was written or changed is not the pinned data.
    if (cached && !matches_pin(*plan.source, cached->body)) cached.reset();
    plan.cached = std::move(cached);
}

// Settles the sources that need no request: a fresh copy, or offline.
// Returns false when the source must be read or downloaded. A file: source
// is local content, so it is always read, offline too.
bool settle_without_network(Plan& plan, const FetchOptions& options, Clock::time_point now) {
    if (is_file_url(plan.source->url)) return false;
    FetchResult& result = plan.result;
    auto max_age = parse_max_age(plan.source->max_age).value_or(kDefaultMaxAge);
    bool fresh = plan.cached && plan.cached->fetched_at + max_age > now;
    if (fresh && has_usable_copy(plan, options)) {
        use_cached(plan, now);
        result.state = CacheState::fresh;
        return true;
    }
    if (!options.offline) return false;
    if (has_usable_copy(plan, options)) {
        use_cached(plan, now);
        result.state = CacheState::stale;
        result.error = result.url + ": работа без сети, используется копия из кэша возрастом " +
                       age_text(*result.cached_age_seconds);
    } else {
        result.state = CacheState::failed;
        result.error = result.url + ": копии в кэше нет, а загрузка отключена (работа без сети)";
    }
    return true;
}

void save(const std::function<void()>& write, FetchResult& result) {
    try {
        write();
    } catch (const std::exception& error) {
        result.warnings.push_back(result.url + ": не удалось сохранить в кэш: " + error.what());
    }
}

void apply_response(Plan& plan, Response& response, const Cache& cache, const FetchOptions& options,
                    Clock::time_point now) {
    FetchResult& result = plan.result;
    result.http_status = response.http_status;
    result.seconds = response.seconds;
    if (!response.ok) return fail(plan, response.error, options, now);

    if (response.not_modified) {
        if (!has_usable_copy(plan, options)) return fail(plan, "сервер ответил 304, но копии в кэше нет", options, now);
        CacheEntry entry = *plan.cached;
        entry.fetched_at = now;
        if (!response.etag.empty()) entry.etag = response.etag;
        if (!response.last_modified.empty()) entry.last_modified = response.last_modified;
        result.body = entry.body;
        result.value = std::move(plan.cached_value);
        result.state = CacheState::revalidated;
        save([&] { cache.touch(entry); }, result);
        return;
    }

    // The pin protects against changed or tampered data: the new body is
    // refused, and only a cached copy that matches the pin may stand in.
    if (!matches_pin(*plan.source, response.body))
        return fail(plan,
                    "контрольная сумма sha256 не совпадает (ожидалась " + lower(plan.source->sha256) + ", получена " +
                        sha256_hex(response.body) + ")",
                    options, now);
    BodyCheck checked = check(options, *plan.source, response.body);
    if (!checked.error.empty()) {
        // A cached copy of the very bytes just refused (left by an older
        // shnor that cached whatever came) goes without a second message.
        if (plan.cached && !plan.cached_checked && plan.cached->body == response.body) plan.cached.reset();
        return fail(plan, checked.error, options, now);
    }

    CacheEntry entry{plan.source->url, response.etag, response.last_modified, now, std::move(response.body)};
    result.state = CacheState::updated;
    result.body = entry.body;
    result.value = std::move(checked.value);
    result.cached_age_seconds.reset();
    save([&] { cache.store(entry); }, result);
}

long total_timeout_ms(const model::Source& source, const FetchOptions& options) {
    if (auto timeout = parse_timeout(source.timeout))
        return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(*timeout).count());
    return options.total_timeout_ms;
}

}  // namespace

std::vector<FetchResult> fetch_all(const std::vector<model::Source>& sources, const FetchOptions& options) {
    auto clock = options.now ? options.now : [] { return Clock::now(); };
    Cache cache(options.cache_dir.empty() ? default_cache_dir("content") : options.cache_dir);
    Clock::time_point start = clock();

    std::vector<Plan> plans(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) {
        plans[i].source = &sources[i];
        plans[i].result.id = sources[i].id;
        plans[i].result.url = sources[i].url;
        plans[i].result.state = CacheState::failed;
    }
    // The cache's file names, its checks and the pins need libcrypto; a
    // system without it gets a message, not an abort.
    try {
        crypto();
    } catch (const std::exception& error) {
        for (Plan& plan : plans) plan.result.error = plan.result.url + ": " + error.what();
        std::vector<FetchResult> results;
        for (Plan& plan : plans) results.push_back(std::move(plan.result));
        return results;
    }

    std::vector<Request> requests;
    for (Plan& plan : plans) {
        load_cached(plan, cache);
        if (settle_without_network(plan, options, start)) continue;
        plan.request = requests.size();
        Request request{plan.source->url, "", "", total_timeout_ms(*plan.source, options)};
        if (!is_file_url(plan.source->url) && has_usable_copy(plan, options)) {
            request.etag = plan.cached->etag;
            request.last_modified = plan.cached->last_modified;
        }
        requests.push_back(std::move(request));
    }

    std::vector<Response> responses;
    if (!requests.empty()) {
        try {
            responses = transfer_all(requests, options);
        } catch (const std::exception& error) {  // libcurl cannot be loaded
            responses.assign(requests.size(), Response{});
            for (Response& response : responses) response.error = error.what();
        }
    }
    Clock::time_point finished = clock();
    for (Plan& plan : plans)
        if (plan.request) apply_response(plan, responses[*plan.request], cache, options, finished);

    std::vector<FetchResult> results;
    results.reserve(plans.size());
    for (Plan& plan : plans) results.push_back(std::move(plan.result));
    return results;
}

std::filesystem::path default_cache_dir(const std::filesystem::path& content_dir) {
    auto folder = std::filesystem::absolute(content_dir).lexically_normal();
    if (!folder.has_filename()) folder = folder.parent_path();  // "content/" names the folder itself
    return folder.parent_path() / ".shnor-cache";
}

std::optional<std::chrono::seconds> parse_max_age(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    char unit = text.back();
    std::string_view digits = text.substr(0, text.size() - 1);
    if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    long long count = std::stoll(std::string(digits));
    switch (unit) {
    case 's': return std::chrono::seconds(count);
    case 'm': return std::chrono::minutes(count);
    case 'h': return std::chrono::hours(count);
    case 'd': return std::chrono::hours(24 * count);
    default: return std::nullopt;
    }
}

std::optional<std::chrono::seconds> parse_timeout(std::string_view text) {
    if (text.empty() || (text.back() != 's' && text.back() != 'm')) return std::nullopt;
    auto timeout = parse_max_age(text);
    if (!timeout || *timeout <= std::chrono::seconds(0) || *timeout > kMaxTimeout) return std::nullopt;
    return timeout;
}

std::string sha256_hex(std::string_view bytes) {
#ifdef _WIN32
    unsigned char digest[32];
    unsigned int length = sizeof digest;
    if (!crypto().sha256(bytes, digest)) throw std::runtime_error("Windows: не удалось вычислить SHA-256");
#else
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (crypto().digest(bytes.data(), bytes.size(), digest, &length, crypto().sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL: не удалось вычислить SHA-256");
#endif
    static const char* hex = "0123456789abcdef";
    std::string text;
    text.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 0x0f];
    }
    return text;
}

std::string_view to_string(CacheState state) {
    switch (state) {
    case CacheState::fresh: return "fresh";
    case CacheState::revalidated: return "revalidated";
    case CacheState::updated: return "updated";
    case CacheState::stale: return "stale";
    case CacheState::failed: return "failed";
    }
    return "failed";
}

}  // namespace shnor::fetch
