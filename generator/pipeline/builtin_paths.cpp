// The only file compiled with the checkout's paths (CMakeLists.txt).
#include "pipeline/pipeline.hpp"

namespace shnor::pipeline {

std::filesystem::path builtin_layouts_dir() { return SHNOR_BUILTIN_LAYOUTS; }
std::filesystem::path builtin_assets_dir() { return SHNOR_BUILTIN_ASSETS; }

}  // namespace shnor::pipeline
