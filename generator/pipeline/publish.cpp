#include "pipeline/publish.hpp"

#include "pipeline/builtin_files.hpp"
#include "pipeline/stage_clock.hpp"
#include "pipeline/stamps.hpp"

namespace shnor::pipeline {

namespace fs = std::filesystem;

// The record was written for the output folder as it is: the folder is
// shnor's (its marker) and the very one the record's build swapped in.
bool describes(const BuildRecord& record, const write::OutputFolder& folder) {
    return folder.exists() && folder.has_marker() && record.tree.device == folder.device() &&
           record.tree.inode == folder.inode();
}

// What the record tells the output tree. Its files are moved out.
write::OutputTree::Previous tree_previous(BuildRecord* record, const BuildOptions& options,
                                          std::vector<std::string> altered,
                                          std::shared_future<std::vector<std::string>> changed_folders) {
    write::OutputTree::Previous previous;
    if (!record) return previous;
    previous.changed_folders = std::move(changed_folders);
    previous.files = std::move(record->files);
    previous.tree = record->tree;
    previous.known = true;
    previous.trust_hashes = !options.full;
    previous.altered = std::move(altered);
    return previous;
}

// --out must be a folder of its own (output_folder.hpp); the lock is held
// until the returned folder goes.
std::optional<write::OutputFolder> open_output_folder(const BuildOptions& options, BuildReport& report) {
    write::FolderOptions folder_options;
    // A site the previous version of shnor built has no marker yet; its
    // record in the cache shows it is shnor's all the same.
    folder_options.force =
        options.force || written_by_older_shnor(record_path(cache_dir_of(options), options.out_dir), options.out_dir);
    folder_options.lock_wait = options.lock_wait;
    auto& guarded = folder_options.guarded;
    guarded.push_back({options.content_dir, "папка материалов (--content)", false});
    // Empty: the built-in ones, not extracted yet, will be in the cache folder.
    if (!options.builtin_layouts.empty()) guarded.push_back({options.builtin_layouts, "встроенные шаблоны shnor", false});
    if (!options.builtin_assets.empty()) guarded.push_back({options.builtin_assets, "встроенное оформление shnor", false});
    guarded.push_back({cache_dir_of(options), "папка кэша (--cache)", false});
    std::error_code error;
    fs::path current = fs::current_path(error);
    if (!error) guarded.push_back({current, "текущая папка, в которой запущен shnor", true});
    try {
        return write::OutputFolder::open(options.out_dir, folder_options);
    } catch (const write::FolderRefused& refused) {
        report.diagnostics.error(options.out_dir.string(), 0, "", refused.what());
        (refused.busy() ? report.busy : report.refused) = true;
        return std::nullopt;
    }
}

std::optional<BuildOptions> with_builtin_folders(const BuildOptions& options, BuildReport& report) {
    BuildOptions resolved = options;
    if (!options.builtin_layouts.empty() && !options.builtin_assets.empty()) return resolved;
    try {
        BuiltinFolders builtin = builtin_folders(cache_dir_of(options));
        if (resolved.builtin_layouts.empty()) resolved.builtin_layouts = builtin.layouts;
        if (resolved.builtin_assets.empty()) resolved.builtin_assets = builtin.assets;
    } catch (const std::exception& failure) {
        report.diagnostics.error(cache_dir_of(options).string(), 0, "", failure.what());
        return std::nullopt;
    }
    stage_clock().lap("built-in files");
    return resolved;
}

// Writes the record for the folder as publish() leaves it (its head names
// the spare's inode), then swaps the new site in: a build stopped before the
// swap leaves a record that describes no folder (the next build is a whole
// one), a stop after it the right record. A build of a few schools writes
// only what it changed (update_schools); a whole one, or an update that
// fails, writes the store whole.
void publish(write::OutputTree& tree, const fs::path& record_file, const BuildRecord& record,
             const RecordChanges* changes) {
    fs::path store = store_path(record_file);
    if (changes && update_schools(store, changes->expected, changes->update)) {
        stage_clock().lap("record updated");
    } else {
        if (!write_store(store, record)) remove_store(store);
        stage_clock().lap("record written");
    }
    tree.publish();
}

std::optional<BuildRecord> folder_record(const fs::path& record_file, const write::OutputFolder& folder,
                                         RecordPart part) {
    std::optional<BuildRecord> record = read_store(store_path(record_file), part);
    if (record && !describes(*record, folder)) record.reset();
    return record;
}

std::optional<BuildRecord> stopped_build_record(const fs::path& record_file, const write::OutputFolder& folder) {
    std::optional<BuildRecord> record = read_store(store_path(record_file), RecordPart::whole);
    if (!record || !folder.exists() || !folder.has_marker() || record->tree.device != folder.device() ||
        record->tree.spare_inode != folder.inode() || record->tree.inode != folder.spare_inode())
        return std::nullopt;
    std::swap(record->tree.inode, record->tree.spare_inode);
    // What the stopped build removed is still in the folder, and is shnor's.
    for (const auto& path : record->tree.touched) record->files.try_emplace(path);
    return record;
}

// The record's head has no files: their sizes and mtimes are read from the
// store alone (a whole record has them in a map already).
std::optional<std::vector<std::string>> altered_files(const fs::path& record_file, const BuildRecord& record,
                                                      const write::OutputFolder& folder) {
    if (!record.files.empty()) {
        std::vector<write::WrittenFile> files;
        files.reserve(record.files.size());
        for (const auto& [path, state] : record.files) files.push_back({path, state.size, state.mtime_ns});
        return folder.altered(files);
    }
    auto written = read_written_files(store_path(record_file));
    if (!written || written->head.key != record.key || written->head.written_ns != record.written_ns) return std::nullopt;
    return folder.altered(written->files);
}

}  // namespace shnor::pipeline
