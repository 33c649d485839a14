#include "pipeline/pipeline.hpp"

#include "derive/derive.hpp"
#include "load/district_source.hpp"
#include "load/load.hpp"
#include "pipeline/school_site.hpp"
#include "render/templates.hpp"
#include "view/json_data.hpp"
#include "view/view.hpp"
#include "write/write.hpp"

#include <chrono>
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

bool in_build(const view::PageSpec& page, const BuildOptions& options) {
    return !school_build(options) || page.path.rfind("schools/" + options.school + "/", 0) == 0;
}

// The version for visually impaired readers (ГОСТ Р 52872-2019) is a second
// copy of every page under vi/, so it works without JavaScript or cookies.
write::OutputFile render_low_vision_copy(render::Templates& templates, const view::PageSpec& page,
                                         const BuildOptions& options) {
    std::string path = "vi/" + page.path;
    view::Data data = page.data;
    data.set("vi", true);
    data.set("page_path", page.path);
    // Page links stay inside vi/; assets and files are shared with the main site.
    data.set("root", view::root_prefix_of(page.path));
    data.set("asset_root", view::root_prefix_of(path));
    if (school_build(options)) mark_roots_for_school(data, page.path, true);
    return {view::output_path_of(path), templates.render_page(page.layout, std::move(data)), {}};
}

write::OutputFile render_main_copy(render::Templates& templates, view::PageSpec& page, const BuildOptions& options) {
    page.data.set("vi", false);
    const view::Data* root = page.data.get("root");
    page.data.set("asset_root", root && root->is_string() ? root->string_value() : std::string());
    page.data.set("page_path", page.path);
    if (school_build(options)) mark_roots_for_school(page.data, page.path, false);
    return {view::output_path_of(page.path), templates.render_page(page.layout, std::move(page.data)), {}};
}

std::vector<write::OutputFile> render_everything(const model::Site& site, const BuildOptions& options,
                                                 const view::BuildContext& context, const view::Data& sources,
                                                 BuildReport& report) {
    render::Templates templates(layout_folders(options));
    std::vector<write::OutputFile> files;
    std::vector<std::string> page_paths;
    for (auto& page : view::html_pages(site, context)) {
        if (!in_build(page, options)) continue;
        page.data.set("sources", sources);
        if (page.path != "404.html") files.push_back(render_low_vision_copy(templates, page, options));
        page_paths.push_back(page.path);
        files.push_back(render_main_copy(templates, page, options));
    }
    report.pages = files.size();
    if (!school_build(options)) {
        for (auto& file : view::open_data(site, context)) files.push_back({file.path, std::move(file.bytes), {}});
        for (auto& file : view::feeds(site, context, page_paths)) files.push_back({file.path, std::move(file.bytes), {}});
    }
    for (auto& file : view::copied_files(site)) files.push_back({file.path, "", file.source});
    add_assets(options.builtin_assets, files);
    add_assets(options.content_dir / "assets", files);
    return files;
}

bool has_school(const model::Site& site, const std::string& slug) {
    for (const auto& school : site.schools)
        if (school.slug == slug) return true;
    return false;
}

}  // namespace

BuildReport build_site(const BuildOptions& options) {
    auto started = std::chrono::steady_clock::now();
    BuildReport report;
    load::LoadResult loaded = load::load_site(options.content_dir);
    report.diagnostics = std::move(loaded.diagnostics);
    if (report.diagnostics.has_errors()) return report;

    model::Site& site = loaded.site;
    if (school_build(options) && !has_school(site, options.school)) {
        report.diagnostics.error("schools/" + options.school, 0, "", "нет раздела школы «" + options.school + "»");
        return report;
    }
    SharedData shared = fetch_shared_data(site.config.sources, options.content_dir, options.sources, report.diagnostics);
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
    view::BuildContext context{options.build_date,
                               with_trailing_slash(options.base_url.empty() ? site.config.base_url : options.base_url)};
    try {
        auto files = render_everything(site, options, context, sources, report);
        if (school_build(options))
            files = relocate_to_school(std::move(files), {options.school, with_trailing_slash(district_base_url)});
        report.files = files.size();
        write::replace_tree(options.out_dir, files);
        report.written = true;
    } catch (const std::exception& failure) {
        report.diagnostics.error(options.out_dir.string(), 0, "", failure.what());
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace shnor::pipeline
