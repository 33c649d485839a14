#include "cache/fingerprint.hpp"

#include <xxhash.h>

#include <sys/stat.h>

#include <algorithm>
#include <new>

namespace fs = std::filesystem;

namespace shnor::cache {

std::string Hash128::hex() const {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH128_hash_t{low, high});
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(2 * sizeof canonical.digest);
    for (unsigned char byte : canonical.digest) {
        text += kDigits[byte >> 4];
        text += kDigits[byte & 0xF];
    }
    return text;
}

Hash128 hash_bytes(std::string_view bytes) {
    XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
    return {hash.low64, hash.high64};
}

void Hasher::FreeState::operator()(XXH3_state_s* state) const { XXH3_freeState(state); }

Hasher::Hasher() : state_(XXH3_createState()) {
    if (!state_) throw std::bad_alloc();
    XXH3_128bits_reset(state_.get());
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::add_raw(const void* data, std::size_t size) { XXH3_128bits_update(state_.get(), data, size); }

Hasher& Hasher::add(std::uint64_t value) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
    add_raw(bytes, sizeof bytes);
    return *this;
}

Hasher& Hasher::add(std::string_view bytes) {
    add(static_cast<std::uint64_t>(bytes.size()));
    add_raw(bytes.data(), bytes.size());
    return *this;
}

Hash128 Hasher::finish() const {
    XXH128_hash_t hash = XXH3_128bits_digest(state_.get());
    return {hash.low64, hash.high64};
}

std::vector<FileStamp> stamp_tree(const fs::path& folder) {
    std::vector<FileStamp> stamps;
    std::error_code error;
    fs::recursive_directory_iterator entries(folder, fs::directory_options::skip_permission_denied, error);
    if (error) return stamps;
    const std::size_t prefix_length = (folder / "").native().size();

    for (const fs::recursive_directory_iterator end; entries != end; entries.increment(error)) {
        if (error) break;
        const fs::path& path = entries->path();
        if (path.filename().native().starts_with('.')) {
            entries.disable_recursion_pending();
            continue;
        }
        // One stat gives type, size and mtime in ns; directory_entry's
        // accessors would stat once per question.
        struct stat info {};
        if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
        stamps.push_back({path.native().substr(prefix_length), static_cast<std::uint64_t>(info.st_size),
                          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec});
    }
    std::sort(stamps.begin(), stamps.end(), [](const FileStamp& a, const FileStamp& b) { return a.path < b.path; });
    return stamps;
}

Hash128 fingerprint(const std::vector<FileStamp>& stamps) {
    Hasher hasher;
    hasher.add(static_cast<std::uint64_t>(stamps.size()));
    for (const FileStamp& stamp : stamps)
        hasher.add(stamp.path).add(stamp.size).add(static_cast<std::uint64_t>(stamp.mtime_ns));
    return hasher.finish();
}

}  // namespace shnor::cache
