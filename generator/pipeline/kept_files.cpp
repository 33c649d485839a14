#include "pipeline/kept_files.hpp"

#include "view/view.hpp"

namespace shnor::pipeline {

using plan::BuildPlan;
using plan::SchoolWork;

Keeping::Keeping(const BuildPlan& plan, const BuildRecord& record) : plan_(plan), owner_(record.file_owner) {
    for (const auto& school : plan.schools) work_[school.slug] = school.work;
    for (const auto& file : plan.files) redone_.insert(file.path);
}

bool Keeping::kept_by_owner(const std::string& path) const {
    auto owner = owner_.find(path);
    if (owner == owner_.end() || owner->second.empty()) return !plan_.renders_district();
    auto work = work_.find(owner->second);
    if (work == work_.end()) return plan_.scope == BuildPlan::Scope::schools;
    return work->second == SchoolWork::keep || work->second == SchoolWork::patch_intro;
}

Before before_of(const BuildPlan& plan, const BuildRecord& record) {
    Before before;
    for (const auto& file : plan.files)
        if (auto found = record.files.find(file.path); found != record.files.end())
            before.hashes[file.path] = found->second.hash;
    for (const auto& path : view::data_page_files())
        if (auto found = record.files.find(path); found != record.files.end())
            before.open_data_sizes[path] = found->second.size;
    for (const auto& school : plan.schools)
        if (school.work == SchoolWork::render_section) before.owned[school.slug];
    for (const auto& [path, owner] : record.file_owner)
        if (auto found = before.owned.find(owner); found != before.owned.end()) found->second.push_back(path);
    return before;
}

}  // namespace shnor::pipeline
