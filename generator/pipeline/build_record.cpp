#include "pipeline/build_record.hpp"

#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>

#include <sys/stat.h>
#include <unistd.h>

namespace shnor::pipeline {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "shnor-build-record 2";

bool parse_hash(std::string_view hex, cache::Hash128& out) {
    write::ContentHash parsed;
    if (!write::ContentHash::parse(hex, parsed)) return false;
    out = {parsed.low, parsed.high};
    return true;
}

std::string hex_of(const cache::Hash128& hash) { return hash.hex(); }

// Splits off the first space-separated word of `line`.
std::string_view word(std::string_view& line) {
    auto space = line.find(' ');
    std::string_view first = line.substr(0, space);
    line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
    return first;
}

template <class Number>
bool number(std::string_view text, Number& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

bool read_line(BuildRecord& record, std::string_view line) {
    std::string_view tag = word(line);
    if (tag == "file") {
        std::string_view owner = word(line), hash = word(line);
        write::ContentHash parsed;
        if (!write::ContentHash::parse(hash, parsed)) return false;
        std::string path(line);
        record.file_owner[path] = owner == "-" ? std::string() : std::string(owner);
        record.files[path] = parsed;
        return true;
    }
    if (tag == "input") {
        cache::FileStamp stamp;
        if (!number(word(line), stamp.size) || !number(word(line), stamp.mtime_ns)) return false;
        stamp.path = std::string(line);
        record.inputs.push_back(std::move(stamp));
        return true;
    }
    if (tag == "page") {
        std::string slug(word(line));
        record.school_pages[slug].emplace_back(line);
        return true;
    }
    if (tag == "school") {
        std::string slug(word(line));
        return parse_hash(line, record.schools[slug]);
    }
    if (tag == "external") {
        std::string slug(word(line));
        return parse_hash(line, record.school_external[slug]);
    }
    if (tag == "key") return record.key = std::string(line), true;
    if (tag == "out") return number(word(line), record.out_device) && number(line, record.out_inode);
    if (tag == "written") return number(line, record.written_ns);
    if (tag == "volatile") return record.volatile_sources = line == "1", true;
    if (tag == "global") return parse_hash(line, record.global);
    return false;
}

}  // namespace

fs::path record_path(const fs::path& cache_dir, const fs::path& out_dir) {
    fs::path target = fs::absolute(out_dir).lexically_normal();
    if (target.filename().empty()) target = target.parent_path();
    auto hash = cache::hash_bytes(target.string());
    return cache_dir / "builds" / (hash.hex().substr(0, 16) + ".record");
}

std::optional<BuildRecord> read_record(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = std::move(buffer).str();
    std::string_view rest(text);
    if (!rest.starts_with(kMagic) || !text.ends_with("end\n")) return std::nullopt;
    BuildRecord record;
    rest.remove_prefix(rest.find('\n') + 1);
    while (!rest.empty()) {
        auto end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest.remove_prefix(end + 1);
        if (line == "end") break;
        if (!read_line(record, line)) return std::nullopt;
    }
    return record;
}

void write_record(const fs::path& path, const BuildRecord& record) {
    std::string out(kMagic);
    out += "\nkey " + record.key + "\nout " + std::to_string(record.out_device) + " " +
           std::to_string(record.out_inode) + "\nwritten " + std::to_string(record.written_ns) + "\nvolatile " +
           (record.volatile_sources ? "1" : "0") + "\nglobal " + hex_of(record.global) + "\n";
    for (const auto& stamp : record.inputs)
        out += "input " + std::to_string(stamp.size) + " " + std::to_string(stamp.mtime_ns) + " " + stamp.path + "\n";
    for (const auto& [slug, hash] : record.schools) out += "school " + slug + " " + hex_of(hash) + "\n";
    for (const auto& [slug, hash] : record.school_external) out += "external " + slug + " " + hex_of(hash) + "\n";
    for (const auto& [slug, pages] : record.school_pages)
        for (const auto& page : pages) out += "page " + slug + " " + page + "\n";
    for (const auto& [path, hash] : record.files) {
        auto owner = record.file_owner.find(path);
        std::string slug = owner == record.file_owner.end() || owner->second.empty() ? "-" : owner->second;
        out += "file " + slug + " " + hash.hex() + " " + path + "\n";
    }
    out += "end\n";
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    fs::path temporary = path;
    temporary += ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file.write(out.data(), static_cast<std::streamsize>(out.size()));
        if (!file) {
            fs::remove(temporary, error);
            return;
        }
    }
    fs::rename(temporary, path, error);
}

void remove_record(const fs::path& path) {
    std::error_code ignored;
    fs::remove(path, ignored);
}

std::pair<std::uint64_t, std::uint64_t> folder_identity(const fs::path& folder) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) != 0) return {0, 0};
    return {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
}

}  // namespace shnor::pipeline
