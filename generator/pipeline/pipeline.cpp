#include "pipeline/pipeline.hpp"

#include "derive/derive.hpp"
#include "load/district_source.hpp"
#include "load/load.hpp"
#include "load/parts.hpp"
#include "pipeline/school_site.hpp"
#include "render/escape.hpp"
#include "render/templates.hpp"
#include "view/json_data.hpp"
#include "view/site_index.hpp"
#include "view/view.hpp"
#include "parallel/parallel.hpp"
#include "cache/school_store.hpp"
#include "pipeline/build_record.hpp"
#include "pipeline/photos.hpp"
#include "pipeline/open_data_xlsx.hpp"
#include "pipeline/school_parts.hpp"
#include "write/mapped_file.hpp"
#include "write/output_tree.hpp"
#include "write/write.hpp"

#include <charconv>
#include <chrono>
#include <deque>
#include <iterator>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <ctime>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <sys/resource.h>

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
    bool enabled() const { return enabled_; }
    void lap(const char* stage) {
        if (!enabled_) return;
        auto now = std::chrono::steady_clock::now();
        struct rusage usage {};
        ::getrusage(RUSAGE_SELF, &usage);
        std::fprintf(stderr, "%-14s %7.3f s %7ld faults %6ld MB peak\n", stage,
                     std::chrono::duration<double>(now - last_).count(), usage.ru_minflt - last_faults_,
                     usage.ru_maxrss / 1024);
        last_faults_ = usage.ru_minflt;
        last_ = now;
    }

private:
    bool enabled_;
    std::chrono::steady_clock::time_point last_;
    long last_faults_ = 0;
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

// The version for visually impaired readers leaves the results charts out
// (ГОСТ Р 52872-2019): the tables beside them carry the numbers in large
// type. Its other images follow the reader's choice (.vi-settings): each is
// followed by its alt text, which CSS shows in the image's place when the
// reader turns images off (screen readers have the alt already).
std::string vi_copy_of(std::string html) {
    constexpr std::string_view open = "<figure class=\"chart\">", close = "</figure>";
    for (auto start = html.find(open); start != std::string::npos; start = html.find(open, start)) {
        auto end = html.find(close, start);
        if (end == std::string::npos) break;
        html.erase(start, end + close.size() - start);
    }
    constexpr std::string_view image = "<img ", alt = " alt=\"", picture_end = "</picture>";
    for (auto start = html.find(image); start != std::string::npos; start = html.find(image, start + 1)) {
        auto end = html.find('>', start);
        if (end == std::string::npos) break;
        auto alt_at = html.find(alt, start);
        if (alt_at == std::string::npos || alt_at > end) continue;
        auto text_at = alt_at + alt.size();
        auto text_end = html.find('"', text_at);  // the value is escaped: no '"' inside
        if (text_end == std::string::npos || text_end > end || text_end == text_at) continue;
        auto after = end + 1;
        if (std::string_view(html).substr(after, picture_end.size()) == picture_end) after += picture_end.size();
        html.insert(after, "<span class=\"vi-alt\" aria-hidden=\"true\">" + html.substr(text_at, text_end - text_at) +
                               "</span>");
    }
    return html;
}

struct RenderedPage {
    std::string path;  // output file path
    std::string html;
    std::vector<FragmentSpan> fragments;  // where its fragments lie, when each was placed once
};

// Renders the page's fragments, each from its own data (made now, when lazy).
std::vector<std::string> render_fragments(render::Templates& templates, const view::PageSpec& page) {
    std::vector<std::string> rendered;
    rendered.reserve(page.fragments.size());
    for (const auto& fragment : page.fragments) {
        rendered.push_back(templates.render(fragment.layout, fragment.make_data ? fragment.make_data() : fragment.data));
        if (fragment.expand_abbreviations && page.glossary)
            rendered.back() = page.glossary->expand_first_uses(rendered.back());
    }
    return rendered;
}

struct MarkAt {
    std::size_t at, length, index;
};

// Every fragment mark in the page, in one pass (the schools list has thousands).
std::vector<MarkAt> fragment_marks_in(const std::string& html, std::size_t fragment_count) {
    std::vector<MarkAt> marks;
    for (std::size_t at = html.find(view::kFragmentMarkStart); at != std::string::npos;
         at = html.find(view::kFragmentMarkStart, at + 1)) {
        std::size_t digits = at + view::kFragmentMarkStart.size();
        std::size_t index = 0;
        auto [end, error] = std::from_chars(html.data() + digits, html.data() + html.size(), index);
        if (error != std::errc() || index >= fragment_count ||
            std::string_view(end, html.data() + html.size()).substr(0, view::kFragmentMarkEnd.size()) !=
                view::kFragmentMarkEnd)
            continue;
        std::size_t length = static_cast<std::size_t>(end - html.data()) + view::kFragmentMarkEnd.size() - at;
        marks.push_back({at, length, index});
    }
    return marks;
}

// Puts the fragments where their marks are. A fragment whose mark is
// printed once gets a span; one printed twice or not at all (a layout of
// the content's own) gets none, so no later build patches it.
void place_fragments(RenderedPage& page, const std::vector<view::Fragment>& fragments,
                     const std::vector<std::string>& rendered, bool vi) {
    auto marks = fragment_marks_in(page.html, fragments.size());
    if (marks.empty()) return;
    std::vector<int> printed(fragments.size(), 0);
    for (const auto& mark : marks) ++printed[mark.index];
    for (std::size_t index = 0; index < fragments.size(); ++index)
        if (printed[index] > 1) page.fragments.push_back({fragments[index].key, FragmentSpan::kNowhere, 0});
    std::string html;
    html.reserve(page.html.size() + page.html.size() / 2);
    std::size_t copied = 0;
    for (const auto& mark : marks) {
        html.append(page.html, copied, mark.at - copied);
        const std::string& fragment = rendered[mark.index];
        if (printed[mark.index] == 1) page.fragments.push_back({fragments[mark.index].key, html.size(), 0});
        std::size_t start = html.size();
        html += vi ? vi_copy_of(fragment) : fragment;
        if (printed[mark.index] == 1) page.fragments.back().length = html.size() - start;
        copied = mark.at + mark.length;
    }
    html.append(page.html, copied, std::string::npos);
    page.html = std::move(html);
}

// The first use of each abbreviation on the page gets <abbr title>. Only
// the page around its fragments is searched: a fragment (a school's index.md
// text, a row of the schools list) is patched in later builds without the
// rest of its page, so nothing in it may depend on what precedes it. The
// school's text is searched on its own (render_fragments, FragmentBuild).
void expand_abbreviations(RenderedPage& rendered, const view::PageSpec& page) {
    if (page.glossary) rendered.html = page.glossary->expand_first_uses(rendered.html);
}

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
    auto fragments = render_fragments(templates, page);
    std::string content = templates.render(page.layout, page.data);

    std::vector<RenderedPage> pages;
    page.data.set("vi", false);
    page.data.set("asset_root", root);
    page.data["content"] = view::Data(with_mark_replaced(content, kAssetRootMark, root));  // moved, not copied
    pages.push_back({view::output_path_of(page.path), templates.render("base", page.data), {}});
    expand_abbreviations(pages.back(), page);
    place_fragments(pages.back(), page.fragments, fragments, false);
    if (!has_vi_copy) return pages;
    if (root != view::root_prefix_of(page.path)) {
        page.data.set("root", view::root_prefix_of(page.path));
        page.data.set("asset_root", std::string(kAssetRootMark));
        content = templates.render(page.layout, page.data);
    }
    page.data.set("vi", true);
    page.data.set("asset_root", vi_asset_root);
    page.data["content"] = view::Data(vi_copy_of(with_mark_replaced(content, kAssetRootMark, vi_asset_root)));
    pages.push_back({view::output_path_of(vi_path), templates.render("base", page.data), {}});
    expand_abbreviations(pages.back(), page);
    place_fragments(pages.back(), page.fragments, fragments, true);
    return pages;
}

// A school build renders the copies separately: their links carry different
// markers for relocate_to_school().
std::vector<RenderedPage> render_school_build_page(render::Templates& templates, view::PageSpec& page) {
    std::vector<RenderedPage> pages;
    auto fragments = render_fragments(templates, page);
    if (page.path != "404.html") {
        view::Data data = page.data;
        data.set("vi", true);
        data.set("page_path", page.path);
        mark_roots_for_school(data, page.path, true);
        pages.push_back({view::output_path_of("vi/" + page.path),
                         vi_copy_of(templates.render_page(page.layout, std::move(data))), {}});
        expand_abbreviations(pages.back(), page);
        place_fragments(pages.back(), page.fragments, fragments, true);
    }
    page.data.set("vi", false);
    page.data.set("page_path", page.path);
    mark_roots_for_school(page.data, page.path, false);
    pages.push_back({view::output_path_of(page.path), templates.render_page(page.layout, std::move(page.data)), {}});
    expand_abbreviations(pages.back(), page);
    place_fragments(pages.back(), page.fragments, fragments, false);
    return pages;
}

void put_file(write::OutputTree& tree, const write::OutputFile& file) {
    if (file.copy_from.empty()) tree.put(file.path, file.bytes);
    else tree.copy(file.path, file.copy_from);
}

struct TaskOutput {
    std::vector<std::string> page_paths;  // PageSpec paths, for the sitemap
    std::vector<std::string> files;       // output files of the task
    std::size_t html_files = 0;
    std::map<std::string, std::vector<FragmentSpan>> fragments;  // output file → its fragments
    std::map<std::string, std::uint64_t> sizes;  // open data: output file → bytes
};

// What a district build knows before rendering: which schools must be
// rendered again, and the record of the previous build when it is usable.
struct RenderPlan {
    const BuildRecord* previous = nullptr;
    std::vector<bool> render_school;  // by index in site.schools
    // The previous build's files by owning school, in path order.
    std::unordered_map<std::string_view, std::vector<std::string_view>> previous_files_of;
};

std::unordered_map<std::string_view, std::vector<std::string_view>> files_by_owner(const BuildRecord& record) {
    std::unordered_map<std::string_view, std::vector<std::string_view>> files;
    for (const auto& [path, owner] : record.file_owner) files[owner].push_back(path);
    return files;
}

void render_pages(std::vector<view::PageSpec> pages, const view::Data& sources, render::Templates& templates,
                  write::OutputTree& tree, TaskOutput& out) {
    for (auto& page : pages) {
        page.data.set("sources", sources);
        out.page_paths.push_back(page.path);
        for (auto& rendered : render_district_page(templates, page)) {
            tree.put(rendered.path, rendered.html);
            if (!rendered.fragments.empty()) out.fragments[rendered.path] = std::move(rendered.fragments);
            out.files.push_back(std::move(rendered.path));
            ++out.html_files;
        }
    }
}

// A school whose inputs did not change keeps its files and pages as they are.
void keep_school(const std::string& slug, const RenderPlan& plan, write::OutputTree& tree, TaskOutput& out) {
    if (auto files = plan.previous_files_of.find(slug); files != plan.previous_files_of.end()) {
        const auto& fragments = plan.previous->fragments;
        for (std::string_view path : files->second) {
            std::string file(path);
            tree.keep(file);
            if (auto found = fragments.find(file); found != fragments.end()) out.fragments[file] = found->second;
            out.files.push_back(std::move(file));
            if (path.ends_with(".html")) ++out.html_files;
        }
    }
    const auto& pages = plan.previous->school_pages;
    if (auto found = pages.find(slug); found != pages.end()) out.page_paths = found->second;
}

// Open data goes to the output tree as it is written, never whole in memory.
// Schools' spans go to the task's fragments, for a build that patches them.
// A CSV's bytes also make its workbook (.xlsx), put when the CSV ends.
class TreeSink : public view::TextSink {
public:
    TreeSink(write::OutputTree& tree, TaskOutput& out, model::Date build_date)
        : tree_(tree), out_(out), build_date_(build_date) {}
    void begin(const std::string& path) override {
        stream_.emplace(tree_.open(path));
        out_.files.push_back(path);
        size_ = 0;
        if (auto sheet = view::spreadsheet_of(path)) {
            workbook_path_ = sheet->path;
            workbook_.emplace(*sheet, tree_.scratch_path(), build_date_);
        }
    }
    void append(std::string_view bytes) override {
        stream_->append(bytes);
        size_ += bytes.size();
        if (workbook_) workbook_->append(bytes);
    }
    void end() override {
        stream_->close();
        stream_.reset();
        out_.sizes[out_.files.back()] = size_;
        if (!workbook_) return;
        std::string bytes = workbook_->finish();
        workbook_.reset();
        tree_.put(workbook_path_, bytes);
        out_.files.push_back(workbook_path_);
        out_.sizes[workbook_path_] = bytes.size();
    }
    void span(const std::string& key, std::size_t offset, std::size_t length) override {
        out_.fragments[out_.files.back()].push_back({key, offset, length});
    }

private:
    write::OutputTree& tree_;
    TaskOutput& out_;
    model::Date build_date_;
    std::optional<write::OutputTree::Stream> stream_;
    std::optional<WorkbookFromCsv> workbook_;
    std::string workbook_path_;
    std::uint64_t size_ = 0;
};

// The district's pages, each part of the open data and each school's section
// are independent tasks: each builds its data, renders it and hands the
// files to the output tree, keeping nothing but the paths.
std::vector<TaskOutput> render_district_build(const model::Site& site, const view::BuildContext& context,
                                              const view::Data& sources, render::Templates& templates,
                                              const RenderPlan& plan, write::OutputTree& tree) {
    const view::detail::SiteIndex index(site);
    stage_clock().lap("index");
    std::size_t data_parts = view::open_data_parts();
    std::vector<TaskOutput> tasks(data_parts + 1 + site.schools.size());
    parallel::for_each_index(tasks.size(), [&](std::size_t task) {
        auto& out = tasks[task];
        auto started = std::chrono::steady_clock::now();
        if (task < data_parts) {
            TreeSink sink(tree, out, context.build_date);
            view::write_open_data_part(site, context, task, sink);
        } else if (task == data_parts) {
            render_pages(view::district_pages(index, context), sources, templates, tree, out);
        } else {
            std::size_t school = task - data_parts - 1;
            if (plan.render_school[school])
                render_pages(view::school_pages(index, site.schools[school], context), sources, templates, tree, out);
            else
                keep_school(site.schools[school].slug, plan, tree, out);
        }
        if (task <= data_parts && stage_clock().enabled())
            std::fprintf(stderr, "  %s %zu: %.3f s\n", task < data_parts ? "open data part" : "district pages", task,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    });
    return tasks;
}

// Feeds, copied documents and photos, assets (a content tree's assets
// replace built-in ones of the same name).
std::map<std::string, write::OutputFile> files_after_pages(const model::Site& site, const BuildOptions& options,
                                                           const view::BuildContext& context,
                                                           const std::vector<std::string>& page_paths,
                                                           const std::vector<write::OutputFile>& photos) {
    std::map<std::string, write::OutputFile> files;
    auto add = [&](write::OutputFile file) { files[file.path] = std::move(file); };
    for (auto& file : view::feeds(site, context, page_paths)) add({file.path, std::move(file.bytes), {}});
    for (auto& file : view::copied_files(site)) add({file.path, "", file.source});
    for (const auto& file : photos) add(file);
    std::vector<write::OutputFile> assets;
    add_assets(options.builtin_assets, assets);
    add_assets(options.content_dir / "assets", assets);
    for (auto& file : assets) add(std::move(file));
    // Browsers ask the site root for /favicon.ico whatever a page links, so
    // the icon of assets/ (the content's, else the built-in one) goes there
    // too; a school's own folder (relocate_to_school) leaves it out.
    if (auto icon = files.find("assets/favicon.ico"); icon != files.end()) {
        write::OutputFile root_icon = icon->second;
        root_icon.path = "favicon.ico";
        add(std::move(root_icon));
    }
    return files;
}

void write_district_build(const model::Site& site, const BuildOptions& options, const view::BuildContext& context,
                          const view::Data& sources, const std::vector<write::OutputFile>& photos, const RenderPlan& plan, BuildRecord& record,
                          BuildReport& report, write::OutputTree& tree) {
    render::Templates templates(layout_folders(options));
    templates.compile_all();
    auto tasks = render_district_build(site, context, sources, templates, plan, tree);
    stage_clock().lap("pages");
    std::vector<std::string> page_paths;
    std::size_t data_parts = view::open_data_parts();
    for (std::size_t task = 0; task < tasks.size(); ++task) {
        report.pages += tasks[task].html_files;
        page_paths.insert(page_paths.end(), tasks[task].page_paths.begin(), tasks[task].page_paths.end());
        record.fragments.merge(tasks[task].fragments);
        if (task <= data_parts) continue;
        const auto& slug = site.schools[task - data_parts - 1].slug;
        for (const auto& path : tasks[task].files) record.file_owner[path] = slug;
        record.school_pages[slug] = tasks[task].page_paths;
    }
    // The «Скачать данные» page prints the open data's sizes: it waits for them.
    std::map<std::string, std::uint64_t> sizes;
    for (std::size_t task = 0; task < data_parts; ++task) sizes.merge(tasks[task].sizes);
    TaskOutput data_page;
    render_pages({view::data_page(site, context, sizes)}, sources, templates, tree, data_page);
    report.pages += data_page.html_files;
    page_paths.insert(page_paths.end(), data_page.page_paths.begin(), data_page.page_paths.end());
    auto files = files_after_pages(site, options, context, page_paths, photos);
    for (const auto& [path, file] : files) put_file(tree, file);
    stage_clock().lap("other files");
    report.files = tree.files().size();
    auto summary = tree.commit();
    stage_clock().lap("commit");
    record.files = tree.take_files();
    record.tree = tree.published();
    report.written_files = summary.written;
    report.removed_files = summary.removed;
}

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
    record.tree = tree.published();
    report.written_files = summary.written;
    report.removed_files = summary.removed;
}

bool has_school(const model::Site& site, const std::string& slug) {
    for (const auto& school : site.schools)
        if (school.slug == slug) return true;
    return false;
}

}  // namespace

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Files changed this close to the previous build might have changed again
// within one timestamp tick, so they never count as unchanged.
constexpr std::int64_t kRacyMarginNs = 2'000'000'000;

fs::path cache_dir_of(const BuildOptions& options) {
    return options.sources.cache_dir.empty() ? fetch::default_cache_dir(options.content_dir) : options.sources.cache_dir;
}

void add_stamps(std::vector<cache::FileStamp>& stamps, const fs::path& folder, const std::string& prefix) {
    for (auto& stamp : cache::stamp_tree(folder)) {
        stamp.path = prefix + stamp.path;
        stamps.push_back(std::move(stamp));
    }
}

// Content files as they are, then built-in layouts and assets ("@layouts/…").
std::vector<cache::FileStamp> input_stamps(const BuildOptions& options) {
    std::vector<cache::FileStamp> stamps = cache::stamp_tree(options.content_dir);
    add_stamps(stamps, options.builtin_layouts, "@layouts/");
    add_stamps(stamps, options.builtin_assets, "@assets/");
    return stamps;
}

fs::path stamp_file(const BuildOptions& options, const std::string& path) {
    if (path.starts_with("@layouts/")) return options.builtin_layouts / path.substr(9);
    if (path.starts_with("@assets/")) return options.builtin_assets / path.substr(8);
    return options.content_dir / path;
}

// Which shnor wrote the site: a rebuilt binary (a new release, or a developer's
// change to any source file) must render every page again, and the compile
// time of this one file misses changes elsewhere. The running executable's
// size and mtime change with every relink, at the cost of one stat.
std::string executable_stamp() {
    std::error_code error;
    const fs::path self{"/proc/self/exe"};
    auto size = fs::file_size(self, error);
    if (error) return __DATE__ " " __TIME__;
    auto mtime = fs::last_write_time(self, error);
    if (error) return __DATE__ " " __TIME__;
    return std::to_string(size) + ":" + std::to_string(mtime.time_since_epoch().count());
}

std::string build_key(const BuildOptions& options) {
    cache::Hasher key;
    key.add(SHNOR_VERSION).add(executable_stamp()).add(options.build_date.iso()).add(options.base_url);
    key.add(fs::absolute(options.content_dir).lexically_normal().string());
    return key.finish().hex();
}

bool is_racy(const std::vector<cache::FileStamp>& stamps, std::int64_t since_ns) {
    for (const auto& stamp : stamps)
        if (stamp.mtime_ns >= since_ns - kRacyMarginNs) return true;
    return false;
}

// A source whose bytes can change while no content file does.
bool has_volatile_sources(const model::Site& site, const BuildOptions& options) {
    std::string content = "file://" + fs::absolute(options.content_dir).lexically_normal().string() + "/";
    for (const auto& source : site.config.sources) {
        std::string url = resolved_url(source.url, options.content_dir);
        if (!url.starts_with(content) || url.find("/../") != std::string::npos) return true;
    }
    return false;
}

void add_row(cache::Hasher& hasher, const model::ResultRow& row) {
    auto number = [&](const std::optional<double>& value) {
        hasher.add(value ? std::to_string(*value) : std::string("-"));
    };
    auto integer = [&](const std::optional<int>& value) { hasher.add(value ? std::to_string(*value) : std::string("-")); };
    hasher.add(row.exam).add(row.subject).add(row.scope).add(static_cast<std::uint64_t>(row.year));
    integer(row.grade);
    integer(row.participants);
    integer(row.scale);
    number(row.mean);
    number(row.fail_share);
    number(row.quality_share);
    hasher.add(row.example ? 1u : 0u).add(row.pos.file).add(static_cast<std::uint64_t>(row.pos.line));
}

// What a school's pages may read of other schools: their peer parts.
void add_cross_school_summary(cache::Hasher& hasher, const model::Site& site) {
    for (const auto& school : site.schools) {
        auto hash = peer_hash(school);
        hasher.add(hash.low).add(hash.high);
    }
}

// Everything every school's pages depend on besides the school itself.
cache::Hash128 global_hash(const model::Site& site, const BuildOptions& options, const std::string& key,
                           const std::vector<cache::FileStamp>& stamps, const SharedData& shared) {
    cache::Hasher hasher;
    hasher.add(key);
    for (const auto& stamp : stamps) {
        if (stamp.path.starts_with("schools/")) continue;
        std::ifstream in(stamp_file(options, stamp.path), std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        hasher.add(stamp.path).add(bytes.str());
    }
    for (const auto& fetched : shared.fetched) hasher.add(fetched.id).add(fetched.body);
    for (const auto& row : site.district_results) add_row(hasher, row);
    add_cross_school_summary(hasher, site);
    return hasher.finish();
}

// The record was written for the output folder as it is: the folder is
// shnor's (its marker) and the very one the record's build swapped in.
bool describes(const BuildRecord& record, const write::OutputFolder& folder) {
    return folder.exists() && folder.has_marker() && record.tree.device == folder.device() &&
           record.tree.inode == folder.inode();
}

// What the record tells the output tree. Its files are moved out.
write::OutputTree::Previous tree_previous(BuildRecord* record, const BuildOptions& options,
                                          std::vector<std::string> altered) {
    write::OutputTree::Previous previous;
    if (!record) return previous;
    previous.files = std::move(record->files);
    previous.tree = record->tree;
    previous.known = true;
    previous.trust_hashes = !options.full;
    previous.altered = std::move(altered);
    return previous;
}

// --out must be a folder of its own (output_folder.hpp); the lock is held
// until the returned folder goes.
std::optional<write::OutputFolder> open_output_folder(const BuildOptions& options, BuildReport& report) {
    write::FolderOptions folder_options;
    // A site the previous version of shnor built has no marker yet; its
    // record in the cache shows it is shnor's all the same.
    folder_options.force =
        options.force || written_by_older_shnor(record_path(cache_dir_of(options), options.out_dir), options.out_dir);
    folder_options.lock_wait = options.lock_wait;
    auto& guarded = folder_options.guarded;
    guarded.push_back({options.content_dir, "папка материалов (--content)", false});
    guarded.push_back({options.builtin_layouts, "встроенные шаблоны shnor", false});
    guarded.push_back({options.builtin_assets, "встроенное оформление shnor", false});
    guarded.push_back({cache_dir_of(options), "папка кэша (--cache)", false});
    std::error_code error;
    fs::path current = fs::current_path(error);
    if (!error) guarded.push_back({current, "текущая папка, в которой запущен shnor", true});
    try {
        return write::OutputFolder::open(options.out_dir, folder_options);
    } catch (const write::FolderRefused& refused) {
        report.diagnostics.error(options.out_dir.string(), 0, "", refused.what());
        (refused.busy() ? report.busy : report.refused) = true;
        return std::nullopt;
    }
}

// Writes the record as next, swaps the new site in, and makes the record the
// current one: a build stopped anywhere leaves a record that describes the
// folder as it is (settle_records).
void publish(write::OutputTree& tree, const fs::path& record_file, const BuildRecord& record) {
    write_record(next_record_path(record_file), record);
    tree.publish();
    adopt_next_record(record_file);
}

// The site as it is loaded, fetched, merged and derived, ready to render.
struct PreparedSite {
    model::Site site;
    SharedData shared;
    std::string district_base_url;
    view::Data sources;
    PhotoOutputs photos = {};
};

std::optional<PreparedSite> prepare_site(const BuildOptions& options, load::SchoolLoader loader, BuildReport& report) {
    load::LoadResult loaded = load::load_site(options.content_dir, std::move(loader));
    report.diagnostics = std::move(loaded.diagnostics);
    stage_clock().lap("load");
    if (report.diagnostics.has_errors()) return std::nullopt;
    PreparedSite prepared{std::move(loaded.site), {}, {}, {}};
    model::Site& site = prepared.site;
    if (school_build(options) && !has_school(site, options.school)) {
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

// Loaded schools hold paths spelled from the content folder as given, so
// each spelling (and working folder, for a relative one) has its own store.
fs::path school_store_folder(const BuildOptions& options) {
    std::string content_spelling = options.content_dir.string() + "\n" + fs::absolute(options.content_dir).string();
    return cache_dir_of(options) / "schools" / cache::hash_bytes(content_spelling).hex().substr(0, 16);
}

fs::path peers_path(const fs::path& record_file) {
    fs::path path = record_file;
    path.replace_extension(".peers");
    return path;
}

// Files a school's loader reads into its model; other files (documents,
// photos) are published as they are.
bool is_model_file(const std::string& path) {
    for (std::string_view extension : {".md", ".yaml", ".yml", ".csv"})
        if (path.ends_with(extension)) return true;
    return false;
}

// More changed schools than this are rendered by the ordinary build.
constexpr std::size_t kMaxSectionOnlySchools = 16;

// Schools whose model files changed since `previous` → those files, when
// nothing else changed (no other file, no school added or removed).
std::optional<std::map<std::string, std::vector<std::string>>> schools_changed_alone(
    const BuildRecord& previous, const std::vector<cache::FileStamp>& stamps) {
    std::unordered_map<std::string_view, const cache::FileStamp*> before;
    before.reserve(previous.inputs.size());
    for (const auto& stamp : previous.inputs) before.emplace(stamp.path, &stamp);
    std::map<std::string, std::vector<std::string>> changed;
    std::set<std::string> slugs_now;
    auto note = [&](const std::string& path) {
        if (!path.starts_with("schools/") || !is_model_file(path)) return false;
        auto slash = path.find('/', 8);
        std::string slug = path.substr(8, slash == std::string::npos ? std::string::npos : slash - 8);
        if (slash == std::string::npos || !previous.schools.count(slug)) return false;
        changed[slug].push_back(path);
        return true;
    };
    for (const auto& stamp : stamps) {
        if (stamp.path.starts_with("schools/")) slugs_now.insert(stamp.path.substr(8, stamp.path.find('/', 8) - 8));
        auto found = before.find(stamp.path);
        bool same = found != before.end() && *found->second == stamp &&
                    stamp.mtime_ns < previous.written_ns - kRacyMarginNs;
        if (found != before.end()) before.erase(found);
        if (!same && !note(stamp.path)) return std::nullopt;
    }
    for (const auto& [path, stamp] : before)
        if (!note(std::string(path))) return std::nullopt;
    if (changed.empty() || changed.size() > kMaxSectionOnlySchools || slugs_now.size() != previous.schools.size())
        return std::nullopt;
    for (const auto& [slug, hash] : previous.schools)
        if (!slugs_now.count(slug)) return std::nullopt;
    return changed;
}

// A build that re-renders only the sections of schools whose changes stay
// inside their own section (school_parts.hpp), with the other schools known
// by the peer parts the previous build left.
struct SectionBuild {
    const BuildOptions& options;
    write::OutputFolder& folder;
    BuildRecord& previous;  // its files move into the new output tree
    const std::vector<cache::FileStamp>& stamps;
    std::int64_t started_ns;
    const std::string& key;
    const fs::path& record_file;
    const std::map<std::string, std::vector<std::string>>& changed;  // slug → changed files
    // Output files changed or removed by someone else since: they must all
    // be rendered again by this build, and are never trusted.
    const std::vector<std::string>& altered;
    bool previous_spent = false;  // `previous` gave its files away: a later build must not use it
    // Changed schools whose change reaches past their section (their
    // roadmaps' statuses, dates, reports…) but not into their district part:
    // their row of the schools list and their open-data spans are patched.
    std::set<std::string> patched_schools;
    // Of the previous build, before its files go to the output tree: the
    // sitemap's hash and the open data's sizes (the data page prints them).
    write::ContentHash sitemap_hash;
    std::map<std::string, std::uint64_t> open_data_sizes;
};

// Thrown when a section-only build finds it cannot stand for a full one.
struct NotSectionOnly {};

// The files where a school's row and open-data elements lie, as spans.
const std::vector<std::string>& files_with_school_spans() {
    static const std::vector<std::string> files{"schools/index.html", "vi/schools/index.html", "data/schools.json",
                                                "data/schools.csv",   "data/roadmaps.json",    "data/roadmaps.csv"};
    return files;
}

bool publishes(const model::School& school, const std::string& path) {
    for (const auto& document : school.own.documents)
        if (document.site_path == path) return true;
    for (const auto& news : school.own.news)
        for (const auto& photo : news.photo_site_paths)
            if (photo == path) return true;
    return false;
}

// The changed schools as loaded, when each one's change stays inside its section.
std::optional<std::map<std::string, load::SchoolLoad>> load_changed(SectionBuild& build, cache::SchoolStore& store) {
    std::map<std::string, load::SchoolLoad> loads;
    auto same = [](const std::map<std::string, cache::Hash128>& before, const std::string& slug,
                   const cache::Hash128& now) {
        auto found = before.find(slug);
        return found != before.end() && found->second == now;
    };
    for (const auto& [slug, files] : build.changed) {
        load::SchoolLoad load = store.load(slug);
        if (load.diagnostics.has_errors()) return std::nullopt;
        for (const auto& file : files)
            if (publishes(load.school, file)) return std::nullopt;
        if (!same(build.previous.school_external, slug, external_hash(load.school))) {
            if (!same(build.previous.school_district, slug, district_hash(load.school))) return std::nullopt;
            build.patched_schools.insert(slug);
        }
        loads.emplace(slug, std::move(load));
    }
    return loads;
}

// Hands `before` to `emit`, piece by piece, with the spans named in
// `replacements` replaced. `spans` are all of the file's, in file order;
// they are moved to where they lie after. False (and the output cut short)
// when a replaced span is missing or lies nowhere, when spans overlap, or
// when a span would turn from empty to not or back (an array's comma before
// it would be wrong).
bool emit_with_spans_replaced(std::string_view before, std::vector<FragmentSpan>& spans,
                              const std::map<std::string, std::string>& replacements,
                              const std::function<void(std::string_view)>& emit) {
    std::size_t copied = 0, previous_end = 0, replaced = 0;
    std::ptrdiff_t shift = 0;
    for (auto& span : spans) {
        auto replacement = replacements.find(span.key);
        if (span.offset == FragmentSpan::kNowhere) {
            if (replacement != replacements.end()) return false;
            continue;
        }
        if (span.offset < previous_end || span.offset > before.size() || span.length > before.size() - span.offset)
            return false;
        std::size_t old_offset = span.offset;
        previous_end = old_offset + span.length;
        span.offset = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(old_offset) + shift);
        if (replacement == replacements.end()) continue;
        if ((span.length == 0) != replacement->second.empty()) return false;
        emit(before.substr(copied, old_offset - copied));
        emit(replacement->second);
        copied = previous_end;
        shift += static_cast<std::ptrdiff_t>(replacement->second.size()) - static_cast<std::ptrdiff_t>(span.length);
        span.length = replacement->second.size();
        ++replaced;
    }
    if (replaced != replacements.size()) return false;
    emit(before.substr(copied));
    return true;
}

// Files made again whenever school spans are patched: the workbooks of the
// patched CSVs and the data page, which prints their sizes.
bool remade_with_patched_spans(const std::string& path) {
    if (path == "data/index.html" || path == "vi/data/index.html") return true;
    for (const auto& patched : files_with_school_spans())
        if (auto sheet = view::spreadsheet_of(patched); sheet && sheet->path == path) return true;
    return false;
}

// The patched schools' rows of the schools list and their open-data
// elements, put where the record's spans say they lie in each file; the
// patched CSVs' workbooks made from their new bytes, and the data page.
void patch_school_spans(const SectionBuild& build, const model::Site& site, const view::BuildContext& context,
                        const view::detail::SiteIndex& index,
                        render::Templates& templates, const view::Data& sources,
                        const std::map<std::string, write::ContentHash>& hashes, write::OutputTree& tree) {
    std::map<std::string, std::uint64_t> sizes = build.open_data_sizes;
    std::map<std::string, std::map<std::string, std::string>> replacements;  // path → key → bytes
    for (const auto& school : site.schools) {
        if (!build.patched_schools.count(school.slug)) continue;
        view::Fragment row = view::school_row(index, school);
        std::string html = templates.render(row.layout, row.make_data());
        replacements["vi/schools/index.html"][row.key] = vi_copy_of(html);
        replacements["schools/index.html"][row.key] = std::move(html);
        for (auto& span : view::school_open_data_spans(school))
            replacements[span.path][span.key] = std::move(span.bytes);
    }
    for (const auto& [path, keyed] : replacements) {
        auto hash = hashes.find(path);
        auto spans = build.previous.fragments.find(path);
        if (hash == hashes.end() || spans == build.previous.fragments.end()) throw NotSectionOnly{};
        auto before = write::map_if_unchanged(build.options.out_dir / path, hash->second);
        if (!before) throw NotSectionOnly{};
        write::OutputTree::Stream out = tree.open(path);
        auto sheet = view::spreadsheet_of(path);
        std::optional<WorkbookFromCsv> workbook;
        if (sheet) workbook.emplace(*sheet, tree.scratch_path(), context.build_date);
        std::uint64_t size = 0;
        if (!emit_with_spans_replaced(before->bytes(), spans->second, keyed, [&](std::string_view piece) {
                out.append(piece);
                size += piece.size();
                if (workbook) workbook->append(piece);
            }))
            throw NotSectionOnly{};
        out.close();
        sizes[path] = size;
        if (workbook) {
            std::string bytes = workbook->finish();
            tree.put(sheet->path, bytes);
            sizes[sheet->path] = bytes.size();
        }
        if (stage_clock().enabled()) stage_clock().lap(("  patched " + path).c_str());
    }
    // Each of these files was left out of the kept ones: one not put would be removed.
    for (const auto& [path, hash] : hashes)
        if (!replacements.count(path)) throw NotSectionOnly{};
    TaskOutput data_page;
    render_pages({view::data_page(site, context, sizes)}, sources, templates, tree, data_page);
}


// The sitemap's lines of the changed schools' pages made again: their
// <lastmod> follows their content (view::PageDates). A school's pages are one
// run of lines, the paths being sorted and sharing the prefix schools/<slug>/.
void patch_sitemap(const SectionBuild& build, const model::Site& site, const view::BuildContext& context,
                   write::OutputTree& tree) {
    auto before = write::map_if_unchanged(build.options.out_dir / "sitemap.xml", build.sitemap_hash);
    if (!before) throw NotSectionOnly{};
    std::string xml(before->bytes());
    for (const auto& school : site.schools) {
        if (!build.changed.count(school.slug)) continue;
        auto pages = build.previous.school_pages.find(school.slug);
        if (pages == build.previous.school_pages.end()) throw NotSectionOnly{};
        std::vector<std::string> paths = pages->second;
        std::sort(paths.begin(), paths.end());
        const std::string line_start =
            "  <url><loc>" + render::escape_xml(context.base_url + "schools/" + school.slug + "/");
        std::size_t start = xml.find("\n" + line_start);
        if (start == std::string::npos) throw NotSectionOnly{};
        std::size_t end = ++start, lines = 0;
        for (; xml.compare(end, line_start.size(), line_start) == 0; ++lines) {
            end = xml.find('\n', end);
            if (end == std::string::npos) throw NotSectionOnly{};
            ++end;
        }
        if (lines != paths.size()) throw NotSectionOnly{};
        xml.replace(start, end - start, view::sitemap_urls(context, paths, view::PageDates(site, school)));
    }
    tree.put("sitemap.xml", xml);
}

// Keeps every file of the previous build but the changed schools', renders
// those schools' pages, and requires the same files and pages as before
// (a change that adds or removes a page is not a section-only one).
void render_changed_sections(const SectionBuild& build, const PreparedSite& prepared,
                             const std::set<std::string>& rendered_again,
                             const std::map<std::string, write::ContentHash>& patched_hashes, write::OutputTree& tree) {
    const model::Site& site = prepared.site;
    tree.keep_where([&](const std::string& path) { return !rendered_again.count(path); });
    render::Templates templates(layout_folders(build.options));
    templates.compile_all();
    auto changed = [&](const model::School& school) { return build.changed.count(school.slug) > 0; };
    const view::detail::SiteIndex index(site, changed);
    stage_clock().lap("index");
    for (const auto& school : site.schools) {
        if (!changed(school)) continue;
        TaskOutput out;
        render_pages(view::school_pages(index, school, context_of(build.options, prepared)), prepared.sources, templates,
                     tree, out);
        std::vector<std::string> owned;
        for (const auto& [path, owner] : build.previous.file_owner)
            if (owner == school.slug) owned.push_back(path);
        std::sort(out.files.begin(), out.files.end());
        auto pages = build.previous.school_pages.find(school.slug);
        if (out.files != owned || pages == build.previous.school_pages.end() || pages->second != out.page_paths)
            throw NotSectionOnly{};
        for (const auto& path : owned) build.previous.fragments.erase(path);
        build.previous.fragments.merge(out.fragments);
    }
    stage_clock().lap("sections");
    patch_sitemap(build, site, context_of(build.options, prepared), tree);
    if (!build.patched_schools.empty())
        patch_school_spans(build, site, context_of(build.options, prepared), index, templates, prepared.sources, patched_hashes, tree);
}

// The site with the changed schools as loaded and the others as their peer
// parts. The previous build's global hash stands: every file outside the
// changed schools has its stamp, the peer parts are those it hashed, and a
// changed school's peer part lies inside its unchanged external part.
std::optional<PreparedSite> prepare_sections(const SectionBuild& build, std::map<std::string, load::SchoolLoad>& loads,
                                             BuildReport& attempt) {
    auto peers = read_peer_parts(peers_path(build.record_file), build.previous.global);
    if (!peers || peers->size() != build.previous.schools.size()) return std::nullopt;
    std::unordered_map<std::string_view, std::size_t> peer_index;
    for (std::size_t index = 0; index < peers->size(); ++index) peer_index.emplace((*peers)[index].slug, index);
    stage_clock().lap("peers");
    auto loader = [&](const std::string& slug) {
        if (auto found = loads.find(slug); found != loads.end()) return std::move(found->second);
        load::SchoolLoad peer;
        if (auto found = peer_index.find(slug); found != peer_index.end()) peer.school = std::move((*peers)[found->second]);
        return peer;
    };
    auto prepared = prepare_site(build.options, loader, attempt);
    if (!prepared) return std::nullopt;
    for (const auto& source : prepared->site.config.sources)
        if (source.role == "district") return std::nullopt;
    return prepared;
}

bool build_sections_only(SectionBuild& build, BuildReport& report) {
    cache::SchoolStore store(school_store_folder(build.options), build.options.content_dir, build.stamps);
    auto loads = load_changed(build, store);
    if (!loads) return false;
    stage_clock().lap("changed schools");
    BuildReport attempt;
    auto prepared = prepare_sections(build, *loads, attempt);
    if (!prepared) return false;

    std::set<std::string> rendered_again;
    for (const auto& [path, owner] : build.previous.file_owner)
        if (build.changed.count(owner)) rendered_again.insert(path);
    std::map<std::string, write::ContentHash> patched_hashes;  // the files patched, as the record knows them
    if (!build.patched_schools.empty())
        for (const auto& path : files_with_school_spans()) {
            auto found = build.previous.files.find(path);
            if (found == build.previous.files.end()) return false;
            patched_hashes.emplace(path, found->second.hash);
            rendered_again.insert(path);
        }
    if (!build.patched_schools.empty())
        for (const auto& [path, state] : build.previous.files)
            if (remade_with_patched_spans(path)) rendered_again.insert(path);
    auto sitemap = build.previous.files.find("sitemap.xml");
    if (sitemap == build.previous.files.end()) return false;
    build.sitemap_hash = sitemap->second.hash;
    rendered_again.insert("sitemap.xml");  // patch_sitemap()
    for (const auto& path : view::data_page_files())
        if (auto found = build.previous.files.find(path); found != build.previous.files.end())
            build.open_data_sizes[path] = found->second.size;
    for (const auto& path : build.altered)
        if (!rendered_again.count(path)) return false;
    try {
        build.previous_spent = true;
        write::OutputTree tree(build.folder, tree_previous(&build.previous, build.options, build.altered));
        stage_clock().lap("spare");
        render_changed_sections(build, *prepared, rendered_again, patched_hashes, tree);
        auto summary = tree.commit();
        stage_clock().lap("commit");
        BuildRecord& record = build.previous;  // the same but for the changed schools
        record.inputs = build.stamps;
        record.written_ns = build.started_ns;
        for (const auto& [slug, files] : build.changed) record.schools[slug] = store.content_hash(slug);
        for (const auto& school : prepared->site.schools)
            if (build.patched_schools.count(school.slug)) record.school_external[school.slug] = external_hash(school);
        record.files = tree.take_files();
        record.tree = tree.published();
        publish(tree, build.record_file, record);
        stage_clock().lap("record");
        attempt.written_files = summary.written;
        attempt.removed_files = summary.removed;
    } catch (const NotSectionOnly&) {
        return false;
    } catch (const std::exception& failure) {
        attempt.diagnostics.error(build.options.out_dir.string(), 0, "", failure.what());
    }
    attempt.files = build.previous.files.size();
    for (const auto& [path, hash] : build.previous.files) attempt.pages += path.ends_with(".html") ? 1 : 0;
    attempt.written = !attempt.diagnostics.has_errors();
    attempt.schools_rendered = build.changed.size();
    attempt.schools_reused = store.reused();
    for (const auto& [slug, files] : build.changed) attempt.sections_only.push_back(slug);
    attempt.rows_patched.assign(build.patched_schools.begin(), build.patched_schools.end());
    report = std::move(attempt);
    return true;
}

// A build for changes that stay inside fragments (view::Fragment). A
// school's own text (index.md) lies in the fragment of its first page and
// nowhere else, so when only that changed, the two copies of that page are
// patched where the record says the fragment lies, and the record's lines
// are copied but for a few: the record is not read into maps and the other
// schools are not loaded.
using record_fields::next_word;
using record_fields::number;

class FragmentBuild {
public:
    FragmentBuild(const BuildOptions& options, write::OutputFolder& folder, const fs::path& record_file,
                  std::int64_t started_ns)
        : options_(options), folder_(folder), record_file_(record_file), started_ns_(started_ns) {}

    // False (and nothing written) when the change is not one it can make.
    bool run(const RecordText& text, std::vector<cache::FileStamp>& stamps, BuildReport& report) {
        if (!scan(text, stamps)) return false;
        stage_clock().lap("record text");
        cache::SchoolStore store(school_store_folder(options_), options_.content_dir, stamps);
        model::Diagnostics diagnostics;
        if (!load_changed(store, diagnostics) || !patch_pages()) return false;
        stage_clock().lap("fragments");
        report.diagnostics = std::move(diagnostics);
        write::CommitSummary summary;
        try {
            write::OutputTree::Previous previous;
            read_output_part(text.body(), previous.files, previous.tree);
            const write::PublishedTree& recorded = text.head().tree;
            previous.tree.device = recorded.device;
            previous.tree.inode = recorded.inode;
            previous.tree.spare_inode = recorded.spare_inode;
            previous.tree.changes_since_ns = recorded.changes_since_ns;
            previous.known = previous.trust_hashes = true;
            stage_clock().lap("output part");
            write::OutputTree tree(folder_, std::move(previous));
            stage_clock().lap("spare");
            std::set<std::string_view> patched;
            for (const auto& patch : patches_) {
                tree.put(patch.path, patch.bytes);
                patched.insert(patch.path);
            }
            tree.keep_where([&](const std::string& path) { return !patched.count(path); });
            summary = tree.commit();
            stage_clock().lap("commit");
            for (auto& patch : patches_) patch.after = tree.files().at(patch.path);
            write_record(text, stamps, tree.published());
            stage_clock().lap("record");
            tree.publish();
            adopt_next_record(record_file_);
        } catch (const std::exception& failure) {
            report.diagnostics.error(options_.out_dir.string(), 0, "", failure.what());
            return true;
        }
        stage_clock().lap("publish");
        report.written = true;
        report.files = text.head().output_files;
        report.pages = text.head().html_files;
        report.written_files = summary.written;
        report.schools_rendered = changed_.size();
        for (const auto& [slug, files] : changed_) report.sections_only.emplace_back(slug);
        report.fragments_only = true;
        return true;
    }

private:
    struct Patch {
        std::string path;
        std::string slug;
        write::ContentHash before;
        write::FileState after;
        std::vector<FragmentSpan> spans;  // as recorded, then as written
        std::string bytes;
    };


    template <class Visit>
    static void for_each_line(std::string_view text, Visit visit) {
        while (!text.empty()) {
            auto end = text.find('\n');
            visit(text.substr(0, end));
            text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        }
    }

    // Which model files of which schools changed, and what the record says
    // of those schools' output files.
    bool scan(const RecordText& text, const std::vector<cache::FileStamp>& stamps) {
        // The content's own layouts may print the text outside its fragment.
        for (const auto& stamp : stamps)
            if (stamp.path.starts_with("layouts/")) return false;
        const BuildRecord& head = text.head();
        std::size_t input = 0;
        bool fits = true;
        std::set<std::string_view> schools;
        std::map<std::string_view, std::vector<FragmentSpan>> spans;
        for_each_line(text.body(), [&](std::string_view line) {
            if (!fits) return;
            std::string_view tag = next_word(line);
            if (tag == "input") {
                fits = input < stamps.size() && note_input(line, stamps[input++], head.written_ns);
            } else if (tag == "school") {
                schools.insert(next_word(line));
            } else if (tag == "external") {
                std::string_view slug = next_word(line);
                if (changed_.count(slug)) fits = record_fields::hash(line, external_[std::string(slug)]);
            } else if (tag == "fragment") {
                FragmentSpan span;
                fits = number(next_word(line), span.offset) && number(next_word(line), span.length);
                span.key = std::string(next_word(line));
                spans[line].push_back(std::move(span));
            } else if (tag == "file") {
                std::string_view owner = next_word(line), hash = next_word(line);
                next_word(line);  // size
                next_word(line);  // mtime
                auto found = spans.find(line);
                if (!changed_.count(owner) || found == spans.end()) return;
                Patch patch{std::string(line), std::string(owner), {}, {}, found->second, {}};
                fits = write::ContentHash::parse(hash, patch.before);
                patches_.push_back(std::move(patch));
            }
        });
        if (!fits || input != stamps.size() || changed_.empty() || changed_.size() > kMaxSectionOnlySchools) return false;
        for (const auto& [slug, files] : changed_)
            if (!schools.count(slug) || !external_.count(slug)) return false;
        return true;
    }

    bool note_input(std::string_view line, const cache::FileStamp& now, std::int64_t written_ns) {
        cache::FileStamp before;
        if (!number(next_word(line), before.size) || !number(next_word(line), before.mtime_ns) || line != now.path)
            return false;
        if (before.size == now.size && before.mtime_ns == now.mtime_ns && now.mtime_ns < written_ns - kRacyMarginNs)
            return true;
        if (!now.path.starts_with("schools/") || !is_model_file(now.path)) return false;
        auto slash = now.path.find('/', 8);
        if (slash == std::string::npos) return false;
        changed_[now.path.substr(8, slash - 8)].push_back(now.path);
        return true;
    }


    // Loads the changed schools; each one's change must leave its external
    // part as it was (pipeline/school_parts.hpp): then it is in fragments only.
    bool load_changed(cache::SchoolStore& store, model::Diagnostics& diagnostics) {
        for (const auto& [slug, files] : changed_) {
            load::SchoolLoad load = store.load(slug);
            if (load.diagnostics.has_errors() || external_hash(load.school) != external_.at(slug)) return false;
            for (const auto& file : files)
                if (publishes(load.school, file)) return false;
            diagnostics.append(load.diagnostics);
            schools_.emplace(slug, std::move(load.school));
        }
        content_hashes_.clear();
        for (const auto& [slug, files] : changed_) content_hashes_[slug] = store.content_hash(slug);
        return true;
    }

    // Each patched file as the record knows it, with its fragments rendered again.
    bool patch_pages() {
        render::Templates templates(layout_folders(options_));
        // The fragment's abbreviations, as a full build expands them (site.yaml is unchanged).
        model::Diagnostics ignored;
        load::LoadContext context{options_.content_dir, ignored, {}, {}, {}};
        render::Glossary glossary(load::read_site_config(context).config.glossary);
        for (auto& patch : patches_) {
            auto file = write::map_if_unchanged(folder_.path() / patch.path, patch.before);
            if (!file) return false;
            std::string_view before = file->bytes();
            std::sort(patch.spans.begin(), patch.spans.end(),
                      [](const FragmentSpan& a, const FragmentSpan& b) { return a.offset < b.offset; });
            view::Fragment fragment = view::school_intro(schools_.at(patch.slug));
            std::string html = templates.render(fragment.layout, fragment.data);
            if (fragment.expand_abbreviations) html = glossary.expand_first_uses(html);
            if (patch.path.starts_with("vi/")) html = vi_copy_of(html);
            std::size_t copied = 0;
            for (auto& span : patch.spans) {
                if (span.key != fragment.key || span.offset == FragmentSpan::kNowhere || span.offset < copied ||
                    span.offset + span.length > before.size())
                    return false;
                patch.bytes.append(before.substr(copied, span.offset - copied));
                copied = span.offset + span.length;
                span.offset = patch.bytes.size();
                span.length = html.size();
                patch.bytes += html;
            }
            patch.bytes.append(before.substr(copied));
        }
        return true;
    }

    // The record again, as next: new input lines, the changed schools'
    // content hashes, the patched files' states and fragments, the new
    // output tree; every other line as it was.
    void write_record(const RecordText& text, std::vector<cache::FileStamp>& stamps,
                      const write::PublishedTree& published) {
        std::map<std::string_view, const Patch*> patched;
        for (const auto& patch : patches_) patched[patch.path] = &patch;
        std::deque<std::string> lines;  // new text, pointed to by `parts`
        std::vector<std::string_view> parts;
        auto add_new = [&](std::string line) {
            lines.push_back(std::move(line));
            parts.push_back(lines.back());
        };
        std::string inputs;
        for (const auto& stamp : stamps)
            inputs += "input " + std::to_string(stamp.size) + " " + std::to_string(stamp.mtime_ns) + " " + stamp.path + "\n";
        add_new(std::move(inputs));
        const char* run_start = nullptr;
        std::size_t run_size = 0;
        auto flush = [&]() {
            if (run_size) parts.emplace_back(run_start, run_size);
            run_size = 0;
        };
        std::string_view last_fragment_path;
        for_each_line(text.body(), [&](std::string_view whole) {
            std::string_view line = whole;
            std::string_view tag = next_word(line);
            std::optional<std::string> replacement;
            if (tag == "input" || tag == "touched" || tag == "stray") {
                replacement = "";
            } else if (tag == "end") {
                replacement = tree_lines(published) + "end\n";
            } else if (tag == "school" && changed_.count(next_word(line))) {
                std::string_view slug = whole.substr(7, whole.find(' ', 7) - 7);
                replacement = "school " + std::string(slug) + " " + content_hashes_.at(std::string(slug)).hex() + "\n";
            } else if (tag == "fragment") {
                for (int field = 0; field < 3; ++field) next_word(line);
                if (auto found = patched.find(line); found != patched.end()) {
                    replacement = "";
                    if (line != last_fragment_path)
                        for (const auto& span : found->second->spans)
                            *replacement += "fragment " + std::to_string(span.offset) + " " +
                                            std::to_string(span.length) + " " + span.key + " " + found->second->path + "\n";
                    last_fragment_path = line;
                }
            } else if (tag == "file") {
                std::string_view owner = next_word(line);
                for (int field = 0; field < 3; ++field) next_word(line);  // hash, size, mtime
                if (auto found = patched.find(line); found != patched.end())
                    replacement = file_line(owner, found->second->after, found->second->path);
            }
            if (!replacement) {
                if (!run_size) run_start = whole.data();
                run_size += whole.size() + 1;
                return;
            }
            flush();
            if (!replacement->empty()) add_new(std::move(*replacement));
        });
        flush();
        BuildRecord head = text.head();
        head.written_ns = started_ns_;
        head.inputs = std::move(stamps);
        head.tree = published;
        write_record_text(next_record_path(record_file_), head, parts);
    }

    const BuildOptions& options_;
    write::OutputFolder& folder_;
    const fs::path& record_file_;
    std::int64_t started_ns_;
    std::map<std::string, std::vector<std::string>, std::less<>> changed_;  // slug → changed files
    std::map<std::string, cache::Hash128> external_;                       // slug → recorded external hash
    std::map<std::string, cache::Hash128> content_hashes_;
    std::map<std::string, model::School> schools_;
    std::vector<Patch> patches_;
};

// The record of the folder, when it describes the folder as it is, and of
// its files those someone else changed or removed since.
struct FolderRecord {
    std::optional<BuildRecord> record;
    std::vector<std::string> altered;
};

FolderRecord whole_record_of(const fs::path& record_file, const write::OutputFolder& folder) {
    FolderRecord found{read_record(record_file), {}};
    if (found.record && !describes(*found.record, folder)) found.record.reset();
    if (found.record) {
        std::vector<write::WrittenFile> files;
        files.reserve(found.record->files.size());
        for (const auto& [path, state] : found.record->files) files.push_back({path, state.size, state.mtime_ns});
        found.altered = folder.altered(files);
    }
    return found;
}

void build_school_site(const BuildOptions& options, BuildReport& report) {
    auto folder = open_output_folder(options, report);
    if (!folder) return;
    auto prepared = prepare_site(options, {}, report);
    if (!prepared) return;
    try {
        fs::path record_file = record_path(cache_dir_of(options), options.out_dir);
        settle_records(record_file, folder->device(), folder->inode());
        auto [previous, altered] = whole_record_of(record_file, *folder);
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

void build_district_site(const BuildOptions& options, BuildReport& report) {
    std::int64_t started_ns = now_ns();
    auto folder = open_output_folder(options, report);
    if (!folder) return;
    fs::path cache_dir = cache_dir_of(options);
    fs::path record_file = record_path(cache_dir, options.out_dir);
    settle_records(record_file, folder->device(), folder->inode());
    std::string key = build_key(options);
    auto stamps = input_stamps(options);
    std::optional<BuildRecord> previous = read_record(record_file, RecordPart::head);
    if (previous && !describes(*previous, *folder)) previous.reset();
    // The files the last build wrote must still be as it left them; a file
    // changed or removed since is written again, whatever changed.
    std::optional<RecordText> text;
    if (previous) {
        if (auto opened = RecordText::open(record_file)) text.emplace(std::move(*opened));
    }
    stage_clock().lap("stamps");
    std::vector<std::string> altered;
    if (text) altered = folder->altered(written_files(text->body()));
    bool reusable = text && !options.full && previous->key == key && !previous->volatile_sources;
    stage_clock().lap("output checked");
    if (reusable && altered.empty() && previous->inputs_fingerprint == cache::fingerprint(stamps) &&
        !is_racy(stamps, previous->written_ns)) {
        report.unchanged = true;
        report.written = true;
        report.files = previous->output_files;
        report.pages = previous->html_files;
        return;
    }
    if (reusable && altered.empty() && FragmentBuild(options, *folder, record_file, started_ns).run(*text, stamps, report))
        return;
    text.reset();
    // The build goes on: it needs the files and schools of the previous one.
    if (previous) previous = read_record(record_file);
    if (previous && !describes(*previous, *folder)) previous.reset();
    stage_clock().lap("record");

    if (previous && reusable) {
        auto changed = schools_changed_alone(*previous, stamps);
        stage_clock().lap("what changed");
        if (changed) {
            SectionBuild section{options, *folder, *previous, stamps,  started_ns, key,
                                 record_file, *changed, altered, false,  {}, {}, {}};
            if (build_sections_only(section, report)) {
                report.repaired = altered;
                return;
            }
            // It gave its files to its output tree, and changed other parts.
            if (section.previous_spent) previous = read_record(record_file);
            if (previous && !describes(*previous, *folder)) previous.reset();
        }
    }
    report.repaired = altered;

    cache::SchoolStore store(school_store_folder(options), options.content_dir, stamps);
    auto prepared = prepare_site(options, [&store](const std::string& slug) { return store.load(slug); }, report);
    if (!prepared) return;
    const model::Site& site = prepared->site;

    BuildRecord record;
    record.key = key;
    record.written_ns = started_ns;
    record.volatile_sources = has_volatile_sources(site, options);
    record.inputs = stamps;
    record.global = global_hash(site, options, key, stamps, prepared->shared);
    // The previous build's pages are reused only for the same key; its list
    // of files (what may be removed) holds for any build into the folder.
    bool render_reuse = previous && !options.full && previous->key == key;
    RenderPlan plan;
    plan.previous = render_reuse ? &*previous : nullptr;
    if (render_reuse) plan.previous_files_of = files_by_owner(*previous);
    std::set<std::string_view> repaired_owners;  // schools with a file changed by someone else
    if (render_reuse)
        for (const auto& path : altered)
            if (auto owner = previous->file_owner.find(path); owner != previous->file_owner.end())
                repaired_owners.insert(owner->second);
    std::vector<cache::Hash128> external(site.schools.size()), district(site.schools.size());
    parallel::for_each_index(site.schools.size(), [&](std::size_t index) {
        external[index] = external_hash(site.schools[index]);
        district[index] = district_hash(site.schools[index]);
    });
    for (std::size_t index = 0; index < site.schools.size(); ++index) {
        const auto& school = site.schools[index];
        cache::Hash128 hash = store.content_hash(school.slug);
        record.schools[school.slug] = hash;
        record.school_external[school.slug] = external[index];
        record.school_district[school.slug] = district[index];
        bool same = render_reuse && previous->global == record.global && previous->schools.count(school.slug) &&
                    previous->schools.at(school.slug) == hash && !repaired_owners.count(school.slug);
        plan.render_school.push_back(!same);
    }
    stage_clock().lap("plan");
    try {
        write::OutputTree tree(*folder, tree_previous(previous ? &*previous : nullptr, options, altered));
        stage_clock().lap("spare");
        write_district_build(site, options, context_of(options, *prepared), prepared->sources, prepared->photos.files, plan,
                             record, report, tree);
        write_peer_parts(peers_path(record_file), record.global, site.schools);
        publish(tree, record_file, record);
        stage_clock().lap("publish");
        report.written = true;
        report.schools_rendered = static_cast<std::size_t>(std::count(plan.render_school.begin(), plan.render_school.end(), true));
        report.schools_reused = store.reused();
    } catch (const std::exception& failure) {
        report.diagnostics.error(options.out_dir.string(), 0, "", failure.what());
    }
}

}  // namespace

BuildReport build_site(const BuildOptions& options) {
    auto started = std::chrono::steady_clock::now();
    stage_clock();
    BuildReport report;
    if (school_build(options)) {
        build_school_site(options, report);
    }
    else build_district_site(options, report);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace shnor::pipeline
