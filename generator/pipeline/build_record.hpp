// What a district build leaves in the cache folder for the next one: the
// inputs it saw, the hashes its decisions rest on, and every output file
// with its hash and the school it belongs to. With it, the next build
// re-renders only the schools whose content (or the district-wide inputs)
// changed, and finishes at once when nothing changed.
#pragma once

#include "cache/fingerprint.hpp"
#include "write/output_tree.hpp"

#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shnor::pipeline {

// Where a fragment (view::Fragment) lies in an output file.
struct FragmentSpan {
    // A fragment printed more than once in its page has no single place.
    static constexpr std::size_t kNowhere = static_cast<std::size_t>(-1);
    std::string key;
    std::size_t offset = 0, length = 0;  // offset kNowhere: only a full render changes it
    bool operator==(const FragmentSpan&) const = default;
};

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
// Where a build writes its record before it swaps the new site in; renamed
// to the record once the swap is done (adopt_next_record).
std::filesystem::path next_record_path(const std::filesystem::path& record_file);
// Makes the record the one of the output folder `inode`: a build stopped
// between its swap and renaming its next record left the right one as next.
// A next record of another folder (a build stopped before its swap) goes.
void settle_records(const std::filesystem::path& record_file, std::uint64_t device, std::uint64_t inode);
void adopt_next_record(const std::filesystem::path& record_file);
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

}  // namespace shnor::pipeline
