// What a district build leaves in the cache folder for the next one: the
// inputs it saw, the hashes its decisions rest on, and every output file
// with its hash and the school it belongs to. With it, the next build
// re-renders only the schools whose content (or the district-wide inputs)
// changed, and finishes at once when nothing changed.
#pragma once

#include "cache/fingerprint.hpp"
#include "record/record_store.hpp"
#include "write/output_folder.hpp"
#include "write/output_tree.hpp"

#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shnor::pipeline {

using record::FragmentSpan;  // where a fragment lies in an output file

struct BuildRecord {
    std::string key;  // binary version and options: another key, another build
    // The output folder and its spare as the build left them (the folder's
    // inode says whether the record still describes it), the files it wrote
    // or removed and the user's files it found there.
    write::PublishedTree tree;
    std::int64_t written_ns = 0;
    bool volatile_sources = false;  // sources that may change without a content file changing
    cache::Hash128 global;          // every input school pages share
    std::vector<cache::FileStamp> inputs;  // content, layouts and assets
    std::map<std::string, cache::Hash128> schools;               // slug → content hash
    // slug → hash of what pages outside the school's own section read of it
    // (everything but its index.md text): unchanged, only its section is rebuilt.
    std::map<std::string, cache::Hash128> school_external;
    // slug → hash of its district part (school_parts.hpp): unchanged, the
    // district's pages are not rendered again, and its row of the schools
    // list and its open-data spans are patched.
    std::map<std::string, cache::Hash128> school_district;
    std::map<std::string, std::vector<std::string>> school_pages;  // slug → page paths (for the sitemap)
    std::map<std::string, std::string> file_owner;               // output path → slug, "" for the district
    std::map<std::string, write::FileState> files;               // output path → hash, size, mtime
    std::map<std::string, std::vector<FragmentSpan>> fragments;  // output path → its fragments, in file order
    // Known from the head alone: cache::fingerprint(inputs), how many `files`
    // there are and how many of them end in ".html". Read, not written:
    // write_record computes them from `inputs` and `files`.
    cache::Hash128 inputs_fingerprint;
    std::size_t output_files = 0, html_files = 0;
};

// The head of a record is what tells that nothing changed (key, output
// folder, time, volatile flag, global hash, inputs_fingerprint and the file
// counts); `inputs`, the maps and the tree's lists stay empty. It is a few
// hundred bytes, read without the rest.
enum class RecordPart { head, whole };

std::filesystem::path record_path(const std::filesystem::path& cache_dir, const std::filesystem::path& out_dir);
// nullopt when missing, unreadable, cut short or of another format.
std::optional<BuildRecord> read_record(const std::filesystem::path& path, RecordPart part = RecordPart::whole);
// Atomic (temporary file + rename); failures are ignored: the next build is then a full one.
void write_record(const std::filesystem::path& path, const BuildRecord& record);
void remove_record(const std::filesystem::path& path);

// The fields of a record's lines, for read_record and for readers of a
// RecordText's body.
namespace record_fields {
// Splits off the first space-separated word of `line`.
std::string_view next_word(std::string_view& line);
template <class Number>
bool number(std::string_view text, Number& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}
bool hash(std::string_view hex, cache::Hash128& out);
}  // namespace record_fields

// A record as it lies on disk: its head parsed, its body as text, mapped
// (not copied). For a build that changes a few lines and copies the rest:
// reading tens of thousands of lines into maps would cost it more than all
// its rendering.
class RecordText {
public:
    static std::optional<RecordText> open(const std::filesystem::path& path);
    RecordText(RecordText&& other) noexcept;
    RecordText& operator=(RecordText&&) = delete;
    ~RecordText();

    const BuildRecord& head() const { return head_; }
    std::string_view body() const { return body_; }  // lines as write_record writes them, "end\n" last

private:
    RecordText() = default;
    BuildRecord head_;
    void* mapping_ = nullptr;
    std::size_t mapped_size_ = 0;
    std::string_view body_;
};

// Writes a record whose head is `head` (its inputs, time and counts as
// given: `files` is not read) and whose body is `body_parts` one after the
// other. Atomic; failures are ignored like write_record's.
void write_record_text(const std::filesystem::path& path, const BuildRecord& head,
                       const std::vector<std::string_view>& body_parts);

// Lines of a record's body as write_record writes them, for a build that
// writes its record from the text of the last one.
std::string file_line(std::string_view owner, const write::FileState& state, std::string_view path);
std::string tree_lines(const write::PublishedTree& tree);  // its touched and stray lines

// The record of an older shnor (format 5, before the output folder had a
// marker) names the folder `out_dir` by its device and inode: that folder is
// one shnor built, and may be built into without --force.
bool written_by_older_shnor(const std::filesystem::path& record_file, const std::filesystem::path& out_dir);

// The output part of a record's body: every file with its state, the files
// touched and the user's files (the rest of `tree` is in the head).
void read_output_part(std::string_view body, std::map<std::string, write::FileState>& files,
                      write::PublishedTree& tree);
// The files of a record's body, with their sizes and mtimes, in path order:
// views into `body`.
std::vector<write::WrittenFile> written_files(std::string_view body);

// ---- The record as an LMDB store (record/record_store.hpp) ----------------
// The same record, kept as an index by file and by school: a build of a few
// schools reads and writes only their entries (read_schools, update_schools).

// "<hash>.lmdb" beside the text record of the same folder.
std::filesystem::path store_path(const std::filesystem::path& record_file);
// The whole record, written into a new store under a temporary name that is
// renamed to `file` (what a full build does; a stop leaves the old store or
// the new one). False when it could not be: the next build is a full one.
bool write_store(const std::filesystem::path& file, const BuildRecord& record);
// Like read_record: nullopt when missing, damaged or of another format.
// Its inputs come in path order and its inputs_fingerprint is theirs
// (record::by_path_fingerprint), whatever order write_store was given.
std::optional<BuildRecord> read_store(const std::filesystem::path& file, RecordPart part = RecordPart::whole);
void remove_store(const std::filesystem::path& file);  // and its lock file and seal

record::Head record_head(const BuildRecord& record);  // counts of `files`, by_path_fingerprint of `inputs`

// What a build of a few schools needs of the record.
struct SchoolsPart {
    record::Head head;
    std::map<std::string, record::SchoolEntry> schools;  // those asked for that the record has
    std::map<std::string, record::FileEntry> files;      // every file they own
};
// Entries of `slugs` ("" for the district's files) and their files, from one
// snapshot; nullopt when the store is missing, damaged or of another format.
std::optional<SchoolsPart> read_schools(const std::filesystem::path& file, const std::vector<std::string>& slugs);

// Every recorded file's path, size and mtime in path order, for
// OutputFolder::altered (which takes views): `files` points into `paths`
// (moves keep them, a copy would not). With the head, what the
// nothing-changed check needs; nullopt like read_store.
struct RecordedFiles {
    record::Head head;
    std::vector<std::string> paths;
    std::vector<write::WrittenFile> files;
};
std::optional<RecordedFiles> read_written_files(const std::filesystem::path& file);

// What a build of a few schools changes in the record; nullopt removes.
struct SchoolsUpdate {
    record::Head head;  // the new head; its file counts are the store's
    std::map<std::string, std::optional<record::SchoolEntry>> schools;
    std::map<std::string, std::optional<record::FileEntry>> files;
    std::vector<cache::FileStamp> changed_inputs;  // new or changed stamps
    std::vector<std::string> removed_inputs;
    std::optional<write::PublishedTree> tree_lists;  // touched and strays, when they changed
};
// Applies `update` in one transaction when the store still holds the record
// whose head is `expected` (same key and written_ns); otherwise, or on any
// error, nothing is written and the answer is false (the caller then writes
// the store whole or removes it). Crash safety: the update is committed
// once the new version is complete in the spare (OutputTree::commit) and
// before it is swapped in (publish), with head.tree naming the folder as
// it will be after the swap (the spare's inode). A stop before the swap leaves a
// record that does not describe the folder (describes() in pipeline.cpp):
// the next build is a full one, as after a lost record; a stop after it
// leaves the right record. No "next" file and no settling.
bool update_schools(const std::filesystem::path& file, const record::Head& expected, const SchoolsUpdate& update);

// What a build of a few schools changed in the record `after`: the entries
// of `slugs` and of `paths` as `after` has them (removed where it has none),
// the inputs that differ from `inputs_before`, and the tree's lists. Only
// those entries are looked at: the caller names every school and file that
// may have changed (the files the build wrote or removed among them).
SchoolsUpdate update_of(const BuildRecord& after, const std::set<std::string>& slugs,
                        const std::set<std::string>& paths, const std::vector<cache::FileStamp>& inputs_before);

}  // namespace shnor::pipeline
