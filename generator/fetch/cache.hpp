// The fetch cache: per URL a body file and a small metadata JSON, named by a
// hash of the URL and written atomically.
#pragma once

#include "fetch/fetch.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace shnor::fetch {

struct CacheEntry {
    std::string url;
    std::string etag;
    std::string last_modified;
    Clock::time_point fetched_at;
    std::string body;
};

class Cache {
public:
    explicit Cache(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // The stored entry for `url`, or nullopt when absent or damaged:
    // metadata that is not JSON or has fields of the wrong type, for another
    // URL, a body missing or not matching its recorded sha256 (a crash
    // between the two renames of store(), or a hand edit). Never throws; a
    // damaged entry's reason (Russian) goes to `problem` when given.
    std::optional<CacheEntry> load(const std::string& url, std::string* problem = nullptr) const;

    // Writes body, then metadata, each via temp file + fsync + rename.
    // Throws std::runtime_error (with a Russian message) on I/O failure.
    void store(const CacheEntry& entry) const;

    // Rewrites only the metadata (after a 304); the body file stays.
    void touch(const CacheEntry& entry) const;

    std::filesystem::path body_path(const std::string& url) const;
    std::filesystem::path meta_path(const std::string& url) const;

private:
    std::filesystem::path dir_;
};

}  // namespace shnor::fetch
