#include "pipeline/load_planned.hpp"

#include "load/load.hpp"
#include "load/parts.hpp"
#include "parallel/parallel.hpp"
#include "pipeline/patch_spans.hpp"
#include "pipeline/school_parts.hpp"
#include "pipeline/stage_clock.hpp"
#include "pipeline/stamps.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace shnor::pipeline {

namespace fs = std::filesystem;
using plan::BuildPlan;

namespace {

// A changed file the school publishes as it is (a document, a photo with a
// model file's extension) is copied by the district's files: a whole build.
bool publishes(const model::School& school, const std::string& path) {
    for (const auto& document : school.own.documents)
        if (document.site_path == path) return true;
    for (const auto& news : school.own.news)
        for (const auto& photo : news.photo_site_paths)
            if (photo == path) return true;
    return false;
}

// Each changed school from the store, and what the plan stage needs to know of it.
std::map<std::string, load::SchoolLoad> load_changed(BuildPlan& plan, const BuildRecord& previous,
                                                     cache::SchoolStore& store) {
    std::map<std::string, load::SchoolLoad> loads;
    std::map<std::string, plan::LoadedSchool> facts;
    for (const auto& school : plan.schools) {
        load::SchoolLoad load = store.load(school.slug);
        plan::LoadedSchool& fact = facts[school.slug];
        fact.errors = load.diagnostics.has_errors();
        fact.content = store.content_hash(school.slug);
        fact.external = external_hash(load.school);
        fact.district = district_hash(load.school);
        for (const auto& file : school.changed_files) fact.publishes_changed_file |= publishes(load.school, file);
        loads.emplace(school.slug, std::move(load));
    }
    plan::refine(plan, previous, facts);
    return loads;
}

// The site with the changed schools as loaded and the others as their peer
// parts. The last build's global hash stands: every file outside the changed
// schools has its stamp, the peer parts are those it hashed, and a changed
// school's peer part lies inside its unchanged external part.
PreparedSite prepare_with_peers(const BuildOptions& options, const fs::path& record_file, const BuildRecord& previous,
                                std::map<std::string, load::SchoolLoad>& loads, BuildReport& report) {
    auto peers = read_peer_parts(peers_path(record_file), previous.global);
    if (!peers || peers->size() != previous.schools.size()) throw PlanImpossible("no peer parts of the last build");
    std::unordered_map<std::string_view, std::size_t> peer_index;
    for (std::size_t index = 0; index < peers->size(); ++index) peer_index.emplace((*peers)[index].slug, index);
    stage_clock().lap("peers");
    auto loader = [&](const std::string& slug) {
        if (auto found = loads.find(slug); found != loads.end()) return std::move(found->second);
        load::SchoolLoad peer;
        if (auto found = peer_index.find(slug); found != peer_index.end()) peer.school = std::move((*peers)[found->second]);
        return peer;
    };
    auto prepared = prepare_site(options, loader, report);
    if (!prepared) throw PlanImpossible("the site with peer parts did not load");
    for (const auto& source : prepared->site.config.sources)
        if (source.role == "district") throw PlanImpossible("district data merged from a source");
    return std::move(*prepared);
}

}  // namespace

std::map<std::string, load::SchoolLoad> load_changed_schools(BuildPlan& plan, const BuildRecord* previous,
                                                             cache::SchoolStore& store) {
    if (plan.scope != BuildPlan::Scope::schools) return {};
    auto loads = load_changed(plan, *previous, store);
    stage_clock().lap("changed schools");
    if (plan.scope != BuildPlan::Scope::schools) loads.clear();
    return loads;
}

std::optional<Loaded> prepare_planned(const BuildOptions& options, const fs::path& record_file, const BuildPlan& plan,
                                      const BuildRecord* previous, std::map<std::string, load::SchoolLoad> loads,
                                      cache::SchoolStore& store, bool light, BuildReport& report) {
    Loaded loaded;
    if (plan.scope == BuildPlan::Scope::schools) {
        for (auto& [slug, load] : loads) loaded.changed.emplace(slug, load.school);
        if (plan.load == plan::Load::changed_with_peers)
            loaded.prepared = prepare_with_peers(options, record_file, *previous, loads, report);
        else
            for (auto& [slug, load] : loads) report.diagnostics.append(load.diagnostics);
        return loaded;
    }
    // Each school is loaded in full and dropped at once but for its light
    // part: the whole model of a big district is never in memory.
    std::mutex mutex;
    auto loader = [&](const std::string& slug) {
        load::SchoolLoad load = store.load(slug);
        Loaded::Hashes hashes{external_hash(load.school), district_hash(load.school)};
        if (light) load.school = light_part(load.school);
        std::lock_guard<std::mutex> lock(mutex);
        loaded.hashes[slug] = hashes;
        return load;
    };
    loaded.light = light;
    loaded.prepared = prepare_site(options, loader, report);
    if (!loaded.prepared) return std::nullopt;
    if (light)  // checked and derived: what only that needed goes
        for (auto& school : loaded.prepared->site.schools) shed_after_derive(school);
    return loaded;
}

std::size_t school_batch() {
    if (const char* text = std::getenv("SHNOR_BATCH")) {
        char* end = nullptr;
        unsigned long long value = std::strtoull(text, &end, 10);
        if (end != text && *end == '\0' && value > 0) return static_cast<std::size_t>(value);
    }
    return kSchoolBatch;
}

bool more_than_a_batch(const std::vector<cache::FileStamp>& stamps) {
    std::set<std::string_view> slugs;
    for (const auto& stamp : stamps) {
        std::string_view path = stamp.path;
        if (!path.starts_with("schools/")) continue;
        path.remove_prefix(8);
        if (auto slash = path.find('/'); slash != std::string_view::npos) slugs.insert(path.substr(0, slash));
    }
    return slugs.size() > school_batch();
}

std::vector<model::School> load_full_schools(model::Site& site, std::size_t first, std::size_t last,
                                             cache::SchoolStore& store) {
    std::vector<model::School> light(last - first);
    std::atomic<bool> changed{false};
    parallel::for_each_index(last - first, [&](std::size_t offset) {
        model::School& slot = site.schools[first + offset];
        cache::Hash128 before = store.content_hash(slot.slug);
        load::SchoolLoad load = store.load(slot.slug);
        if (load.diagnostics.has_errors() || store.content_hash(slot.slug) != before) changed = true;
        light[offset] = std::move(slot);
        slot = std::move(load.school);
    });
    if (changed) throw std::runtime_error("материалы школ изменились во время сборки: соберите сайт ещё раз");
    return light;
}

std::shared_ptr<const render::Glossary> glossary_of(const BuildOptions& options, const Loaded& loaded) {
    if (loaded.prepared) return std::make_shared<const render::Glossary>(loaded.prepared->site.config.glossary);
    model::Diagnostics ignored;
    load::LoadContext context{options.content_dir, ignored, {}, {}, {}};
    return std::make_shared<const render::Glossary>(load::read_site_config(context).config.glossary);
}

}  // namespace shnor::pipeline
