// Schools as loaded by earlier builds, one file per school in the cache
// folder, each with the stamps (size, mtime) of the school's files at the
// time. A school whose files still have the same stamps is taken from there
// instead of re-reading its YAML, which is the slow part of a build.
#pragma once

#include "cache/fingerprint.hpp"
#include "load/context.hpp"

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace shnor::cache {

class SchoolStore {
public:
    // `stamps`: every file of the content tree (stamp_tree(content_dir)).
    SchoolStore(std::filesystem::path folder, std::filesystem::path content_dir, const std::vector<FileStamp>& stamps);

    // Thread-safe. The cached load when it is still valid, otherwise
    // load::load_school() (stored for next time when it has no errors).
    load::SchoolLoad load(const std::string& slug);
    // The stored bytes of the school's load from the last load() call for
    // it: what identifies the school's content in a build record.
    Hash128 content_hash(const std::string& slug) const;

    std::size_t reused() const { return reused_; }
    std::size_t read() const { return read_; }

private:
    std::vector<FileStamp> stamps_of(const std::string& slug) const;
    std::filesystem::path entry_path(const std::string& slug) const;

    std::filesystem::path folder_;
    std::filesystem::path content_dir_;
    std::map<std::string, std::vector<FileStamp>> stamps_by_school_;
    std::map<std::string, Hash128> hashes_;  // one slot per school, filled before loading starts
    std::atomic<std::size_t> reused_{0};
    std::atomic<std::size_t> read_{0};
};

}  // namespace shnor::cache
