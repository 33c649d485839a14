// The output folder is shnor's alone. Before a build writes anything it
// checks that --out is a folder shnor may replace (not the content, the
// layouts, the cache or the project it runs in, and either new, empty or
// marked by shnor's first build), takes a lock so that no other build writes
// there at the same time, and tidies what interrupted builds left beside it.
//
// Beside the output folder `site` live (all shnor's, to delete with it):
//   .site.shnor-spare  the previous version of the site: the next build turns
//                      it into the new one, file by file, and swaps it with
//                      `site` in one step (output_tree.hpp)
//   .site.shnor-lock   while a build runs: who holds the lock
//   .site.shnor-unfinished
//                      while a build changes the spare: if it stops before
//                      the swap, the next build cannot trust the spare and
//                      compares it with the site whole
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::write {

// Written by shnor into every output folder it makes; a non-empty folder
// without it is not shnor's. Its bytes never change (the output stays
// deterministic), and it says nothing of the build host, so it may be
// deployed with the site.
inline constexpr std::string_view kMarkerName = ".shnor-site";
inline constexpr std::string_view kMarkerText =
    "Эту папку создал и обновляет генератор сайтов shnor (shnor-site).\n"
    "При каждой сборке shnor заменяет её содержимое новой версией сайта.\n"
    "Свои файлы сюда класть можно: shnor удаляет только те файлы, которые\n"
    "записал сам. Но лучше хранить их в папке материалов (content).\n"
    "Не удаляйте этот файл: без него shnor откажется собирать сайт в эту папку.\n";

// A folder that --out must keep away from.
struct GuardedFolder {
    std::filesystem::path path;
    std::string what;  // what it is, for messages: "папка материалов"
    // The folder the command runs in: the output may lie inside it (the
    // usual `site`), but may not be it or contain it.
    bool may_hold_output = false;
};

struct FolderOptions {
    std::vector<GuardedFolder> guarded;
    // Build into a non-empty folder without the marker all the same (a site
    // built by an older shnor). Files shnor did not write still stay.
    bool force = false;
    // How long to wait for another build of the same folder to finish.
    std::chrono::milliseconds lock_wait{5000};
};

// The output folder must not be built into; what() is for the user.
class FolderRefused : public std::runtime_error {
public:
    FolderRefused(const std::string& message, bool busy) : std::runtime_error(message), busy_(busy) {}
    // Another build holds the folder (try again later), not a wrong --out.
    bool busy() const { return busy_; }

private:
    bool busy_;
};

// A file the last build wrote, as its record keeps it, for altered().
struct WrittenFile {
    std::string_view path;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
};

class OutputFolder {
public:
    // Checks --out, takes the lock, repairs or removes what dead builds left
    // beside the folder. Throws FolderRefused (nothing touched) when the
    // folder must not be built into or another build holds it.
    static OutputFolder open(const std::filesystem::path& out_dir, const FolderOptions& options);
    OutputFolder(OutputFolder&& other) noexcept;
    OutputFolder& operator=(OutputFolder&&) = delete;
    OutputFolder(const OutputFolder&) = delete;
    ~OutputFolder();  // releases the lock

    const std::filesystem::path& path() const { return path_; }  // with links resolved
    const std::filesystem::path& spare_path() const { return spare_; }
    const std::filesystem::path& unfinished_path() const { return unfinished_; }
    bool exists() const { return inode_ != 0; }
    bool has_marker() const { return marker_; }
    std::uint64_t device() const { return device_; }
    std::uint64_t inode() const { return inode_; }        // 0 when the folder does not exist
    std::uint64_t spare_inode() const { return spare_inode_; }  // 0 when there is no spare
    // The spare was being changed by a build that did not finish.
    bool spare_unfinished() const { return spare_unfinished_; }

    // Of `files` (sorted by path), those whose size or mtime is no longer the
    // recorded one, or that are gone: changed or removed by someone else.
    std::vector<std::string> altered(const std::vector<WrittenFile>& files) const;

    // Called by OutputTree::publish(): the folder is another one now.
    void published();
    // Reads the folder and its spare again: an attempt that gave up (a
    // section-only build falling back to a whole one) may have made the spare.
    void refresh() { read_state(); }

private:
    OutputFolder() = default;
    void lock(std::chrono::milliseconds wait, const std::filesystem::path& given);
    void recover();
    void remove_dead_staging();
    void read_state();

    std::filesystem::path path_, spare_, lock_path_, unfinished_;
    int lock_fd_ = -1;
    bool marker_ = false;
    std::uint64_t device_ = 0, inode_ = 0, spare_inode_ = 0;
    bool spare_unfinished_ = false;
};

}  // namespace shnor::write
