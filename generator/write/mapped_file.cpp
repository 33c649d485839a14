#include "write/mapped_file.hpp"

#include "write/output_tree.hpp"

#ifdef _WIN32
#include "write/files_windows.hpp"

#include <unistd.h>
#else
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace shnor::write {

namespace {

// An empty file cannot be mapped; it is read as this.
char empty_file[1] = {};

}  // namespace

#ifdef _WIN32
// As below, with a view of a file mapping (write/files_windows.hpp); a folder
// is refused by open_for_reading().
std::optional<MappedFile> MappedFile::open(const std::filesystem::path& path) {
    int fd = windows::open_for_reading(path);
    if (fd < 0) return std::nullopt;
    std::uint64_t size = 0;
    if (!windows::size_of(fd, size) || size > SIZE_MAX) {
        ::close(fd);
        return std::nullopt;
    }
    if (size == 0) {
        ::close(fd);
        return MappedFile(empty_file, 0);
    }
    const void* mapping = windows::map_read_only(fd, static_cast<std::size_t>(size));
    ::close(fd);
    if (!mapping) return std::nullopt;
    return MappedFile(const_cast<void*>(mapping), static_cast<std::size_t>(size));
}
#else
std::optional<MappedFile> MappedFile::open(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return std::nullopt;
    }
    auto size = static_cast<std::size_t>(info.st_size);
    if (size == 0) {
        ::close(fd);
        return MappedFile(empty_file, 0);
    }
    // Populated at once: page by page, faults cost more than the reading.
    void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (mapping == MAP_FAILED) return std::nullopt;
    return MappedFile(mapping, size);
}
#endif

MappedFile::MappedFile(MappedFile&& other) noexcept : mapping_(other.mapping_), size_(other.size_) {
    other.mapping_ = nullptr;
}

MappedFile::~MappedFile() {
#ifdef _WIN32
    if (mapping_ && mapping_ != empty_file) windows::unmap(mapping_);
#else
    if (mapping_ && mapping_ != empty_file) ::munmap(mapping_, size_);
#endif
}

std::optional<MappedFile> map_if_unchanged(const std::filesystem::path& path, const ContentHash& hash) {
    auto file = MappedFile::open(path);
    if (!file || hash_of(file->bytes()) != hash) return std::nullopt;
    return file;
}

}  // namespace shnor::write
