#include "pipeline/school_fragments.hpp"

#include "fetch/libraries.hpp"
#include "model/url.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/publish.hpp"
#include "pipeline/render_pages.hpp"
#include "pipeline/school_site.hpp"
#include "pipeline/stamps.hpp"
#include "view/site_index.hpp"


namespace shnor::pipeline {

std::string fragment_file_name(const std::string& section_path) {
    std::string name = section_path;
    while (!name.empty() && name.back() == '/') name.pop_back();
    if (name.empty()) return "main.html";
    for (char& c : name)
        if (c == '/') c = '-';
    return name + ".html";
}

namespace {

// The value of each ` <attribute>="…"` in `html` replaced by `changed(value)`.
// Our layouts and cmark write every attribute in double quotes and escape a
// '"' in text, so ` href="` occurs only inside tags.
template <class Change>
std::string with_attribute_values_changed(const std::string& html, std::string_view attribute, const Change& changed) {
    const std::string opening = " " + std::string(attribute) + "=\"";
    std::string out;
    out.reserve(html.size() + html.size() / 8);
    std::size_t at = 0;
    for (std::size_t found = html.find(opening); found != std::string::npos; found = html.find(opening, at)) {
        std::size_t start = found + opening.size();
        std::size_t end = html.find('"', start);
        if (end == std::string::npos) break;
        out.append(html, at, start - at);
        out += changed(html.substr(start, end - start));
        at = end;
    }
    out.append(html, at, std::string::npos);
    return out;
}

}  // namespace

std::string with_absolute_links(const std::string& html, const std::string& page_url) {
    auto absolute = [&](const std::string& link) {
        if (link.empty() || link.front() == '#' || model::url_kind(link) != model::UrlKind::relative) return link;
        return fetch::resolved_url(page_url, link).value_or(link);
    };
    return with_attribute_values_changed(with_attribute_values_changed(html, "href", absolute), "src", absolute);
}

namespace {

std::string string_of(const view::Data& data, const std::string& key) {
    const view::Data* value = data.get(key);
    return value && value->is_string() ? value->string_value() : std::string();
}

struct PageFragment {
    std::string file;      // in the output folder
    std::string title;     // the page's title
    std::string page_url;  // the same page on the district site
    std::string html;
};

// Each page of the school's section as a fragment, in the section's order.
std::vector<PageFragment> section_fragments(const model::Site& site, const BuildOptions& options,
                                            const view::BuildContext& context, const view::Data& sources) {
    render::Templates templates(layout_folders(options));
    const std::string base_url = with_trailing_slash(options.base_url);
    const std::string section = "schools/" + options.school + "/";
    std::vector<PageFragment> fragments;
    for (const auto& school : site.schools) {
        if (school.slug != options.school) continue;
        const view::detail::SiteIndex index(site);
        for (auto& page : view::school_pages(index, school, context)) {
            page.data.set("sources", sources);
            PageFragment fragment{fragment_file_name(page.path.substr(section.size())), string_of(page.data, "title"),
                                  base_url + page.path, {}};
            std::string content = render_school_page_content(templates, page);
            view::Data data = page.data;
            data.set("content", std::move(content));
            data.set("page_url", fragment.page_url);
            fragment.html = with_absolute_links(with_marked_links_absolute(templates.render("fragment", data), base_url),
                                                fragment.page_url);
            fragments.push_back(std::move(fragment));
        }
    }
    return fragments;
}

// The page that shows each fragment with its code to copy and how to paste it.
std::string fragments_index(const model::Site& site, const BuildOptions& options,
                            const std::vector<PageFragment>& fragments) {
    render::Templates templates(layout_folders(options));
    view::Data list(view::Data::type::list);
    for (const auto& fragment : fragments) {
        view::Data entry;
        entry.set("id", fragment.file.substr(0, fragment.file.size() - 5));
        entry.set("file", fragment.file);
        entry.set("title", fragment.title);
        entry.set("page_url", fragment.page_url);
        entry.set("code", fragment.html);
        list.push_back(std::move(entry));
    }
    view::Data data;
    for (const auto& school : site.schools)
        if (school.slug == options.school) data.set("school_name", school.name);
    data.set("district_name", site.config.district.name);
    data.set("base_url", with_trailing_slash(options.base_url));
    data.set("fragments", std::move(list));
    return templates.render("fragment_index", data);
}

}  // namespace

// Like a --school build, it reuses nothing of the last one but its list of
// files (what it may remove).
void build_school_fragments(const BuildOptions& requested, BuildReport& report) {
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
        BuildRecord record;
        record.key = "fragments " + options.school + " " + build_key(options);
        record.written_ns = now_ns();
        // The pages the district site has of the school, each of which a
        // fragment links to: not the glossary page of a --school folder
        // (the fragments' abbreviations carry their expansions).
        view::BuildContext context = context_of(options, *prepared);
        context.school_build.clear();
        auto fragments = section_fragments(prepared->site, options, context, prepared->sources);
        tree.put(std::string(kFragmentsIndex), fragments_index(prepared->site, options, fragments));
        for (const auto& fragment : fragments) tree.put(fragment.file, fragment.html);
        report.pages = fragments.size();
        report.files = fragments.size() + 1;
        auto summary = tree.commit();
        record.files = tree.take_files();
        record.tree = tree.take_published();
        report.written_files = summary.written;
        report.removed_files = summary.removed;
        publish(tree, record_file, record);
        report.written = true;
    } catch (const std::exception& failure) {
        report.diagnostics.error(options.out_dir.string(), 0, "", failure.what());
    }
}

}  // namespace shnor::pipeline
