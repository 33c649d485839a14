// The Linux implementation; Windows has tree_sync_windows.cpp.
#ifndef _WIN32
#include "write/tree_sync.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shnor::write::sync {

namespace {

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error(what + " «" + path + "»: " + std::strerror(errno));
}

std::string joined(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "/" + name;
}

const char* relative(const std::string& path) { return path.empty() ? "." : path.c_str(); }

// A file system without hard links (FAT, some network shares) gets copies:
// the bytes, the mode's permission bits and the times, under a temporary name
// renamed into place.
void copy_file(int from_dir, const std::string& from_name, int to_dir, const std::string& to_name) {
    struct stat info {};
    if (::fstatat(from_dir, from_name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return;  // gone meanwhile (the user's own file, removed)
        fail("Не удалось прочитать", from_name);
    }
    std::string temporary = to_name + ".shnor-copy";
    if (S_ISLNK(info.st_mode)) {
        std::string target(static_cast<std::size_t>(info.st_size) + 1, '\0');
        ssize_t length = ::readlinkat(from_dir, from_name.c_str(), target.data(), target.size());
        if (length < 0) fail("Не удалось прочитать ссылку", from_name);
        target.resize(static_cast<std::size_t>(length));
        ::unlinkat(to_dir, temporary.c_str(), 0);
        if (::symlinkat(target.c_str(), to_dir, temporary.c_str()) != 0) fail("Не удалось создать ссылку", to_name);
    } else if (S_ISREG(info.st_mode)) {
        int in = ::openat(from_dir, from_name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (in < 0) fail("Не удалось прочитать", from_name);
        int out = ::openat(to_dir, temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, info.st_mode & 07777);
        if (out < 0) {
            ::close(in);
            fail("Не удалось создать файл", to_name);
        }
        char buffer[1 << 16];
        bool ok = true;
        for (;;) {
            ssize_t got = ::read(in, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                ok = got == 0;
                break;
            }
            for (ssize_t done = 0; ok && done < got;) {
                ssize_t put = ::write(out, buffer + done, static_cast<std::size_t>(got - done));
                if (put < 0 && errno == EINTR) continue;
                ok = put > 0;
                done += put > 0 ? put : 0;
            }
            if (!ok) break;
        }
        struct timespec times[2] = {info.st_atim, info.st_mtim};
        ok = ::futimens(out, times) == 0 && ok;
        ok = ::close(out) == 0 && ok;
        ::close(in);
        if (!ok) {
            ::unlinkat(to_dir, temporary.c_str(), 0);
            fail("Не удалось скопировать файл", to_name);
        }
    } else {
        return;  // a device, socket or pipe of the user's: not copied
    }
    if (::renameat(to_dir, temporary.c_str(), to_dir, to_name.c_str()) != 0) {
        if (errno != EISDIR && errno != ENOTEMPTY && errno != EEXIST) fail("Не удалось переименовать", to_name);
        remove_entry(to_dir, to_name);
        if (::renameat(to_dir, temporary.c_str(), to_dir, to_name.c_str()) != 0) fail("Не удалось переименовать", to_name);
    }
}

void make_folder(int dir_fd, const std::string& name) {
    if (::mkdirat(dir_fd, name.c_str(), 0755) == 0) return;
    if (errno != EEXIST) fail("Не удалось создать папку", name);
    struct stat info {};
    if (::fstatat(dir_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(info.st_mode)) return;
    remove_entry(dir_fd, name);  // a file where a folder goes now
    if (::mkdirat(dir_fd, name.c_str(), 0755) != 0) fail("Не удалось создать папку", name);
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

// `whole`: enter folders present on both sides too.
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
    return Folder(::openat(parent_fd, relative(path), kFolderFlags));
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
    std::vector<Entry> entries;
    ::lseek(folder_fd, 0, SEEK_SET);
    alignas(8) char buffer[32 * 1024];
    for (;;) {
        ssize_t filled = ::getdents64(folder_fd, buffer, sizeof buffer);
        if (filled < 0) throw std::runtime_error(std::string("Не удалось прочитать папку: ") + std::strerror(errno));
        if (filled == 0) break;
        for (ssize_t at = 0; at < filled;) {
            const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + at);
            at += entry->d_reclen;
            const char* name = entry->d_name;
            if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
            bool folder = entry->d_type == DT_DIR;
            if (entry->d_type == DT_UNKNOWN) {  // some file systems do not tell the type in the listing
                struct stat info {};
                folder = ::fstatat(folder_fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(info.st_mode);
            }
            entries.push_back({name, static_cast<unsigned long long>(entry->d_ino), folder});
        }
    }
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
    struct stat info {};
    if (::fstatat(from_root, path.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(info.st_mode)) {
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
        if (::fstatat(from_root, folder.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0) break;
        if (::unlinkat(to_root, folder.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) break;
    }
}

// From the deepest folder up, so that a folder already there costs one
// mkdir and a new one in an existing folder one too.
void make_parents(int root, const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) return;
    std::string folder = path.substr(0, slash);
    if (::mkdirat(root, folder.c_str(), 0755) == 0) return;
    if (errno == ENOENT || errno == ENOTDIR) {
        make_parents(root, folder);
        if (::mkdirat(root, folder.c_str(), 0755) == 0) return;
    }
    if (errno != EEXIST) fail("Не удалось создать папку", folder);
    make_folder(root, folder);  // there already: a folder, or a file in the way
}

void link_or_copy(int from_dir, const std::string& from_name, int to_dir, const std::string& to_name) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (::linkat(from_dir, from_name.c_str(), to_dir, to_name.c_str(), 0) == 0) return;
        switch (errno) {
            case EEXIST:
                remove_entry(to_dir, to_name);
                continue;
            case ENOENT: {
                struct stat info {};
                if (::fstatat(from_dir, from_name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) return;  // gone meanwhile
                make_parents(to_dir, to_name);
                continue;
            }
            case EPERM:
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
    if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) return;
    if (errno != EISDIR && errno != EPERM) fail("Не удалось удалить", name);
    {
        Folder folder = Folder::open(dir_fd, name);
        if (!folder) fail("Не удалось открыть папку", name);
        for (const auto& entry : list(folder.fd())) remove_entry(folder.fd(), entry.name);
    }
    if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) fail("Не удалось удалить папку", name);
}

void remove_empty_parents(int root, const std::string& path) {
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1)) {
        std::string folder = path.substr(0, slash);
        if (::unlinkat(root, folder.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) return;
    }
}

}  // namespace shnor::write::sync

#endif
