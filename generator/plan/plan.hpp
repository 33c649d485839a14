// The plan of a district build: what to load, render, patch and keep, and
// why. A pure stage (no I/O): the pipeline gives it what it saw (stamps, the
// previous build's record, the output files someone else changed) and, once
// the changed schools are loaded, their hashes; it runs whatever plan comes
// out the same way (pipeline.cpp). A full build, a section-only build and a
// text-only build are plans, not code paths.
#pragma once

#include "cache/fingerprint.hpp"
#include "pipeline/build_record.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::plan {

// Why a file or a school is (or is not) made again. explain() words each one.
enum class Reason {
    nothing_changed,         // every input and every output as the record says
    no_record,               // no record of a build of this very output folder
    full_requested,          // --full
    key_changed,             // another shnor binary, --date, --base-url or content folder
    volatile_sources,        // a fetched source may change while no content file does
    district_input_changed,  // a file outside the schools' folders: site.yaml, district files, layouts, assets
    schools_added_or_removed,
    too_many_schools,        // more changed schools than a partial build is worth
    published_file_changed,  // a school's document or photo, copied as it is
    load_failed,             // a changed school has errors: the whole build reports them
    district_part_changed,   // a school changed what the district's pages read of it
    global_changed,          // what every school's pages share changed (whole build)
    content_changed,         // the school's content hash differs (whole build)
    external_changed,        // the school's roadmaps changed past its section: its row and open data too
    section_changed,         // the school's change stays inside its own section
    text_changed,            // only the school's index.md text changed: its intro fragment
    altered_output,          // an output file was changed or removed by someone else
    plan_failed,             // a narrower plan could not be carried out (see the text)
    unchanged,               // kept as it is
};

// What the executor loads.
enum class Load {
    none,                // nothing: the output is as the record says
    changed,             // the changed schools alone, no site: their intros are patched
    changed_with_peers,  // the changed schools fully, the others as the peer parts the last whole build left
    all,                 // every school fully
};

// What happens to one school's files.
enum class SchoolWork {
    keep,             // its files stay as they are
    patch_intro,      // its index.md fragment is put in place in its first page and the vi copy
    render_section,   // its section is rendered again (the same files and pages as before)
    render,           // rendered again in a whole build
};

struct SchoolStep {
    std::string slug;
    SchoolWork work = SchoolWork::keep;
    Reason reason = Reason::unchanged;
    bool rows = false;  // its row of the schools list and its open-data spans are patched
    std::vector<std::string> changed_files;  // its content files that changed
};

// An output file whose spans are put in place, or which is made again from
// patched ones; kept files are not listed.
enum class FileWork {
    patch_intro,     // a school's intro fragment
    patch_rows,      // the schools' rows of the schools list, or their open-data spans
    patch_sitemap,   // the sitemap's lines of the schools' pages
    remake,          // made again from the patched files (a CSV's workbook, the data page)
};

struct FileStep {
    std::string path;
    FileWork work = FileWork::patch_rows;
    std::vector<std::string> schools;  // whose spans or lines
    Reason reason = Reason::section_changed;
};

struct BuildPlan {
    enum class Scope {
        nothing,  // no work: nothing changed and the output was verified
        schools,  // only `schools` (changed ones) are loaded and rendered or patched; the district's files kept or patched
        whole,    // every school loaded; the district's pages, open data and feeds rendered; each school rendered or kept
    };
    Scope scope = Scope::whole;
    Reason reason = Reason::no_record;  // why this scope
    std::string detail;                 // e.g. the first input that made it whole
    Load load = Load::all;
    bool needs_whole_record = false;  // only the record's head was given and something changed
    // scope schools: the changed schools (slug order). scope whole: every
    // school once plan_whole_schools() ran; empty before.
    std::vector<SchoolStep> schools;
    std::vector<FileStep> files;  // scope schools: the patched and remade files, in path order
    // scope whole: the previous build's pages are reused (same key, not --full).
    bool reuse_previous = false;
    // Output files changed by someone else: every plan writes them again.
    std::vector<std::string> altered;
    // The content has layouts/ of its own: they may print a school's text
    // outside its fragment, so it is never patched alone.
    bool own_layouts = false;

    bool renders_district() const { return scope == Scope::whole; }
    bool renders_sections() const;    // a school's section is rendered (peer parts are needed)
    bool text_only() const;           // scope schools, every school patch_intro
    std::vector<std::string> slugs(SchoolWork work) const;
    std::vector<std::string> row_schools() const;
};

// What the pipeline saw before loading anything.
struct Facts {
    const std::vector<cache::FileStamp>* stamps = nullptr;  // content, then "@layouts/…", "@assets/…"
    // The previous build's record when it describes the output folder as it
    // is; null otherwise. `record_whole`: its maps were read, not only its head.
    const pipeline::BuildRecord* record = nullptr;
    bool record_whole = false;
    std::string key;
    bool full = false;
    std::vector<std::string> altered;
};

// Step 1. With only the record's head, a plan that needs more says
// needs_whole_record. The changed schools of a scope-schools plan are not
// worked out yet (work keep): refine() does that once they are loaded.
BuildPlan plan_build(const Facts& facts);

// Step 2, for scope schools: what loading each changed school showed.
struct LoadedSchool {
    bool errors = false;
    cache::Hash128 content, external, district;
    bool publishes_changed_file = false;  // one of its changed files is a document or photo it publishes
};
// Sets each changed school's work and the files to patch and remake, or
// widens the plan to a whole one.
void refine(BuildPlan& plan, const pipeline::BuildRecord& record, const std::map<std::string, LoadedSchool>& loaded);

// Step 3, for scope whole once all schools are loaded: which to render
// again. `schools`: slug → content hash, in site order.
void plan_whole_schools(BuildPlan& plan, const pipeline::BuildRecord* record, const cache::Hash128& global,
                        const std::vector<std::pair<std::string, cache::Hash128>>& schools);

// A plan that could not be carried out (a patched file no longer matches its
// hash, a section has other pages now): the whole one instead.
BuildPlan widened(const BuildPlan& plan, std::string why);

// The files where a school's row and open-data elements lie, as spans.
const std::vector<std::string>& files_with_school_spans();
// The key of a school's index.md fragment (view::school_intro).
inline constexpr std::string_view kIntroKey = "intro_block";
// More changed schools than this are rendered by a whole build.
inline constexpr std::size_t kMaxChangedSchools = 16;
// Files changed this close to the previous build might have changed again
// within one timestamp tick, so they never count as unchanged.
inline constexpr std::int64_t kRacyMarginNs = 2'000'000'000;

// The plan in English, one line per file or school, deterministic order
// (what SHNOR_EXPLAIN=1 prints).
std::vector<std::string> explain(const BuildPlan& plan);
const char* reason_text(Reason reason);

}  // namespace shnor::plan
