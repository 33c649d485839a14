#include "load/context.hpp"

#include <yaml-cpp/yaml.h>

namespace shnor::load {

SourceFile::SourceFile(LoadContext& context, std::string relative_path, int line_offset, std::string owner)
    : context_(context), path_(std::move(relative_path)), line_offset_(line_offset), owner_(std::move(owner)) {}

int SourceFile::line_of(const YAML::Node& node) const {
    int line = node.Mark().line;
    return line < 0 ? 0 : line_of_yaml_line(line);
}

void SourceFile::error(int line, const std::string& field, std::string message) {
    context_.diagnostics.error(path_, line, field, std::move(message));
}

void SourceFile::warning(int line, const std::string& field, std::string message) {
    context_.diagnostics.warning(path_, line, field, std::move(message));
}

void SourceFile::error_at(int line, int column, const std::string& field, std::string message) {
    context_.diagnostics.error_at(path_, line, column, field, std::move(message));
}

void SourceFile::warning_at(int line, int column, const std::string& field, std::string message) {
    context_.diagnostics.warning_at(path_, line, column, field, std::move(message));
}

void SourceFile::refer(RefKind kind, std::string value, int line, std::string field) {
    context_.references.push_back({kind, std::move(value), path_, line, std::move(field), owner_});
}

}  // namespace shnor::load
