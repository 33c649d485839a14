// fetch: the shared data sources of site.yaml, downloaded over HTTP(S) or
// read from file: URLs with libcurl, all in parallel, through a cache folder
// so every build can also run offline.
#pragma once

#include "model/model.hpp"

#include <any>
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

// What the caller made of a body: why it cannot be used, or what it reads
// as. Fetch knows no formats; it carries `value` with the body it hands out,
// so a body is read once.
struct BodyCheck {
    std::string error;  // Russian, one line, without the URL; empty when the body is usable
    std::any value;
};

struct FetchOptions {
    std::filesystem::path cache_dir;  // empty: default_cache_dir(current folder)
    bool offline = false;             // no network; file: sources are still read (they are local)
    long connect_timeout_ms = 10000;  // per attempt, never more than what is left of the total
    long total_timeout_ms = 30000;    // per source, all attempts together, unless its `timeout` says otherwise
    std::size_t max_bytes = 50 * 1024 * 1024;
    int retries = 3;       // extra attempts after the first, on 5xx, 429 and timeouts, while time is left
    long backoff_ms = 200; // wait before retry n (1-based): backoff_ms * 2^(n-1)
    std::function<Clock::time_point()> now;  // empty: the system clock
    // Called on every body before it is used or replaces the cached copy: a
    // download, a file: read, and the cached copy itself. A refused download
    // leaves the cached copy in place (the source is `stale`); a refused
    // cached copy is not used. Empty: every body is usable.
    std::function<BodyCheck(const model::Source&, const std::string& body)> check_body;
};

enum class CacheState {
    fresh,        // cached copy younger than max_age: no request made (never for file:)
    revalidated,  // server said 304: cached copy kept
    updated,      // new body downloaded (or file: read), usable, and cached
    stale,        // download failed or refused, or offline: the last good cached copy is used
    failed,       // nothing usable: `error` says why
};

struct FetchResult {
    std::string id, url;
    long http_status = 0;  // of the last response; 0 for file: or when nothing answered
    std::string body;      // the bytes to use (from network or cache); empty when failed
    CacheState state = CacheState::failed;
    double seconds = 0;    // wall time spent on this source, retries included
    std::any value;        // what check_body made of `body`
    std::string error;     // Russian, one line, names the URL: why it failed or is stale
    // Russian, one line each, naming the URL: the body is usable, but the
    // cache could not be written, or a damaged cached copy was set aside.
    std::vector<std::string> warnings;
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

// A source's `timeout`: "20s", "2m"; nullopt when malformed, zero, or over
// kMaxTimeout.
std::optional<std::chrono::seconds> parse_timeout(std::string_view text);
inline constexpr std::chrono::seconds kMaxTimeout{600};

// Lower-case hex SHA-256 of `bytes` (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

std::string_view to_string(CacheState state);

}  // namespace shnor::fetch
