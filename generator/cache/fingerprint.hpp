// cache: fingerprints of content, to tell whether a cached school is stale.
// Hashes are XXH3 (xxHash): fast, stable across runs and machines, not
// cryptographic — they detect change, not tampering.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct XXH3_state_s;

namespace shnor::cache {

struct Hash128 {
    std::uint64_t low = 0;
    std::uint64_t high = 0;

    bool operator==(const Hash128&) const = default;
    // 32 lower-case hex digits, high half first: what `xxh128sum` prints.
    std::string hex() const;
};

Hash128 hash_bytes(std::string_view bytes);

// XXH3-128 over a sequence of values. Each string is hashed with its length,
// so ("ab", "c") and ("a", "bc") differ.
class Hasher {
public:
    Hasher();
    ~Hasher();
    Hasher(Hasher&&) noexcept;
    Hasher& operator=(Hasher&&) noexcept;

    Hasher& add(std::string_view bytes);
    Hasher& add(std::uint64_t value);  // as 8 little-endian bytes
    Hash128 finish() const;             // the state stays usable

private:
    void add_raw(const void* data, std::size_t size);

    struct FreeState {
        void operator()(XXH3_state_s* state) const;
    };
    std::unique_ptr<XXH3_state_s, FreeState> state_;
};

// What the file system says about a file, without reading it.
struct FileStamp {
    std::string path;  // relative to the listed folder, '/'-separated
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;  // since the Unix epoch

    bool operator==(const FileStamp&) const = default;
};

// Every regular file under `folder`, sorted by path; names starting with '.'
// (files and folders) are skipped, like the content loader does. A missing
// folder lists nothing; files vanishing during the walk are left out.
std::vector<FileStamp> stamp_tree(const std::filesystem::path& folder);

// One hash of a whole listing: equal listings, equal hashes.
Hash128 fingerprint(const std::vector<FileStamp>& stamps);

}  // namespace shnor::cache
