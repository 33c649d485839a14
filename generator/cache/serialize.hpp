// cache: the loaded model of one school as compact bytes, so an incremental
// build can skip re-reading YAML for schools whose files did not change.
//
// Layout of every blob: magic "SHNC", kCacheFormatVersion (u32 LE), a kind
// byte (school or diagnostics), the payload, then the XXH3-64 of everything
// before it (u64 LE). Integers are fixed-width little-endian, doubles their
// IEEE bits, strings and vectors a u32 count followed by their elements.
#pragma once

#include "load/context.hpp"
#include "model/diagnostics.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shnor::cache {

// Bump whenever the bytes of any struct change (a field added, removed,
// reordered or retyped): older cache files are then rejected, not misread.
// Also when load/ starts refusing what it accepted (2: URL schemes, value
// ranges, links, encodings), so no school loaded by the older rules is reused.
inline constexpr std::uint32_t kCacheFormatVersion = 4;

// Size of the trailing checksum, for tools that rewrite blobs on purpose.
inline constexpr std::size_t kChecksumBytes = 8;

std::string serialize_school(const model::School& school);
// False, with `out` in an unspecified but valid state, when the bytes are
// truncated, corrupt, of another kind or of another format version.
bool deserialize_school(std::string_view bytes, model::School& out);

std::string serialize_diagnostics(const model::Diagnostics& diagnostics);
bool deserialize_diagnostics(std::string_view bytes, model::Diagnostics& out);

// A school as load_school() returned it: model, problems and references.
std::string serialize_school_load(const load::SchoolLoad& load);
bool deserialize_school_load(std::string_view bytes, load::SchoolLoad& out);

}  // namespace shnor::cache
