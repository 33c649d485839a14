// Reading content files: YAML files, and Markdown files with YAML front
// matter between `---` lines. Broken YAML is reported with its line.
#pragma once

#include "load/context.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>

namespace shnor::load {

// Lines before the front matter's YAML: the opening `---`. A SourceFile for a
// Markdown file is made with this offset.
inline constexpr int kFrontMatterOffset = 1;

// The file's text without a UTF-8 byte order mark; nullopt (reported) when unreadable.
std::optional<std::string> read_text(SourceFile& file, const std::filesystem::path& path);

// Parses YAML text; a syntax error is reported at its line and gives nullopt.
std::optional<YAML::Node> parse_yaml(SourceFile& file, const std::string& text);

std::optional<YAML::Node> read_yaml_file(SourceFile& file, const std::filesystem::path& path);

struct MarkdownFile {
    YAML::Node front_matter;  // null when the file has none
    std::string body;         // Markdown after the closing `---`
};

// nullopt when the file cannot be used at all (unreadable, broken front matter).
std::optional<MarkdownFile> read_markdown_file(SourceFile& file, const std::filesystem::path& path,
                                               bool front_matter_required);

}  // namespace shnor::load
