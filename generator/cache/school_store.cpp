#include "cache/school_store.hpp"

#include "cache/serialize.hpp"
#include "load/load.hpp"
#include "write/atomic_file.hpp"

#include <charconv>
#include <optional>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>

#include <unistd.h>

namespace shnor::cache {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kEntryMagic = "shnor-school-cache 1\n";

// A file changed within this margin before its entry was written might
// change again within the same timestamp tick unnoticed, so such entries are
// not trusted (the "racy timestamp" problem known from git).
constexpr std::int64_t kRacyMarginNs = 2'000'000'000;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string entry_bytes(std::int64_t written_ns, const std::vector<FileStamp>& stamps, const std::string& load) {
    std::string out(kEntryMagic);
    out += std::to_string(written_ns) + " " + std::to_string(stamps.size()) + "\n";
    for (const auto& stamp : stamps)
        out += std::to_string(stamp.size) + " " + std::to_string(stamp.mtime_ns) + " " + stamp.path + "\n";
    out += load;
    return out;
}

template <class Number>
bool take_number(std::string_view& text, char end, Number& value) {
    auto [next, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || next == text.data() + text.size() || *next != end) return false;
    text.remove_prefix(static_cast<std::size_t>(next - text.data()) + 1);
    return true;
}

// The stored load when `bytes` is an entry for exactly `stamps`.
std::optional<std::string_view> valid_load(std::string_view bytes, const std::vector<FileStamp>& stamps) {
    if (!bytes.starts_with(kEntryMagic)) return std::nullopt;
    bytes.remove_prefix(kEntryMagic.size());
    std::int64_t written_ns = 0;
    std::size_t count = 0;
    if (!take_number(bytes, ' ', written_ns) || !take_number(bytes, '\n', count) || count != stamps.size())
        return std::nullopt;
    for (const auto& stamp : stamps) {
        std::uint64_t size = 0;
        std::int64_t mtime_ns = 0;
        if (!take_number(bytes, ' ', size) || !take_number(bytes, ' ', mtime_ns)) return std::nullopt;
        auto line_end = bytes.find('\n');
        if (line_end == std::string_view::npos || bytes.substr(0, line_end) != stamp.path) return std::nullopt;
        bytes.remove_prefix(line_end + 1);
        if (size != stamp.size || mtime_ns != stamp.mtime_ns || mtime_ns >= written_ns - kRacyMarginNs)
            return std::nullopt;
    }
    return bytes;
}

bool read_whole(const fs::path& path, std::string& bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    bytes = std::move(text).str();
    return true;
}

// Written under a temporary name and renamed, so a reader never sees half an entry.
void store_quietly(const fs::path& path, const std::string& bytes) {
    write::replace_file(path, {bytes});  // a cache that cannot be written only makes the next build slower
}

}  // namespace

SchoolStore::SchoolStore(fs::path folder, fs::path content_dir, const std::vector<FileStamp>& stamps)
    : folder_(std::move(folder)), content_dir_(std::move(content_dir)) {
    for (const auto& stamp : stamps) {
        if (!stamp.path.starts_with("schools/")) continue;
        auto slash = stamp.path.find('/', 8);
        if (slash == std::string::npos) continue;
        std::string slug = stamp.path.substr(8, slash - 8);
        stamps_by_school_[slug].push_back({stamp.path.substr(slash + 1), stamp.size, stamp.mtime_ns});
        hashes_[slug];
    }
}

std::vector<FileStamp> SchoolStore::stamps_of(const std::string& slug) const {
    auto found = stamps_by_school_.find(slug);
    return found == stamps_by_school_.end() ? std::vector<FileStamp>{} : found->second;
}

fs::path SchoolStore::entry_path(const std::string& slug) const { return folder_ / (slug + ".bin"); }

load::SchoolLoad SchoolStore::load(const std::string& slug) {
    auto stamps = stamps_of(slug);
    std::string bytes;
    load::SchoolLoad result;
    if (read_whole(entry_path(slug), bytes)) {
        if (auto stored = valid_load(bytes, stamps); stored && deserialize_school_load(*stored, result)) {
            if (auto slot = hashes_.find(slug); slot != hashes_.end()) slot->second = hash_bytes(*stored);
            ++reused_;
            return result;
        }
    }
    std::int64_t started_ns = now_ns();
    result = load::load_school(content_dir_, slug);
    ++read_;
    std::string load_bytes = serialize_school_load(result);
    if (auto slot = hashes_.find(slug); slot != hashes_.end()) slot->second = hash_bytes(load_bytes);
    if (!result.diagnostics.has_errors()) store_quietly(entry_path(slug), entry_bytes(started_ns, stamps, load_bytes));
    return result;
}

Hash128 SchoolStore::content_hash(const std::string& slug) const {
    auto found = hashes_.find(slug);
    return found == hashes_.end() ? Hash128{} : found->second;
}

}  // namespace shnor::cache
