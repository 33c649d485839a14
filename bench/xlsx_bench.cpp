// What the open data's workbooks cost: each data/<name>.csv of a built site
// read again and made into its .xlsx (pipeline::WorkbookFromCsv), as a build
// does while it writes the CSV:
//   python3 bench/generate.py 2000 /tmp/shnor-bench/n2000
//   ./build/shnor build --content /tmp/shnor-bench/n2000/content --out /tmp/n2000-site --date 2024-11-01
//   cmake --build build --target shnor_xlsx_bench
//   ./build/shnor_xlsx_bench /tmp/n2000-site /tmp/xlsx-bench-scratch
#include "pipeline/open_data_xlsx.hpp"
#include "view/view.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace shnor;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s BUILT_SITE SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    std::filesystem::create_directories(argv[2]);
    double total = 0;
    for (const std::string name : {"schools", "roadmaps", "indicators", "results", "documents"}) {
        std::string csv_path = "data/" + name + ".csv";
        std::ifstream in(std::filesystem::path(argv[1]) / csv_path, std::ios::binary);
        std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto sheet = view::spreadsheet_of(csv_path);
        auto start = Clock::now();
        pipeline::WorkbookFromCsv workbook(*sheet, std::filesystem::path(argv[2]) / ".scratch", {2024, 11, 1});
        constexpr std::size_t kChunk = 256 * 1024;  // as view/open_data.cpp hands them over
        for (std::size_t at = 0; at < csv.size(); at += kChunk) workbook.append(std::string_view(csv).substr(at, kChunk));
        std::string bytes = workbook.finish();
        double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        total += seconds;
        std::ofstream(std::filesystem::path(argv[2]) / (name + ".xlsx"), std::ios::binary) << bytes;  // to compare
        // Made again with every chunk taken from the first (a build that
        // patched a CSV elsewhere than in these rows does about this).
        pipeline::EarlierWorkbook earlier{bytes, workbook.chunks()};
        auto again_start = Clock::now();
        pipeline::WorkbookFromCsv again(*sheet, std::filesystem::path(argv[2]) / ".scratch", {2024, 11, 1}, &earlier);
        for (std::size_t at = 0; at < csv.size(); at += kChunk) again.append(std::string_view(csv).substr(at, kChunk));
        bool same = again.finish() == bytes;
        std::printf("%-10s again from its %zu chunks: %.3f s%s\n", name.c_str(), again.reused(),
                    std::chrono::duration<double>(Clock::now() - again_start).count(), same ? "" : " (DIFFERENT BYTES)");
        std::printf("%-10s csv %8.1f MB -> xlsx %7.1f MB: %.3f s\n", name.c_str(), csv.size() / 1e6, bytes.size() / 1e6,
                    seconds);
    }
    std::printf("all workbooks: %.3f s\n", total);
}
