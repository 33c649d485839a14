// A file of the cache or the build record, replaced whole: written under a
// temporary name beside it and renamed, so a reader sees the old bytes or
// the new ones, never half of them.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace shnor::write {

// The concatenation of `parts` becomes the file at `path` (its folder is
// made when missing). False, with nothing left behind, when it cannot be.
bool replace_file(const std::filesystem::path& path, const std::vector<std::string_view>& parts);

// Writes all of `bytes` to `fd` in slices of at most 1 MB. False on an I/O error.
bool write_in_slices(int fd, std::string_view bytes);

}  // namespace shnor::write
