#include "load/front_matter.hpp"

#include "load/bounds.hpp"

#include <fstream>
#include <sstream>

namespace shnor::load {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string without_line_end(std::string line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    return line;
}

struct FrontMatterSplit {
    bool present = false;
    bool closed = false;
    std::string yaml;
    std::string body;
};

FrontMatterSplit split_front_matter(const std::string& text) {
    FrontMatterSplit split;
    std::istringstream lines(text);
    std::string line;
    if (!std::getline(lines, line) || without_line_end(line) != "---") {
        split.body = text;
        return split;
    }
    split.present = true;
    while (std::getline(lines, line)) {
        std::string bare = without_line_end(line);
        if (bare == "---" || bare == "...") {
            split.closed = true;
            break;
        }
        split.yaml += line + "\n";
    }
    if (split.closed) {
        std::ostringstream rest;
        rest << lines.rdbuf();
        split.body = rest.str();
    }
    return split;
}

}  // namespace

std::optional<std::string> read_text(SourceFile& file, const std::filesystem::path& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        file.error(0, "", "не удалось открыть файл");
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    std::string text = buffer.str();
    if (text.compare(0, kBom.size(), kBom) == 0) text.erase(0, kBom.size());
    return text;
}

std::optional<YAML::Node> parse_yaml(SourceFile& file, const std::string& text) {
    try {
        YAML::Node root = YAML::Load(text);
        if (auto problem = yaml_tree_problem(root, text.size())) {
            file.error(problem->yaml_line < 0 ? 0 : file.line_of_yaml_line(problem->yaml_line), "", problem->message);
            return std::nullopt;
        }
        return root;
    } catch (const YAML::Exception& error) {
        int line = error.mark.line < 0 ? 0 : file.line_of_yaml_line(error.mark.line);
        file.error(line, "",
                   "ошибка разметки YAML (проверьте отступы, двоеточия и кавычки): " + error.msg);
        return std::nullopt;
    }
}

std::optional<YAML::Node> read_yaml_file(SourceFile& file, const std::filesystem::path& path) {
    auto text = read_text(file, path);
    if (!text) return std::nullopt;
    return parse_yaml(file, *text);
}

std::optional<MarkdownFile> read_markdown_file(SourceFile& file, const std::filesystem::path& path,
                                               bool front_matter_required) {
    auto text = read_text(file, path);
    if (!text) return std::nullopt;
    FrontMatterSplit split = split_front_matter(*text);
    if (!split.present) {
        if (front_matter_required) {
            file.error(1, "", "файл должен начинаться с описания в формате YAML между строками ---");
            return std::nullopt;
        }
        return MarkdownFile{YAML::Node(), split.body};
    }
    if (!split.closed) {
        file.error(1, "", "не найдена строка ---, закрывающая описание в начале файла");
        return std::nullopt;
    }
    auto front_matter = parse_yaml(file, split.yaml);
    if (!front_matter) return std::nullopt;
    return MarkdownFile{*front_matter, split.body};
}

}  // namespace shnor::load
