// Content files published unchanged: local documents and news photos keep
// their content-relative path in the output.
#include "view/view.hpp"

#include <set>

namespace shnor::view {

namespace {

void add_publications(const model::Site& site, const model::Publications& own, std::set<std::string>& seen,
                      std::vector<CopiedFile>& files) {
    for (const auto& document : own.documents) {
        if (document.site_path.empty() || document.file_path.empty()) continue;
        if (seen.insert(document.site_path).second) files.push_back({document.site_path, document.file_path});
    }
    for (const auto& item : own.news)
        for (const auto& photo : item.photo_site_paths)
            if (seen.insert(photo).second) files.push_back({photo, site.content_dir / photo});
}

}  // namespace

std::vector<CopiedFile> copied_files(const model::Site& site) {
    std::vector<CopiedFile> files;
    std::set<std::string> seen;
    add_publications(site, site.district, seen, files);
    for (const auto& school : site.schools) add_publications(site, school.own, seen, files);
    return files;
}

}  // namespace shnor::view
