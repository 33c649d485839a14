#include "write/output_tree.hpp"

#include "parallel/parallel.hpp"
#include "write/atomic_file.hpp"
#include "write/tree_sync.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <utility>

#ifdef _WIN32
#include "platform/utf8_path.hpp"
#include "write/files_windows.hpp"

#include <stdio.h>
#include <unistd.h>
#else
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace shnor::write {

namespace fs = std::filesystem;

std::string ContentHash::hex() const {
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(high),
                  static_cast<unsigned long long>(low));
    return text;
}

bool ContentHash::parse(std::string_view hex, ContentHash& out) {
    if (hex.size() != 32) return false;
    auto half = [&](std::string_view digits, std::uint64_t& value) {
        value = 0;
        for (char c : digits) {
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) return false;
            value = value << 4 | static_cast<std::uint64_t>(digit);
        }
        return true;
    };
    return half(hex.substr(0, 16), out.high) && half(hex.substr(16), out.low);
}

ContentHash hash_of(std::string_view bytes) {
    XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
    return {hash.low64, hash.high64};
}

namespace {

// A relative '/'-separated path that stays inside the output root, and is
// not the marker.
void require_inside_root(const std::string& path) {
    bool bad = path.empty() || path.front() == '/' || path.find('\\') != std::string::npos || path == kMarkerName;
    std::size_t start = 0;
    while (!bad && start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string_view part(path.data() + start, end - start);
        bad = part.empty() || part == "." || part == "..";
        start = end + 1;
    }
    if (bad) throw std::runtime_error("Недопустимый путь выходного файла (должен быть внутри папки сайта): «" + path + "»");
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error(what + " «" + path + "»: " + std::strerror(errno));
}

#ifdef _WIN32
// As below, with write/files_windows.hpp: a folder descriptor is
// windows::open_folder()'s (tree_sync_windows.cpp), a path under it
// windows::path_at(); stat() is windows::facts_of(), mtimes in 100 ns steps.
fs::path at(int root, const std::string& path) { return windows::path_at(root, path); }

// lstat() of `path` under `root`.
windows::FileFacts facts_at(int root, const std::string& path) { return windows::facts_of(at(root, path), false); }

// Creates `path` under `root` for writing. What is there already (in the
// spare, mostly a hard link of the published file) is removed first, never
// written through.
int create_fresh(int root, const std::string& path) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        int fd = windows::create_new_file(at(root, path));
        if (fd >= 0) return fd;
        if (errno == EEXIST) sync::remove_entry(root, path);
        else if (errno == ENOENT || errno == ENOTDIR) sync::make_parents(root, path);
        else break;
    }
    fail("Не удалось создать файл", path);
}

// `from` (under `root`) takes the name `to`, replacing a file or a folder there.
void rename_into_place(int root, const std::string& from, const std::string& to) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        if (windows::move_file(at(root, from), at(root, to))) return;
        if (errno == ENOENT || errno == ENOTDIR) sync::make_parents(root, to);
        else if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) sync::remove_entry(root, to);
        else break;
    }
    fail("Не удалось записать файл", to);
}

// The caller closes `fd`, also when this throws.
void write_all(int fd, std::string_view bytes, const std::string& path) {
    if (!write_in_slices(fd, bytes)) fail("Не удалось записать файл", path);
}

// A plain file's descriptor (never through a link), -1 otherwise.
int open_plain(int root, const std::string& path, windows::FileFacts& facts) {
    facts = facts_at(root, path);
    return facts.plain_file() ? windows::open_for_reading(at(root, path)) : -1;
}

bool read_at(int root, const std::string& path, std::string& bytes) {
    windows::FileFacts facts;
    int fd = open_plain(root, path, facts);
    if (fd < 0) return false;
    bytes.resize(static_cast<std::size_t>(facts.size));
    std::size_t done = 0;
    bool ok = true;
    while (ok && done < bytes.size()) {
        int got = ::read(fd, bytes.data() + done, static_cast<unsigned>(std::min<std::size_t>(bytes.size() - done, 1 << 20)));
        ok = got > 0;
        if (ok) done += static_cast<std::size_t>(got);
    }
    char extra;
    ok = ok && ::read(fd, &extra, 1) == 0;
    ::close(fd);
    return ok;
}

// Byte comparison of two files, a chunk at a time.
bool same_bytes(int one_root, const std::string& one, int other_root, const std::string& other) {
    windows::FileFacts facts_a, facts_b;
    int a = open_plain(one_root, one, facts_a);
    int b = open_plain(other_root, other, facts_b);
    bool same = a >= 0 && b >= 0 && facts_a.size == facts_b.size;
    std::string chunk_a(1 << 16, '\0'), chunk_b(1 << 16, '\0');
    while (same) {
        int got_a = ::read(a, chunk_a.data(), static_cast<unsigned>(chunk_a.size()));
        int got_b = got_a > 0 ? ::read(b, chunk_b.data(), static_cast<unsigned>(got_a)) : 0;
        if (got_a <= 0) {
            same = got_a == 0;
            break;
        }
        same = got_b == got_a && std::memcmp(chunk_a.data(), chunk_b.data(), static_cast<std::size_t>(got_a)) == 0;
    }
    if (a >= 0) ::close(a);
    if (b >= 0) ::close(b);
    return same;
}
#else
std::int64_t mtime_ns_of(const struct stat& info) {
    return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

// Creates `path` under `root` for writing. What is there already (in the
// spare, mostly a hard link of the published file) is unlinked first, never
// written through.
int create_fresh(int root, const std::string& path) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        int fd = ::openat(root, path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) return fd;
        if (errno == EEXIST) sync::remove_entry(root, path);
        else if (errno == ENOENT || errno == ENOTDIR) sync::make_parents(root, path);
        else break;
    }
    fail("Не удалось создать файл", path);
}

// `from` (under `root`) takes the name `to`, replacing a file or a folder there.
void rename_into_place(int root, const std::string& from, const std::string& to) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        if (::renameat(root, from.c_str(), root, to.c_str()) == 0) return;
        if (errno == ENOENT || errno == ENOTDIR) sync::make_parents(root, to);
        else if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) sync::remove_entry(root, to);
        else break;
    }
    fail("Не удалось записать файл", to);
}

// The caller closes `fd`, also when this throws.
void write_all(int fd, std::string_view bytes, const std::string& path) {
    if (!write_in_slices(fd, bytes)) fail("Не удалось записать файл", path);
}

bool read_at(int root, const std::string& path, std::string& bytes) {
    int fd = ::openat(root, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    struct stat info {};
    bool ok = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
    if (ok) {
        bytes.resize(static_cast<std::size_t>(info.st_size));
        std::size_t done = 0;
        while (ok && done < bytes.size()) {
            ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
            if (got < 0 && errno == EINTR) continue;
            ok = got > 0;
            if (ok) done += static_cast<std::size_t>(got);
        }
        char extra;
        ok = ok && ::read(fd, &extra, 1) == 0;
    }
    ::close(fd);
    return ok;
}

// Byte comparison of two files, a chunk at a time.
bool same_bytes(int one_root, const std::string& one, int other_root, const std::string& other) {
    int a = ::openat(one_root, one.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int b = ::openat(other_root, other.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat info_a {}, info_b {};
    bool same = a >= 0 && b >= 0 && ::fstat(a, &info_a) == 0 && ::fstat(b, &info_b) == 0 &&
                S_ISREG(info_b.st_mode) && info_a.st_size == info_b.st_size;
    std::string chunk_a(1 << 16, '\0'), chunk_b(1 << 16, '\0');
    while (same) {
        ssize_t got_a = ::read(a, chunk_a.data(), chunk_a.size());
        ssize_t got_b = got_a > 0 ? ::read(b, chunk_b.data(), static_cast<std::size_t>(got_a)) : 0;
        if (got_a <= 0) {
            same = got_a == 0;
            break;
        }
        same = got_b == got_a && std::memcmp(chunk_a.data(), chunk_b.data(), static_cast<std::size_t>(got_a)) == 0;
    }
    if (a >= 0) ::close(a);
    if (b >= 0) ::close(b);
    return same;
}
#endif

bool read_file(const fs::path& path, std::string& bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    bytes = std::move(text).str();
    return true;
}

bool is_marker(std::string_view name) { return name == kMarkerName; }

// The spare's old versions being removed (set_aside_if_big) are not the
// site's: a folder comparison leaves them to their thread. A whole
// comparison (a spare not trusted) removes them like anything else.
constexpr std::string_view kTrashPrefix = ".shnor-trash-";
bool is_marker_or_trash(std::string_view name) { return is_marker(name) || name.starts_with(kTrashPrefix); }

// Taken when the new version is complete, just before the swap: a folder of
// the site with a later mtime was changed by someone else. File systems
// stamp with the coarse clock (so does this: nothing of the build's is
// later), and a second is left for the clock being set back a little; a
// folder the build changed in that second is compared once more, needlessly.
std::int64_t changes_since_ns() {
#ifdef _WIN32
    return windows::now_ns() - 1'000'000'000;  // the clock NTFS stamps with
#else
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
    return (static_cast<std::int64_t>(now.tv_sec) - 1) * 1'000'000'000 + now.tv_nsec;
#endif
}

bool is_folder_of(std::string_view folder, std::string_view path_or_folder) {
    return path_or_folder.starts_with(folder) &&
           (folder.empty() || path_or_folder.size() == folder.size() || path_or_folder[folder.size()] == '/');
}

// Every folder that holds a file of `files` (keys sorted bytewise, as
// std::map keeps them), each once, "" (the root) first; views into the keys.
// The paths under a folder are one run of the sorted keys, so a folder not
// holding the previous path is met for the first time: one walk, no set
// (a hash set of the 54 000 folders at N=2000 took 40 ms).
template <class Map>
std::vector<std::string_view> folders_of(const Map& files) {
    std::vector<std::string_view> folders{std::string_view()};
    std::string_view last;  // the folder of the previous path
    for (const auto& [path, state] : files) {
        std::string_view view = path;
        auto slash = view.rfind('/');
        std::string_view folder = slash == std::string_view::npos ? std::string_view() : view.substr(0, slash);
        if (folder == last) continue;
        std::size_t first_new = folders.size();
        for (std::string_view above = folder; !above.empty() && !is_folder_of(above, last);) {
            folders.push_back(above);
            auto up = above.rfind('/');
            above = up == std::string_view::npos ? std::string_view() : above.substr(0, up);
        }
        std::reverse(folders.begin() + static_cast<std::ptrdiff_t>(first_new), folders.end());
        last = folder;
    }
    return folders;
}

// The folders holding the last build's files or the user's, each once.
std::vector<std::string_view> watched_folders(const std::map<std::string, FileState>& files, const PublishedTree& tree) {
    std::vector<std::string_view> watched = folders_of(files);
    if (!tree.strays.empty()) {  // the folders holding the user's files (a few)
        for (const auto& path : tree.strays)
            for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1))
                watched.push_back(std::string_view(path).substr(0, slash));
        std::sort(watched.begin(), watched.end());
        watched.erase(std::unique(watched.begin(), watched.end()), watched.end());
    }
    return watched;
}

// Of `watched` (relative to the open folder `root`), the folders modified
// since `since_ns`, sorted. One stat per folder, on all cores.
template <class Path>
std::vector<std::string> changed_folders(int root, const std::vector<Path>& watched, std::int64_t since_ns) {
    constexpr std::size_t kSlice = 2048;
    std::size_t slices = (watched.size() + kSlice - 1) / kSlice;
    std::vector<std::vector<std::string>> changed_parts(slices);
    parallel::for_each_index(slices, [&](std::size_t slice) {
        std::string path;
#ifdef _WIN32
        fs::path base = windows::path_of(root);  // once per slice: path_of() is a system call
#endif
        for (std::size_t i = slice * kSlice; i < std::min(watched.size(), (slice + 1) * kSlice); ++i) {
            path.assign(watched[i]);
#ifdef _WIN32
            auto facts = windows::attributes_of(windows::path_under(base, path));
            if (facts.folder && !facts.reparse_point && facts.mtime_ns >= since_ns) changed_parts[slice].push_back(path);
#else
            struct stat info {};
            if (::fstatat(root, path.empty() ? "." : path.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISDIR(info.st_mode) && mtime_ns_of(info) >= since_ns)
                changed_parts[slice].push_back(path);
#endif
        }
    });
    std::vector<std::string> changed;
    for (auto& part : changed_parts) std::move(part.begin(), part.end(), std::back_inserter(changed));
    std::sort(changed.begin(), changed.end());
    return changed;
}

void touch_flag(const fs::path& flag) {
#ifdef _WIN32
    int fd = windows::open_or_create(flag);
#else
    int fd = ::open(flag.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
#endif
    if (fd < 0) fail("Не удалось создать файл", flag.string());
    ::close(fd);
}

}  // namespace

std::shared_future<std::vector<std::string>> start_folder_check(const fs::path& out,
                                                                const std::map<std::string, FileState>& files,
                                                                const PublishedTree& tree) {
    auto watched_views = watched_folders(files, tree);
    std::vector<std::string> watched(watched_views.begin(), watched_views.end());  // the thread's own
    std::int64_t since_ns = tree.changes_since_ns;
    return std::async(std::launch::async, [out, since_ns, watched = std::move(watched)] {
#ifdef _WIN32
               sync::Folder root(windows::open_folder(out));
#else
               sync::Folder root(::open(out.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
#endif
               return root ? changed_folders(root.fd(), watched, since_ns) : std::vector<std::string>{};
           })
        .share();
}

OutputTree::OutputTree(OutputFolder& folder, Previous previous) : folder_(folder), previous_(std::move(previous)) {
    if (!previous_.known) previous_ = Previous{};
    altered_.insert(previous_.altered.begin(), previous_.altered.end());
    try {
        prepare_spare();
    } catch (...) {
        join_trash();
        if (out_fd_ >= 0) ::close(out_fd_);
        if (spare_fd_ >= 0) ::close(spare_fd_);
        throw;  // the unfinished flag stays: the next build compares the spare whole
    }
}

// The spare becomes the output folder as it is now: by the files the last
// build touched and the folders changed since, when its record describes both
// folders, otherwise by comparing them whole.
#ifdef _WIN32
// As below; Windows has no permission bits to carry over to the spare.
void OutputTree::prepare_spare() {
    folder_.refresh();
    const fs::path& spare = folder_.spare_path();
    if (folder_.exists()) {
        out_fd_ = windows::open_folder(folder_.path());
        if (out_fd_ < 0) fail("Не удалось открыть папку", folder_.path().string());
    }
    bool clean = previous_.known && folder_.spare_inode() != 0 && folder_.spare_inode() == previous_.tree.spare_inode &&
                 !folder_.spare_unfinished();
    touch_flag(folder_.unfinished_path());
    prune_spare_ = folder_.spare_inode() != 0 && out_fd_ < 0;
    bool made = false;
    if (folder_.spare_inode() == 0) {
        if (!windows::make_folder(spare)) fail("Не удалось создать папку", spare.string());
        made = true;
    }
    spare_fd_ = windows::open_folder(spare);
    if (spare_fd_ < 0) fail("Не удалось открыть папку", spare.string());
    const std::string marker_name(kMarkerName);
    windows::FileFacts out_marker = out_fd_ >= 0 ? facts_at(out_fd_, marker_name) : windows::FileFacts{};
    windows::FileFacts marker = facts_at(spare_fd_, marker_name);
    bool out_has_marker = out_marker.plain_file();
    bool spare_has_marker = marker.exists;
    if (out_has_marker && (!spare_has_marker || marker.index != out_marker.index)) {
        sync::link_or_copy(out_fd_, marker_name, spare_fd_, marker_name);
    } else if (!spare_has_marker) {
        int fd = create_fresh(spare_fd_, marker_name);
        bool ok = write_in_slices(fd, kMarkerText);
        if (::close(fd) != 0 || !ok) fail("Не удалось записать файл", marker_name);
    }
    if (out_fd_ < 0) return;
    if (clean && !made) bring_spare_up_to_date();
    else sync::mirror(out_fd_, spare_fd_, "", is_marker, &seen_);
}
#else
void OutputTree::prepare_spare() {
    folder_.refresh();
    const fs::path& spare = folder_.spare_path();
    if (folder_.exists()) {
        out_fd_ = ::open(folder_.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (out_fd_ < 0) fail("Не удалось открыть папку", folder_.path().string());
    }
    bool clean = previous_.known && folder_.spare_inode() != 0 && folder_.spare_inode() == previous_.tree.spare_inode &&
                 !folder_.spare_unfinished();
    touch_flag(folder_.unfinished_path());
    // No site, but a spare: a first build that did not finish, or a site
    // removed by hand. Removing tens of thousands of folders costs far more
    // than writing every file again over them and pruning the rest (commit()).
    prune_spare_ = folder_.spare_inode() != 0 && out_fd_ < 0;
    bool made = false;
    if (folder_.spare_inode() == 0) {
        if (::mkdir(spare.c_str(), 0755) != 0) fail("Не удалось создать папку", spare.string());
        made = true;
    }
    spare_fd_ = ::open(spare.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (spare_fd_ < 0) fail("Не удалось открыть папку", spare.string());
    struct stat out_info {};
    if (out_fd_ >= 0 && ::fstat(out_fd_, &out_info) == 0) ::fchmod(spare_fd_, out_info.st_mode & 07777);
    // The marker: the output's own (a hard link: the same file in every
    // version, never rewritten), or a new one.
    const std::string marker_name(kMarkerName);
    struct stat marker {}, out_marker {};
    bool out_has_marker = out_fd_ >= 0 && ::fstatat(out_fd_, marker_name.c_str(), &out_marker, AT_SYMLINK_NOFOLLOW) == 0 &&
                          S_ISREG(out_marker.st_mode);
    bool spare_has_marker = ::fstatat(spare_fd_, marker_name.c_str(), &marker, AT_SYMLINK_NOFOLLOW) == 0;
    if (out_has_marker && (!spare_has_marker || marker.st_ino != out_marker.st_ino)) {
        sync::link_or_copy(out_fd_, marker_name, spare_fd_, marker_name);
    } else if (!spare_has_marker) {
        int fd = create_fresh(spare_fd_, marker_name);
        bool ok = write_in_slices(fd, kMarkerText);
        if (::close(fd) != 0 || !ok) fail("Не удалось записать файл", marker_name);
    }
    if (out_fd_ < 0) return;
    if (clean && !made) bring_spare_up_to_date();
    else sync::mirror(out_fd_, spare_fd_, "", is_marker, &seen_);
}
#endif

void OutputTree::bring_spare_up_to_date() {
    for (const auto& path : previous_.tree.touched) {
        set_aside_if_big(path);
        sync::resync(out_fd_, spare_fd_, path);
    }
    if (!trash_.empty()) {
        trash_remover_ = std::thread([this] {
#ifdef _WIN32
            for (const auto& name : trash_) windows::remove_tree(at(spare_fd_, name));
#else
            for (const auto& name : trash_) ::unlinkat(spare_fd_, name.c_str(), 0);
#endif
        });
    }
    // The user's own files: their folders are compared whole each time.
    for (const auto& path : previous_.tree.strays) {
        seen_.push_back(path);
        sync::resync(out_fd_, spare_fd_, path);
    }
    // Folders changed since the last build's swap: someone else added,
    // removed or replaced something there. One stat per folder, done
    // already when the build started the check early.
    std::vector<std::string> changed = previous_.changed_folders.valid()
                                           ? previous_.changed_folders.get()
                                           : changed_folders(out_fd_, watched_folders(previous_.files, previous_.tree),
                                                             previous_.tree.changes_since_ns);
    for (const auto& folder : changed) sync::mirror_listing(out_fd_, spare_fd_, folder, is_marker_or_trash, &seen_);
}

// The spare's own version of a file the last build wrote or removed (the
// site's has another inode: this one has a single link) is freed when the
// spare is brought up. On this disk (ext4 mounted with `discard`) freeing a
// file costs about 1 ms a MB: 60 MB took 50-70 ms, the three roadmap files
// of a roadmap item's change 60-90 ms. A big one is renamed aside in the
// spare's root and removed by a thread beside the build; commit() waits for
// it (the spare must hold nothing else when it is swapped in). A build
// killed meanwhile left the unfinished flag: the next compares the spare
// whole, which removes what is left.
#ifdef _WIN32
void OutputTree::set_aside_if_big(const std::string& path) {
    constexpr std::uint64_t kBig = 1 << 20;
    auto facts = facts_at(spare_fd_, path);
    if (!facts.plain_file() || facts.links != 1 || facts.size < kBig) return;
    std::string name = std::string(kTrashPrefix) + std::to_string(::getpid()) + "-" + std::to_string(trash_.size());
    if (windows::move_file(at(spare_fd_, path), at(spare_fd_, name), windows::Existing::keep))
        trash_.push_back(std::move(name));
}
#else
void OutputTree::set_aside_if_big(const std::string& path) {
    constexpr off_t kBig = 1 << 20;
    struct stat info {};
    if (::fstatat(spare_fd_, path.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(info.st_mode) ||
        info.st_nlink != 1 || info.st_size < kBig)
        return;
    std::string name = std::string(kTrashPrefix) + std::to_string(::getpid()) + "-" + std::to_string(trash_.size());
    if (::renameat(spare_fd_, path.c_str(), spare_fd_, name.c_str()) == 0) trash_.push_back(std::move(name));
}
#endif

void OutputTree::join_trash() noexcept {
    if (trash_remover_.joinable()) trash_remover_.join();
}

// What the thread could not remove is removed here, or the build fails.
void OutputTree::finish_trash() {
    join_trash();
    for (const auto& name : trash_)
#ifdef _WIN32
        if (!windows::remove_tree(at(spare_fd_, name))) fail("Не удалось удалить", name);
#else
        if (::unlinkat(spare_fd_, name.c_str(), 0) != 0 && errno != ENOENT) fail("Не удалось удалить", name);
#endif
    trash_.clear();
}

OutputTree::~OutputTree() {
    join_trash();
    if (!published_done_) undo();
    if (out_fd_ >= 0) ::close(out_fd_);
    if (spare_fd_ >= 0) ::close(spare_fd_);
}

// A build that stops before publish() (an error, or a faster way found
// wrong) puts the files it wrote or removed in the spare back as the output
// has them, so the next build can trust the spare without comparing it whole.
void OutputTree::undo() {
    if (out_fd_ < 0 || published_taken_) return;  // the next build starts the spare again, or compares it whole
    try {
        if (committed_) {
            for (const auto& path : published_.touched) sync::resync(out_fd_, spare_fd_, path);
        } else {
            for (const auto* path : written_) sync::resync(out_fd_, spare_fd_, *path);
            for (const auto& path : removed_) sync::resync(out_fd_, spare_fd_, path);
        }
#ifdef _WIN32
        std::error_code ignored;
        fs::remove(folder_.unfinished_path(), ignored);
#else
        ::unlink(folder_.unfinished_path().c_str());
#endif
    } catch (const std::exception&) {
        // The flag stays: the next build compares the spare whole.
    }
}

bool OutputTree::trusted_same(const std::string& path, const ContentHash& hash) const {
    if (!previous_.trust_hashes || (!altered_.empty() && altered_.count(path))) return false;
    auto before = previous_.files.find(path);
    return before != previous_.files.end() && before->second.hash == hash;
}

#ifdef _WIN32
bool OutputTree::same_on_disk(const std::string& path, std::string_view bytes) const {
    if (out_fd_ < 0 || previous_.trust_hashes) return false;
    auto facts = facts_at(out_fd_, path);
    if (!facts.plain_file() || facts.size != bytes.size()) return false;
    std::string old;
    return read_at(out_fd_, path, old) && old == bytes;
}
#else
bool OutputTree::same_on_disk(const std::string& path, std::string_view bytes) const {
    if (out_fd_ < 0 || previous_.trust_hashes) return false;
    struct stat info {};
    if (::fstatat(out_fd_, path.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(info.st_mode) ||
        static_cast<std::size_t>(info.st_size) != bytes.size())
        return false;
    std::string old;
    return read_at(out_fd_, path, old) && old == bytes;
}
#endif

void OutputTree::record(const std::string& path, const FileState& state, bool written, bool claimed) {
    std::lock_guard lock(mutex_);
    if (claimed) open_streams_.erase(path);
    else if (open_streams_.count(path)) throw std::runtime_error("Файл «" + path + "» создаётся дважды");
    auto [entry, added] = files_.emplace(path, state);
    if (!added) throw std::runtime_error("Файл «" + path + "» создаётся дважды");
    if (written) {
        written_.push_back(&entry->first);
        ++summary_.written;
    } else {
        ++summary_.unchanged;
    }
}

// A file with the bytes it had: the spare holds it already, as a hard link
// of the output's.
#ifdef _WIN32
void OutputTree::record_unchanged(const std::string& path, const ContentHash& hash, bool claimed) {
    FileState state{hash, 0, 0};
    auto before = previous_.files.find(path);
    if (trusted_same(path, hash)) {
        state = before->second;
    } else if (auto facts = facts_at(out_fd_, path); facts.exists) {
        state = {hash, facts.size, facts.mtime_ns};
    }
    record(path, state, false, claimed);
}
#else
void OutputTree::record_unchanged(const std::string& path, const ContentHash& hash, bool claimed) {
    FileState state{hash, 0, 0};
    auto before = previous_.files.find(path);
    struct stat info {};
    if (trusted_same(path, hash)) state = before->second;
    else if (::fstatat(out_fd_, path.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0)
        state = {hash, static_cast<std::uint64_t>(info.st_size), mtime_ns_of(info)};
    record(path, state, false, claimed);
}
#endif

// Claimed first: a path given twice must not overwrite the spare's file of
// the first (a kept file is a hard link of the published one's version).
void OutputTree::put(const std::string& path, std::string_view bytes) {
    require_inside_root(path);
    claim(path);
    try {
        ContentHash hash = hash_of(bytes);
        if (trusted_same(path, hash) || same_on_disk(path, bytes)) {
            record_unchanged(path, hash, true);
            return;
        }
        int fd = create_fresh(spare_fd_, path);
#ifdef _WIN32
        try {
            write_all(fd, bytes, path);
        } catch (...) {
            ::close(fd);
            throw;
        }
        if (::close(fd) != 0) fail("Не удалось записать файл", path);
        // After the close: NTFS may stamp the last write time as the handle closes.
        auto facts = facts_at(spare_fd_, path);
        if (!facts.exists) fail("Не удалось записать файл", path);
        record(path, {hash, static_cast<std::uint64_t>(bytes.size()), facts.mtime_ns}, true, true);
#else
        struct stat info {};
        try {
            write_all(fd, bytes, path);
            if (::fstat(fd, &info) != 0) fail("Не удалось записать файл", path);
        } catch (...) {
            ::close(fd);
            throw;
        }
        if (::close(fd) != 0) fail("Не удалось записать файл", path);
        record(path, {hash, static_cast<std::uint64_t>(bytes.size()), mtime_ns_of(info)}, true, true);
#endif
    } catch (...) {
        release(path);
        throw;
    }
}

// A path is claimed before its bytes go anywhere, so a second put() or
// open() of it fails before it could touch the first one's file.
void OutputTree::claim(const std::string& path) {
    std::lock_guard lock(mutex_);
    if (files_.count(path) || !open_streams_.insert(path).second)
        throw std::runtime_error("Файл «" + path + "» создаётся дважды");
}

void OutputTree::release(const std::string& path) {
    std::lock_guard lock(mutex_);
    open_streams_.erase(path);
}

std::string OutputTree::stream_name() {
    std::lock_guard lock(mutex_);
    return ".shnor-stream-" + std::to_string(stream_count_++);
}

std::filesystem::path OutputTree::scratch_path() { return folder_.spare_path() / stream_name(); }

OutputTree::Stream OutputTree::open(const std::string& path) {
    require_inside_root(path);
    claim(path);
    try {
        return Stream(*this, path);
    } catch (...) {
        release(path);
        throw;
    }
}

struct OutputTree::Stream::State {
    State(OutputTree& tree, std::string path) : tree(tree), path(std::move(path)) {}
    OutputTree& tree;
    std::string path;
    std::string temporary;  // in the spare's root, renamed into place when the bytes changed
    int fd = -1;
    std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> hasher{XXH3_createState(), &XXH3_freeState};
    std::string buffer;
};

namespace {
// Appends are often small (one JSON element); the file gets them in blocks.
constexpr std::size_t kStreamBlock = 1 << 20;
}  // namespace

OutputTree::Stream::Stream(OutputTree& tree, std::string path)
    : state_(std::make_unique<State>(tree, std::move(path))) {
    if (!state_->hasher || XXH3_128bits_reset(state_->hasher.get()) != XXH_OK)
        throw std::runtime_error("XXH3: не удалось начать хеш файла «" + state_->path + "»");
    state_->temporary = tree.stream_name();
    state_->fd = create_fresh(tree.spare_fd_, state_->temporary);
    state_->buffer.reserve(kStreamBlock);
}

OutputTree::Stream::Stream(Stream&&) noexcept = default;

OutputTree::Stream::~Stream() {
    if (!state_) return;
    if (state_->fd >= 0) ::close(state_->fd);
#ifdef _WIN32
    windows::remove_tree(at(state_->tree.spare_fd_, state_->temporary));
#else
    ::unlinkat(state_->tree.spare_fd_, state_->temporary.c_str(), 0);
#endif
    state_->tree.release(state_->path);
}

void OutputTree::Stream::append(std::string_view bytes) {
    XXH3_128bits_update(state_->hasher.get(), bytes.data(), bytes.size());
    if (state_->buffer.size() + bytes.size() > kStreamBlock) {
        write_all(state_->fd, state_->buffer, state_->path);
        state_->buffer.clear();
        if (bytes.size() > kStreamBlock) {
            write_all(state_->fd, bytes, state_->path);
            return;
        }
    }
    state_->buffer += bytes;
}

#ifdef _WIN32
void OutputTree::Stream::close() {
    State& state = *state_;
    OutputTree& tree = state.tree;
    write_all(state.fd, state.buffer, state.path);
    std::string().swap(state.buffer);
    int fd = std::exchange(state.fd, -1);
    if (::close(fd) != 0) fail("Не удалось записать файл", state.path);
    XXH128_hash_t digest = XXH3_128bits_digest(state.hasher.get());
    ContentHash hash{digest.low64, digest.high64};

    bool unchanged = tree.trusted_same(state.path, hash) ||
                     (tree.out_fd_ >= 0 && !tree.previous_.trust_hashes &&
                      same_bytes(tree.spare_fd_, state.temporary, tree.out_fd_, state.path));
    if (unchanged) windows::remove_tree(at(tree.spare_fd_, state.temporary));
    else rename_into_place(tree.spare_fd_, state.temporary, state.path);
    std::unique_ptr<State> done = std::move(state_);
    if (unchanged) {
        tree.record_unchanged(done->path, hash, true);
        return;
    }
    // After the close and the rename (which keeps it): NTFS may stamp the
    // last write time as the handle closes.
    auto facts = facts_at(tree.spare_fd_, done->path);
    if (!facts.exists) fail("Не удалось записать файл", done->path);
    tree.record(done->path, {hash, facts.size, facts.mtime_ns}, true, true);
}
#else
void OutputTree::Stream::close() {
    State& state = *state_;
    OutputTree& tree = state.tree;
    write_all(state.fd, state.buffer, state.path);
    std::string().swap(state.buffer);
    struct stat info {};
    if (::fstat(state.fd, &info) != 0) fail("Не удалось записать файл", state.path);
    int fd = std::exchange(state.fd, -1);
    if (::close(fd) != 0) fail("Не удалось записать файл", state.path);
    XXH128_hash_t digest = XXH3_128bits_digest(state.hasher.get());
    ContentHash hash{digest.low64, digest.high64};

    bool unchanged = tree.trusted_same(state.path, hash) ||
                     (tree.out_fd_ >= 0 && !tree.previous_.trust_hashes &&
                      same_bytes(tree.spare_fd_, state.temporary, tree.out_fd_, state.path));
    if (unchanged) ::unlinkat(tree.spare_fd_, state.temporary.c_str(), 0);
    else rename_into_place(tree.spare_fd_, state.temporary, state.path);
    std::unique_ptr<State> done = std::move(state_);
    if (unchanged) tree.record_unchanged(done->path, hash, true);
    else tree.record(done->path, {hash, static_cast<std::uint64_t>(info.st_size), mtime_ns_of(info)}, true, true);
}
#endif

void OutputTree::copy(const std::string& path, const fs::path& source) {
    std::string bytes;
    if (!read_file(source, bytes)) throw std::runtime_error("Не удалось прочитать файл " + source.string());
    put(path, bytes);
}

void OutputTree::keep(const std::string& path) {
    require_inside_root(path);
    auto before = previous_.files.find(path);
    if (before == previous_.files.end() || altered_.count(path))
        throw std::runtime_error("Нельзя оставить файл «" + path + "»: его нет в записи прошлой сборки");
    record(path, before->second, false, false);
}

void OutputTree::keep_where(const std::function<bool(const std::string&)>& wanted) {
    if (!previous_.known) throw std::runtime_error("Нельзя оставить файлы: нет записи прошлой сборки");
    std::lock_guard lock(mutex_);
    for (const auto& [path, state] : previous_.files) {
        if (!wanted(path)) continue;
        require_inside_root(path);
        if (altered_.count(path)) throw std::runtime_error("Нельзя оставить файл «" + path + "»: он изменён");
        std::size_t before = files_.size();
        files_.emplace_hint(files_.end(), path, state);
        if (files_.size() == before || open_streams_.count(path))
            throw std::runtime_error("Файл «" + path + "» создаётся дважды");
        ++summary_.unchanged;
    }
}

// Only files the last build wrote (its record) are ever removed; a file
// shnor did not write stays, whatever it is.
void OutputTree::remove_stale() {
    auto now = files_.begin();
    for (const auto& [path, state] : previous_.files) {
        while (now != files_.end() && now->first < path) ++now;
        if (now != files_.end() && now->first == path) continue;
        sync::remove_entry(spare_fd_, path);
        sync::remove_empty_parents(spare_fd_, path);
        removed_.push_back(path);
        ++summary_.removed;
    }
}

// What of the output shnor did not write: entries looked at while bringing
// the spare up (and the strays the last build knew) that are neither a file
// of this build nor a folder holding one. Topmost only: a stray folder is
// compared whole.
std::vector<std::string> OutputTree::find_strays() const {
    std::vector<std::string> candidates = seen_;
    if (candidates.empty()) return {};
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    // A folder holding a file of this build: a file path follows it with '/'.
    auto holds_files = [&](const std::string& path) {
        auto next = files_.lower_bound(path + "/");
        return next != files_.end() && next->first.size() > path.size() && next->first.starts_with(path) &&
               next->first[path.size()] == '/';
    };
    std::unordered_set<std::string> strays;
    std::vector<std::string> topmost;
    for (const auto& path : candidates) {
        if (files_.count(path) || is_marker(path) || holds_files(path)) continue;
        bool under_stray = false;
        for (auto slash = path.rfind('/'); slash != std::string::npos && !under_stray; slash = path.rfind('/', slash - 1)) {
            under_stray = strays.count(path.substr(0, slash)) > 0;
            if (slash == 0) break;
        }
        if (under_stray) continue;
#ifdef _WIN32
        if (!facts_at(spare_fd_, path).exists) continue;  // gone (a stale file)
#else
        struct stat info {};
        if (::fstatat(spare_fd_, path.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone (a stale file)
#endif
        strays.insert(path);
        topmost.push_back(path);
    }
    return topmost;
}

// Removes from the spare everything but this build's files (and the marker).
void OutputTree::prune_spare(int folder_fd, const std::string& prefix) {
    for (const auto& entry : sync::list(folder_fd)) {
        std::string path = prefix.empty() ? entry.name : prefix + "/" + entry.name;
        if (prefix.empty() && is_marker(entry.name)) continue;
        if (entry.folder) {
            auto next = files_.lower_bound(path + "/");
            bool holds_files = next != files_.end() && next->first.starts_with(path + "/");
            if (!holds_files) {
                sync::remove_entry(folder_fd, entry.name);
                continue;
            }
            sync::Folder folder = sync::Folder::open(folder_fd, entry.name);
            if (!folder) fail("Не удалось открыть папку", path);
            prune_spare(folder.fd(), path);
        } else if (!files_.count(path)) {
            sync::remove_entry(folder_fd, entry.name);
        }
    }
}

CommitSummary OutputTree::commit() {
    finish_trash();
    remove_stale();
    if (prune_spare_) prune_spare(spare_fd_, "");
#ifdef _WIN32
    auto facts = windows::facts_of(spare_fd_);
    if (!facts.exists) fail("Не удалось прочитать папку", folder_.spare_path().string());
    published_.device = facts.volume;
    published_.inode = facts.index;
#else
    struct stat info {};
    if (::fstat(spare_fd_, &info) != 0) fail("Не удалось прочитать папку", folder_.spare_path().string());
    published_.device = static_cast<std::uint64_t>(info.st_dev);
    published_.inode = static_cast<std::uint64_t>(info.st_ino);
#endif
    published_.spare_inode = folder_.inode();
    published_.changes_since_ns = changes_since_ns();
    published_.touched.reserve(written_.size() + removed_.size());
    for (const auto* path : written_) published_.touched.push_back(*path);
    for (auto& path : removed_) published_.touched.push_back(std::move(path));
    std::vector<const std::string*>().swap(written_);
    std::vector<std::string>().swap(removed_);
    std::sort(published_.touched.begin(), published_.touched.end());
    published_.strays = find_strays();
    committed_ = true;
    return summary_;
}

namespace {

// A test stops a build here (and kills it) through this variable: the name
// of a file to create, after which the build waits a minute.
void pause_for_tests() {
    const char* signal_file = std::getenv("SHNOR_TEST_PAUSE_BEFORE_PUBLISH");
    if (!signal_file || !*signal_file) return;
    std::ofstream(signal_file) << ::getpid() << '\n';
    std::this_thread::sleep_for(std::chrono::seconds(60));
}

// Tests take the way of file systems without RENAME_EXCHANGE (NFS, FAT…) with this set.
#ifndef _WIN32  // Windows always takes that way (publish())
bool exchange_unsupported() { return std::getenv("SHNOR_TEST_NO_RENAME_EXCHANGE") != nullptr; }
#endif

}  // namespace

PublishedTree OutputTree::take_published() {
    published_taken_ = true;
    return std::move(published_);
}

#ifdef _WIN32
// As below, by the three renames (no RENAME_EXCHANGE on Windows), each
// waiting for a moment while another program holds the folder
// (windows::move_file). A stop between them is finished by
// OutputFolder::recover().
void OutputTree::publish() {
    if (!committed_) throw std::logic_error("OutputTree::publish() before commit()");
    pause_for_tests();
    const fs::path& out = folder_.path();
    const fs::path& spare = folder_.spare_path();
    using windows::Existing;
    if (out_fd_ < 0) {
        if (!windows::move_file(spare, out, Existing::keep)) fail("Не удалось переименовать папку", spare.string());
    } else {
        std::string name = ".";
        name += out.filename().string();
        name += ".shnor-old";
        fs::path old = out.parent_path() / platform::path_from_utf8(name);
        if (!windows::move_file(out, old, Existing::keep)) fail("Не удалось переименовать папку", out.string());
        if (!windows::move_file(spare, out, Existing::keep)) {
            int failure = errno;
            windows::move_file(old, out, Existing::keep);
            errno = failure;
            fail("Не удалось переименовать папку", spare.string());
        }
        if (!windows::move_file(old, spare, Existing::keep)) fail("Не удалось переименовать папку", old.string());
    }
    published_done_ = true;
    const std::string marker(kMarkerName);
    if (out_fd_ >= 0 && !facts_at(out_fd_, marker).exists) sync::link_or_copy(spare_fd_, marker, out_fd_, marker);
    std::error_code ignored;
    fs::remove(folder_.unfinished_path(), ignored);
    folder_.published();
}
#else
void OutputTree::publish() {
    if (!committed_) throw std::logic_error("OutputTree::publish() before commit()");
    pause_for_tests();
    const fs::path& out = folder_.path();
    const fs::path& spare = folder_.spare_path();
    if (out_fd_ < 0) {
        // No site yet: the new one takes its name.
        if (::renameat2(AT_FDCWD, spare.c_str(), AT_FDCWD, out.c_str(), RENAME_NOREPLACE) != 0 &&
            (errno != EINVAL || ::rename(spare.c_str(), out.c_str()) != 0))
            fail("Не удалось переименовать папку", spare.string());
    } else if (exchange_unsupported() ||
               ::renameat2(AT_FDCWD, spare.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) != 0) {
        if (!exchange_unsupported() && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
            fail("Не удалось заменить папку сайта", out.string());
        // A file system without RENAME_EXCHANGE: three renames. Between the
        // first two there is no output folder at all (never a mix); a build
        // stopped there is finished by OutputFolder::recover().
        std::string name = ".";
        name += out.filename().string();
        name += ".shnor-old";
        fs::path old = out.parent_path() / name;
        if (::rename(out.c_str(), old.c_str()) != 0) fail("Не удалось переименовать папку", out.string());
        if (::rename(spare.c_str(), out.c_str()) != 0) {
            int failure = errno;
            ::rename(old.c_str(), out.c_str());
            errno = failure;
            fail("Не удалось переименовать папку", spare.string());
        }
        if (::rename(old.c_str(), spare.c_str()) != 0) fail("Не удалось переименовать папку", old.string());
    }
    published_done_ = true;
    // The previous site is the spare now. One built into with --force has
    // no marker yet, and a spare must have one; it is not compared with the
    // new site, so the record stays true of it.
    const std::string marker(kMarkerName);
    struct stat info {};
    if (out_fd_ >= 0 && ::fstatat(out_fd_, marker.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0)
        sync::link_or_copy(spare_fd_, marker, out_fd_, marker);
    ::unlink(folder_.unfinished_path().c_str());
    folder_.published();
}
#endif

}  // namespace shnor::write
