#include "render/markdown.hpp"

#include "render/escape.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#ifndef _WIN32
#include <dlfcn.h>
#endif
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <vector>

// cmark-gfm 0.29 keeps the table of special inline characters in a global:
// every parse adds its extensions' characters to it when inline parsing
// starts and removes them when it ends (github/cmark-gfm#176), so two parses
// running at once lose each other's characters (strikethrough, autolinks).
// The library makes both changes through this exported function, called via
// its PLT, so the definition below takes its place: the characters are added
// once, by the first parse, and never removed. Every parser here attaches the
// same extensions, so the table is then right for all of them, written once
// and read-only afterwards, and parses need no lock. The test "markdown_to_html
// gives the same output from several threads" fails if this stops working.
// A static Windows program cannot interpose a library's function: there
// packaging/windows/ patches cmark-gfm to do the same (docs/windows.md).
#ifndef _WIN32
extern "C" void cmark_manage_extensions_special_characters(cmark_parser* parser, int add) {
    using Manage = void (*)(cmark_parser*, int);
    static std::once_flag added;
    if (!add) return;
    std::call_once(added, [parser] {
        auto library_version = reinterpret_cast<Manage>(dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters"));
        if (!library_version) throw std::runtime_error("cmark-gfm: cmark_manage_extensions_special_characters not found");
        library_version(parser, 1);
    });
}
#endif

namespace shnor::render {

namespace {

constexpr const char* kExtensions[] = {"table", "strikethrough", "autolink", "tagfilter"};

// Without CMARK_OPT_UNSAFE raw HTML and javascript: links are dropped.
constexpr int kOptions = CMARK_OPT_DEFAULT | CMARK_OPT_GITHUB_PRE_LANG | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES;

void register_extensions_once() {
    // The registry is a plain global list; registering twice aborts.
    static std::once_flag registered;
    std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

struct ParserDeleter {
    void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
    void operator()(cmark_node* node) const { cmark_node_free(node); }
};
using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;

ParserPtr new_parser() {
    register_extensions_once();
    ParserPtr parser(cmark_parser_new(kOptions));
    if (!parser) throw std::runtime_error("cmark-gfm: cannot create a parser");
    for (const char* name : kExtensions) {
        cmark_syntax_extension* extension = cmark_find_syntax_extension(name);
        if (!extension) throw std::runtime_error(std::string("cmark-gfm: no extension ") + name);
        cmark_parser_attach_syntax_extension(parser.get(), extension);
    }
    return parser;
}

// Lines of `text` without their line ends ("\n" or "\r\n").
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::string_view trim(std::string_view text) {
    const char* spaces = " \t";
    auto first = text.find_first_not_of(spaces);
    if (first == std::string_view::npos) return {};
    auto last = text.find_last_not_of(spaces);
    return text.substr(first, last - first + 1);
}

// The seeds mark sub-items inside table cells with a dash or a middle dot.
constexpr std::string_view kListMarkers[] = {"-", "–", "—", "·", "•"};

// The item text when `line` is a list item, nullopt otherwise.
std::optional<std::string_view> list_item_of(std::string_view line) {
    line = trim(line);
    for (std::string_view marker : kListMarkers) {
        if (line.substr(0, marker.size()) == marker) return trim(line.substr(marker.size()));
    }
    return std::nullopt;
}

NodePtr parse(cmark_parser* parser, std::string_view markdown) {
    cmark_parser_feed(parser, markdown.data(), markdown.size());
    NodePtr document(cmark_parser_finish(parser));
    if (!document) throw std::runtime_error("cmark-gfm: parsing failed");
    return document;
}

std::string take_string(char* rendered) {
    std::string text(rendered ? rendered : "");
    cmark_get_default_mem_allocator()->free(rendered);
    return text;
}

bool is_type(cmark_node* node, const char* type) {
    const char* name = node ? cmark_node_get_type_string(node) : nullptr;
    return name && std::string_view(name) == type;
}

std::string paragraph_text(cmark_node* paragraph) {
    std::string text = take_string(cmark_render_plaintext(paragraph, kOptions, 0));
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return std::string(trim(text));
}

// «Таблица 1. Итоги», «Таблица 2 — Итоги», «Табл. 3: Итоги», «Таблица № 4»:
// group 1 is what follows the number and its punctuation (may be empty).
const std::regex& table_title_pattern() {
    static const std::regex pattern(
        "^(?:Таблица|ТАБЛИЦА|Табл\\.)\\s*(?:№\\s*)?[0-9]+(?:\\.[0-9]+)*\\s*(?:(?:\\.|:|—|–|-)\\s*(.*))?$");
    return pattern;
}

// The paragraph's HTML without its <p> and </p>.
std::string inline_html(cmark_node* paragraph, cmark_llist* extensions) {
    std::string html = take_string(cmark_render_html(paragraph, kOptions, extensions));
    while (!html.empty() && (html.back() == '\n' || html.back() == ' ')) html.pop_back();
    if (html.rfind("<p>", 0) == 0) html.erase(0, 3);
    if (html.size() >= 4 && html.compare(html.size() - 4, 4, "</p>") == 0) html.resize(html.size() - 4);
    return html;
}

// A title paragraph right before a table becomes its caption: «Таблица N. …»
// on its own, or a bare «Таблица N» followed by a one-line title (as the
// seed documents write them). The paragraphs used are taken out of the tree.
// Returns the caption's HTML, or "" when the table has no such title.
std::string take_caption(cmark_node* table, cmark_llist* extensions) {
    constexpr std::size_t kLongestTitle = 300;  // bytes: longer is body text, not a title
    cmark_node* previous = cmark_node_previous(table);
    if (!is_type(previous, "paragraph")) return {};
    std::smatch match;
    std::string text = paragraph_text(previous);
    if (text.size() <= kLongestTitle && std::regex_match(text, match, table_title_pattern())) {
        std::string caption = inline_html(previous, extensions);
        cmark_node_free(previous);  // unlinks it too
        return caption;
    }
    cmark_node* number = cmark_node_previous(previous);
    if (!is_type(number, "paragraph") || text.size() > kLongestTitle || text.empty()) return {};
    std::string number_text = paragraph_text(number);
    if (number_text.size() > kLongestTitle || !std::regex_match(number_text, match, table_title_pattern()) ||
        match[1].length() > 0)
        return {};
    char last = number_text.back();
    std::string caption = inline_html(number, extensions) + (last == '.' || last == ':' ? " " : ". ") +
                          inline_html(previous, extensions);
    cmark_node_free(number);
    cmark_node_free(previous);
    return caption;
}

// The text of a node's descendants: literals of text and code, spaces for breaks.
std::string literal_text(cmark_node* node) {
    std::string text;
    cmark_iter* iter = cmark_iter_new(node);
    for (auto event = cmark_iter_next(iter); event != CMARK_EVENT_DONE; event = cmark_iter_next(iter)) {
        cmark_node* current = cmark_iter_get_node(iter);
        auto type = cmark_node_get_type(current);
        if (event != CMARK_EVENT_ENTER) continue;
        if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE) {
            const char* literal = cmark_node_get_literal(current);
            if (literal) text += literal;
        } else if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
            text += ' ';
        }
    }
    cmark_iter_free(iter);
    return text;
}

// The name of a table without a title: «Таблица 2: Школа, Причина», its
// number in the text and its column heads, so that two such tables on one
// page rarely share a name (each is a landmark, and landmarks need distinct names).
std::string untitled_name(cmark_node* table, std::size_t number) {
    constexpr std::size_t kLongest = 120;  // bytes of column heads; a name is not a table of contents
    std::string heads;
    cmark_node* header = cmark_node_first_child(table);
    for (cmark_node* cell = header ? cmark_node_first_child(header) : nullptr; cell; cell = cmark_node_next(cell)) {
        std::string head(trim(literal_text(cell)));
        if (head.empty()) continue;
        if (heads.size() + head.size() > kLongest) {
            heads += heads.empty() ? "" : ", …";
            break;
        }
        heads += (heads.empty() ? "" : ", ") + head;
    }
    std::string name = "Таблица " + std::to_string(number);
    return heads.empty() ? name : name + ": " + heads;
}

// Ids differ between Markdown texts (a page may show several) and stay the
// same from build to build: a hash of the text and the table's number.
std::string id_stem(std::string_view markdown) {
    std::uint32_t hash = 2166136261u;  // FNV-1a
    for (unsigned char c : markdown) hash = (hash ^ c) * 16777619u;
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "tbl-%08x-", static_cast<unsigned>(hash));
    return buffer;
}

// cmark-gfm writes void elements XHTML-style (`<br />`, `<img ... />`); the
// rest of the site writes them as HTML does (`<br>`), and html-validate's
// void-style holds the pages to one way. Text and attribute values never
// hold " />": cmark escapes '<', '>' and '"' in them.
std::string html_void_elements(std::string html) {
    std::string out;
    out.reserve(html.size());
    std::size_t from = 0;
    for (std::size_t at; (at = html.find(" />", from)) != std::string::npos; from = at + 3) {
        out.append(html, from, at - from);
        out += '>';
    }
    out.append(html, from, std::string::npos);
    return out;
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
    ParserPtr parser = new_parser();
    NodePtr document = parse(parser.get(), markdown);
    cmark_llist* extensions = cmark_parser_get_syntax_extensions(parser.get());

    // Tables in document order, the order cmark writes them in.
    std::vector<cmark_node*> tables;
    {
        cmark_iter* iter = cmark_iter_new(document.get());
        for (auto event = cmark_iter_next(iter); event != CMARK_EVENT_DONE; event = cmark_iter_next(iter))
            if (event == CMARK_EVENT_ENTER && is_type(cmark_iter_get_node(iter), "table"))
                tables.push_back(cmark_iter_get_node(iter));
        cmark_iter_free(iter);
    }
    std::vector<std::string> captions;
    std::vector<std::string> names;  // of the tables without a caption
    captions.reserve(tables.size());
    names.reserve(tables.size());
    for (std::size_t k = 0; k < tables.size(); ++k) {
        captions.push_back(take_caption(tables[k], extensions));
        names.push_back(captions.back().empty() ? untitled_name(tables[k], k + 1) : std::string());
    }
    std::string html = take_string(cmark_render_html(document.get(), kOptions, extensions));
    if (tables.empty()) return html_void_elements(std::move(html));

    // Every table in a named region (a <section>: html-validate prefers it to
    // role="region") that scrolls sideways on a phone. Raw HTML is never
    // passed through, so each "<table>" here is one cmark wrote.
    std::string stem = id_stem(markdown);
    std::string out;
    out.reserve(html.size() + tables.size() * 160);
    std::size_t at = 0;
    for (std::size_t k = 0; k < tables.size(); ++k) {
        auto open = html.find("<table>", at);
        auto close = open == std::string::npos ? open : html.find("</table>", open);
        if (close == std::string::npos) break;
        std::string number = std::to_string(k + 1);
        std::string id = stem + number;
        out.append(html, at, open - at);
        if (captions[k].empty())
            out += "<section class=\"table-scroll\" aria-label=\"" + escape_html(names[k]) + "\" tabindex=\"0\">";
        else
            out += "<section class=\"table-scroll\" aria-labelledby=\"" + id + "\" tabindex=\"0\">";
        out += "<table>";
        if (!captions[k].empty()) out += "\n<caption id=\"" + id + "\">" + captions[k] + "</caption>";
        out.append(html, open + 7, close - open - 7);
        out += "</table></section>";
        at = close + 8;
    }
    out.append(html, at, std::string::npos);
    return html_void_elements(std::move(out));
}

std::string markdown_to_plain_text(std::string_view markdown) {
    ParserPtr parser = new_parser();
    NodePtr document = parse(parser.get(), markdown);
    return take_string(cmark_render_plaintext(document.get(), kOptions, 0));
}

std::string plain_text_to_html(std::string_view text) {
    std::string html;
    bool in_list = false;
    bool after_text = false;   // the previous output was a text line
    bool blank_pending = false;
    for (std::string_view line : split_lines(text)) {
        if (trim(line).empty()) {
            blank_pending = blank_pending || after_text;
            if (in_list) html += "</ul>";
            in_list = false;
            after_text = false;
            continue;
        }
        if (auto item = list_item_of(line)) {
            if (!in_list) html += "<ul>";
            in_list = true;
            after_text = false;
            blank_pending = false;
            html += "<li>" + escape_html(*item) + "</li>";
            continue;
        }
        if (in_list) html += "</ul>";
        in_list = false;
        if (after_text) html += "<br>";
        else if (blank_pending) html += "<br><br>";  // a blank line stays visible
        blank_pending = false;
        html += escape_html(trim(line));
        after_text = true;
    }
    if (in_list) html += "</ul>";
    return html;
}

}  // namespace shnor::render
