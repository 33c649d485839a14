#include "pipeline/prepare.hpp"

#include "derive/derive.hpp"
#include "load/district_source.hpp"
#include "load/parts.hpp"
#include "pipeline/stage_clock.hpp"
#include "pipeline/stamps.hpp"
#include "view/json_data.hpp"

#include <set>

namespace shnor::pipeline {

namespace fs = std::filesystem;

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

static bool has_school(const model::Site& site, const std::string& slug) {
    for (const auto& school : site.schools)
        if (school.slug == slug) return true;
    return false;
}

std::optional<PreparedSite> prepare_site(const BuildOptions& options, load::SchoolLoader loader, BuildReport& report) {
    load::LoadResult loaded = load::load_site(options.content_dir, std::move(loader));
    report.diagnostics = std::move(loaded.diagnostics);
    stage_clock().lap("load");
    if (report.diagnostics.has_errors()) return std::nullopt;
    PreparedSite prepared{std::move(loaded.site), {}, {}, {}};
    model::Site& site = prepared.site;
    if (!options.school.empty() && !has_school(site, options.school)) {
        report.diagnostics.error("schools/" + options.school, 0, "", "нет раздела школы «" + options.school + "»");
        return std::nullopt;
    }
    prepared.shared = fetch_shared_data(site.config.sources, options.content_dir, options.sources, report.diagnostics);
    stage_clock().lap("fetch");
    if (report.diagnostics.has_errors()) return std::nullopt;
    load::check_shared_rows(site, prepared.shared.results, report.diagnostics);
    add_shared_results(site, prepared.shared.results);
    prepared.district_base_url = site.config.base_url;
    for (const auto& source : site.config.sources) {
        if (source.role != "district" || !prepared.shared.data.count(source.id)) continue;
        std::string base = load::merge_district_data(site, prepared.shared.data.at(source.id), options.school,
                                                     source.url, report.diagnostics);
        if (!base.empty()) prepared.district_base_url = base;
    }
    if (report.diagnostics.has_errors()) return std::nullopt;
    for (const auto& [id, data] : prepared.shared.data) prepared.sources.set(id, view::data_of_json(data));
    derive::derive_site(site, options.build_date);
    stage_clock().lap("derive");
    std::set<std::string> documents;
    for (const auto& file : view::copied_files(site)) documents.insert(file.path);
    prepared.photos = publish_photos(site, cache_dir_of(options), documents, report.diagnostics);
    stage_clock().lap("photos");
    if (report.diagnostics.has_errors()) return std::nullopt;
    return prepared;
}

view::BuildContext context_of(const BuildOptions& options, const PreparedSite& prepared) {
    const model::Site& site = prepared.site;
    return {options.build_date,
            with_trailing_slash(options.base_url.empty() ? site.config.base_url : options.base_url),
            std::make_shared<const render::Glossary>(site.config.glossary), options.school, prepared.photos.published};
}

}  // namespace shnor::pipeline
