// write: the output tree, replaced atomically. Either the whole new site is
// in place or the previous one is left untouched.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace shnor::write {

struct OutputFile {
    std::string path;  // relative to the output root, '/' separated
    std::string bytes;                  // used when `copy_from` is empty
    std::filesystem::path copy_from;    // a file copied unchanged
};

// Writes every file into a fresh folder beside `out_dir`, then swaps it in
// with renames. Throws std::runtime_error (and leaves `out_dir` as it was)
// on any I/O failure or on a path that escapes the root.
void replace_tree(const std::filesystem::path& out_dir, const std::vector<OutputFile>& files);

}  // namespace shnor::write
