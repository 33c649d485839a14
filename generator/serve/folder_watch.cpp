#include "serve/folder_watch.hpp"

#ifndef _WIN32  // Windows: folder_watch_windows.cpp

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <stdexcept>
#include <system_error>

namespace shnor::serve {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kEvents = IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                  IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

bool hidden(const fs::path& path) {
    std::string name = path.filename().string();
    return !name.empty() && name[0] == '.';
}

}  // namespace

FolderWatch::FolderWatch(std::vector<fs::path> roots) : roots_(std::move(roots)) {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "inotify");
    for (const auto& root : roots_) watch_tree(root);
}

FolderWatch::~FolderWatch() {
    if (fd_ >= 0) ::close(fd_);
}

void FolderWatch::watch_tree(const fs::path& root) {
    std::error_code error;
    if (!fs::is_directory(fs::symlink_status(root, error))) return;
    auto add = [&](const fs::path& folder) {
        if (watched_.count(folder)) return;
        int wd = ::inotify_add_watch(fd_, folder.c_str(), kEvents | IN_DONT_FOLLOW);
        if (wd >= 0) watched_[folder] = wd;
    };
    add(root);
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error), end;
    for (; !error && it != end; it.increment(error)) {
        if (hidden(it->path())) {
            if (it->is_directory(error)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_symlink(error)) continue;
        if (it->is_directory(error)) add(it->path());
    }
}

// Reads every event waiting within `timeout`; true when there was one.
bool FolderWatch::drain(std::chrono::milliseconds timeout) {
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(timeout.count())) <= 0) return false;
    alignas(inotify_event) std::array<char, 16 * 1024> buffer{};
    bool any = false;
    while (::read(fd_, buffer.data(), buffer.size()) > 0) any = true;
    return any;
}

bool FolderWatch::wait_for_change(std::chrono::milliseconds timeout, std::chrono::milliseconds settle) {
    if (!drain(timeout)) return false;
    while (drain(settle)) {
    }
    // Folders created or removed since: watched from now on (a removed
    // one's watch went with it; a new one's is added).
    std::erase_if(watched_, [](const auto& entry) {
        std::error_code error;
        return !fs::is_directory(fs::symlink_status(entry.first, error));
    });
    for (const auto& root : roots_) watch_tree(root);
    return true;
}

}  // namespace shnor::serve
#endif
