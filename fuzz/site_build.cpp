// The whole `shnor build` on a scratch content tree with one fuzzed YAML or
// Markdown file (the first byte picks which): load, derive, view, render and
// write, into a scratch output folder. Besides crashes, a build that fails
// on content the loaders accepted is a finding: the pipeline then reports an
// internal exception against the output folder instead of a file:line of
// the content (issue 14, point 8: invalid UTF-8 reaching the JSON writer).
#include "scratch_content.hpp"

#include "pipeline/pipeline.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace {

constexpr std::array kFiles = {
    // yaml_content's kinds, in its order, then markdown's.
    "site.yaml",          "indicators.yaml",           "documents.yaml",          "results.yaml",
    "roadmaps/r.yaml",    "schools/s/school.yaml",     "schools/s/roadmaps/r.yaml",
    "schools/s/documents.yaml", "schools/s/results.yaml",
    "news/2024-03-01-novost.md",           "pages/stranitsa.md", "programs/programma.md",
    "schools/s/index.md",                  "schools/s/news/2024-03-01-novost.md",
    "schools/s/pages/stranitsa.md",
};

shnor::fuzz::ScratchContent* content = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("SHNOR_THREADS", "1", 1);
    content = new shnor::fuzz::ScratchContent();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto [index, bytes] = shnor::fuzz::pick(data, size, kFiles.size());
    content->put(kFiles[index], bytes);
    shnor::pipeline::BuildOptions options;
    options.content_dir = content->dir();
    options.out_dir = content->dir().parent_path() / "site";
    options.build_date = shnor::model::Date{2024, 6, 1};
    options.full = true;  // every input renders everything, whatever the last one left
    options.sources.cache_dir = content->cache_dir();
    options.sources.offline = true;
    auto report = shnor::pipeline::build_site(options);
    for (const auto& diagnostic : report.diagnostics.items()) {
        if (diagnostic.severity == shnor::model::Severity::error && diagnostic.file == options.out_dir.string()) {
            std::fprintf(stderr, "site_build: content the loaders accepted broke the build: %s\n",
                         diagnostic.format().c_str());
            std::abort();
        }
    }
    return 0;
}
