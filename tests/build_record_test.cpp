#include "pipeline/build_record.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <unistd.h>

using namespace shnor;
namespace fs = std::filesystem;

namespace {

fs::path temporary_folder(const std::string& name) {
    fs::path folder = fs::temp_directory_path() / ("shnor-record-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(folder);
    fs::create_directories(folder);
    return folder;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

pipeline::BuildRecord sample_record() {
    pipeline::BuildRecord record;
    record.key = "0123456789abcdef0123456789abcdef";
    record.tree.device = 65024;
    record.tree.inode = 11002738;
    record.tree.spare_inode = 11002731;
    record.tree.changes_since_ns = 1'795'439'949'000'000'000;
    record.tree.touched = {"index.html", "schools/s3/index.html"};
    record.tree.strays = {"CNAME", "schools/s1/мой файл.pdf"};
    record.written_ns = 1'795'439'951'325'588'311;
    record.volatile_sources = true;
    record.global = {0x1122334455667788, 0x99aabbccddeeff00};
    record.inputs = {{"documents.yaml", 888, 1'795'431'032'227'029'111},
                     {"schools/s1/news/2024-01-01 с пробелом.md", 0, -5},
                     {"@layouts/base.mustache", 12, 7}};
    record.schools = {{"s1", {1, 2}}, {"s2", {3, 4}}};
    record.school_external = {{"s1", {5, 6}}, {"s2", {7, 8}}};
    record.school_district = {{"s1", {9, 10}}, {"s2", {11, 12}}};
    record.school_pages = {{"s1", {"schools/s1/", "schools/s1/news/a/"}}, {"s2", {"schools/s2/"}}};
    record.files = {{"index.html", {{9, 10}, 4096, 1'795'439'951'000'000'001}},
                    {"schools/s1/index.html", {{11, 12}, 0, 2}},
                    {"schools/s1/files/plan с пробелом.pdf", {{13, 14}, 77, 3}},
                    {"schools/s2/index.html", {{15, 16}, 78, 4}},
                    {"sitemap.xml", {{17, 18}, 79, 5}}};
    record.file_owner = {{"index.html", ""},
                         {"schools/s1/index.html", "s1"},
                         {"schools/s1/files/plan с пробелом.pdf", "s1"},
                         {"schools/s2/index.html", "s2"},
                         {"sitemap.xml", ""}};
    record.fragments = {{"schools/s1/index.html", {{"intro_block", 120, 45}, {"other", 400, 0}}},
                        {"vi/schools/s1/index.html", {{"intro_block", pipeline::FragmentSpan::kNowhere, 0}}}};
    return record;
}

}  // namespace

TEST_CASE("a build record keeps every field through write and read", "[build_record]") {
    fs::path folder = temporary_folder("round-trip");
    fs::path path = folder / "builds" / "x.record";
    const pipeline::BuildRecord written = sample_record();
    pipeline::write_record(path, written);

    auto read = pipeline::read_record(path);
    REQUIRE(read);
    CHECK(read->key == written.key);
    CHECK(read->tree == written.tree);
    CHECK(read->written_ns == written.written_ns);
    CHECK(read->volatile_sources == written.volatile_sources);
    CHECK(read->global == written.global);
    CHECK(read->inputs == written.inputs);
    CHECK(read->schools == written.schools);
    CHECK(read->school_external == written.school_external);
    CHECK(read->school_district == written.school_district);
    CHECK(read->school_pages == written.school_pages);
    CHECK(read->files == written.files);
    CHECK(read->file_owner == written.file_owner);
    CHECK(read->fragments == written.fragments);
    CHECK(read->inputs_fingerprint == cache::fingerprint(written.inputs));
    CHECK(read->output_files == 5);
    CHECK(read->html_files == 3);
    CHECK(fs::directory_iterator(path.parent_path())->path() == path);  // no temporary file left
    fs::remove_all(folder);
}

TEST_CASE("the head of a build record is what the nothing-changed check needs, without the rest", "[build_record]") {
    fs::path folder = temporary_folder("head");
    fs::path path = folder / "x.record";
    const pipeline::BuildRecord written = sample_record();
    pipeline::write_record(path, written);

    auto head = pipeline::read_record(path, pipeline::RecordPart::head);
    REQUIRE(head);
    CHECK(head->key == written.key);
    CHECK(head->tree.inode == written.tree.inode);
    CHECK(head->tree.spare_inode == written.tree.spare_inode);
    CHECK(head->tree.changes_since_ns == written.tree.changes_since_ns);
    CHECK(head->tree.touched.empty());
    CHECK(head->written_ns == written.written_ns);
    CHECK(head->volatile_sources);
    CHECK(head->global == written.global);
    CHECK(head->inputs_fingerprint == cache::fingerprint(written.inputs));
    CHECK(head->output_files == 5);
    CHECK(head->html_files == 3);
    CHECK(head->inputs.empty());
    CHECK(head->files.empty());
    CHECK(head->schools.empty());
    CHECK(read_text(path).find("input ") > read_text(path).find("\ninputs "));  // the stamps follow the head
    fs::remove_all(folder);
}

TEST_CASE("a record read as text and written from its parts is the same record", "[build_record]") {
    fs::path folder = temporary_folder("text");
    fs::path path = folder / "x.record", copy = folder / "y.record";
    const pipeline::BuildRecord written = sample_record();
    pipeline::write_record(path, written);

    auto text = pipeline::RecordText::open(path);
    REQUIRE(text);
    CHECK(text->head().key == written.key);
    CHECK(text->head().output_files == 5);
    CHECK(text->head().inputs.empty());
    CHECK(text->body().starts_with("input 888 "));
    CHECK(text->body().ends_with("\nend\n"));

    pipeline::BuildRecord head = text->head();
    head.inputs = written.inputs;
    std::string_view body = text->body();
    auto middle = body.find("\nfile ") + 1;  // in two parts, cut at a line
    pipeline::write_record_text(copy, head, {body.substr(0, middle), body.substr(middle)});
    CHECK(read_text(copy) == read_text(path));

    head.written_ns += 1;
    head.inputs.pop_back();
    std::string fewer_inputs(body);
    fewer_inputs.erase(fewer_inputs.find("input 12 "), fewer_inputs.find("\n", fewer_inputs.find("input 12 ")) + 1 -
                                                             fewer_inputs.find("input 12 "));
    pipeline::write_record_text(copy, head, {fewer_inputs});
    auto changed = pipeline::read_record(copy);
    REQUIRE(changed);
    CHECK(changed->written_ns == written.written_ns + 1);
    CHECK(changed->inputs == head.inputs);
    CHECK(changed->fragments == written.fragments);
    CHECK_FALSE(pipeline::RecordText::open(folder / "missing.record"));
    fs::remove_all(folder);
}

TEST_CASE("a build record cut short, changed or of another format is not read", "[build_record]") {
    fs::path folder = temporary_folder("damaged");
    fs::path path = folder / "x.record";
    pipeline::write_record(path, sample_record());
    const std::string text = read_text(path);
    REQUIRE(pipeline::read_record(path));

    write_text(path, text.substr(0, text.size() - 1));
    CHECK_FALSE(pipeline::read_record(path));
    CHECK_FALSE(pipeline::read_record(path, pipeline::RecordPart::head));

    std::string edited_input = text;
    edited_input.replace(edited_input.find("input 888 "), 10, "input 889 ");
    write_text(path, edited_input);
    CHECK_FALSE(pipeline::read_record(path));  // the stamps no longer match the head's fingerprint

    std::string older = text;
    older.replace(older.find(" 6 "), 3, " 5 ");
    write_text(path, older);
    CHECK_FALSE(pipeline::read_record(path, pipeline::RecordPart::head));

    write_text(path, "shnor-build-record 2\nkey x\nend\n");
    CHECK_FALSE(pipeline::read_record(path));
    CHECK_FALSE(pipeline::read_record(folder / "missing.record", pipeline::RecordPart::head));
    fs::remove_all(folder);
}

TEST_CASE("the output part of a record is read without the rest, and as the files to check", "[build_record]") {
    fs::path folder = temporary_folder("output-part");
    fs::path path = folder / "x.record";
    const pipeline::BuildRecord written = sample_record();
    pipeline::write_record(path, written);
    auto text = pipeline::RecordText::open(path);
    REQUIRE(text);
    std::map<std::string, write::FileState> files;
    write::PublishedTree tree;
    pipeline::read_output_part(text->body(), files, tree);
    CHECK(files == written.files);
    CHECK(tree.touched == written.tree.touched);
    CHECK(tree.strays == written.tree.strays);
    auto checked = pipeline::written_files(text->body());
    REQUIRE(checked.size() == written.files.size());
    auto state = written.files.begin();
    for (const auto& file : checked) {
        CHECK(file.path == state->first);
        CHECK(file.size == state->second.size);
        CHECK(file.mtime_ns == state->second.mtime_ns);
        ++state;
    }
    fs::remove_all(folder);
}
