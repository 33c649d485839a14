#include "render/markdown.hpp"

namespace shnor::render {
std::string markdown_to_html(std::string_view markdown) { return std::string(markdown); }
std::string plain_text_to_html(std::string_view text) { return std::string(text); }
}  // namespace shnor::render
