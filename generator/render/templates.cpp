#include "render/templates.hpp"

namespace shnor::render {
Templates::Templates(std::vector<std::filesystem::path> folders) : folders_(std::move(folders)) {}
std::string Templates::render_page(const std::string&, kainjow::mustache::data) { return {}; }
std::string Templates::render(const std::string&, const kainjow::mustache::data&) { return {}; }
}  // namespace shnor::render
