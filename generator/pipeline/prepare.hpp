// The site as loaded, fetched, merged and derived: ready to render.
#pragma once

#include "load/load.hpp"
#include "model/model.hpp"
#include "pipeline/photos.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/sources.hpp"
#include "view/view.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shnor::pipeline {

struct PreparedSite {
    model::Site site;
    SharedData shared;
    std::string district_base_url;
    view::Data sources;
    PhotoOutputs photos = {};
};

// Schools come from `loader` (the school store, or peer parts for the
// schools a plan does not load). nullopt when errors stop the build: they
// are in report.diagnostics.
std::optional<PreparedSite> prepare_site(const BuildOptions& options, load::SchoolLoader loader, BuildReport& report);

view::BuildContext context_of(const BuildOptions& options, const PreparedSite& prepared);

// The content's own layouts first, then the built-in ones.
std::vector<std::filesystem::path> layout_folders(const BuildOptions& options);

std::string with_trailing_slash(std::string url);

}  // namespace shnor::pipeline
