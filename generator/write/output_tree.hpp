// The output folder, updated file by file: a build hands over each file as
// soon as it is rendered (from any thread); only files whose bytes changed
// are written, first into a staging folder beside the output, and moved in
// by commit(). Until commit() the previous output is untouched, so a build
// that fails half-way leaves the previous site as it was.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
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

struct CommitSummary {
    std::size_t written = 0;    // new or changed files
    std::size_t unchanged = 0;  // same bytes as before: not touched
    std::size_t removed = 0;    // files of the previous build no longer produced
};

class OutputTree {
public:
    class Stream;

    // `previous`: path → hash of the files the previous build left in
    // `out_dir`, when known (a build record); otherwise existing files are
    // compared byte by byte.
    OutputTree(std::filesystem::path out_dir, std::map<std::string, ContentHash> previous, bool previous_known);
    ~OutputTree();  // removes the staging folder unless committed
    OutputTree(const OutputTree&) = delete;
    OutputTree& operator=(const OutputTree&) = delete;

    // Thread-safe. `path` is relative to the output root, '/'-separated;
    // a path outside the root or given twice throws std::runtime_error.
    void put(const std::string& path, std::string_view bytes);
    // The same as put() for a file too big to hold in memory: its bytes go
    // to the staging folder as they are appended and are hashed on the way;
    // Stream::close() drops the staged copy when the bytes equal the
    // previous build's. Each Stream is used by one thread at a time.
    Stream open(const std::string& path);
    // A file copied unchanged; `stamp` identifies the source's version
    // (size and mtime), so an unchanged source is not copied again.
    void copy(const std::string& path, const std::filesystem::path& source);
    // A file of the previous build that stays as it is (not re-rendered).
    void keep(const std::string& path);
    // keep() for every file of the previous build that `wanted` accepts, in
    // one pass (a build that re-renders a few files keeps tens of thousands).
    void keep_where(const std::function<bool(const std::string&)>& wanted);

    // Moves the staged files in and removes files neither put, copied nor
    // kept. Throws std::runtime_error on an I/O failure.
    CommitSummary commit();

    // Path → hash of every file of the new output (valid after commit()).
    const std::map<std::string, ContentHash>& hashes() const { return hashes_; }
    // The same, moved out: hashes() is empty afterwards.
    std::map<std::string, ContentHash> take_hashes() { return std::move(hashes_); }

private:
    friend class Stream;
    bool unchanged_on_disk(const std::string& path, const ContentHash& hash, std::string_view bytes) const;
    std::filesystem::path staged_path(const std::string& path) const;
    void make_folders(const std::string& path);  // the folders of `path` in the staging folder
    void record(const std::string& path, const ContentHash& hash, bool staged);
    void remove_stale();
    void claim(const std::string& path);
    void release(const std::string& path);

    std::filesystem::path out_dir_;
    std::filesystem::path staging_;
    bool fresh_;  // no output folder yet: staging becomes the output
    std::map<std::string, ContentHash> previous_;
    bool previous_known_;
    bool committed_ = false;

    std::mutex folders_mutex_;
    std::unordered_set<std::string> made_folders_;  // relative to the staging folder

    std::mutex mutex_;  // guards the maps below, held only to record a path
    std::map<std::string, ContentHash> hashes_;
    std::set<std::string> open_streams_;
    std::vector<std::string> staged_;
    CommitSummary summary_;
};

class OutputTree::Stream {
public:
    Stream(Stream&&) noexcept;
    Stream& operator=(Stream&&) = delete;
    ~Stream();  // not closed (an exception on the way): the staged bytes are dropped

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
