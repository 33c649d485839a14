#include "derive/derive.hpp"

#include <catch2/catch.hpp>

using namespace shnor;
using model::Date;
using model::ShownStatus;
using model::Status;

namespace {

model::RoadmapItem item(Status status, std::optional<Date> due, bool status_given = true) {
    model::RoadmapItem result;
    result.status = status;
    result.status_given = status_given;
    result.due = due;
    return result;
}

model::Site site_with(std::vector<model::RoadmapItem> items) {
    model::Site site;
    model::Roadmap roadmap;
    roadmap.sections.push_back({"1", "Раздел", std::move(items)});
    site.district.roadmaps.push_back(roadmap);
    return site;
}

const Date kBuildDate{2024, 11, 1};

}  // namespace

TEST_CASE("an unfinished item past its due date shows as overdue", "[derive]") {
    auto site = site_with({item(Status::planned, Date{2024, 3, 31}), item(Status::in_progress, Date{2024, 10, 31}),
                           item(Status::in_progress, Date{2024, 11, 1}), item(Status::planned, Date{2024, 12, 31})});
    derive::derive_site(site, kBuildDate);
    const auto& items = site.district.roadmaps[0].sections[0].items;
    CHECK(items[0].derived.shown == ShownStatus::overdue);
    CHECK(items[1].derived.shown == ShownStatus::overdue);
    CHECK(items[2].derived.shown == ShownStatus::in_progress);  // due today is not late yet
    CHECK(items[3].derived.shown == ShownStatus::planned);
}

TEST_CASE("done and cancelled items are never overdue; items without a date are as written", "[derive]") {
    auto site = site_with({item(Status::done, Date{2024, 3, 31}), item(Status::cancelled, Date{2024, 3, 31}),
                           item(Status::in_progress, std::nullopt), item(Status::planned, std::nullopt, false)});
    derive::derive_site(site, kBuildDate);
    const auto& items = site.district.roadmaps[0].sections[0].items;
    CHECK(items[0].derived.shown == ShownStatus::done);
    CHECK(items[1].derived.shown == ShownStatus::cancelled);
    CHECK(items[2].derived.shown == ShownStatus::in_progress);
    CHECK(items[3].derived.shown == ShownStatus::planned);
    CHECK_FALSE(items[3].derived.when_understood);
}

TEST_CASE("explicit start and due become the derived dates", "[derive]") {
    auto site = site_with({item(Status::planned, Date{2024, 4, 30})});
    site.district.roadmaps[0].sections[0].items[0].start = Date{2024, 4, 1};
    derive::derive_site(site, kBuildDate);
    const auto& derived = site.district.roadmaps[0].sections[0].items[0].derived;
    CHECK(derived.start == Date{2024, 4, 1});
    CHECK(derived.due == Date{2024, 4, 30});
    CHECK(derived.when_understood);
}

TEST_CASE("progress counts each shown status and the share done leaves out cancelled items", "[derive]") {
    auto site = site_with({item(Status::done, std::nullopt), item(Status::done, std::nullopt),
                           item(Status::cancelled, std::nullopt), item(Status::planned, Date{2024, 1, 31}),
                           item(Status::planned, std::nullopt)});
    derive::derive_site(site, kBuildDate);
    auto progress = derive::progress_of(site.district.roadmaps[0]);
    CHECK(progress.total == 5);
    CHECK(progress.done == 2);
    CHECK(progress.cancelled == 1);
    CHECK(progress.overdue == 1);
    CHECK(progress.planned == 1);
    CHECK(progress.percent_done() == 50);
    auto twice = derive::current_progress_of(std::vector<model::Roadmap>{site.district.roadmaps[0], site.district.roadmaps[0]});
    CHECK(twice.total == 10);
    CHECK(twice.done == 4);
}

TEST_CASE("school roadmaps are derived too", "[derive]") {
    model::Site site;
    model::School school;
    model::Roadmap roadmap;
    roadmap.sections.push_back({"", "", {item(Status::planned, Date{2024, 5, 31})}});
    school.own.roadmaps.push_back(roadmap);
    site.schools.push_back(school);
    derive::derive_site(site, kBuildDate);
    CHECK(site.schools[0].own.roadmaps[0].sections[0].items[0].derived.shown == ShownStatus::overdue);
}

TEST_CASE("dates come from the printed deadline when none are written; written ones win", "[derive]") {
    auto site = site_with({item(Status::planned, std::nullopt), item(Status::planned, std::nullopt),
                           item(Status::in_progress, std::nullopt), item(Status::planned, Date{2024, 4, 15}),
                           item(Status::planned, std::nullopt)});
    auto& items = site.district.roadmaps[0].sections[0].items;
    site.district.roadmaps[0].period = model::DateRange{Date{2024, 1, 1}, Date{2024, 12, 31}};
    items[0].when = "Март-апрель 2024";
    items[1].when = "март";  // no year: the roadmap's period gives it
    items[2].when = "Постоянно";
    items[3].when = "Апрель 2024";
    items[4].when = "когда получится";
    derive::derive_site(site, kBuildDate);
    CHECK(items[0].derived.start == Date{2024, 3, 1});
    CHECK(items[0].derived.due == Date{2024, 4, 30});
    CHECK(items[0].derived.shown == ShownStatus::overdue);
    CHECK(items[1].derived.due == Date{2024, 3, 31});
    CHECK(items[2].derived.ongoing);
    CHECK(items[2].derived.shown == ShownStatus::ongoing);  // never overdue
    CHECK(items[3].derived.start == Date{2024, 4, 1});
    CHECK(items[3].derived.due == Date{2024, 4, 15});
    CHECK_FALSE(items[4].derived.when_understood);
    CHECK_FALSE(items[4].derived.due);
}
