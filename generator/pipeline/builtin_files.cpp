#include "pipeline/builtin_files.hpp"

#include "cache/fingerprint.hpp"

#ifdef _WIN32
#include "write/files_windows.hpp"

#include <windows.h>
#include <process.h>

#include <algorithm>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

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

#ifdef _WIN32
// The last Win32 error as a sentence (the system's language, UTF-8 with the manifest).
std::string last_error_text() {
    return std::system_category().message(static_cast<int>(::GetLastError()));
}

// The bytes of a regular file, or nothing when it is a link (any reparse
// point, a junction too: opened as itself, never followed) or unreadable.
std::optional<std::string> read_plain_file(const fs::path& path) {
    HANDLE file = ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                nullptr, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    if (file == INVALID_HANDLE_VALUE) return std::nullopt;
    FILE_ATTRIBUTE_TAG_INFO info{};
    std::optional<std::string> bytes;
    if (::GetFileInformationByHandleEx(file, FileAttributeTagInfo, &info, sizeof info) &&
        !(info.FileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY))) {
        bytes.emplace();
        char buffer[16384];
        for (;;) {
            DWORD got = 0;
            if (!::ReadFile(file, buffer, sizeof buffer, &got, nullptr)) {
                bytes.reset();
                break;
            }
            if (got == 0) break;
            bytes->append(buffer, got);
        }
    }
    ::CloseHandle(file);
    return bytes;
}
#else
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
#endif

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
#ifdef _WIN32
    name.append(".").append(role).append(".").append(std::to_string(::_getpid()));
#else
    name.append(".").append(role).append(".").append(std::to_string(::getpid()));
#endif
    name.append("-").append(std::to_string(now)).append("-").append(std::to_string(calls++));
    return folder.parent_path() / name;
}

constexpr time_t kFileTime = 946684800;  // 2000-01-01 00:00:00 UTC

#ifdef _WIN32
// CREATE_NEW refuses any existing name, a link included, so none is followed.
void write_whole(const fs::path& path, std::string_view bytes) {
    HANDLE file = ::CreateFileW(path.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (file == INVALID_HANDLE_VALUE) fail(path, last_error_text());
    auto failed = [&] {
        std::string detail = last_error_text();
        ::CloseHandle(file);
        fail(path, detail);
    };
    while (!bytes.empty()) {
        DWORD wrote = 0;
        DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(bytes.size(), 1u << 30));
        if (!::WriteFile(file, bytes.data(), chunk, &wrote, nullptr)) failed();
        bytes.remove_prefix(wrote);
    }
    // The same old, fixed mtime as on Linux (below says why), in 100 ns
    // units since 1601-01-01.
    constexpr std::uint64_t kSecondsFrom1601 = 11644473600;
    const std::uint64_t ticks = (static_cast<std::uint64_t>(kFileTime) + kSecondsFrom1601) * 10000000;
    const FILETIME time{static_cast<DWORD>(ticks), static_cast<DWORD>(ticks >> 32)};
    if (!::SetFileTime(file, nullptr, &time, &time)) failed();
    if (!::CloseHandle(file)) fail(path, last_error_text());
}

// Into a folder this process has just made, so no name in it is anyone else's.
void write_embedded(const fs::path& folder) {
    if (!::CreateDirectoryW(folder.c_str(), nullptr)) fail(folder, last_error_text());
    for (const auto& file : embedded_files()) {
        fs::path path = folder / file.path;
        for (fs::path parent = fs::path(file.path).parent_path(); !parent.empty(); parent = parent.parent_path())
            if (!::CreateDirectoryW((folder / parent).c_str(), nullptr) && ::GetLastError() != ERROR_ALREADY_EXISTS)
                fail(folder / parent, last_error_text());
        write_whole(path, file.bytes());
    }
}
#else
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
#endif

// Renames, then removes, what stands at `folder`: a link goes as a link.
void set_aside(const fs::path& folder) {
    fs::path old = unique_beside(folder, "old");
    std::error_code error;
    fs::rename(folder, old, error);
#ifdef _WIN32
    // fs::remove_all would go through a junction here (libstdc++ sees no links on Windows).
    if (!error) write::windows::remove_tree(old);
#else
    if (!error) fs::remove_all(old, error);
#endif
}

void put_in_place(const fs::path& folder) {
    std::error_code error;
    fs::create_directories(folder.parent_path(), error);
    if (error) fail(folder.parent_path(), error.message());
    fs::path fresh = unique_beside(folder, "new");
    try {
        write_embedded(fresh);
    } catch (...) {
#ifdef _WIN32
        write::windows::remove_tree(fresh);
#else
        fs::remove_all(fresh, error);
#endif
        throw;
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
        fs::rename(fresh, folder, error);
        if (!error) return;
        if (holds_embedded(folder)) break;  // another build's, just put there
        set_aside(folder);
    }
    std::string detail = error.message();
#ifdef _WIN32
    write::windows::remove_tree(fresh);
#else
    fs::remove_all(fresh, error);
#endif
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
