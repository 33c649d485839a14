// YAML content files through `shnor check`'s real path: load_site (every
// loader and the reference check), offline shared sources, derive and the
// roadmap checks. The first byte picks which file the rest replaces.
#include "scratch_content.hpp"

#include "check/check.hpp"
#include "model/date.hpp"

#include <array>
#include <cstdlib>

namespace {

constexpr std::array kFiles = {
    "site.yaml",          "indicators.yaml",           "documents.yaml",          "results.yaml",
    "roadmaps/r.yaml",    "schools/s/school.yaml",     "schools/s/roadmaps/r.yaml",
    "schools/s/documents.yaml", "schools/s/results.yaml",
};

shnor::fuzz::ScratchContent* content = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("SHNOR_THREADS", "1", 1);  // one school: threads would only add noise
    content = new shnor::fuzz::ScratchContent();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto [index, bytes] = shnor::fuzz::pick(data, size, kFiles.size());
    content->put(kFiles[index], bytes);
    shnor::pipeline::SourceOptions sources;
    sources.cache_dir = content->cache_dir();
    sources.offline = true;  // a fuzzed `sources:` must never reach the network
    shnor::check::check_site(content->dir(), shnor::model::Date{2024, 6, 1}, sources);
    return 0;
}
