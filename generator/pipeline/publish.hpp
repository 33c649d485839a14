// The output folder of a build, what the record tells its output tree, and
// the swap that publishes the new site with its record.
#pragma once

#include "pipeline/build_record.hpp"
#include "pipeline/pipeline.hpp"
#include "write/output_folder.hpp"
#include "write/output_tree.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shnor::pipeline {

// --out must be a folder of its own (output_folder.hpp); the lock is held
// until the returned folder goes. nullopt: refused or busy (a diagnostic says why).
std::optional<write::OutputFolder> open_output_folder(const BuildOptions& options, BuildReport& report);

// The record was written for the output folder as it is: the folder is
// shnor's (its marker) and the very one the record's build swapped in.
bool describes(const BuildRecord& record, const write::OutputFolder& folder);

// The record of the folder (nullopt unless it describes it), read as `part`.
std::optional<BuildRecord> folder_record(const std::filesystem::path& record_file, const write::OutputFolder& folder,
                                         RecordPart part);

// Of the files the record lists, those someone else changed or removed since.
std::vector<std::string> altered_files(const std::filesystem::path& record_file, const BuildRecord& record,
                                       const write::OutputFolder& folder);

// What the record tells the output tree. Its files are moved out.
write::OutputTree::Previous tree_previous(BuildRecord* record, const BuildOptions& options,
                                          std::vector<std::string> altered);

// Writes the record as next, swaps the new site in, and makes the record the
// current one: a build stopped anywhere leaves a record that describes the
// folder as it is (settle_records).
void publish(write::OutputTree& tree, const std::filesystem::path& record_file, const BuildRecord& record);

}  // namespace shnor::pipeline
