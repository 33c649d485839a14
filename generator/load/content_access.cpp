#include "load/content_access.hpp"

#include "load/yaml_fields.hpp"
#include "platform/utf8_path.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#ifndef _WIN32
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace shnor::load {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxLimitMegabytes = 100000;

// Megabytes from an environment variable; nullopt when unset, 0 when unusable.
std::optional<std::uintmax_t> megabytes_of(const char* variable) {
    const char* value = std::getenv(variable);
    if (!value) return std::nullopt;
    std::string_view text(value);
    std::uintmax_t megabytes = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), megabytes);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || megabytes == 0 ||
        megabytes > kMaxLimitMegabytes)
        return 0;
    return megabytes;
}

ReadLimits limits_from_environment() {
    ReadLimits limits;
    if (auto text = megabytes_of(kTextLimitVariable); text && *text) limits.text_bytes = *text * ReadLimits::kMegabyte;
    if (auto file = megabytes_of(kFileLimitVariable); file && *file)
        limits.attachment_bytes = *file * ReadLimits::kMegabyte;
    return limits;
}

#ifndef _WIN32
class Descriptor {
public:
    explicit Descriptor(int fd = -1) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    Descriptor(Descriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Descriptor& operator=(Descriptor&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    int get() const { return fd_; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_;
};

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;

std::vector<std::string> components_of(const std::string& relative) {
    std::vector<std::string> parts;
    for (const auto& part : fs::path(relative))
        if (!part.empty() && part != ".") parts.push_back(part.string());
    return parts;
}

// The folder holding the last component of `parts`, opened one component at
// a time without following links; `entry` tells what stopped the walk.
Descriptor open_parent(const fs::path& content_dir, const std::vector<std::string>& parts, ContentEntry& entry) {
    Descriptor folder(::open(content_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (folder.get() < 0) {
        entry.kind = EntryKind::missing;
        return folder;
    }
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        walked += (walked.empty() ? "" : "/") + parts[i];
        Descriptor next(::openat(folder.get(), parts[i].c_str(), kFolderFlags));
        if (next.get() < 0) {
            struct stat info {};
            bool is_link = ::fstatat(folder.get(), parts[i].c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
                           S_ISLNK(info.st_mode);
            entry.kind = is_link ? EntryKind::link : EntryKind::missing;
            if (is_link) entry.link = walked;
            return Descriptor();
        }
        folder = std::move(next);
    }
    return folder;
}

EntryKind kind_of(mode_t mode) {
    if (S_ISREG(mode)) return EntryKind::file;
    if (S_ISDIR(mode)) return EntryKind::folder;
    if (S_ISLNK(mode)) return EntryKind::link;
    return EntryKind::other;
}

// Deeper folders than this are not looked into (a content tree is three or
// four levels deep); each level holds a descriptor open.
constexpr int kMaxFolderDepth = 32;

// Every entry of the open folder (closed at the end), depth first.
void walk_folder(LoadContext& context, int folder_fd, const std::string& prefix, int depth, bool keep_hidden,
                 std::uintmax_t size_limit) {
    DIR* listing = ::fdopendir(folder_fd);
    if (!listing) {
        ::close(folder_fd);
        return;
    }
    std::vector<std::string> subfolders;
    while (const dirent* item = ::readdir(listing)) {
        std::string name = item->d_name;
        if (name == "." || name == ".." || (name[0] == '.' && !keep_hidden)) continue;
        std::string relative = prefix + name;
        unsigned char type = item->d_type;
        struct stat info {};
        bool need_size = size_limit > 0 && (type == DT_REG || type == DT_UNKNOWN);
        if (type == DT_UNKNOWN || need_size) {
            if (::fstatat(::dirfd(listing), item->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
            type = S_ISLNK(info.st_mode) ? DT_LNK : S_ISDIR(info.st_mode) ? DT_DIR : S_ISREG(info.st_mode) ? DT_REG : 0;
        }
        if (type == DT_LNK) {
            refuse_link(context, relative);
        } else if (type == DT_DIR) {
            subfolders.push_back(name);
        } else if (type == DT_REG && size_limit > 0 && static_cast<std::uintmax_t>(info.st_size) > size_limit) {
            context.diagnostics.error(relative, 0, "",
                                      "файл больше допустимого: " + size_text(static_cast<std::uintmax_t>(info.st_size)) +
                                          " при ограничении " + size_text(size_limit));
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
        int sub_fd = ::openat(::dirfd(listing), name.c_str(), kFolderFlags);
        if (sub_fd < 0) continue;
        std::uintmax_t limit = size_limit;
        bool hidden_too = keep_hidden;
        if (prefix.empty() && name == "assets") {
            limit = read_limits().attachment_bytes;
            hidden_too = true;  // the pipeline publishes assets/ whole
        } else if (prefix.empty() && name == "layouts") {
            limit = read_limits().text_bytes;
        }
        walk_folder(context, sub_fd, prefix + name + "/", depth + 1, hidden_too, limit);
    }
    ::closedir(listing);
}
#endif

}  // namespace

const ReadLimits& read_limits() {
    static const ReadLimits limits = limits_from_environment();
    return limits;
}

std::string read_limits_problem() {
    std::string problem;
    for (const char* variable : {kTextLimitVariable, kFileLimitVariable}) {
        auto value = megabytes_of(variable);
        if (value && *value == 0)
            problem += std::string(problem.empty() ? "" : "; ") + variable + ": ожидается число мегабайт от 1 до " +
                       std::to_string(kMaxLimitMegabytes) + ", получено «" + std::getenv(variable) + "»";
    }
    return problem;
}

std::string size_text(std::uintmax_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " Б";
    double megabytes = static_cast<double>(bytes) / ReadLimits::kMegabyte;
    if (megabytes < 1) return std::to_string((bytes + 1023) / 1024) + " КБ";
    double tenths = std::round(megabytes * 10);
    auto whole = static_cast<long long>(tenths) / 10;
    auto fraction = static_cast<long long>(tenths) % 10;
    std::string text = std::to_string(whole);
    if (fraction) {
        text += ',';
        text += static_cast<char>('0' + fraction);
    }
    return text + " МБ";
}

ContentPath resolve_content_path(const std::string& owner_dir, const std::string& written) {
    ContentPath result;
    fs::path path = platform::path_from_utf8(written);
    // has_root_name: on Windows "C:file" is not absolute, but it is not inside the folder either.
    if (path.is_absolute() || path.has_root_name() || written.starts_with("\\") || written.starts_with("~")) {
        result.problem = "путь " + in_quotes(written) +
                         " должен быть относительным: файлы берутся только из папки с материалами";
        return result;
    }
    fs::path joined = (owner_dir.empty() ? path : platform::path_from_utf8(owner_dir) / path).lexically_normal();
    std::string normal = joined.generic_string();
    if (normal.empty() || normal == "." || normal == ".." || normal.starts_with("../")) {
        result.problem = "путь " + in_quotes(written) +
                         " ведёт за пределы папки с материалами: файл должен лежать внутри папки с содержимым сайта";
        return result;
    }
    for (const auto& part : joined)
        if (part.string().starts_with(".")) {
            result.problem = "путь " + in_quotes(written) +
                             " ведёт к скрытому файлу или в скрытую папку (имя начинается с точки)";
            return result;
        }
    if (normal.back() == '/') normal.pop_back();
    result.path = normal;
    return result;
}

#ifndef _WIN32
ContentEntry inspect_content_path(const fs::path& content_dir, const std::string& relative) {
    ContentEntry entry;
    auto parts = components_of(relative);
    if (parts.empty()) {
        entry.kind = EntryKind::folder;
        return entry;
    }
    Descriptor folder = open_parent(content_dir, parts, entry);
    if (folder.get() < 0) return entry;
    struct stat info {};
    if (::fstatat(folder.get(), parts.back().c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
        entry.kind = EntryKind::missing;
        return entry;
    }
    entry.kind = kind_of(info.st_mode);
    entry.size = static_cast<std::uintmax_t>(info.st_size);
    if (entry.kind == EntryKind::link) entry.link = relative;
    return entry;
}
#endif

bool content_path_exists(const LoadContext& context, const std::string& relative) {
    return inspect_content_path(context.content_dir, relative).kind != EntryKind::missing;
}

#ifndef _WIN32
std::optional<std::string> read_content_file(SourceFile& file, std::uintmax_t limit) {
    LoadContext& context = file.context();
    auto parts = components_of(file.path());
    ContentEntry entry;
    Descriptor folder = parts.empty() ? Descriptor() : open_parent(context.content_dir, parts, entry);
    if (folder.get() < 0) {
        if (entry.kind == EntryKind::link) refuse_link(context, entry.link);
        else file.error(0, "", "не удалось открыть файл");
        return std::nullopt;
    }
    // O_NONBLOCK: a FIFO in place of a file would otherwise wait for a writer forever.
    Descriptor in(::openat(folder.get(), parts.back().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (in.get() < 0) {
        if (errno == ELOOP) refuse_link(context, file.path());
        else file.error(0, "", "не удалось открыть файл");
        return std::nullopt;
    }
    struct stat info {};
    if (::fstat(in.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        file.error(0, "", "это не обычный файл");
        return std::nullopt;
    }
    auto too_big = [&](std::uintmax_t size) {
        file.error(0, "", "файл больше допустимого: " + size_text(size) + " при ограничении " + size_text(limit) +
                              " (ограничение меняет переменная окружения " + kTextLimitVariable + ")");
    };
    auto size = static_cast<std::uintmax_t>(info.st_size);
    if (size > limit) {
        too_big(size);
        return std::nullopt;
    }
    std::string bytes(size, '\0');
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
        ssize_t got = ::read(in.get(), bytes.data() + filled, bytes.size() - filled);
        if (got < 0 && errno == EINTR) continue;
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
#endif

std::optional<AttachedFile> attached_file(SourceFile& file, int line, const std::string& field,
                                          const std::string& owner_dir, const std::string& written) {
    ContentPath resolved = resolve_content_path(owner_dir, written);
    if (!resolved.problem.empty()) {
        file.error(line, field, resolved.problem);
        return std::nullopt;
    }
    ContentEntry entry = inspect_content_path(file.context().content_dir, resolved.path);
    switch (entry.kind) {
        case EntryKind::file: break;
        case EntryKind::link:
            file.error(line, field,
                       "путь " + in_quotes(resolved.path) + " ведёт через символическую ссылку " +
                           in_quotes(entry.link) + ": положите на её место сам файл");
            refuse_link(file.context(), entry.link);
            return std::nullopt;
        case EntryKind::missing: file.error(line, field, "файл " + in_quotes(resolved.path) + " не найден"); return std::nullopt;
        default: file.error(line, field, in_quotes(resolved.path) + " — не файл"); return std::nullopt;
    }
    std::uintmax_t limit = read_limits().attachment_bytes;
    if (entry.size > limit) {
        file.error(line, field,
                   "файл " + in_quotes(resolved.path) + " больше допустимого: " + size_text(entry.size) +
                       " при ограничении " + size_text(limit) + " (ограничение меняет переменная окружения " +
                       kFileLimitVariable + ")");
        return std::nullopt;
    }
    return AttachedFile{resolved.path, entry.size};
}

void refuse_link(LoadContext& context, const std::string& relative) {
    if (context.refused_links.insert(relative).second) context.diagnostics.error(relative, 0, "", kLinkRefused);
}

#ifndef _WIN32
void refuse_links_in_tree(LoadContext& context) {
    int root = ::open(context.content_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root >= 0) walk_folder(context, root, "", 0, false, 0);
}

void refuse_links_in_school(LoadContext& context, const std::string& slug) {
    std::vector<std::string> parts = {"schools", slug, "."};  // open_parent() opens all but the last
    ContentEntry entry;
    Descriptor folder = open_parent(context.content_dir, parts, entry);
    if (folder.get() < 0) {
        if (entry.kind == EntryKind::link) refuse_link(context, entry.link);
        return;
    }
    walk_folder(context, folder.release(), "schools/" + slug + "/", 2, false, 0);
}
#endif

}  // namespace shnor::load
