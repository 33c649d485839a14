#include "fetch/cache.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#ifdef _WIN32
#include "write/files_windows.hpp"
#endif

namespace shnor::fetch {

namespace {

std::string file_stem(const std::string& url) { return sha256_hex(url).substr(0, 32); }

std::runtime_error io_error(const std::filesystem::path& path, const std::string& what) {
    return std::runtime_error("кэш " + path.string() + ": " + what + ": " + std::strerror(errno));
}

void write_all(int fd, const std::string& bytes, const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t written = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (written < 0) {
            if (errno == EINTR) continue;
            throw io_error(path, "не удалось записать");
        }
        done += static_cast<std::size_t>(written);
    }
}

#ifdef _WIN32
// As on Linux (below), with write/files_windows.hpp: the rename is written
// through, so there is no folder to sync.
void write_atomically(const std::filesystem::path& path, const std::string& bytes) {
    static std::atomic<unsigned> counter{0};
    auto temp = path;
    temp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    int fd = write::windows::create_new_file(temp);
    if (fd < 0) throw io_error(temp, "не удалось создать файл");
    std::error_code ignored;
    try {
        write_all(fd, bytes, temp);
        if (!write::windows::flush_to_disk(fd)) throw io_error(temp, "не удалось сохранить на диск");
    } catch (...) {
        ::close(fd);
        std::filesystem::remove(temp, ignored);
        throw;
    }
    ::close(fd);
    if (!write::windows::move_file(temp, path)) {
        auto error = io_error(path, "не удалось переименовать");
        std::filesystem::remove(temp, ignored);
        throw error;
    }
}
#else
// Durably persists the rename itself, not only the file's bytes.
void sync_folder(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// Either the old file or the complete new one is at `path`, whatever
// happens: the bytes go to a temp file in the same folder first.
void write_atomically(const std::filesystem::path& path, const std::string& bytes) {
    static std::atomic<unsigned> counter{0};
    auto temp = path;
    temp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw io_error(temp, "не удалось создать файл");
    try {
        write_all(fd, bytes, temp);
        if (::fsync(fd) != 0) throw io_error(temp, "не удалось сохранить на диск");
    } catch (...) {
        ::close(fd);
        ::unlink(temp.c_str());
        throw;
    }
    ::close(fd);
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        auto error = io_error(path, "не удалось переименовать");
        ::unlink(temp.c_str());
        throw error;
    }
    sync_folder(path.parent_path());
}
#endif

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return std::move(bytes).str();
}

std::string iso_utc(Clock::time_point when) {
    std::time_t seconds = Clock::to_time_t(when);
    std::tm parts{};
#ifdef _WIN32
    ::gmtime_s(&parts, &seconds);  // Microsoft's order of arguments
#else
    ::gmtime_r(&seconds, &parts);
#endif
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

std::string metadata_json(const CacheEntry& entry) {
    auto unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(entry.fetched_at.time_since_epoch()).count();
    nlohmann::json meta = {
        {"url", entry.url},
        {"etag", entry.etag},
        {"last_modified", entry.last_modified},
        {"fetched_at", iso_utc(entry.fetched_at)},
        {"fetched_at_unix", unix_seconds},
        {"sha256", sha256_hex(entry.body)},
        {"bytes", entry.body.size()},
    };
    return meta.dump(2) + "\n";
}

}  // namespace

std::filesystem::path Cache::body_path(const std::string& url) const { return dir_ / (file_stem(url) + ".body"); }

std::filesystem::path Cache::meta_path(const std::string& url) const { return dir_ / (file_stem(url) + ".json"); }

namespace {

// A metadata field of the expected type, or nullopt.
std::optional<std::string> text_field(const nlohmann::json& meta, const char* key) {
    auto found = meta.find(key);
    if (found == meta.end() || !found->is_string()) return std::nullopt;
    return found->get<std::string>();
}

std::optional<CacheEntry> read_entry(const std::filesystem::path& meta_file, const std::filesystem::path& body_file,
                                     const std::string& url, std::string& problem) {
    std::error_code error;
    bool has_meta = std::filesystem::exists(meta_file, error);
    bool has_body = std::filesystem::exists(body_file, error);
    if (!has_meta && !has_body) return std::nullopt;  // never cached: nothing to say
    auto meta_text = read_file(meta_file);
    if (!meta_text) {
        problem = "нет файла " + meta_file.filename().string();
        return std::nullopt;
    }
    auto body = read_file(body_file);
    if (!body) {
        problem = "нет файла " + body_file.filename().string();
        return std::nullopt;
    }
    auto meta = nlohmann::json::parse(*meta_text, nullptr, /*allow_exceptions=*/false);
    if (!meta.is_object()) {
        problem = meta_file.filename().string() + " не читается как JSON";
        return std::nullopt;
    }
    auto stored_url = text_field(meta, "url");
    auto sha256 = text_field(meta, "sha256");
    auto unix_seconds = meta.find("fetched_at_unix");
    // Seconds since 1970 that clock arithmetic cannot overflow with (2^40 s: 34 800 years).
    bool has_time = unix_seconds != meta.end() && unix_seconds->is_number_unsigned() &&
                    unix_seconds->get<std::uint64_t>() < (std::uint64_t{1} << 40);
    auto etag = meta.contains("etag") ? text_field(meta, "etag") : std::string();
    auto last_modified = meta.contains("last_modified") ? text_field(meta, "last_modified") : std::string();
    if (!stored_url || !sha256 || !has_time || !etag || !last_modified) {
        problem = "в " + meta_file.filename().string() + " нет нужных полей или они не того типа";
        return std::nullopt;
    }
    if (*stored_url != url) {
        problem = meta_file.filename().string() + " описывает другой адрес";
        return std::nullopt;
    }
    if (*sha256 != sha256_hex(*body)) {
        problem = body_file.filename().string() + " не совпадает с контрольной суммой из " +
                  meta_file.filename().string();
        return std::nullopt;
    }
    CacheEntry entry;
    entry.url = url;
    entry.etag = std::move(*etag);
    entry.last_modified = std::move(*last_modified);
    entry.fetched_at = Clock::time_point(std::chrono::seconds(static_cast<std::int64_t>(unix_seconds->get<std::uint64_t>())));
    entry.body = std::move(*body);
    return entry;
}

}  // namespace

std::optional<CacheEntry> Cache::load(const std::string& url, std::string* problem) const {
    std::string reason;
    std::optional<CacheEntry> entry;
    try {
        entry = read_entry(meta_path(url), body_path(url), url, reason);
    } catch (const std::exception& error) {  // out of memory, a folder where a file should be, …
        reason = error.what();
        entry.reset();
    }
    if (problem) *problem = reason;
    return entry;
}

void Cache::store(const CacheEntry& entry) const {
    std::error_code error;
    std::filesystem::create_directories(dir_, error);
    if (error) throw std::runtime_error("кэш " + dir_.string() + ": не удалось создать папку: " + error.message());
    // Body first: until the new metadata lands, the old metadata's sha256
    // no longer matches, so a crash in between reads as "no cache".
    write_atomically(body_path(entry.url), entry.body);
    write_atomically(meta_path(entry.url), metadata_json(entry));
}

void Cache::touch(const CacheEntry& entry) const { write_atomically(meta_path(entry.url), metadata_json(entry)); }

}  // namespace shnor::fetch
