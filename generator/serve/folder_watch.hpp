// Whether anything changed under some folders (the preview: the content folder),
// with Linux inotify: every folder below them is watched, hidden ones
// (.git, a cache) and symbolic links left out; a folder created later is
// watched from the next wait on.
//
// On Windows (folder_watch_windows.cpp) each root is one recursive
// ReadDirectoryChangesW; changes under hidden folders and to hidden names
// are left out there, and a root made later is watched from the next wait on.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <vector>
#ifdef _WIN32
#include <memory>
#endif

namespace shnor::serve {

class FolderWatch {
public:
    explicit FolderWatch(std::vector<std::filesystem::path> roots);
    ~FolderWatch();
    FolderWatch(const FolderWatch&) = delete;
    FolderWatch& operator=(const FolderWatch&) = delete;

    // True when something changed within `timeout`; the events that follow
    // within `settle` (an editor saves in several steps) are taken with it.
    bool wait_for_change(std::chrono::milliseconds timeout, std::chrono::milliseconds settle);

private:
    void watch_tree(const std::filesystem::path& root);
    bool drain(std::chrono::milliseconds timeout);

    std::vector<std::filesystem::path> roots_;
#ifdef _WIN32
    struct RootWatch;  // a root's directory handle, its pending read and event
    std::vector<std::unique_ptr<RootWatch>> root_watches_;
#else
    int fd_ = -1;
    std::map<std::filesystem::path, int> watched_;
#endif
};

}  // namespace shnor::serve
