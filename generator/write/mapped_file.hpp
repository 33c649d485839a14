// A file of the output (or the cache) read through a read-only mapping of
// the page cache's own pages. Fresh memory is costly to touch on the
// machines we run on (a page fault each 4 KB), so a build that patches a
// 58 MB file or reads a record maps it instead of copying it into a buffer.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

namespace shnor::write {

struct ContentHash;

class MappedFile {
public:
    // nullopt when the file cannot be opened or mapped.
    static std::optional<MappedFile> open(const std::filesystem::path& path);
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&&) = delete;
    MappedFile(const MappedFile&) = delete;
    ~MappedFile();

    std::string_view bytes() const { return {static_cast<const char*>(mapping_), size_}; }

private:
    MappedFile(void* mapping, std::size_t size) : mapping_(mapping), size_(size) {}
    void* mapping_;
    std::size_t size_;
};

// A file of a previous build, when it still has the bytes of `hash` (a build
// that patches files must start from what its record describes).
std::optional<MappedFile> map_if_unchanged(const std::filesystem::path& path, const ContentHash& hash);

}  // namespace shnor::write
