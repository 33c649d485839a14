// The parts of a .docx or .xlsx: a ZIP archive (libzip) of XML files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace shnor::import {

// The bytes of the archive member `name`, or nothing when the archive has
// no such member; throws ImportError when `file` is not a readable ZIP
// archive or the member is larger than `limit` bytes.
std::optional<std::string> read_zip_member(const std::filesystem::path& file, const std::string& name,
                                           std::size_t limit);

}  // namespace shnor::import
