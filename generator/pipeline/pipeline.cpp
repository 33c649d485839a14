// The district build: stamps → plan → load → derive → render → patch → keep
// → commit → publish. Whatever the plan (plan/plan.hpp) says — every page, a
// few sections, a few spans — it is carried out by the same steps below.
#include "pipeline/pipeline.hpp"

#include "cache/school_store.hpp"
#include "pipeline/apply_patches.hpp"
#include "pipeline/build_record.hpp"
#include "pipeline/kept_files.hpp"
#include "pipeline/large_pages.hpp"
#include "pipeline/load_planned.hpp"
#include "pipeline/patch_spans.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/publish.hpp"
#include "pipeline/render_planned.hpp"
#include "pipeline/render_tasks.hpp"
#include "pipeline/school_parts.hpp"
#include "pipeline/school_fragments.hpp"
#include "pipeline/school_site.hpp"
#include "pipeline/stage_clock.hpp"
#include "pipeline/stamps.hpp"
#include "pipeline/workbook_chunks.hpp"
#include "plan/plan.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <set>
#include <utility>

namespace shnor::pipeline {

namespace fs = std::filesystem;

model::Date today() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
#ifdef _WIN32
    localtime_s(&local, &now);  // Windows' localtime_r, its arguments the other way round
#else
    localtime_r(&now, &local);
#endif
    return model::Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

namespace {

using plan::BuildPlan;
using plan::FileWork;
using plan::SchoolWork;

// What a district build knows before it plans.
struct DistrictBuild {
    const BuildOptions& options;
    write::OutputFolder& folder;
    fs::path record_file;
    std::string key;
    std::vector<cache::FileStamp> stamps;
    std::int64_t started_ns = 0;
    std::vector<std::string> altered;  // files of the last build changed by someone else since
};

// SHNOR_EXPLAIN=1 prints why each file or school is made again or kept.
void explain_plan(const BuildPlan& plan) {
    if (!std::getenv("SHNOR_EXPLAIN")) return;
    for (const auto& line : plan::explain(plan)) std::fprintf(stderr, "%s\n", line.c_str());
}

// The record of this build before its pages: hashes of what it loaded; the
// rest of the last record where the plan keeps its files. A whole plan
// learns here which schools to render again.
BuildRecord record_before_pages(const DistrictBuild& build, BuildPlan& plan, std::optional<BuildRecord>& previous,
                                const Loaded& loaded, cache::SchoolStore& store) {
    cache::Hash128 global;
    if (plan.scope == BuildPlan::Scope::whole) {
        const model::Site& site = loaded.prepared->site;
        global = global_hash(site, build.options, build.key, build.stamps, loaded.prepared->shared);
        std::vector<std::pair<std::string, cache::Hash128>> hashes;
        for (const auto& school : site.schools) hashes.emplace_back(school.slug, store.content_hash(school.slug));
        plan::plan_whole_schools(plan, previous ? &*previous : nullptr, global, hashes);
    }
    BuildRecord record = previous ? std::move(*previous) : BuildRecord{};
    record.key = build.key;
    record.written_ns = build.started_ns;
    record.inputs = build.stamps;
    if (plan.scope == BuildPlan::Scope::schools) {
        for (const auto& [slug, school] : loaded.changed) {
            record.schools[slug] = store.content_hash(slug);
            record.school_external[slug] = external_hash(school);
        }
        return record;
    }
    const PreparedSite& prepared = *loaded.prepared;
    const model::Site& site = prepared.site;
    record.volatile_sources = has_volatile_sources(site, build.options);
    record.global = global;
    record.schools.clear();
    record.school_external.clear();
    record.school_district.clear();
    for (const auto& school : site.schools) {
        const Loaded::Hashes& hashes = loaded.hashes.at(school.slug);  // of the full school, as it loaded
        record.schools[school.slug] = store.content_hash(school.slug);
        record.school_external[school.slug] = hashes.external;
        record.school_district[school.slug] = hashes.district;
    }
    return record;
}

// What a plan of a few schools changed in the record: its schools, the files
// it patched, rendered, wrote or removed, the altered ones, and the inputs.
SchoolsUpdate record_update(const BuildPlan& plan, const Pages& pages, const std::vector<std::string>& altered,
                            const BuildRecord& record, const std::vector<cache::FileStamp>& inputs_before) {
    std::set<std::string> slugs, paths(record.tree.touched.begin(), record.tree.touched.end());
    for (const auto& school : plan.schools) slugs.insert(school.slug);
    for (const auto& file : plan.files) paths.insert(file.path);
    for (const auto& [slug, out] : pages.sections) paths.insert(out.files.begin(), out.files.end());
    for (const auto& task : pages.data) paths.insert(task.files.begin(), task.files.end());
    paths.insert(altered.begin(), altered.end());
    return update_of(record, slugs, paths, inputs_before);
}

void report_plan(const BuildPlan& plan, const BuildRecord& record, const write::CommitSummary& summary,
                 std::size_t schools_reused, BuildReport& report) {
    report.written = true;
    report.files = record.files.size();
    for (const auto& [path, state] : record.files) report.pages += path.ends_with(".html") ? 1 : 0;
    report.written_files = summary.written;
    report.removed_files = summary.removed;
    report.schools_reused = schools_reused;
    for (const auto& school : plan.schools)
        if (school.work != SchoolWork::keep) ++report.schools_rendered;
    if (plan.scope != BuildPlan::Scope::schools) return;
    for (const auto& school : plan.schools)
        if (school.work != SchoolWork::keep) report.sections_only.push_back(school.slug);
    report.rows_patched = plan.row_schools();
    report.fragments_only = plan.text_only();
}

// A light site's peer parts, written before its pages: its light parts keep
// their results rows only until the site's index has read them
// (shed_results), and the peer parts have them. Under a name of their own
// until they take the last build's place, where a site of full schools writes its.
fs::path pending_peers_path(const fs::path& record_file) {
    fs::path path = peers_path(record_file);
    path += ".pending";
    return path;
}

void write_peers(const fs::path& record_file, const cache::Hash128& global, const model::Site& site, bool pending) {
    if (!pending) return write_peer_parts(peers_path(record_file), global, site.schools);
    std::error_code ignored;  // as write_peer_parts(): the next build is then not a section-only one
    fs::rename(pending_peers_path(record_file), peers_path(record_file), ignored);
}

// Carries out `plan`: load → derive → render → patch → keep → commit →
// publish. Throws PlanImpossible (nothing published) when the plan turns out
// impossible; errors in the content or on disk go to the report.
void run_plan(const DistrictBuild& build, BuildPlan& plan, std::optional<BuildRecord>& previous, BuildReport& report) {
    const BuildOptions& options = build.options;
    // The output tree's stat of every folder runs beside loading and indexing.
    auto folder_check = previous ? write::start_folder_check(build.folder.path(), previous->files, previous->tree)
                                 : std::shared_future<std::vector<std::string>>{};
    cache::SchoolStore store(school_store_folder(options), options.content_dir, build.stamps);
    const BuildRecord* recorded_before = previous ? &*previous : nullptr;
    // A plan of a few schools writes back only what changed: the inputs are compared.
    std::optional<RecordChanges> changes;
    std::vector<cache::FileStamp> inputs_before;
    if (plan.scope == BuildPlan::Scope::schools && previous) {
        changes.emplace();
        changes->expected.key = previous->key;
        changes->expected.written_ns = previous->written_ns;
        inputs_before = previous->inputs;
    }
    auto changed = load_changed_schools(plan, recorded_before, store);
    if (plan.load != plan::Load::changed_with_peers) cancel_peer_parts();
    if (plan.scope == BuildPlan::Scope::schools) explain_plan(plan);
    bool light = plan.scope == BuildPlan::Scope::whole && more_than_a_batch(build.stamps);
    auto loaded = prepare_planned(options, build.record_file, plan, recorded_before, std::move(changed), store, light,
                                  report);
    if (!loaded) return;
    std::size_t schools_reused = store.reused();  // a streaming build loads each school twice: the first counts
    bool recorded = previous.has_value();  // a record of this folder: its files may be kept or removed
    BuildRecord record = record_before_pages(build, plan, previous, *loaded, store);
    stage_clock().lap("plan");
    if (plan.scope == BuildPlan::Scope::whole) explain_plan(plan);
    Before before = before_of(plan, record);
    Keeping keeping(plan, record);
    write::OutputTree tree(build.folder, tree_previous(recorded ? &record : nullptr, options, build.altered, folder_check));
    stage_clock().lap("spare");
    if (recorded) tree.keep_where([&](const std::string& path) { return keeping.kept(path); });
    // What the rendered files were; Keeping reads the owners: they go last.
    std::erase_if(record.fragments, [&](const auto& entry) { return keeping.rendered(entry.first); });
    std::erase_if(record.file_owner, [&](const auto& entry) { return keeping.rendered(entry.first); });

    bool peers_pending = plan.renders_district() && loaded->light;
    if (peers_pending)
        write_peer_parts(pending_peers_path(build.record_file), record.global, loaded->prepared->site.schools);
    auto rendering = std::make_unique<Rendering>(options, plan, *loaded);
    Pages pages = render_planned(plan, *rendering, store, tree);
    for (const auto& task : pages.data)  // for a later build that makes a workbook again
        for (const auto& [path, made] : task.workbooks)
            write_workbook_chunks(workbook_chunks_folder(cache_dir_of(options)), path, made.hash, made.chunks);
    stage_clock().lap("pages");
    note_pages(plan, pages, before, record);
    auto sizes = apply_patches(options, plan, *loaded, *rendering, before, record, tree);
    render_after_patches(options, plan, *rendering, pages, sizes, record, tree);
    stage_clock().lap("other files");
    auto summary = tree.commit();
    stage_clock().lap("commit");
    record.files = tree.take_files();
    record.tree = tree.take_published();
    if (plan.renders_district()) write_peers(build.record_file, record.global, loaded->prepared->site, peers_pending);
    if (changes && plan.scope == BuildPlan::Scope::schools)
        changes->update = record_update(plan, pages, build.altered, record, inputs_before);
    // What only the pages needed (the light parts, the index, the pages'
    // paths) goes before the record's one LMDB transaction is built
    // (ARCHITECTURE.md, "Second pass").
    rendering.reset();
    pages = Pages{};
    loaded.reset();
    publish(tree, build.record_file, record, plan.scope == BuildPlan::Scope::schools && changes ? &*changes : nullptr);
    stage_clock().lap("publish");
    report_plan(plan, record, summary, schools_reused, report);
}

// Whether a plan of a few schools will likely render a section, so read the
// peer parts: any change but a school's index.md text. A wrong guess costs
// time only (read_peer_parts reads them then, or the early read is dropped).
bool may_need_peers(const BuildPlan& plan) {
    if (plan.scope != BuildPlan::Scope::schools) return false;
    for (const auto& school : plan.schools) {
        if (school.work == SchoolWork::render_section) return true;
        for (const auto& file : school.changed_files)
            if (!file.ends_with("/index.md")) return true;
    }
    return false;
}

// No early read of the peer parts, and no large pages, outlive the build
// that started them (the preview server builds again in the same process).
struct PartialBuildEnded {
    ~PartialBuildEnded() {
        cancel_peer_parts();
        use_large_pages(false);
    }
};

void build_district_site(const BuildOptions& requested, BuildReport& report) {
    PartialBuildEnded ended;
    std::int64_t started_ns = now_ns();
    auto folder = open_output_folder(requested, report);
    if (!folder) return;
    auto resolved = with_builtin_folders(requested, report);
    if (!resolved) return;
    const BuildOptions& options = *resolved;
    DistrictBuild build{options, *folder, record_path(cache_dir_of(options), options.out_dir), build_key(options),
                        input_stamps(options), started_ns, {}};
    // The head of the record tells whether any input changed; then the files
    // the last build wrote must still be as it left them (read from the
    // store without the rest, or from the whole record when it is read anyway).
    auto previous = folder_record(build.record_file, *folder, RecordPart::head);
    // A build stopped before its swap: no record to plan from, but the files
    // shnor wrote there are known (a whole build removes the stale ones).
    auto stopped = previous ? std::nullopt : stopped_build_record(build.record_file, *folder);
    stage_clock().lap("stamps");
    plan::Facts facts{&build.stamps, previous ? &*previous : nullptr, false, build.key, options.full, {}};
    BuildPlan plan = plan::plan_build(facts);
    if (plan.scope == BuildPlan::Scope::nothing) {
        auto altered = altered_files(build.record_file, *previous, *folder);
        stage_clock().lap("output checked");
        if (!altered) previous.reset();  // the store changed under us: no record
        else build.altered = std::move(*altered);
        if (previous && build.altered.empty()) {
            explain_plan(plan);
            report.unchanged = report.written = true;
            report.files = previous->output_files;
            report.pages = previous->html_files;
            return;
        }
    }
    if (previous) {
        previous = folder_record(build.record_file, *folder, RecordPart::whole);
        stage_clock().lap("record");
        if (previous && build.altered.empty())  // a whole record has its files: no second read to fail
            build.altered = altered_files(build.record_file, *previous, *folder).value_or(std::vector<std::string>{});
        stage_clock().lap("output checked");
        facts.record = previous ? &*previous : nullptr;
        facts.record_whole = true;
        facts.altered = build.altered;
        plan = plan::plan_build(facts);
        // A section to render: the peer parts are read beside the changed
        // schools (dropped if the plan turns out to want none), into large pages.
        if (may_need_peers(plan)) {
            use_large_pages(true);
            start_peer_parts(peers_path(build.record_file), previous->global);
        }
    } else if (plan.scope == BuildPlan::Scope::nothing) {
        facts.record = nullptr;
        plan = plan::plan_build(facts);
    }
    report.repaired = build.altered;
    if (stopped) {  // what it wrote is not someone else's doing: not reported as repaired
        build.altered = stopped->tree.touched;
        previous = std::move(stopped);
    }
    for (;;) {
        BuildReport attempt;
        attempt.repaired = report.repaired;
        try {
            run_plan(build, plan, previous, attempt);
            report = std::move(attempt);
            return;
        } catch (const PlanImpossible& impossible) {
            cancel_peer_parts();
            use_large_pages(false);
            // Nothing was published: the whole plan, from the record as it is.
            plan = plan::widened(plan, impossible.what());
            previous = folder_record(build.record_file, *folder, RecordPart::whole);
        } catch (const std::exception& failure) {
            attempt.diagnostics.error(options.out_dir.string(), 0, "", failure.what());
            report = std::move(attempt);
            return;
        }
    }
}

}  // namespace

BuildReport build_site(const BuildOptions& options) {
    auto started = std::chrono::steady_clock::now();
    stage_clock();
    BuildReport report;
    if (!options.school.empty() && options.fragment) build_school_fragments(options, report);
    else if (!options.school.empty()) build_school_site(options, report);
    else build_district_site(options, report);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace shnor::pipeline
