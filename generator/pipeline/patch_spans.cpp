#include "pipeline/patch_spans.hpp"

#include "pipeline/open_data_xlsx.hpp"
#include "pipeline/stage_clock.hpp"
#include "render/escape.hpp"
#include "write/mapped_file.hpp"

#include <algorithm>
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

void patch_file(const std::filesystem::path& out_dir, SpanPatch& patch, write::OutputTree& tree,
                model::Date build_date, std::map<std::string, std::uint64_t>& sizes) {
    auto before = write::map_if_unchanged(out_dir / patch.path, patch.before);
    if (!before) throw PlanImpossible(patch.path + " is not what the last build wrote");
    write::OutputTree::Stream out = tree.open(patch.path);
    auto sheet = view::spreadsheet_of(patch.path);
    std::optional<WorkbookFromCsv> workbook;
    if (sheet) workbook.emplace(*sheet, tree.scratch_path(), build_date);
    std::uint64_t size = 0;
    bool placed = emit_with_spans_replaced(before->bytes(), patch.spans, patch.replacements, patch.keep_emptiness,
                                           [&](std::string_view piece) {
                                               out.append(piece);
                                               size += piece.size();
                                               if (workbook) workbook->append(piece);
                                           });
    if (!placed) throw PlanImpossible(patch.path + ": its spans are not where the record says, or change shape");
    out.close();
    sizes[patch.path] = size;
    if (workbook) {
        std::string bytes = workbook->finish();
        tree.put(sheet->path, bytes);
        sizes[sheet->path] = bytes.size();
    }
    stage_clock().lap("  patched " + patch.path);
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
        xml.replace(start, end - start, view::sitemap_urls(context, paths, view::PageDates(site, school)));
    }
    tree.put("sitemap.xml", xml);
}

}  // namespace shnor::pipeline
