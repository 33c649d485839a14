#include "test_paths.hpp"
#include "cache/fingerprint.hpp"
#include "cache/serialize.hpp"
#include "derive/derive.hpp"
#include "load/load.hpp"

#include <catch2/catch.hpp>
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _WIN32
#include <windows.h>
#endif

namespace fs = std::filesystem;
using namespace shnor;
using cache::deserialize_school;
using cache::serialize_school;

namespace {

const model::Date kBuildDate{2024, 11, 1};

load::LoadResult load_and_derive(const fs::path& content) {
    auto result = load::load_site(content);
    derive::derive_site(result.site, kBuildDate);
    return result;
}

// Deserializes and checks that writing the copy again gives the same bytes.
model::School round_trip(const model::School& school) {
    std::string bytes = serialize_school(school);
    model::School copy;
    REQUIRE(deserialize_school(bytes, copy));
    REQUIRE(serialize_school(copy) == bytes);
    return copy;
}

// Blobs end with the XXH3-64 of what precedes them; tests that want the
// decoder itself to meet damaged bytes recompute it.
std::string resealed(std::string_view body) {
    std::string bytes(body);
    std::uint64_t sum = XXH3_64bits(body.data(), body.size());
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>(sum >> (8 * i));
    return bytes;
}

std::string_view body_of(std::string_view blob) { return blob.substr(0, blob.size() - cache::kChecksumBytes); }

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// Compares what view/ reads most, field by field, beyond the byte check.
void check_same(const model::School& a, const model::School& b) {
    CHECK(a.slug == b.slug);
    CHECK(a.name == b.name);
    CHECK(a.head.name == b.head.name);
    CHECK(a.head.example == b.head.example);
    CHECK(a.students == b.students);
    CHECK(a.rural == b.rural);
    CHECK(a.intro == b.intro);
    CHECK(a.pos.file == b.pos.file);
    REQUIRE(a.own.roadmaps.size() == b.own.roadmaps.size());
    for (std::size_t r = 0; r < a.own.roadmaps.size(); ++r) {
        const auto& ra = a.own.roadmaps[r];
        const auto& rb = b.own.roadmaps[r];
        REQUIRE(ra.sections.size() == rb.sections.size());
        for (std::size_t s = 0; s < ra.sections.size(); ++s) {
            REQUIRE(ra.sections[s].items.size() == rb.sections[s].items.size());
            for (std::size_t i = 0; i < ra.sections[s].items.size(); ++i) {
                const auto& ia = ra.sections[s].items[i];
                const auto& ib = rb.sections[s].items[i];
                CHECK(ia.title == ib.title);
                CHECK(ia.status == ib.status);
                CHECK(ia.pos.line == ib.pos.line);
                CHECK(ia.derived.shown == ib.derived.shown);
                CHECK(ia.derived.due == ib.derived.due);
                CHECK(ia.derived.when_understood == ib.derived.when_understood);
            }
        }
    }
    REQUIRE(a.own.documents.size() == b.own.documents.size());
    for (std::size_t d = 0; d < a.own.documents.size(); ++d) {
        CHECK(a.own.documents[d].file_path == b.own.documents[d].file_path);
        CHECK(a.own.documents[d].file_size == b.own.documents[d].file_size);
        CHECK(a.own.documents[d].date == b.own.documents[d].date);
    }
    REQUIRE(a.own.news.size() == b.own.news.size());
    for (std::size_t n = 0; n < a.own.news.size(); ++n) {
        CHECK(a.own.news[n].date == b.own.news[n].date);
        CHECK(a.own.news[n].photo_site_paths == b.own.news[n].photo_site_paths);
    }
    REQUIRE(a.results.size() == b.results.size());
    for (std::size_t n = 0; n < a.results.size(); ++n) {
        CHECK(a.results[n].mean.has_value() == b.results[n].mean.has_value());
        if (a.results[n].mean) CHECK(same_bits(*a.results[n].mean, *b.results[n].mean));
        CHECK(a.results[n].grade == b.results[n].grade);
    }
}

// A school with every field away from its default, so a field the cache
// forgets shows up as a default value after the round trip.
model::School filled_school() {
    model::Person person{"Иванова И. И.", "директор", "МАОУ СОШ", "+7 000", "a@b.ru", true};
    model::SourcePos pos{"schools/x/school.yaml", 7};
    model::School school;
    school.slug = "x";
    school.name = "Школа «Икс»";
    school.short_name = "Икс";
    school.other_names = {"СОШ Икс", ""};
    school.head = person;
    school.coordinator = person;
    school.coordinator.name = "Петров";
    school.address = "ул. Мира, 1";
    school.official_site = "https://x.ru";
    school.students = 0;
    school.teachers = -3;
    school.rural = false;
    school.small = true;
    school.distance_km = -0.0;
    school.mentor = model::Mentor{"y", "Школа Игрек", "https://y.ru"};
    school.categories = {{"shnor", 2024, "prikaz", {"a", "b"}}, {"risk", std::nullopt, "", {}}};
    school.risk_profile = {{"фактор", "**меры**", "doc-1"}};
    school.self_diagnosis = model::SelfDiagnosis{2023, "средний", "doc-2"};
    school.example_fields = {"students"};
    school.intro_title = "О школе";
    school.intro = "Текст\n\nабзац";

    model::Program program;
    program.id = "p";
    program.title = "Программа";
    program.kind = "concept";
    program.approved_by = "doc-1";
    program.developers = {"dev"};
    program.executors = {"exe"};
    program.curator = person;
    program.goal = "цель";
    program.tasks = {{"задача", {"действие 1", "действие 2"}}};
    program.indicators = {"ind"};
    program.period = model::DateRange{{2024, 1, 1}, {2026, 12, 31}};
    program.stages = {{"этап", model::Date{2024, 2, 29}, std::nullopt, "весна", "описание"}};
    program.expected_results = {"рост"};
    program.control = "контроль";
    program.other = {{"метка", "значение"}};
    program.body = "тело";
    program.example = true;
    program.pos = pos;
    school.own.programs = {program};

    model::RoadmapItem item;
    item.n = "1.2";
    item.title = "Мероприятие\nв две строки";
    item.when = "ежеквартально";
    item.start = model::Date{2024, 1, 9};
    item.due = model::Date{2024, 3, 31};
    item.responsible = {"завуч"};
    item.result = "итог";
    item.status = model::Status::cancelled;
    item.status_given = true;
    item.report = "отчёт";
    item.reported = model::Date{2024, 4, 2};
    item.evidence = {"doc-1", "news:2024-04-02-x", "https://z.ru"};
    item.schools = {"x", "y"};
    item.example = true;
    item.pos = pos;
    item.derived = {model::Date{2024, 1, 10}, model::Date{2024, 3, 30}, true, true, model::ShownStatus::ongoing};
    model::Roadmap roadmap;
    roadmap.id = "plan";
    roadmap.title = "План";
    roadmap.period = model::DateRange{{2024, 1, 1}, {2024, 12, 31}};
    roadmap.approved_by = "doc-1";
    roadmap.program = "p";
    roadmap.description = "описание";
    roadmap.flat = true;
    roadmap.sections = {{"1", "Раздел", {item, model::RoadmapItem{}}}};
    roadmap.pos = pos;
    school.own.roadmaps = {roadmap};

    model::Document document;
    document.id = "doc-1";
    document.kind = "order";
    document.title = "Приказ";
    document.number = "12-о";
    document.date = model::Date{2024, 1, 15};
    document.issuer = "Управление";
    document.file = "files/приказ.pdf";
    document.url = "https://d.ru/1.pdf";
    document.based_on = {"doc-0"};
    document.page = "prikaz";
    document.signed_by = person;
    document.example = true;
    document.pos = pos;
    document.file_path = "/content/schools/x/files/приказ.pdf";
    document.site_path = "schools/x/files/приказ.pdf";
    document.file_size = 0xFFFF'FFFF'FFFFull;
    document.file_type = "PDF";
    school.own.documents = {document};

    model::NewsItem news;
    news.id = "2024-04-02-x";
    news.title = "Новость";
    news.date = {2024, 4, 2};
    news.schools = {"x"};
    news.roadmap_item = "plan#1.2";
    news.photos = {"img/1.jpg"};
    news.photo_site_paths = {"schools/x/img/1.jpg"};
    news.photo_notes = {{"Подпись", true, 7, "00ff"}};
    news.links = {{"ссылка", "https://l.ru"}};
    news.body = "тело";
    news.example = true;
    news.pos = pos;
    school.own.news = {news};
    school.own.pages = {{"about", "О нас", "кратко", "тело", pos}};

    model::ResultRow row;
    row.exam = "ВПР";
    row.subject = "математика";
    row.grade = 5;
    row.year = 2024;
    row.participants = 31;
    row.mean = 0.1 + 0.2;
    row.scale = 5;
    row.fail_share = std::numeric_limits<double>::quiet_NaN();
    row.quality_share = std::numeric_limits<double>::denorm_min();
    row.scope = "x";
    row.example = true;
    row.pos = pos;
    school.results = {row, model::ResultRow{}};
    school.pos = pos;
    return school;
}

fs::path temporary_folder(const std::string& name) {
    fs::path folder = fs::temp_directory_path() / ("shnor-cache-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(folder);
    fs::create_directories(folder);
    return folder;
}

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("every field of a school survives the cache", "[cache]") {
    const model::School original = filled_school();
    const model::School copy = round_trip(original);

    CHECK(copy.slug == "x");
    CHECK(copy.other_names == original.other_names);
    CHECK(copy.coordinator.name == "Петров");
    CHECK(copy.coordinator.email == "a@b.ru");
    CHECK(copy.coordinator.example);
    CHECK(copy.students == 0);
    CHECK(copy.teachers == -3);
    REQUIRE(copy.rural.has_value());
    CHECK_FALSE(*copy.rural);
    CHECK(copy.small == std::optional<bool>(true));
    REQUIRE(copy.distance_km.has_value());
    CHECK(std::signbit(*copy.distance_km));
    CHECK(copy.mentor->url == "https://y.ru");
    CHECK(copy.categories[0].year == 2024);
    CHECK_FALSE(copy.categories[1].year.has_value());
    CHECK(copy.categories[0].reasons == std::vector<std::string>{"a", "b"});
    CHECK(copy.risk_profile[0].document == "doc-1");
    CHECK(copy.self_diagnosis->level == "средний");
    CHECK(copy.example_fields == original.example_fields);
    CHECK(copy.intro_title == "О школе");
    CHECK(copy.intro == original.intro);

    const auto& program = copy.own.programs.at(0);
    CHECK(program.kind == "concept");
    CHECK(program.curator->name == original.head.name);
    CHECK(program.tasks.at(0).actions.size() == 2);
    CHECK(program.period->end == model::Date{2026, 12, 31});
    CHECK(program.stages.at(0).start == model::Date{2024, 2, 29});
    CHECK_FALSE(program.stages.at(0).end.has_value());
    CHECK(program.stages.at(0).when == "весна");
    CHECK(program.other.at(0).value == "значение");
    CHECK(program.control == "контроль");
    CHECK(program.example);
    CHECK(program.pos.line == 7);

    const auto& roadmap = copy.own.roadmaps.at(0);
    CHECK(roadmap.flat);
    CHECK(roadmap.period->start == model::Date{2024, 1, 1});
    REQUIRE(roadmap.sections.at(0).items.size() == 2);
    const auto& item = roadmap.sections[0].items[0];
    CHECK(item.title == "Мероприятие\nв две строки");
    CHECK(item.status == model::Status::cancelled);
    CHECK(item.status_given);
    CHECK(item.reported == model::Date{2024, 4, 2});
    CHECK(item.evidence.size() == 3);
    CHECK(item.schools == std::vector<std::string>{"x", "y"});
    CHECK(item.derived.start == model::Date{2024, 1, 10});
    CHECK(item.derived.due == model::Date{2024, 3, 30});
    CHECK(item.derived.ongoing);
    CHECK(item.derived.when_understood);
    CHECK(item.derived.shown == model::ShownStatus::ongoing);
    CHECK(roadmap.sections[0].items[1].derived.shown == model::ShownStatus::planned);

    const auto& document = copy.own.documents.at(0);
    CHECK(document.signed_by->position == "директор");
    CHECK(document.file_path == fs::path("/content/schools/x/files/приказ.pdf"));
    CHECK(document.site_path == "schools/x/files/приказ.pdf");
    CHECK(document.file_size == 0xFFFF'FFFF'FFFFull);
    CHECK(document.file_type == "PDF");
    CHECK(document.based_on == std::vector<std::string>{"doc-0"});

    const auto& news = copy.own.news.at(0);
    CHECK(news.date == model::Date{2024, 4, 2});
    CHECK(news.roadmap_item == "plan#1.2");
    CHECK(news.photo_site_paths == original.own.news[0].photo_site_paths);
    REQUIRE(news.photo_notes.size() == 1);
    CHECK(news.photo_notes[0].caption == "Подпись");
    CHECK(news.photo_notes[0].publish_original);
    CHECK(news.photo_notes[0].line == 7);
    CHECK(news.photo_notes[0].source_hash == "00ff");
    CHECK(news.links.at(0).url == "https://l.ru");
    CHECK(copy.own.pages.at(0).description == "кратко");

    const auto& row = copy.results.at(0);
    CHECK(same_bits(*row.mean, 0.1 + 0.2));
    CHECK(std::isnan(*row.fail_share));
    CHECK(same_bits(*row.quality_share, std::numeric_limits<double>::denorm_min()));
    CHECK(row.participants == 31);
    CHECK(row.scope == "x");
    CHECK_FALSE(copy.results.at(1).mean.has_value());
}

TEST_CASE("the example content's schools survive the cache after derive", "[cache]") {
    auto loaded = load_and_derive(SHNOR_SOURCE_DIR + "/content");
    REQUIRE_FALSE(loaded.site.schools.empty());
    bool saw_derived_due = false, saw_document_file = false, saw_results = false;
    for (const auto& school : loaded.site.schools) {
        model::School copy = round_trip(school);
        check_same(school, copy);
        for (const auto& roadmap : school.own.roadmaps)
            for (const auto& section : roadmap.sections)
                for (const auto& item : section.items) saw_derived_due |= item.derived.due.has_value();
        for (const auto& document : school.own.documents) saw_document_file |= document.file_size > 0;
        saw_results |= !school.results.empty();
    }
    // The spot checks above only mean something if the content has such data.
    CHECK(saw_derived_due);
    CHECK(saw_results);
    (void)saw_document_file;  // school documents may all be links in the example
}

// bench/generate.py through sh: Linux only (not under wine).
#ifndef _WIN32
TEST_CASE("schools of a generated bench district survive the cache", "[cache]") {
    fs::path out = temporary_folder("bench");
    std::string command = "python3 \"" + SHNOR_SOURCE_DIR + "/bench/generate.py\" 3 \"" + out.string() + "\" > /dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    auto loaded = load_and_derive(out / "content");
    REQUIRE(loaded.site.schools.size() == 3);
    for (const auto& school : loaded.site.schools) {
        model::School copy = round_trip(school);
        check_same(school, copy);
        CHECK_FALSE(copy.own.roadmaps.empty());
    }
    fs::remove_all(out);
}
#endif

TEST_CASE("load warnings replay from the cache", "[cache]") {
    model::Diagnostics diagnostics;
    diagnostics.warning("schools/x/school.yaml", 3, "students", "число учеников не указано");
    diagnostics.error("schools/x/roadmaps/plan.yaml", 0, "", "файл пуст");
    std::string bytes = cache::serialize_diagnostics(diagnostics);

    model::Diagnostics copy;
    copy.warning("stale", 1, "", "должно быть заменено");
    REQUIRE(cache::deserialize_diagnostics(bytes, copy));
    REQUIRE(copy.items().size() == 2);
    for (std::size_t i = 0; i < 2; ++i) CHECK(copy.items()[i].format() == diagnostics.items()[i].format());
    CHECK(copy.items()[0].severity == model::Severity::warning);
    CHECK(copy.error_count() == 1);

    model::Diagnostics empty;
    REQUIRE(cache::deserialize_diagnostics(cache::serialize_diagnostics(model::Diagnostics{}), empty));
    CHECK(empty.items().empty());

    // A blob of one kind is never read as the other.
    model::School school;
    CHECK_FALSE(deserialize_school(bytes, school));
    CHECK_FALSE(cache::deserialize_diagnostics(serialize_school(filled_school()), copy));
}

TEST_CASE("a truncated cache blob is refused at every length", "[cache]") {
    const std::string bytes = serialize_school(filled_school());
    model::School out;
    for (std::size_t length = 0; length < bytes.size(); ++length) {
        INFO("length " << length);
        REQUIRE_FALSE(deserialize_school(std::string_view(bytes).substr(0, length), out));
        // Same again with a valid checksum, so the decoder itself meets the cut.
        if (length < body_of(bytes).size())
            REQUIRE_FALSE(deserialize_school(resealed(body_of(bytes).substr(0, length)), out));
    }
    REQUIRE(deserialize_school(bytes, out));
}

TEST_CASE("corrupt cache blobs are refused or decoded without harm", "[cache]") {
    const std::string bytes = serialize_school(filled_school());
    const std::string_view body = body_of(bytes);
    model::School out;

    for (std::size_t at = 0; at < bytes.size(); ++at) {
        std::string damaged = bytes;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
        REQUIRE_FALSE(deserialize_school(damaged, out));  // the checksum sees it
    }

    // Past the checksum, damaged lengths, flags and enums must not make the
    // decoder read out of bounds or allocate wildly; strings may simply differ.
    std::mt19937 random(20241101);
    int accepted = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        std::string damaged(body);
        int flips = 1 + static_cast<int>(random() % 4);
        for (int f = 0; f < flips; ++f) damaged[random() % damaged.size()] = static_cast<char>(random());
        accepted += deserialize_school(resealed(damaged), out);
    }
    CHECK(accepted < 3000);

    // Huge counts in every position where a u32 could sit.
    for (std::size_t at = 9; at + 4 <= body.size(); at += 1) {
        std::string damaged(body);
        damaged.replace(at, 4, "\xff\xff\xff\x7f", 4);
        model::School huge;
        deserialize_school(resealed(damaged), huge);
    }

    std::string other_version(body);
    other_version[4] = static_cast<char>(other_version[4] + 1);
    CHECK_FALSE(deserialize_school(resealed(other_version), out));
    std::string trailing(body);
    trailing += '\0';
    CHECK_FALSE(deserialize_school(resealed(trailing), out));
}

TEST_CASE("hashes are stable and see one changed byte", "[cache]") {
    // Reference value of XXH3-128 for empty input, as xxh128sum prints it.
    CHECK(cache::hash_bytes("").hex() == "99aa06d3014798d86001c324468d497f");

    std::string data(1 << 20, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + (i >> 9));
    const cache::Hash128 original = cache::hash_bytes(data);
    CHECK(cache::hash_bytes(std::string(data)) == original);
    CHECK(original.hex().size() == 32);
    for (std::size_t at : {std::size_t{0}, std::size_t{4095}, data.size() / 2, data.size() - 1}) {
        std::string changed = data;
        changed[at] = static_cast<char>(changed[at] ^ 1);
        CHECK_FALSE(cache::hash_bytes(changed) == original);
    }

    auto sequence = [](std::string_view a, std::string_view b, std::uint64_t n) {
        cache::Hasher hasher;
        hasher.add(a).add(b).add(n);
        return hasher.finish();
    };
    CHECK(sequence("ab", "c", 1) == sequence("ab", "c", 1));
    CHECK_FALSE(sequence("ab", "c", 1) == sequence("a", "bc", 1));
    CHECK_FALSE(sequence("ab", "c", 1) == sequence("ab", "c", 2));
    cache::Hasher hasher;
    hasher.add("x");
    CHECK(hasher.finish() == hasher.finish());
}

namespace {

// stamp_tree as it was first written, with the standard library's walk: the
// reference for what the faster walk must list.
std::vector<cache::FileStamp> reference_stamps(const fs::path& folder) {
    std::vector<cache::FileStamp> stamps;
    std::error_code error;
    fs::recursive_directory_iterator entries(folder, fs::directory_options::skip_permission_denied, error);
    if (error) return stamps;
    const std::size_t prefix_length = (folder / "").native().size();
    for (const fs::recursive_directory_iterator end; entries != end; entries.increment(error)) {
        if (error) break;
        const fs::path& path = entries->path();
        if (path.filename().native().starts_with('.')) {
            entries.disable_recursion_pending();
            continue;
        }
#ifdef _WIN32
        WIN32_FILE_ATTRIBUTE_DATA info{};
        if (!GetFileAttributesExW(path.c_str(), GetFileExInfoStandard, &info) ||
            (info.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)))
            continue;
        auto filetime = static_cast<std::int64_t>((std::uint64_t(info.ftLastWriteTime.dwHighDateTime) << 32) |
                                                  info.ftLastWriteTime.dwLowDateTime);
        std::string relative = path.generic_string().substr(folder.generic_string().size() + 1);
        stamps.push_back({relative, (std::uint64_t(info.nFileSizeHigh) << 32) | info.nFileSizeLow,
                          (filetime - 116444736000000000) * 100});
        (void)prefix_length;
#else
        struct stat info {};
        if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
        stamps.push_back({path.native().substr(prefix_length), static_cast<std::uint64_t>(info.st_size),
                          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec});
#endif
    }
    std::sort(stamps.begin(), stamps.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return stamps;
}

std::vector<std::string> paths_of(const std::vector<cache::FileStamp>& stamps) {
    std::vector<std::string> paths;
    for (const auto& stamp : stamps) paths.push_back(stamp.path);
    return paths;
}

}  // namespace

// POSIX links and a FIFO: Linux only (tests/cyrillic_content_test.cpp
// checks links on Windows).
#ifndef _WIN32
TEST_CASE("stamp_tree lists what the standard library's walk lists, links and hidden names included", "[cache]") {
    fs::path folder = temporary_folder("stamp-walk");
    write_file(folder / "site.yaml", "a");
    write_file(folder / "schools" / "s1" / "school.yaml", "bb");
    write_file(folder / "schools" / "s1" / "news" / "2024-01-01-a.md", "ccc");
    write_file(folder / "schools" / "s1" / ".draft.md", "x");
    write_file(folder / "schools" / ".trash" / "old.yaml", "x");
    write_file(folder / "a b" / "ü name.yaml", "dddd");
    fs::create_directories(folder / "schools" / "s2" / "empty" / "deeper");
    fs::create_symlink(folder / "site.yaml", folder / "schools" / "s1" / "linked.yaml");  // a file: listed
    fs::create_directory_symlink(folder / "schools" / "s1", folder / "schools" / "s3");   // a folder: not followed
    fs::create_symlink(folder / "missing", folder / "dangling.yaml");                      // nothing: left out
    ::mkfifo((folder / "pipe").c_str(), 0600);                                             // not a regular file

    auto stamps = cache::stamp_tree(folder);
    CHECK(paths_of(stamps) == std::vector<std::string>{"a b/ü name.yaml", "schools/s1/linked.yaml",
                                                       "schools/s1/news/2024-01-01-a.md", "schools/s1/school.yaml",
                                                       "site.yaml"});
    CHECK(stamps == reference_stamps(folder));
    CHECK(stamps[1].size == 1);  // the linked file's size, not the link's
    CHECK(cache::stamp_tree(folder.string() + "/") == stamps);
    CHECK(cache::stamp_tree(folder / "site.yaml").empty());
    fs::remove_all(folder);
}
#endif

TEST_CASE("stamp_tree of a tree wide enough to walk in parallel lists every file once, sorted", "[cache]") {
    fs::path folder = temporary_folder("stamp-wide");
    std::size_t files = 0;
    for (int school = 0; school < 60; ++school) {
        fs::path section = folder / "schools" / std::to_string(school);
        write_file(section / "school.yaml", std::string(school, 'x'));
        for (int news = 0; news < school % 7; ++news)
            write_file(section / "news" / std::to_string(news) += ".md", "news");
        if (school % 5 == 0) write_file(section / ".hidden" / "x.md", "x");
        files += 1 + school % 7;
    }
    write_file(folder / "site.yaml", "site");
    ++files;

    auto stamps = cache::stamp_tree(folder);
    CHECK(stamps.size() == files);
    CHECK(stamps == reference_stamps(folder));
    CHECK(std::is_sorted(stamps.begin(), stamps.end(), [](const auto& a, const auto& b) { return a.path < b.path; }));
    fs::remove_all(folder);
}

TEST_CASE("stamp_tree lists visible files and sees size and mtime changes", "[cache]") {
    fs::path folder = temporary_folder("stamps");
    write_file(folder / "school.yaml", "name: x\n");
    write_file(folder / "roadmaps" / "plan.yaml", "items: []\n");
    write_file(folder / ".hidden", "x");
    write_file(folder / ".git" / "config", "x");
    fs::create_directories(folder / "empty");

    auto stamps = cache::stamp_tree(folder);
    REQUIRE(stamps.size() == 2);
    CHECK(stamps[0].path == "roadmaps/plan.yaml");
    CHECK(stamps[1].path == "school.yaml");
    CHECK(stamps[1].size == 8);
    CHECK(stamps[1].mtime_ns > 1'600'000'000'000'000'000);  // after 2020, in ns
    CHECK(cache::stamp_tree(folder) == stamps);
    CHECK(cache::fingerprint(cache::stamp_tree(folder)) == cache::fingerprint(stamps));

    write_file(folder / "school.yaml", "name: xy\n");
    auto resized = cache::stamp_tree(folder);
    CHECK(resized[1].size == 9);
    CHECK_FALSE(cache::fingerprint(resized) == cache::fingerprint(stamps));

    auto touched_time = fs::last_write_time(folder / "roadmaps" / "plan.yaml") + std::chrono::seconds(3);
    fs::last_write_time(folder / "roadmaps" / "plan.yaml", touched_time);
    auto touched = cache::stamp_tree(folder);
    CHECK(touched[0].size == stamps[0].size);
#ifdef _WIN32
    // libstdc++ sets the time with _wutime there: whole seconds (the stamp reads 100 ns steps).
    CHECK(touched[0].mtime_ns - resized[0].mtime_ns > 2'000'000'000);
    CHECK(touched[0].mtime_ns - resized[0].mtime_ns <= 3'000'000'000);
#else
    CHECK(touched[0].mtime_ns - resized[0].mtime_ns == 3'000'000'000);
#endif
    CHECK_FALSE(cache::fingerprint(touched) == cache::fingerprint(resized));

    CHECK(cache::stamp_tree(folder / "missing").empty());
    fs::remove_all(folder);
}
