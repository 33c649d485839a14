// What a district build compares with its record: the inputs' stamps, the
// build key, the global hash; and where the build's cache files live.
#pragma once

#include "cache/fingerprint.hpp"
#include "model/model.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/sources.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace shnor::pipeline {

std::int64_t now_ns();

std::filesystem::path cache_dir_of(const BuildOptions& options);
// Loaded schools hold paths spelled from the content folder as given, so
// each spelling (and working folder, for a relative one) has its own store.
std::filesystem::path school_store_folder(const BuildOptions& options);
// The peer parts the last whole build left beside its record.
std::filesystem::path peers_path(const std::filesystem::path& record_file);

// Content files as they are, then built-in layouts and assets ("@layouts/…").
std::vector<cache::FileStamp> input_stamps(const BuildOptions& options);
// The shnor binary and the options: another key, another build.
std::string build_key(const BuildOptions& options);
// A source whose bytes can change while no content file does.
bool has_volatile_sources(const model::Site& site, const BuildOptions& options);
// Everything every school's pages depend on besides the school itself.
cache::Hash128 global_hash(const model::Site& site, const BuildOptions& options, const std::string& key,
                           const std::vector<cache::FileStamp>& stamps, const SharedData& shared);

}  // namespace shnor::pipeline
