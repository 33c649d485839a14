#include "write/output_tree.hpp"

#include "write/atomic_file.hpp"

#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shnor::write {

namespace fs = std::filesystem;

std::string ContentHash::hex() const {
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(high),
                  static_cast<unsigned long long>(low));
    return text;
}

bool ContentHash::parse(std::string_view hex, ContentHash& out) {
    if (hex.size() != 32) return false;
    auto half = [&](std::string_view digits, std::uint64_t& value) {
        value = 0;
        for (char c : digits) {
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) return false;
            value = value << 4 | static_cast<std::uint64_t>(digit);
        }
        return true;
    };
    return half(hex.substr(0, 16), out.high) && half(hex.substr(16), out.low);
}

ContentHash hash_of(std::string_view bytes) {
    XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
    return {hash.low64, hash.high64};
}

namespace {

// A relative '/'-separated path that stays inside the output root.
void require_inside_root(const std::string& path) {
    bool bad = path.empty() || path.front() == '/' || path.find('\\') != std::string::npos;
    std::size_t start = 0;
    while (!bad && start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string_view part(path.data() + start, end - start);
        bad = part.empty() || part == "." || part == "..";
        start = end + 1;
    }
    if (bad) throw std::runtime_error("Недопустимый путь выходного файла (должен быть внутри папки сайта): «" + path + "»");
}

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
    throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// The folder is made by OutputTree::make_folders() beforehand; a folder
// removed behind its back is made again here.
int open_for_writing(const fs::path& target) {
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT) {
        std::error_code error;
        fs::create_directories(target.parent_path(), error);
        fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    if (fd < 0) fail("Не удалось создать файл", target);
    return fd;
}

// The caller closes `fd`, also when this throws.
void write_all(int fd, std::string_view bytes, const fs::path& target) {
    if (!write_in_slices(fd, bytes)) fail("Не удалось записать файл", target);
}

void write_file(const fs::path& target, std::string_view bytes) {
    int fd = open_for_writing(target);
    try {
        write_all(fd, bytes, target);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) fail("Не удалось записать файл", target);
}

// Byte comparison of two files, a chunk at a time.
bool same_bytes(const fs::path& one, const fs::path& other) {
    std::error_code error, other_error;
    if (fs::file_size(one, error) != fs::file_size(other, other_error) || error || other_error) return false;
    std::ifstream a(one, std::ios::binary), b(other, std::ios::binary);
    if (!a || !b) return false;
    std::string chunk_a(1 << 16, '\0'), chunk_b(1 << 16, '\0');
    while (a && b) {
        a.read(chunk_a.data(), static_cast<std::streamsize>(chunk_a.size()));
        b.read(chunk_b.data(), static_cast<std::streamsize>(chunk_b.size()));
        if (a.gcount() != b.gcount() || std::memcmp(chunk_a.data(), chunk_b.data(), a.gcount()) != 0) return false;
    }
    return a.eof() && b.eof();
}

bool read_file(const fs::path& path, std::string& bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    bytes = std::move(text).str();
    return true;
}

fs::path normalized(const fs::path& out_dir) {
    fs::path path = fs::absolute(out_dir).lexically_normal();
    if (path.filename().empty()) path = path.parent_path();  // "site/" → "site"
    if (path.filename().empty() || path == path.root_path())
        throw std::runtime_error("Недопустимая папка сайта: " + out_dir.string());
    return path;
}

void remove_quietly(const fs::path& folder) {
    std::error_code ignored;
    fs::remove_all(folder, ignored);
}

// Removes the folders a removed file leaves empty, up to the root.
void remove_empty_parents(const fs::path& root, fs::path folder) {
    std::error_code error;
    while (folder != root && folder.native().size() > root.native().size() && fs::is_empty(folder, error) && !error) {
        if (!fs::remove(folder, error) || error) return;
        folder = folder.parent_path();
    }
}

}  // namespace

OutputTree::OutputTree(fs::path out_dir, std::map<std::string, ContentHash> previous, bool previous_known)
    : out_dir_(normalized(out_dir)),
      fresh_(!fs::exists(fs::symlink_status(out_dir_))),
      previous_(std::move(previous)),
      previous_known_(previous_known && !fresh_) {
    std::string staging_name = ".";  // built in steps: g++ 12 warns falsely (-Wrestrict) on "." + a + b
    staging_name += out_dir_.filename().string();
    staging_name += ".new-" + std::to_string(::getpid());
    staging_ = out_dir_.parent_path() / staging_name;
    fs::create_directories(out_dir_.parent_path());
    remove_quietly(staging_);  // left over from an interrupted build with the same pid
    fs::create_directory(staging_);
}

OutputTree::~OutputTree() {
    if (!committed_) remove_quietly(staging_);
}

fs::path OutputTree::staged_path(const std::string& path) const { return staging_ / fs::path(path); }

bool OutputTree::unchanged_on_disk(const std::string& path, const ContentHash& hash, std::string_view bytes) const {
    if (fresh_) return false;
    if (previous_known_) {
        auto before = previous_.find(path);
        return before != previous_.end() && before->second == hash;
    }
    std::error_code error;
    fs::path existing = out_dir_ / fs::path(path);
    if (fs::file_size(existing, error) != bytes.size() || error) return false;
    std::string old;
    return read_file(existing, old) && old == bytes;
}

void OutputTree::record(const std::string& path, const ContentHash& hash, bool staged) {
    std::lock_guard lock(mutex_);
    if (open_streams_.count(path) || !hashes_.emplace(path, hash).second)
        throw std::runtime_error("Файл «" + path + "» создаётся дважды");
    if (staged) {
        staged_.push_back(path);
        ++summary_.written;
    } else {
        ++summary_.unchanged;
    }
}

// The staging folder starts empty, so a folder exists in it once this tree
// made it: no file costs a failed open or a stat, and each folder one mkdir
// (most pages are <folder>/index.html, each in a folder of its own). The
// mkdir runs outside the lock; a thread whose open comes before another's
// mkdir of the same folder gets ENOENT, and write_file() makes it then.
void OutputTree::make_folders(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return;
    std::vector<std::string> missing;  // from the top down
    {
        std::lock_guard lock(folders_mutex_);
        if (made_folders_.count(path.substr(0, slash))) return;
        std::size_t end = 0;
        do {
            end = path.find('/', end + 1);
            std::string level = path.substr(0, end);
            if (made_folders_.insert(level).second) missing.push_back(std::move(level));
        } while (end != slash);
    }
    for (const auto& level : missing) {
        fs::path target = staging_ / fs::path(level);
        if (::mkdir(target.c_str(), 0755) != 0 && errno != EEXIST && errno != ENOENT)
            fail("Не удалось создать папку", target);
    }
}

void OutputTree::put(const std::string& path, std::string_view bytes) {
    require_inside_root(path);
    ContentHash hash = hash_of(bytes);
    bool changed = !unchanged_on_disk(path, hash, bytes);
    if (changed) {
        make_folders(path);
        write_file(staged_path(path), bytes);
    }
    record(path, hash, changed);
}

// A streamed path is claimed when opened, so a put() of the same path cannot
// overwrite its staged bytes before the duplicate is noticed.
void OutputTree::claim(const std::string& path) {
    std::lock_guard lock(mutex_);
    if (hashes_.count(path) || !open_streams_.insert(path).second)
        throw std::runtime_error("Файл «" + path + "» создаётся дважды");
}

void OutputTree::release(const std::string& path) {
    std::lock_guard lock(mutex_);
    open_streams_.erase(path);
}

OutputTree::Stream OutputTree::open(const std::string& path) {
    require_inside_root(path);
    claim(path);
    try {
        return Stream(*this, path);
    } catch (...) {
        release(path);
        throw;
    }
}

struct OutputTree::Stream::State {
    State(OutputTree& tree, std::string path) : tree(tree), path(std::move(path)) {}
    OutputTree& tree;
    std::string path;
    fs::path staged;
    int fd = -1;
    std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> hasher{XXH3_createState(), &XXH3_freeState};
    std::string buffer;
};

namespace {
// Appends are often small (one JSON element); the file gets them in blocks.
constexpr std::size_t kStreamBlock = 1 << 20;
}  // namespace

OutputTree::Stream::Stream(OutputTree& tree, std::string path)
    : state_(std::make_unique<State>(tree, std::move(path))) {
    state_->staged = tree.staged_path(state_->path);
    if (!state_->hasher || XXH3_128bits_reset(state_->hasher.get()) != XXH_OK)
        throw std::runtime_error("XXH3: не удалось начать хеш файла «" + state_->path + "»");
    state_->fd = open_for_writing(state_->staged);
    state_->buffer.reserve(kStreamBlock);
}

OutputTree::Stream::Stream(Stream&&) noexcept = default;

OutputTree::Stream::~Stream() {
    if (!state_) return;
    if (state_->fd >= 0) ::close(state_->fd);
    ::unlink(state_->staged.c_str());
    state_->tree.release(state_->path);
}

void OutputTree::Stream::append(std::string_view bytes) {
    XXH3_128bits_update(state_->hasher.get(), bytes.data(), bytes.size());
    if (state_->buffer.size() + bytes.size() > kStreamBlock) {
        write_all(state_->fd, state_->buffer, state_->staged);
        state_->buffer.clear();
        if (bytes.size() > kStreamBlock) {
            write_all(state_->fd, bytes, state_->staged);
            return;
        }
    }
    state_->buffer += bytes;
}

void OutputTree::Stream::close() {
    State& state = *state_;
    write_all(state.fd, state.buffer, state.staged);
    std::string().swap(state.buffer);
    int fd = std::exchange(state.fd, -1);
    if (::close(fd) != 0) fail("Не удалось записать файл", state.staged);
    XXH128_hash_t digest = XXH3_128bits_digest(state.hasher.get());
    ContentHash hash{digest.low64, digest.high64};

    OutputTree& tree = state.tree;
    bool unchanged = false;
    if (!tree.fresh_ && tree.previous_known_) {
        auto before = tree.previous_.find(state.path);
        unchanged = before != tree.previous_.end() && before->second == hash;
    } else if (!tree.fresh_) {
        unchanged = same_bytes(state.staged, tree.out_dir_ / fs::path(state.path));
    }
    if (unchanged) ::unlink(state.staged.c_str());
    tree.release(state.path);
    std::unique_ptr<State> done = std::move(state_);
    tree.record(done->path, hash, !unchanged);
}

void OutputTree::copy(const std::string& path, const fs::path& source) {
    std::string bytes;
    if (!read_file(source, bytes)) throw std::runtime_error("Не удалось прочитать файл " + source.string());
    put(path, bytes);
}

void OutputTree::keep(const std::string& path) {
    require_inside_root(path);
    auto before = previous_.find(path);
    if (!previous_known_ || before == previous_.end())
        throw std::runtime_error("Нельзя оставить файл «" + path + "»: его нет в записи прошлой сборки");
    record(path, before->second, false);
}

void OutputTree::keep_where(const std::function<bool(const std::string&)>& wanted) {
    if (!previous_known_) throw std::runtime_error("Нельзя оставить файлы: нет записи прошлой сборки");
    std::lock_guard lock(mutex_);
    for (const auto& [path, hash] : previous_) {
        if (!wanted(path)) continue;
        require_inside_root(path);
        std::size_t before = hashes_.size();
        hashes_.emplace_hint(hashes_.end(), path, hash);
        if (hashes_.size() == before || open_streams_.count(path))
            throw std::runtime_error("Файл «" + path + "» создаётся дважды");
        ++summary_.unchanged;
    }
}

void OutputTree::remove_stale() {
    auto remove = [&](const std::string& path) {
        fs::path target = out_dir_ / fs::path(path);
        std::error_code error;
        if (fs::remove(target, error)) ++summary_.removed;
        remove_empty_parents(out_dir_, target.parent_path());
    };
    if (!previous_known_) {
        std::vector<std::string> existing;
        // lexically: fs::relative() resolves each path's links, some 40 syscalls a file
        for (const auto& entry : fs::recursive_directory_iterator(out_dir_))
            if (!entry.is_directory()) existing.push_back(entry.path().lexically_relative(out_dir_).generic_string());
        for (const auto& path : existing)
            if (!hashes_.count(path)) remove(path);
        return;
    }
    // Both maps are in path order: one walk, no lookups (a patch build keeps tens of thousands).
    auto now = hashes_.begin();
    for (const auto& [path, hash] : previous_) {
        while (now != hashes_.end() && now->first < path) ++now;
        if (now == hashes_.end() || now->first != path) remove(path);
    }
}

CommitSummary OutputTree::commit() {
    try {
        if (fresh_) {
            fs::rename(staging_, out_dir_);
        } else {
            for (const auto& path : staged_) {
                fs::path target = out_dir_ / fs::path(path);
                std::error_code error;
                fs::rename(staged_path(path), target, error);
                if (error) {
                    // A folder where a file now goes, or a missing parent folder.
                    fs::remove_all(target, error);
                    fs::create_directories(target.parent_path());
                    fs::rename(staged_path(path), target);
                }
            }
            remove_stale();
            remove_quietly(staging_);
        }
    } catch (const fs::filesystem_error& failure) {
        throw std::runtime_error(std::string("Ошибка записи сайта: ") + failure.what());
    }
    committed_ = true;
    return summary_;
}

}  // namespace shnor::write
