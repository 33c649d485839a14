#include "pipeline/publish.hpp"

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
                                          std::vector<std::string> altered) {
    write::OutputTree::Previous previous;
    if (!record) return previous;
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
    guarded.push_back({options.builtin_layouts, "встроенные шаблоны shnor", false});
    guarded.push_back({options.builtin_assets, "встроенное оформление shnor", false});
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

// Writes the record as next, swaps the new site in, and makes the record the
// current one: a build stopped anywhere leaves a record that describes the
// folder as it is (settle_records).
void publish(write::OutputTree& tree, const fs::path& record_file, const BuildRecord& record) {
    write_record(next_record_path(record_file), record);
    tree.publish();
    adopt_next_record(record_file);
}

std::optional<BuildRecord> folder_record(const fs::path& record_file, const write::OutputFolder& folder,
                                         RecordPart part) {
    std::optional<BuildRecord> record = read_record(record_file, part);
    if (record && !describes(*record, folder)) record.reset();
    return record;
}

// The record's head has no files: they are read from its text, where they
// lie in path order (a whole record has them in a map already).
std::vector<std::string> altered_files(const fs::path& record_file, const BuildRecord& record,
                                       const write::OutputFolder& folder) {
    if (!record.files.empty()) {
        std::vector<write::WrittenFile> files;
        files.reserve(record.files.size());
        for (const auto& [path, state] : record.files) files.push_back({path, state.size, state.mtime_ns});
        return folder.altered(files);
    }
    auto text = RecordText::open(record_file);
    if (!text) return {};
    return folder.altered(written_files(text->body()));
}

}  // namespace shnor::pipeline
