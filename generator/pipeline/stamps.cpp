#include "pipeline/stamps.hpp"

#include "pipeline/school_parts.hpp"
#include "platform/utf8_path.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

namespace shnor::pipeline {

namespace fs = std::filesystem;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

fs::path cache_dir_of(const BuildOptions& options) {
    return options.sources.cache_dir.empty() ? fetch::default_cache_dir(options.content_dir) : options.sources.cache_dir;
}

static void add_stamps(std::vector<cache::FileStamp>& stamps, const fs::path& folder, const std::string& prefix) {
    for (auto& stamp : cache::stamp_tree(folder)) {
        stamp.path = prefix + stamp.path;
        stamps.push_back(std::move(stamp));
    }
}

// Content files as they are, then built-in layouts and assets ("@layouts/…").
std::vector<cache::FileStamp> input_stamps(const BuildOptions& options) {
    std::vector<cache::FileStamp> stamps = cache::stamp_tree(options.content_dir);
    add_stamps(stamps, options.builtin_layouts, "@layouts/");
    add_stamps(stamps, options.builtin_assets, "@assets/");
    return stamps;
}

static fs::path stamp_file(const BuildOptions& options, const std::string& path) {
    if (path.starts_with("@layouts/")) return options.builtin_layouts / platform::path_from_utf8(path.substr(9));
    if (path.starts_with("@assets/")) return options.builtin_assets / platform::path_from_utf8(path.substr(8));
    return options.content_dir / platform::path_from_utf8(path);
}

// Which shnor wrote the site: a rebuilt binary (a new release, or a developer's
// change to any source file) must render every page again, and the compile
// time of this one file misses changes elsewhere. The running executable's
// size and mtime change with every relink, at the cost of one stat.
static std::string executable_stamp() {
    std::error_code error;
    const fs::path self{"/proc/self/exe"};
    auto size = fs::file_size(self, error);
    if (error) return __DATE__ " " __TIME__;
    auto mtime = fs::last_write_time(self, error);
    if (error) return __DATE__ " " __TIME__;
    return std::to_string(size) + ":" + std::to_string(mtime.time_since_epoch().count());
}

std::string build_key(const BuildOptions& options) {
    cache::Hasher key;
    key.add(SHNOR_VERSION).add(executable_stamp()).add(options.build_date.iso()).add(options.base_url);
    key.add(fs::absolute(options.content_dir).lexically_normal().string());
    return key.finish().hex();
}

// A source whose bytes can change while no content file does.
bool has_volatile_sources(const model::Site& site, const BuildOptions& options) {
    std::string content = resolved_url("file:", options.content_dir);  // the folder's own URL, ending in '/'
    for (const auto& source : site.config.sources) {
        std::string url = resolved_url(source.url, options.content_dir);
        if (!url.starts_with(content) || url.find("/../") != std::string::npos) return true;
    }
    return false;
}

static void add_row(cache::Hasher& hasher, const model::ResultRow& row) {
    auto number = [&](const std::optional<double>& value) {
        hasher.add(value ? std::to_string(*value) : std::string("-"));
    };
    auto integer = [&](const std::optional<int>& value) { hasher.add(value ? std::to_string(*value) : std::string("-")); };
    hasher.add(row.exam).add(row.subject).add(row.scope).add(static_cast<std::uint64_t>(row.year));
    integer(row.grade);
    integer(row.participants);
    integer(row.scale);
    number(row.mean);
    number(row.fail_share);
    number(row.quality_share);
    hasher.add(row.example ? 1u : 0u).add(row.pos.file).add(static_cast<std::uint64_t>(row.pos.line));
}

// What a school's pages may read of other schools: their peer parts.
static void add_cross_school_summary(cache::Hasher& hasher, const model::Site& site) {
    for (const auto& school : site.schools) {
        auto hash = peer_hash(school);
        hasher.add(hash.low).add(hash.high);
    }
}

// Everything every school's pages depend on besides the school itself.
cache::Hash128 global_hash(const model::Site& site, const BuildOptions& options, const std::string& key,
                           const std::vector<cache::FileStamp>& stamps, const SharedData& shared) {
    cache::Hasher hasher;
    hasher.add(key);
    for (const auto& stamp : stamps) {
        if (stamp.path.starts_with("schools/")) continue;
        std::ifstream in(stamp_file(options, stamp.path), std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        hasher.add(stamp.path).add(bytes.str());
    }
    for (const auto& fetched : shared.fetched) hasher.add(fetched.id).add(fetched.body);
    for (const auto& row : site.district_results) add_row(hasher, row);
    add_cross_school_summary(hasher, site);
    return hasher.finish();
}

// Loaded schools hold paths spelled from the content folder as given, so
// each spelling (and working folder, for a relative one) has its own store.
fs::path school_store_folder(const BuildOptions& options) {
    std::string content_spelling = options.content_dir.string() + "\n" + fs::absolute(options.content_dir).string();
    return cache_dir_of(options) / "schools" / cache::hash_bytes(content_spelling).hex().substr(0, 16);
}

fs::path peers_path(const fs::path& record_file) {
    fs::path path = record_file;
    path.replace_extension(".peers");
    return path;
}

}  // namespace shnor::pipeline
