// The content folder is all a build reads of the disk: every path taken from
// content is made relative to the content root and must stay inside it, no
// symbolic link is followed (a link could bring /etc/passwd onto the site),
// and no file is read past its size limit.
#pragma once

#include "load/context.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace shnor::load {

// Size limits, checked before a file is read or published.
struct ReadLimits {
    static constexpr std::uintmax_t kMegabyte = 1024 * 1024;
    std::uintmax_t text_bytes = 5 * kMegabyte;         // YAML, Markdown, CSV
    std::uintmax_t attachment_bytes = 100 * kMegabyte;  // documents' files, photos, any other file
};

// A news photo: a camera file is a few megabytes; a bigger one is refused
// before it is read (render/photos.hpp bounds its pixels too).
inline constexpr std::uintmax_t kMaxPhotoBytes = 40 * ReadLimits::kMegabyte;

// Environment variables that change the limits, in whole megabytes.
inline constexpr const char* kTextLimitVariable = "SHNOR_MAX_TEXT_MB";
inline constexpr const char* kFileLimitVariable = "SHNOR_MAX_FILE_MB";

// The limits of this process: the defaults, or the variables above. They are
// the operator's, not the content's: content must not raise its own limits.
const ReadLimits& read_limits();
// A Russian sentence about a variable that is set but is not a number of
// megabytes (1 … 100000); empty when both are usable. Such a variable is ignored.
std::string read_limits_problem();

// "12,3 МБ", for messages.
std::string size_text(std::uintmax_t bytes);

// A path written in content (a document's `file`, a news photo), relative to
// the folder `owner_dir` of the file that names it, as a path relative to
// the content root. `problem` is set (a Russian sentence) when the path is
// absolute, leaves the content folder or goes through a hidden name.
struct ContentPath {
    std::string path;
    std::string problem;
};
ContentPath resolve_content_path(const std::string& owner_dir, const std::string& written);

enum class EntryKind { missing, file, folder, link, other };

// What lies at `relative` inside the content folder, looked at one component
// at a time without following links. For `link`, `link` names the first
// component that is a symbolic link.
struct ContentEntry {
    EntryKind kind = EntryKind::missing;
    std::uintmax_t size = 0;
    std::string link;
};
ContentEntry inspect_content_path(const std::filesystem::path& content_dir, const std::string& relative);

// Whether something (even a link) is at `relative`.
bool content_path_exists(const LoadContext& context, const std::string& relative);

// The bytes of the file `file` is about (its path relative to the content
// root); nullopt after an error at file:0 when it is a link, missing,
// not a regular file, unreadable or larger than `limit`.
std::optional<std::string> read_content_file(SourceFile& file, std::uintmax_t limit);

// A file a document (`file`) or a news item (`photos`) publishes, written
// relative to the folder `owner_dir`: its path inside the content folder and
// its size, or nullopt after an error at `line`, `field` (outside the content
// folder, through a link, missing, not a file, larger than the attachment limit).
struct AttachedFile {
    std::string path;
    std::uintmax_t size = 0;
};
std::optional<AttachedFile> attached_file(SourceFile& file, int line, const std::string& field,
                                          const std::string& owner_dir, const std::string& written);

// The error for a symbolic link found at `relative`, reported once per load.
void refuse_link(LoadContext& context, const std::string& relative);
inline constexpr const char* kLinkRefused =
    "символическая ссылка: shnor не читает файлы и папки по ссылкам, чтобы на сайт не попало ничего из-за "
    "пределов папки с материалами; положите на её место сам файл или папку";

// Reports every symbolic link in the content folder but inside school
// folders (hidden names are skipped, as every reader skips them, except under
// assets/, which is published whole), and the files of assets/ and layouts/
// larger than their limits (the readers of the other files check theirs).
void refuse_links_in_tree(LoadContext& context);
// The same for schools/<slug>/, which load_school() walks: a school taken
// from the cache has the same files as when it was read, so no link to
// report, and 2000 schools are not walked on every build.
void refuse_links_in_school(LoadContext& context, const std::string& slug);

}  // namespace shnor::load
