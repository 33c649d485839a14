// Windows only (issue 19, docs/windows.md, "The write side"): what the
// POSIX calls of the write side do there, in one place: the files that write
// a new file beside its name and rename it over the old one
// (write/atomic_file.cpp, fetch/cache.cpp, pipeline/school_parts.cpp), the
// mapped reads (write/mapped_file.cpp, pipeline/build_record.cpp), the
// output folder's lock and state (write/output_folder.cpp) and the output
// tree's folder descriptors (write/tree_sync_windows.cpp,
// write/output_tree.cpp). Descriptors are the C runtime's, so write(),
// read(), close() and write::write_in_slices() work on them as on Linux.
//
// Every file is opened shared for reading, writing and deleting: another
// program (Explorer, an antivirus scan, the preview server) holding it open
// must not block shnor, and shnor's own handles must not block a rename.
#pragma once

#ifdef _WIN32

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::write::windows {

// open(O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC): a new file, created only
// where nothing has the name (so no link is followed), binary (no "\r\n"),
// not inherited by child processes. -1 with errno set when it cannot be.
int create_new_file(const std::filesystem::path& path);

// open(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC) of a temporary name: as
// create_new_file(), but a file left there (by a killed process whose pid
// this one has again) is removed first, never written through.
int create_temporary_file(const std::filesystem::path& path);

// open(O_RDONLY | O_CLOEXEC) of an existing file (not a folder), binary.
// -1 with errno set.
int open_for_reading(const std::filesystem::path& path);

// fsync(): the file's bytes are on the disk. False with errno set.
bool flush_to_disk(int fd);

// pread(): `size` bytes at `offset`, fewer at the end of the file; -1 on an error.
long long read_at(int fd, void* buffer, std::size_t size, std::uint64_t offset);

// The size of an open file; false with errno set.
bool size_of(int fd, std::uint64_t& size);

enum class Existing { replace, keep };

// rename(): `from` takes the name `to` (a file or a folder), written through
// to the disk. Windows refuses it while another program has one of them
// open without sharing deletion (an editor, Explorer's preview, an
// antivirus scan): that is retried for about a second. False with errno set
// (EEXIST when `to` exists and `existing` is keep).
bool move_file(const std::filesystem::path& from, const std::filesystem::path& to,
               Existing existing = Existing::replace);

// mmap(PROT_READ, MAP_PRIVATE) of the first `size` bytes (size > 0) of an
// open file; the descriptor may be closed afterwards. nullptr on failure.
const void* map_read_only(int fd, std::size_t size);
// munmap().
void unmap(const void* mapping);

// What stat() and lstat() tell of a file or folder, from
// GetFileInformationByHandle.
struct FileFacts {
    bool exists = false;
    bool folder = false;
    bool reparse_point = false;  // a symbolic link, a junction, a mount point…
    std::uint64_t volume = 0;    // the volume's serial number: st_dev
    std::uint64_t index = 0;     // the file's index on its volume: st_ino
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;   // nanoseconds since 1970, in steps of 100
    std::uint32_t links = 0;     // st_nlink
    bool plain_file() const { return exists && !folder && !reparse_point; }
};

// follow = false: lstat(), a reparse point itself, never what it points to.
// Not existing (or not readable) is exists = false, errno set.
FileFacts facts_of(const std::filesystem::path& path, bool follow);
// fstat().
FileFacts facts_of(int fd);

// facts_of(path, false) without a handle (GetFileAttributesExW): exists,
// folder, reparse_point, size and mtime_ns only. For many files at once.
FileFacts attributes_of(const std::filesystem::path& path);

// open(O_RDWR | O_CREAT | O_NOFOLLOW): the lock file, a flag file. An
// existing reparse point is refused (errno ELOOP). -1 with errno set.
int open_or_create(const std::filesystem::path& path);

// Removes a file, a reparse point (the link itself) or a folder with all it
// holds, never entering a reparse point: a junction inside the output leads
// out of it. Missing is not an error. False with errno set.
bool remove_tree(const std::filesystem::path& path);

// flock(LOCK_EX | LOCK_NB): LockFileEx on a byte far beyond the file's end,
// so the holder's pid at its start stays readable to those who wait. False
// (errno EWOULDBLOCK) while another process holds it.
bool try_lock(int fd);

// ftruncate(fd, 0) then pwrite(fd, text, 0). False with errno set.
bool replace_contents(int fd, std::string_view text);

// kill(pid, 0) == 0: the process exists and has not exited.
bool process_is_running(unsigned long pid);

// Folders as descriptors, for write/tree_sync.hpp's *at() functions: a
// descriptor of the folder's handle (shared for deletion: it blocks no
// rename), whose current path GetFinalPathNameByHandleW gives, so it follows
// the folder through renames as a Linux descriptor does.
// open(O_RDONLY | O_DIRECTORY | O_NOFOLLOW): -1 with errno set (ENOTDIR for
// a file, ELOOP for a reparse point).
int open_folder(const std::filesystem::path& path);
// The folder's path now ("\\?\C:\..."); empty with errno set on failure.
std::filesystem::path path_of(int folder_fd);
// `relative` ('/'-separated UTF-8, "" for the folder itself) under the folder.
std::filesystem::path path_at(int folder_fd, std::string_view relative);
// path_at() under a path already known (path_of() once for many entries).
std::filesystem::path path_under(const std::filesystem::path& folder, std::string_view relative);

// One entry of a folder listing (FileIdBothDirectoryInfo: with the file index).
struct ListedEntry {
    std::string name;  // UTF-8
    std::uint64_t index = 0;
    bool folder = false;  // a folder, not a reparse point
};
// readdir() of an open folder, "." and ".." left out, in no order. False
// with errno set.
bool list_folder(int folder_fd, std::vector<ListedEntry>& entries);

// linkat(): a hard link `to` of the file `from`. False with errno set (EXDEV,
// EOPNOTSUPP or EMLINK where the file system has none or no more: FAT, exFAT,
// some shares; EEXIST when `to` exists).
bool hard_link(const std::filesystem::path& from, const std::filesystem::path& to);

// mkdir(). False with errno set.
bool make_folder(const std::filesystem::path& path);

// A copy of a file's bytes, attributes and times (CopyFileW): `to` is made
// or replaced. False with errno set.
bool copy_file(const std::filesystem::path& from, const std::filesystem::path& to);

// clock_gettime(CLOCK_REALTIME): nanoseconds since 1970 (steps of 100 ns).
std::int64_t now_ns();

// The errno value closest to a Windows error (GetLastError()).
int errno_of(unsigned long windows_error);

}  // namespace shnor::write::windows

#endif
