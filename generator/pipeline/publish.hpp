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
// The options with the built-in layouts and assets as folders, extracted
// into the cache folder (pipeline/builtin_files.hpp) unless the caller named
// its own; nothing when that fails (a diagnostic says why). Called once
// --out is open, so a refused one leaves the cache as it was.
std::optional<BuildOptions> with_builtin_folders(const BuildOptions& options, BuildReport& report);

// The record was written for the output folder as it is: the folder is
// shnor's (its marker) and the very one the record's build swapped in.
bool describes(const BuildRecord& record, const write::OutputFolder& folder);

// The record of the folder (nullopt unless it describes it), read as `part`.
std::optional<BuildRecord> folder_record(const std::filesystem::path& record_file, const write::OutputFolder& folder,
                                         RecordPart part);

// A build stopped after writing its record but before its swap left the
// record of the version it made in the spare; the folder is still the one
// before it, which that record names as its spare. The two versions differ
// only in the record's touched files, so the record, its folders swapped
// and the files it removed added back, lists the folder's files, with the
// touched ones' states wrong (they are to be taken as altered). For a whole
// build that may then remove what shnor wrote and no longer makes.
std::optional<BuildRecord> stopped_build_record(const std::filesystem::path& record_file,
                                                const write::OutputFolder& folder);

// Of the files the record lists, those someone else changed or removed since;
// nullopt when the store no longer holds the record whose head was read.
std::optional<std::vector<std::string>> altered_files(const std::filesystem::path& record_file, const BuildRecord& record,
                                                      const write::OutputFolder& folder);

// What the record tells the output tree. Its files are moved out.
// `changed_folders`: write::start_folder_check() of the same record, if started.
write::OutputTree::Previous tree_previous(BuildRecord* record, const BuildOptions& options,
                                          std::vector<std::string> altered,
                                          std::shared_future<std::vector<std::string>> changed_folders = {});

// A build of a few schools: the record it started from (its key and time)
// and what it changed there.
struct RecordChanges {
    record::Head expected;
    SchoolsUpdate update;
};

// Writes the record for the folder as the swap will leave it (only
// `changes`, when given and the store still holds the record they start
// from; else whole), then swaps the new site in: a build stopped before the
// swap leaves a record of its spare (stopped_build_record), after it the
// right one.
void publish(write::OutputTree& tree, const std::filesystem::path& record_file, const BuildRecord& record,
             const RecordChanges* changes = nullptr);

}  // namespace shnor::pipeline
