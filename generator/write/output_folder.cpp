#include "write/output_folder.hpp"

#include "parallel/parallel.hpp"
#ifdef _WIN32
#include "platform/utf8_path.hpp"
#endif
#include "write/tree_sync.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iterator>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#ifdef _WIN32
#include "write/files_windows.hpp"

#include <unistd.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace shnor::write {

namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& path) { return "«" + path.string() + "»"; }

// Absolute, with every link of the existing part resolved and no trailing slash.
fs::path resolved(const fs::path& path, std::error_code& error) {
    fs::path result = fs::weakly_canonical(fs::absolute(path), error);
    while (!result.has_filename() && result != result.root_path()) result = result.parent_path();
    return result;
}

// `inner` lies strictly inside `outer` (both resolved).
bool lies_inside(const fs::path& inner, const fs::path& outer) {
    auto in = inner.begin();
    for (auto out = outer.begin(); out != outer.end(); ++out, ++in)
        if (in == inner.end() || *in != *out) return false;
    return in != inner.end();
}

void refuse(const std::string& message) { throw FolderRefused(message, false); }

void check_guarded(const fs::path& out, const fs::path& given, const GuardedFolder& guarded) {
    std::error_code error;
    fs::path folder = resolved(guarded.path, error);
    if (error) return;
    const std::string advice = " Укажите для сайта отдельную папку, например --out site: shnor заменяет содержимое "
                               "папки сайта целиком.";
    if (out == folder) refuse("Папка сайта " + quoted(given) + " — это " + guarded.what + " " + quoted(folder) + "." + advice);
    if (lies_inside(folder, out))
        refuse("Внутри папки сайта " + quoted(given) + " лежит " + guarded.what + " " + quoted(folder) + "." + advice);
    if (!guarded.may_hold_output && lies_inside(out, folder))
        refuse("Папка сайта " + quoted(given) + " лежит внутри папки " + quoted(folder) + ", а это " + guarded.what +
               "." + advice);
}

#ifdef _WIN32
// As below; the name (UTF-8) made a path the one right way (platform/utf8_path.hpp).
fs::path beside(const fs::path& out, std::string_view suffix) {
    std::string name = ".";
    name += out.filename().string();
    name += suffix;
    return out.parent_path() / platform::path_from_utf8(name);
}
#else
std::string beside(const fs::path& out, std::string_view suffix) {
    std::string name = ".";  // built in steps: g++ 12 warns falsely (-Wrestrict) on "." + a + b
    name += out.filename().string();
    name += suffix;
    return (out.parent_path() / name).string();
}
#endif

#ifdef _WIN32
bool is_plain_file(const fs::path& path) { return windows::facts_of(path, false).plain_file(); }

std::string first_line_of(int fd) {
    char text[32] = {};
    long long got = windows::read_at(fd, text, sizeof text - 1, 0);
    std::string line(text, got > 0 ? static_cast<std::size_t>(got) : 0);
    return line.substr(0, line.find('\n'));
}

// fs::rename() of a folder, waiting for another program's handle inside it
// (write/files_windows.hpp).
void rename_folder(const fs::path& from, const fs::path& to, std::error_code& error) {
    if (!windows::move_file(from, to, windows::Existing::keep)) error = std::error_code(errno, std::generic_category());
}
#else
bool is_plain_file(const fs::path& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string first_line_of(int fd) {
    char text[32] = {};
    ssize_t got = ::pread(fd, text, sizeof text - 1, 0);
    std::string line(text, got > 0 ? static_cast<std::size_t>(got) : 0);
    return line.substr(0, line.find('\n'));
}
#endif

}  // namespace

OutputFolder OutputFolder::open(const fs::path& out_dir, const FolderOptions& options) {
    std::error_code error;
    fs::path path = resolved(out_dir, error);
    if (error) refuse("Папка сайта " + quoted(out_dir) + ": " + error.message());
    if (path == path.root_path())
        refuse("Нельзя собирать сайт в корень файловой системы (--out " + quoted(out_dir) +
               "): shnor заменяет содержимое папки сайта целиком. Укажите отдельную папку, например --out site.");
    auto status = fs::status(path, error);
    if (fs::exists(status) && !fs::is_directory(status))
        refuse("--out " + quoted(out_dir) + ": это файл, а не папка. Укажите папку для сайта, например --out site.");
    for (const auto& guarded : options.guarded) check_guarded(path, out_dir, guarded);
    fs::create_directories(path.parent_path(), error);
    if (error) refuse("Не удалось создать папку " + quoted(path.parent_path()) + ": " + error.message());
#ifdef _WIN32
    // A junction is a mount point to NTFS (IO_REPARSE_TAG_MOUNT_POINT), and
    // renaming it would move the link, not the site.
    auto own = windows::facts_of(path, false), parent = windows::facts_of(path.parent_path(), true);
    if (own.exists && (own.reparse_point || (parent.exists && own.volume != parent.volume)))
#else
    struct stat own {}, parent {};
    if (::stat(path.c_str(), &own) == 0 && ::stat(path.parent_path().c_str(), &parent) == 0 && own.st_dev != parent.st_dev)
#endif
        refuse("Папка сайта " + quoted(out_dir) + " — точка монтирования: shnor публикует новую версию сайта, "
               "заменяя папку целиком, а точку монтирования заменить нельзя. Укажите --out на папку внутри неё, "
               "например " + quoted(path / "site") + ".");

    OutputFolder folder;
    folder.path_ = path;
    folder.spare_ = beside(path, ".shnor-spare");
    folder.lock_path_ = beside(path, ".shnor-lock");
    folder.unfinished_ = beside(path, ".shnor-unfinished");
    folder.lock(options.lock_wait, out_dir);
    folder.recover();
    folder.remove_dead_staging();
    folder.read_state();
    if (folder.exists() && !folder.marker_ && !options.force && !fs::is_empty(path, error))
        refuse("Папка " + quoted(out_dir) + " не пуста и создана не shnor (в ней нет файла " +
               std::string(kMarkerName) + "); в ней ничего не удалено и не изменено. Укажите для сайта новую или "
               "пустую папку (--out). Если это сайт, собранный прежней версией shnor, запустите сборку с --force: "
               "файлы, которых shnor не записывал, останутся на месте.");
    if (fs::exists(fs::symlink_status(folder.spare_)) && !folder.spare_inode_)
        refuse("Рядом с папкой сайта лежит " + quoted(folder.spare_) + ", которую создал не shnor (shnor хранит "
               "там предыдущую версию сайта). Переименуйте или удалите её.");
    return folder;
}

OutputFolder::OutputFolder(OutputFolder&& other) noexcept
    : path_(std::move(other.path_)),
      spare_(std::move(other.spare_)),
      lock_path_(std::move(other.lock_path_)),
      unfinished_(std::move(other.unfinished_)),
      lock_fd_(std::exchange(other.lock_fd_, -1)),
      marker_(other.marker_),
      device_(other.device_),
      inode_(other.inode_),
      spare_inode_(other.spare_inode_),
      spare_unfinished_(other.spare_unfinished_) {}

OutputFolder::~OutputFolder() {
    if (lock_fd_ < 0) return;
    // Removed while still held: a build waiting for it then finds the file
    // gone or new, and takes the new one (lock()).
#ifdef _WIN32
    std::error_code ignored;
    fs::remove(lock_path_, ignored);  // removable while open: opened with FILE_SHARE_DELETE
#else
    ::unlink(lock_path_.c_str());
#endif
    ::close(lock_fd_);
}

#ifdef _WIN32
// As below, with LockFileEx (write/files_windows.hpp). A lock file the
// previous holder is removing cannot be opened until it closes it: waited for.
void OutputFolder::lock(std::chrono::milliseconds wait, const fs::path& given) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        int fd = windows::open_or_create(lock_path_);
        if (fd < 0 && errno == EACCES && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        if (fd < 0)
            refuse("Не удалось создать файл блокировки " + quoted(lock_path_) + ": " + std::strerror(errno) +
                   ". Рядом с папкой сайта shnor держит блокировку и предыдущую версию сайта, поэтому папка, в "
                   "которой лежит папка сайта, должна быть доступна для записи.");
        if (windows::try_lock(fd)) {
            auto held = windows::facts_of(fd), named = windows::facts_of(lock_path_, false);
            if (held.exists && named.exists && held.index == named.index && held.volume == named.volume) {
                std::string pid = std::to_string(::getpid()) + "\n";
                windows::replace_contents(fd, pid);  // the pid only helps the message of a build that waits
                lock_fd_ = fd;
                return;
            }
            ::close(fd);  // the previous holder removed it as it finished
            continue;
        }
        int failure = errno;
        std::string holder = first_line_of(fd);
        ::close(fd);
        if (failure != EWOULDBLOCK)
            refuse("Не удалось заблокировать " + quoted(lock_path_) + ": " + std::strerror(failure));
        if (std::chrono::steady_clock::now() >= deadline)
            throw FolderRefused("Папку сайта " + quoted(given) + " сейчас собирает другой процесс shnor" +
                                    (holder.empty() ? std::string() : " (PID " + holder + ")") +
                                    ". Ничего не изменено. Дождитесь окончания той сборки и запустите эту снова.",
                                true);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}
#else
// flock() on a file beside the folder; the holder writes its pid there.
void OutputFolder::lock(std::chrono::milliseconds wait, const fs::path& given) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            refuse("Не удалось создать файл блокировки " + quoted(lock_path_) + ": " + std::strerror(errno) +
                   ". Рядом с папкой сайта shnor держит блокировку и предыдущую версию сайта, поэтому папка, в "
                   "которой лежит папка сайта, должна быть доступна для записи.");
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            struct stat held {}, named {};
            if (::fstat(fd, &held) == 0 && ::stat(lock_path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
                held.st_dev == named.st_dev) {
                std::string pid = std::to_string(::getpid()) + "\n";
                if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
                }  // the pid only helps the message of a build that waits
                lock_fd_ = fd;
                return;
            }
            ::close(fd);  // the previous holder removed it as it finished
            continue;
        }
        int failure = errno;
        std::string holder = first_line_of(fd);
        ::close(fd);
        if (failure != EWOULDBLOCK && failure != EINTR)
            refuse("Не удалось заблокировать " + quoted(lock_path_) + ": " + std::strerror(failure));
        if (std::chrono::steady_clock::now() >= deadline)
            throw FolderRefused("Папку сайта " + quoted(given) + " сейчас собирает другой процесс shnor" +
                                    (holder.empty() ? std::string() : " (PID " + holder + ")") +
                                    ". Ничего не изменено. Дождитесь окончания той сборки и запустите эту снова.",
                                true);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}
#endif

// A swap without RENAME_EXCHANGE (output_tree.cpp) moves the site aside as
// .<out>.shnor-old, the new one in, and the old one to the spare's place. A
// build stopped between those steps is finished here, so the folder holds a
// complete site again: the old one when the new one did not get in yet. The
// unfinished flag is still there (it goes after the swap), so the next build
// does not trust the spare.
void OutputFolder::recover() {
    fs::path old = beside(path_, ".shnor-old");
    std::error_code error;
    if (!fs::exists(fs::symlink_status(old))) return;
    if (!fs::exists(fs::symlink_status(path_))) {
#ifdef _WIN32
        rename_folder(old, path_, error);
#else
        fs::rename(old, path_, error);
#endif
        if (error) refuse("Не удалось вернуть прежний сайт из " + quoted(old) + ": " + error.message());
        return;
    }
    if (!fs::exists(fs::symlink_status(spare_))) {
#ifdef _WIN32
        rename_folder(old, spare_, error);
#else
        fs::rename(old, spare_, error);
#endif
        if (!error) return;
    }
#ifdef _WIN32
    if (is_plain_file(old / kMarkerName)) windows::remove_tree(old);
#else
    if (is_plain_file(old / kMarkerName)) sync::remove_entry(AT_FDCWD, old.string());
#endif
}

// Staging folders `.<out>.new-<pid>` of builds by shnor before the spare
// existed, left by a build that was killed: each held up to a whole site.
void OutputFolder::remove_dead_staging() {
    std::string prefix = ".";  // built in steps: g++ 12 warns falsely (-Wrestrict) on "." + a + b
    prefix += path_.filename().string();
    prefix += ".new-";
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(path_.parent_path(), error)) {
        std::string name = entry.path().filename().string();
        if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
        std::string digits = name.substr(prefix.size());
        if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) || digits.size() > 9)
            continue;
#ifdef _WIN32
        auto pid = std::stoul(digits);
        if (pid == static_cast<unsigned long>(::getpid()) || windows::process_is_running(pid)) continue;
        auto facts = windows::facts_of(entry.path(), false);
        if (facts.folder && !facts.reparse_point) windows::remove_tree(entry.path());
#else
        pid_t pid = static_cast<pid_t>(std::stol(digits));
        if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // still running
        std::error_code ignored;
        if (entry.is_directory(ignored)) sync::remove_entry(AT_FDCWD, entry.path().string());
#endif
    }
}

#ifdef _WIN32
// As below: the volume's serial number and the file index for st_dev and st_ino.
void OutputFolder::read_state() {
    device_ = inode_ = spare_inode_ = 0;
    auto own = windows::facts_of(path_, true);
    if (own.exists && own.folder) {
        device_ = own.volume;
        inode_ = own.index;
    }
    marker_ = inode_ && is_plain_file(path_ / kMarkerName);
    spare_unfinished_ = is_plain_file(unfinished_);
    // The flag is made before the spare, the marker right after it.
    bool spare_is_ours = spare_unfinished_ || is_plain_file(spare_ / kMarkerName);
    auto spare = windows::facts_of(spare_, false);
    if (spare_is_ours && spare.exists && spare.folder && !spare.reparse_point) spare_inode_ = spare.index;
}
#else
void OutputFolder::read_state() {
    struct stat info {};
    device_ = inode_ = spare_inode_ = 0;
    if (::stat(path_.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
        device_ = static_cast<std::uint64_t>(info.st_dev);
        inode_ = static_cast<std::uint64_t>(info.st_ino);
    }
    marker_ = inode_ && is_plain_file(path_ / kMarkerName);
    spare_unfinished_ = is_plain_file(unfinished_);
    // The flag is made before the spare, the marker right after it.
    bool spare_is_ours = spare_unfinished_ || is_plain_file(spare_ / kMarkerName);
    if (spare_is_ours && ::lstat(spare_.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        spare_inode_ = static_cast<std::uint64_t>(info.st_ino);
}
#endif

void OutputFolder::published() { read_state(); }

#ifdef _WIN32
// As below, one GetFileAttributesExW per file (a reparse point is not the file).
std::vector<std::string> OutputFolder::altered(const std::vector<WrittenFile>& files) const {
    std::vector<std::string> found;
    auto root = windows::facts_of(path_, true);
    if (!root.exists || !root.folder) {
        for (const auto& file : files) found.emplace_back(file.path);
        return found;
    }
    constexpr std::size_t kSlice = 2048;
    std::size_t slices = (files.size() + kSlice - 1) / kSlice;
    std::vector<std::vector<std::string>> parts(slices);
    parallel::for_each_index(slices, [&](std::size_t slice) {
        for (std::size_t i = slice * kSlice; i < std::min(files.size(), (slice + 1) * kSlice); ++i) {
            const auto& file = files[i];
            auto facts = windows::attributes_of(path_ / platform::path_from_utf8(file.path));
            bool same = facts.plain_file() && facts.size == file.size && facts.mtime_ns == file.mtime_ns;
            if (!same) parts[slice].emplace_back(file.path);
        }
    });
    for (auto& part : parts) std::move(part.begin(), part.end(), std::back_inserter(found));
    return found;
}
#else
std::vector<std::string> OutputFolder::altered(const std::vector<WrittenFile>& files) const {
    sync::Folder root(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::vector<std::string> found;
    if (!root) {
        for (const auto& file : files) found.emplace_back(file.path);
        return found;
    }
    // One stat per file, on all cores: the cost of trusting the output.
    constexpr std::size_t kSlice = 2048;
    std::size_t slices = (files.size() + kSlice - 1) / kSlice;
    std::vector<std::vector<std::string>> parts(slices);
    parallel::for_each_index(slices, [&](std::size_t slice) {
        std::string path;
        for (std::size_t i = slice * kSlice; i < std::min(files.size(), (slice + 1) * kSlice); ++i) {
            const auto& file = files[i];
            path.assign(file.path);
            struct stat info {};
            bool same = ::fstatat(root.fd(), path.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(info.st_mode) &&
                        static_cast<std::uint64_t>(info.st_size) == file.size &&
                        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec ==
                            file.mtime_ns;
            if (!same) parts[slice].push_back(path);
        }
    });
    for (auto& part : parts) std::move(part.begin(), part.end(), std::back_inserter(found));
    return found;
}
#endif

}  // namespace shnor::write
