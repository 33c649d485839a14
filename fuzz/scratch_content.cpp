#include "scratch_content.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace shnor::fuzz {

namespace fs = std::filesystem;

namespace {

// Enough for `shnor check` to report no error: every loader then runs on
// its defaults, and a fuzzed file is the only thing that differs.
const std::map<std::string, std::string>& skeleton() {
    static const std::map<std::string, std::string> files = {
        {"site.yaml",
         "title: Тест\n"
         "base_url: https://example.org/\n"
         "district:\n"
         "  name: Район\n"
         "  region: Область\n"
         "  authority: Управление образования\n"
         "schools:\n"
         "  - s\n"},
        {"schools/s/school.yaml",
         "name: Школа\n"
         "categories:\n"
         "  - type: shnor\n"
         "    year: 2024\n"
         "    reasons: [Низкие результаты]\n"},
    };
    return files;
}

// Folders the targets write into, made once.
const std::vector<std::string>& folders() {
    static const std::vector<std::string> list = {
        "roadmaps", "programs", "news", "pages", "files",
        "schools/s/roadmaps", "schools/s/news", "schools/s/pages", "schools/s/files",
    };
    return list;
}

void write_file(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("fuzz: cannot write " + path.string());
}

}  // namespace

ScratchContent::ScratchContent() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/shnor-fuzz-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("fuzz: mkdtemp failed in " + pattern);
    root_ = pattern;
    dir_ = root_ / "content";
    cache_dir_ = root_ / "cache";
    for (const auto& folder : folders()) fs::create_directories(dir_ / folder);
    fs::create_directories(cache_dir_);
    for (const auto& [relative, text] : skeleton()) write_file(dir_ / relative, text);
    originals_ = skeleton();
}

ScratchContent::~ScratchContent() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
}

void ScratchContent::restore() {
    if (changed_.empty()) return;
    auto original = originals_.find(changed_);
    if (original != originals_.end()) write_file(dir_ / changed_, original->second);
    else fs::remove(dir_ / changed_);
    changed_.clear();
}

void ScratchContent::put(const std::string& relative, std::string_view bytes) {
    restore();
    write_file(dir_ / relative, bytes);
    changed_ = relative;
}

Pick pick(const std::uint8_t* data, std::size_t size, std::size_t choices) {
    if (size == 0) return {0, {}};
    return {data[0] % choices, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)};
}

}  // namespace shnor::fuzz
