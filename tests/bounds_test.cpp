// Limits on YAML and JSON trees (load/bounds.hpp): deep nesting and alias
// bombs in content files and data sources are refused quickly and clearly.
#include "load/bounds.hpp"
#include "load/load.hpp"
#include "view/json_data.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace shnor;

namespace {

// Nine levels of ten aliases each: 10^9 strings once expanded, in 500 bytes.
std::string alias_bomb(const std::string& indent = "") {
    std::string text = indent + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int level = 1; level <= 8; ++level) {
        std::string previous = "*a" + std::to_string(level - 1);
        text += indent + "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
        for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + previous;
        text += "]\n";
    }
    return text + indent + "top: *a8\n";
}

std::string nested_lists(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class ContentTree {
public:
    ContentTree() {
        static std::atomic<int> counter{0};
        root_ = fs::temp_directory_path() /
                ("shnor-bounds-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(root_);
        file("site.yaml", "title: Сайт\nbase_url: https://example.org/shnor\n");
    }
    ~ContentTree() { fs::remove_all(root_); }
    ContentTree& file(const std::string& path, const std::string& text) {
        fs::create_directories((root_ / path).parent_path());
        std::ofstream(root_ / path, std::ios::binary) << text;
        return *this;
    }
    const fs::path& root() const { return root_; }

private:
    fs::path root_;
};

bool has_error(const model::Diagnostics& diagnostics, const std::string& file, int line, const std::string& part) {
    for (const auto& d : diagnostics.items())
        if (d.severity == model::Severity::error && d.file == file && d.line == line &&
            d.message.find(part) != std::string::npos)
            return true;
    return false;
}

std::string all_messages(const model::Diagnostics& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics.items()) text += d.format() + "\n";
    return text;
}

}  // namespace

TEST_CASE("bounds: an ordinary YAML document passes, aliases and all", "[bounds]") {
    std::string text = "responsible: &team [Отдел образования, Руководители школ]\n"
                       "items:\n  - {n: 1, responsible: *team}\n  - {n: 2, responsible: *team}\n";
    CHECK_FALSE(load::yaml_tree_problem(YAML::Load(text), text.size()));
    std::string deep_enough = nested_lists(load::kMaxNesting);
    CHECK_FALSE(load::yaml_tree_problem(YAML::Load(deep_enough), deep_enough.size()));
}

TEST_CASE("bounds: YAML nested deeper than the limit is refused at the node's line", "[bounds]") {
    std::string text = "title: x\nitems:\n  - " + nested_lists(load::kMaxNesting + 1) + "\n";
    auto problem = load::yaml_tree_problem(YAML::Load(text), text.size());
    REQUIRE(problem);
    CHECK(problem->yaml_line == 2);
    CHECK(problem->message == "вложенность списков и словарей больше 100 уровней");
}

TEST_CASE("bounds: a YAML alias bomb is refused within the node budget, fast", "[bounds]") {
    std::string text = alias_bomb();
    REQUIRE(text.size() < 1024);
    auto start = std::chrono::steady_clock::now();
    auto problem = load::yaml_tree_problem(YAML::Load(text), text.size());
    double seconds = seconds_since(start);
    REQUIRE(problem);
    CHECK(problem->message.find("слишком много элементов") != std::string::npos);
    CHECK(problem->message.find(std::to_string(load::yaml_node_budget(text.size()))) != std::string::npos);
    CHECK(seconds < 0.5);
}

TEST_CASE("bounds: a YAML anchor that refers to itself is refused, not followed for ever", "[bounds]") {
    std::string text = "a: &a [x, *a]\n";
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception&) {
        SUCCEED("yaml-cpp refuses it itself");
        return;
    }
    CHECK(load::yaml_tree_problem(root, text.size()));
}

TEST_CASE("bounds: JSON deeper than the limit is refused by the parser itself", "[bounds]") {
    CHECK(load::parse_json_bounded(nested_lists(load::kMaxNesting)).is_array());
    CHECK(load::parse_json_bounded("{\"a\": {\"b\": [1, 2, {\"c\": null}]}}")["a"]["b"][2].contains("c"));
    CHECK_THROWS_WITH(load::parse_json_bounded(nested_lists(load::kMaxNesting + 1)),
                      "вложенность списков и словарей больше 100 уровней");
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(load::parse_json_bounded(nested_lists(100'000)),
                      "вложенность списков и словарей больше 100 уровней");
    CHECK(seconds_since(start) < 0.5);
    CHECK_THROWS_AS(load::parse_json_bounded("{\"a\": [1, 2"), nlohmann::json::parse_error);
}

TEST_CASE("bounds: data_of_json refuses a tree deeper than its own limit instead of overflowing the stack",
          "[bounds]") {
    // Built by hand: sources.cpp would not let such a tree through.
    nlohmann::json deep = nlohmann::json::array();
    for (int i = 0; i < 100'000; ++i) deep = nlohmann::json::array({std::move(deep)});
    CHECK_THROWS_WITH(view::data_of_json(deep), "данные источника вложены глубже 128 уровней");
    CHECK(view::data_of_json(load::parse_json_bounded(nested_lists(load::kMaxNesting))).is_list());
}

TEST_CASE("bounds: a content YAML file with an alias bomb is an error at its line, found fast", "[bounds]") {
    ContentTree tree;
    tree.file("roadmaps/plan.yaml", "title: План\n" + alias_bomb());
    auto start = std::chrono::steady_clock::now();
    auto loaded = load::load_site(tree.root());
    double seconds = seconds_since(start);
    INFO(all_messages(loaded.diagnostics));
    CHECK(seconds < 2.0);
    CHECK(has_error(loaded.diagnostics, "roadmaps/plan.yaml", 2, "слишком много элементов"));
}

TEST_CASE("bounds: content front matter and school files nested too deep are errors at their line", "[bounds]") {
    ContentTree tree;
    tree.file("news/2024-10-01-x.md", "---\ntitle: Новость\nextra: " + nested_lists(150) + "\n---\nТекст\n")
        .file("schools/alpha/school.yaml", "name: Школа\nfacts:\n  - " + nested_lists(150) + "\n");
    auto loaded = load::load_site(tree.root());
    INFO(all_messages(loaded.diagnostics));
    CHECK(has_error(loaded.diagnostics, "news/2024-10-01-x.md", 3, "больше 100 уровней"));
    CHECK(has_error(loaded.diagnostics, "schools/alpha/school.yaml", 3, "больше 100 уровней"));
}
