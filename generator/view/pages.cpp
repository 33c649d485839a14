#include "view/view.hpp"

namespace shnor::view {

std::vector<PageSpec> html_pages(const model::Site&, const BuildContext&) { return {}; }

}  // namespace shnor::view
