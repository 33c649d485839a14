// What a plan loads (plan/plan.hpp): the changed schools, refining a
// partial plan with what they show, and the site to render from.
#pragma once

#include "cache/school_store.hpp"
#include "load/load.hpp"
#include "model/model.hpp"
#include "pipeline/build_record.hpp"
#include "pipeline/prepare.hpp"
#include "plan/plan.hpp"
#include "render/glossary.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace shnor::pipeline {

// What the plan loads: the changed schools (for a plan of scope schools,
// with what the plan stage needs to know of each) and the site to render
// from — every school, or the changed ones with the rest as the peer parts
// the last whole build left. A text-only plan needs no site.
// A whole plan streams: its site holds each school's light part
// (school_parts.hpp), and the pipeline loads the full schools again a batch
// at a time; what the record needs of the full ones is taken as they load.
struct Loaded {
    struct Hashes {
        cache::Hash128 external, district;
    };
    std::map<std::string, model::School> changed;
    std::optional<PreparedSite> prepared;
    bool light = false;                    // the site's schools are light parts
    std::map<std::string, Hashes> hashes;  // light: each school's, of its full load
};

// A plan of scope schools: loads its changed schools and refines the plan
// with what they show (it may turn whole: then nothing is returned).
std::map<std::string, load::SchoolLoad> load_changed_schools(plan::BuildPlan& plan, const BuildRecord* previous,
                                                             cache::SchoolStore& store);

// The site the plan renders from: every school (as its light part when
// `light`: more schools than a batch), or the changed ones (`loads`)
// with the rest as their peer parts; none for a plan that only patches
// intros. nullopt when errors stop the build (in the report); throws
// PlanImpossible when the peer parts a partial plan needs are missing.
std::optional<Loaded> prepare_planned(const BuildOptions& options, const std::filesystem::path& record_file,
                                      const plan::BuildPlan& plan, const BuildRecord* previous,
                                      std::map<std::string, load::SchoolLoad> loads, cache::SchoolStore& store,
                                      bool light, BuildReport& report);

// The glossary the site's pages are rendered with, read from site.yaml when
// the plan loads no site.
std::shared_ptr<const render::Glossary> glossary_of(const BuildOptions& options, const Loaded& loaded);

}  // namespace shnor::pipeline
