// Where this checkout's sources and the built `shnor` are, for tests. Only
// test_paths.cpp is compiled with the paths, so the other test objects are
// the same in every checkout.
#pragma once

#include <string>

namespace shnor::test {
const std::string& source_dir();
const std::string& shnor_binary();
}  // namespace shnor::test

#define SHNOR_SOURCE_DIR (::shnor::test::source_dir())
#define SHNOR_BINARY (::shnor::test::shnor_binary())
