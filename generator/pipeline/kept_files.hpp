// Which files of the last build a plan keeps, and what the last build knew
// of those it patches or renders again.
#pragma once

#include "pipeline/build_record.hpp"
#include "plan/plan.hpp"
#include "write/output_tree.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace shnor::pipeline {

// Which files of the last build stay as they are: every file but those of
// schools rendered again, the district's when it is rendered, and the
// patched and remade ones.
class Keeping {
public:
    Keeping(const plan::BuildPlan& plan, const BuildRecord& record);
    bool kept(const std::string& path) const { return !redone_.count(path) && !rendered(path); }
    // Made again by rendering its school's section or the district's pages.
    bool rendered(const std::string& path) const { return !redone_.count(path) && !kept_by_owner(path); }

private:
    bool kept_by_owner(const std::string& path) const;
    const plan::BuildPlan& plan_;
    const std::map<std::string, std::string>& owner_;
    std::map<std::string, plan::SchoolWork> work_;
    std::set<std::string> redone_;
};

// What the last build knew of the files this one patches or remakes, taken
// before its files go to the output tree.
struct Before {
    std::map<std::string, write::ContentHash> hashes;
    std::map<std::string, std::uint64_t> open_data_sizes;  // the data page prints them
    std::map<std::string, std::vector<std::string>> owned;  // sections rendered again: their files
};

Before before_of(const plan::BuildPlan& plan, const BuildRecord& record);

}  // namespace shnor::pipeline
