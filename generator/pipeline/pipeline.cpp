// The district build: stamps → plan → load → derive → render → patch → keep
// → commit → publish. Whatever the plan (plan/plan.hpp) says — every page, a
// few sections, a few spans — it is carried out by the same steps below.
#include "pipeline/pipeline.hpp"

#include "cache/school_store.hpp"
#include "derive/derive.hpp"
#include "load/load.hpp"
#include "load/parts.hpp"
#include "parallel/parallel.hpp"
#include "pipeline/build_record.hpp"
#include "pipeline/kept_files.hpp"
#include "pipeline/load_planned.hpp"
#include "pipeline/patch_spans.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/publish.hpp"
#include "pipeline/render_pages.hpp"
#include "pipeline/render_tasks.hpp"
#include "pipeline/school_parts.hpp"
#include "pipeline/school_site.hpp"
#include "pipeline/stage_clock.hpp"
#include "pipeline/stamps.hpp"
#include "pipeline/workbook_chunks.hpp"
#include "plan/plan.hpp"
#include "view/site_index.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <set>
#include <unordered_map>
#include <utility>

namespace shnor::pipeline {

namespace fs = std::filesystem;

model::Date today() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
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

// Everything a build renders with. A plan that only patches intros has no
// site: its fragments need the templates and the glossary alone.
struct Rendering {
    Rendering(const BuildOptions& options, const BuildPlan& plan, Loaded& loaded)
        : prepared(loaded.prepared ? &*loaded.prepared : nullptr),
          batched(plan.scope == BuildPlan::Scope::whole),
          light(loaded.light),
          templates(layout_folders(options)) {
        if (!prepared) {
            context.build_date = options.build_date;
            context.glossary = glossary_of(options, loaded);
            return;
        }
        context = context_of(options, *prepared);
        templates.compile_all();
        if (plan.scope == BuildPlan::Scope::schools) {
            std::set<std::string> planned;
            for (const auto& school : plan.schools) planned.insert(school.slug);
            index.emplace(prepared->site, [&planned](const model::School& school) { return planned.count(school.slug) > 0; });
        } else {
            index.emplace(prepared->site);
        }
        stage_clock().lap("index");
    }

    PreparedSite* prepared = nullptr;
    bool batched = false;  // a whole plan: sections and school rows are rendered in batches (render_in_batches)
    bool light = false;    // the site's schools are light parts, loaded in full a batch at a time
    view::BuildContext context;
    render::Templates templates;
    std::optional<view::detail::SiteIndex> index;
};

bool renders(SchoolWork work) { return work == SchoolWork::render || work == SchoolWork::render_section; }

// The district's pages, each part of the open data and each school section
// the plan renders are independent tasks: each builds its data, renders it
// and hands the files to the output tree, keeping nothing but the paths.
struct Pages {
    std::vector<TaskOutput> data;                 // open-data parts, then the district's pages
    std::map<std::string, TaskOutput> sections;   // slug → its section
};

// The sections the plan renders among `first`..`last` of the site's schools.
std::vector<std::size_t> rendered_sections(const BuildPlan& plan, const model::Site& site, std::size_t first,
                                           std::size_t last) {
    std::map<std::string_view, SchoolWork> work;
    for (const auto& school : plan.schools) work[school.slug] = school.work;
    std::vector<std::size_t> sections;
    for (std::size_t index = first; index < last; ++index)
        if (auto found = work.find(site.schools[index].slug); found != work.end() && renders(found->second))
            sections.push_back(index);
    return sections;
}

// A whole plan's schools, a batch at a time: each loaded again in full,
// derived among the others' light parts, its section rendered (when the
// plan renders it) and its elements of the open data streamed out in site
// order; then its light part goes back into its slot. Peak memory is then
// that of the light parts and one batch.
// Tasks run on all cores: run(0) … run(count - 1).
struct Tasks {
    std::size_t count = 0;
    std::function<void(std::size_t)> run;
};

// `district`: tasks run beside the first batch (a site of full schools:
// the district's pages, as one build of every page at once).
void render_in_batches(const BuildPlan& plan, Rendering& rendering, cache::SchoolStore& store,
                       write::OutputTree& tree, Tasks& district, Pages& pages) {
    model::Site& site = rendering.prepared->site;
    SchoolRowsOutput rows(site, rendering.context, tree);
    // A site of full schools (no more than a batch) is one batch, rendered with the site's index.
    const std::size_t batch = rendering.light ? school_batch() : std::max<std::size_t>(site.schools.size(), 1);
    if (rendering.light) rendering.index.reset();  // it points into the slots the batches swap
    for (std::size_t first = 0; first < site.schools.size(); first += batch) {
        std::size_t last = std::min(site.schools.size(), first + batch);
        std::vector<model::School> light;
        std::optional<view::detail::SiteIndex> batch_index;
        if (rendering.light) {
            light = load_full_schools(site, first, last, store);
            derive::derive_schools(site, rendering.context.build_date, first, last);
            const model::School* begin = site.schools.data() + first;
            const model::School* end = site.schools.data() + last;
            batch_index.emplace(site, [begin, end](const model::School& school) {
                return std::less_equal<const model::School*>()(begin, &school) &&
                       std::less<const model::School*>()(&school, end);
            });
        }
        const view::detail::SiteIndex& index = batch_index ? *batch_index : *rendering.index;
        std::vector<std::size_t> sections = rendered_sections(plan, site, first, last);
        std::vector<TaskOutput> outputs(sections.size());
        {
            std::size_t before = std::exchange(district.count, 0);  // the school rows first: the longest tasks
            parallel::for_each_index(rows.files() + before + sections.size(), [&](std::size_t task) {
                if (task < rows.files()) {
                    for (std::size_t school = first; school < last; ++school) rows.add(task, site.schools[school]);
                    return;
                }
                if (task < rows.files() + before) return district.run(task - rows.files());
                std::size_t section = task - rows.files() - before;
                render_pages(view::school_pages(index, site.schools[sections[section]], rendering.context),
                             rendering.prepared->sources, rendering.templates, tree, outputs[section]);
            });
        }
        batch_index.reset();
        for (std::size_t section = 0; section < sections.size(); ++section)
            pages.sections.emplace(site.schools[sections[section]].slug, std::move(outputs[section]));
        for (std::size_t school = 0; school < light.size(); ++school) site.schools[first + school] = std::move(light[school]);
    }
    parallel::for_each_index(std::exchange(district.count, 0), district.run);  // a site without schools
    for (auto& out : rows.finish()) pages.data.push_back(std::move(out));
}

Pages render_planned(const BuildPlan& plan, Rendering& rendering, cache::SchoolStore& store, write::OutputTree& tree) {
    Pages pages;
    if (!rendering.prepared) return pages;
    const model::Site& site = rendering.prepared->site;
    // A whole plan's sections (and school rows) are rendered in batches.
    std::vector<std::size_t> schools =
        rendering.batched ? std::vector<std::size_t>{} : rendered_sections(plan, site, 0, site.schools.size());
    // The district's tasks: the open-data parts not written a school at a time, then its pages.
    std::vector<std::size_t> parts;
    if (plan.renders_district())
        for (std::size_t part = 0; part < view::open_data_parts(); ++part)
            if (!rendering.batched || !view::open_data_part_has_school_rows(part)) parts.push_back(part);
    std::size_t district_tasks = plan.renders_district() ? parts.size() + 1 : 0;
    pages.data.resize(district_tasks);
    std::vector<TaskOutput> sections(schools.size());
    Tasks tasks{district_tasks + schools.size(), [&](std::size_t task) {
        auto started = std::chrono::steady_clock::now();
        if (task + 1 < district_tasks)
            write_open_data_part(site, rendering.context, parts[task], tree, pages.data[task]);
        else if (task + 1 == district_tasks)
            render_pages(view::district_pages(*rendering.index, rendering.context), rendering.prepared->sources,
                         rendering.templates, tree, pages.data[task]);
        else
            render_pages(view::school_pages(*rendering.index, site.schools[schools[task - district_tasks]], rendering.context),
                         rendering.prepared->sources, rendering.templates, tree, sections[task - district_tasks]);
        if (task < district_tasks && stage_clock().enabled())
            std::fprintf(stderr, "  %s %zu: %.3f s\n", task + 1 < district_tasks ? "open data part" : "district pages",
                         task + 1 < district_tasks ? parts[task] : task,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }};
    if (!rendering.batched || rendering.light) {
        // A light site's district pages read the light parts: before the batches swap them.
        parallel::for_each_index(tasks.count, tasks.run);
        tasks.count = 0;
        stage_clock().lap("district pages");
    }
    for (std::size_t index = 0; index < schools.size(); ++index)
        pages.sections.emplace(site.schools[schools[index]].slug, std::move(sections[index]));
    if (rendering.batched) render_in_batches(plan, rendering, store, tree, tasks, pages);
    return pages;
}

// A section rendered again in place of the last build's must make the same
// files and pages: one that adds or removes a page needs the whole plan.
void require_same_section(const std::string& slug, TaskOutput& out, const Before& before, const BuildRecord& record) {
    auto owned = before.owned.find(slug);
    auto pages = record.school_pages.find(slug);
    std::vector<std::string> files = out.files;
    std::sort(files.begin(), files.end());
    std::vector<std::string> was = owned == before.owned.end() ? std::vector<std::string>{} : owned->second;
    std::sort(was.begin(), was.end());
    if (files != was || pages == record.school_pages.end() || pages->second != out.page_paths)
        throw PlanImpossible("the section of " + slug + " has other files or pages now");
}

// The new bytes of each span the plan patches in `file`.
std::map<std::string, std::string> replacements_for(const plan::FileStep& file, const Loaded& loaded,
                                                    Rendering& rendering) {
    std::map<std::string, std::string> replacements;
    bool vi = file.path.starts_with("vi/");
    for (const auto& slug : file.schools) {
        if (file.work == FileWork::patch_intro) {
            replacements[std::string(plan::kIntroKey)] = render_fragment(
                rendering.templates, view::school_intro(loaded.changed.at(slug)), rendering.context.glossary.get(), vi);
            continue;
        }
        const model::School* school = nullptr;
        for (const auto& each : rendering.prepared->site.schools)
            if (each.slug == slug) school = &each;
        if (!school) throw PlanImpossible(slug + " is not in the site");
        if (file.path.ends_with(".html")) {
            view::Fragment row = view::school_row(*rendering.index, *school);
            replacements[row.key] = render_fragment(rendering.templates, row, nullptr, vi);
            continue;
        }
        for (auto& span : view::school_open_data_spans(*school))
            if (span.path == file.path) replacements[span.key] = std::move(span.bytes);
    }
    return replacements;
}

// The plan's patches: spans put in place, each file as the record knows it;
// the workbooks of patched CSVs made with them. Returns the open data's sizes.
std::map<std::string, std::uint64_t> apply_patches(const DistrictBuild& build, const BuildPlan& plan,
                                                   const Loaded& loaded, Rendering& rendering, const Before& before,
                                                   BuildRecord& record, write::OutputTree& tree) {
    std::map<std::string, std::uint64_t> sizes = before.open_data_sizes;
    std::vector<SpanPatch> patches;
    for (const auto& file : plan.files) {
        if (file.work == FileWork::remake) continue;
        if (file.work == FileWork::patch_sitemap) {
            patch_sitemap(build.options.out_dir, before.hashes.at(file.path), rendering.prepared->site, file.schools,
                          rendering.context, record.school_pages, tree);
            continue;
        }
        patches.push_back({file.path, before.hashes.at(file.path), std::move(record.fragments[file.path]),
                           replacements_for(file, loaded, rendering), file.work == FileWork::patch_rows});
    }
    patch_files(build.options.out_dir, patches, tree, rendering.context.build_date, before.hashes,
                workbook_chunks_folder(cache_dir_of(build.options)), sizes);
    for (auto& patch : patches) record.fragments[patch.path] = std::move(patch.spans);
    return sizes;
}

bool remakes(const BuildPlan& plan, const std::string& path) {
    for (const auto& file : plan.files)
        if (file.path == path) return file.work == FileWork::remake;
    return false;
}

// The pages of the site in the order its feeds and sitemap list them.
std::vector<std::string> page_paths_of(const Pages& pages, const model::Site& site, const BuildRecord& record) {
    std::vector<std::string> paths;
    for (const auto& task : pages.data) paths.insert(paths.end(), task.page_paths.begin(), task.page_paths.end());
    for (const auto& school : site.schools) {
        if (auto found = pages.sections.find(school.slug); found != pages.sections.end())
            paths.insert(paths.end(), found->second.page_paths.begin(), found->second.page_paths.end());
        else if (auto kept = record.school_pages.find(school.slug); kept != record.school_pages.end())
            paths.insert(paths.end(), kept->second.begin(), kept->second.end());
    }
    return paths;
}

// What the rendered pages go into the record as: their owners, fragments
// and page paths. A section rendered in place of the last build's must have
// made the same files and pages.
void note_pages(const BuildPlan& plan, Pages& pages, const Before& before, BuildRecord& record) {
    for (auto& [slug, out] : pages.sections) {
        if (plan.scope == BuildPlan::Scope::schools) require_same_section(slug, out, before, record);
        for (const auto& path : out.files) record.file_owner[path] = slug;
        record.fragments.merge(out.fragments);
        record.school_pages[slug] = out.page_paths;
    }
    for (auto& task : pages.data) record.fragments.merge(task.fragments);
}

// What waits for the pages and patches: the data page (it prints the open
// data's sizes), then the feeds, sitemap, copied files and assets.
void render_after_patches(const BuildOptions& options, const BuildPlan& plan, Rendering& rendering, Pages& pages,
                          std::map<std::string, std::uint64_t>& sizes, BuildRecord& record, write::OutputTree& tree) {
    if (!rendering.prepared) return;
    const model::Site& site = rendering.prepared->site;
    if (plan.renders_district()) {
        std::erase_if(record.school_pages, [&](const auto& entry) {
            return std::none_of(site.schools.begin(), site.schools.end(),
                                [&](const model::School& school) { return school.slug == entry.first; });
        });
        sizes.clear();  // all made by this build
        for (auto& task : pages.data) sizes.merge(task.sizes);
    }
    if (plan.renders_district() || remakes(plan, "data/index.html")) {
        TaskOutput data_page;
        render_pages({view::data_page(site, rendering.context, sizes)}, rendering.prepared->sources,
                     rendering.templates, tree, data_page);
        pages.data.push_back(std::move(data_page));
    }
    if (!plan.renders_district()) return;
    auto files = files_after_pages(site, options, rendering.context, page_paths_of(pages, site, record),
                                   rendering.prepared->photos.files);
    for (const auto& [path, file] : files) put_file(tree, file);
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

    Rendering rendering(options, plan, *loaded);
    Pages pages = render_planned(plan, rendering, store, tree);
    for (const auto& task : pages.data)  // for a later build that makes a workbook again
        for (const auto& [path, made] : task.workbooks)
            write_workbook_chunks(workbook_chunks_folder(cache_dir_of(options)), path, made.hash, made.chunks);
    stage_clock().lap("pages");
    note_pages(plan, pages, before, record);
    auto sizes = apply_patches(build, plan, *loaded, rendering, before, record, tree);
    render_after_patches(options, plan, rendering, pages, sizes, record, tree);
    stage_clock().lap("other files");
    auto summary = tree.commit();
    stage_clock().lap("commit");
    record.files = tree.take_files();
    record.tree = tree.published();
    if (plan.renders_district()) write_peer_parts(peers_path(build.record_file), record.global, loaded->prepared->site.schools);
    if (changes && plan.scope == BuildPlan::Scope::schools)
        changes->update = record_update(plan, pages, build.altered, record, inputs_before);
    publish(tree, build.record_file, record, plan.scope == BuildPlan::Scope::schools && changes ? &*changes : nullptr);
    stage_clock().lap("publish");
    report_plan(plan, record, summary, schools_reused, report);
}

void build_district_site(const BuildOptions& options, BuildReport& report) {
    std::int64_t started_ns = now_ns();
    auto folder = open_output_folder(options, report);
    if (!folder) return;
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
    if (!options.school.empty()) build_school_site(options, report);
    else build_district_site(options, report);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace shnor::pipeline
