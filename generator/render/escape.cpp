#include "render/escape.hpp"

namespace shnor::render {
std::string escape_html(std::string_view text) { return std::string(text); }
std::string escape_xml(std::string_view text) { return std::string(text); }
std::string escape_json_string(std::string_view text) { return std::string(text); }
std::string escape_csv_field(std::string_view text) { return std::string(text); }
}  // namespace shnor::render
