#include "load/load.hpp"

namespace shnor::load {

LoadResult load_site(const std::filesystem::path& content_dir) {
    LoadResult result;
    result.site.content_dir = content_dir;
    return result;
}

}  // namespace shnor::load
