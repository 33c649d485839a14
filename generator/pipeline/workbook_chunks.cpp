#include "pipeline/workbook_chunks.hpp"

#include "platform/utf8_path.hpp"
#include "write/atomic_file.hpp"

#include <xxhash.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

namespace shnor::pipeline {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMagic = "shnor-workbook-chunks 1";

// "data/roadmaps.xlsx" → "data-roadmaps.xlsx-": one list per workbook path.
std::string prefix_of(const std::string& path) {
    std::string prefix = path;
    for (char& c : prefix)
        if (c == '/') c = '-';
    return prefix + "-";
}

fs::path list_path(const fs::path& folder, const std::string& path, const write::ContentHash& workbook) {
    return folder / platform::path_from_utf8(prefix_of(path) + workbook.hex() + ".chunks");
}

std::string checksum_of(std::string_view text) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016" PRIx64, static_cast<std::uint64_t>(XXH3_64bits(text.data(), text.size())));
    return hex;
}

}  // namespace

fs::path workbook_chunks_folder(const fs::path& cache_dir) { return cache_dir / "workbooks"; }

std::optional<std::vector<render::XlsxChunk>> read_workbook_chunks(const fs::path& folder, const std::string& path,
                                                                   const write::ContentHash& workbook) {
    std::ifstream in(list_path(folder, path, workbook), std::ios::binary);
    if (!in) return std::nullopt;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The last line is "end <checksum of every line before it>".
    std::size_t last = text.rfind("end ");
    if (last == std::string::npos || text.size() != last + 4 + 16 + 1 || text.back() != '\n' ||
        text.compare(last + 4, 16, checksum_of(std::string_view(text).substr(0, last))) != 0)
        return std::nullopt;
    std::istringstream lines(text.substr(0, last));
    std::string magic, hash;
    if (!std::getline(lines, magic) || magic != std::string(kMagic) + " " + path + " " + workbook.hex())
        return std::nullopt;
    std::vector<render::XlsxChunk> chunks;
    render::XlsxChunk chunk;
    while (lines >> chunk.key >> chunk.rows >> chunk.last_row >> chunk.xml_size >> chunk.crc >> chunk.offset >>
           chunk.length)
        chunks.push_back(chunk);
    if (!lines.eof()) return std::nullopt;
    return chunks;
}

void write_workbook_chunks(const fs::path& folder, const std::string& path, const write::ContentHash& workbook,
                           const std::vector<render::XlsxChunk>& chunks) {
    std::string text = std::string(kMagic) + " " + path + " " + workbook.hex() + "\n";
    for (const auto& chunk : chunks)
        text += std::to_string(chunk.key) + " " + std::to_string(chunk.rows) + " " + std::to_string(chunk.last_row) +
                " " + std::to_string(chunk.xml_size) + " " + std::to_string(chunk.crc) + " " +
                std::to_string(chunk.offset) + " " + std::to_string(chunk.length) + "\n";
    std::string end = "end " + checksum_of(text) + "\n";
    fs::path kept = list_path(folder, path, workbook);
    if (!write::replace_file(kept, {text, end})) return;
    // Only the newest list of a path is kept (another output folder sharing
    // the cache may lose its own: that costs its next build time only).
    std::error_code error;
    std::string prefix = prefix_of(path);
    for (fs::directory_iterator entry(folder, error), end_entry; !error && entry != end_entry; entry.increment(error)) {
        std::string name = entry->path().filename().string();
        if (name.starts_with(prefix) && name.ends_with(".chunks") && entry->path() != kept) {
            std::error_code ignored;
            fs::remove(entry->path(), ignored);
        }
    }
}

}  // namespace shnor::pipeline
