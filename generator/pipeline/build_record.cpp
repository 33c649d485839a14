#include "pipeline/build_record.hpp"

#include "write/atomic_file.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#ifdef _WIN32
#include "write/files_windows.hpp"

#include <unistd.h>
#else
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace shnor::pipeline {

namespace fs = std::filesystem;

std::string_view record_fields::next_word(std::string_view& line) {
    auto space = line.find(' ');
    std::string_view first = line.substr(0, space);
    line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
    return first;
}

bool record_fields::hash(std::string_view hex, cache::Hash128& out) {
    write::ContentHash parsed;
    if (!write::ContentHash::parse(hex, parsed)) return false;
    out = {parsed.low, parsed.high};
    return true;
}

namespace {

// The first line: magic, then the byte sizes of the head (what the
// nothing-changed check reads) and of the whole file, zero-padded so the
// line has a fixed length and can be read before knowing anything else.
constexpr std::string_view kMagic = "shnor-build-record 6";
constexpr std::size_t kSizeDigits = 20;
constexpr std::size_t kFirstLineSize = kMagic.size() + 2 * (1 + kSizeDigits) + 1;

using record_fields::number;
constexpr auto parse_hash = record_fields::hash;
constexpr auto word = record_fields::next_word;

std::string hex_of(const cache::Hash128& hash) { return hash.hex(); }


// Calls read(line) for each '\n'-terminated line of `text`; false when one fails.
template <class ReadLine>
bool for_each_line(std::string_view text, ReadLine read) {
    while (!text.empty()) {
        auto end = text.find('\n');
        if (end == std::string_view::npos) return false;
        if (!read(text.substr(0, end))) return false;
        text.remove_prefix(end + 1);
    }
    return true;
}

bool read_head_line(BuildRecord& record, std::string_view line) {
    std::string_view tag = word(line);
    if (tag == "key") return record.key = std::string(line), true;
    if (tag == "tree")
        return number(word(line), record.tree.device) && number(word(line), record.tree.inode) &&
               number(word(line), record.tree.spare_inode) && number(line, record.tree.changes_since_ns);
    if (tag == "written") return number(line, record.written_ns);
    if (tag == "volatile") return record.volatile_sources = line == "1", true;
    if (tag == "global") return parse_hash(line, record.global);
    if (tag == "files") return number(word(line), record.output_files) && number(line, record.html_files);
    if (tag == "inputs") return parse_hash(line, record.inputs_fingerprint);
    return false;
}

// Maps are filled with a hint at their end: the writer lists keys in order,
// so each insertion is constant time.
template <class Map, class Value>
void append(Map& map, std::string_view key, Value&& value) {
    map.emplace_hint(map.end(), std::string(key), std::forward<Value>(value));
}

// "<hash> <size> <mtime> " of a file line; `line` is left at the path.
bool parse_file_state(std::string_view& line, write::FileState& state) {
    return write::ContentHash::parse(word(line), state.hash) && number(word(line), state.size) &&
           number(word(line), state.mtime_ns);
}

bool read_body_line(BuildRecord& record, std::string_view line) {
    std::string_view tag = word(line);
    if (tag == "input") {
        cache::FileStamp stamp;
        if (!number(word(line), stamp.size) || !number(word(line), stamp.mtime_ns)) return false;
        stamp.path = std::string(line);
        record.inputs.push_back(std::move(stamp));
        return true;
    }
    if (tag == "file") {
        std::string_view owner = word(line);
        write::FileState state;
        if (!parse_file_state(line, state)) return false;
        append(record.file_owner, line, owner == "-" ? std::string() : std::string(owner));
        append(record.files, line, state);
        return true;
    }
    if (tag == "touched") return record.tree.touched.emplace_back(line), true;
    if (tag == "stray") return record.tree.strays.emplace_back(line), true;
    if (tag == "page") {
        std::string_view slug = word(line);
        auto pages = record.school_pages.end();
        if (!record.school_pages.empty() && std::prev(pages)->first == slug) --pages;
        else pages = record.school_pages.emplace_hint(pages, std::string(slug), std::vector<std::string>());
        pages->second.emplace_back(line);
        return true;
    }
    if (tag == "fragment") {
        FragmentSpan span;
        if (!number(word(line), span.offset) || !number(word(line), span.length)) return false;
        span.key = std::string(word(line));
        auto spans = record.fragments.end();
        if (!record.fragments.empty() && std::prev(spans)->first == line) --spans;
        else spans = record.fragments.emplace_hint(spans, std::string(line), std::vector<FragmentSpan>());
        spans->second.push_back(std::move(span));
        return true;
    }
    if (tag == "school" || tag == "external" || tag == "district") {
        std::string_view slug = word(line);
        cache::Hash128 hash;
        if (!parse_hash(line, hash)) return false;
        append(tag == "school" ? record.schools : tag == "external" ? record.school_external : record.school_district,
               slug, hash);
        return true;
    }
    return tag == "end" && line.empty();
}

std::string size_field(std::size_t size) {
    std::string digits = std::to_string(size);
    return std::string(kSizeDigits - digits.size(), '0') + digits;
}

std::string head_of(const BuildRecord& record, std::size_t files, std::size_t html_files) {
    const auto& tree = record.tree;
    std::string out = "key " + record.key + "\ntree " + std::to_string(tree.device) + " " + std::to_string(tree.inode) +
                      " " + std::to_string(tree.spare_inode) + " " + std::to_string(tree.changes_since_ns) +
                      "\nwritten " + std::to_string(record.written_ns) +
                      "\nvolatile " + (record.volatile_sources ? "1" : "0") + "\nglobal " + hex_of(record.global) +
                      "\nfiles " + std::to_string(files) + " " + std::to_string(html_files) +
                      "\ninputs " + hex_of(cache::fingerprint(record.inputs)) + "\n";
    return out;
}

void add_line(std::string& out, std::initializer_list<std::string_view> words) {
    bool first = true;
    for (auto word : words) {
        if (!first) out += ' ';
        out += word;
        first = false;
    }
    out += '\n';
}

}  // namespace

std::string tree_lines(const write::PublishedTree& tree) {
    std::string out;
    for (const auto& path : tree.touched) add_line(out, {"touched", path});
    for (const auto& path : tree.strays) add_line(out, {"stray", path});
    return out;
}

std::string file_line(std::string_view owner, const write::FileState& state, std::string_view path) {
    std::string out;
    add_line(out, {"file", owner.empty() ? std::string_view("-") : owner, state.hash.hex(), std::to_string(state.size),
                   std::to_string(state.mtime_ns), path});
    return out;
}

namespace {

std::string body_of(const BuildRecord& record) {
    std::string out;
    out.reserve(64 * (record.inputs.size() + record.files.size()) + 4096);
    for (const auto& stamp : record.inputs)
        add_line(out, {"input", std::to_string(stamp.size), std::to_string(stamp.mtime_ns), stamp.path});
    for (const auto& [slug, hash] : record.schools) add_line(out, {"school", slug, hex_of(hash)});
    for (const auto& [slug, hash] : record.school_external) add_line(out, {"external", slug, hex_of(hash)});
    for (const auto& [slug, hash] : record.school_district) add_line(out, {"district", slug, hex_of(hash)});
    for (const auto& [slug, pages] : record.school_pages)
        for (const auto& page : pages) add_line(out, {"page", slug, page});
    for (const auto& [path, spans] : record.fragments)
        for (const auto& span : spans)
            add_line(out, {"fragment", std::to_string(span.offset), std::to_string(span.length), span.key, path});
    // Both maps are sorted by path: walk them side by side.
    auto owner = record.file_owner.begin();
    for (const auto& [path, state] : record.files) {
        while (owner != record.file_owner.end() && owner->first < path) ++owner;
        bool owned = owner != record.file_owner.end() && owner->first == path && !owner->second.empty();
        add_line(out, {"file", owned ? std::string_view(owner->second) : std::string_view("-"), state.hash.hex(),
                       std::to_string(state.size), std::to_string(state.mtime_ns), path});
    }
    out += tree_lines(record.tree);
    out += "end\n";
    return out;
}

#ifdef _WIN32
// Reads `size` bytes at `offset`; false when the file is shorter.
bool read_exactly(int fd, std::size_t offset, std::size_t size, std::string& bytes) {
    bytes.resize(size);
    for (std::size_t done = 0; done < size;) {
        long long got = write::windows::read_at(fd, bytes.data() + done, size - done, offset + done);
        if (got <= 0) return false;
        done += static_cast<std::size_t>(got);
    }
    return true;
}
#else
// Reads `size` bytes at `offset`; false when the file is shorter.
bool read_exactly(int fd, std::size_t offset, std::size_t size, std::string& bytes) {
    bytes.resize(size);
    for (std::size_t done = 0; done < size;) {
        ssize_t got = ::pread(fd, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
        if (got <= 0) return false;
        done += static_cast<std::size_t>(got);
    }
    return true;
}
#endif

class RecordFile {
public:
#ifdef _WIN32
    explicit RecordFile(const fs::path& path) : fd_(write::windows::open_for_reading(path)) {}
#else
    explicit RecordFile(const fs::path& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
#endif
    ~RecordFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    RecordFile(const RecordFile&) = delete;
    RecordFile& operator=(const RecordFile&) = delete;

    // Checks the first line against the file's size: a record cut short or of
    // another format is not read.
    bool open_sizes(std::size_t& head_size, std::size_t& total_size) const {
#ifdef _WIN32
        struct {
            std::uint64_t st_size = 0;
        } info;
        std::string first_line;
        if (fd_ < 0 || !write::windows::size_of(fd_, info.st_size) || !read_exactly(fd_, 0, kFirstLineSize, first_line))
            return false;
#else
        struct stat info {};
        std::string first_line;
        if (fd_ < 0 || ::fstat(fd_, &info) != 0 || !read_exactly(fd_, 0, kFirstLineSize, first_line)) return false;
#endif
        std::string_view rest(first_line);
        if (!rest.starts_with(kMagic) || !rest.ends_with('\n')) return false;
        rest.remove_prefix(kMagic.size() + 1);
        rest.remove_suffix(1);
        return number(word(rest), head_size) && number(rest, total_size) &&
               total_size == static_cast<std::size_t>(info.st_size) && kFirstLineSize + head_size <= total_size;
    }
    bool read(std::size_t offset, std::size_t size, std::string& bytes) const {
        return read_exactly(fd_, offset, size, bytes);
    }
    int fd() const { return fd_; }

private:
    int fd_;
};

}  // namespace

fs::path record_path(const fs::path& cache_dir, const fs::path& out_dir) {
    fs::path target = fs::absolute(out_dir).lexically_normal();
    if (target.filename().empty()) target = target.parent_path();
    auto hash = cache::hash_bytes(target.string());
    return cache_dir / "builds" / (hash.hex().substr(0, 16) + ".record");
}

std::optional<BuildRecord> read_record(const fs::path& path, RecordPart part) {
    RecordFile file(path);
    std::size_t head_size = 0, total_size = 0;
    if (!file.open_sizes(head_size, total_size)) return std::nullopt;
    std::size_t wanted = part == RecordPart::head ? head_size : total_size - kFirstLineSize;
    std::string text;
    if (!file.read(kFirstLineSize, wanted, text)) return std::nullopt;
    std::string_view head = std::string_view(text).substr(0, head_size), body = std::string_view(text).substr(head_size);
    BuildRecord record;
    if (!for_each_line(head, [&](std::string_view line) { return read_head_line(record, line); })) return std::nullopt;
    if (part == RecordPart::head) return record;
    if (!body.ends_with("end\n") || !for_each_line(body, [&](std::string_view line) { return read_body_line(record, line); }))
        return std::nullopt;
    std::sort(record.tree.touched.begin(), record.tree.touched.end());
    std::sort(record.tree.strays.begin(), record.tree.strays.end());
    if (cache::fingerprint(record.inputs) != record.inputs_fingerprint) return std::nullopt;
    return record;
}

namespace {

void write_parts(const fs::path& path, const std::string& head, const std::vector<std::string_view>& body_parts) {
    std::size_t body_size = 0;
    for (auto part : body_parts) body_size += part.size();
    std::string first_line = std::string(kMagic) + " " + size_field(head.size()) + " " +
                             size_field(kFirstLineSize + head.size() + body_size) + "\n";
    std::vector<std::string_view> parts{first_line, head};
    parts.insert(parts.end(), body_parts.begin(), body_parts.end());
    write::replace_file(path, parts);  // a record that cannot be written only makes the next build a full one
}

}  // namespace

void write_record(const fs::path& path, const BuildRecord& record) {
    std::size_t html_files = 0;
    for (const auto& [file, hash] : record.files) html_files += file.ends_with(".html") ? 1 : 0;
    std::string body = body_of(record);
    write_parts(path, head_of(record, record.files.size(), html_files), {body});
}

void write_record_text(const fs::path& path, const BuildRecord& head, const std::vector<std::string_view>& body_parts) {
    write_parts(path, head_of(head, head.output_files, head.html_files), body_parts);
}

std::optional<RecordText> RecordText::open(const fs::path& path) {
    RecordFile file(path);
    std::size_t head_size = 0, total_size = 0;
    if (!file.open_sizes(head_size, total_size)) return std::nullopt;
    RecordText text;
    std::string head;
    if (!file.read(kFirstLineSize, head_size, head)) return std::nullopt;
    if (!for_each_line(head, [&](std::string_view line) { return read_head_line(text.head_, line); })) return std::nullopt;
    // Populated at once: page by page, faults cost more than the reading.
#ifdef _WIN32
    void* mapping = const_cast<void*>(write::windows::map_read_only(file.fd(), total_size));
    if (!mapping) return std::nullopt;
#else
    void* mapping = ::mmap(nullptr, total_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.fd(), 0);
    if (mapping == MAP_FAILED) return std::nullopt;
#endif
    text.mapping_ = mapping;
    text.mapped_size_ = total_size;
    std::size_t body_start = kFirstLineSize + head_size;
    text.body_ = std::string_view(static_cast<const char*>(mapping) + body_start, total_size - body_start);
    if (!text.body_.ends_with("end\n")) return std::nullopt;
    return text;
}

RecordText::RecordText(RecordText&& other) noexcept
    : head_(std::move(other.head_)), mapping_(other.mapping_), mapped_size_(other.mapped_size_), body_(other.body_) {
    other.mapping_ = nullptr;
}

RecordText::~RecordText() {
#ifdef _WIN32
    if (mapping_) write::windows::unmap(mapping_);
#else
    if (mapping_) ::munmap(mapping_, mapped_size_);
#endif
}

void remove_record(const fs::path& path) {
    std::error_code ignored;
    fs::remove(path, ignored);
}

bool written_by_older_shnor(const fs::path& record_file, const fs::path& out_dir) {
    std::ifstream in(record_file, std::ios::binary);
    std::string line;
    if (!std::getline(in, line) || line.rfind("shnor-build-record 5 ", 0) != 0) return false;
#ifdef _WIN32
    // Format 5 is older than shnor on Windows: no such record was written there.
    (void)out_dir;
    return false;
#else
    struct stat folder {};
    if (::stat(out_dir.c_str(), &folder) != 0 || !S_ISDIR(folder.st_mode)) return false;
    for (int lines = 0; lines < 8 && std::getline(in, line); ++lines) {
        std::string_view rest(line);
        if (word(rest) != "out") continue;
        std::uint64_t device = 0, inode = 0;
        return number(word(rest), device) && number(rest, inode) && device == static_cast<std::uint64_t>(folder.st_dev) &&
               inode == static_cast<std::uint64_t>(folder.st_ino);
    }
    return false;
#endif
}

void read_output_part(std::string_view body, std::map<std::string, write::FileState>& files,
                      write::PublishedTree& tree) {
    for_each_line(body, [&](std::string_view line) {
        std::string_view tag = word(line);
        if (tag == "file") {
            word(line);  // owner
            write::FileState state;
            if (parse_file_state(line, state)) append(files, line, state);
        } else if (tag == "touched") {
            tree.touched.emplace_back(line);
        } else if (tag == "stray") {
            tree.strays.emplace_back(line);
        }
        return true;
    });
    std::sort(tree.touched.begin(), tree.touched.end());
    std::sort(tree.strays.begin(), tree.strays.end());
}

std::vector<write::WrittenFile> written_files(std::string_view body) {
    std::vector<write::WrittenFile> files;
    for_each_line(body, [&](std::string_view line) {
        if (!line.starts_with("file ")) return true;
        word(line);
        word(line);  // owner
        write::WrittenFile file;
        if (word(line).size() == 32 && number(word(line), file.size) && number(word(line), file.mtime_ns)) {
            file.path = line;
            files.push_back(file);
        }
        return true;
    });
    return files;
}

// ---- the LMDB store

fs::path store_path(const fs::path& record_file) {
    fs::path path = record_file;
    path.replace_extension(".lmdb");
    return path;
}

namespace {

fs::path lock_file_of(const fs::path& file) {
    fs::path lock = file;
    lock += "-lock";
    return lock;
}

template <class Value>
const Value* find_in(const std::map<std::string, Value>& map, const std::string& key) {
    auto found = map.find(key);
    return found == map.end() ? nullptr : &found->second;
}

// Bytes of keys and values a whole write puts between two commits: LMDB's
// dirty pages of one transaction stay in memory to its commit (ARCHITECTURE.md,
// "Third pass": +450 MiB at 40 000 schools in one transaction).
constexpr std::size_t kWholeWriteCommitBytes = std::size_t(16) << 20;

void put_whole(record::WriteTxn& txn, const BuildRecord& record) {
    txn.clear();
    txn.set_head(record_head(record));
    txn.replace_inputs(record.inputs);
    // Every slug any of the school maps names (they hold the same schools).
    std::set<std::string> slugs;
    for (const auto* map : {&record.schools, &record.school_external, &record.school_district})
        for (const auto& entry : *map) slugs.insert(entry.first);
    for (const auto& [slug, pages] : record.school_pages) slugs.insert(slug);
    for (const auto& slug : slugs) {
        record::SchoolEntry entry;
        if (auto* hash = find_in(record.schools, slug)) entry.content = *hash;
        if (auto* hash = find_in(record.school_external, slug)) entry.external = *hash;
        if (auto* hash = find_in(record.school_district, slug)) entry.district = *hash;
        if (auto* pages = find_in(record.school_pages, slug)) entry.pages = *pages;
        txn.put_school(slug, entry);
    }
    // The three maps are sorted by path: walked side by side, not searched.
    auto owner = record.file_owner.begin();
    auto spans = record.fragments.begin();
    for (const auto& [path, state] : record.files) {
        record::FileEntry entry;
        entry.state = state;
        while (owner != record.file_owner.end() && owner->first < path) ++owner;
        if (owner != record.file_owner.end() && owner->first == path) entry.owner = owner->second;
        while (spans != record.fragments.end() && spans->first < path) ++spans;
        if (spans != record.fragments.end() && spans->first == path) entry.fragments = spans->second;
        txn.put_file(path, entry);
    }
    txn.replace_tree_lists(record.tree.touched, record.tree.strays);
}

// The record of a snapshot, as read_record gives it.
BuildRecord record_of(const record::ReadView& view, RecordPart part) {
    const record::Head& head = view.head();
    BuildRecord out;
    out.key = head.key;
    out.tree = head.tree;
    out.written_ns = head.written_ns;
    out.volatile_sources = head.volatile_sources;
    out.global = head.global;
    out.inputs_fingerprint = head.inputs_fingerprint;
    out.output_files = head.output_files;
    out.html_files = head.html_files;
    if (part == RecordPart::head) return out;
    out.inputs = view.inputs();
    view.for_each_school([&](std::string_view slug, const record::SchoolEntry& entry) {
        std::string key(slug);
        append(out.schools, key, entry.content);
        append(out.school_external, key, entry.external);
        append(out.school_district, key, entry.district);
        if (!entry.pages.empty()) append(out.school_pages, key, entry.pages);
        return true;
    });
    view.for_each_file([&](std::string_view path, const record::FileEntry& entry) {
        append(out.files, path, entry.state);
        append(out.file_owner, path, entry.owner);
        if (!entry.fragments.empty()) append(out.fragments, path, entry.fragments);
        return true;
    });
    out.tree.touched = view.touched();
    out.tree.strays = view.strays();
    return out;
}

}  // namespace

record::Head record_head(const BuildRecord& record) {
    record::Head head;
    head.key = record.key;
    head.tree = record.tree;
    head.tree.touched.clear();
    head.tree.strays.clear();
    head.written_ns = record.written_ns;
    head.volatile_sources = record.volatile_sources;
    head.global = record.global;
    head.inputs_fingerprint = record::by_path_fingerprint(record.inputs);
    head.output_files = record.files.size();
    for (const auto& entry : record.files) head.html_files += entry.first.ends_with(".html") ? 1 : 0;
    return head;
}

void remove_store(const fs::path& file) {
    std::error_code ignored;
    fs::remove(file, ignored);
    fs::remove(lock_file_of(file), ignored);
    fs::remove(record::seal_file_of(file), ignored);
}

bool write_store(const fs::path& file, const BuildRecord& record) {
    fs::path temporary = file;
    temporary += ".new";
    remove_store(temporary);  // what a stopped build left
    bool written = false;
    try {
        if (auto store = record::Store::open(temporary, record::Store::Access::write)) {
            auto txn = store->write();
            txn.commit_every(kWholeWriteCommitBytes);  // a new file, renamed into place only once whole
            put_whole(txn, record);
            written = txn.commit();
        }
    } catch (const record::Damaged&) {
        written = false;
    }
    std::error_code error;
    // Builds of one output folder take turns (OutputFolder's lock) and close
    // the store when done, so no one has the old file open: the next to
    // open it resets the lock file from the data file.
    // The seal after the data: a crash between leaves a seal the new file
    // does not match (no record), never a seal of bytes it does not have.
    if (written) fs::rename(temporary, file, error);
    if (written && !error) {
        fs::rename(record::seal_file_of(temporary), record::seal_file_of(file), error);
        std::error_code ignored;
        if (error) fs::remove(record::seal_file_of(file), ignored);  // unsealed: no record after all
    }
    std::error_code lock_error;
    fs::remove(lock_file_of(temporary), lock_error);
    if (!written || error) remove_store(temporary);
    return written && !error;
}

std::optional<BuildRecord> read_store(const fs::path& file, RecordPart part) {
    try {
        auto store = record::Store::open(file, record::Store::Access::read);
        if (!store) return std::nullopt;
        auto view = store->read();
        if (!view) return std::nullopt;
        BuildRecord out = record_of(*view, part);
        if (part == RecordPart::whole && cache::fingerprint(out.inputs) != out.inputs_fingerprint) return std::nullopt;  // in path order
        return out;
    } catch (const record::Damaged&) {
        return std::nullopt;
    }
}

std::optional<SchoolsPart> read_schools(const fs::path& file, const std::vector<std::string>& slugs) {
    try {
        auto store = record::Store::open(file, record::Store::Access::read);
        if (!store) return std::nullopt;
        auto view = store->read();
        if (!view) return std::nullopt;
        SchoolsPart part{view->head(), {}, {}};
        for (const auto& slug : slugs) {
            if (auto entry = view->school(slug)) part.schools.emplace(slug, std::move(*entry));
            for (auto& path : view->files_of(slug)) {
                auto entry = view->file(path);
                if (!entry) return std::nullopt;  // the owner index names a file the record lacks
                part.files.emplace(std::move(path), std::move(*entry));
            }
        }
        return part;
    } catch (const record::Damaged&) {
        return std::nullopt;
    }
}

std::optional<RecordedFiles> read_written_files(const fs::path& file) {
    try {
        auto store = record::Store::open(file, record::Store::Access::read);
        if (!store) return std::nullopt;
        auto view = store->read();
        if (!view) return std::nullopt;
        RecordedFiles out{view->head(), {}, {}};
        out.paths.reserve(view->head().output_files);
        out.files.reserve(view->head().output_files);
        view->for_each_file_state([&](std::string_view path, const write::FileState& state) {
            out.paths.emplace_back(path);
            out.files.push_back({{}, state.size, state.mtime_ns});
            return true;
        });
        // Paths longer than the store's keys may come out of order (record_store.cpp).
        if (!std::is_sorted(out.paths.begin(), out.paths.end())) {
            std::vector<std::size_t> order(out.paths.size());
            for (std::size_t index = 0; index < order.size(); ++index) order[index] = index;
            std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return out.paths[a] < out.paths[b]; });
            RecordedFiles sorted{out.head, {}, {}};
            for (std::size_t index : order) {
                sorted.paths.push_back(std::move(out.paths[index]));
                sorted.files.push_back(out.files[index]);
            }
            out = std::move(sorted);
        }
        // Views only once `paths` no longer moves.
        for (std::size_t index = 0; index < out.paths.size(); ++index) out.files[index].path = out.paths[index];
        return out;
    } catch (const record::Damaged&) {
        return std::nullopt;
    }
}

bool update_schools(const fs::path& file, const record::Head& expected, const SchoolsUpdate& update) {
    try {
        // Only an existing store: opening for writing would create a missing one.
        std::error_code error;
        if (!fs::is_regular_file(file, error)) return false;
        auto store = record::Store::open(file, record::Store::Access::write);
        if (!store) return false;
        {
            auto view = store->read();
            if (!view || view->head().key != expected.key || view->head().written_ns != expected.written_ns)
                return false;
        }
        auto txn = store->write();  // the builds of one folder take turns: nothing came between
        txn.set_head(update.head);
        for (const auto& [slug, entry] : update.schools) {
            if (entry) txn.put_school(slug, *entry);
            else txn.remove_school(slug);
        }
        for (const auto& [path, entry] : update.files) {
            if (entry) txn.put_file(path, *entry);
            else txn.remove_file(path);
        }
        for (const auto& stamp : update.changed_inputs) txn.put_input(stamp);
        for (const auto& path : update.removed_inputs) txn.remove_input(path);
        if (update.tree_lists) txn.replace_tree_lists(update.tree_lists->touched, update.tree_lists->strays);
        return txn.commit();
    } catch (const record::Damaged&) {
        return false;
    }
}

namespace {

template <class Value>
const Value* entry_in(const std::map<std::string, Value>& map, const std::string& key) {
    auto found = map.find(key);
    return found == map.end() ? nullptr : &found->second;
}

record::SchoolEntry school_entry(const BuildRecord& record, const std::string& slug) {
    record::SchoolEntry entry;
    if (auto* hash = entry_in(record.schools, slug)) entry.content = *hash;
    if (auto* hash = entry_in(record.school_external, slug)) entry.external = *hash;
    if (auto* hash = entry_in(record.school_district, slug)) entry.district = *hash;
    if (auto* pages = entry_in(record.school_pages, slug)) entry.pages = *pages;
    return entry;
}

}  // namespace

SchoolsUpdate update_of(const BuildRecord& after, const std::set<std::string>& slugs,
                        const std::set<std::string>& paths, const std::vector<cache::FileStamp>& inputs_before) {
    SchoolsUpdate update;
    update.head = record_head(after);
    for (const auto& slug : slugs) {
        bool kept = after.schools.count(slug) || after.school_external.count(slug) ||
                    after.school_district.count(slug) || after.school_pages.count(slug);
        update.schools[slug] = kept ? std::optional(school_entry(after, slug)) : std::nullopt;
    }
    for (const auto& path : paths) {
        auto state = after.files.find(path);
        if (state == after.files.end()) {
            update.files[path] = std::nullopt;
            continue;
        }
        record::FileEntry entry;
        entry.state = state->second;
        if (auto* owner = entry_in(after.file_owner, path)) entry.owner = *owner;
        if (auto* spans = entry_in(after.fragments, path)) entry.fragments = *spans;
        update.files[path] = std::move(entry);
    }
    std::map<std::string_view, const cache::FileStamp*> before;
    for (const auto& stamp : inputs_before) before.emplace(stamp.path, &stamp);
    for (const auto& stamp : after.inputs) {
        auto found = before.find(stamp.path);
        if (found == before.end() || !(*found->second == stamp)) update.changed_inputs.push_back(stamp);
        if (found != before.end()) before.erase(found);
    }
    for (const auto& [path, stamp] : before) update.removed_inputs.emplace_back(path);
    update.tree_lists = after.tree;
    return update;
}

}  // namespace shnor::pipeline
