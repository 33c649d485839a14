#include "pipeline/pipeline.hpp"

#include "derive/derive.hpp"
#include "load/district_source.hpp"
#include "load/load.hpp"
#include "pipeline/school_site.hpp"
#include "render/templates.hpp"
#include "view/json_data.hpp"
#include "view/site_index.hpp"
#include "view/view.hpp"
#include "parallel/parallel.hpp"
#include "write/output_tree.hpp"
#include "write/write.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <ctime>
#include <stdexcept>

namespace shnor::pipeline {

namespace fs = std::filesystem;

model::Date today() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return model::Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

namespace {

// SHNOR_TIMINGS=1 prints how long each stage took, for profiling.
class StageClock {
public:
    StageClock() : enabled_(std::getenv("SHNOR_TIMINGS") != nullptr), last_(std::chrono::steady_clock::now()) {}
    void lap(const char* stage) {
        if (!enabled_) return;
        auto now = std::chrono::steady_clock::now();
        std::fprintf(stderr, "%-14s %7.3f s\n", stage, std::chrono::duration<double>(now - last_).count());
        last_ = now;
    }

private:
    bool enabled_;
    std::chrono::steady_clock::time_point last_;
};

StageClock& stage_clock() {
    static StageClock clock;
    return clock;
}

std::string with_trailing_slash(std::string url) {
    if (!url.empty() && url.back() != '/') url += '/';
    return url;
}

std::vector<fs::path> layout_folders(const BuildOptions& options) {
    std::vector<fs::path> folders;
    fs::path own = options.content_dir / "layouts";
    if (fs::is_directory(own)) folders.push_back(own);
    folders.push_back(options.builtin_layouts);
    return folders;
}

void add_assets(const fs::path& assets_dir, std::vector<write::OutputFile>& files) {
    if (!fs::is_directory(assets_dir)) return;
    for (const auto& entry : fs::recursive_directory_iterator(assets_dir)) {
        if (!entry.is_regular_file()) continue;
        std::string relative = fs::relative(entry.path(), assets_dir).generic_string();
        files.push_back({"assets/" + relative, "", entry.path()});
    }
}

bool school_build(const BuildOptions& options) { return !options.school.empty(); }

// Where assets go in a page rendered once for both copies; replaced by the
// real prefix of each copy. A private-use code point never occurs in content.
constexpr std::string_view kAssetRootMark = "\xEE\x80\x83";  // U+E003

std::string with_mark_replaced(const std::string& text, std::string_view mark, const std::string& value) {
    std::string out;
    out.reserve(text.size() + 64);
    std::size_t at = 0;
    for (std::size_t found = text.find(mark); found != std::string::npos; found = text.find(mark, at)) {
        out.append(text, at, found - at);
        out += value;
        at = found + mark.size();
    }
    out.append(text, at, std::string::npos);
    return out;
}

struct RenderedPage {
    std::string path;  // output file path
    std::string html;
};

// The version for visually impaired readers (ГОСТ Р 52872-2019) is a second
// copy of every page under vi/, so it works without JavaScript or cookies.
// Its links stay inside vi/; assets and files are shared with the main site,
// so the two copies differ only in the asset prefix and in the base layout:
// the page's own layout is rendered once for both.
std::vector<RenderedPage> render_district_page(render::Templates& templates, view::PageSpec& page) {
    const view::Data* given_root = page.data.get("root");
    std::string root = given_root && given_root->is_string() ? given_root->string_value() : std::string();
    bool has_vi_copy = page.path != "404.html";
    std::string vi_path = "vi/" + page.path;
    std::string vi_asset_root = view::root_prefix_of(vi_path);
    page.data.set("page_path", page.path);
    page.data.set("asset_root", std::string(kAssetRootMark));
    std::string content = templates.render(page.layout, page.data);

    std::vector<RenderedPage> pages;
    page.data.set("vi", false);
    page.data.set("asset_root", root);
    page.data.set("content", with_mark_replaced(content, kAssetRootMark, root));
    pages.push_back({view::output_path_of(page.path), templates.render("base", page.data)});
    if (!has_vi_copy) return pages;
    if (root != view::root_prefix_of(page.path)) {
        page.data.set("root", view::root_prefix_of(page.path));
        page.data.set("asset_root", std::string(kAssetRootMark));
        content = templates.render(page.layout, page.data);
    }
    page.data.set("vi", true);
    page.data.set("asset_root", vi_asset_root);
    page.data.set("content", with_mark_replaced(content, kAssetRootMark, vi_asset_root));
    pages.push_back({view::output_path_of(vi_path), templates.render("base", page.data)});
    return pages;
}

// A school build renders the copies separately: their links carry different
// markers for relocate_to_school().
std::vector<RenderedPage> render_school_build_page(render::Templates& templates, view::PageSpec& page) {
    std::vector<RenderedPage> pages;
    if (page.path != "404.html") {
        view::Data data = page.data;
        data.set("vi", true);
        data.set("page_path", page.path);
        mark_roots_for_school(data, page.path, true);
        pages.push_back({view::output_path_of("vi/" + page.path), templates.render_page(page.layout, std::move(data))});
    }
    page.data.set("vi", false);
    page.data.set("page_path", page.path);
    mark_roots_for_school(page.data, page.path, false);
    pages.push_back({view::output_path_of(page.path), templates.render_page(page.layout, std::move(page.data))});
    return pages;
}

// Files that are not rendered pages: open data, feeds, copied documents and
// photos, assets (a content tree's assets replace built-in ones of the same name).
std::map<std::string, write::OutputFile> other_files(const model::Site& site, const BuildOptions& options,
                                                     const view::BuildContext& context,
                                                     const std::vector<std::string>& page_paths) {
    std::map<std::string, write::OutputFile> files;
    auto add = [&](write::OutputFile file) { files[file.path] = std::move(file); };
    if (!school_build(options)) {
        for (auto& file : view::open_data(site, context)) add({file.path, std::move(file.bytes), {}});
        for (auto& file : view::feeds(site, context, page_paths)) add({file.path, std::move(file.bytes), {}});
    }
    for (auto& file : view::copied_files(site)) add({file.path, "", file.source});
    std::vector<write::OutputFile> assets;
    add_assets(options.builtin_assets, assets);
    add_assets(options.content_dir / "assets", assets);
    for (auto& file : assets) add(std::move(file));
    return files;
}

void put_file(write::OutputTree& tree, const write::OutputFile& file) {
    if (file.copy_from.empty()) tree.put(file.path, file.bytes);
    else tree.copy(file.path, file.copy_from);
}

struct TaskPages {
    std::vector<std::string> page_paths;  // PageSpec paths, for the sitemap
    std::size_t files = 0;               // HTML files written
};

// The district's pages and each school's section are independent tasks:
// each builds its pages' data, renders and hands them to the output tree,
// and keeps nothing but the paths.
void render_district_build(const model::Site& site, const view::BuildContext& context, const view::Data& sources,
                           render::Templates& templates, write::OutputTree& tree, std::vector<TaskPages>& tasks) {
    const view::detail::SiteIndex index(site);
    stage_clock().lap("index");
    tasks.assign(site.schools.size() + 1, {});
    parallel::for_each_index(tasks.size(), [&](std::size_t task) {
        auto pages = task == 0 ? view::district_pages(index, context)
                               : view::school_pages(index, site.schools[task - 1], context);
        for (auto& page : pages) {
            page.data.set("sources", sources);
            tasks[task].page_paths.push_back(page.path);
            for (auto& rendered : render_district_page(templates, page)) {
                tree.put(rendered.path, rendered.html);
                ++tasks[task].files;
            }
        }
    });
}

void write_district_build(const model::Site& site, const BuildOptions& options, const view::BuildContext& context,
                          const view::Data& sources, BuildReport& report) {
    render::Templates templates(layout_folders(options));
    templates.compile_all();
    write::OutputTree tree(options.out_dir, {}, false);
    std::vector<TaskPages> tasks;
    render_district_build(site, context, sources, templates, tree, tasks);
    stage_clock().lap("pages");
    std::vector<std::string> page_paths;
    for (auto& task : tasks) {
        report.pages += task.files;
        page_paths.insert(page_paths.end(), task.page_paths.begin(), task.page_paths.end());
    }
    auto files = other_files(site, options, context, page_paths);
    stage_clock().lap("other files");
    for (const auto& [path, file] : files) put_file(tree, file);
    report.files = report.pages + files.size();
    auto summary = tree.commit();
    stage_clock().lap("commit");
    report.written_files = summary.written;
    report.removed_files = summary.removed;
}

void write_school_build(const model::Site& site, const BuildOptions& options, const view::BuildContext& context,
                        const view::Data& sources, const std::string& district_base_url, BuildReport& report) {
    render::Templates templates(layout_folders(options));
    std::vector<write::OutputFile> files;
    std::vector<std::string> page_paths;
    for (const auto& school : site.schools) {
        if (school.slug != options.school) continue;
        const view::detail::SiteIndex index(site);
        for (auto& page : view::school_pages(index, school, context)) {
            page.data.set("sources", sources);
            page_paths.push_back(page.path);
            for (auto& rendered : render_school_build_page(templates, page))
                files.push_back({rendered.path, std::move(rendered.html), {}});
        }
    }
    report.pages = files.size();
    for (auto& [path, file] : other_files(site, options, context, page_paths)) files.push_back(std::move(file));
    files = relocate_to_school(std::move(files), {options.school, with_trailing_slash(district_base_url)});
    report.files = files.size();
    write::OutputTree tree(options.out_dir, {}, false);
    for (const auto& file : files) put_file(tree, file);
    auto summary = tree.commit();
    report.written_files = summary.written;
    report.removed_files = summary.removed;
}

bool has_school(const model::Site& site, const std::string& slug) {
    for (const auto& school : site.schools)
        if (school.slug == slug) return true;
    return false;
}

}  // namespace

BuildReport build_site(const BuildOptions& options) {
    auto started = std::chrono::steady_clock::now();
    stage_clock();
    BuildReport report;
    load::LoadResult loaded = load::load_site(options.content_dir);
    report.diagnostics = std::move(loaded.diagnostics);
    stage_clock().lap("load");
    if (report.diagnostics.has_errors()) return report;

    model::Site& site = loaded.site;
    if (school_build(options) && !has_school(site, options.school)) {
        report.diagnostics.error("schools/" + options.school, 0, "", "нет раздела школы «" + options.school + "»");
        return report;
    }
    SharedData shared = fetch_shared_data(site.config.sources, options.content_dir, options.sources, report.diagnostics);
    stage_clock().lap("fetch");
    if (report.diagnostics.has_errors()) return report;
    add_shared_results(site, shared.results);
    std::string district_base_url = site.config.base_url;
    for (const auto& source : site.config.sources) {
        if (source.role != "district" || !shared.data.count(source.id)) continue;
        std::string base = load::merge_district_data(site, shared.data.at(source.id), options.school, source.url,
                                                     report.diagnostics);
        if (!base.empty()) district_base_url = base;
    }
    if (report.diagnostics.has_errors()) return report;
    view::Data sources;
    for (const auto& [id, data] : shared.data) sources.set(id, view::data_of_json(data));
    derive::derive_site(site, options.build_date);
    stage_clock().lap("derive");
    view::BuildContext context{options.build_date,
                               with_trailing_slash(options.base_url.empty() ? site.config.base_url : options.base_url)};
    try {
        if (school_build(options)) write_school_build(site, options, context, sources, district_base_url, report);
        else write_district_build(site, options, context, sources, report);
        report.written = true;
    } catch (const std::exception& failure) {
        report.diagnostics.error(options.out_dir.string(), 0, "", failure.what());
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace shnor::pipeline
