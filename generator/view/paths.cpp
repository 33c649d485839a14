#include "view/view.hpp"

#include <algorithm>

namespace shnor::view {

std::string output_path_of(const std::string& page_path) {
    if (page_path.empty() || page_path.back() == '/') return page_path + "index.html";
    return page_path;
}

std::string root_prefix_of(const std::string& page_path) {
    std::string prefix;
    auto depth = std::count(page_path.begin(), page_path.end(), '/');
    for (long i = 0; i < depth; ++i) prefix += "../";
    return prefix;
}

}  // namespace shnor::view
