// What follows a plan's pages (apply_patches.hpp).
#include "pipeline/apply_patches.hpp"

#include "pipeline/open_data_xlsx.hpp"
#include "pipeline/patch_spans.hpp"
#include "pipeline/render_pages.hpp"
#include "pipeline/stamps.hpp"
#include "pipeline/workbook_chunks.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

namespace shnor::pipeline {

using plan::BuildPlan;
using plan::FileWork;

namespace {

// A section rendered again in place of the last build's must make the same
// files and pages: one that adds or removes a page needs the whole plan.
void require_same_section(const std::string& slug, TaskOutput& out, const Before& before, const BuildRecord& record) {
    auto owned = before.owned.find(slug);
    auto pages = record.school_pages.find(slug);
    std::vector<std::string> files = files_of(out);
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

bool remakes(const BuildPlan& plan, const std::string& path) {
    for (const auto& file : plan.files)
        if (file.path == path) return file.work == FileWork::remake;
    return false;
}

// The pages of the site in the order its feeds and sitemap list them: the
// sections' from the record, where note_pages() moved the rendered ones.
std::vector<std::string> page_paths_of(const Pages& pages, const model::Site& site, const BuildRecord& record) {
    std::vector<std::string> paths;
    for (const auto& task : pages.data) paths.insert(paths.end(), task.page_paths.begin(), task.page_paths.end());
    for (const auto& school : site.schools)
        if (auto kept = record.school_pages.find(school.slug); kept != record.school_pages.end())
            paths.insert(paths.end(), kept->second.begin(), kept->second.end());
    return paths;
}

}  // namespace

// What the rendered pages go into the record as: their owners, fragments
// and page paths. A section rendered in place of the last build's must have
// made the same files and pages.
void note_pages(const BuildPlan& plan, Pages& pages, const Before& before, BuildRecord& record) {
    for (auto& [slug, out] : pages.sections) {
        if (plan.scope == BuildPlan::Scope::schools) require_same_section(slug, out, before, record);
        for (auto& path : files_of(out)) record.file_owner[std::move(path)] = slug;
        record.fragments.merge(out.fragments);
        record.school_pages[slug] = std::move(out.page_paths);
    }
    for (auto& task : pages.data) record.fragments.merge(task.fragments);
}

// The plan's patches: spans put in place, each file as the record knows it;
// the workbooks of patched CSVs made with them. Returns the open data's sizes.
std::map<std::string, std::uint64_t> apply_patches(const BuildOptions& options, const BuildPlan& plan,
                                                   const Loaded& loaded, Rendering& rendering, const Before& before,
                                                   BuildRecord& record, write::OutputTree& tree) {
    std::map<std::string, std::uint64_t> sizes = before.open_data_sizes;
    std::vector<SpanPatch> patches;
    for (const auto& file : plan.files) {
        if (file.work == FileWork::remake) continue;
        if (file.work == FileWork::patch_sitemap) {
            patch_sitemap(options.out_dir, before.hashes.at(file.path), rendering.prepared->site, file.schools,
                          rendering.context, record.school_pages, tree);
            continue;
        }
        patches.push_back({file.path, before.hashes.at(file.path), std::move(record.fragments[file.path]),
                           replacements_for(file, loaded, rendering), file.work == FileWork::patch_rows});
    }
    patch_files(options.out_dir, patches, tree, kWorkbookCreated, before.hashes,
                workbook_chunks_folder(cache_dir_of(options)), sizes);
    for (auto& patch : patches) record.fragments[patch.path] = std::move(patch.spans);
    return sizes;
}

// What waits for the pages and patches: the data page (it prints the open
// data's sizes), then the feeds, sitemap, copied files and assets.
void render_after_patches(const BuildOptions& options, const BuildPlan& plan, Rendering& rendering, Pages& pages,
                          std::map<std::string, std::uint64_t>& sizes, BuildRecord& record, write::OutputTree& tree) {
    if (!rendering.prepared) return;
    const model::Site& site = rendering.prepared->site;
    if (plan.renders_district()) {
        std::set<std::string_view> slugs;  // not a search of the schools per entry: 40 000² compares
        for (const auto& school : site.schools) slugs.insert(school.slug);
        std::erase_if(record.school_pages, [&](const auto& entry) { return slugs.count(entry.first) == 0; });
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
                                   rendering.prepared->photos.files, &tree);
    for (const auto& [path, file] : files) put_file(tree, file);
}

}  // namespace shnor::pipeline
