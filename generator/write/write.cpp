#include "write/write.hpp"

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

void write_bytes(const fs::path& target, const std::string& bytes) {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw std::runtime_error("Не удалось записать файл " + target.string());
}

void write_entry(const fs::path& root, const OutputFile& file) {
    fs::path target = root / fs::path(file.path);
    fs::create_directories(target.parent_path());
    if (file.copy_from.empty()) {
        write_bytes(target, file.bytes);
        return;
    }
    std::error_code error;
    fs::copy_file(file.copy_from, target, fs::copy_options::overwrite_existing, error);
    if (error)
        throw std::runtime_error("Не удалось скопировать " + file.copy_from.string() + " в " + target.string() + ": " +
                                 error.message());
}

// Removes a folder of ours, never throwing: used while another error is already on its way.
void remove_quietly(const fs::path& folder) {
    std::error_code ignored;
    fs::remove_all(folder, ignored);
}

fs::path normalized(const fs::path& out_dir) {
    fs::path path = fs::absolute(out_dir).lexically_normal();
    if (path.filename().empty()) path = path.parent_path();  // "site/" → "site"
    return path;
}

void swap_in(const fs::path& fresh, const fs::path& out_dir, const fs::path& backup) {
    bool had_old = fs::exists(fs::symlink_status(out_dir));
    if (had_old) fs::rename(out_dir, backup);
    std::error_code error;
    fs::rename(fresh, out_dir, error);
    if (error) {
        if (had_old) fs::rename(backup, out_dir, error);
        throw std::runtime_error("Не удалось заменить папку " + out_dir.string() + ": " + error.message());
    }
    if (had_old) remove_quietly(backup);
}

}  // namespace

void replace_tree(const fs::path& out_dir, const std::vector<OutputFile>& files) {
    auto entries = final_entries(files);  // throws before anything is touched

    fs::path target = normalized(out_dir);
    if (target.filename().empty() || target == target.root_path())
        throw std::runtime_error("Недопустимая папка сайта: " + out_dir.string());
    fs::path parent = target.parent_path();
    std::string suffix = std::to_string(::getpid());
    fs::path fresh = parent / ("." + target.filename().string() + ".tmp-" + suffix);
    fs::path backup = parent / ("." + target.filename().string() + ".old-" + suffix);

    try {
        fs::create_directories(parent);
        remove_quietly(fresh);  // left over from an interrupted build with the same pid
        remove_quietly(backup);
        fs::create_directory(fresh);
        for (const auto& [path, file] : entries) write_entry(fresh, *file);
    } catch (const fs::filesystem_error& failure) {
        remove_quietly(fresh);
        throw std::runtime_error(std::string("Ошибка записи сайта: ") + failure.what());
    } catch (...) {
        remove_quietly(fresh);
        throw;
    }

    try {
        swap_in(fresh, target, backup);
    } catch (const fs::filesystem_error& failure) {
        remove_quietly(fresh);
        throw std::runtime_error(std::string("Ошибка записи сайта: ") + failure.what());
    } catch (...) {
        remove_quietly(fresh);
        throw;
    }
}

}  // namespace shnor::write
