#include "pipeline/school_site.hpp"

#include "pipeline/prepare.hpp"
#include "pipeline/publish.hpp"
#include "pipeline/render_pages.hpp"
#include "pipeline/render_tasks.hpp"
#include "pipeline/stamps.hpp"
#include "view/site_index.hpp"

#include <optional>

namespace shnor::pipeline {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Where a file of the full site goes in the school's folder, if it goes at all.
std::optional<std::string> school_path_of(const std::string& site_path, const std::string& section) {
    if (starts_with(site_path, section)) return site_path.substr(section.size());
    if (starts_with(site_path, "vi/" + section)) return "vi/" + site_path.substr(3 + section.size());
    if (starts_with(site_path, "assets/")) return site_path;
    return std::nullopt;
}

// `site_path` is what followed a marker: a path from the site root.
std::string resolve(const std::string& site_path, const std::string& page_prefix, const std::string& section,
                    const SchoolSite& school) {
    if (auto moved = school_path_of(site_path, section)) {
        std::string relative = page_prefix + *moved;
        return relative.empty() ? "./" : relative;
    }
    return school.district_base_url + site_path;
}

// Replaces each marker and the path after it by `resolved(path from the
// site root)`. The path ends at the first character that cannot be part of a
// URL in our attributes.
template <class Resolve>
std::string resolve_markers(const std::string& html, const Resolve& resolved) {
    std::string out;
    out.reserve(html.size());
    std::size_t at = 0;
    while (true) {
        std::size_t found = html.find("\xEE\x80", at);
        if (found == std::string::npos || found + 2 >= html.size()) break;
        auto kind = static_cast<unsigned char>(html[found + 2]);
        if (kind < 0x80 || kind > 0x82) {
            out.append(html, at, found + 3 - at);
            at = found + 3;
            continue;
        }
        out.append(html, at, found - at);
        std::size_t end = html.find_first_of("\"'<> \n", found + 3);
        if (end == std::string::npos) end = html.size();
        std::string path = html.substr(found + 3, end - found - 3);
        if (kind == 0x81) path = "vi/" + path;
        out += resolved(path);
        at = end;
    }
    out.append(html, at, std::string::npos);
    return out;
}

std::string resolve_markers(const std::string& html, const std::string& page_prefix, const SchoolSite& school) {
    const std::string section = "schools/" + school.slug + "/";
    return resolve_markers(html, [&](const std::string& path) { return resolve(path, page_prefix, section, school); });
}

bool is_html(const std::string& path) { return path.size() > 5 && path.compare(path.size() - 5, 5, ".html") == 0; }

}  // namespace

void mark_roots_for_school(view::Data& data, const std::string& page_path, bool vi) {
    data.set("root", std::string(vi ? kViRootMarker : kRootMarker));
    data.set("home_href", std::string(vi ? kViRootMarker : kRootMarker));
    data.set("asset_root", std::string(kAssetRootMarker));
    // The school's own address is not known here: a relative canonical link
    // to the main copy of the page still tells search engines which is which.
    data.set("canonical", std::string(kRootMarker) + page_path);
}

std::string with_marked_links_absolute(const std::string& html, const std::string& district_base_url) {
    return resolve_markers(html, [&](const std::string& path) { return district_base_url + path; });
}

std::vector<write::OutputFile> relocate_to_school(std::vector<write::OutputFile> files, const SchoolSite& school) {
    const std::string section = "schools/" + school.slug + "/";
    std::vector<write::OutputFile> kept;
    for (auto& file : files) {
        auto moved = school_path_of(file.path, section);
        if (!moved) continue;
        file.path = *moved;
        if (is_html(file.path) && file.copy_from.empty())
            file.bytes = resolve_markers(file.bytes, view::root_prefix_of(file.path), school);
        kept.push_back(std::move(file));
    }
    return kept;
}

namespace {

void write_school_build(const model::Site& site, const BuildOptions& options, const view::BuildContext& context,
                        const view::Data& sources, const std::string& district_base_url,
                        const std::vector<write::OutputFile>& photos, BuildReport& report,
                        write::OutputTree& tree, BuildRecord& record) {
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
    for (auto& [path, file] : files_after_pages(site, options, context, page_paths, photos)) {
        if (path == "sitemap.xml" || path == "robots.txt" || path.starts_with("news/")) continue;  // the district's
        files.push_back(std::move(file));
    }
    files = relocate_to_school(std::move(files), {options.school, with_trailing_slash(district_base_url)});
    report.files = files.size();
    for (const auto& file : files) put_file(tree, file);
    auto summary = tree.commit();
    record.files = tree.take_files();
    record.tree = tree.take_published();
    report.written_files = summary.written;
    report.removed_files = summary.removed;
}

}  // namespace

// A school build reuses nothing of the last one but its list of files (what
// it may remove): it renders one section, so it needs no plan.
void build_school_site(const BuildOptions& requested, BuildReport& report) {
    auto folder = open_output_folder(requested, report);
    if (!folder) return;
    auto resolved = with_builtin_folders(requested, report);
    if (!resolved) return;
    const BuildOptions& options = *resolved;
    auto prepared = prepare_site(options, {}, report);
    if (!prepared) return;
    try {
        std::filesystem::path record_file = record_path(cache_dir_of(options), options.out_dir);
        auto previous = folder_record(record_file, *folder, RecordPart::whole);
        std::vector<std::string> altered;
        if (previous) altered = altered_files(record_file, *previous, *folder).value_or(std::vector<std::string>{});
        report.repaired = altered;
        write::OutputTree tree(*folder, tree_previous(previous ? &*previous : nullptr, options, std::move(altered)));
        BuildRecord record;  // only the output: a school build reuses nothing else
        record.key = "school " + options.school + " " + build_key(options);
        record.written_ns = now_ns();
        write_school_build(prepared->site, options, context_of(options, *prepared), prepared->sources,
                           prepared->district_base_url, prepared->photos.files, report, tree, record);
        publish(tree, record_file, record);
        report.written = true;
    } catch (const std::exception& failure) {
        report.diagnostics.error(options.out_dir.string(), 0, "", failure.what());
    }
}

}  // namespace shnor::pipeline
