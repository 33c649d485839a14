#include "cache/fingerprint.hpp"

#include <xxhash.h>

#include "parallel/parallel.hpp"

#ifdef _WIN32
#include "platform/utf8_path.hpp"
#include "platform/windows_files.hpp"
#else
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <iterator>
#include <new>

namespace fs = std::filesystem;

namespace shnor::cache {

std::string Hash128::hex() const {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH128_hash_t{low, high});
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(2 * sizeof canonical.digest);
    for (unsigned char byte : canonical.digest) {
        text += kDigits[byte >> 4];
        text += kDigits[byte & 0xF];
    }
    return text;
}

Hash128 hash_bytes(std::string_view bytes) {
    XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
    return {hash.low64, hash.high64};
}

void Hasher::FreeState::operator()(XXH3_state_s* state) const { XXH3_freeState(state); }

Hasher::Hasher() : state_(XXH3_createState()) {
    if (!state_) throw std::bad_alloc();
    XXH3_128bits_reset(state_.get());
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::add_raw(const void* data, std::size_t size) { XXH3_128bits_update(state_.get(), data, size); }

Hasher& Hasher::add(std::uint64_t value) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
    add_raw(bytes, sizeof bytes);
    return *this;
}

Hasher& Hasher::add(std::string_view bytes) {
    add(static_cast<std::uint64_t>(bytes.size()));
    add_raw(bytes.data(), bytes.size());
    return *this;
}

Hash128 Hasher::finish() const {
    XXH128_hash_t hash = XXH3_128bits_digest(state_.get());
    return {hash.low64, hash.high64};
}

#ifdef _WIN32
namespace {

// The Windows walk: the same stamps as the Linux one below. A folder is
// opened by its path, never through a reparse point (a junction or a
// symbolic link to a folder is not followed), and listed through its handle.
using platform::FileKind;

platform::FileHandle open_folder(const fs::path& path) {
    platform::FileHandle folder = platform::open_no_follow(path, false);
    if (platform::facts_of(folder, path).kind != FileKind::folder) return {};
    return folder;
}

// Stamps the regular files of the folder `path` and names its visible
// subfolders; a symbolic link to a file counts as that file.
void list_folder(const fs::path& path, const std::string& prefix, std::vector<FileStamp>& stamps,
                 std::vector<std::string>& subfolders) {
    platform::FileHandle folder = open_folder(path);
    std::vector<platform::FolderEntry> entries;
    if (!folder.valid() || !platform::list_folder(folder, entries)) return;
    for (const auto& entry : entries) {
        if (entry.name[0] == '.') continue;  // hidden
        platform::FileFacts facts = entry.facts;
        if (facts.kind == FileKind::folder) {
            subfolders.push_back(entry.name);
            continue;
        }
        if (facts.kind == FileKind::reparse_point) facts = platform::facts_of(platform::open_following(path / platform::path_from_utf8(entry.name)));
        if (facts.kind == FileKind::file) stamps.push_back({prefix + entry.name, facts.size, facts.mtime_ns});
    }
}

// Stamps everything under the folder, depth first.
void stamp_subtree(const fs::path& path, const std::string& prefix, std::vector<FileStamp>& stamps) {
    std::vector<std::string> subfolders;
    list_folder(path, prefix, stamps, subfolders);
    for (const auto& name : subfolders) stamp_subtree(path / platform::path_from_utf8(name), prefix + name + "/", stamps);
}

}  // namespace

std::vector<FileStamp> stamp_tree(const fs::path& folder) {
    std::vector<FileStamp> stamps;
    if (!open_folder(folder).valid()) return stamps;
    // Breadth first until there are enough folders to keep every worker busy.
    const std::size_t enough_folders = 8 * std::size_t{parallel::worker_count()};
    std::vector<std::string> frontier{""};
    while (!frontier.empty() && frontier.size() < enough_folders) {
        std::vector<std::string> next;
        for (const auto& prefix : frontier) {
            std::vector<std::string> subfolders;
            list_folder(folder / platform::path_from_utf8(prefix), prefix, stamps, subfolders);
            for (const auto& name : subfolders) next.push_back(prefix + name + "/");
        }
        frontier = std::move(next);
    }
    std::vector<std::vector<FileStamp>> parts(frontier.size());
    parallel::for_each_index(frontier.size(), [&](std::size_t i) {
        stamp_subtree(folder / platform::path_from_utf8(frontier[i]), frontier[i], parts[i]);
    });
    for (auto& part : parts) std::move(part.begin(), part.end(), std::back_inserter(stamps));
    std::sort(stamps.begin(), stamps.end(), [](const FileStamp& a, const FileStamp& b) { return a.path < b.path; });
    return stamps;
}

#else
namespace {

constexpr int kFolderOpenFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;

std::int64_t mtime_ns_of(const struct stat& info) {
    return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

// Adds the entry `name` of the open folder `folder_fd` to `stamps` when it is
// (or links to) a regular file, or to `subfolders` when it is a folder (not a
// link to one). Names are relative to the folder, so the kernel resolves one
// component, not the whole path.
void sort_entry(int folder_fd, const char* name, unsigned char type, const std::string& prefix,
                std::vector<FileStamp>& stamps, std::vector<std::string>& subfolders) {
    struct stat info {};
    if (type == DT_UNKNOWN) {  // some file systems do not tell the type in the listing
        if (::fstatat(folder_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) return;
        if (S_ISDIR(info.st_mode)) type = DT_DIR;
        else if (S_ISLNK(info.st_mode)) type = DT_LNK;
        else if (S_ISREG(info.st_mode)) type = DT_REG;
        else return;
        if (type == DT_REG) {
            stamps.push_back({prefix + name, static_cast<std::uint64_t>(info.st_size), mtime_ns_of(info)});
            return;
        }
    }
    if (type == DT_DIR) {
        subfolders.emplace_back(name);
        return;
    }
    if (type != DT_REG && type != DT_LNK) return;
    // A link counts as the file it points to; a link to a folder is not followed.
    if (::fstatat(folder_fd, name, &info, 0) != 0 || !S_ISREG(info.st_mode)) return;
    stamps.push_back({prefix + name, static_cast<std::uint64_t>(info.st_size), mtime_ns_of(info)});
}

// Stamps the regular files of the open folder and names its visible
// subfolders. getdents64 directly: readdir's fdopendir would spend two more
// system calls per folder checking the descriptor.
void list_folder(int folder_fd, const std::string& prefix, std::vector<FileStamp>& stamps,
                 std::vector<std::string>& subfolders) {
    alignas(8) char buffer[32 * 1024];
    for (;;) {
        ssize_t filled = ::getdents64(folder_fd, buffer, sizeof buffer);
        if (filled <= 0) return;
        for (ssize_t at = 0; at < filled;) {
            const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + at);
            at += entry->d_reclen;
            if (entry->d_name[0] == '.') continue;  // hidden, and "." and ".."
            sort_entry(folder_fd, entry->d_name, entry->d_type, prefix, stamps, subfolders);
        }
    }
}

// Stamps everything under the open folder, depth first; closes it.
void stamp_subtree(int folder_fd, const std::string& prefix, std::vector<FileStamp>& stamps) {
    std::vector<std::string> subfolders;
    list_folder(folder_fd, prefix, stamps, subfolders);
    for (const auto& name : subfolders) {
        int subfolder_fd = ::openat(folder_fd, name.c_str(), kFolderOpenFlags);
        if (subfolder_fd >= 0) stamp_subtree(subfolder_fd, prefix + name + "/", stamps);
    }
    ::close(folder_fd);
}

}  // namespace

std::vector<FileStamp> stamp_tree(const fs::path& folder) {
    std::vector<FileStamp> stamps;
    int root_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) return stamps;

    // Breadth first until there are enough folders (prefixes relative to the
    // root) to keep every worker busy: at N schools, the schools' folders.
    const std::size_t enough_folders = 8 * std::size_t{parallel::worker_count()};
    std::vector<std::string> frontier{""};
    while (!frontier.empty() && frontier.size() < enough_folders) {
        std::vector<std::string> next;
        for (const auto& prefix : frontier) {
            int folder_fd = prefix.empty() ? ::dup(root_fd) : ::openat(root_fd, prefix.c_str(), kFolderOpenFlags);
            if (folder_fd < 0) continue;
            std::vector<std::string> subfolders;
            list_folder(folder_fd, prefix, stamps, subfolders);
            ::close(folder_fd);
            for (const auto& name : subfolders) next.push_back(prefix + name + "/");
        }
        frontier = std::move(next);
    }

    std::vector<std::vector<FileStamp>> parts(frontier.size());
    parallel::for_each_index(frontier.size(), [&](std::size_t i) {
        int folder_fd = ::openat(root_fd, frontier[i].c_str(), kFolderOpenFlags);
        if (folder_fd >= 0) stamp_subtree(folder_fd, frontier[i], parts[i]);
    });
    ::close(root_fd);
    for (auto& part : parts) std::move(part.begin(), part.end(), std::back_inserter(stamps));
    std::sort(stamps.begin(), stamps.end(), [](const FileStamp& a, const FileStamp& b) { return a.path < b.path; });
    return stamps;
}

#endif

Hash128 fingerprint(const std::vector<FileStamp>& stamps) {
    Hasher hasher;
    hasher.add(static_cast<std::uint64_t>(stamps.size()));
    for (const FileStamp& stamp : stamps)
        hasher.add(stamp.path).add(stamp.size).add(static_cast<std::uint64_t>(stamp.mtime_ns));
    return hasher.finish();
}

}  // namespace shnor::cache
