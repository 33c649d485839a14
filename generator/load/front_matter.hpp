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

// The text of the file `file` is about (its path inside the content folder):
// UTF-8 without a byte order mark, control characters stripped (a warning
// says where). nullopt, after an error, when the file is a link, larger than
// the text limit, unreadable or not UTF-8 (a Windows-1251 or UTF-16 file is
// named as such, with the iconv command that converts it).
std::optional<std::string> read_text(SourceFile& file);

// The same text checks for bytes read otherwise.
std::optional<std::string> checked_text(SourceFile& file, std::string bytes);

// Parses YAML text; a syntax error is reported at its line and column, in
// Russian with what to write instead (yaml_syntax_message), and gives nullopt.
// So is a quote left open: yaml-cpp would read the rest of the file into it.
std::optional<YAML::Node> parse_yaml(SourceFile& file, const std::string& text);

// A yaml-cpp syntax error (`message` as yaml-cpp words it, from
// YAML::ErrorMsg) found at byte `column` of the line `line_text`: what is
// wrong, in Russian, and what to write instead. A message yaml-cpp may add
// later gets a general explanation with the original in parentheses.
std::string yaml_syntax_message(const std::string& message, std::string_view line_text, std::size_t column);

// «строка 3, столбец 12: разметка YAML: …» for a syntax error in `text`
// that has no file of its own (a fetched source).
std::string yaml_error_text(const YAML::Exception& error, std::string_view text);

// The 1-based column, in characters, of byte `byte_column` of a UTF-8 line.
int character_column(std::string_view line_text, std::size_t byte_column);

std::optional<YAML::Node> read_yaml_file(SourceFile& file);

struct MarkdownFile {
    YAML::Node front_matter;  // null when the file has none
    std::string body;         // Markdown after the closing `---`
};

// nullopt when the file cannot be used at all (unreadable, broken front matter).
std::optional<MarkdownFile> read_markdown_file(SourceFile& file, bool front_matter_required);

}  // namespace shnor::load
