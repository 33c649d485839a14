// A content folder for the fuzz targets whose loaders read files: a minimal
// valid district with one school (`s`), in a temporary folder. A target puts
// the fuzzed bytes into one file of it, runs the real loaders, and the file
// goes back to what it was, so every input is run on the same tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::fuzz {

class ScratchContent {
public:
    ScratchContent();
    ~ScratchContent();
    ScratchContent(const ScratchContent&) = delete;
    ScratchContent& operator=(const ScratchContent&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    // Outside the content folder: for --cache, which must never be inside it.
    const std::filesystem::path& cache_dir() const { return cache_dir_; }

    // Writes `bytes` to `relative` (a file of the tree or a new one in one of
    // its folders) until the next call or destruction.
    void put(const std::string& relative, std::string_view bytes);

private:
    void restore();

    std::filesystem::path root_, dir_, cache_dir_;
    std::map<std::string, std::string> originals_;
    std::string changed_;
};

// The first input byte picks one of `choices`; the rest is the file's bytes.
// Seed files start with the byte that picks their role (fuzz/make_corpus.py).
struct Pick {
    std::size_t index;
    std::string_view rest;
};
Pick pick(const std::uint8_t* data, std::size_t size, std::size_t choices);

}  // namespace shnor::fuzz
