// The pages a plan renders: the district's pages, the open data and the
// school sections, as independent tasks; a whole plan's schools a batch at a
// time (ARCHITECTURE.md, "Streaming").
#pragma once

#include "cache/school_store.hpp"
#include "pipeline/load_planned.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/render_tasks.hpp"
#include "plan/plan.hpp"
#include "render/templates.hpp"
#include "view/site_index.hpp"
#include "view/view.hpp"
#include "write/output_tree.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shnor::pipeline {

// Everything a build renders with. A plan that only patches intros has no
// site: its fragments need the templates and the glossary alone.
struct Rendering {
    Rendering(const BuildOptions& options, const plan::BuildPlan& plan, Loaded& loaded);

    PreparedSite* prepared = nullptr;
    bool batched = false;  // a whole plan: sections and school rows are rendered in batches (render_in_batches)
    bool light = false;    // the site's schools are light parts, loaded in full a batch at a time
    view::BuildContext context;
    render::Templates templates;
    std::optional<view::detail::SiteIndex> index;
};

// The district's pages, each part of the open data and each school section
// the plan renders are independent tasks: each builds its data, renders it
// and hands the files to the output tree, keeping nothing but the paths.
struct Pages {
    std::vector<TaskOutput> data;                 // open-data parts, then the district's pages
    std::map<std::string, TaskOutput> sections;   // slug → its section
};

// Renders what the plan renders into the tree; a whole plan loads its
// schools in full again from `store`, a batch at a time.
Pages render_planned(const plan::BuildPlan& plan, Rendering& rendering, cache::SchoolStore& store,
                     write::OutputTree& tree);

}  // namespace shnor::pipeline
