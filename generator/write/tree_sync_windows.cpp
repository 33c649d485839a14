// write/tree_sync.hpp on Windows (issue 19); on Linux this file is empty and
// tree_sync.cpp is the implementation. The same algorithm: a folder
// descriptor is write/files_windows.hpp's open_folder(), a path relative to
// it is path_at(); hard links are CreateHardLinkW, copies CopyFileW (bytes,
// attributes and times). A reparse point (symbolic link, junction) is never
// entered: a user's link is copied as its target's bytes when it is a file
// (making a link needs a privilege on Windows), and left out otherwise.
#ifdef _WIN32

#include "write/tree_sync.hpp"

#include "write/files_windows.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <unistd.h>
#include <windows.h>

namespace shnor::write::sync {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error(what + " «" + path + "»: " + std::strerror(errno));
}

std::string joined(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "/" + name;
}

fs::path at(int dir_fd, const std::string& name) { return windows::path_at(dir_fd, name); }

// A file system without hard links (FAT, exFAT, some network shares) gets
// copies, under a temporary name renamed into place.
void copy_file(int from_dir, const std::string& from_name, int to_dir, const std::string& to_name) {
    fs::path from = at(from_dir, from_name);
    auto facts = windows::facts_of(from, false);
    if (!facts.exists) {
        if (errno == ENOENT) return;  // gone meanwhile (the user's own file, removed)
        fail("Не удалось прочитать", from_name);
    }
    if (facts.reparse_point) facts = windows::facts_of(from, true);  // a link: its target's bytes
    if (!facts.exists || facts.folder) return;  // a dangling link, a link to a folder: not copied
    std::string temporary = to_name + ".shnor-copy";
    fs::path to = at(to_dir, to_name), copy = at(to_dir, temporary);
    if (!windows::copy_file(from, copy)) {
        windows::remove_tree(copy);
        fail("Не удалось скопировать файл", to_name);
    }
    if (!windows::move_file(copy, to)) {
        if (errno != EISDIR && errno != ENOTEMPTY && errno != EEXIST && errno != EACCES)
            fail("Не удалось переименовать", to_name);
        remove_entry(to_dir, to_name);
        if (!windows::move_file(copy, to)) fail("Не удалось переименовать", to_name);
    }
}

void make_folder(int dir_fd, const std::string& name) {
    fs::path path = at(dir_fd, name);
    if (windows::make_folder(path)) return;
    if (errno != EEXIST) fail("Не удалось создать папку", name);
    auto facts = windows::facts_of(path, false);
    if (facts.folder && !facts.reparse_point) return;
    remove_entry(dir_fd, name);  // a file (or a link) where a folder goes now
    if (!windows::make_folder(path)) fail("Не удалось создать папку", name);
}

void mirror_open(int from_fd, int to_fd, const std::string& prefix, bool whole, const RootNames& skip, Seen* seen);

void mirror_folder(int from_fd, int to_fd, const std::string& name, const std::string& path, bool whole,
                   const RootNames& skip, Seen* seen) {
    Folder from = Folder::open(from_fd, name);
    if (!from) return;  // removed meanwhile
    Folder to = Folder::open(to_fd, name);
    if (!to) fail("Не удалось открыть папку", path);
    mirror_open(from.fd(), to.fd(), path, whole, skip, seen);
}

// As tree_sync.cpp's: `whole` enters folders present on both sides too.
void mirror_open(int from_fd, int to_fd, const std::string& prefix, bool whole, const RootNames& skip, Seen* seen) {
    auto from = list(from_fd);
    auto to = list(to_fd);
    bool at_root = prefix.empty();
    auto skipped = [&](const std::string& name) { return at_root && skip && skip(name); };
    auto there = to.begin();
    for (const auto& entry : from) {
        while (there != to.end() && there->name < entry.name) {
            if (!skipped(there->name)) remove_entry(to_fd, there->name);
            ++there;
        }
        bool in_to = there != to.end() && there->name == entry.name;
        const Entry* other = in_to ? &*there : nullptr;
        if (in_to) ++there;
        if (skipped(entry.name)) continue;
        std::string path = joined(prefix, entry.name);
        if (seen) seen->push_back(path);
        if (entry.folder) {
            bool new_folder = !other || !other->folder;
            if (new_folder) make_folder(to_fd, entry.name);
            if (new_folder || whole) mirror_folder(from_fd, to_fd, entry.name, path, true, skip, seen);
        } else if (!other || other->folder || other->inode != entry.inode) {
            link_or_copy(from_fd, entry.name, to_fd, entry.name);
        }
    }
    for (; there != to.end(); ++there)
        if (!skipped(there->name)) remove_entry(to_fd, there->name);
}

}  // namespace

Folder Folder::open(int parent_fd, const std::string& path) {
    fs::path folder = windows::path_at(parent_fd, path);
    return Folder(folder.empty() ? -1 : windows::open_folder(folder));
}

Folder& Folder::operator=(Folder&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

Folder::~Folder() {
    if (fd_ >= 0) ::close(fd_);
}

std::vector<Entry> list(int folder_fd) {
    std::vector<windows::ListedEntry> listed;
    if (!windows::list_folder(folder_fd, listed))
        throw std::runtime_error(std::string("Не удалось прочитать папку: ") + std::strerror(errno));
    std::vector<Entry> entries;
    entries.reserve(listed.size());
    for (auto& entry : listed) entries.push_back({std::move(entry.name), entry.index, entry.folder});
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    return entries;
}

void mirror(int from_root, int to_root, const std::string& path, const RootNames& skip, Seen* seen) {
    Folder from = Folder::open(from_root, path);
    if (!from) fail("Не удалось открыть папку", path);
    if (!path.empty()) {
        make_parents(to_root, path);
        make_folder(to_root, path);
    }
    Folder to = Folder::open(to_root, path);
    if (!to) fail("Не удалось открыть папку", path);
    mirror_open(from.fd(), to.fd(), path, true, skip, seen);
}

void mirror_listing(int from_root, int to_root, const std::string& path, const RootNames& skip, Seen* seen) {
    Folder from = Folder::open(from_root, path);
    if (!from) return;  // gone: its parent's listing removes it
    if (!path.empty()) {
        make_parents(to_root, path);
        make_folder(to_root, path);
    }
    Folder to = Folder::open(to_root, path);
    if (!to) fail("Не удалось открыть папку", path);
    mirror_open(from.fd(), to.fd(), path, false, skip, seen);
}

void resync(int from_root, int to_root, const std::string& path) {
    auto facts = windows::facts_of(at(from_root, path), false);
    if (facts.exists) {
        if (facts.folder && !facts.reparse_point) {
            mirror(from_root, to_root, path, nullptr, nullptr);
            return;
        }
        make_parents(to_root, path);
        link_or_copy(from_root, path, to_root, path);
        return;
    }
    if (errno != ENOENT && errno != ENOTDIR) fail("Не удалось прочитать", path);
    remove_entry(to_root, path);
    // Folders `from` has no longer go too; one it still has stays, even empty.
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1)) {
        std::string folder = path.substr(0, slash);
        if (windows::facts_of(at(from_root, folder), false).exists) break;
        if (!::RemoveDirectoryW(at(to_root, folder).c_str()) && ::GetLastError() != ERROR_FILE_NOT_FOUND &&
            ::GetLastError() != ERROR_PATH_NOT_FOUND)
            break;
    }
}

void make_parents(int root, const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) return;
    std::string folder = path.substr(0, slash);
    fs::path full = at(root, folder);
    if (windows::make_folder(full)) return;
    if (errno == ENOENT) {
        make_parents(root, folder);
        if (windows::make_folder(full)) return;
    }
    if (errno != EEXIST) fail("Не удалось создать папку", folder);
    make_folder(root, folder);  // there already: a folder, or a file in the way
}

void link_or_copy(int from_dir, const std::string& from_name, int to_dir, const std::string& to_name) {
    fs::path from = at(from_dir, from_name);
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto facts = windows::facts_of(from, false);
        if (!facts.exists) return;  // gone meanwhile
        // A link of the user's is copied as its target (see the top); a hard
        // link of it would be a second link, which needs no privilege but
        // points wherever the first does.
        if (!facts.reparse_point && windows::hard_link(from, at(to_dir, to_name))) return;
        if (facts.reparse_point) errno = EOPNOTSUPP;
        switch (errno) {
            case EEXIST:
                remove_entry(to_dir, to_name);
                continue;
            case ENOENT:
                make_parents(to_dir, to_name);
                continue;
            case EXDEV:
            case EMLINK:
            case EOPNOTSUPP:
                copy_file(from_dir, from_name, to_dir, to_name);
                return;
            default:
                fail("Не удалось создать жёсткую ссылку на", to_name);
        }
    }
    fail("Не удалось создать жёсткую ссылку на", to_name);
}

void remove_entry(int dir_fd, const std::string& name) {
    if (!windows::remove_tree(at(dir_fd, name))) fail("Не удалось удалить", name);
}

void remove_empty_parents(int root, const std::string& path) {
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1)) {
        std::string folder = path.substr(0, slash);
        if (!::RemoveDirectoryW(at(root, folder).c_str()) && ::GetLastError() != ERROR_FILE_NOT_FOUND &&
            ::GetLastError() != ERROR_PATH_NOT_FOUND)
            return;
    }
}

}  // namespace shnor::write::sync

#endif
