// write: a file of the output as the stages hand it over (output_tree.hpp
// writes them; output_folder.hpp guards the folder).
#pragma once

#include <filesystem>
#include <string>

namespace shnor::write {

struct OutputFile {
    std::string path;  // relative to the output root, '/' separated
    std::string bytes;                  // used when `copy_from` is empty
    std::filesystem::path copy_from;    // a file copied unchanged
};

}  // namespace shnor::write
