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
    std::optional<std::size_t> request;  // index into the transfer, when the network is asked
};

double seconds_between(Clock::time_point earlier, Clock::time_point later) {
    return std::max(0.0, std::chrono::duration<double>(later - earlier).count());
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool matches_pin(const model::Source& source, const std::string& body) {
    return source.sha256.empty() || lower(source.sha256) == sha256_hex(body);
}

void use_cached(FetchResult& result, const CacheEntry& cached, Clock::time_point now) {
    result.body = cached.body;
    result.cached_age_seconds = seconds_between(cached.fetched_at, now);
}

// A failure falls back to the cached copy when there is one.
void fail(Plan& plan, const std::string& reason, Clock::time_point now) {
    FetchResult& result = plan.result;
    if (plan.cached) {
        use_cached(result, *plan.cached, now);
        result.state = CacheState::stale;
        result.error = result.url + ": " + reason + "; используется копия из кэша возрастом " +
                       age_text(*result.cached_age_seconds);
    } else {
        result.state = CacheState::failed;
        result.body.clear();
        result.error = result.url + ": " + reason;
    }
}

std::optional<CacheEntry> load_cached(const Cache& cache, const model::Source& source) {
    auto cached = cache.load(source.url);
    // A copy made before the pin was written or changed is not the pinned data.
    if (cached && !matches_pin(source, cached->body)) return std::nullopt;
    return cached;
}

// Settles the sources that need no request: a fresh copy, or offline.
// Returns false when the network must be asked.
bool settle_without_network(Plan& plan, const FetchOptions& options, Clock::time_point now) {
    FetchResult& result = plan.result;
    auto max_age = parse_max_age(plan.source->max_age).value_or(kDefaultMaxAge);
    if (plan.cached && plan.cached->fetched_at + max_age > now) {
        use_cached(result, *plan.cached, now);
        result.state = CacheState::fresh;
        return true;
    }
    if (!options.offline) return false;
    if (plan.cached) {
        use_cached(result, *plan.cached, now);
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
        result.warning = result.url + ": не удалось сохранить в кэш: " + error.what();
    }
}

void apply_response(Plan& plan, Response& response, const Cache& cache, Clock::time_point now) {
    FetchResult& result = plan.result;
    result.http_status = response.http_status;
    result.seconds = response.seconds;
    if (!response.ok) return fail(plan, response.error, now);

    if (response.not_modified) {
        if (!plan.cached) return fail(plan, "сервер ответил 304, но копии в кэше нет", now);
        CacheEntry entry = std::move(*plan.cached);
        entry.fetched_at = now;
        if (!response.etag.empty()) entry.etag = response.etag;
        if (!response.last_modified.empty()) entry.last_modified = response.last_modified;
        result.body = entry.body;
        result.state = CacheState::revalidated;
        save([&] { cache.touch(entry); }, result);
        return;
    }

    if (!matches_pin(*plan.source, response.body)) {
        // The pin protects against changed or tampered data: neither the new
        // body nor an older copy is what the webmaster vouched for now.
        result.state = CacheState::failed;
        result.error = result.url + ": контрольная сумма sha256 не совпадает (ожидалась " +
                       lower(plan.source->sha256) + ", получена " + sha256_hex(response.body) + ")";
        return;
    }
    CacheEntry entry{plan.source->url, response.etag, response.last_modified, now, std::move(response.body)};
    result.state = CacheState::updated;
    result.body = entry.body;
    save([&] { cache.store(entry); }, result);
}

}  // namespace

std::vector<FetchResult> fetch_all(const std::vector<model::Source>& sources, const FetchOptions& options) {
    auto clock = options.now ? options.now : [] { return Clock::now(); };
    Cache cache(options.cache_dir.empty() ? default_cache_dir("content") : options.cache_dir);
    Clock::time_point start = clock();

    std::vector<Plan> plans(sources.size());
    std::vector<Request> requests;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        Plan& plan = plans[i];
        plan.source = &sources[i];
        plan.result.id = sources[i].id;
        plan.result.url = sources[i].url;
        plan.result.state = CacheState::failed;
        plan.cached = load_cached(cache, sources[i]);
        if (settle_without_network(plan, options, start)) continue;
        plan.request = requests.size();
        Request request{sources[i].url, "", ""};
        if (plan.cached) {
            request.etag = plan.cached->etag;
            request.last_modified = plan.cached->last_modified;
        }
        requests.push_back(std::move(request));
    }

    std::vector<Response> responses = requests.empty() ? std::vector<Response>{} : transfer_all(requests, options);
    Clock::time_point finished = clock();
    for (Plan& plan : plans)
        if (plan.request) apply_response(plan, responses[*plan.request], cache, finished);

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

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (crypto().digest(bytes.data(), bytes.size(), digest, &length, crypto().sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL: не удалось вычислить SHA-256");
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
