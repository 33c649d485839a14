// The output folder, replaced in one step. A build hands over each file as
// soon as it is rendered (from any thread); the new version of the site is
// made in the spare folder beside the output (output_folder.hpp), which
// holds the previous version as hard links of the same files: only the files
// whose bytes changed are written there, fresh, and the files no longer
// produced are removed. publish() then swaps the two folders with one
// renameat2(RENAME_EXCHANGE): whenever a build stops, the output folder holds
// the whole old site or the whole new one. Unchanged files keep their inode
// and mtime, so deploy tools see real changes only; the old version stays as
// the spare, for the next build.
#pragma once

#include "write/output_folder.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

namespace shnor::write {

// XXH3 128-bit hash of a file's bytes, as recorded between builds.
struct ContentHash {
    std::uint64_t low = 0;
    std::uint64_t high = 0;
    bool operator==(const ContentHash&) const = default;
    std::string hex() const;
    static bool parse(std::string_view hex, ContentHash& out);
};
ContentHash hash_of(std::string_view bytes);

// A file of the output as a build wrote it (or found it unchanged).
struct FileState {
    ContentHash hash;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const FileState&) const = default;
};

// What a build knows of the two folders after publish(), for the next one.
struct PublishedTree {
    std::uint64_t device = 0, inode = 0;  // the output folder (after the swap)
    std::uint64_t spare_inode = 0;        // the spare folder, 0 when none
    // The new version was complete then (less a second): a folder of the
    // output changed since was changed by someone else.
    std::int64_t changes_since_ns = 0;
    // Files written or removed: where the spare (the previous version)
    // differs from the output, sorted.
    std::vector<std::string> touched;
    // Files and folders of the output that shnor did not write (the user's),
    // topmost only, sorted.
    std::vector<std::string> strays;
    bool operator==(const PublishedTree&) const = default;
};

// The folders of `files` (and those holding the user's files, `tree`'s
// strays) that changed since the build of `tree` swapped in its site: what
// OutputTree's constructor stats (one stat per folder, 54 000 at N=2000) to
// bring the spare up. Started as soon as the record is read, it runs on
// threads of its own beside a build's work on one core (peer parts, the
// index); hand it over as Previous::changed_folders. `out` is the output
// folder; the arguments are copied.
std::shared_future<std::vector<std::string>> start_folder_check(const std::filesystem::path& out,
                                                                const std::map<std::string, FileState>& files,
                                                                const PublishedTree& tree);

struct CommitSummary {
    std::size_t written = 0;    // new or changed files
    std::size_t unchanged = 0;  // same bytes as before: not touched
    std::size_t removed = 0;    // files of the previous build no longer produced
};

class OutputTree {
public:
    class Stream;
    struct Previous;

    // What the last publish of this folder left, from its build record.
    struct Previous {
        std::map<std::string, FileState> files;  // every file it wrote
        PublishedTree tree;
        // `files` and `tree` describe the folder as it is (the record's
        // inode is the folder's): only then is any file removed, and only
        // these files.
        bool known = false;
        // The hashes stand for the bytes on disk, so unchanged bytes need not
        // be compared (not with --full).
        bool trust_hashes = false;
        // Of `files`, those changed or removed by someone else since
        // (OutputFolder::altered()): written again, never trusted.
        std::vector<std::string> altered;
        // From start_folder_check() with these `files` and `tree`; else the
        // constructor stats the folders itself.
        std::shared_future<std::vector<std::string>> changed_folders;
    };

    // Brings the spare up to the output folder as it is (the user's files
    // too), then takes files. `folder` must outlive the tree.
    OutputTree(OutputFolder& folder, Previous previous);
    ~OutputTree();  // without publish(): the spare is put back as it was
    OutputTree(const OutputTree&) = delete;
    OutputTree& operator=(const OutputTree&) = delete;

    // Thread-safe. `path` is relative to the output root, '/'-separated;
    // a path outside the root or given twice throws std::runtime_error.
    void put(const std::string& path, std::string_view bytes);
    // The same as put() for a file too big to hold in memory: its bytes go
    // to a temporary file as they are appended and are hashed on the way;
    // Stream::close() drops it when the bytes equal the previous build's.
    // Each Stream is used by one thread at a time.
    Stream open(const std::string& path);
    // A path for a temporary file in the folder where the new version is
    // made (for a library that writes only to files: libxlsxwriter); the
    // caller removes it. Thread-safe.
    std::filesystem::path scratch_path();
    // A file copied unchanged from `source`.
    void copy(const std::string& path, const std::filesystem::path& source);
    // A file of the previous build that stays as it is (not re-rendered).
    void keep(const std::string& path);
    // keep() for every file of the previous build that `wanted` accepts, in
    // one pass (a build that re-renders a few files keeps tens of thousands).
    void keep_where(const std::function<bool(const std::string&)>& wanted);

    // Removes from the new version the files of the previous build that were
    // neither put, copied nor kept. Throws std::runtime_error on an I/O
    // failure. The output folder is still the old one.
    CommitSummary commit();
    // Swaps the new version in, in one step (after commit()).
    void publish();

    // Path → state of every file of the new output (valid after commit()).
    const std::map<std::string, FileState>& files() const { return files_; }
    // The same, moved out: files() is empty afterwards.
    std::map<std::string, FileState> take_files() { return std::move(files_); }
    // Valid after commit(); describes the folders as publish() leaves them.
    const PublishedTree& published() const { return published_; }
    // The same, moved out (its list of touched files is as long as the site
    // on a first build: a million paths at N = 40 000). A build stopped after
    // this leaves the spare for the next build to compare whole.
    PublishedTree take_published();

private:
    friend class Stream;
    bool trusted_same(const std::string& path, const ContentHash& hash) const;
    bool same_on_disk(const std::string& path, std::string_view bytes) const;
    // `claimed`: by claim(), which this ends.
    void record(const std::string& path, const FileState& state, bool written, bool claimed);
    void record_unchanged(const std::string& path, const ContentHash& hash, bool claimed);
    void prepare_spare();
    void bring_spare_up_to_date();
    void set_aside_if_big(const std::string& path);
    void join_trash() noexcept;
    void finish_trash();
    void remove_stale();
    void prune_spare(int folder_fd, const std::string& prefix);
    std::vector<std::string> find_strays() const;
    void undo();
    void claim(const std::string& path);
    void release(const std::string& path);
    std::string stream_name();

    OutputFolder& folder_;
    Previous previous_;
    std::unordered_set<std::string> altered_;
    int out_fd_ = -1;    // the output folder, when it exists
    int spare_fd_ = -1;  // the spare folder, where the new version is made
    bool committed_ = false, published_done_ = false;
    bool prune_spare_ = false;  // the spare is reused without a site: what is not written goes
    std::vector<std::string> seen_;  // entries of the output looked at while bringing the spare up
    // Big files of the previous version set aside in the spare's root, and
    // the thread that removes them (set_aside_if_big).
    std::vector<std::string> trash_;
    std::thread trash_remover_;

    std::mutex mutex_;  // guards the members below, held only to record a path
    std::map<std::string, FileState> files_;
    std::set<std::string> open_streams_;
    // The paths written: keys of files_ (stable: its nodes never move) until
    // commit() makes published_.touched of them and of removed_.
    std::vector<const std::string*> written_;
    std::vector<std::string> removed_;
    bool published_taken_ = false;
    CommitSummary summary_;
    unsigned stream_count_ = 0;
    PublishedTree published_;
};

class OutputTree::Stream {
public:
    Stream(Stream&&) noexcept;
    Stream& operator=(Stream&&) = delete;
    ~Stream();  // not closed (an exception on the way): the bytes are dropped

    void append(std::string_view bytes);
    // Records the file like put(). Throws std::runtime_error on an I/O failure.
    void close();

private:
    friend class OutputTree;
    struct State;
    Stream(OutputTree& tree, std::string path);
    std::unique_ptr<State> state_;
};

}  // namespace shnor::write
