// The Windows side of write/files_windows.hpp; on Linux this file is empty.
#ifdef _WIN32

#include "write/files_windows.hpp"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <thread>

#include <fcntl.h>
#include <io.h>
#include <windows.h>

namespace shnor::write::windows {

namespace fs = std::filesystem;

namespace {

constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

// How long a rename waits for another program to let go of a file.
constexpr int kMoveAttempts = 20;
constexpr std::chrono::milliseconds kMovePause{50};

HANDLE handle_of(int fd) { return reinterpret_cast<HANDLE>(::_get_osfhandle(fd)); }

// A Windows handle as a C runtime descriptor; closing the descriptor closes it.
int descriptor_of(HANDLE handle, int flags) {
    if (handle == INVALID_HANDLE_VALUE) {
        errno = errno_of(::GetLastError());
        return -1;
    }
    int fd = ::_open_osfhandle(reinterpret_cast<intptr_t>(handle), flags);
    if (fd < 0) ::CloseHandle(handle);
    return fd;
}

// Errors another program's open handle causes, which go away when it lets go.
bool held_by_another_program(DWORD error) {
    return error == ERROR_ACCESS_DENIED || error == ERROR_SHARING_VIOLATION || error == ERROR_LOCK_VIOLATION;
}

bool is_folder(const fs::path& path) {
    DWORD attributes = ::GetFileAttributesW(path.c_str());
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

}  // namespace

int errno_of(unsigned long windows_error) {
    switch (windows_error) {
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND:
        case ERROR_INVALID_DRIVE:
        case ERROR_BAD_NETPATH:
            return ENOENT;
        case ERROR_FILE_EXISTS:
        case ERROR_ALREADY_EXISTS:
            return EEXIST;
        case ERROR_ACCESS_DENIED:
        case ERROR_SHARING_VIOLATION:
        case ERROR_LOCK_VIOLATION:
        case ERROR_WRITE_PROTECT:
            return EACCES;
        case ERROR_DIR_NOT_EMPTY:
            return ENOTEMPTY;
        case ERROR_DISK_FULL:
        case ERROR_HANDLE_DISK_FULL:
            return ENOSPC;
        case ERROR_NOT_ENOUGH_MEMORY:
        case ERROR_OUTOFMEMORY:
            return ENOMEM;
        case ERROR_FILENAME_EXCED_RANGE:
            return ENAMETOOLONG;
        case ERROR_NOT_SAME_DEVICE:
            return EXDEV;
        case ERROR_INVALID_HANDLE:
            return EBADF;
        case ERROR_INVALID_NAME:
        case ERROR_INVALID_PARAMETER:
            return EINVAL;
        default:
            return EIO;
    }
}

int create_new_file(const fs::path& path) {
    HANDLE handle = ::CreateFileW(path.c_str(), GENERIC_WRITE, kShareAll, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
                                  nullptr);
    return descriptor_of(handle, 0);  // without _O_TEXT the descriptor is binary
}

int create_temporary_file(const fs::path& path) {
    int fd = create_new_file(path);
    if (fd >= 0 || errno != EEXIST) return fd;
    if (!::DeleteFileW(path.c_str())) {  // a link itself, never what it points to
        errno = errno_of(::GetLastError());
        return -1;
    }
    return create_new_file(path);
}

int open_for_reading(const fs::path& path) {
    HANDLE handle = ::CreateFileW(path.c_str(), GENERIC_READ, kShareAll, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
                                  nullptr);
    return descriptor_of(handle, _O_RDONLY);  // a folder is refused: it needs FILE_FLAG_BACKUP_SEMANTICS
}

bool flush_to_disk(int fd) {
    if (::FlushFileBuffers(handle_of(fd))) return true;
    errno = errno_of(::GetLastError());
    return false;
}

long long read_at(int fd, void* buffer, std::size_t size, std::uint64_t offset) {
    OVERLAPPED at{};
    at.Offset = static_cast<DWORD>(offset);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD got = 0;
    DWORD wanted = size > (1u << 30) ? (1u << 30) : static_cast<DWORD>(size);
    if (::ReadFile(handle_of(fd), buffer, wanted, &got, &at)) return got;
    DWORD error = ::GetLastError();
    if (error == ERROR_HANDLE_EOF) return 0;
    errno = errno_of(error);
    return -1;
}

bool size_of(int fd, std::uint64_t& size) {
    LARGE_INTEGER bytes{};
    if (!::GetFileSizeEx(handle_of(fd), &bytes)) {
        errno = errno_of(::GetLastError());
        return false;
    }
    size = static_cast<std::uint64_t>(bytes.QuadPart);
    return true;
}

bool move_file(const fs::path& from, const fs::path& to, Existing existing) {
    DWORD flags = MOVEFILE_WRITE_THROUGH | (existing == Existing::replace ? MOVEFILE_REPLACE_EXISTING : 0);
    for (int attempt = 1;; ++attempt) {
        if (::MoveFileExW(from.c_str(), to.c_str(), flags)) return true;
        DWORD error = ::GetLastError();
        // A file never replaces a folder (rename()'s EISDIR): no use waiting.
        if (error == ERROR_ACCESS_DENIED && is_folder(to) && !is_folder(from)) {
            errno = EISDIR;
            return false;
        }
        if (!held_by_another_program(error) || attempt == kMoveAttempts) {
            errno = errno_of(error);
            return false;
        }
        std::this_thread::sleep_for(kMovePause);
    }
}

const void* map_read_only(int fd, std::size_t size) {
    HANDLE mapping = ::CreateFileMappingW(handle_of(fd), nullptr, PAGE_READONLY, 0, 0, nullptr);
    if (!mapping) return nullptr;
    const void* view = ::MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, size);
    ::CloseHandle(mapping);  // the view keeps the mapping alive
    return view;
}

void unmap(const void* mapping) { ::UnmapViewOfFile(mapping); }

namespace {

// FILETIME counts 100 ns steps since 1601; 1970 is this many of them later.
constexpr std::int64_t kUnixEpochInFiletime = 116444736000000000LL;

std::int64_t unix_ns_of(const FILETIME& time) {
    auto steps = static_cast<std::int64_t>(std::uint64_t{time.dwHighDateTime} << 32 | time.dwLowDateTime);
    return (steps - kUnixEpochInFiletime) * 100;
}

FileFacts facts_from(HANDLE handle) {
    FileFacts facts;
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(handle, &info)) {
        errno = errno_of(::GetLastError());
        return facts;
    }
    facts.exists = true;
    facts.folder = info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY;
    facts.reparse_point = info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT;
    facts.volume = info.dwVolumeSerialNumber;
    facts.index = std::uint64_t{info.nFileIndexHigh} << 32 | info.nFileIndexLow;
    facts.size = std::uint64_t{info.nFileSizeHigh} << 32 | info.nFileSizeLow;
    facts.mtime_ns = unix_ns_of(info.ftLastWriteTime);
    facts.links = info.nNumberOfLinks;
    return facts;
}

// Attributes only: opening them blocks no one, and a folder opens too.
HANDLE open_for_facts(const fs::path& path, bool follow) {
    DWORD flags = FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT);
    return ::CreateFileW(path.c_str(), FILE_READ_ATTRIBUTES, kShareAll, nullptr, OPEN_EXISTING, flags, nullptr);
}

bool remove_one(const fs::path& path, bool folder) {
    for (int attempt = 1;; ++attempt) {
        if (folder ? ::RemoveDirectoryW(path.c_str()) : ::DeleteFileW(path.c_str())) return true;
        DWORD error = ::GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return true;
        if (error == ERROR_ACCESS_DENIED && !folder) {
            // A read-only file (copied from a read-only source): deletable once the attribute is off.
            DWORD attributes = ::GetFileAttributesW(path.c_str());
            if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_READONLY) &&
                ::SetFileAttributesW(path.c_str(), attributes & ~FILE_ATTRIBUTE_READONLY))
                continue;
        }
        if (!held_by_another_program(error) && error != ERROR_DIR_NOT_EMPTY) {
            errno = errno_of(error);
            return false;
        }
        if (attempt == kMoveAttempts) {
            errno = errno_of(error);
            return false;
        }
        std::this_thread::sleep_for(kMovePause);
    }
}

}  // namespace

FileFacts facts_of(const fs::path& path, bool follow) {
    HANDLE handle = open_for_facts(path, follow);
    if (handle == INVALID_HANDLE_VALUE) {
        errno = errno_of(::GetLastError());
        return {};
    }
    FileFacts facts = facts_from(handle);
    ::CloseHandle(handle);
    return facts;
}

FileFacts facts_of(int fd) { return facts_from(handle_of(fd)); }

FileFacts attributes_of(const fs::path& path) {
    FileFacts facts;
    WIN32_FILE_ATTRIBUTE_DATA info{};
    if (!::GetFileAttributesExW(path.c_str(), GetFileExInfoStandard, &info)) {
        errno = errno_of(::GetLastError());
        return facts;
    }
    facts.exists = true;
    facts.folder = info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY;
    facts.reparse_point = info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT;
    facts.size = std::uint64_t{info.nFileSizeHigh} << 32 | info.nFileSizeLow;
    facts.mtime_ns = unix_ns_of(info.ftLastWriteTime);
    return facts;
}

int open_or_create(const fs::path& path) {
    HANDLE handle = ::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, kShareAll, nullptr, OPEN_ALWAYS,
                                  FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    int fd = descriptor_of(handle, 0);
    if (fd >= 0 && !facts_of(fd).plain_file()) {
        ::_close(fd);
        errno = ELOOP;
        return -1;
    }
    return fd;
}

bool remove_tree(const fs::path& path) {
    FileFacts facts = facts_of(path, false);
    if (!facts.exists) return errno == ENOENT;
    if (facts.folder && !facts.reparse_point) {
        WIN32_FIND_DATAW found{};
        HANDLE search = ::FindFirstFileW((path / L"*").c_str(), &found);
        if (search != INVALID_HANDLE_VALUE) {
            bool removed = true;
            do {
                std::wstring_view name(found.cFileName);
                if (name == L"." || name == L"..") continue;
                removed = remove_tree(path / name) && removed;
            } while (::FindNextFileW(search, &found));
            ::FindClose(search);
            if (!removed) return false;
        }
    }
    // A junction or a folder's symbolic link goes with RemoveDirectoryW, never emptied first.
    return remove_one(path, facts.folder);
}

bool try_lock(int fd) {
    OVERLAPPED far_byte{};
    far_byte.OffsetHigh = 0x7fffffff;
    if (::LockFileEx(handle_of(fd), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &far_byte)) return true;
    DWORD error = ::GetLastError();
    errno = error == ERROR_LOCK_VIOLATION || error == ERROR_IO_PENDING ? EWOULDBLOCK : errno_of(error);
    return false;
}

bool replace_contents(int fd, std::string_view text) {
    HANDLE handle = handle_of(fd);
    LARGE_INTEGER start{};
    OVERLAPPED at_start{};
    DWORD written = 0;
    if (!::SetFilePointerEx(handle, start, nullptr, FILE_BEGIN) || !::SetEndOfFile(handle) ||
        !::WriteFile(handle, text.data(), static_cast<DWORD>(text.size()), &written, &at_start)) {
        errno = errno_of(::GetLastError());
        return false;
    }
    return written == text.size();
}

bool process_is_running(unsigned long pid) {
    HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!process) return ::GetLastError() == ERROR_ACCESS_DENIED;  // another user's: it exists
    DWORD code = 0;
    bool running = ::GetExitCodeProcess(process, &code) && code == STILL_ACTIVE;
    ::CloseHandle(process);
    return running;
}

int open_folder(const fs::path& path) {
    HANDLE handle = ::CreateFileW(path.c_str(), FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES, kShareAll, nullptr,
                                  OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    int fd = descriptor_of(handle, _O_RDONLY);
    if (fd < 0) return fd;
    FileFacts facts = facts_of(fd);
    if (!facts.folder || facts.reparse_point) {
        ::_close(fd);
        errno = facts.reparse_point ? ELOOP : ENOTDIR;
        return -1;
    }
    return fd;
}

fs::path path_of(int folder_fd) {
    std::wstring path(512, L'\0');
    for (;;) {
        DWORD length = ::GetFinalPathNameByHandleW(handle_of(folder_fd), path.data(), static_cast<DWORD>(path.size()),
                                                   FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
        if (length == 0) {
            errno = errno_of(::GetLastError());
            return {};
        }
        if (length < path.size()) {
            path.resize(length);
            return fs::path(path);
        }
        path.resize(length + 1);
    }
}

fs::path path_under(const fs::path& folder, std::string_view relative) {
    if (relative.empty() || relative == ".") return folder;
    std::u8string_view text(reinterpret_cast<const char8_t*>(relative.data()), relative.size());
    // A "\\?\" path is taken literally: '/' must be '\' there.
    return (folder / fs::path(text)).make_preferred();
}

fs::path path_at(int folder_fd, std::string_view relative) { return path_under(path_of(folder_fd), relative); }

bool list_folder(int folder_fd, std::vector<ListedEntry>& entries) {
    alignas(8) char buffer[64 * 1024];
    FILE_INFO_BY_HANDLE_CLASS kind = FileIdBothDirectoryRestartInfo;  // from the start, whatever was read before
    for (;;) {
        if (!::GetFileInformationByHandleEx(handle_of(folder_fd), kind, buffer, sizeof buffer)) {
            DWORD error = ::GetLastError();
            if (error == ERROR_NO_MORE_FILES) return true;
            errno = errno_of(error);
            return false;
        }
        kind = FileIdBothDirectoryInfo;
        for (std::size_t at = 0;;) {
            const auto* entry = reinterpret_cast<const FILE_ID_BOTH_DIR_INFO*>(buffer + at);
            std::wstring_view name(entry->FileName, entry->FileNameLength / sizeof(wchar_t));
            if (name != L"." && name != L"..") {
                ListedEntry listed;
                listed.name = fs::path(name).string();
                listed.index = static_cast<std::uint64_t>(entry->FileId.QuadPart);
                listed.folder = (entry->FileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
                                !(entry->FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT);
                entries.push_back(std::move(listed));
            }
            if (entry->NextEntryOffset == 0) break;
            at += entry->NextEntryOffset;
        }
    }
}

bool hard_link(const fs::path& from, const fs::path& to) {
    if (::CreateHardLinkW(to.c_str(), from.c_str(), nullptr)) return true;
    DWORD error = ::GetLastError();
    switch (error) {
        case ERROR_INVALID_FUNCTION:  // FAT, exFAT
        case ERROR_NOT_SUPPORTED:
        case ERROR_INVALID_PARAMETER:
            errno = EOPNOTSUPP;
            break;
        case ERROR_TOO_MANY_LINKS:
            errno = EMLINK;
            break;
        default:
            errno = errno_of(error);
    }
    return false;
}

bool make_folder(const fs::path& path) {
    if (::CreateDirectoryW(path.c_str(), nullptr)) return true;
    errno = errno_of(::GetLastError());
    return false;
}

bool copy_file(const fs::path& from, const fs::path& to) {
    if (::CopyFileW(from.c_str(), to.c_str(), FALSE)) return true;
    errno = errno_of(::GetLastError());
    return false;
}

std::int64_t now_ns() {
    FILETIME now{};
    ::GetSystemTimeAsFileTime(&now);
    return unix_ns_of(now);
}

}  // namespace shnor::write::windows

#endif
