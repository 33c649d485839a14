#include "load/front_matter.hpp"

#include "load/bounds.hpp"
#include "load/content_access.hpp"
#include "load/csv.hpp"
#include "load/text_check.hpp"

#include <algorithm>
#include <cctype>
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

// A file name as it can be pasted into a shell command.
std::string shell_word(const std::string& path) {
    bool plain = std::all_of(path.begin(), path.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' || c == '-';
    });
    if (plain) return path;
    std::string quoted = "'";
    for (char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// The error for text that is not UTF-8, at the line of its first bad byte,
// with the command that converts the file when its encoding is recognised.
void report_encoding(SourceFile& file, std::string_view text, std::size_t bad) {
    const auto& content_dir = file.context().content_dir;
    std::string path = shell_word((content_dir / file.path()).string());
    auto convert = [&](const char* encoding) {
        if (content_dir.empty()) return std::string();  // fetched text: no file here to convert
        return std::string(": перекодируйте его в UTF-8 командой iconv -f ") + encoding + " -t utf-8 " + path + " > " +
               path + ".new и замените файл получившимся (или сохраните его в редакторе в кодировке UTF-8)";
    };
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
        file.error(1, "", "файл в кодировке UTF-16 («Юникод»), а нужна UTF-8" + convert("utf-16"));
        return;
    }
    int line = line_at(text, bad);
    if (looks_like_windows1251(text)) {
        file.error(line, "", "файл в кодировке Windows-1251 (cp1251), а нужна UTF-8" + convert("cp1251"));
        return;
    }
    file.error(line, "",
               "в этой строке байты, которые не являются текстом в кодировке UTF-8: сохраните файл в UTF-8");
}

}  // namespace

std::optional<std::string> read_text(SourceFile& file) {
    auto bytes = read_content_file(file, read_limits().text_bytes);
    if (!bytes) return std::nullopt;
    return checked_text(file, std::move(*bytes));
}

std::optional<std::string> checked_text(SourceFile& file, std::string text) {
    if (text.compare(0, kBom.size(), kBom) == 0) text.erase(0, kBom.size());
    if (std::size_t bad = first_invalid_utf8(text); bad != std::string::npos) {
        report_encoding(file, text, bad);
        return std::nullopt;
    }
    StrippedControls stripped = strip_control_characters(text);
    if (stripped.count > 0)
        file.warning(stripped.first_line, "", stripped_controls_message(stripped));
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

std::optional<YAML::Node> read_yaml_file(SourceFile& file) {
    auto text = read_text(file);
    if (!text) return std::nullopt;
    return parse_yaml(file, *text);
}

std::optional<MarkdownFile> read_markdown_file(SourceFile& file, bool front_matter_required) {
    auto text = read_text(file);
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
