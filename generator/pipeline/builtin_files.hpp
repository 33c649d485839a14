// The layouts and assets built into shnor. CMake embeds every file of the
// checkout's layouts/ and assets/ in the binary (cmake/embed_files.cmake),
// so one installed file works anywhere its libraries are; the pipeline reads
// them as folders, like a site's own layouts/ and assets/, extracted once
// into the cache folder.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace shnor::pipeline {

struct EmbeddedFile {
    const char* path;  // "layouts/base.mustache", "assets/style.css"
    const unsigned char* data;
    std::size_t size;

    std::string_view bytes() const { return {reinterpret_cast<const char*>(data), size}; }
};

// Every embedded file, by path (the generated builtin_files_data.cpp).
std::span<const EmbeddedFile> embedded_files();

struct BuiltinFolders {
    std::filesystem::path layouts;
    std::filesystem::path assets;
};

// <cache_dir>/builtin-<hash of the embedded files>/layouts and …/assets. The
// folder is used when it holds exactly the embedded files (their bytes, no
// other file, no link); otherwise it is written afresh beside it and renamed
// into place, so no build reads a half-written or altered one, and links are
// replaced, never followed. Throws std::runtime_error (a Russian sentence)
// when the cache folder cannot be written.
BuiltinFolders builtin_folders(const std::filesystem::path& cache_dir);

}  // namespace shnor::pipeline
