// Markdown → HTML with cmark-gfm and the GFM extensions (tables,
// strikethrough, autolink, tagfilter). Raw HTML in content is not passed
// through.
#pragma once

#include <string>
#include <string_view>

namespace shnor::render {

std::string markdown_to_html(std::string_view markdown);

// The text of Markdown without markup (for feed summaries and meta
// descriptions); not escaped.
std::string markdown_to_plain_text(std::string_view markdown);

// Plain text with kept line breaks; lines starting with «-», «–» or «·»
// become a list. Output is escaped HTML.
std::string plain_text_to_html(std::string_view text);

}  // namespace shnor::render
