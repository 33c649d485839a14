// The record store's map as the operating system sees it. On Linux it is
// address space (at least 1 GiB); on Windows LMDB makes the data file as large
// as the map, so there the map starts small and grows between the commits of
// a whole write (record_store.cpp): a write far larger than the first map
// must still be whole, and a small store must stay a small file.
#include "platform/utf8_path.hpp"
#include "record/record_store.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using shnor::record::SchoolEntry;
using shnor::record::Store;

namespace {

fs::path scratch_store(const std::string& name) {
    fs::path folder = fs::temp_directory_path() / shnor::platform::path_from_utf8("shnor-запись-" + name);
    fs::remove_all(folder);
    return folder / "record.lmdb";
}

SchoolEntry school_with_pages(int school) {
    SchoolEntry entry;
    entry.content.low = static_cast<std::uint64_t>(school);
    for (int page = 0; page < 40; ++page)
        entry.pages.push_back("schools/школа-" + std::to_string(school) + "/страница-" + std::to_string(page) + ".html");
    return entry;
}

constexpr int kSchools = 12000;  // about 40 MB of pages: more than the first map on Windows

}  // namespace

TEST_CASE("record store: a whole write larger than the first map is whole, and the file stays small",
          "[record_store]") {
    fs::path file = scratch_store("map");
    {
        auto store = Store::open(file, Store::Access::write);
        REQUIRE(store);
        auto txn = store->write();
        txn.commit_every(std::size_t(1) << 20);
        txn.clear();
        shnor::record::Head head;
        head.key = "map test";
        txn.set_head(head);
        for (int school = 0; school < kSchools; ++school) txn.put_school("s" + std::to_string(school), school_with_pages(school));
        CHECK(txn.writes().commits > 10);
        REQUIRE(txn.commit());
    }
    {
        auto store = Store::open(file, Store::Access::read);
        REQUIRE(store);
        auto view = store->read();
        REQUIRE(view);
        CHECK(view->head().key == "map test");
        for (int school : {0, kSchools / 2, kSchools - 1})
            CHECK(view->school("s" + std::to_string(school)) == school_with_pages(school));
    }
    {  // an update in one transaction, into the map the open gives
        auto store = Store::open(file, Store::Access::write);
        REQUIRE(store);
        auto txn = store->write();
        for (int school = 0; school < kSchools; school += 2) txn.put_school("s" + std::to_string(school), school_with_pages(school + 1));
        REQUIRE(txn.commit());
        auto view = store->read();
        REQUIRE(view);
        CHECK(view->school("s0") == school_with_pages(1));
    }
    // Not the 1 GiB a first map of Linux's size would make of it on Windows.
    CHECK(fs::file_size(file) < (std::uintmax_t(200) << 20));
    fs::remove_all(file.parent_path());
}
