#include "test_paths.hpp"
#include "derive/derive.hpp"
#include "derive/results.hpp"
#include "load/load.hpp"
#include "pipeline/school_parts.hpp"
#include "view/view.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace shnor;

namespace {

model::Site example_site() {
    auto loaded = load::load_site(fs::path(SHNOR_SOURCE_DIR) / "content");
    REQUIRE_FALSE(loaded.diagnostics.has_errors());
    derive::derive_site(loaded.site, model::Date{2024, 11, 1});
    return std::move(loaded.site);
}

const model::School& school_named(const model::Site& site, const std::string& slug) {
    for (const auto& school : site.schools)
        if (school.slug == slug) return school;
    FAIL("no school " << slug);
    throw;
}

struct ScratchFile {
    fs::path path = fs::temp_directory_path() / ("shnor-peers-" + std::to_string(::getpid()) + ".peers");
    ~ScratchFile() { fs::remove(path); }
};

}  // namespace

TEST_CASE("a school's external part is everything but its index.md text", "[school_parts]") {
    auto site = example_site();
    model::School school = school_named(site, "shubinskaya");
    REQUIRE_FALSE(school.intro.empty());
    auto before = pipeline::external_hash(school);

    school.intro += "\nНовый абзац о ШНОР.\n";
    school.intro_title = "Другой заголовок: МКОУ Шубинская СОШ";
    CHECK(pipeline::external_hash(school) == before);
    // Only the words that could be abbreviations stay: they decide the glossary page.
    CHECK(pipeline::external_part(school).intro.find("Новый абзац") == std::string::npos);

    SECTION("a new abbreviation in the text does count: the glossary page lists it") {
        school.intro += "\nШкола участвует в МППКО.\n";
        CHECK(pipeline::external_hash(school) != before);
        CHECK(pipeline::district_hash(school) != pipeline::district_hash(school_named(site, "shubinskaya")));
    }

    SECTION("derived statuses do not count: the part is the same before and after derive/") {
        REQUIRE_FALSE(school.own.roadmaps.empty());
        school.own.roadmaps[0].sections[0].items[0].derived.shown = model::ShownStatus::overdue;
        CHECK(pipeline::external_hash(school) == before);
    }
    SECTION("any other field does") {
        school.address += " (новый адрес)";
        CHECK(pipeline::external_hash(school) != before);
    }
}

TEST_CASE("a school's peer part holds what other schools' pages read of it", "[school_parts]") {
    auto site = example_site();
    const model::School& school = school_named(site, "shubinskaya");
    model::School peer = pipeline::peer_part(school);
    CHECK(peer.slug == school.slug);
    CHECK(peer.name == school.name);
    CHECK(peer.short_name == school.short_name);
    CHECK(peer.results.size() == school.results.size());
    CHECK(peer.intro.empty());
    CHECK(peer.address.empty());
    CHECK(peer.own.documents.empty());
    REQUIRE(peer.own.news.size() == school.own.news.size());
    for (std::size_t i = 0; i < peer.own.news.size(); ++i) {
        CHECK(peer.own.news[i].id == school.own.news[i].id);
        CHECK(peer.own.news[i].title == school.own.news[i].title);
        CHECK(peer.own.news[i].roadmap_item == school.own.news[i].roadmap_item);
        CHECK(peer.own.news[i].body.empty());
    }
    REQUIRE(peer.own.roadmaps.size() == school.own.roadmaps.size());
    const auto& item = school.own.roadmaps[0].sections[0].items[0];
    const auto& peer_item = peer.own.roadmaps[0].sections[0].items[0];
    CHECK(peer_item.n == item.n);
    CHECK(peer_item.title == item.title);
    CHECK(peer_item.responsible.empty());

    auto hash = pipeline::peer_hash(school);
    model::School renamed = school;
    renamed.address += "!";
    CHECK(pipeline::peer_hash(renamed) == hash);
    renamed.short_name += "!";
    CHECK(pipeline::peer_hash(renamed) != hash);
}

TEST_CASE("a school's light part keeps of its news what the district reads, not the bodies", "[school_parts]") {
    auto site = example_site();
    model::School school = school_named(site, "shubinskaya");
    REQUIRE_FALSE(school.own.news.empty());
    school.own.news[0].body += "\nПотом прошла РКР.\n";
    model::School light = pipeline::light_part(school);
    REQUIRE(light.own.news.size() == school.own.news.size());
    for (std::size_t i = 0; i < light.own.news.size(); ++i) {
        const auto& full = school.own.news[i];
        const auto& kept = light.own.news[i];
        CHECK(kept.body.empty());
        CHECK(kept.body.capacity() < 16);  // nothing on the heap
        CHECK(kept.feed_summary == view::feed_summary(full.body));
        CHECK(kept.id == full.id);
        CHECK(kept.title == full.title);
        CHECK(kept.date == full.date);
        CHECK(kept.roadmap_item == full.roadmap_item);
    }
    CHECK_FALSE(light.own.news[0].feed_summary.empty());
    // The glossary page reads the words of the bodies from the part's intro.
    CHECK(light.intro.find("РКР") != std::string::npos);
}

TEST_CASE("peer parts round-trip through their file, tied to the build's global hash", "[school_parts]") {
    auto site = example_site();
    ScratchFile file;
    cache::Hash128 global{1, 2};
    pipeline::write_peer_parts(file.path, global, site.schools);

    auto read = pipeline::read_peer_parts(file.path, global);
    REQUIRE(read);
    REQUIRE(read->size() == site.schools.size());
    for (std::size_t i = 0; i < read->size(); ++i) {
        CHECK((*read)[i].slug == site.schools[i].slug);
        CHECK(pipeline::peer_hash((*read)[i]) == pipeline::peer_hash(site.schools[i]));
    }
    CHECK_FALSE(pipeline::read_peer_parts(file.path, cache::Hash128{1, 3}));
    CHECK_FALSE(pipeline::read_peer_parts(file.path.string() + ".missing", global));

    SECTION("a truncated or damaged file is refused") {
        auto size = fs::file_size(file.path);
        fs::resize_file(file.path, size - 10);
        CHECK_FALSE(pipeline::read_peer_parts(file.path, global));
    }
    SECTION("a flipped byte inside a school is refused") {
        std::fstream bytes(file.path, std::ios::in | std::ios::out | std::ios::binary);
        bytes.seekp(static_cast<std::streamoff>(fs::file_size(file.path) / 2));
        bytes.put('\x7f');
        bytes.close();
        CHECK_FALSE(pipeline::read_peer_parts(file.path, global));
    }
}

TEST_CASE("peer parts read ahead are taken only for the same file and hash, and never once cancelled",
          "[school_parts]") {
    auto site = example_site();
    ScratchFile file;
    cache::Hash128 global{1, 2};
    pipeline::write_peer_parts(file.path, global, site.schools);

    SECTION("the same file and hash: the read ahead gives what a read now gives") {
        pipeline::start_peer_parts(file.path, global);
        auto read = pipeline::read_peer_parts(file.path, global);
        REQUIRE(read);
        REQUIRE(read->size() == site.schools.size());
        for (std::size_t i = 0; i < read->size(); ++i)
            CHECK(pipeline::peer_hash((*read)[i]) == pipeline::peer_hash(site.schools[i]));
    }
    SECTION("another hash: not taken, the file is read for the one asked") {
        pipeline::start_peer_parts(file.path, cache::Hash128{1, 3});
        auto read = pipeline::read_peer_parts(file.path, global);
        REQUIRE(read);
        CHECK(read->size() == site.schools.size());
    }
    SECTION("cancelled: a later read reads the file as it is then") {
        pipeline::start_peer_parts(file.path, global);
        pipeline::cancel_peer_parts();
        fs::resize_file(file.path, fs::file_size(file.path) - 10);
        CHECK_FALSE(pipeline::read_peer_parts(file.path, global));
    }
    SECTION("taken once: a second read reads the file again") {
        pipeline::start_peer_parts(file.path, global);
        REQUIRE(pipeline::read_peer_parts(file.path, global));
        fs::resize_file(file.path, fs::file_size(file.path) - 10);
        CHECK_FALSE(pipeline::read_peer_parts(file.path, global));
    }
    pipeline::cancel_peer_parts();
}

TEST_CASE("results for a few schools' pages equal those of the whole site", "[school_parts]") {
    auto site = example_site();
    derive::SiteResults whole(site);
    derive::SiteResults few(site, [](const model::School& school) { return school.slug == "shubinskaya"; });
    const model::School& school = school_named(site, "shubinskaya");
    const auto& expected = whole.groups_of(school);
    const auto& actual = few.groups_of(school);
    REQUIRE_FALSE(expected.empty());
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        CHECK(actual[i].key == expected[i].key);
        CHECK(actual[i].years == expected[i].years);
        CHECK(actual[i].district.computed == expected[i].district.computed);
        for (const auto& [year, values] : expected[i].district.years)
            CHECK(actual[i].district.value(year, derive::Measure::mean) == values.mean);
        CHECK(actual[i].trends.size() == expected[i].trends.size());
    }
    for (const auto& other : site.schools)
        if (other.slug != "shubinskaya") CHECK(few.groups_of(other).empty());
}

// A streaming build's batch: its schools in full, the others light parts
// without rows (pipeline::shed_results), the district lines the whole site's.
TEST_CASE("results of a batch among shed light parts equal those of the whole site", "[school_parts]") {
    auto site = example_site();
    derive::SiteResults whole(site);
    model::Site batch = site;
    for (auto& school : batch.schools)
        if (school.slug != "shubinskaya") pipeline::shed_results(school);
    CHECK(school_named(batch, "karmaklinskaya").results.empty());
    // The glossary page's words stay: a light part's intro has them of its exams.
    model::School light = pipeline::light_part(school_named(site, "karmaklinskaya"));
    REQUIRE(light.intro.find("ОГЭ") == std::string::npos);  // a word its pages print anyway
    pipeline::shed_results(light);
    CHECK(light.results.empty());
    CHECK(light.intro.find("ОГЭ") != std::string::npos);
    auto shubinskaya = [](const model::School& school) { return school.slug == "shubinskaya"; };
    derive::SiteResults few(batch, shubinskaya, whole.district());
    const auto& expected = whole.groups_of(school_named(site, "shubinskaya"));
    const auto& actual = few.groups_of(school_named(batch, "shubinskaya"));
    REQUIRE(actual.size() == expected.size());
    bool computed = false;
    for (std::size_t i = 0; i < actual.size(); ++i) {
        CHECK(actual[i].key == expected[i].key);
        CHECK(actual[i].district.computed == expected[i].district.computed);
        computed = computed || expected[i].district.computed;
        CHECK(actual[i].district.years.size() == expected[i].district.years.size());
        for (const auto& [year, values] : expected[i].district.years) {
            CHECK(actual[i].district.value(year, derive::Measure::mean) == values.mean);
            CHECK(actual[i].district.years.at(year).schools == values.schools);
        }
    }
    CHECK(computed);  // else the shed rows would not matter
    CHECK(few.computed_district_rows().size() == whole.computed_district_rows().size());
    // A line the given ones lack is never computed from what rows are left.
    CHECK_THROWS_AS(derive::SiteResults(batch, shubinskaya, std::make_shared<const derive::DistrictLines>()),
                    std::logic_error);
}
