// The pages a plan renders (render_planned.hpp).
#include "pipeline/render_planned.hpp"

#include "derive/derive.hpp"
#include "parallel/parallel.hpp"
#include "pipeline/render_pages.hpp"
#include "pipeline/school_parts.hpp"
#include "pipeline/stage_clock.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <set>
#include <string_view>
#include <utility>

#ifndef _WIN32
#include <sys/resource.h>
#endif

namespace shnor::pipeline {

using plan::BuildPlan;
using plan::SchoolWork;

Rendering::Rendering(const BuildOptions& options, const BuildPlan& plan, Loaded& loaded)
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
    // The index has read the light parts' results rows (its district lines
    // and the district pages' groups): nothing else in pass 1 reads them,
    // pass 2 writes data/results.* from the full schools, and their peer
    // parts are written (pipeline.cpp, run_plan).
    if (light)
        for (auto& school : prepared->site.schools) shed_results(school);
    stage_clock().lap("index");
}

namespace {

bool renders(SchoolWork work) { return work == SchoolWork::render || work == SchoolWork::render_section; }

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
    // The site's district lines: the batches' indexes take them, as the light parts have no rows.
    std::shared_ptr<const derive::DistrictLines> district_lines = rendering.index->results().district();
    SchoolRowsOutput rows(site, rendering.context, tree, district_lines);
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
            batch_index.emplace(
                site,
                [begin, end](const model::School& school) {
                    return std::less_equal<const model::School*>()(begin, &school) &&
                           std::less<const model::School*>()(&school, end);
                },
                district_lines);
        }
        const view::detail::SiteIndex& index = batch_index ? *batch_index : *rendering.index;
        std::vector<std::size_t> sections = rendered_sections(plan, site, first, last);
        std::vector<TaskOutput> outputs(sections.size());
        {
            std::size_t before = std::exchange(district.count, 0);  // the school rows first: the longest tasks
            parallel::for_each_index(rows.files() + before + sections.size(), [&](std::size_t task) {
                if (task < rows.files()) {
                    for (std::size_t school = first; school < last; ++school)
                        rows.add(task, site.schools[school], index.results());
                    return;
                }
                if (task < rows.files() + before) return district.run(task - rows.files());
                std::size_t section = task - rows.files() - before;
                render_pages(view::school_pages(index, site.schools[sections[section]], rendering.context),
                             rendering.prepared->sources, rendering.templates, tree, outputs[section]);
            });
        }
        batch_index.reset();
        for (std::size_t section = 0; section < sections.size(); ++section) {
            keep_page_paths_only(outputs[section]);  // held to the end of the build
            pages.sections.emplace(site.schools[sections[section]].slug, std::move(outputs[section]));
        }
        for (std::size_t school = 0; school < light.size(); ++school) site.schools[first + school] = std::move(light[school]);
    }
    parallel::for_each_index(std::exchange(district.count, 0), district.run);  // a site without schools
    for (auto& out : rows.finish()) pages.data.push_back(std::move(out));
}

}  // namespace

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
            if (!rendering.batched || !view::open_data_part_is_streamed(part)) parts.push_back(part);
    std::size_t district_tasks = plan.renders_district() ? parts.size() + 1 : 0;
    pages.data.resize(district_tasks);
    std::vector<TaskOutput> sections(schools.size());
    Tasks tasks{district_tasks + schools.size(), [&](std::size_t task) {
        auto started = std::chrono::steady_clock::now();
        if (task + 1 < district_tasks)
            // The index's results: the two results files would each compute their own (~120 MB at 40 000 schools).
            write_open_data_part(site, rendering.context, parts[task], tree, pages.data[task],
                                 &rendering.index->results());
        else if (task + 1 == district_tasks)
            render_pages(view::district_pages(*rendering.index, rendering.context), rendering.prepared->sources,
                         rendering.templates, tree, pages.data[task]);
        else
            render_pages(view::school_pages(*rendering.index, site.schools[schools[task - district_tasks]], rendering.context),
                         rendering.prepared->sources, rendering.templates, tree, sections[task - district_tasks]);
        if (task < district_tasks && stage_clock().enabled()) {
            struct rusage usage {};  // with SHNOR_THREADS=1, the peak each task reaches
            ::getrusage(RUSAGE_SELF, &usage);
            std::fprintf(stderr, "  %s %zu: %.3f s, %ld MB peak\n",
                         task + 1 < district_tasks ? "open data part" : "district pages",
                         task + 1 < district_tasks ? parts[task] : task,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                         usage.ru_maxrss / 1024);
        }
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

}  // namespace shnor::pipeline
