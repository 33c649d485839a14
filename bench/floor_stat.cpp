// The machine's floor for a build that trusts nothing: one statx of every
// file of a folder, as the output check (every file shnor wrote) and the
// stamps (every content file) need at the least. Nothing of shnor is run:
// the file list is made first (untimed), then each round stats every file
// by its path from the folder (as OutputFolder::altered does) on 1 and on 2
// threads, and prints the medians.
//   cmake --build build --target shnor_floor_stat
//   ./build/shnor_floor_stat /tmp/shnor-bench/n2000/out-shnor /tmp/shnor-bench/n2000/content [rounds]
// Each folder is also timed listed and stat'ed folder by folder (open,
// getdents, statx by name), as the stamps find the content's files. A
// floor for "nothing changed" is the output's stat plus the content's
// list+stat (the two share the machine's cores).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_under(const fs::path& folder) {
    std::vector<std::string> paths;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.symlink_status().type() == fs::file_type::regular)
            paths.push_back(fs::relative(entry.path(), folder).generic_string());
    std::sort(paths.begin(), paths.end());
    return paths;
}

// Seconds to statx every path (relative to `root`) on `threads` threads,
// each taking slices of 2048 paths in turn, as the output check does.
double stat_all(int root, const std::vector<std::string>& paths, unsigned threads, std::size_t& missing) {
    constexpr std::size_t kSlice = 2048;
    std::atomic<std::size_t> next{0}, failed{0};
    auto work = [&] {
        for (std::size_t slice = next++; slice * kSlice < paths.size(); slice = next++)
            for (std::size_t i = slice * kSlice; i < std::min(paths.size(), (slice + 1) * kSlice); ++i) {
                struct statx info {};
                if (::statx(root, paths[i].c_str(), AT_SYMLINK_NOFOLLOW, STATX_SIZE | STATX_MTIME, &info) != 0)
                    ++failed;
            }
    };
    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> helpers;
    for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
    for (auto& helper : helpers) helper.join();
    missing = failed;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::vector<std::string> folders_under(const fs::path& folder) {
    std::vector<std::string> paths{"."};
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.symlink_status().type() == fs::file_type::directory)
            paths.push_back(fs::relative(entry.path(), folder).generic_string());
    std::sort(paths.begin(), paths.end());
    return paths;
}

// Seconds to list every folder (open, getdents) and statx each file in it
// by name from the folder: what finding the files costs beside their stat
// (the stamps must list the content, new files included).
double list_and_stat_all(int root, const std::vector<std::string>& folders, unsigned threads) {
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i = next++; i < folders.size(); i = next++) {
            int fd = ::openat(root, folders[i].c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) continue;
            DIR* dir = ::fdopendir(fd);
            if (!dir) {
                ::close(fd);
                continue;
            }
            while (const dirent* entry = ::readdir(dir)) {
                if (entry->d_type != DT_REG) continue;
                struct statx info {};
                ::statx(fd, entry->d_name, AT_SYMLINK_NOFOLLOW, STATX_SIZE | STATX_MTIME, &info);
            }
            ::closedir(dir);
        }
    };
    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> helpers;
    for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
    for (auto& helper : helpers) helper.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FOLDER [FOLDER …] [rounds]\n", argv[0]);
        return 2;
    }
    int rounds = 5;
    std::vector<fs::path> folders;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (i == argc - 1 && !arg.empty() && std::all_of(arg.begin(), arg.end(), ::isdigit))
            rounds = std::max(1, std::atoi(arg.c_str()));
        else
            folders.emplace_back(arg);
    }
    std::printf("%-40s %8s %12s %12s %14s %14s\n", "folder", "files", "stat 1 thr s", "stat 2 thr s",
                "list+stat 1 s", "list+stat 2 s");
    std::vector<double> sum1(rounds, 0.0), sum2(rounds, 0.0);
    std::size_t total = 0;
    for (const auto& folder : folders) {
        auto paths = files_under(folder);
        total += paths.size();
        int root = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root < 0) {
            std::fprintf(stderr, "cannot open %s\n", folder.c_str());
            return 1;
        }
        auto subfolders = folders_under(folder);
        std::vector<double> one, two, listed_one, listed_two;
        std::size_t missing = 0;
        for (int round = 0; round < rounds; ++round) {  // 1 and 2 threads alternate
            one.push_back(stat_all(root, paths, 1, missing));
            two.push_back(stat_all(root, paths, 2, missing));
            listed_one.push_back(list_and_stat_all(root, subfolders, 1));
            listed_two.push_back(list_and_stat_all(root, subfolders, 2));
            sum1[round] += one.back();
            sum2[round] += two.back();
        }
        ::close(root);
        std::printf("%-40s %8zu %12.3f %12.3f %14.3f %14.3f%s\n", folder.c_str(), paths.size(), median(one),
                    median(two), median(listed_one), median(listed_two), missing ? "  (some files vanished)" : "");
    }
    if (folders.size() > 1)
        std::printf("%-40s %8zu %12.3f %12.3f\n", "all, one after the other", total, median(sum1), median(sum2));
    std::printf("medians of %d rounds\n", rounds);
    return 0;
}
