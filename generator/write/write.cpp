#include "write/write.hpp"

namespace shnor::write {
void replace_tree(const std::filesystem::path&, const std::vector<OutputFile>&) {}
}  // namespace shnor::write
