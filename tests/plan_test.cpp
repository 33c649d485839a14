// The plan stage: what a build does for each kind of change, and why.
#include "plan/plan.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace shnor;
using namespace shnor::test;
using plan::BuildPlan;
using plan::FileWork;
using plan::Reason;
using plan::SchoolWork;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

cache::Hash128 hash_of(const std::string& text) { return cache::hash_bytes(text); }

// A district of two schools as the last build left it, long enough ago.
struct District {
    std::vector<cache::FileStamp> stamps{
        {"@layouts/base.mustache", 100, 1 * kSecond},
        {"schools/a/index.md", 10, 1 * kSecond},
        {"schools/a/roadmaps/plan.yaml", 20, 1 * kSecond},
        {"schools/a/school.yaml", 30, 1 * kSecond},
        {"schools/b/index.md", 10, 1 * kSecond},
        {"schools/b/school.yaml", 30, 1 * kSecond},
        {"site.yaml", 40, 1 * kSecond},
    };
    pipeline::BuildRecord record;

    District() {
        record.key = "key";
        record.written_ns = 100 * kSecond;
        record.inputs = stamps;
        record.inputs_fingerprint = cache::fingerprint(stamps);
        record.global = hash_of("global");
        for (std::string slug : {"a", "b"}) {
            record.schools[slug] = hash_of(slug + " content");
            record.school_external[slug] = hash_of(slug + " external");
            record.school_district[slug] = hash_of(slug + " district");
            for (std::string page : {"", "roadmap/"}) {
                for (std::string copy : {"", "vi/"}) {
                    std::string path = copy + "schools/" + slug + "/" + page + "index.html";
                    record.file_owner[path] = slug;
                    record.files[path] = {};
                    if (page.empty()) record.fragments[path] = {{std::string(plan::kIntroKey), 500, 40}};
                }
            }
            record.school_pages[slug] = {"schools/" + slug + "/", "schools/" + slug + "/roadmap/"};
        }
        for (const auto& path : plan::files_with_school_spans()) {
            record.files[path] = {};
            record.fragments[path] = {{"a", 10, 5}, {"b", 15, 5}};
        }
        for (std::string path : {"data/roadmaps.xlsx", "data/schools.xlsx", "data/index.html", "vi/data/index.html",
                                 "sitemap.xml", "index.html"})
            record.files[path] = {};
    }

    plan::Facts facts(const std::vector<cache::FileStamp>& now) const {
        return {&now, &record, true, "key", false, {}};
    }

    // `slug`'s index.md edited now.
    std::vector<cache::FileStamp> edited(const std::string& path) const {
        auto now = stamps;
        for (auto& stamp : now)
            if (stamp.path == path) stamp.mtime_ns = 200 * kSecond;
        return now;
    }

    // What loading school `slug` showed, with its parts changed as named.
    plan::LoadedSchool loaded(const std::string& slug, bool content, bool external, bool district) const {
        plan::LoadedSchool school;
        school.content = content ? hash_of("new") : record.schools.at(slug);
        school.external = external ? hash_of("new") : record.school_external.at(slug);
        school.district = district ? hash_of("new") : record.school_district.at(slug);
        return school;
    }
};

std::vector<std::string> paths_of(const BuildPlan& plan, FileWork work) {
    std::vector<std::string> paths;
    for (const auto& file : plan.files)
        if (file.work == work) paths.push_back(file.path);
    return paths;
}

}  // namespace

TEST_CASE("nothing changed: no work, with the head of the record alone", "[plan]") {
    District district;
    plan::Facts facts = district.facts(district.stamps);
    facts.record_whole = false;
    BuildPlan plan = plan::plan_build(facts);
    CHECK(plan.scope == BuildPlan::Scope::nothing);
    CHECK(plan.load == plan::Load::none);
    CHECK(plan.reason == Reason::nothing_changed);

    SECTION("a stamp within 2 s of the last build is not trusted") {
        auto racy = district.stamps;
        racy[1].mtime_ns = district.record.written_ns - kSecond;
        plan::Facts again = district.facts(racy);
        again.record_whole = false;
        CHECK(plan::plan_build(again).needs_whole_record);
    }
}

TEST_CASE("one school's index.md text: only its intro fragment is patched", "[plan]") {
    District district;
    auto now = district.edited("schools/a/index.md");
    BuildPlan plan = plan::plan_build(district.facts(now));
    REQUIRE(plan.scope == BuildPlan::Scope::schools);
    REQUIRE(plan.schools.size() == 1);
    CHECK(plan.schools[0].changed_files == std::vector<std::string>{"schools/a/index.md"});
    plan::refine(plan, district.record, {{"a", district.loaded("a", true, false, false)}});
    REQUIRE(plan.scope == BuildPlan::Scope::schools);
    CHECK(plan.text_only());
    CHECK(plan.load == plan::Load::changed);
    CHECK(plan.schools[0].work == SchoolWork::patch_intro);
    CHECK_FALSE(plan.renders_sections());
    CHECK(paths_of(plan, FileWork::patch_intro) ==
          std::vector<std::string>{"schools/a/index.html", "vi/schools/a/index.html"});
    CHECK(plan.files.size() == 2);

    SECTION("with the content's own layouts, its section instead") {
        now.push_back({"layouts/school.mustache", 5, 1 * kSecond});
        district.record.inputs.push_back(now.back());
        BuildPlan own = plan::plan_build(district.facts(now));
        plan::refine(own, district.record, {{"a", district.loaded("a", true, false, false)}});
        CHECK(own.schools[0].work == SchoolWork::render_section);
        CHECK(paths_of(own, FileWork::patch_sitemap) == std::vector<std::string>{"sitemap.xml"});
    }
    SECTION("the same bytes again (a touched file): kept") {
        BuildPlan touched = plan::plan_build(district.facts(now));
        plan::refine(touched, district.record, {{"a", district.loaded("a", false, false, false)}});
        CHECK(touched.scope == BuildPlan::Scope::schools);
        CHECK(touched.schools[0].work == SchoolWork::keep);
        CHECK(touched.files.empty());
    }
}

TEST_CASE("a roadmap item's status: the section, its row and open-data spans, the workbooks and the data page", "[plan]") {
    District district;
    BuildPlan plan = plan::plan_build(district.facts(district.edited("schools/a/roadmaps/plan.yaml")));
    plan::refine(plan, district.record, {{"a", district.loaded("a", true, true, false)}});
    REQUIRE(plan.scope == BuildPlan::Scope::schools);
    CHECK(plan.schools[0].work == SchoolWork::render_section);
    CHECK(plan.schools[0].rows);
    CHECK(plan.load == plan::Load::changed_with_peers);
    CHECK(plan.renders_sections());
    CHECK_FALSE(plan.renders_district());
    CHECK(paths_of(plan, FileWork::patch_rows) == plan::files_with_school_spans());
    CHECK(paths_of(plan, FileWork::remake) ==
          std::vector<std::string>{"data/index.html", "data/roadmaps.xlsx", "data/schools.xlsx", "vi/data/index.html"});
    CHECK(paths_of(plan, FileWork::patch_sitemap) == std::vector<std::string>{"sitemap.xml"});

    SECTION("its content changed but not its external part: only its text can have, so it is patched") {
        BuildPlan inside = plan::plan_build(district.facts(district.edited("schools/a/roadmaps/plan.yaml")));
        plan::refine(inside, district.record, {{"a", district.loaded("a", true, false, false)}});
        CHECK(inside.schools[0].work == SchoolWork::patch_intro);
    }
}

TEST_CASE("school.yaml's name: the district's pages (a whole build)", "[plan]") {
    District district;
    BuildPlan plan = plan::plan_build(district.facts(district.edited("schools/a/school.yaml")));
    plan::refine(plan, district.record, {{"a", district.loaded("a", true, true, true)}});
    CHECK(plan.scope == BuildPlan::Scope::whole);
    CHECK(plan.reason == Reason::district_part_changed);
    CHECK(plan.renders_district());
    CHECK(plan.load == plan::Load::all);

    plan::plan_whole_schools(plan, &district.record, district.record.global,
                             {{"a", hash_of("new")}, {"b", district.record.schools.at("b")}});
    REQUIRE(plan.schools.size() == 2);
    CHECK(plan.schools[0].work == SchoolWork::render);
    CHECK(plan.schools[0].reason == Reason::content_changed);
    CHECK(plan.schools[1].work == SchoolWork::keep);
    plan::plan_whole_schools(plan, &district.record, hash_of("other global"),
                             {{"a", hash_of("new")}, {"b", district.record.schools.at("b")}});
    CHECK(plan.schools[1].work == SchoolWork::render);
    CHECK(plan.schools[1].reason == Reason::global_changed);
}

TEST_CASE("a new school, a removed one: the district's pages", "[plan]") {
    District district;
    auto now = district.stamps;
    now.push_back({"schools/c/school.yaml", 30, 200 * kSecond});
    std::sort(now.begin(), now.end(), [](const auto& x, const auto& y) { return x.path < y.path; });
    BuildPlan added = plan::plan_build(district.facts(now));
    CHECK(added.scope == BuildPlan::Scope::whole);
    CHECK(added.reason == Reason::schools_added_or_removed);
    CHECK(added.detail == "schools/c/school.yaml");

    auto fewer = district.stamps;
    std::erase_if(fewer, [](const auto& stamp) { return stamp.path.starts_with("schools/b/"); });
    BuildPlan removed = plan::plan_build(district.facts(fewer));
    CHECK(removed.scope == BuildPlan::Scope::whole);
    CHECK(removed.reason == Reason::schools_added_or_removed);
}

TEST_CASE("a layout, site.yaml or a document: a whole build", "[plan]") {
    District district;
    for (std::string path : {"@layouts/base.mustache", "site.yaml"}) {
        BuildPlan plan = plan::plan_build(district.facts(district.edited(path)));
        CHECK(plan.scope == BuildPlan::Scope::whole);
        CHECK(plan.reason == Reason::district_input_changed);
        CHECK(plan.detail == path);
    }
    auto now = district.stamps;
    now.push_back({"schools/a/files/report.pdf", 1000, 200 * kSecond});
    std::sort(now.begin(), now.end(), [](const auto& x, const auto& y) { return x.path < y.path; });
    CHECK(plan::plan_build(district.facts(now)).reason == Reason::published_file_changed);
}

TEST_CASE("an output file changed by someone else: its owner is rendered again", "[plan]") {
    District district;
    plan::Facts facts = district.facts(district.stamps);
    facts.altered = {"schools/b/roadmap/index.html"};
    BuildPlan plan = plan::plan_build(facts);
    REQUIRE(plan.scope == BuildPlan::Scope::schools);
    REQUIRE(plan.schools.size() == 1);
    CHECK(plan.schools[0].slug == "b");
    plan::refine(plan, district.record, {{"b", district.loaded("b", false, false, false)}});
    CHECK(plan.schools[0].work == SchoolWork::render_section);
    CHECK(plan.schools[0].reason == Reason::altered_output);

    SECTION("a district file: a whole build, whose schools are kept") {
        facts.altered = {"data/roadmaps.csv"};
        BuildPlan whole = plan::plan_build(facts);
        CHECK(whole.scope == BuildPlan::Scope::whole);
        CHECK(whole.reason == Reason::altered_output);
        plan::plan_whole_schools(whole, &district.record, district.record.global,
                                 {{"a", district.record.schools.at("a")}, {"b", district.record.schools.at("b")}});
        CHECK(whole.slugs(SchoolWork::keep) == std::vector<std::string>{"a", "b"});
    }
}

TEST_CASE("another --date (another key), --full, no record: whole builds that reuse nothing", "[plan]") {
    District district;
    plan::Facts facts = district.facts(district.stamps);
    facts.key = "another date";
    BuildPlan plan = plan::plan_build(facts);
    CHECK(plan.scope == BuildPlan::Scope::whole);
    CHECK(plan.reason == Reason::key_changed);
    CHECK_FALSE(plan.reuse_previous);
    plan::plan_whole_schools(plan, &district.record, district.record.global,
                             {{"a", district.record.schools.at("a")}, {"b", district.record.schools.at("b")}});
    CHECK(plan.slugs(SchoolWork::render) == std::vector<std::string>{"a", "b"});

    facts.key = "key";
    facts.full = true;
    CHECK(plan::plan_build(facts).reason == Reason::full_requested);
    facts.record = nullptr;
    CHECK(plan::plan_build(facts).reason == Reason::no_record);
}

TEST_CASE("a plan that could not be carried out widens to the whole one", "[plan]") {
    District district;
    BuildPlan plan = plan::plan_build(district.facts(district.edited("schools/a/index.md")));
    plan::refine(plan, district.record, {{"a", district.loaded("a", true, false, false)}});
    BuildPlan wide = plan::widened(plan, "schools/a/index.html is not what the last build wrote");
    CHECK(wide.scope == BuildPlan::Scope::whole);
    CHECK(wide.reason == Reason::plan_failed);
    CHECK(wide.reuse_previous);
    CHECK(wide.files.empty());
    CHECK(plan::explain(wide).front() ==
          "plan: whole build: a partial build could not be carried out (schools/a/index.html is not what the last "
          "build wrote)");
}

TEST_CASE("too many changed schools, or one with errors: a whole build", "[plan]") {
    District district;
    auto now = district.edited("schools/a/index.md");
    BuildPlan plan = plan::plan_build(district.facts(now));
    auto failed = district.loaded("a", true, false, false);
    failed.errors = true;
    plan::refine(plan, district.record, {{"a", failed}});
    CHECK(plan.scope == BuildPlan::Scope::whole);
    CHECK(plan.reason == Reason::load_failed);

    District many;
    many.stamps.clear();
    many.record.schools.clear();
    for (std::size_t index = 0; index <= plan::kMaxChangedSchools; ++index) {
        std::string slug = "s" + std::to_string(100 + index);
        many.stamps.push_back({"schools/" + slug + "/index.md", 10, 1 * kSecond});
        many.record.schools[slug] = hash_of(slug);
    }
    many.record.inputs = many.stamps;
    auto edited = many.stamps;
    for (auto& stamp : edited) stamp.mtime_ns = 200 * kSecond;
    CHECK(plan::plan_build(many.facts(edited)).reason == Reason::too_many_schools);
}

TEST_CASE("the intro key is the one the view gives the school's text", "[plan]") {
    model::School school;
    CHECK(view::school_intro(school).key == plan::kIntroKey);
}

TEST_CASE("explain: one line per school and file, deterministic", "[plan]") {
    District district;
    BuildPlan plan = plan::plan_build(district.facts(district.edited("schools/a/roadmaps/plan.yaml")));
    plan::refine(plan, district.record, {{"a", district.loaded("a", true, true, false)}});
    auto lines = plan::explain(plan);
    CHECK(lines == plan::explain(plan));
    REQUIRE(lines.size() == 2 + plan.files.size() + 1);
    CHECK(lines[0] == "plan: changed schools only: 1 school(s) loaded, the others as peer parts; the rest kept");
    CHECK(lines[1] == "school a: section rendered again: its roadmaps changed past its own section (its row and open "
                      "data); its row and open-data spans patched [schools/a/roadmaps/plan.yaml]");
    CHECK(std::find(lines.begin(), lines.end(),
                    "data/roadmaps.xlsx: made again from the patched files for a: its roadmaps changed past its own "
                    "section (its row and open data)") != lines.end());
    CHECK(lines.back() == "every other file: kept: unchanged");
}

// The real binary on the example content: SHNOR_EXPLAIN=1 says why.
TEST_CASE("SHNOR_EXPLAIN prints the plan of a real build", "[plan]") {
    const fs::path scratch = fs::temp_directory_path() / ("shnor-plan-test-" + std::to_string(::getpid()));
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    const fs::path content = scratch / "content";
    fs::copy(fs::path(source_dir()) / "content", content, fs::copy_options::recursive);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // copies this fresh are never trusted
    auto build = [&]() {
        return run_command("SHNOR_EXPLAIN=1 " + shell_quoted(shnor_binary()) + " build --content " +
                               shell_quoted(content) + " --out " + shell_quoted(scratch / "site") + " --cache " +
                               shell_quoted(scratch / "cache") + " --date 2024-11-01",
                           scratch / "log.txt");
    };
    auto first = build();
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    CHECK_THAT(first.output, Catch::Contains("plan: whole build: no record of a previous build of this output folder\n"
                                             "district pages, open data, feeds: rendered: no record"));
    CHECK_THAT(first.output,
               Catch::Contains("school shubinskaya: rendered again: no record of a previous build of this output folder\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto none = build();
    INFO(none.output);
    CHECK_THAT(none.output, Catch::StartsWith("plan: nothing to do: no input changed and every output file is as the "
                                              "last build left it\n"));

    write_file(content / "schools" / "shubinskaya" / "index.md",
               read_file(content / "schools" / "shubinskaya" / "index.md") + "\nНовый абзац.\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto text = build();
    INFO(text.output);
    CHECK_THAT(text.output,
               Catch::StartsWith("plan: text only: 1 school(s) loaded; the rest kept\n"
                                 "school shubinskaya: intro fragment patched: only its index.md text changed "
                                 "[schools/shubinskaya/index.md]\n"
                                 "schools/shubinskaya/index.html: intro fragment patched for shubinskaya: only its "
                                 "index.md text changed\n"
                                 "vi/schools/shubinskaya/index.html: intro fragment patched for shubinskaya: only its "
                                 "index.md text changed\n"
                                 "every other file: kept: unchanged\n"));

    fs::remove(scratch / "site" / "schools" / "shubinskaya" / "roadmap" / "index.html");
    auto repaired = build();
    INFO(repaired.output);
    CHECK_THAT(repaired.output,
               Catch::Contains("school shubinskaya: section rendered again: an output file was changed or removed by "
                               "someone else\n") &&
                   Catch::Contains("schools/shubinskaya/roadmap/index.html: written again: an output file was changed "
                                   "or removed by someone else\n"));
    CHECK(fs::exists(scratch / "site" / "schools" / "shubinskaya" / "roadmap" / "index.html"));

    // A partial plan that cannot be carried out (here: the peer parts it
    // renders the section with are gone) is widened and run again.
    std::size_t peers = 0;
    for (const auto& entry : fs::recursive_directory_iterator(scratch / "cache"))
        if (entry.path().extension() == ".peers") peers += fs::remove(entry.path()) ? 1 : 0;
    REQUIRE(peers == 1);
    const fs::path roadmap = content / "schools" / "shubinskaya" / "roadmaps" / "dorozhnaya-karta-shkoly-2024.yaml";
    std::string yaml = read_file(roadmap);
    auto at = yaml.find("status: done");
    REQUIRE(at != std::string::npos);
    write_file(roadmap, yaml.replace(at, 12, "status: in_progress"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto widened = build();
    INFO(widened.output);
    REQUIRE(widened.exit_code == 0);
    CHECK_THAT(widened.output,
               Catch::StartsWith("plan: changed schools only: 1 school(s) loaded, the others as peer parts; the rest kept\n"
                                 "school shubinskaya: section rendered again: its roadmaps changed past its own "
                                 "section (its row and open data); its row and open-data spans patched") &&
                   Catch::Contains("\nplan: whole build: a partial build could not be carried out (no peer parts "
                                   "of the last build)\n") &&
                   Catch::Contains("school shubinskaya: rendered again: its content changed\n") &&
                   Catch::Contains("school topolevskaya: kept: unchanged\n"));
    fs::remove_all(scratch);  // the site's spare and lock lie beside it, inside
}
