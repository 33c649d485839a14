#include "pipeline/builtin_files.hpp"

#include "cache/fingerprint.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>

namespace shnor::pipeline {

namespace fs = std::filesystem;

namespace {

// Names the embedded bytes: another shnor (other layouts) gets another folder.
std::string embedded_hash() {
    cache::Hasher hasher;
    for (const auto& file : embedded_files()) {
        std::string_view path = file.path;
        hasher.add(std::uint64_t{path.size()}).add(path).add(std::uint64_t{file.size}).add(file.bytes());
    }
    return hasher.finish().hex().substr(0, 16);
}

// The bytes of a regular file, or nothing when it is a link or unreadable.
std::optional<std::string> read_plain_file(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat info {};
    std::optional<std::string> bytes;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
        bytes.emplace();
        char buffer[16384];
        for (;;) {
            ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got == 0) break;
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) {
                bytes.reset();
                break;
            }
            bytes->append(buffer, static_cast<std::size_t>(got));
        }
    }
    ::close(fd);
    return bytes;
}

// Exactly the embedded files with their bytes, and the folders that hold
// them: nothing else (a stray layout would be used), no link anywhere.
bool holds_embedded(const fs::path& folder) {
    std::error_code error;
    if (fs::symlink_status(folder, error).type() != fs::file_type::directory) return false;
    std::map<std::string, std::string_view> files;
    std::set<std::string> folders;
    for (const auto& file : embedded_files()) {
        files.emplace(file.path, file.bytes());
        for (fs::path parent = fs::path(file.path).parent_path(); !parent.empty(); parent = parent.parent_path())
            folders.insert(parent.generic_string());
    }
    std::size_t matched = 0;
    fs::recursive_directory_iterator entries(folder, error);  // never into a linked folder
    for (const fs::recursive_directory_iterator end; !error && entries != end; entries.increment(error)) {
        std::string relative = entries->path().lexically_relative(folder).generic_string();
        fs::file_type type = entries->symlink_status(error).type();
        if (error) return false;
        if (type == fs::file_type::directory && folders.count(relative)) continue;
        auto expected = files.find(relative);
        if (type != fs::file_type::regular || expected == files.end()) return false;
        auto bytes = read_plain_file(entries->path());
        if (!bytes || *bytes != expected->second) return false;
        ++matched;
    }
    return !error && matched == files.size();
}

[[noreturn]] void fail(const fs::path& path, const std::string& detail) {
    throw std::runtime_error("не удалось записать встроенные шаблоны и оформление shnor в папку кэша (" +
                             path.string() + "): " + detail);
}

// A name beside `folder` that no other process, or call, picks.
fs::path unique_beside(const fs::path& folder, const char* role) {
    static std::atomic<unsigned> calls{0};
    auto now = std::chrono::system_clock::now().time_since_epoch().count();
    std::string name(1, '.');  // not "." + …: g++ 12 warns wrongly (-Wrestrict)
    name.append(folder.filename().string());
    name.append(".").append(role).append(".").append(std::to_string(::getpid()));
    name.append("-").append(std::to_string(now)).append("-").append(std::to_string(calls++));
    return folder.parent_path() / name;
}

constexpr time_t kFileTime = 946684800;  // 2000-01-01 00:00:00 UTC

void write_whole(const fs::path& path, std::string_view bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) fail(path, std::strerror(errno));
    while (!bytes.empty()) {
        ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0) {
            int code = errno;
            ::close(fd);
            fail(path, std::strerror(code));
        }
        bytes.remove_prefix(static_cast<std::size_t>(wrote));
    }
    // An old, fixed mtime: one of now would make the next build's stamps
    // "racy" (within 2 s of a build, plan/plan.hpp) and cost it its
    // shortcut. The mtime carries nothing: the bytes are checked every build,
    // and another binary, whatever its files' sizes, is another build key.
    const struct timespec times[2] = {{kFileTime, 0}, {kFileTime, 0}};
    if (::futimens(fd, times) != 0) {
        int code = errno;
        ::close(fd);
        fail(path, std::strerror(code));
    }
    if (::close(fd) != 0) fail(path, std::strerror(errno));
}

// Into a folder this process has just made, so no name in it is anyone else's.
void write_embedded(const fs::path& folder) {
    if (::mkdir(folder.c_str(), 0755) != 0) fail(folder, std::strerror(errno));
    for (const auto& file : embedded_files()) {
        fs::path path = folder / file.path;
        for (fs::path parent = fs::path(file.path).parent_path(); !parent.empty(); parent = parent.parent_path())
            if (::mkdir((folder / parent).c_str(), 0755) != 0 && errno != EEXIST) fail(folder / parent, std::strerror(errno));
        write_whole(path, file.bytes());
    }
}

// Renames, then removes, what stands at `folder`: a link goes as a link.
void set_aside(const fs::path& folder) {
    fs::path old = unique_beside(folder, "old");
    std::error_code error;
    fs::rename(folder, old, error);
    if (!error) fs::remove_all(old, error);
}

void put_in_place(const fs::path& folder) {
    std::error_code error;
    fs::create_directories(folder.parent_path(), error);
    if (error) fail(folder.parent_path(), error.message());
    fs::path fresh = unique_beside(folder, "new");
    try {
        write_embedded(fresh);
    } catch (...) {
        fs::remove_all(fresh, error);
        throw;
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
        fs::rename(fresh, folder, error);
        if (!error) return;
        if (holds_embedded(folder)) break;  // another build's, just put there
        set_aside(folder);
    }
    std::string detail = error.message();
    fs::remove_all(fresh, error);
    if (!holds_embedded(folder)) fail(folder, detail);
}

}  // namespace

BuiltinFolders builtin_folders(const fs::path& cache_dir) {
    static const std::string hash = embedded_hash();
    const fs::path folder = cache_dir / ("builtin-" + hash);
    if (!holds_embedded(folder)) put_in_place(folder);
    return {folder / "layouts", folder / "assets"};
}

}  // namespace shnor::pipeline
