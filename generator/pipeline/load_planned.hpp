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
#include <vector>

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

// How many full schools a whole build holds at once (its batch):
// kSchoolBatch (ARCHITECTURE.md, "Streaming"), or SHNOR_BATCH.
inline constexpr std::size_t kSchoolBatch = 2000;
std::size_t school_batch();
// More schools in the content (folders with files under schools/) than a
// batch: a whole build keeps light parts and loads the full schools again.
bool more_than_a_batch(const std::vector<cache::FileStamp>& stamps);

// The schools [first, last) of a light site in full again, from the store
// (or their content when the store cannot give them), each the school its
// light part was made of: content changed since pass 1 would give pages of
// two versions, so that throws. Returns the light parts they replaced.
std::vector<model::School> load_full_schools(model::Site& site, std::size_t first, std::size_t last,
                                             cache::SchoolStore& store);

// The glossary the site's pages are rendered with, read from site.yaml when
// the plan loads no site.
std::shared_ptr<const render::Glossary> glossary_of(const BuildOptions& options, const Loaded& loaded);

}  // namespace shnor::pipeline
