// fetch: the shared data sources of site.yaml, downloaded over HTTP(S) or
// read from file: URLs with libcurl, all in parallel, through a cache folder
// so every build can also run offline.
#pragma once

#include "model/model.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::fetch {

using Clock = std::chrono::system_clock;

struct FetchOptions {
    std::filesystem::path cache_dir;  // empty: default_cache_dir(current folder)
    bool offline = false;             // use only the cache, never the network
    long connect_timeout_ms = 10000;
    long total_timeout_ms = 60000;    // per attempt
    std::size_t max_bytes = 50 * 1024 * 1024;
    int retries = 3;       // extra attempts after the first, on 5xx, 429 and timeouts
    long backoff_ms = 200; // wait before retry n (1-based): backoff_ms * 2^(n-1)
    std::function<Clock::time_point()> now;  // empty: the system clock
};

enum class CacheState {
    fresh,        // cached copy younger than max_age: no request made
    revalidated,  // server said 304: cached copy kept
    updated,      // new body downloaded (or file: read) and cached
    stale,        // download failed or offline: an older cached copy is used
    failed,       // nothing usable: `error` says why
};

struct FetchResult {
    std::string id, url;
    long http_status = 0;  // of the last response; 0 for file: or when nothing answered
    std::string body;      // the bytes to use (from network or cache); empty when failed
    CacheState state = CacheState::failed;
    double seconds = 0;    // wall time spent on this source, retries included
    std::string error;     // Russian, one line, names the URL: why it failed or is stale
    std::string warning;   // Russian, one line: the body is fine but could not be cached
    std::optional<double> cached_age_seconds;  // age of the cached copy used (fresh, stale)
};

// Fetches every source in parallel. Never throws for network or cache
// problems: each result tells what happened. Results are in input order.
std::vector<FetchResult> fetch_all(const std::vector<model::Source>& sources, const FetchOptions& options);

// "<content>/../.shnor-cache": beside the content folder, not inside it, so
// the cache is never published or committed with the content.
std::filesystem::path default_cache_dir(const std::filesystem::path& content_dir);

// "30m", "12h", "1d", "7d" (also "45s"); nullopt when malformed.
std::optional<std::chrono::seconds> parse_max_age(std::string_view text);

// Lower-case hex SHA-256 of `bytes` (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

std::string_view to_string(CacheState state);

}  // namespace shnor::fetch
