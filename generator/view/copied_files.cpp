// Content files published unchanged: local documents keep their
// content-relative path in the output. (News photos are never copied as they
// are: pipeline/photos.hpp publishes them encoded again, without metadata.)
#include "view/view.hpp"

#include <set>

namespace shnor::view {

namespace {

void add_publications(const model::Publications& own, std::set<std::string>& seen, std::vector<CopiedFile>& files) {
    for (const auto& document : own.documents) {
        if (document.site_path.empty() || document.file_path.empty()) continue;
        if (seen.insert(document.site_path).second) files.push_back({document.site_path, document.file_path});
    }
}

}  // namespace

std::vector<CopiedFile> copied_files(const model::Site& site) {
    std::vector<CopiedFile> files;
    std::set<std::string> seen;
    add_publications(site.district, seen, files);
    for (const auto& school : site.schools) add_publications(school.own, seen, files);
    return files;
}

}  // namespace shnor::view
