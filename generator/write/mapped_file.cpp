#include "write/mapped_file.hpp"

#include "write/output_tree.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shnor::write {

namespace {

// An empty file cannot be mapped; it is read as this.
char empty_file[1] = {};

}  // namespace

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

MappedFile::MappedFile(MappedFile&& other) noexcept : mapping_(other.mapping_), size_(other.size_) {
    other.mapping_ = nullptr;
}

MappedFile::~MappedFile() {
    if (mapping_ && mapping_ != empty_file) ::munmap(mapping_, size_);
}

std::optional<MappedFile> map_if_unchanged(const std::filesystem::path& path, const ContentHash& hash) {
    auto file = MappedFile::open(path);
    if (!file || hash_of(file->bytes()) != hash) return std::nullopt;
    return file;
}

}  // namespace shnor::write
