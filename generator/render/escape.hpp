// Escaping for each output language.
#pragma once

#include <string>
#include <string_view>

namespace shnor::render {

std::string escape_html(std::string_view text);  // text and attribute values
std::string escape_xml(std::string_view text);
std::string escape_json_string(std::string_view text);  // without the quotes
std::string escape_csv_field(std::string_view text);    // quoted when needed

}  // namespace shnor::render
