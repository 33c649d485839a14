// Time of the output check of a "nothing changed" build: OutputFolder::altered()
// over every file of a built site (one stat per file, size and mtime compared).
//   cmake --build build --target shnor_altered_bench
//   ./build/shnor_altered_bench /tmp/shnor-bench/n2000/out-shnor [rounds]
// The folder must be a site shnor built (it takes the folder's lock, as a
// build would). Prints the median and the spread of `rounds` checks.
#include "write/output_folder.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>

using namespace shnor;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SITE_DIR [rounds]\n", argv[0]);
        return 2;
    }
    const fs::path site = argv[1];
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 21;
    std::vector<std::string> paths;
    for (const auto& entry : fs::recursive_directory_iterator(site))
        if (entry.is_regular_file()) paths.push_back(fs::relative(entry.path(), site).generic_string());
    std::sort(paths.begin(), paths.end());
    std::vector<write::WrittenFile> files;
    files.reserve(paths.size());
    for (const auto& path : paths) {
        struct stat info {};
        if (::lstat((site / path).c_str(), &info) != 0) continue;
        files.push_back({path, static_cast<std::uint64_t>(info.st_size),
                         static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec});
    }
    auto folder = write::OutputFolder::open(site, {});
    std::vector<double> seconds;
    std::size_t altered = 0;
    for (int round = 0; round < rounds; ++round) {
        auto start = std::chrono::steady_clock::now();
        altered = folder.altered(files).size();
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    std::printf("%zu files, %zu altered; altered(): median %.4f s, min %.4f s, max %.4f s over %d rounds\n",
                files.size(), altered, seconds[seconds.size() / 2], seconds.front(), seconds.back(), rounds);
}
