// Times the school cache against YAML loading on a bench district:
//   cmake --build build --target shnor_cache_bench
//   ./build/shnor_cache_bench /tmp/shnor-bench/n2000/content
// Prints load time, serialize/deserialize throughput, blob sizes and the
// time to stamp every school folder (what an incremental build pays first).
#include "cache/fingerprint.hpp"
#include "cache/serialize.hpp"
#include "derive/derive.hpp"
#include "load/load.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

using namespace shnor;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double mb_per_s(std::size_t bytes, double seconds) { return bytes / 1e6 / seconds; }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CONTENT_DIR\n", argv[0]);
        return 2;
    }
    const std::filesystem::path content = argv[1];

    auto start = Clock::now();
    auto loaded = load::load_site(content);
    double load_seconds = seconds_since(start);
    derive::derive_site(loaded.site, {2024, 11, 1});
    const auto& schools = loaded.site.schools;
    std::printf("load_site: %zu schools, %zu diagnostics, %.2f s (%.2f ms/school)\n", schools.size(),
                loaded.diagnostics.items().size(), load_seconds, 1e3 * load_seconds / schools.size());

    constexpr int kRounds = 5;
    std::vector<std::string> blobs(schools.size());
    std::size_t total_bytes = 0;
    double best_serialize = 1e9, best_deserialize = 1e9;
    for (int round = 0; round < kRounds; ++round) {
        start = Clock::now();
        for (std::size_t i = 0; i < schools.size(); ++i) blobs[i] = cache::serialize_school(schools[i]);
        best_serialize = std::min(best_serialize, seconds_since(start));

        start = Clock::now();
        for (const auto& blob : blobs) {
            model::School school;
            if (!cache::deserialize_school(blob, school)) {
                std::fprintf(stderr, "round trip failed\n");
                return 1;
            }
        }
        best_deserialize = std::min(best_deserialize, seconds_since(start));
    }
    std::vector<std::size_t> sizes;
    for (const auto& blob : blobs) sizes.push_back(blob.size());
    for (auto size : sizes) total_bytes += size;
    std::sort(sizes.begin(), sizes.end());
    std::printf("blobs: %.1f MB total, per school mean %.1f KB, min %.1f KB, median %.1f KB, max %.1f KB\n",
                total_bytes / 1e6, total_bytes / 1e3 / sizes.size(), sizes.front() / 1e3,
                sizes[sizes.size() / 2] / 1e3, sizes.back() / 1e3);
    std::printf("serialize:   %.3f s, %.0f MB/s (best of %d)\n", best_serialize,
                mb_per_s(total_bytes, best_serialize), kRounds);
    std::printf("deserialize: %.3f s, %.0f MB/s (best of %d)\n", best_deserialize,
                mb_per_s(total_bytes, best_deserialize), kRounds);

    start = Clock::now();
    std::size_t files = 0, content_bytes = 0;
    for (const auto& school : schools) {
        auto stamps = cache::stamp_tree(content / "schools" / school.slug);
        files += stamps.size();
        for (const auto& stamp : stamps) content_bytes += stamp.size;
        (void)cache::fingerprint(stamps);
    }
    std::printf("stamp_tree + fingerprint of every school folder: %zu files (%.1f MB), %.3f s\n", files,
                content_bytes / 1e6, seconds_since(start));

    start = Clock::now();
    std::size_t hashed = 0;
    for (const auto& blob : blobs) hashed += cache::hash_bytes(blob).low & 1;
    std::printf("hash_bytes over all blobs: %.0f MB/s\n", mb_per_s(total_bytes, seconds_since(start)));
    return hashed > schools.size() ? 1 : 0;
}
