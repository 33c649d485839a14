#include "pipeline/patch_spans.hpp"

#include "parallel/parallel.hpp"
#include "pipeline/open_data_xlsx.hpp"
#include "pipeline/workbook_chunks.hpp"
#include "pipeline/stage_clock.hpp"
#include "platform/utf8_path.hpp"
#include "render/escape.hpp"
#include "write/mapped_file.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>

namespace shnor::pipeline {

bool emit_with_spans_replaced(std::string_view before, std::vector<FragmentSpan>& spans,
                              const std::map<std::string, std::string>& replacements, bool keep_emptiness,
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
        if (keep_emptiness && (span.length == 0) != replacement->second.empty()) return false;
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

namespace {

// The workbook of a patched CSV, made from the patched bytes as patch_file()
// streams them (the same bytes a full build feeds it), with the chunks of
// the workbook on disk whose rows are the same.
std::string workbook_of(const view::Spreadsheet& sheet, std::string_view before, std::vector<FragmentSpan>& spans,
                        const SpanPatch& patch, write::OutputTree& tree, model::Date created,
                        const write::ContentHash* workbook_before, const std::filesystem::path& out_dir,
                        const std::filesystem::path& workbooks, std::atomic<std::size_t>& reused,
                        std::atomic<std::size_t>& chunks_made) {
    auto chunks = workbook_before ? read_workbook_chunks(workbooks, sheet.path, *workbook_before) : std::nullopt;
    auto earlier_file = chunks ? write::map_if_unchanged(out_dir / platform::path_from_utf8(sheet.path), *workbook_before) : std::nullopt;
    std::optional<EarlierWorkbook> earlier;
    if (earlier_file) earlier.emplace(EarlierWorkbook{earlier_file->bytes(), std::move(*chunks)});
    WorkbookFromCsv workbook(sheet, tree.scratch_path(), created, earlier ? &*earlier : nullptr);
    bool placed = emit_with_spans_replaced(before, spans, patch.replacements, patch.keep_emptiness,
                                           [&](std::string_view piece) { workbook.append(piece); });
    if (!placed) throw PlanImpossible(patch.path + ": its spans are not where the record says, or change shape");
    std::string bytes = workbook.finish();
    reused += workbook.reused();
    chunks_made += workbook.chunks().size();
    write_workbook_chunks(workbooks, sheet.path, write::hash_of(bytes), workbook.chunks());
    return bytes;
}

}  // namespace

void patch_files(const std::filesystem::path& out_dir, std::vector<SpanPatch>& patches, write::OutputTree& tree,
                 model::Date created, const std::map<std::string, write::ContentHash>& hashes,
                 const std::filesystem::path& workbooks, std::map<std::string, std::uint64_t>& sizes) {
    std::vector<write::MappedFile> before;
    before.reserve(patches.size());
    struct Task {
        std::size_t patch;
        std::optional<view::Spreadsheet> sheet;  // set: the workbook of that patch's CSV
        std::vector<FragmentSpan> spans;         // a workbook's copy: the file's task moves them
    };
    std::vector<Task> tasks;
    for (std::size_t index = 0; index < patches.size(); ++index) {
        auto file = write::map_if_unchanged(out_dir / platform::path_from_utf8(patches[index].path), patches[index].before);
        if (!file) throw PlanImpossible(patches[index].path + " is not what the last build wrote");
        before.push_back(std::move(*file));
        if (auto sheet = view::spreadsheet_of(patches[index].path))
            tasks.push_back({index, std::move(sheet), patches[index].spans});
    }
    // The biggest workbooks first: tasks are taken in order.
    std::sort(tasks.begin(), tasks.end(), [&](const Task& a, const Task& b) {
        return before[a.patch].bytes().size() > before[b.patch].bytes().size();
    });
    for (std::size_t index = 0; index < patches.size(); ++index) tasks.push_back({index, std::nullopt, {}});
    std::vector<std::uint64_t> task_sizes(tasks.size());
    std::atomic<std::size_t> reused{0}, chunks{0};
    parallel::for_each_index(tasks.size(), [&](std::size_t index) {
        auto started = std::chrono::steady_clock::now();
        Task& task = tasks[index];
        std::string path = task.sheet ? task.sheet->path : patches[task.patch].path;
        struct Clock {  // SHNOR_TIMINGS: each task's time (they overlap)
            const std::string& path;
            std::chrono::steady_clock::time_point started;
            ~Clock() {
                if (stage_clock().enabled())
                    std::fprintf(stderr, "    %s: %.3f s\n", path.c_str(),
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
            }
        } clock{path, started};
        SpanPatch& patch = patches[task.patch];
        std::string_view bytes = before[task.patch].bytes();
        if (task.sheet) {
            auto workbook_before = hashes.find(task.sheet->path);
            std::string workbook = workbook_of(*task.sheet, bytes, task.spans, patch, tree, created,
                                               workbook_before == hashes.end() ? nullptr : &workbook_before->second,
                                               out_dir, workbooks, reused, chunks);
            tree.put(task.sheet->path, workbook);
            task_sizes[index] = workbook.size();
            return;
        }
        write::OutputTree::Stream out = tree.open(patch.path);
        std::uint64_t size = 0;
        bool placed = emit_with_spans_replaced(bytes, patch.spans, patch.replacements, patch.keep_emptiness,
                                               [&](std::string_view piece) {
                                                   out.append(piece);
                                                   size += piece.size();
                                               });
        if (!placed) throw PlanImpossible(patch.path + ": its spans are not where the record says, or change shape");
        out.close();
        task_sizes[index] = size;
    });
    for (std::size_t index = 0; index < tasks.size(); ++index)
        sizes[tasks[index].sheet ? tasks[index].sheet->path : patches[tasks[index].patch].path] = task_sizes[index];
    stage_clock().lap("  patched " + std::to_string(patches.size()) + " files; workbook chunks reused " +
                      std::to_string(reused) + " of " + std::to_string(chunks));
}

// A school's pages are one run of lines of the sitemap, the paths being
// sorted and sharing the prefix schools/<slug>/.
void patch_sitemap(const std::filesystem::path& out_dir, const write::ContentHash& before, const model::Site& site,
                   const std::vector<std::string>& schools, const view::BuildContext& context,
                   const std::map<std::string, std::vector<std::string>>& pages_of, write::OutputTree& tree) {
    auto file = write::map_if_unchanged(out_dir / "sitemap.xml", before);
    if (!file) throw PlanImpossible("sitemap.xml is not what the last build wrote");
    std::string xml(file->bytes());
    for (const auto& school : site.schools) {
        if (std::find(schools.begin(), schools.end(), school.slug) == schools.end()) continue;
        auto pages = pages_of.find(school.slug);
        if (pages == pages_of.end()) throw PlanImpossible("the record has no pages of " + school.slug);
        std::vector<std::string> paths = pages->second;
        std::sort(paths.begin(), paths.end());
        const std::string line_start =
            "  <url><loc>" + render::escape_xml(context.base_url + "schools/" + school.slug + "/");
        std::size_t start = xml.find("\n" + line_start);
        if (start == std::string::npos) throw PlanImpossible("sitemap.xml has no lines of " + school.slug);
        std::size_t end = ++start, lines = 0;
        for (; xml.compare(end, line_start.size(), line_start) == 0; ++lines) {
            end = xml.find('\n', end);
            if (end == std::string::npos) throw PlanImpossible("sitemap.xml is cut short");
            ++end;
        }
        if (lines != paths.size()) throw PlanImpossible("sitemap.xml has other lines of " + school.slug);
        xml.replace(start, end - start, view::sitemap_urls(context, paths, view::PageDates(site, school, context.build_date)));
    }
    tree.put("sitemap.xml", xml);
}

}  // namespace shnor::pipeline
