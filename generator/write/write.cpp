#include "write/write.hpp"

#include "write/output_tree.hpp"

#include <fstream>
#include <map>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace shnor::write {

namespace fs = std::filesystem;

namespace {

// A relative '/'-separated path that stays inside the output root.
void require_inside_root(const std::string& path) {
    bool bad = path.empty() || path.front() == '/' || path.find('\\') != std::string::npos;
    std::size_t start = 0;
    while (!bad && start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string_view part(path.data() + start, end - start);
        bad = part.empty() || part == "." || part == "..";
        start = end + 1;
    }
    if (bad) throw std::runtime_error("Недопустимый путь выходного файла (должен быть внутри папки сайта): «" + path + "»");
}

// The last entry for each path, in path order.
std::map<std::string, const OutputFile*> final_entries(const std::vector<OutputFile>& files) {
    std::map<std::string, const OutputFile*> entries;
    for (const auto& file : files) {
        require_inside_root(file.path);
        entries[file.path] = &file;
    }
    return entries;
}

}  // namespace

void replace_tree(const fs::path& out_dir, const std::vector<OutputFile>& files) {
    auto entries = final_entries(files);  // throws before anything is touched
    OutputTree tree(out_dir, {}, false);
    for (const auto& [path, file] : entries) {
        if (file->copy_from.empty()) tree.put(path, file->bytes);
        else tree.copy(path, file->copy_from);
    }
    tree.commit();
}

}  // namespace shnor::write
