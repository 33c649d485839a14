#include "pipeline/render_tasks.hpp"

#include "pipeline/open_data_xlsx.hpp"
#include "pipeline/render_pages.hpp"

#include <optional>

namespace shnor::pipeline {

namespace fs = std::filesystem;

namespace {

void add_assets(const fs::path& assets_dir, std::vector<write::OutputFile>& files) {
    if (!fs::is_directory(assets_dir)) return;
    for (const auto& entry : fs::recursive_directory_iterator(assets_dir)) {
        if (!entry.is_regular_file()) continue;
        std::string relative = fs::relative(entry.path(), assets_dir).generic_string();
        files.push_back({"assets/" + relative, "", entry.path()});
    }
}

// Open data goes to the output tree as it is written, never whole in memory.
// Schools' spans go to the task's fragments, for a build that patches them.
// A CSV's bytes also make its workbook (.xlsx), put when the CSV ends.
class TreeSink : public view::TextSink {
public:
    TreeSink(write::OutputTree& tree, TaskOutput& out, model::Date created)
        : tree_(tree), out_(out), created_(created) {}
    void begin(const std::string& path) override {
        stream_.emplace(tree_.open(path));
        out_.files.push_back(path);
        size_ = 0;
        if (auto sheet = view::spreadsheet_of(path)) {
            workbook_path_ = sheet->path;
            workbook_.emplace(*sheet, tree_.scratch_path(), created_);
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
        out_.workbooks[workbook_path_] = {write::hash_of(bytes), workbook_->chunks()};
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
    model::Date created_;
    std::optional<write::OutputTree::Stream> stream_;
    std::optional<WorkbookFromCsv> workbook_;
    std::string workbook_path_;
    std::uint64_t size_ = 0;
};

}  // namespace

void put_file(write::OutputTree& tree, const write::OutputFile& file) {
    if (file.copy_from.empty()) tree.put(file.path, file.bytes);
    else tree.copy(file.path, file.copy_from);
}

std::vector<std::string> page_files(const std::vector<std::string>& page_paths) {
    std::vector<std::string> files;
    for (const auto& path : page_paths) {
        files.push_back(view::output_path_of(path));
        if (path != "404.html") files.push_back(view::output_path_of("vi/" + path));  // render_district_page
    }
    return files;
}

std::vector<std::string> files_of(const TaskOutput& out) {
    return out.files_are_pages ? page_files(out.page_paths) : out.files;
}

void keep_page_paths_only(TaskOutput& out) {
    if (out.files_are_pages || out.files != page_files(out.page_paths)) return;
    std::vector<std::string>().swap(out.files);
    out.page_paths.shrink_to_fit();
    out.files_are_pages = true;
}

void render_pages(std::vector<view::PageSpec> pages, const view::Data& sources, render::Templates& templates,
                  write::OutputTree& tree, TaskOutput& out) {
    for (auto& page : pages) {
        page.data.set("sources", sources);
        out.page_paths.push_back(page.path);
        render_district_page(templates, page, tree, [&](std::string path, std::vector<FragmentSpan> fragments) {
            if (!fragments.empty()) out.fragments[path] = std::move(fragments);
            out.files.push_back(std::move(path));
            ++out.html_files;
        });
        page = view::PageSpec{};  // its data goes now, not with the last page (the schools list of a big district)
    }
}

void write_open_data_part(const model::Site& site, const view::BuildContext& context, std::size_t part,
                          write::OutputTree& tree, TaskOutput& out, const derive::SiteResults* results) {
    TreeSink sink(tree, out, kWorkbookCreated);
    view::write_open_data_part(site, context, part, sink, results);
}

struct SchoolRowsOutput::File {
    File(const std::string& path, const model::Site& site, const view::BuildContext& context, write::OutputTree& tree,
         const std::shared_ptr<const derive::DistrictLines>& district)
        : sink(tree, out, kWorkbookCreated), rows(path, site, context, sink, district) {}
    TaskOutput out;
    TreeSink sink;
    view::SchoolRowsFile rows;
};

SchoolRowsOutput::SchoolRowsOutput(const model::Site& site, const view::BuildContext& context, write::OutputTree& tree,
                                   std::shared_ptr<const derive::DistrictLines> district) {
    for (const auto& path : view::school_streamed_files())
        files_.push_back(std::make_unique<File>(path, site, context, tree, district));
}

SchoolRowsOutput::~SchoolRowsOutput() = default;

std::size_t SchoolRowsOutput::files() const { return files_.size(); }

void SchoolRowsOutput::add(std::size_t file, const model::School& school, const derive::SiteResults& results) {
    files_.at(file)->rows.add(school, results);
}

std::vector<TaskOutput> SchoolRowsOutput::finish() {
    std::vector<TaskOutput> outputs;
    for (auto& file : files_) {
        file->rows.finish();
        outputs.push_back(std::move(file->out));
    }
    files_.clear();
    return outputs;
}

// Feeds, copied documents and photos, assets (a content tree's assets
// replace built-in ones of the same name).
std::map<std::string, write::OutputFile> files_after_pages(const model::Site& site, const BuildOptions& options,
                                                           const view::BuildContext& context,
                                                           std::vector<std::string> page_paths,
                                                           const std::vector<write::OutputFile>& photos,
                                                           write::OutputTree* feeds_into) {
    std::map<std::string, write::OutputFile> files;
    auto add = [&](write::OutputFile file) { files[file.path] = std::move(file); };
    if (feeds_into) {
        TaskOutput out;
        TreeSink sink(*feeds_into, out, kWorkbookCreated);
        view::write_feeds(site, context, std::move(page_paths), sink);
    } else {
        for (auto& file : view::feeds(site, context, page_paths)) add({file.path, std::move(file.bytes), {}});
    }
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

}  // namespace shnor::pipeline
