// The build's definitions, taken before the header turns the names into calls.
static const char* const kSourceDir = SHNOR_SOURCE_DIR;
static const char* const kShnorBinary = SHNOR_BINARY;

#include "test_paths.hpp"

namespace shnor::test {

const std::string& source_dir() {
    static const std::string path = kSourceDir;
    return path;
}

const std::string& shnor_binary() {
    static const std::string path = kShnorBinary;
    return path;
}

}  // namespace shnor::test
