#include "plan/plan.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>

namespace shnor::plan {

namespace {

// Files a school's loader reads into its model; other files (documents,
// photos) are published as they are.
bool is_model_file(std::string_view path) {
    for (std::string_view extension : {".md", ".yaml", ".yml", ".csv"})
        if (path.ends_with(extension)) return true;
    return false;
}

// "schools/<slug>/…" → slug; empty for any other path.
std::string school_of(std::string_view path) {
    if (!path.starts_with("schools/")) return {};
    auto slash = path.find('/', 8);
    if (slash == std::string_view::npos || slash == 8) return {};
    return std::string(path.substr(8, slash - 8));
}

bool is_racy(const std::vector<cache::FileStamp>& stamps, std::int64_t since_ns) {
    for (const auto& stamp : stamps)
        if (stamp.mtime_ns >= since_ns - kRacyMarginNs) return true;
    return false;
}

BuildPlan whole(BuildPlan plan, Reason reason, std::string detail = {}) {
    plan.scope = BuildPlan::Scope::whole;
    plan.reason = reason;
    plan.detail = std::move(detail);
    plan.load = Load::all;
    plan.needs_whole_record = false;
    plan.schools.clear();
    plan.files.clear();
    return plan;
}

// slug → its changed content files, when every change lies in the model
// files of schools the record knows and no school came or went; otherwise
// the reason (and the path) that makes the build a whole one.
struct Changes {
    std::map<std::string, std::vector<std::string>> schools;
    std::optional<Reason> whole;
    std::string detail;
};

Changes changed_inputs(const pipeline::BuildRecord& record, const std::vector<cache::FileStamp>& stamps) {
    Changes changes;
    std::unordered_map<std::string_view, const cache::FileStamp*> before;
    before.reserve(record.inputs.size());
    for (const auto& stamp : record.inputs) before.emplace(stamp.path, &stamp);
    std::set<std::string> slugs_now;
    auto note = [&](const std::string& path) {
        if (changes.whole) return;
        std::string slug = school_of(path);
        if (slug.empty()) {
            changes.whole = Reason::district_input_changed;
        } else if (!record.schools.count(slug)) {
            changes.whole = Reason::schools_added_or_removed;
        } else if (!is_model_file(path)) {
            changes.whole = Reason::published_file_changed;
        } else {
            changes.schools[slug].push_back(path);
            return;
        }
        changes.detail = path;
    };
    for (const auto& stamp : stamps) {
        if (std::string slug = school_of(stamp.path); !slug.empty()) slugs_now.insert(std::move(slug));
        auto found = before.find(stamp.path);
        bool same = found != before.end() && *found->second == stamp &&
                    stamp.mtime_ns < record.written_ns - kRacyMarginNs;
        if (found != before.end()) before.erase(found);
        if (!same) note(stamp.path);
    }
    std::vector<std::string> gone;
    for (const auto& [path, stamp] : before) gone.emplace_back(path);
    std::sort(gone.begin(), gone.end());
    for (const auto& path : gone) note(path);
    if (changes.whole) return changes;
    for (const auto& [slug, hash] : record.schools)
        if (!slugs_now.count(slug)) {
            changes.whole = Reason::schools_added_or_removed;
            changes.detail = "schools/" + slug;
            return changes;
        }
    if (slugs_now.size() != record.schools.size()) changes.whole = Reason::schools_added_or_removed;
    return changes;
}

const std::string* owner_of(const pipeline::BuildRecord& record, const std::string& path) {
    auto found = record.file_owner.find(path);
    return found == record.file_owner.end() ? nullptr : &found->second;
}

// The school's files where its intro fragment lies once each; nullopt when
// it lies nowhere single (a layout printing it twice, or not at all).
std::optional<std::vector<std::string>> intro_files(const pipeline::BuildRecord& record, const std::string& slug) {
    std::vector<std::string> files;
    for (const auto& [path, owner] : record.file_owner) {
        if (owner != slug) continue;
        auto spans = record.fragments.find(path);
        if (spans == record.fragments.end()) continue;
        for (const auto& span : spans->second) {
            if (span.key != kIntroKey) continue;
            if (span.offset == pipeline::FragmentSpan::kNowhere) return std::nullopt;
            files.push_back(path);
            break;
        }
    }
    if (files.empty()) return std::nullopt;
    return files;
}

void add_file(std::map<std::string, FileStep>& files, const std::string& path, FileWork work, const std::string& slug,
              Reason reason) {
    auto [step, added] = files.try_emplace(path, FileStep{path, work, {}, reason});
    step->second.schools.push_back(slug);
}

}  // namespace

bool BuildPlan::renders_sections() const {
    for (const auto& school : schools)
        if (school.work == SchoolWork::render_section) return true;
    return false;
}

bool BuildPlan::text_only() const {
    if (scope != Scope::schools) return false;
    bool any = false;
    for (const auto& school : schools) {
        if (school.work == SchoolWork::patch_intro) any = true;
        else if (school.work != SchoolWork::keep) return false;
    }
    return any;
}

std::vector<std::string> BuildPlan::slugs(SchoolWork work) const {
    std::vector<std::string> found;
    for (const auto& school : schools)
        if (school.work == work) found.push_back(school.slug);
    return found;
}

std::vector<std::string> BuildPlan::row_schools() const {
    std::vector<std::string> found;
    for (const auto& school : schools)
        if (school.rows) found.push_back(school.slug);
    return found;
}

const std::vector<std::string>& files_with_school_spans() {
    static const std::vector<std::string> files{"data/roadmaps.csv", "data/roadmaps.json", "data/schools.csv",
                                                "data/schools.json", "schools/index.html", "vi/schools/index.html"};
    return files;
}

BuildPlan plan_build(const Facts& facts) {
    BuildPlan plan;
    plan.altered = facts.altered;
    const pipeline::BuildRecord* record = facts.record;
    if (!record) return whole(std::move(plan), Reason::no_record);
    if (facts.full) return whole(std::move(plan), Reason::full_requested);
    if (record->key != facts.key) return whole(std::move(plan), Reason::key_changed);
    plan.reuse_previous = true;
    if (record->volatile_sources) return whole(std::move(plan), Reason::volatile_sources);
    const auto& stamps = *facts.stamps;
    for (const auto& stamp : stamps)
        if (stamp.path.starts_with("layouts/")) plan.own_layouts = true;
    if (facts.altered.empty() && record->inputs_fingerprint == shnor::record::by_path_fingerprint(stamps) &&
        !is_racy(stamps, record->written_ns)) {
        plan.scope = BuildPlan::Scope::nothing;
        plan.reason = Reason::nothing_changed;
        plan.load = Load::none;
        return plan;
    }
    if (!facts.record_whole) {
        plan.needs_whole_record = true;
        return plan;
    }
    Changes changes = changed_inputs(*record, stamps);
    if (changes.whole) return whole(std::move(plan), *changes.whole, changes.detail);
    // A file someone else changed is made again by rendering its school's section.
    std::set<std::string> altered_owners;
    for (const auto& path : facts.altered) {
        const std::string* owner = owner_of(*record, path);
        if (!owner || owner->empty()) return whole(std::move(plan), Reason::altered_output, path);
        altered_owners.insert(*owner);
        changes.schools[*owner];
    }
    if (changes.schools.size() > kMaxChangedSchools)
        return whole(std::move(plan), Reason::too_many_schools, std::to_string(changes.schools.size()) + " schools");
    plan.scope = BuildPlan::Scope::schools;
    plan.reason = Reason::section_changed;
    plan.load = Load::changed;
    for (auto& [slug, files] : changes.schools) {
        SchoolStep step{slug, SchoolWork::keep, Reason::unchanged, false, std::move(files)};
        if (altered_owners.count(slug)) {
            step.work = SchoolWork::render_section;
            step.reason = Reason::altered_output;
        }
        plan.schools.push_back(std::move(step));
    }
    return plan;
}

void refine(BuildPlan& plan, const pipeline::BuildRecord& record, const std::map<std::string, LoadedSchool>& loaded) {
    if (plan.scope != BuildPlan::Scope::schools) return;
    auto same = [](const std::map<std::string, cache::Hash128>& before, const std::string& slug,
                   const cache::Hash128& now) {
        auto found = before.find(slug);
        return found != before.end() && found->second == now;
    };
    for (auto& school : plan.schools) {
        auto found = loaded.find(school.slug);
        if (found == loaded.end() || found->second.errors) {
            plan = whole(std::move(plan), Reason::load_failed, "schools/" + school.slug);
            return;
        }
        const LoadedSchool& now = found->second;
        if (now.publishes_changed_file) {
            plan = whole(std::move(plan), Reason::published_file_changed, "schools/" + school.slug);
            return;
        }
        if (!same(record.school_external, school.slug, now.external)) {
            if (!same(record.school_district, school.slug, now.district)) {
                plan = whole(std::move(plan), Reason::district_part_changed, "schools/" + school.slug);
                return;
            }
            school.work = SchoolWork::render_section;
            school.reason = Reason::external_changed;
            school.rows = true;
        } else if (school.work == SchoolWork::render_section) {
            // altered output: stays so
        } else if (same(record.schools, school.slug, now.content)) {
            school.work = SchoolWork::keep;  // files touched, bytes that load the same
            school.reason = Reason::unchanged;
        } else if (plan.own_layouts || !intro_files(record, school.slug)) {
            school.work = SchoolWork::render_section;
            school.reason = Reason::section_changed;
        } else {
            school.work = SchoolWork::patch_intro;
            school.reason = Reason::text_changed;
        }
    }
    std::map<std::string, FileStep> files;
    for (const auto& school : plan.schools) {
        if (school.work == SchoolWork::patch_intro) {
            auto intro = intro_files(record, school.slug);
            for (const auto& path : *intro) add_file(files, path, FileWork::patch_intro, school.slug, Reason::text_changed);
        }
        if (school.work == SchoolWork::render_section)
            add_file(files, "sitemap.xml", FileWork::patch_sitemap, school.slug, school.reason);
        if (!school.rows) continue;
        for (const auto& path : files_with_school_spans()) {
            add_file(files, path, FileWork::patch_rows, school.slug, Reason::external_changed);
            if (path.ends_with(".csv")) {
                std::string workbook = path.substr(0, path.size() - 4) + ".xlsx";
                if (record.files.count(workbook))
                    add_file(files, workbook, FileWork::remake, school.slug, Reason::external_changed);
            }
        }
        for (std::string page : {"data/index.html", "vi/data/index.html"})
            if (record.files.count(page)) add_file(files, page, FileWork::remake, school.slug, Reason::external_changed);
    }
    for (const auto& [path, step] : files) {
        if (!record.files.count(path) ||
            (step.work != FileWork::remake && step.work != FileWork::patch_sitemap && !record.fragments.count(path))) {
            plan = whole(std::move(plan), Reason::plan_failed, path + " is not in the record with its spans");
            return;
        }
    }
    plan.files.clear();
    for (auto& [path, step] : files) plan.files.push_back(std::move(step));
    plan.reason = plan.text_only() ? Reason::text_changed : Reason::section_changed;
    plan.load = plan.renders_sections() || !plan.row_schools().empty() ? Load::changed_with_peers : Load::changed;
}

void plan_whole_schools(BuildPlan& plan, const pipeline::BuildRecord* record, const cache::Hash128& global,
                        const std::vector<std::pair<std::string, cache::Hash128>>& schools) {
    std::set<std::string> altered_owners;
    if (record)
        for (const auto& path : plan.altered)
            if (const std::string* owner = owner_of(*record, path)) altered_owners.insert(*owner);
    bool reuse = plan.reuse_previous && record;
    plan.schools.clear();
    for (const auto& [slug, hash] : schools) {
        SchoolStep step{slug, SchoolWork::render, plan.reason, false, {}};
        if (reuse) {
            auto before = record->schools.find(slug);
            if (record->global != global) step.reason = Reason::global_changed;
            else if (before == record->schools.end()) step.reason = Reason::schools_added_or_removed;
            else if (before->second != hash) step.reason = Reason::content_changed;
            else if (altered_owners.count(slug)) step.reason = Reason::altered_output;
            else step = {slug, SchoolWork::keep, Reason::unchanged, false, {}};
        }
        plan.schools.push_back(std::move(step));
    }
}

BuildPlan widened(const BuildPlan& plan, std::string why) {
    return whole(plan, Reason::plan_failed, std::move(why));
}

const char* reason_text(Reason reason) {
    switch (reason) {
        case Reason::nothing_changed: return "no input changed and every output file is as the last build left it";
        case Reason::no_record: return "no record of a previous build of this output folder";
        case Reason::full_requested: return "--full was given";
        case Reason::key_changed: return "another shnor binary, --date, --base-url or content folder";
        case Reason::volatile_sources: return "a fetched source may have changed without a content file changing";
        case Reason::district_input_changed: return "a file outside the schools' folders changed";
        case Reason::schools_added_or_removed: return "a school was added or removed";
        case Reason::too_many_schools: return "too many schools changed for a partial build";
        case Reason::published_file_changed: return "a document or photo a school publishes changed";
        case Reason::load_failed: return "a changed school has errors";
        case Reason::district_part_changed: return "a school changed what the district's pages read of it";
        case Reason::global_changed: return "what every school's pages share changed";
        case Reason::content_changed: return "its content changed";
        case Reason::external_changed: return "its roadmaps changed past its own section (its row and open data)";
        case Reason::section_changed: return "its change stays inside its own section";
        case Reason::text_changed: return "only its index.md text changed";
        case Reason::altered_output: return "an output file was changed or removed by someone else";
        case Reason::plan_failed: return "a partial build could not be carried out";
        case Reason::unchanged: return "unchanged";
    }
    return "";
}

namespace {

const char* school_work_text(SchoolWork work) {
    switch (work) {
        case SchoolWork::keep: return "kept";
        case SchoolWork::patch_intro: return "intro fragment patched";
        case SchoolWork::render_section: return "section rendered again";
        case SchoolWork::render: return "rendered again";
    }
    return "";
}

const char* file_work_text(FileWork work) {
    switch (work) {
        case FileWork::patch_intro: return "intro fragment patched";
        case FileWork::patch_rows: return "spans patched";
        case FileWork::patch_sitemap: return "lines patched";
        case FileWork::remake: return "made again from the patched files";
    }
    return "";
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
    return text;
}

}  // namespace

std::vector<std::string> explain(const BuildPlan& plan) {
    std::vector<std::string> lines;
    std::string why = reason_text(plan.reason);
    if (!plan.detail.empty()) why += " (" + plan.detail + ")";
    switch (plan.scope) {
        case BuildPlan::Scope::nothing:
            lines.push_back("plan: nothing to do: " + why);
            return lines;
        case BuildPlan::Scope::whole:
            lines.push_back("plan: whole build: " + why);
            lines.push_back("district pages, open data, feeds: rendered: " + why);
            break;
        case BuildPlan::Scope::schools:
            lines.push_back("plan: " + std::string(plan.text_only() ? "text only" : "changed schools only") + ": " +
                            std::to_string(plan.schools.size()) + " school(s) loaded" +
                            (plan.load == Load::changed_with_peers ? ", the others as peer parts" : "") +
                            "; the rest kept");
            break;
    }
    for (const auto& school : plan.schools) {
        std::string line = "school " + school.slug + ": " + school_work_text(school.work) + ": " +
                           reason_text(school.reason);
        if (school.rows) line += "; its row and open-data spans patched";
        if (!school.changed_files.empty()) line += " [" + joined(school.changed_files) + "]";
        lines.push_back(std::move(line));
    }
    for (const auto& file : plan.files)
        lines.push_back(file.path + ": " + file_work_text(file.work) + " for " + joined(file.schools) + ": " +
                        reason_text(file.reason));
    std::vector<std::string> altered = plan.altered;
    std::sort(altered.begin(), altered.end());
    for (const auto& path : altered) lines.push_back(path + ": written again: " + reason_text(Reason::altered_output));
    if (plan.scope == BuildPlan::Scope::schools) lines.push_back("every other file: kept: unchanged");
    return lines;
}

}  // namespace shnor::plan
