// Markdown files with YAML front matter (news, pages, programmes, a school's
// index.md) through load_site and `shnor check`, then every body through
// render::markdown_to_html, as the pages get them. The first byte picks the file.
#include "scratch_content.hpp"

#include "check/check.hpp"
#include "load/load.hpp"
#include "model/date.hpp"
#include "render/markdown.hpp"

#include <array>
#include <cstdlib>

namespace {

constexpr std::array kFiles = {
    "news/2024-03-01-novost.md",           "pages/stranitsa.md", "programs/programma.md",
    "schools/s/index.md",                  "schools/s/news/2024-03-01-novost.md",
    "schools/s/pages/stranitsa.md",
};

shnor::fuzz::ScratchContent* content = nullptr;

void render_bodies(const shnor::model::Publications& publications) {
    for (const auto& news : publications.news) shnor::render::markdown_to_html(news.body);
    for (const auto& page : publications.pages) shnor::render::markdown_to_html(page.body);
    for (const auto& program : publications.programs) shnor::render::markdown_to_html(program.body);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("SHNOR_THREADS", "1", 1);
    content = new shnor::fuzz::ScratchContent();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto [index, bytes] = shnor::fuzz::pick(data, size, kFiles.size());
    content->put(kFiles[index], bytes);
    auto loaded = shnor::load::load_site(content->dir());
    render_bodies(loaded.site.district);
    for (const auto& school : loaded.site.schools) {
        render_bodies(school.own);
        shnor::render::markdown_to_html(school.intro);
    }
    shnor::pipeline::SourceOptions sources;
    sources.cache_dir = content->cache_dir();
    sources.offline = true;
    shnor::check::check_site(content->dir(), shnor::model::Date{2024, 6, 1}, sources);
    return 0;
}
