// Times the build record kept as text (read and written whole, what builds
// do today) against the LMDB store (record/record_store.hpp), whole and one
// school at a time, on a real record:
//   python3 bench/generate.py 2000 /tmp/rec-bench
//   build/shnor build --content /tmp/rec-bench/content --out /tmp/rec-bench/site
//       --cache /tmp/rec-bench/cache --date 2024-11-01   (one line)
//   cmake --build build --target shnor_record_bench
//   build/shnor_record_bench /tmp/rec-bench/cache/builds/*.record [ROUNDS [ONLY]]
// Prints one row per operation: median and min wall ms over the rounds
// (default 7). Works on copies in a temporary folder; the record given is
// only read.
#include "pipeline/build_record.hpp"
#include "record/record_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

using namespace shnor;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Operation {
    const char* name;
    std::function<void()> run;
    std::vector<double> ms;
};

// Rounds of every operation in turn (A B C … A B C …), so that a busy
// machine slows them alike; then each one's median and minimum.
void run_rounds(std::vector<Operation>& operations, int rounds) {
    for (int round = 0; round < rounds; ++round)
        for (auto& operation : operations) {
            auto start = Clock::now();
            operation.run();
            operation.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
    std::printf("| operation | median ms | min ms |\n| --- | --- | --- |\n");
    for (auto& operation : operations) {
        std::sort(operation.ms.begin(), operation.ms.end());
        std::printf("| %s | %.1f | %.1f |\n", operation.name, operation.ms[operation.ms.size() / 2], operation.ms.front());
    }
}

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "record_bench: %s\n", what);
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 4) {
        std::fprintf(stderr, "usage: %s RECORD_FILE [ROUNDS [ONLY]]\n", argv[0]);
        return 2;
    }
    const fs::path given = argv[1];
    const int rounds = argc == 3 ? std::max(1, std::atoi(argv[2])) : 7;
    // A build's store (what builds keep now), or a text record of an older build.
    auto record = given.extension() == ".lmdb" ? pipeline::read_store(given) : pipeline::read_record(given);
    if (!record) fail("cannot read the record");
    fs::path folder = fs::temp_directory_path() / ("shnor-record-bench-" + std::to_string(::getpid()));
    fs::remove_all(folder);
    fs::create_directories(folder);
    const fs::path text_file = folder / "x.record", store_file = folder / "x.lmdb";
    pipeline::write_record(text_file, *record);
    if (!pipeline::write_store(store_file, *record)) fail("cannot write the store");

    std::size_t fragments = 0;
    for (const auto& [path, spans] : record->fragments) fragments += spans.size();
    std::printf("record: %zu inputs, %zu schools, %zu files, %zu fragment spans; text %.1f MB, LMDB %.1f MB; %d rounds\n\n",
                record->inputs.size(), record->schools.size(), record->files.size(), fragments,
                fs::file_size(text_file) / 1e6, fs::file_size(store_file) / 1e6, rounds);
    std::vector<Operation> operations;

    operations.push_back({"text: read whole (read_record)", [&] {
            if (!pipeline::read_record(text_file)) fail("text read");
        }, {}});
    operations.push_back({"text: write whole (write_record)", [&] { pipeline::write_record(text_file, *record); }, {}});
    operations.push_back({"text: read whole + write whole (a section-only build today)", [&] {
            auto read = pipeline::read_record(text_file);
            if (!read) fail("text read");
            read->written_ns += 1;
            pipeline::write_record(text_file, *read);
        }, {}});
    operations.push_back({"text: map + file list + write from parts (a text-only build today)", [&] {
            auto text = pipeline::RecordText::open(text_file);
            if (!text) fail("text open");
            auto files = pipeline::written_files(text->body());
            pipeline::BuildRecord head = text->head();
            head.inputs = record->inputs;
            pipeline::write_record_text(folder / "y.record", head, {text->body()});
        }, {}});
    operations.push_back({"text: head only", [&] {
            if (!pipeline::read_record(text_file, pipeline::RecordPart::head)) fail("text head");
        }, {}});

    operations.push_back({"LMDB: read whole (read_store)", [&] {
            if (!pipeline::read_store(store_file)) fail("store read");
        }, {}});
    operations.push_back({"LMDB: write whole (write_store, new file + rename)", [&] { pipeline::write_store(store_file, *record); }, {}});
    operations.push_back({"LMDB: head only", [&] {
            if (!pipeline::read_store(store_file, pipeline::RecordPart::head)) fail("store head");
        }, {}});
    operations.push_back({"LMDB: every file's path, size and mtime (the output check, read_written_files)", [&] {
            if (!pipeline::read_written_files(store_file)) fail("store files");
        }, {}});

    // One school's status change: read its entries and files, then put its
    // hashes, the files its section rendered, one stamp, a new head.
    const std::string slug = record->schools.size() > 42 ? std::next(record->schools.begin(), 42)->first
                                                         : record->schools.begin()->first;
    operations.push_back({"LMDB: one school read + update + commit", [&] {
            auto part = pipeline::read_schools(store_file, {slug});
            if (!part || part->files.empty()) fail("store schools");
            pipeline::SchoolsUpdate update;
            update.head = part->head;
            update.head.written_ns += 1;
            auto school = part->schools.at(slug);
            school.content.low += 1;
            update.schools[slug] = school;
            for (auto& [path, entry] : part->files) {
                entry.state.mtime_ns += 1;
                update.files[path] = entry;
            }
            for (const auto& stamp : record->inputs)
                if (stamp.path.find(slug) != std::string::npos) update.changed_inputs.push_back(stamp);
            if (!pipeline::update_schools(store_file, part->head, update)) fail("store update");
        }, {}});
    if (argc == 4)  // only the operations whose names contain ONLY (to profile one)
        std::erase_if(operations, [&](const Operation& operation) {
            return std::string_view(operation.name).find(argv[3]) == std::string_view::npos;
        });
    run_rounds(operations, rounds);
    std::printf("\n(one school: %s, %zu files)\n", slug.c_str(), pipeline::read_schools(store_file, {slug})->files.size());
    fs::remove_all(folder);
    return 0;
}
