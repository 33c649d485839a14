// scaffold: what `shnor new` writes. A district of one's own to fill in (no
// example data), and a school, a roadmap or a news item added to a content
// folder. Every value the webmaster must write is a placeholder starting
// with load::kPlaceholderMark, which `build` and `check` warn about by file
// and line; comments say what goes where, in Russian.
#pragma once

#include "model/date.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace shnor::scaffold {

// A file to create, its path relative to the content folder.
struct NewFile {
    std::string path;
    std::string text;
};

// The content folder of a new district: commented site.yaml, one district
// roadmap for `today`'s year, one school to fill in.
std::vector<NewFile> site_files(const model::Date& today);
// schools/<slug>/school.yaml and index.md.
std::vector<NewFile> school_files(const std::string& slug, const model::Date& today);
// roadmaps/<id>.yaml, or schools/<school>/roadmaps/<id>.yaml when `school`
// is given; its period is `today`'s calendar year.
NewFile roadmap_file(const std::string& id, const std::string& school, const model::Date& today);
// news/<date>-<slug of the title>.md (or the school's news/), with front matter.
NewFile news_file(const std::string& title, const model::Date& date, const std::string& school);

// A title as a file name: Russian letters transliterated (as the example's
// «den-otkrytyh-dverey»), anything else a hyphen, at most 60 characters cut
// at a word; "novost" when nothing is left.
std::string slug_of(const std::string& title);

// Refused before anything is written: the file exists, or the folder is not
// one to write into. The message is a Russian sentence.
class Refused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Writes `files` under `content`, creating folders. Never replaces or
// follows anything: throws Refused, with nothing written, when a file
// already exists or a folder on the way is a symbolic link.
void create(const std::filesystem::path& content, const std::vector<NewFile>& files);

}  // namespace shnor::scaffold
