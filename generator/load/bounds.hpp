// Limits for trees read from YAML and JSON text: content files and shared
// data sources. A hostile or broken file must be refused quickly with a
// clear message, never overflow the stack of a recursive conversion nor
// expand a few aliases into gigabytes ("billion laughs").
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace shnor::load {

// Levels of lists and maps inside each other. Content and real data sources
// need fewer than ten; every recursive walk of a tree (conversions to JSON
// and Mustache data, layouts) stays far from the stack's end below this.
inline constexpr int kMaxNesting = 100;

// Nodes a YAML document of `text_bytes` may have with each alias expanded
// where it is used. An alias names a node already written, so an honest
// file stays near its size in nodes (a node takes at least a byte or two),
// while a 1 KB alias bomb would expand to billions.
std::size_t yaml_node_budget(std::size_t text_bytes);

struct TreeProblem {
    int yaml_line = -1;   // 0-based line of the node in the YAML text; -1 when unknown
    std::string message;  // Russian, without the position
};

// Walks `root` as it would be read, aliases expanded, and stops at the first
// node nested deeper than kMaxNesting or past the node budget of a text of
// `text_bytes`. Takes at most the budget's steps, whatever the aliases.
std::optional<TreeProblem> yaml_tree_problem(const YAML::Node& root, std::size_t text_bytes);

// JSON text parsed by nlohmann; throws std::runtime_error (Russian) when it
// is nested deeper than kMaxNesting, and nlohmann::json::parse_error when it
// is not JSON. The parser stops at the first level too deep.
nlohmann::json parse_json_bounded(std::string_view text);

}  // namespace shnor::load
