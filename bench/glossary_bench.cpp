// Cost of the glossary on a bench district: the pass that expands the first
// use of each abbreviation (render::Glossary::expand_first_uses) over every
// HTML page of a built site, and the scan of the content for the glossary
// page (view::detail::terms_used):
//   cmake --build build --target shnor_glossary_bench
//   ./build/shnor build --content /tmp/shnor-bench/n2000/content --out OUT --date 2024-11-01
//   ./build/shnor_glossary_bench /tmp/shnor-bench/n2000/content OUT
// Single-threaded times; a build spreads the pass over its page tasks.
#include "derive/derive.hpp"
#include "load/load.hpp"
#include "render/glossary.hpp"
#include "view/glossary_page.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace shnor;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s CONTENT SITE\n", argv[0]);
        return 2;
    }
    auto loaded = load::load_site(argv[1]);
    render::Glossary glossary(loaded.site.config.glossary);

    auto started = Clock::now();
    auto used = view::detail::terms_used(loaded.site, glossary, nullptr);
    double scan_s = std::chrono::duration<double>(Clock::now() - started).count();
    std::size_t used_count = 0;
    for (bool term : used) used_count += term;

    std::size_t pages = 0, bytes = 0, grown = 0;
    double pass_s = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[2])) {
        if (!entry.is_regular_file() || entry.path().extension() != ".html") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        std::string html = buffer.str();
        auto start = Clock::now();
        std::string out = glossary.expand_first_uses(html);
        pass_s += std::chrono::duration<double>(Clock::now() - start).count();
        ++pages;
        bytes += html.size();
        grown += out.size() - html.size();
    }
    std::printf("terms_used: %zu schools, %zu of %zu terms used, %.3f s\n", loaded.site.schools.size(), used_count,
                glossary.terms().size(), scan_s);
    std::printf("expand_first_uses: %zu pages, %.1f MB, %.3f s (%.0f MB/s), %zu bytes added\n", pages, bytes / 1e6,
                pass_s, bytes / 1e6 / pass_s, grown);
    return 0;
}
