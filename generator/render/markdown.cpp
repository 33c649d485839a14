#include "render/markdown.hpp"

#include "render/escape.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <dlfcn.h>
#include <memory>
#include <mutex>
#include <optional>
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
    return html_void_elements(
        take_string(cmark_render_html(document.get(), kOptions, cmark_parser_get_syntax_extensions(parser.get()))));
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
