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
    ::gmtime_r(&seconds, &parts);
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

std::optional<CacheEntry> Cache::load(const std::string& url) const {
    auto meta_text = read_file(meta_path(url));
    auto body = read_file(body_path(url));
    if (!meta_text || !body) return std::nullopt;
    auto meta = nlohmann::json::parse(*meta_text, nullptr, /*allow_exceptions=*/false);
    if (!meta.is_object()) return std::nullopt;
    if (meta.value("url", "") != url) return std::nullopt;
    if (meta.value("sha256", "") != sha256_hex(*body)) return std::nullopt;
    auto unix_seconds = meta.value("fetched_at_unix", std::int64_t{-1});
    if (unix_seconds < 0) return std::nullopt;

    CacheEntry entry;
    entry.url = url;
    entry.etag = meta.value("etag", "");
    entry.last_modified = meta.value("last_modified", "");
    entry.fetched_at = Clock::time_point(std::chrono::seconds(unix_seconds));
    entry.body = std::move(*body);
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
