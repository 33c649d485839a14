// What the readers of the content folder need from Windows, in one place:
// a handle that never follows a symbolic link, junction or other reparse
// point (Windows has no O_NOFOLLOW), a folder's listing through its handle,
// and file times as the Linux code has them. Windows only: included under
// #ifdef _WIN32; <windows.h> stays out of the header.
#pragma once

#ifdef _WIN32

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace shnor::platform {

// A Win32 handle, closed with its owner.
class FileHandle {
public:
    FileHandle() = default;
    explicit FileHandle(void* handle) : handle_(handle) {}
    ~FileHandle();
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;
    FileHandle(FileHandle&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
    FileHandle& operator=(FileHandle&& other) noexcept {
        std::swap(handle_, other.handle_);
        return *this;
    }
    bool valid() const { return handle_ != nullptr; }
    void* get() const { return handle_; }

private:
    void* handle_ = nullptr;
};

enum class FileKind { missing, file, folder, reparse_point, other };

// What a handle or a listing says of one file.
struct FileFacts {
    FileKind kind = FileKind::missing;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;  // since the Unix epoch, 100 ns steps
};

// Opens `path` for reading without following a reparse point at its last
// component (the reparse point itself is opened: facts_of() tells it).
// `hold_in_place` leaves out FILE_SHARE_DELETE, so that no other program
// can rename or remove it while it is open: a walk holds each folder it
// went through, and none can be swapped for a junction behind its back.
FileHandle open_no_follow(const std::filesystem::path& path, bool hold_in_place);
// The same, following links: a link to a file counts as that file.
FileHandle open_following(const std::filesystem::path& path);

FileFacts facts_of(const FileHandle& handle);
// The same for a handle of open_no_follow(path). Wine (8.0) opens a Unix
// symbolic link to a folder as the folder even with
// FILE_FLAG_OPEN_REPARSE_POINT; only the path's own attributes (and the
// folder's listing) say it is a reparse point. Windows says it both ways.
FileFacts facts_of(const FileHandle& handle, const std::filesystem::path& path);
// What the folder's listing says of `path` (its last component not
// followed), for a file another program holds so that it cannot be opened.
FileFacts facts_without_opening(const std::filesystem::path& path);

struct FolderEntry {
    std::string name;  // UTF-8
    FileFacts facts;
};

// The entries of the open folder but "." and ".."; false when it cannot be listed.
bool list_folder(const FileHandle& folder, std::vector<FolderEntry>& entries);

// Reads up to `size` bytes; the count read, or -1 on an error.
long long read_some(const FileHandle& file, char* data, std::size_t size);

std::string utf8_of(const std::wstring& text);

}  // namespace shnor::platform

#endif
