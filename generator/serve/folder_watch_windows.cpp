// serve/folder_watch.hpp on Windows: one recursive ReadDirectoryChangesW per
// root, overlapped, each with an event; WaitForMultipleObjects waits for any.
// On Linux this file is empty (folder_watch.cpp is the inotify one).
#ifdef _WIN32
#include "serve/folder_watch.hpp"

#include <windows.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>

namespace shnor::serve {

namespace fs = std::filesystem;

namespace {

constexpr DWORD kChanges = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME | FILE_NOTIFY_CHANGE_ATTRIBUTES |
                           FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_CREATION;

// A change to or under a hidden name (.git, an editor's swap file) is not
// the content's: the inotify watch leaves hidden folders out too.
bool under_hidden(std::wstring_view relative) {
    std::size_t start = 0;
    while (start <= relative.size()) {
        std::size_t end = relative.find(L'\\', start);
        if (end == std::wstring_view::npos) end = relative.size();
        if (end > start && relative[start] == L'.') return true;
        start = end + 1;
    }
    return false;
}

// Wine (8.0) reports a recursive watch's changes only in folders its server
// has seen: made after the watch began, or opened since (measured; real
// Windows reports the whole subtree). Opening each folder below `folder` once
// makes both the same, at the cost of the walk the inotify watch makes too.
// Hidden folders and reparse points are left out, never entered.
void open_each_folder_once(const fs::path& folder, int depth = 0) {
    constexpr int kMaxDepth = 64;
    WIN32_FIND_DATAW entry;
    HANDLE find = ::FindFirstFileExW((folder / L"*").c_str(), FindExInfoBasic, &entry, FindExSearchLimitToDirectories,
                                     nullptr, 0);
    if (find == INVALID_HANDLE_VALUE) return;
    do {
        const bool plain_folder = (entry.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
                                  !(entry.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT);
        if (!plain_folder || entry.cFileName[0] == L'.') continue;  // ".", ".." and hidden ones too
        const fs::path below = folder / entry.cFileName;
        HANDLE opened = ::CreateFileW(below.c_str(), FILE_LIST_DIRECTORY,
                                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                      FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
        if (opened != INVALID_HANDLE_VALUE) ::CloseHandle(opened);
        if (depth < kMaxDepth) open_each_folder_once(below, depth + 1);
    } while (::FindNextFileW(find, &entry));
    ::FindClose(find);
}

}  // namespace

struct FolderWatch::RootWatch {
    fs::path root;
    HANDLE directory = INVALID_HANDLE_VALUE;
    HANDLE event = nullptr;
    OVERLAPPED overlapped{};
    bool pending = false;
    alignas(DWORD) std::array<std::byte, 64 * 1024> buffer{};

    ~RootWatch() {
        if (directory != INVALID_HANDLE_VALUE) {
            if (pending) {
                ::CancelIoEx(directory, &overlapped);
                DWORD ignored = 0;
                ::GetOverlappedResult(directory, &overlapped, &ignored, TRUE);  // the buffer is ours again
            }
            ::CloseHandle(directory);
        }
        if (event) ::CloseHandle(event);
    }

    // Asks for the next changes; false when the folder can no longer be read (removed).
    bool arm() {
        if (pending) return true;
        ::ResetEvent(event);
        overlapped = OVERLAPPED{};
        overlapped.hEvent = event;
        pending = ::ReadDirectoryChangesW(directory, buffer.data(), static_cast<DWORD>(buffer.size()), TRUE,
                                          kChanges, nullptr, &overlapped, nullptr);
        return pending;
    }

    // Whether the completed read names a change that counts; a lost
    // overflow (0 bytes) or a failed read counts as one.
    bool take_changes() {
        DWORD bytes = 0;
        BOOL done = ::GetOverlappedResult(directory, &overlapped, &bytes, FALSE);
        if (!done && ::GetLastError() == ERROR_IO_INCOMPLETE) return false;
        pending = false;
        if (!done || bytes == 0) return true;
        bool counts = false;
        for (std::size_t offset = 0;;) {
            const auto* info = reinterpret_cast<const FILE_NOTIFY_INFORMATION*>(buffer.data() + offset);
            std::wstring_view name(info->FileName, info->FileNameLength / sizeof(wchar_t));
            if (!under_hidden(name)) counts = true;
            if (info->NextEntryOffset == 0) break;
            offset += info->NextEntryOffset;
        }
        return counts;
    }
};

FolderWatch::FolderWatch(std::vector<fs::path> roots) : roots_(std::move(roots)) {
    for (const auto& root : roots_) watch_tree(root);
}

FolderWatch::~FolderWatch() = default;

// Opens `root` once it is a folder, never through a link or junction (the
// reparse point itself is opened, and refused).
void FolderWatch::watch_tree(const fs::path& root) {
    for (const auto& watch : root_watches_)
        if (watch->root == root) return;
    HANDLE directory = ::CreateFileW(root.c_str(), FILE_LIST_DIRECTORY,
                                     FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                     FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED | FILE_FLAG_OPEN_REPARSE_POINT,
                                     nullptr);
    if (directory == INVALID_HANDLE_VALUE) return;
    auto watch = std::make_unique<RootWatch>();
    watch->root = root;
    watch->directory = directory;
    FILE_ATTRIBUTE_TAG_INFO info{};
    if (!::GetFileInformationByHandleEx(directory, FileAttributeTagInfo, &info, sizeof info) ||
        !(info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) || (info.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
        return;
    watch->event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (!watch->event || !watch->arm()) return;
    open_each_folder_once(root);
    root_watches_.push_back(std::move(watch));
}

// Waits up to `timeout` for the roots' changes; true when one counted. Changes
// that do not count (hidden names) do not end the wait.
bool FolderWatch::drain(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() < 0) return false;
        std::vector<HANDLE> events;
        for (const auto& watch : root_watches_) events.push_back(watch->event);
        if (events.empty()) {  // no root is a folder (yet): nothing can change
            ::Sleep(static_cast<DWORD>(left.count()));
            return false;
        }
        DWORD woke = ::WaitForMultipleObjects(
            static_cast<DWORD>(std::min<std::size_t>(events.size(), MAXIMUM_WAIT_OBJECTS)), events.data(), FALSE,
            static_cast<DWORD>(left.count()));
        if (woke == WAIT_TIMEOUT || woke == WAIT_FAILED) return false;
        bool any = false;
        std::erase_if(root_watches_, [&](const std::unique_ptr<RootWatch>& watch) {
            if (watch->take_changes()) any = true;
            return !watch->arm();  // the root went away: watched again once it is back
        });
        if (any) return true;
    }
}

bool FolderWatch::wait_for_change(std::chrono::milliseconds timeout, std::chrono::milliseconds settle) {
    if (!drain(timeout)) return false;
    while (drain(settle)) {
    }
    for (const auto& root : roots_) watch_tree(root);
    return true;
}

}  // namespace shnor::serve
#endif
