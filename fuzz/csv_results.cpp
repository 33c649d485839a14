// Results tables in CSV as Excel writes them: as a fetched `results` source
// (parse_shared_results: encodings, separators, scoped rows) and as a
// school's results.csv (load_site), then the rows as the results page uses
// them: derive::SiteResults and its groups, verdicts and SVG line charts.
#include "scratch_content.hpp"

#include "derive/results.hpp"
#include "load/load.hpp"
#include "pipeline/sources.hpp"
#include "view/results_view.hpp"

#include <cstdlib>
#include <string>

namespace {
shnor::fuzz::ScratchContent* content = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("SHNOR_THREADS", "1", 1);
    content = new shnor::fuzz::ScratchContent();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    shnor::model::Diagnostics diagnostics;
    auto shared = shnor::load::parse_shared_results(bytes, "csv", "https://example.org/results.csv", diagnostics);

    content->put("schools/s/results.csv", bytes);
    auto loaded = shnor::load::load_site(content->dir());
    // The build stops at load errors; only a clean model reaches the pages.
    if (loaded.diagnostics.has_errors()) return 0;
    shnor::pipeline::add_shared_results(loaded.site, shared);
    const shnor::derive::SiteResults results(loaded.site);
    for (const auto& school : loaded.site.schools) {
        const auto& groups = results.groups_of(school);
        shnor::view::Data page;
        shnor::view::detail::put_results_page(page, groups);
        shnor::view::detail::latest_results_lines(groups);
        shnor::view::detail::results_trends(groups);
    }
    return 0;
}
