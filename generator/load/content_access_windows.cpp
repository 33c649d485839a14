#ifdef _WIN32

// The Windows side of content_access.hpp: the same promises as the Linux
// code in content_access.cpp (nothing read through a symbolic link, junction
// or other reparse point, nothing outside the content folder, no file past
// its limit), with the same messages. Windows has no openat(): a path is
// walked one component at a time, each opened with
// FILE_FLAG_OPEN_REPARSE_POINT (a reparse point is opened itself, never
// followed, and then refused) and held open without FILE_SHARE_DELETE, so
// that no folder of the walk can be swapped for a junction while it is used.

#include "load/content_access.hpp"

#include "platform/utf8_path.hpp"
#include "platform/windows_files.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace shnor::load {

namespace fs = std::filesystem;

namespace {

using platform::FileFacts;
using platform::FileHandle;
using platform::FileKind;

std::vector<std::string> components_of(const std::string& relative) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= relative.size()) {
        std::size_t end = std::min(relative.find('/', start), relative.size());
        std::string part = relative.substr(start, end - start);
        if (!part.empty() && part != ".") parts.push_back(std::move(part));
        start = end + 1;
    }
    return parts;
}

// A name Windows reads as one entry of the folder: no drive ("C:"), no
// stream ("file:stream"), no second separator, no way up.
bool is_plain_name(const std::string& name) {
    return name != ".." && name.find_first_of(":\\") == std::string::npos;
}

EntryKind entry_kind_of(FileKind kind) {
    switch (kind) {
        case FileKind::missing: return EntryKind::missing;
        case FileKind::file: return EntryKind::file;
        case FileKind::folder: return EntryKind::folder;
        case FileKind::reparse_point: return EntryKind::link;
        default: return EntryKind::other;
    }
}

// What lies at `path`, its last component not followed; from the folder's
// listing when another program holds the file so that it cannot be opened.
FileFacts facts_at(const fs::path& path) {
    FileHandle handle = platform::open_no_follow(path, false);
    return handle.valid() ? platform::facts_of(handle, path) : platform::facts_without_opening(path);
}

// The folders that lead to the last component of `parts`, from the content
// root, each opened without following a reparse point and held in `held`.
// Returns the path of the last one, or nothing; `entry` tells what stopped the walk.
std::optional<fs::path> open_parent(const fs::path& content_dir, const std::vector<std::string>& parts,
                                    ContentEntry& entry, std::vector<FileHandle>& held) {
    FileHandle root = platform::open_following(content_dir);  // the root itself may be a link, as on Linux
    if (platform::facts_of(root).kind != FileKind::folder) {
        entry.kind = EntryKind::missing;
        return std::nullopt;
    }
    held.push_back(std::move(root));
    fs::path folder = content_dir;
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        walked += (walked.empty() ? "" : "/") + parts[i];
        if (!is_plain_name(parts[i])) {
            entry.kind = EntryKind::missing;
            return std::nullopt;
        }
        fs::path next = folder / platform::path_from_utf8(parts[i]);
        FileHandle handle = platform::open_no_follow(next, true);
        FileKind kind = platform::facts_of(handle, next).kind;
        if (kind != FileKind::folder) {
            entry.kind = kind == FileKind::reparse_point ? EntryKind::link : EntryKind::missing;
            if (kind == FileKind::reparse_point) entry.link = walked;
            return std::nullopt;
        }
        held.push_back(std::move(handle));
        folder = std::move(next);
    }
    return folder;
}

// Deeper folders than this are not looked into, as on Linux.
constexpr int kMaxFolderDepth = 32;

// Every entry of the open folder `path`, depth first; each subfolder is
// held open (not renamable) while it is walked.
void walk_folder(LoadContext& context, const FileHandle& folder, const fs::path& path, const std::string& prefix,
                 int depth, bool keep_hidden, std::uintmax_t size_limit) {
    std::vector<platform::FolderEntry> entries;
    if (!platform::list_folder(folder, entries)) return;
    std::vector<std::string> subfolders;
    for (const auto& item : entries) {
        const std::string& name = item.name;
        if (name[0] == '.' && !keep_hidden) continue;
        std::string relative = prefix + name;
        if (item.facts.kind == FileKind::reparse_point) {
            refuse_link(context, relative);
        } else if (item.facts.kind == FileKind::folder) {
            subfolders.push_back(name);
        } else if (item.facts.kind == FileKind::file && size_limit > 0 && item.facts.size > size_limit) {
            context.diagnostics.error(relative, 0, "",
                                      "файл больше допустимого: " + size_text(item.facts.size) + " при ограничении " +
                                          size_text(size_limit));
        }
    }
    // A school's folder is walked by load_school(), in parallel with the
    // others and only when the school is read again.
    if (prefix == "schools/" && depth == 1) subfolders.clear();
    for (const auto& name : subfolders) {
        if (depth >= kMaxFolderDepth) {
            context.diagnostics.error(prefix + name, 0, "",
                                      "слишком глубокая вложенность папок: больше " + std::to_string(kMaxFolderDepth));
            break;
        }
        std::uintmax_t limit = size_limit;
        bool hidden_too = keep_hidden;
        if (prefix.empty() && name == "assets") {
            limit = read_limits().attachment_bytes;
            hidden_too = true;  // the pipeline publishes assets/ whole
        } else if (prefix.empty() && name == "layouts") {
            limit = read_limits().text_bytes;
        }
        fs::path subfolder_path = path / platform::path_from_utf8(name);
        FileHandle subfolder = platform::open_no_follow(subfolder_path, true);
        if (platform::facts_of(subfolder, subfolder_path).kind != FileKind::folder) continue;  // replaced meanwhile
        walk_folder(context, subfolder, subfolder_path, prefix + name + "/", depth + 1, hidden_too, limit);
    }
}

}  // namespace

ContentEntry inspect_content_path(const fs::path& content_dir, const std::string& relative) {
    ContentEntry entry;
    auto parts = components_of(relative);
    if (parts.empty()) {
        entry.kind = EntryKind::folder;
        return entry;
    }
    std::vector<FileHandle> held;
    auto folder = open_parent(content_dir, parts, entry, held);
    if (!folder) return entry;
    if (!is_plain_name(parts.back())) {
        entry.kind = EntryKind::missing;
        return entry;
    }
    FileFacts facts = facts_at(*folder / platform::path_from_utf8(parts.back()));
    entry.kind = entry_kind_of(facts.kind);
    entry.size = facts.size;
    if (entry.kind == EntryKind::link) entry.link = relative;
    return entry;
}

std::optional<std::string> read_content_file(SourceFile& file, std::uintmax_t limit) {
    LoadContext& context = file.context();
    auto parts = components_of(file.path());
    ContentEntry entry;
    std::vector<FileHandle> held;
    auto folder = parts.empty() ? std::nullopt : open_parent(context.content_dir, parts, entry, held);
    if (!folder) {
        if (entry.kind == EntryKind::link) refuse_link(context, entry.link);
        else file.error(0, "", "не удалось открыть файл");
        return std::nullopt;
    }
    fs::path path = *folder / platform::path_from_utf8(parts.back());
    FileHandle in = is_plain_name(parts.back()) ? platform::open_no_follow(path, false) : FileHandle();
    if (!in.valid()) {
        file.error(0, "", "не удалось открыть файл");
        return std::nullopt;
    }
    FileFacts facts = platform::facts_of(in, path);
    if (facts.kind == FileKind::reparse_point) {
        refuse_link(context, file.path());
        return std::nullopt;
    }
    if (facts.kind != FileKind::file) {
        file.error(0, "", "это не обычный файл");
        return std::nullopt;
    }
    auto too_big = [&](std::uintmax_t size) {
        file.error(0, "", "файл больше допустимого: " + size_text(size) + " при ограничении " + size_text(limit) +
                              " (ограничение меняет переменная окружения " + kTextLimitVariable + ")");
    };
    if (facts.size > limit) {
        too_big(facts.size);
        return std::nullopt;
    }
    std::string bytes(facts.size, '\0');
    std::size_t filled = 0;
    // The file may grow while it is read: never past the limit.
    for (;;) {
        if (filled == bytes.size()) {
            if (bytes.size() > limit) {
                too_big(bytes.size());
                return std::nullopt;
            }
            bytes.resize(std::min<std::uintmax_t>(limit + 1, bytes.size() + 64 * 1024));
        }
        long long got = platform::read_some(in, bytes.data() + filled, bytes.size() - filled);
        if (got < 0) {
            file.error(0, "", "не удалось прочитать файл");
            return std::nullopt;
        }
        if (got == 0) break;
        filled += static_cast<std::size_t>(got);
    }
    bytes.resize(filled);
    return bytes;
}

void refuse_links_in_tree(LoadContext& context) {
    FileHandle root = platform::open_following(context.content_dir);
    if (platform::facts_of(root).kind == FileKind::folder) walk_folder(context, root, context.content_dir, "", 0, false, 0);
}

void refuse_links_in_school(LoadContext& context, const std::string& slug) {
    std::vector<std::string> parts = {"schools", slug, "."};  // open_parent() opens all but the last
    ContentEntry entry;
    std::vector<FileHandle> held;
    auto folder = open_parent(context.content_dir, parts, entry, held);
    if (!folder) {
        if (entry.kind == EntryKind::link) refuse_link(context, entry.link);
        return;
    }
    walk_folder(context, held.back(), *folder, "schools/" + slug + "/", 2, false, 0);
}

}  // namespace shnor::load

#endif
