// The build record as an LMDB store (record/record_store.hpp and the store
// functions of pipeline/build_record.hpp): a real build's record kept whole,
// a one-school update that touches only that school's entries, every kind of
// damage read as no record, and readers that see one snapshot while a
// writer commits.
#include "pipeline/build_record.hpp"
#include "record/record_store.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <lmdb.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace shnor;
namespace fs = std::filesystem;
using pipeline::BuildRecord;
using record::Store;
using record::Table;

namespace {

struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-record-store-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

cache::Hash128 hash_of(const std::string& text) { return cache::hash_bytes(text); }

// A district of `schools` schools, each with five files (two with
// fragments) and three inputs, and a few district files.
BuildRecord synthetic_record(int schools) {
    BuildRecord record;
    record.key = "key-1";
    record.tree = {2049, 1000, 1001, 1'700'000'000'000'000'000, {"index.html"}, {"CNAME"}};
    record.written_ns = 1'700'000'000'500'000'000;
    record.global = hash_of("global");
    for (std::string path : {"index.html", "schools/index.html", "sitemap.xml", "data/schools.csv"}) {
        record.files[path] = {write::hash_of(path), path.size() * 100, 17};
        record.file_owner[path] = "";
    }
    record.fragments["data/schools.csv"] = {{"row", 10, 20}};
    for (int index = 0; index < schools; ++index) {
        char slug[16];
        std::snprintf(slug, sizeof slug, "s%05d", index);
        std::string base = std::string("schools/") + slug + "/";
        record.schools[slug] = hash_of(std::string(slug) + "content");
        record.school_external[slug] = hash_of(std::string(slug) + "external");
        record.school_district[slug] = hash_of(std::string(slug) + "district");
        record.school_pages[slug] = {base, base + "roadmap/"};
        for (std::string name : {"index.html", "roadmap/index.html", "results/index.html", "news/index.html", "plan.pdf"}) {
            std::string path = base + name;
            record.files[path] = {write::hash_of(path), 1000 + path.size(), 1'700'000'000'000'000'000 + index};
            record.file_owner[path] = slug;
        }
        record.fragments[base + "index.html"] = {{"intro", 120, 45}, {"twice", pipeline::FragmentSpan::kNowhere, 0}};
        for (std::string name : {"school.yaml", "index.md", "roadmaps/plan.yaml"})
            record.inputs.push_back({base + name, 500, 1'600'000'000'000'000'000 + index});
    }
    record.inputs.push_back({"site.yaml", 300, 5});
    std::sort(record.inputs.begin(), record.inputs.end(), [](auto& a, auto& b) { return a.path < b.path; });
    return record;
}

// The store gives its stamps in path order.
std::vector<cache::FileStamp> by_path(std::vector<cache::FileStamp> stamps) {
    std::sort(stamps.begin(), stamps.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return stamps;
}

void check_same_record(const BuildRecord& read, const BuildRecord& written) {
    CHECK(read.key == written.key);
    CHECK(read.tree == written.tree);
    CHECK(read.written_ns == written.written_ns);
    CHECK(read.volatile_sources == written.volatile_sources);
    CHECK(read.global == written.global);
    CHECK(read.inputs == by_path(written.inputs));
    CHECK(read.schools == written.schools);
    CHECK(read.school_external == written.school_external);
    CHECK(read.school_district == written.school_district);
    CHECK(read.school_pages == written.school_pages);
    CHECK(read.files == written.files);
    CHECK(read.file_owner == written.file_owner);
    CHECK(read.fragments == written.fragments);
    CHECK(read.inputs_fingerprint == cache::fingerprint(by_path(written.inputs)));
    CHECK(read.output_files == written.files.size());
}

// Every stored value of the store, by table and key (the owner index by
// owner, its values joined).
std::map<std::pair<int, std::string>, std::string> everything_in(const fs::path& file) {
    std::map<std::pair<int, std::string>, std::string> out;
    auto store = Store::open(file, Store::Access::read);
    REQUIRE(store);
    auto view = store->read();
    REQUIRE(view);
    view->for_each_school([&](std::string_view slug, const record::SchoolEntry&) {
        out[{int(Table::schools), std::string(slug)}] = *view->stored_bytes(Table::schools, slug);
        std::string owned;
        for (const auto& path : view->files_of(slug)) owned += path + "\n";
        out[{int(Table::owners), std::string(slug)}] = owned;
        return true;
    });
    view->for_each_file([&](std::string_view path, const record::FileEntry&) {
        out[{int(Table::files), std::string(path)}] = *view->stored_bytes(Table::files, path);
        return true;
    });
    for (const auto& stamp : view->inputs())
        out[{int(Table::inputs), stamp.path}] = *view->stored_bytes(Table::inputs, stamp.path);
    return out;
}

// Puts `value` under `key` of `table` with LMDB itself: what no writer of
// shnor would store.
void put_raw(const fs::path& file, const char* table, const std::string& key, const std::string& value) {
    MDB_env* env = nullptr;
    REQUIRE(mdb_env_create(&env) == 0);
    mdb_env_set_maxdbs(env, 8);
    REQUIRE(mdb_env_open(env, file.c_str(), MDB_NOSUBDIR, 0600) == 0);
    MDB_txn* txn = nullptr;
    MDB_dbi dbi = 0;
    REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
    REQUIRE(mdb_dbi_open(txn, table, 0, &dbi) == 0);
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v{value.size(), const_cast<char*>(value.data())};
    REQUIRE(mdb_put(txn, dbi, &k, &v, 0) == 0);
    REQUIRE(mdb_txn_commit(txn) == 0);
    mdb_env_close(env);
}

// What another process reads of the store's head now: its written_ns,
// -1 when it reads no record. (A forked child opens its own environment,
// as a second shnor would.)
std::int64_t written_ns_seen_by_another_process(const fs::path& file) {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        std::int64_t seen = -1;
        if (auto store = Store::open(file, Store::Access::read))
            if (auto view = store->read()) seen = view->head().written_ns;
        ssize_t ignored = ::write(pipe_fds[1], &seen, sizeof seen);
        (void)ignored;
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::int64_t seen = -2;
    ssize_t got = ::read(pipe_fds[0], &seen, sizeof seen);
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(got == sizeof seen);
    return seen;
}

std::string bytes_of(const fs::path& path) { return test::read_file(path); }

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace

TEST_CASE("the record store keeps a real build's record whole", "[record_store]") {
    Scratch scratch("real");
    fs::path out = scratch.path / "site", cache = scratch.path / "cache";
    auto built = test::run_command(std::string("'") + SHNOR_BINARY + "' build --content " +
                                       test::shell_quoted(fs::path(SHNOR_SOURCE_DIR) / "content") + " --out " +
                                       test::shell_quoted(out) + " --date 2025-03-01 --cache " + test::shell_quoted(cache),
                                   scratch.path / "build.log");
    REQUIRE(built.exit_code == 0);
    // The store the build wrote, read whole, then written again into another.
    fs::path record_file = pipeline::record_path(cache, out);
    auto text = pipeline::read_store(pipeline::store_path(record_file));
    REQUIRE(text);
    REQUIRE(text->files.size() > 100);
    REQUIRE_FALSE(text->fragments.empty());
    REQUIRE(text->schools.size() >= 2);

    fs::path file = scratch.path / "copy.lmdb";
    REQUIRE(pipeline::write_store(file, *text));
    CHECK_FALSE(fs::exists(fs::path(file.string() + ".new")));  // no temporary left
    CHECK((fs::status(file).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
    auto stored = pipeline::read_store(file);
    REQUIRE(stored);
    check_same_record(*stored, *text);
    CHECK(stored->html_files == text->html_files);
    // The record is the output folder: each file there with its size.
    for (const auto& [path, state] : stored->files) {
        INFO(path);
        CHECK(fs::file_size(out / path) == state.size);
    }
    // The owner index lists each school's files, and only them.
    auto part = pipeline::read_schools(file, {text->schools.begin()->first});
    REQUIRE(part);
    std::set<std::string> owned;
    for (const auto& [path, owner] : text->file_owner)
        if (owner == text->schools.begin()->first) owned.insert(path);
    REQUIRE_FALSE(owned.empty());
    std::set<std::string> read_paths;
    for (const auto& [path, entry] : part->files) read_paths.insert(path);
    CHECK(read_paths == owned);
    CHECK(part->head.key == text->key);
    // The output check reads the states alone: the same ones.
    {
        std::map<std::string, write::FileState> states;
        auto store = Store::open(file, Store::Access::read);
        REQUIRE(store);
        store->read()->for_each_file_state([&](std::string_view path, const write::FileState& state) {
            states.emplace(path, state);
            return true;
        });
        CHECK(states == text->files);
        auto written = pipeline::read_written_files(file);
        REQUIRE(written);
        CHECK(written->head.output_files == text->files.size());
        REQUIRE(written->files.size() == text->files.size());
        auto state = text->files.begin();
        for (const auto& one : written->files) {
            CHECK(one.path == state->first);
            CHECK(one.size == state->second.size);
            CHECK(one.mtime_ns == state->second.mtime_ns);
            ++state;
        }
    }

    auto head = pipeline::read_store(file, pipeline::RecordPart::head);
    REQUIRE(head);
    CHECK(head->inputs.empty());
    CHECK(head->files.empty());
    CHECK(head->output_files == text->files.size());
    CHECK(head->inputs_fingerprint == cache::fingerprint(by_path(text->inputs)));
    CHECK(by_path(text->inputs) == text->inputs);  // the store gives them in path order
}

namespace {

// A whole record written the way write_store() writes one, with commits on
// the way every `commit_bytes` (0: one transaction); the commits made.
std::size_t write_whole(const fs::path& file, const BuildRecord& record, std::size_t commit_bytes) {
    auto store = Store::open(file, Store::Access::write);
    REQUIRE(store);
    auto txn = store->write();
    if (commit_bytes) txn.commit_every(commit_bytes);
    txn.clear();
    txn.set_head(pipeline::record_head(record));
    txn.replace_inputs(record.inputs);
    for (const auto& [slug, hash] : record.schools) {
        record::SchoolEntry entry{hash, record.school_external.at(slug), record.school_district.at(slug),
                                  record.school_pages.at(slug)};
        txn.put_school(slug, entry);
    }
    for (const auto& [path, state] : record.files) {
        record::FileEntry entry{record.file_owner.at(path), state, {}};
        if (auto spans = record.fragments.find(path); spans != record.fragments.end()) entry.fragments = spans->second;
        txn.put_file(path, entry);
    }
    txn.replace_tree_lists(record.tree.touched, record.tree.strays);
    std::size_t commits = txn.writes().commits;
    REQUIRE(txn.commit());
    return commits;
}

}  // namespace

TEST_CASE("a whole write committed on the way stores the same record as one transaction", "[record_store]") {
    Scratch scratch("on-the-way");
    BuildRecord record = synthetic_record(3000);
    for (int index = 0; index < 2000; ++index) record.tree.touched.push_back("touched/" + std::to_string(index));
    std::sort(record.tree.touched.begin(), record.tree.touched.end());
    fs::path once = scratch.path / "once.lmdb", on_the_way = scratch.path / "on-the-way.lmdb";
    CHECK(write_whole(once, record, 0) == 0);
    // Small commits: many of them, across every table a whole write fills.
    CHECK(write_whole(on_the_way, record, 4096) > 100);
    CHECK(everything_in(on_the_way) == everything_in(once));
    auto read = pipeline::read_store(on_the_way);
    REQUIRE(read);
    check_same_record(*read, record);
    CHECK(read->tree.touched == record.tree.touched);
    CHECK(read->html_files == pipeline::read_store(once)->html_files);
}

TEST_CASE("a one-school update writes only that school's entries", "[record_store]") {
    Scratch scratch("update");
    fs::path file = scratch.path / "builds" / "x.lmdb";
    const BuildRecord before = synthetic_record(60);
    REQUIRE(pipeline::write_store(file, before));
    auto stored_before = everything_in(file);
    auto file_size_before = fs::file_size(file);

    const std::string slug = "s00007", base = "schools/s00007/";
    pipeline::SchoolsUpdate update;
    update.head = pipeline::record_head(before);
    update.head.written_ns += 1;
    update.head.tree.inode = before.tree.spare_inode;  // the folder after the swap
    update.head.tree.spare_inode = before.tree.inode;
    record::SchoolEntry school{hash_of("new content"), hash_of("new external"), before.school_district.at(slug),
                               {base, base + "roadmap/", base + "news/new/"}};
    update.schools[slug] = school;
    record::FileEntry changed{slug, {write::hash_of("new roadmap"), 4242, 99}, {}};
    update.files[base + "roadmap/index.html"] = changed;
    update.files[base + "news/new/index.html"] = record::FileEntry{slug, {write::hash_of("news"), 10, 98}, {}};
    update.files[base + "plan.pdf"] = std::nullopt;
    std::vector<cache::FileStamp> stamps = before.inputs;
    for (auto& stamp : stamps)
        if (stamp.path == base + "roadmaps/plan.yaml") {
            stamp.mtime_ns += 1;
            update.changed_inputs.push_back(stamp);
        }
    REQUIRE(update.changed_inputs.size() == 1);
    update.head.inputs_fingerprint = cache::fingerprint(stamps);

    // Only for the record it was computed from.
    record::Head other = pipeline::record_head(before);
    other.written_ns -= 1;
    CHECK_FALSE(pipeline::update_schools(file, other, update));
    CHECK(everything_in(file) == stored_before);

    REQUIRE(pipeline::update_schools(file, pipeline::record_head(before), update));
    auto after = pipeline::read_store(file);
    REQUIRE(after);
    CHECK(after->written_ns == before.written_ns + 1);
    CHECK(after->tree.inode == before.tree.spare_inode);
    CHECK(after->inputs == stamps);
    CHECK(after->schools.at(slug) == school.content);
    CHECK(after->school_pages.at(slug) == school.pages);
    CHECK(after->files.at(base + "roadmap/index.html") == changed.state);
    CHECK(after->file_owner.at(base + "news/new/index.html") == slug);
    CHECK_FALSE(after->files.count(base + "plan.pdf"));
    CHECK(after->output_files == before.files.size());  // one file removed, one added
    CHECK(after->html_files == pipeline::record_head(before).html_files + 1);
    CHECK(after->fragments == before.fragments);

    // Every other entry has the very bytes it had.
    auto stored_after = everything_in(file);
    std::size_t differing = 0;
    for (const auto& [key, bytes] : stored_before) {
        auto found = stored_after.find(key);
        bool of_school = key.second == slug || key.second.starts_with(base);
        if (!of_school) {
            INFO(key.second);
            REQUIRE(found != stored_after.end());
            CHECK(found->second == bytes);
        } else if (found == stored_after.end() || found->second != bytes) {
            ++differing;
        }
    }
    CHECK(differing == 5);  // school, owner list, two files (one gone), one input
    CHECK(fs::file_size(file) <= file_size_before + 64 * 1024);

    // What such a transaction writes: a few entries, not the record.
    auto store = Store::open(file, Store::Access::write);
    REQUIRE(store);
    auto txn = store->write();
    txn.set_head(update.head);
    txn.put_school(slug, school);
    txn.put_file(base + "roadmap/index.html", changed);
    txn.put_input(update.changed_inputs.front());
    REQUIRE(txn.commit());
    CHECK(txn.writes().puts <= 6);
    CHECK(txn.writes().bytes < 1024);
}

TEST_CASE("a damaged, cut short or foreign record store is no record", "[record_store]") {
    Scratch scratch("damaged");
    fs::path file = scratch.path / "x.lmdb";
    const BuildRecord written = synthetic_record(40);
    REQUIRE(pipeline::write_store(file, written));
    REQUIRE(pipeline::read_store(file));
    const std::string bytes = bytes_of(file);
    REQUIRE(bytes.size() > 3 * 4096);
    auto no_record = [&](const char* why) {
        INFO(why);
        CHECK_FALSE(pipeline::read_store(file));
        CHECK_FALSE(pipeline::read_store(file, pipeline::RecordPart::head));
        CHECK_FALSE(pipeline::read_schools(file, {"s00001"}));
        CHECK_FALSE(pipeline::update_schools(file, pipeline::record_head(written), {}));
    };

    SECTION("cut short") {
        write_bytes(file, bytes.substr(0, bytes.size() / 2));
        no_record("half the file");
        write_bytes(file, bytes.substr(0, 100));
        no_record("less than its meta pages");
        write_bytes(file, "");
        no_record("empty");
    }
    SECTION("garbage") {
        std::string garbage = bytes;
        std::uint32_t state = 12345;
        for (auto& byte : garbage) byte = static_cast<char>((state = state * 1103515245 + 12345) >> 16);
        write_bytes(file, garbage);
        no_record("random bytes");
        std::string metas = bytes;
        for (std::size_t at = 16; at < 2 * 4096; at += 7) metas[at] = static_cast<char>(~metas[at]);
        write_bytes(file, metas);
        no_record("its meta pages garbled");
        write_bytes(file, "shnor-build-record 6 00000000000000000100 00000000000000000300\nkey x\n");
        no_record("a text record");
    }
    SECTION("another format") {
        std::string head = *Store::open(file, Store::Access::read)->read()->stored_bytes(Table::head, "head");
        head[0] = static_cast<char>(record::kFormat + 1);
        put_raw(file, "head", "head", head);
        no_record("the next format");
        put_raw(file, "head", "head", "\x01");
        no_record("a head cut short");
    }
    SECTION("a value that does not decode") {
        put_raw(file, "files", "schools/s00001/index.html", "\x05\x00\x00\x00s0");
        CHECK_FALSE(pipeline::read_store(file));
        CHECK_FALSE(pipeline::read_schools(file, {"s00001"}));
        CHECK(pipeline::read_schools(file, {"s00002"}));  // what is not read is not checked
        put_raw(file, "schools", "s00002", std::string(1000, '\xff'));
        CHECK_FALSE(pipeline::read_store(file));
    }
    SECTION("stamps that are not the head's") {
        put_raw(file, "inputs", "site.yaml", std::string(16, '\0'));
        CHECK_FALSE(pipeline::read_store(file));
    }
    SECTION("missing, or where no store can be") {
        CHECK_FALSE(pipeline::read_store(scratch.path / "missing.lmdb"));
        CHECK_FALSE(fs::exists(scratch.path / "missing.lmdb"));  // reading creates nothing
        CHECK_FALSE(pipeline::update_schools(scratch.path / "missing.lmdb", pipeline::record_head(written), {}));
        CHECK_FALSE(fs::exists(scratch.path / "missing.lmdb"));
        test::write_file(scratch.path / "blocker", "a file, not a folder");
        CHECK_FALSE(pipeline::write_store(scratch.path / "blocker" / "x.lmdb", written));
        CHECK_FALSE(pipeline::read_store(scratch.path / "blocker" / "x.lmdb"));
        if (::geteuid() != 0) {  // root writes anywhere
            fs::path locked = scratch.path / "read-only";
            fs::create_directories(locked);
            fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
            CHECK_FALSE(pipeline::write_store(locked / "x.lmdb", written));
            fs::permissions(locked, fs::perms::owner_all);
        }
    }
    // Whatever was there, a whole write makes a good store again.
    REQUIRE(pipeline::write_store(file, written));
    auto again = pipeline::read_store(file);
    REQUIRE(again);
    check_same_record(*again, written);
}

TEST_CASE("a reader sees one snapshot while a writer commits", "[record_store]") {
    Scratch scratch("readers");
    fs::path file = scratch.path / "x.lmdb";
    const BuildRecord written = synthetic_record(10);
    REQUIRE(pipeline::write_store(file, written));
    auto store = Store::open(file, Store::Access::write);
    REQUIRE(store);
    auto before = store->read();
    REQUIRE(before);

    auto txn = store->write();
    record::Head head = before->head();
    head.written_ns += 1;
    txn.set_head(head);
    txn.remove_file("schools/s00003/plan.pdf");
    txn.put_school("s00003", {hash_of("x"), hash_of("y"), hash_of("z"), {}});
    // Another thread reads while the write is under way: not blocked, and
    // it sees the last committed record.
    std::int64_t seen_during = 0;
    std::size_t files_during = 0;
    std::thread reader([&] {
        auto view = store->read();
        if (!view) return;
        seen_during = view->head().written_ns;
        files_during = view->files_of("s00003").size();
    });
    reader.join();
    CHECK(seen_during == written.written_ns);
    CHECK(files_during == 5);
    CHECK(written_ns_seen_by_another_process(file) == written.written_ns);
    REQUIRE(txn.commit());
    CHECK(written_ns_seen_by_another_process(file) == written.written_ns + 1);

    // The older view still reads its snapshot; a new one the commit.
    CHECK(before->head().written_ns == written.written_ns);
    CHECK(before->files_of("s00003").size() == 5);
    CHECK(before->file("schools/s00003/plan.pdf"));
    CHECK(before->school("s00003")->content == written.schools.at("s00003"));
    auto after = store->read();
    REQUIRE(after);
    CHECK(after->head().written_ns == written.written_ns + 1);
    CHECK(after->head().output_files == written.files.size() - 1);
    CHECK(after->files_of("s00003").size() == 4);
    CHECK_FALSE(after->file("schools/s00003/plan.pdf"));
    CHECK(after->school("s00003")->content == hash_of("x"));
}

TEST_CASE("paths longer than LMDB's keys are kept whole", "[record_store]") {
    Scratch scratch("long");
    fs::path file = scratch.path / "x.lmdb";
    BuildRecord written = synthetic_record(3);
    // Past LMDB's 511-byte keys, with a long common start, in Cyrillic.
    std::string folder = "schools/s00001/files/";
    for (int part = 0; part < 30; ++part) folder += "очень-длинная/";
    const std::string long_a = folder + "а.pdf", long_b = folder + "б.pdf", long_input = folder + "index.md";
    REQUIRE(long_a.size() > 511);
    written.files[long_a] = {write::hash_of("a"), 1, 2};
    written.files[long_b] = {write::hash_of("b"), 3, 4};
    written.file_owner[long_a] = "s00001";
    written.file_owner[long_b] = "";
    written.fragments[long_b] = {{"row", 1, 2}};
    written.inputs.push_back({long_input, 5, 6});
    written.tree.strays.push_back(long_b);
    std::sort(written.tree.strays.begin(), written.tree.strays.end());
    REQUIRE(pipeline::write_store(file, written));

    auto read = pipeline::read_store(file);
    REQUIRE(read);
    check_same_record(*read, written);
    CHECK(read->tree.strays == written.tree.strays);
    auto part = pipeline::read_schools(file, {"s00001", ""});
    REQUIRE(part);
    CHECK(part->files.at(long_a).state == written.files.at(long_a));
    CHECK(part->files.at(long_b).fragments == written.fragments.at(long_b));
    auto states = pipeline::read_written_files(file);
    REQUIRE(states);
    REQUIRE(states->files.size() == written.files.size());
    CHECK(std::is_sorted(states->files.begin(), states->files.end(),
                         [](const auto& a, const auto& b) { return a.path < b.path; }));
    CHECK(std::any_of(states->files.begin(), states->files.end(), [&](const auto& one) { return one.path == long_a; }));

    // Moved to another owner, then removed, as any file.
    pipeline::SchoolsUpdate update;
    update.head = pipeline::record_head(written);
    update.head.written_ns += 1;
    update.files[long_a] = record::FileEntry{"s00002", {write::hash_of("a2"), 7, 8}, {}};
    update.files[long_b] = std::nullopt;
    REQUIRE(pipeline::update_schools(file, pipeline::record_head(written), update));
    auto after = pipeline::read_schools(file, {"s00001", "s00002", ""});
    REQUIRE(after);
    CHECK(after->files.at(long_a).owner == "s00002");
    CHECK(after->files.at(long_a).state.size == 7);
    CHECK_FALSE(after->files.count(long_b));
    auto store = Store::open(file, Store::Access::read);
    REQUIRE(store);
    auto view = store->read();
    REQUIRE(view);
    auto of_first = view->files_of("s00001");
    CHECK(std::find(of_first.begin(), of_first.end(), long_a) == of_first.end());
    auto of_second = view->files_of("s00002");
    CHECK(std::find(of_second.begin(), of_second.end(), long_a) != of_second.end());
    CHECK(view->head().output_files == written.files.size() - 1);
}

namespace {

shnor::test::CommandResult build_into(const fs::path& content, const fs::path& out, const fs::path& cache,
                                      const fs::path& log) {
    return test::run_command(std::string("'") + SHNOR_BINARY + "' build --content " + test::shell_quoted(content) +
                                 " --out " + test::shell_quoted(out) + " --date 2024-11-01 --cache " +
                                 test::shell_quoted(cache),
                             log);
}

template <class Value>
const Value* entry_in(const std::map<std::string, Value>& map, const std::string& key) {
    auto found = map.find(key);
    return found == map.end() ? nullptr : &found->second;
}

// What changed from `before` to `after`, as a build of a few schools would
// give it to update_schools.
pipeline::SchoolsUpdate difference(const BuildRecord& before, const BuildRecord& after) {
    pipeline::SchoolsUpdate update;
    update.head = pipeline::record_head(after);
    update.tree_lists = after.tree;
    std::set<std::string> slugs, paths;
    for (const auto* map : {&before.schools, &after.schools})
        for (const auto& entry : *map) slugs.insert(entry.first);
    auto school_of = [](const BuildRecord& record, const std::string& slug) -> std::optional<record::SchoolEntry> {
        if (!record.schools.count(slug)) return std::nullopt;
        const auto* pages = entry_in(record.school_pages, slug);
        return record::SchoolEntry{record.schools.at(slug), record.school_external.at(slug),
                                   record.school_district.at(slug), pages ? *pages : std::vector<std::string>()};
    };
    for (const auto& slug : slugs)
        if (school_of(before, slug) != school_of(after, slug)) update.schools[slug] = school_of(after, slug);
    for (const auto* map : {&before.files, &after.files})
        for (const auto& entry : *map) paths.insert(entry.first);
    auto file_of = [](const BuildRecord& record, const std::string& path) -> std::optional<record::FileEntry> {
        const auto* state = entry_in(record.files, path);
        if (!state) return std::nullopt;
        const auto* owner = entry_in(record.file_owner, path);
        const auto* spans = entry_in(record.fragments, path);
        return record::FileEntry{owner ? *owner : "", *state, spans ? *spans : std::vector<pipeline::FragmentSpan>()};
    };
    for (const auto& path : paths)
        if (file_of(before, path) != file_of(after, path)) update.files[path] = file_of(after, path);
    std::map<std::string, cache::FileStamp> stamps_before;
    for (const auto& stamp : before.inputs) stamps_before[stamp.path] = stamp;
    for (const auto& stamp : after.inputs) {
        auto found = stamps_before.find(stamp.path);
        if (found == stamps_before.end() || !(found->second == stamp)) update.changed_inputs.push_back(stamp);
        if (found != stamps_before.end()) stamps_before.erase(found);
    }
    for (const auto& [path, stamp] : stamps_before) update.removed_inputs.push_back(path);
    return update;
}

}  // namespace

TEST_CASE("a store updated with one school's changes is the record a real build wrote", "[record_store]") {
    Scratch scratch("real-update");
    fs::path content = scratch.path / "content", out = scratch.path / "site", cache = scratch.path / "cache";
    fs::copy(fs::path(SHNOR_SOURCE_DIR) / "content", content, fs::copy_options::recursive);
    REQUIRE(build_into(content, out, cache, scratch.path / "build1.log").exit_code == 0);
    fs::path record_file = pipeline::record_path(cache, out);
    auto first = pipeline::read_store(pipeline::store_path(record_file));
    REQUIRE(first);
    fs::path file = scratch.path / "copy.lmdb";  // the build updates its own store its way
    REQUIRE(pipeline::write_store(file, *first));

    // One roadmap item's status, as bench/run.sh changes it.
    fs::path roadmap = content / "schools" / "shubinskaya" / "roadmaps" / "dorozhnaya-karta-shkoly-2024.yaml";
    std::string text = test::read_file(roadmap);
    auto at = text.find("status: planned");
    REQUIRE(at != std::string::npos);
    text.replace(at, 15, "status: in_progress");
    ::sleep(1);  // a new mtime, seen as a change
    test::write_file(roadmap, text);
    REQUIRE(build_into(content, out, cache, scratch.path / "build2.log").exit_code == 0);
    auto second = pipeline::read_store(pipeline::store_path(record_file));
    REQUIRE(second);
    REQUIRE(second->written_ns != first->written_ns);

    auto update = difference(*first, *second);
    CHECK(update.schools.size() == 1);  // its content hash
    INFO(update.files.size() << " of " << second->files.size() << " files changed");
    CHECK_FALSE(update.changed_inputs.empty());
    CHECK(update.files.size() < second->files.size() / 4);  // a few files, not the site
    REQUIRE(pipeline::update_schools(file, pipeline::record_head(*first), update));
    auto stored = pipeline::read_store(file);
    REQUIRE(stored);
    check_same_record(*stored, *second);
    CHECK(stored->html_files == second->html_files);
}

namespace {

// Makes the store believe the system has restarted since it was sealed.
struct AnotherBoot {
    AnotherBoot() { ::setenv("SHNOR_TEST_BOOT_ID", "another-boot", 1); }
    ~AnotherBoot() { ::unsetenv("SHNOR_TEST_BOOT_ID"); }
};

}  // namespace

// Commits are not flushed (MDB_NOSYNC); the seal beside the store keeps a
// store a system crash may have torn from being opened after a restart.
TEST_CASE("after a restart a store is opened only as its seal says, and plans a whole build", "[record_store]") {
    Scratch scratch("seal");
    fs::path file = scratch.path / "builds" / "x.lmdb";
    const BuildRecord written = synthetic_record(30);
    REQUIRE(pipeline::write_store(file, written));
    REQUIRE(fs::exists(record::seal_file_of(file)));
    CHECK_FALSE(fs::exists(record::seal_file_of(file).string() + ".new"));
    REQUIRE(pipeline::read_store(file));
    CHECK(pipeline::read_store(file)->key == written.key);  // this boot: the store as committed

    // A one-school update seals the store again.
    pipeline::SchoolsUpdate update;
    update.head = pipeline::record_head(written);
    update.head.written_ns += 1;
    update.files["schools/s00003/index.html"] = record::FileEntry{"s00003", {write::hash_of("new"), 3, 7}, {}};
    REQUIRE(pipeline::update_schools(file, pipeline::record_head(written), update));
    BuildRecord updated = *pipeline::read_store(file);
    CHECK(updated.written_ns == written.written_ns + 1);

    SECTION("its bytes as sealed: every file known, but the key says it plans a whole build") {
        AnotherBoot restarted;
        auto read = pipeline::read_store(file);
        REQUIRE(read);
        CHECK(read->key == record::kKeyBeforeRestart);
        CHECK(read->files == updated.files);
        CHECK(read->inputs == updated.inputs);
        auto head = pipeline::read_store(file, pipeline::RecordPart::head);
        REQUIRE(head);
        CHECK(head->key == record::kKeyBeforeRestart);
        CHECK_FALSE(pipeline::update_schools(file, update.head, update));  // not the record it was planned from
        // The whole build after it writes a store of this boot.
        REQUIRE(pipeline::write_store(file, written));
        CHECK(pipeline::read_store(file)->key == written.key);
    }
    SECTION("a byte other than sealed: no record") {
        std::string bytes = bytes_of(file);
        bytes[bytes.size() / 2] = static_cast<char>(~bytes[bytes.size() / 2]);
        write_bytes(file, bytes);
        AnotherBoot restarted;
        CHECK_FALSE(pipeline::read_store(file));
        CHECK_FALSE(pipeline::read_store(file, pipeline::RecordPart::head));
        CHECK_FALSE(pipeline::read_written_files(file));
        CHECK_FALSE(pipeline::read_schools(file, {"s00003"}));
    }
    SECTION("the file grown or cut short: no record") {
        std::string bytes = bytes_of(file);
        write_bytes(file, bytes + std::string(4096, '\0'));
        {
            AnotherBoot restarted;
            CHECK_FALSE(pipeline::read_store(file));
        }
        write_bytes(file, bytes.substr(0, bytes.size() - 4096));
        AnotherBoot restarted;
        CHECK_FALSE(pipeline::read_store(file));
    }
    SECTION("no seal, or a garbled one: no record, in this boot too") {
        fs::remove(record::seal_file_of(file));
        CHECK_FALSE(pipeline::read_store(file));
        CHECK_FALSE(pipeline::update_schools(file, update.head, update));
        test::write_file(record::seal_file_of(file), "shnor-record-seal 1\nnot a seal\n");
        CHECK_FALSE(pipeline::read_store(file));
        AnotherBoot restarted;
        CHECK_FALSE(pipeline::read_store(file));
    }
    SECTION("removed with its store") {
        pipeline::remove_store(file);
        CHECK_FALSE(fs::exists(record::seal_file_of(file)));
    }
}

TEST_CASE("the seal is private like its store", "[record_store]") {
    Scratch scratch("seal-mode");
    fs::path file = scratch.path / "x.lmdb";
    REQUIRE(pipeline::write_store(file, synthetic_record(2)));
    struct stat info {};
    REQUIRE(::stat(record::seal_file_of(file).c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
}
