#include "load/front_matter.hpp"

#include "load/bounds.hpp"
#include "load/content_access.hpp"
#include "load/csv.hpp"
#include "load/text_check.hpp"
#include "platform/utf8_path.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

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
    std::string path = shell_word((content_dir / platform::path_from_utf8(file.path())).string());
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

// The line `zero_based` of `text`, without its line end; empty past the end.
std::string_view line_of_text(std::string_view text, int zero_based) {
    std::size_t start = 0;
    for (int i = 0; i < zero_based; ++i) {
        std::size_t next = text.find('\n', start);
        if (next == std::string_view::npos) return {};
        start = next + 1;
    }
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

std::string_view trimmed(std::string_view text) {
    std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    std::size_t last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

// Where the key of a `key: value` line ends: the first colon followed by a
// space or the line's end; npos when the line has none.
std::size_t key_colon(std::string_view line) {
    for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) return i;
    return std::string_view::npos;
}

// `text` as a YAML value in quotes: double ones, or single ones (a quote
// inside doubled) when it holds a double quote or a backslash (which would
// start an escape in double quotes: C:\Документы).
std::string in_yaml_quotes(std::string_view text) {
    if (text.find_first_of("\"\\") == std::string_view::npos) {
        std::string result(1, '"');  // in steps: g++ 12 warns falsely (-Wrestrict) on "\"" + string
        result += text;
        result += '"';
        return result;
    }
    std::string result = "'";
    for (char c : text) result += c == '\'' ? std::string("''") : std::string(1, c);
    return result + "'";
}

// The line with its value in quotes, for «write instead»; empty when the
// line is not `key: value`.
std::string with_quoted_value(std::string_view line) {
    std::size_t colon = key_colon(line);
    if (colon == std::string_view::npos) return {};
    std::string_view value = trimmed(line.substr(colon + 1));
    if (value.empty()) return {};
    return std::string(trimmed(line.substr(0, colon))) + ": " + in_yaml_quotes(value);
}

std::string instead(std::string_view line) {
    std::string fixed = with_quoted_value(line);
    return fixed.empty() ? std::string() : ", например: " + fixed;
}

// A quoted scalar yaml-cpp read to the end of the text: it does not complain
// about a quote left open, it reads every line after it into the value.
struct OpenQuote {
    int line = 0;  // 0-based
    std::size_t column = 0;  // bytes
};

// Whether the quoted scalar starting at `start` (its opening quote) closes.
bool quote_closes(std::string_view text, std::size_t start) {
    char quote = text[start];
    for (std::size_t i = start + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\') {
            ++i;
            continue;
        }
        if (text[i] != quote) continue;
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
            ++i;
            continue;
        }
        return true;
    }
    return false;
}

std::optional<OpenQuote> unclosed_quote(const YAML::Node& root, std::string_view text) {
    // A quote that never closes takes the rest of the text: its scalar is the
    // last one of the document, so only the last entry of each level is
    // looked at (maps keep their order), not the whole tree.
    auto open_at = [&](const YAML::Node& scalar) -> std::optional<OpenQuote> {
        YAML::Mark mark = scalar.Mark();
        if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text.size()) return std::nullopt;
        auto pos = static_cast<std::size_t>(mark.pos);
        if ((text[pos] == '"' || text[pos] == '\'') && !quote_closes(text, pos))
            return OpenQuote{mark.line, static_cast<std::size_t>(std::max(mark.column, 0))};
        return std::nullopt;
    };
    // reset(), not =: assigning a YAML::Node writes into the node it refers to.
    YAML::Node node;
    node.reset(root);
    for (int depth = 0; depth <= kMaxNesting; ++depth) {
        if (node.IsScalar()) return open_at(node);
        if (node.IsSequence() && node.size() > 0) {
            const YAML::Node& list = node;  // const: operator[] must not add an element
            node.reset(list[list.size() - 1]);
        } else if (node.IsMap() && node.size() > 0) {
            YAML::Node key, value;
            for (const auto& entry : node) {
                key.reset(entry.first);
                value.reset(entry.second);
            }
            if (value.IsNull() || !value.IsDefined()) return key.IsScalar() ? open_at(key) : std::nullopt;
            node.reset(value);
        } else {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string unclosed_quote_message(std::string_view line, std::size_t column) {
    char quote = column < line.size() ? line[column] : '"';
    return std::string("разметка YAML: кавычка ") + (quote == '"' ? "\"" : "'") +
           ", открытая здесь, не закрыта до конца файла, и всё, что ниже, попало бы в это значение: поставьте "
           "закрывающую кавычку в конце значения" +
           (quote == '"' ? ", а кавычки внутри текста замените «ёлочками»" : ", а апостроф внутри текста удвойте ('')");
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
    for (const auto& placeholder : placeholders_in(text)) file.warning(placeholder.line, "", placeholder_message(placeholder));
    return text;
}

int character_column(std::string_view line_text, std::size_t byte_column) {
    int column = 1;
    for (std::size_t i = 0; i < byte_column && i < line_text.size(); ++i)
        if ((static_cast<unsigned char>(line_text[i]) & 0xC0) != 0x80) ++column;
    return column;
}

std::string yaml_syntax_message(const std::string& message, std::string_view line, std::size_t column) {
    namespace say = YAML::ErrorMsg;
    const std::string prefix = "разметка YAML: ";
    std::size_t text_start = std::min(line.find_first_not_of(" \t"), line.size());
    std::string_view indent = line.substr(0, text_start);
    std::string_view text = line.substr(text_start);
    std::size_t colon = key_colon(line);
    bool after_key = colon != std::string_view::npos && column > colon;
    std::string_view value = colon == std::string_view::npos ? std::string_view() : trimmed(line.substr(colon + 1));
    auto starts = [&](const char* prefix_of_message) { return message.rfind(prefix_of_message, 0) == 0; };

    if (message == say::TAB_IN_INDENTATION || indent.find('\t') != std::string_view::npos)
        return prefix +
               "в отступе стоит символ табуляции, а отступы в YAML делаются только пробелами: замените табуляцию "
               "пробелами, столько же, сколько у соседних строк того же уровня";
    if (message == say::MAP_VALUE) {
        if (after_key)
            return prefix +
                   "двоеточие с пробелом внутри значения: YAML принимает текст перед ним за имя ещё одного поля. "
                   "Заключите значение в кавычки" + instead(line);
        return prefix +
               "неверный отступ: строка сдвинута вправо сильнее полей того же уровня выше и читается как "
               "продолжение предыдущего значения. Начните её с той же колонки, что и соседние поля; если это "
               "продолжение текста, заключите весь текст в кавычки";
    }
    if (message == say::END_OF_MAP || message == say::END_OF_SEQ) {
        if (after_key && (value.starts_with("\"") || value.starts_with("'"))) {
            std::string_view inner = value.substr(1, value.size() >= 2 ? value.size() - 2 : 0);
            std::string key(trimmed(line.substr(0, colon)));
            return prefix +
                   "после закрывающей кавычки идёт ещё текст: кавычки внутри значения закрывают его раньше времени. "
                   "Замените внутренние кавычки «ёлочками» или заключите значение в кавычки другого вида, например: " +
                   key + ": " + in_yaml_quotes(inner);
        }
        if (after_key && (value.starts_with("[") || value.starts_with("{")))
            return prefix + "значение, которое начинается со скобки «" + std::string(1, value.front()) +
                   "», YAML читает как " + (value.front() == '[' ? "список" : "набор полей") +
                   " до закрывающей скобки, а после неё идёт ещё текст. Если скобки — часть текста, заключите "
                   "значение в кавычки" + instead(line);
        if (text.starts_with("- ") || text == "-")
            return prefix +
                   "пункт списка «- » стоит на уровне полей: список пишется под своим полем с отступом, например "
                   "«items:» и строкой ниже «  - title: …»";
        if (message == say::END_OF_SEQ)
            return prefix +
                   "неверный отступ в пункте списка: все поля одного пункта (первое стоит после «- ») должны "
                   "начинаться с одной колонки. Выровняйте эту строку пробелами по первому полю пункта";
        return prefix +
               "неверный отступ: строка начинается не с той колонки, что поля того же уровня. Выровняйте её "
               "пробелами по соседним полям";
    }
    if (message == say::MAP_KEY)
        return prefix + "поле здесь не ожидается: проверьте отступ этой строки и строки выше";
    if (message == say::BLOCK_ENTRY)
        return prefix +
               "«- » здесь читается как начало списка, а список здесь начаться не может. Список пишется с новой "
               "строки под полем, с отступом: «поле:» и строкой ниже «  - пункт»; если дефис — часть текста, "
               "заключите значение в кавычки" + instead(line);
    if (message == say::END_OF_SEQ_FLOW || message == say::END_OF_MAP_FLOW) {
        bool square = message == say::END_OF_SEQ_FLOW;
        return prefix + std::string("не закрыта ") + (square ? "квадратная скобка «[»" : "фигурная скобка «{»") +
               ": значение, которое с неё начинается, YAML читает как " + (square ? "список" : "набор полей") +
               " до закрывающей скобки. Если скобка — часть текста, заключите значение в кавычки, например: "
               "title: \"" + (square ? "[проект] …" : "{проект} …") + "\"";
    }
    if (message == say::FLOW_END)
        return prefix +
               "лишняя закрывающая скобка «]» или «}»: уберите её; если скобки — часть текста, заключите значение в "
               "кавычки" + instead(line);
    if (message == say::UNKNOWN_TOKEN || message == say::CHAR_IN_SCALAR) {
        std::string sign = column < line.size() ? std::string(1, line[column]) : std::string();
        return prefix + "значение начинается со знака " + (sign.empty() ? std::string("@ или `") : "«" + sign + "»") +
               ", с которого в YAML значение начинаться не может: заключите значение в кавычки" + instead(line);
    }
    if (message == say::DOC_IN_SCALAR || message == say::EOF_IN_SCALAR)
        return prefix +
               "значение в кавычках не закрыто: кавычка, открытая выше, тянется до этой строки. Поставьте "
               "закрывающую кавычку в конце значения, а кавычки внутри текста замените «ёлочками»";
    if (starts(say::INVALID_ESCAPE) || starts(say::INVALID_UNICODE) || message == say::INVALID_HEX)
        return prefix +
               "обратная косая черта «\\» внутри двойных кавычек начинает служебную последовательность: напишите "
               "её дважды («\\\\») или заключите значение в одинарные кавычки";
    if (message == say::ALIAS_NOT_FOUND || message == say::ANCHOR_NOT_FOUND || message == say::CHAR_IN_ALIAS ||
        message == say::CHAR_IN_ANCHOR || message == say::UNKNOWN_ANCHOR || message == say::MULTIPLE_ANCHORS ||
        message == say::MULTIPLE_ALIASES || message == say::ALIAS_CONTENT || message == say::AMBIGUOUS_ANCHOR ||
        message == say::INVALID_ANCHOR || message == say::INVALID_ALIAS)
        return prefix +
               "значение начинается со знака «*» или «&», которыми YAML обозначает ссылки на другие значения: "
               "заключите значение в кавычки" + instead(line);
    if (message == say::CHAR_IN_TAG_HANDLE || message == say::TAG_WITH_NO_SUFFIX ||
        message == say::END_OF_VERBATIM_TAG || message == say::MULTIPLE_TAGS || message == say::INVALID_TAG)
        return prefix +
               "значение начинается со знака «!», которым YAML обозначает тип значения: заключите значение в "
               "кавычки" + instead(line);
    if (message == say::YAML_DIRECTIVE_ARGS || starts(say::YAML_VERSION) || message == say::YAML_MAJOR_VERSION ||
        message == say::REPEATED_YAML_DIRECTIVE || message == say::TAG_DIRECTIVE_ARGS ||
        message == say::REPEATED_TAG_DIRECTIVE)
        return prefix +
               "строка, начинающаяся с «%», — служебная директива YAML: уберите её; если это текст, заключите "
               "значение в кавычки";
    if (message == say::ZERO_INDENT_IN_BLOCK || message == say::CHAR_IN_BLOCK)
        return prefix +
               "после «|» или «>» в той же строке ничего не пишется (разве что цифра отступа 1–9 или знак + или -): "
               "начните текст со следующей строки, с отступом";
    if (message == say::SINGLE_QUOTED_CHAR)
        return prefix + "недопустимый знак в значении в одинарных кавычках: заключите значение в двойные кавычки";
    return prefix + "проверьте отступы, двоеточия и кавычки в этой строке и в строке выше (" + message + ")";
}

std::string yaml_error_text(const YAML::Exception& error, std::string_view text) {
    if (error.mark.is_null() || error.mark.line < 0) return yaml_syntax_message(error.msg, {}, 0);
    std::string_view line = line_of_text(text, error.mark.line);
    auto column = static_cast<std::size_t>(std::max(error.mark.column, 0));
    return "строка " + std::to_string(error.mark.line + 1) + ", столбец " +
           std::to_string(character_column(line, column)) + ": " + yaml_syntax_message(error.msg, line, column);
}

std::optional<YAML::Node> parse_yaml(SourceFile& file, const std::string& text) {
    try {
        YAML::Node root = YAML::Load(text);
        if (auto problem = yaml_tree_problem(root, text.size())) {
            file.error(problem->yaml_line < 0 ? 0 : file.line_of_yaml_line(problem->yaml_line), "", problem->message);
            return std::nullopt;
        }
        if (auto open = unclosed_quote(root, text)) {
            std::string_view line = line_of_text(text, open->line);
            file.error_at(file.line_of_yaml_line(open->line), character_column(line, open->column), "",
                          unclosed_quote_message(line, open->column));
            return std::nullopt;
        }
        return root;
    } catch (const YAML::Exception& error) {
        if (error.mark.is_null() || error.mark.line < 0) {
            file.error(0, "", yaml_syntax_message(error.msg, {}, 0));
            return std::nullopt;
        }
        std::string_view line = line_of_text(text, error.mark.line);
        auto column = static_cast<std::size_t>(std::max(error.mark.column, 0));
        file.error_at(file.line_of_yaml_line(error.mark.line), character_column(line, column), "",
                      yaml_syntax_message(error.msg, line, column));
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
