// Two folder trees kept alike by hard links: the output folder and its spare
// (output_tree.hpp). Everything here works on paths relative to an open root
// folder (the *at() calls), and never opens an existing file for writing: a
// file of one tree is usually the very inode of the other's, so writing it in
// place would change the published site too.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::write::sync {

// An open folder, closed on destruction.
class Folder {
public:
    Folder() = default;
    explicit Folder(int fd) : fd_(fd) {}
    // `path` relative to `parent_fd` ("" or "." for the folder itself); -1 when it cannot be opened.
    static Folder open(int parent_fd, const std::string& path);
    Folder(Folder&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Folder& operator=(Folder&& other) noexcept;
    Folder(const Folder&) = delete;
    Folder& operator=(const Folder&) = delete;
    ~Folder();
    int fd() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

struct Entry {
    std::string name;
    unsigned long long inode = 0;
    bool folder = false;
};

// The entries of an open folder but "." and "..", sorted by name.
std::vector<Entry> list(int folder_fd);

// Names at the top of a tree that the functions below neither copy nor remove
// (the marker and the unfinished-build flag of output_tree.cpp).
using RootNames = std::function<bool(std::string_view name)>;

// Paths (relative to the roots) of every entry of `from` the functions below
// looked at, for the caller to tell its own files from the user's.
using Seen = std::vector<std::string>;

// Makes the subtree `path` of `to_root` ("" for the whole tree) the same as
// `from_root`'s: the same folders, the same files (hard links of `from`'s;
// copies on a file system without hard links), nothing else. Throws
// std::runtime_error on an I/O failure.
void mirror(int from_root, int to_root, const std::string& path, const RootNames& skip, Seen* seen);

// The same for the entries of the folder `path` alone: a folder on both sides
// is not entered, a folder only in `from` is mirrored whole.
void mirror_listing(int from_root, int to_root, const std::string& path, const RootNames& skip, Seen* seen);

// The entry at `path` of `to_root` becomes `from_root`'s: a hard link of its
// file, its folder mirrored, or nothing (and the folders that leaves empty in
// `to`, when `from` has none there, are removed).
void resync(int from_root, int to_root, const std::string& path);

// Makes the folders of `path` (not `path` itself) under `root`.
void make_parents(int root, const std::string& path);

// A hard link of `from_dir`/`from_name` at `to_dir`/`to_name`, replacing what
// is there; a copy when the file system has no hard links.
void link_or_copy(int from_dir, const std::string& from_name, int to_dir, const std::string& to_name);

// Removes the entry `name` of the folder `dir_fd`, a whole subtree for a
// folder. Missing is not an error.
void remove_entry(int dir_fd, const std::string& name);

// Removes the folders of `path` under `root` that are empty, from the
// deepest up, stopping at the first one that is not.
void remove_empty_parents(int root, const std::string& path);

}  // namespace shnor::write::sync
