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

}  // namespace shnor::write::windows

#endif
