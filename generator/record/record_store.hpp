// record: the build record as an on-disk index (LMDB), keyed by output file
// and by school, so that a build which changes one school reads and writes
// only that school's entries instead of parsing and writing the whole record
// (tens of thousands of lines at 2000 schools).
//
// One store per output folder: a single LMDB data file (MDB_NOSUBDIR) in the
// cache's builds/ folder, with its lock file "<file>-lock" beside it; both
// mode 0600 like the rest of the cache. Named databases:
//   head     "head" → Head (the format number first)
//   inputs   content/layout/asset path → size, mtime
//   schools  slug → content, external and district hashes, page paths
//   files    output path → owner, hash, size, mtime, fragment spans
//   owners   owner → its output paths (MDB_DUPSORT: "the files of school X"
//            is one range read); the district's files under the key "\0"
//   touched, strays   the output tree's lists (PublishedTree)
// Values are a small little-endian binary encoding whose format is the
// head's kFormat: a store of another format, a value that does not decode,
// a file cut short or any LMDB error is "no record" (the build is then a
// full one), never a crash and never a record read wrong. One limit:
// LMDB does not checksum its pages. shnor's own writes cannot leave a bad
// page (copy-on-write; commits are not flushed, and after a system restart
// a store is opened only if it hashes to its seal: seal_file_of below), and
// a garbled meta page or a file cut short is caught, but B-tree pages
// garbled by hand inside the file are only caught where a value fails to
// decode.
//
// LMDB allows keys of at most 511 bytes: a longer path is stored under an
// abbreviated key (its first bytes and its hash) with the whole path in the
// value. Only one Store per file may be open in a process at a time (LMDB's
// rule); read views of one Store may be used from several threads.
#pragma once

#include "cache/fingerprint.hpp"
#include "write/output_tree.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::record {

// Bumped whenever an encoding below changes: older stores then read as none.
constexpr std::uint32_t kFormat = 1;

// Where a fragment (view::Fragment) lies in an output file.
struct FragmentSpan {
    // A fragment printed more than once in its page has no single place.
    static constexpr std::size_t kNowhere = static_cast<std::size_t>(-1);
    std::string key;
    std::size_t offset = 0, length = 0;  // offset kNowhere: only a full render changes it
    bool operator==(const FragmentSpan&) const = default;
};

// What tells that nothing changed; a few hundred bytes. `tree`'s lists are
// not part of it (ReadView::touched/strays).
struct Head {
    std::string key;  // binary version and options: another key, another build
    write::PublishedTree tree;  // device, inode, spare_inode, changes_since_ns
    std::int64_t written_ns = 0;
    bool volatile_sources = false;
    cache::Hash128 global;
    // cache::fingerprint of the inputs in path order (the store's order;
    // by_path_fingerprint), so a changed stamp can be put alone.
    cache::Hash128 inputs_fingerprint;
    // Kept by the store itself as files are put and removed.
    std::uint64_t output_files = 0, html_files = 0;
    bool operator==(const Head&) const = default;
};

struct SchoolEntry {
    cache::Hash128 content, external, district;
    std::vector<std::string> pages;  // page paths, for the sitemap
    bool operator==(const SchoolEntry&) const = default;
};

struct FileEntry {
    std::string owner;  // school slug, "" for the district
    write::FileState state;
    std::vector<FragmentSpan> fragments;  // in file order
    bool operator==(const FileEntry&) const = default;
};

// Thrown by ReadView and WriteTxn on an LMDB error or a value that does not
// decode: whoever catches it treats the store as no record.
struct Damaged : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// cache::fingerprint of `stamps` sorted by path (bytewise, as LMDB sorts).
cache::Hash128 by_path_fingerprint(std::vector<cache::FileStamp> stamps);

class ReadView;
class WriteTxn;

// The seal beside a store (record_store.cpp): commits are not flushed to the
// disk, and after a system restart a store is opened only if its bytes are
// those of its last commit. Whoever renames or removes a store does the same
// to its seal.
std::filesystem::path seal_file_of(const std::filesystem::path& store_file);
// The key a head reads with when its store was sealed before the system
// restarted: it may be older than the output folder, so it plans a whole
// build (which still removes the files the record lists).
inline constexpr std::string_view kKeyBeforeRestart = "(recorded before the system restarted)";

class Store {
public:
    enum class Access { read, write };
    // nullptr when the store cannot be opened as one of this format's: a
    // missing file (for reading), a garbage or truncated file, another
    // LMDB format, an unwritable folder (for writing). For writing, a
    // missing file is created (and its folder).
    static std::unique_ptr<Store> open(const std::filesystem::path& file, Access access);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // A consistent snapshot; nullopt when the store holds no record of
    // kFormat (empty, another format, damaged head).
    std::optional<ReadView> read();
    // One write transaction (one writer at a time: it waits for another).
    // Throws Damaged when LMDB refuses.
    WriteTxn write();

    const std::filesystem::path& file() const { return file_; }

private:
    struct Env;
    Store(std::filesystem::path file, std::unique_ptr<Env> env);
    std::filesystem::path file_;
    std::unique_ptr<Env> env_;
    bool not_its_key_ = false;  // sealed before a restart: its head's key is replaced
    friend class ReadView;
    friend class WriteTxn;
};

// The tables, for callers that look at stored bytes (tests, the bench).
enum class Table { head, inputs, schools, files, owners, touched, strays };

class ReadView {
public:
    ReadView(ReadView&&) noexcept;
    ReadView& operator=(ReadView&&) = delete;
    ~ReadView();

    const Head& head() const { return head_; }
    std::optional<SchoolEntry> school(std::string_view slug) const;
    std::optional<FileEntry> file(std::string_view path) const;
    // The paths of the files `owner` ("" for the district) has, sorted.
    std::vector<std::string> files_of(std::string_view owner) const;
    // Every entry in key order; `visit` returns false to stop.
    void for_each_file(const std::function<bool(std::string_view path, const FileEntry&)>& visit) const;
    void for_each_school(const std::function<bool(std::string_view slug, const SchoolEntry&)>& visit) const;
    // Every file's state alone (no owner, no fragments decoded): what the
    // check that the output is as written needs, a few times faster.
    void for_each_file_state(const std::function<bool(std::string_view path, const write::FileState&)>& visit) const;
    std::vector<cache::FileStamp> inputs() const;  // sorted by path
    std::vector<std::string> touched() const;
    std::vector<std::string> strays() const;
    // The bytes stored under `key`, nullopt when none (for tests and the bench).
    std::optional<std::string> stored_bytes(Table table, std::string_view key) const;

private:
    friend class Store;
    struct Txn;
    explicit ReadView(Store& store);
    Store* store_;
    std::unique_ptr<Txn> txn_;
    Head head_;
};

// Changes applied together at commit(), or not at all (destroyed without
// commit: aborted). Every call may throw Damaged; the transaction is then
// aborted and the store left as it was.
class WriteTxn {
public:
    WriteTxn(WriteTxn&&) noexcept;
    WriteTxn& operator=(WriteTxn&&) = delete;
    ~WriteTxn();

    // Empties every table: what a whole write starts with.
    void clear();
    // The head, but for its file counts, which the store keeps.
    void set_head(const Head& head);
    void put_school(std::string_view slug, const SchoolEntry& entry);
    void remove_school(std::string_view slug);
    // Puts or replaces the entry, and the owner index with it.
    void put_file(std::string_view path, const FileEntry& entry);
    void remove_file(std::string_view path);
    void replace_inputs(const std::vector<cache::FileStamp>& stamps);
    void put_input(const cache::FileStamp& stamp);
    void remove_input(std::string_view path);
    void replace_tree_lists(const std::vector<std::string>& touched, const std::vector<std::string>& strays);
    // Only for a store no one reads before this transaction's commit() (a
    // new file that is renamed into place afterwards): from now on, once
    // `bytes` are put, what was put is committed and the writing goes on in
    // a new transaction. LMDB holds a transaction's dirty pages in memory
    // until its commit: a whole record of 40 000 schools (a million files)
    // took 450 MiB more at once (ARCHITECTURE.md, "Third pass"). The store
    // holds the whole record only after commit(); a failure in between
    // leaves a part, which its writer removes.
    void commit_every(std::size_t bytes);
    // False when LMDB could not commit (the store is then as before).
    bool commit();

    // What this transaction wrote so far: puts and deletes, bytes of keys and
    // values put. A one-school update must stay small.
    struct Writes {
        std::size_t puts = 0, deletes = 0, bytes = 0;
        std::size_t commits = 0;  // made on the way by commit_every()
    };
    const Writes& writes() const { return writes_; }

private:
    friend class Store;
    struct Txn;
    explicit WriteTxn(Store& store);
    void put(Table table, std::string_view key, std::string_view value, unsigned flags = 0);
    void commit_on_the_way();
    bool del(Table table, std::string_view key, const std::string_view* value = nullptr);
    Store* store_;
    std::unique_ptr<Txn> txn_;
    Head head_;  // as read at the start; counts kept up to date
    bool head_set_ = false;
    bool appending_ = false;  // emptied, and every file put so far in path order
    std::optional<std::string> last_appended_;
    Writes writes_;
    std::size_t commit_every_ = 0;  // 0: one transaction
    std::size_t committed_bytes_ = 0;
};

}  // namespace shnor::record
