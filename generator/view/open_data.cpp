#include "view/view.hpp"

namespace shnor::view {

std::vector<TextFile> open_data(const model::Site&, const BuildContext&) { return {}; }
std::vector<TextFile> feeds(const model::Site&, const BuildContext&, const std::vector<std::string>&) { return {}; }
std::vector<CopiedFile> copied_files(const model::Site&) { return {}; }

}  // namespace shnor::view
