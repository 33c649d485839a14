#include "record/record_store.hpp"

#include <lmdb.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#endif

namespace shnor::record {

namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 7> kTableNames = {"head", "inputs", "schools", "files", "owners", "touched", "strays"};
constexpr std::string_view kHeadKey = "head";

// The address space reserved for the map: the file may grow to this within
// one process. Four times the file (a transaction that rewrites everything
// needs the old pages and the new ones, plus LMDB's free lists), at least
// 1 GiB (a record of 40,000 schools is about 200 MB), at most 64 GiB. A store
// that outgrows it fails its write: the next build is a full one and writes
// the store afresh.
std::size_t map_size_for(std::uintmax_t file_size) {
    constexpr std::size_t kMin = std::size_t(1) << 30, kMax = std::size_t(64) << 30;
    std::size_t wanted = static_cast<std::size_t>(std::min<std::uintmax_t>(file_size, kMax / 4)) * 4;
    return std::clamp(wanted, kMin, kMax);
}

#ifdef _WIN32
// On Windows LMDB 0.9 sets the data file's size to the map's (its file
// mapping must not be larger than the file): a 1 GiB map would be a 1 GiB
// file on every disk. So the map starts at what the store uses and a margin
// (an update rewriting every entry needs the old pages and the new ones),
// and a whole write grows it between its commits (WriteTxn::commit_on_the_way).
constexpr std::size_t kWindowsMapMargin = std::size_t(32) << 20;

std::size_t windows_map_size_for(std::uint64_t used_bytes, std::size_t next_chunk_bytes) {
    constexpr std::size_t kMax = std::size_t(64) << 30;
    std::uint64_t wanted = 2 * used_bytes + 4 * std::uint64_t(next_chunk_bytes) + kWindowsMapMargin;
    return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, kMax));
}

// What the store's committed pages take.
std::uint64_t used_bytes_of(MDB_env* env) {
    MDB_envinfo info{};
    MDB_stat stat{};
    if (mdb_env_info(env, &info) != MDB_SUCCESS || mdb_env_stat(env, &stat) != MDB_SUCCESS) return 0;
    return (std::uint64_t(info.me_last_pgno) + 1) * stat.ms_psize;
}

// Opened with this map, LMDB raises it to the pages the store uses; the
// map is then set from those (Store::open).
constexpr std::size_t kWindowsOpeningMap = std::size_t(1) << 16;
#endif

// ---- the binary encoding (little-endian, as the machines shnor runs on)

class Encoder {
public:
    Encoder& u8(std::uint8_t value) { return raw(&value, 1); }
    Encoder& u32(std::uint32_t value) { return raw(&value, 4); }
    Encoder& u64(std::uint64_t value) { return raw(&value, 8); }
    Encoder& i64(std::int64_t value) { return raw(&value, 8); }
    Encoder& hash(const cache::Hash128& value) { return u64(value.low).u64(value.high); }
    Encoder& str(std::string_view value) {
        u32(static_cast<std::uint32_t>(value.size()));
        out_.append(value);
        return *this;
    }
    const std::string& bytes() const { return out_; }

private:
    Encoder& raw(const void* value, std::size_t size) {
        out_.append(static_cast<const char*>(value), size);
        return *this;
    }
    std::string out_;
};

// Reads what Encoder wrote; any shortfall or leftover throws Damaged.
class Decoder {
public:
    explicit Decoder(std::string_view in) : in_(in) {}
    std::uint8_t u8() { return raw<std::uint8_t>(); }
    std::uint32_t u32() { return raw<std::uint32_t>(); }
    std::uint64_t u64() { return raw<std::uint64_t>(); }
    std::int64_t i64() { return raw<std::int64_t>(); }
    cache::Hash128 hash() {
        cache::Hash128 value;
        value.low = u64();
        value.high = u64();
        return value;
    }
    void skip_str() {
        std::uint32_t size = u32();
        need(size);
        in_.remove_prefix(size);
    }
    std::string str() {
        std::uint32_t size = u32();
        need(size);
        std::string value(in_.substr(0, size));
        in_.remove_prefix(size);
        return value;
    }
    // A count of items each at least `item_size` bytes: bounded by what is left.
    std::uint32_t count(std::size_t item_size) {
        std::uint32_t value = u32();
        need(std::size_t(value) * item_size);
        return value;
    }
    void finish() const {
        if (!in_.empty()) throw Damaged("record value longer than its encoding");
    }

private:
    void need(std::size_t size) const {
        if (in_.size() < size) throw Damaged("record value cut short");
    }
    template <class Value>
    Value raw() {
        need(sizeof(Value));
        Value value;
        std::memcpy(&value, in_.data(), sizeof(Value));
        in_.remove_prefix(sizeof(Value));
        return value;
    }
    std::string_view in_;
};

std::string encode_head(const Head& head) {
    Encoder out;
    out.u32(kFormat).str(head.key).u64(head.tree.device).u64(head.tree.inode).u64(head.tree.spare_inode);
    out.i64(head.tree.changes_since_ns).i64(head.written_ns).u8(head.volatile_sources ? 1 : 0);
    out.hash(head.global).hash(head.inputs_fingerprint).u64(head.output_files).u64(head.html_files);
    return out.bytes();
}

// nullopt for a head of another format (read as no record).
std::optional<Head> decode_head(std::string_view bytes) {
    Decoder in(bytes);
    if (bytes.size() < 4 || in.u32() != kFormat) return std::nullopt;
    Head head;
    head.key = in.str();
    head.tree.device = in.u64();
    head.tree.inode = in.u64();
    head.tree.spare_inode = in.u64();
    head.tree.changes_since_ns = in.i64();
    head.written_ns = in.i64();
    std::uint8_t volatile_flag = in.u8();
    if (volatile_flag > 1) throw Damaged("record head: volatile flag");
    head.volatile_sources = volatile_flag == 1;
    head.global = in.hash();
    head.inputs_fingerprint = in.hash();
    head.output_files = in.u64();
    head.html_files = in.u64();
    in.finish();
    return head;
}

std::string encode_stamp(const cache::FileStamp& stamp) {
    Encoder out;
    out.u64(stamp.size).i64(stamp.mtime_ns);
    return out.bytes();
}

std::string encode_school(const SchoolEntry& entry) {
    Encoder out;
    out.hash(entry.content).hash(entry.external).hash(entry.district).u32(static_cast<std::uint32_t>(entry.pages.size()));
    for (const auto& page : entry.pages) out.str(page);
    return out.bytes();
}

SchoolEntry decode_school(std::string_view bytes) {
    Decoder in(bytes);
    SchoolEntry entry;
    entry.content = in.hash();
    entry.external = in.hash();
    entry.district = in.hash();
    entry.pages.resize(in.count(4));
    for (auto& page : entry.pages) page = in.str();
    in.finish();
    return entry;
}

std::string encode_file(const FileEntry& entry) {
    Encoder out;
    out.str(entry.owner).u64(entry.state.hash.low).u64(entry.state.hash.high).u64(entry.state.size);
    out.i64(entry.state.mtime_ns).u32(static_cast<std::uint32_t>(entry.fragments.size()));
    for (const auto& span : entry.fragments) out.str(span.key).u64(span.offset).u64(span.length);
    return out.bytes();
}

FileEntry decode_file(std::string_view bytes) {
    Decoder in(bytes);
    FileEntry entry;
    entry.owner = in.str();
    entry.state.hash.low = in.u64();
    entry.state.hash.high = in.u64();
    entry.state.size = in.u64();
    entry.state.mtime_ns = in.i64();
    entry.fragments.resize(in.count(20));
    for (auto& span : entry.fragments) {
        span.key = in.str();
        span.offset = in.u64();
        span.length = in.u64();
    }
    in.finish();
    return entry;
}

// Decodes only the state of a file entry; the rest must still be there.
write::FileState state_of(std::string_view bytes) {
    Decoder in(bytes);
    in.skip_str();
    write::FileState state;
    state.hash.low = in.u64();
    state.hash.high = in.u64();
    state.size = in.u64();
    state.mtime_ns = in.i64();
    in.count(20);
    return state;
}

// Decodes only the owner of a file entry (what put/remove need).
std::string owner_of(std::string_view bytes) { return Decoder(bytes).str(); }

// LMDB keys cannot be empty: the district's files are listed under "\0".
std::string owner_key(std::string_view owner) { return owner.empty() ? std::string(1, '\0') : std::string(owner); }

bool is_html(std::string_view path) { return path.ends_with(".html"); }

// LMDB keys (and MDB_DUPSORT values) are at most 511 bytes. A path longer
// than kLongPath is stored under its first bytes, a NUL (no path has one)
// and the hash of the whole path, and its value starts with the whole path.
// Such keys may sort apart from their path's place: readers that need path
// order sort again (read_written_files).
constexpr std::size_t kLongPath = 400, kHashHex = 32;

std::string path_key(std::string_view path) {
    if (path.size() <= kLongPath) return std::string(path);
    std::string key(path.substr(0, kLongPath - kHashHex - 1));
    key += '\0';
    key += cache::hash_bytes(path).hex();
    return key;
}

bool is_abbreviated(std::string_view key) {
    return key.size() == kLongPath && key[kLongPath - kHashHex - 1] == '\0';
}

// The value as stored under path_key(path).
std::string path_value(std::string_view path, std::string_view value) {
    if (path.size() <= kLongPath) return std::string(value);
    Encoder out;
    out.str(path);
    return out.bytes() + std::string(value);
}

struct PathAndValue {
    std::string_view path, value;
};

// The path and the value proper of an entry read under a path key.
PathAndValue split_path(std::string_view key, std::string_view stored) {
    if (!is_abbreviated(key)) return {key, stored};
    std::uint32_t size = 0;
    if (stored.size() < 4) throw Damaged("record key: whole path missing");
    std::memcpy(&size, stored.data(), 4);
    if (stored.size() - 4 < size) throw Damaged("record key: whole path cut short");
    std::string_view path = stored.substr(4, size);
    if (path_key(path) != key) throw Damaged("record key: not its path's");
    return {path, stored.substr(4 + size)};
}

MDB_val val_of(std::string_view bytes) { return {bytes.size(), const_cast<char*>(bytes.data())}; }
std::string_view view_of(const MDB_val& value) { return {static_cast<const char*>(value.mv_data), value.mv_size}; }

#ifdef _WIN32
// On Windows mdb_strerror() formats a system error into a buffer of its own
// stack frame (LMDB 0.9's bug): its own codes from it, the others from Windows.
std::string error_text(int rc) {
    if (rc >= MDB_KEYEXIST && rc <= MDB_LAST_ERRCODE) return mdb_strerror(rc);
    return std::system_category().message(rc);
}

void check(int rc, const char* what) {
    if (rc != MDB_SUCCESS) throw Damaged(std::string("record store: ") + what + ": " + error_text(rc));
}
#else
void check(int rc, const char* what) {
    if (rc != MDB_SUCCESS) throw Damaged(std::string("record store: ") + what + ": " + mdb_strerror(rc));
}
#endif

// The value under `key`, nullopt when none.
std::optional<std::string_view> get(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
    MDB_val k = val_of(key), v{};
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return std::nullopt;
    check(rc, "get");
    return view_of(v);
}

// Calls visit(key, value) from `from` (or the first key) on, while it returns true.
template <class Visit>
void scan(MDB_txn* txn, MDB_dbi dbi, Visit visit) {
    MDB_cursor* cursor = nullptr;
    check(mdb_cursor_open(txn, dbi, &cursor), "cursor");
    std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> closer(cursor, mdb_cursor_close);
    MDB_val k{}, v{};
    for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc != MDB_NOTFOUND;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
        check(rc, "cursor read");
        if (!visit(view_of(k), view_of(v))) return;
    }
}

// The value proper under `path`, nullopt when none.
std::optional<std::string_view> get_path(MDB_txn* txn, MDB_dbi dbi, std::string_view path) {
    std::string key = path_key(path);
    auto stored = get(txn, dbi, key);
    if (!stored) return std::nullopt;
    PathAndValue entry = split_path(key, *stored);
    if (entry.path != path) return std::nullopt;
    return entry.value;
}

// scan() of a table keyed by paths: visit(path, value proper).
template <class Visit>
void scan_paths(MDB_txn* txn, MDB_dbi dbi, Visit visit) {
    scan(txn, dbi, [&](std::string_view key, std::string_view stored) {
        PathAndValue entry = split_path(key, stored);
        return visit(entry.path, entry.value);
    });
}

// ---- the seal: commits are not flushed to the disk (MDB_NOSYNC)
//
// A commit's fdatasync cost a one-school build 80-130 ms on this disk. Within
// one boot of the system the store's file is what the page cache holds, so a
// commit is whole for every later reader even unflushed, and a process killed
// mid-commit leaves the last commit (LMDB writes its meta page last). Only a
// system crash could leave a torn store, whose B-tree LMDB would follow into
// garbage. So each commit is followed by a seal beside the store: the boot it
// was made in, the file's size and XXH3-128 hash. A store is opened only
//   - when its seal names this boot (the page cache is the store), or
//   - when its bytes hash to the seal's (after a restart: the store is
//     exactly one committed state). That state may be older than the output
//     folder (commits lost with the crash), so its key is replaced: the plan
//     is a whole build, which still knows which files shnor wrote;
// and otherwise (no seal, another hash) it is no record: a full build.

#ifdef _WIN32
// Windows has no boot id: the boot's time (now less the milliseconds since
// the boot), to 10 s. A clock moved since, or a boot time on a step's edge,
// gives another id: the store is then checked by its hash, as after a restart.
std::string current_boot() {
    if (const char* forced = std::getenv("SHNOR_TEST_BOOT_ID")) return forced;  // tests: "after a restart"
    FILETIME now{};
    GetSystemTimeAsFileTime(&now);
    std::uint64_t now_ms = ((std::uint64_t(now.dwHighDateTime) << 32) | now.dwLowDateTime) / 10'000;
    std::uint64_t boot_ms = now_ms - GetTickCount64();
    constexpr std::uint64_t kStepMs = 10'000;
    return "boot-" + std::to_string((boot_ms + kStepMs / 2) / kStepMs * kStepMs);
}
#else
std::string current_boot() {
    if (const char* forced = std::getenv("SHNOR_TEST_BOOT_ID")) return forced;  // tests: "after a restart"
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;  // empty where there is none: every open then checks the hash
}
#endif

constexpr std::string_view kSealMagic = "shnor-record-seal 1";

struct Seal {
    std::string boot;
    std::uint64_t size = 0;
    XXH128_hash_t hash{};
};

#ifdef _WIN32
std::optional<Seal> hash_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    XXH3_state_t* state = XXH3_createState();
    XXH3_128bits_reset(state);
    std::vector<char> buffer(std::size_t(1) << 20);
    Seal seal;
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
        XXH3_128bits_update(state, buffer.data(), static_cast<std::size_t>(in.gcount()));
        seal.size += static_cast<std::uint64_t>(in.gcount());
    }
    bool ok = in.eof() && !in.bad();
    seal.hash = XXH3_128bits_digest(state);
    XXH3_freeState(state);
    if (!ok) return std::nullopt;
    return seal;
}

#else
std::optional<Seal> hash_file(const fs::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    XXH3_state_t* state = XXH3_createState();
    XXH3_128bits_reset(state);
    std::vector<char> buffer(std::size_t(1) << 20);
    Seal seal;
    bool ok = true;
    for (;;) {
        ssize_t got = ::read(fd, buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            ok = got == 0;
            break;
        }
        XXH3_128bits_update(state, buffer.data(), static_cast<std::size_t>(got));
        seal.size += static_cast<std::uint64_t>(got);
    }
    seal.hash = XXH3_128bits_digest(state);
    XXH3_freeState(state);
    ::close(fd);
    if (!ok) return std::nullopt;
    return seal;
}

#endif

std::optional<Seal> read_seal(const fs::path& file) {
    std::ifstream in(seal_file_of(file), std::ios::binary);
    std::string magic, boot;
    Seal seal;
    unsigned long long size = 0, low = 0, high = 0;
    if (!std::getline(in, magic) || magic != kSealMagic || !(in >> boot >> size >> std::hex >> high >> low)) return std::nullopt;
    seal.boot = boot;
    seal.size = size;
    seal.hash.low64 = low;
    seal.hash.high64 = high;
    return seal;
}

// After a commit; a seal that cannot be written leaves the old one, which
// the file no longer matches after a restart: only a full build is lost.
void write_seal(const fs::path& file) {
    auto seal = hash_file(file);
    std::string boot = current_boot();
    if (!seal || boot.empty()) {
        std::error_code ignored;
        fs::remove(seal_file_of(file), ignored);
        return;
    }
    char text[160];
    std::snprintf(text, sizeof text, "%s\n%s %llu %016llx %016llx\n", std::string(kSealMagic).c_str(), boot.c_str(),
                  static_cast<unsigned long long>(seal->size), static_cast<unsigned long long>(seal->hash.high64),
                  static_cast<unsigned long long>(seal->hash.low64));
    fs::path temporary = seal_file_of(file);
    temporary += ".new";
#ifdef _WIN32
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            return;
        }
    }
    // rename() does not replace an existing file on Windows.
    if (!MoveFileExW(temporary.c_str(), seal_file_of(file).c_str(), MOVEFILE_REPLACE_EXISTING)) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
    }
#else
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);  // like the store
    if (fd < 0) return;
    std::size_t length = std::strlen(text);
    bool written = ::write(fd, text, length) == static_cast<ssize_t>(length);
    if (::close(fd) != 0 || !written) {
        ::unlink(temporary.c_str());
        return;
    }
    std::error_code error;
    fs::rename(temporary, seal_file_of(file), error);
    if (error) fs::remove(temporary, error);
#endif
}

enum class Trust { whole, not_its_key, none };

Trust trust_of(const fs::path& file) {
    auto seal = read_seal(file);
    if (!seal) return Trust::none;
    std::string boot = current_boot();
    if (!boot.empty() && seal->boot == boot) return Trust::whole;
    auto now = hash_file(file);
    if (now && now->size == seal->size && XXH128_isEqual(now->hash, seal->hash)) return Trust::not_its_key;
    return Trust::none;
}

}  // namespace

fs::path seal_file_of(const fs::path& store_file) {
    fs::path seal = store_file;
    seal += "-seal";
    return seal;
}

cache::Hash128 by_path_fingerprint(std::vector<cache::FileStamp> stamps) {
    std::sort(stamps.begin(), stamps.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return cache::fingerprint(stamps);
}

// ---- the environment

struct Store::Env {
    MDB_env* env = nullptr;
    std::array<MDB_dbi, kTableNames.size()> dbi{};
    ~Env() {
        if (env) mdb_env_close(env);
    }
    MDB_dbi operator[](Table table) const { return dbi[static_cast<std::size_t>(table)]; }
};

Store::Store(fs::path file, std::unique_ptr<Env> env) : file_(std::move(file)), env_(std::move(env)) {}
Store::~Store() = default;

std::unique_ptr<Store> Store::open(const fs::path& file, Access access) {
    std::error_code error;
    bool writing = access == Access::write;
    if (writing) fs::create_directories(file.parent_path(), error);
    else if (!fs::is_regular_file(file, error)) return nullptr;
    Trust trust = fs::exists(file, error) ? trust_of(file) : Trust::whole;  // a new store: nothing to trust
    if (trust == Trust::none) return nullptr;
    auto env = std::make_unique<Env>();
    if (mdb_env_create(&env->env) != MDB_SUCCESS) return nullptr;
    auto size = fs::file_size(file, error);
    if (error) size = 0;
    // MDB_NOSUBDIR: one data file (and its lock file) rather than a folder.
    // MDB_NOSYNC: a commit is not flushed; the seal (above) keeps a store
    // torn by a system crash from being opened. MDB_NOTLS: read views are
    // not tied to threads.
    unsigned flags = MDB_NOSUBDIR | MDB_NOSYNC | MDB_NOTLS | (writing ? 0u : MDB_RDONLY);
#ifdef _WIN32
    // LMDB converts its char* path from UTF-8 itself (then CreateFileW).
    if (mdb_env_set_maxdbs(env->env, kTableNames.size()) != MDB_SUCCESS ||
        mdb_env_set_mapsize(env->env, kWindowsOpeningMap) != MDB_SUCCESS ||
        mdb_env_open(env->env, file.string().c_str(), flags, 0600) != MDB_SUCCESS)
        return nullptr;
    (void)size;
    if (writing && mdb_env_set_mapsize(env->env, windows_map_size_for(used_bytes_of(env->env), 0)) != MDB_SUCCESS)
        return nullptr;
    // LMDB maps the file and trusts that its pages are there: a file cut
    // short would fault on the first read past its end.
    auto file_size = fs::file_size(file, error);
    if (error || file_size < used_bytes_of(env->env)) return nullptr;
#else
    if (mdb_env_set_maxdbs(env->env, kTableNames.size()) != MDB_SUCCESS ||
        mdb_env_set_mapsize(env->env, map_size_for(size)) != MDB_SUCCESS ||
        mdb_env_open(env->env, file.c_str(), flags, 0600) != MDB_SUCCESS)
        return nullptr;
    // LMDB maps the file and trusts that its pages are there: a file cut
    // short would fault on the first read past its end.
    MDB_envinfo info{};
    MDB_stat stat{};
    struct stat file_info {};
    if (mdb_env_info(env->env, &info) != MDB_SUCCESS || mdb_env_stat(env->env, &stat) != MDB_SUCCESS ||
        ::stat(file.c_str(), &file_info) != 0 ||
        static_cast<std::uint64_t>(file_info.st_size) < (std::uint64_t(info.me_last_pgno) + 1) * stat.ms_psize)
        return nullptr;
#endif
    MDB_txn* txn = nullptr;
    if (mdb_txn_begin(env->env, nullptr, writing ? 0 : MDB_RDONLY, &txn) != MDB_SUCCESS) return nullptr;
    for (std::size_t table = 0; table < kTableNames.size(); ++table) {
        unsigned table_flags = (writing ? MDB_CREATE : 0u) | (table == std::size_t(Table::owners) ? MDB_DUPSORT : 0u);
        if (mdb_dbi_open(txn, kTableNames[table], table_flags, &env->dbi[table]) != MDB_SUCCESS) {
            mdb_txn_abort(txn);
            return nullptr;
        }
    }
    if (mdb_txn_commit(txn) != MDB_SUCCESS) return nullptr;
    auto store = std::unique_ptr<Store>(new Store(file, std::move(env)));
    store->not_its_key_ = trust == Trust::not_its_key;
    return store;
}

std::optional<ReadView> Store::read() {
    try {
        ReadView view(*this);
        return view;
    } catch (const Damaged&) {
        return std::nullopt;
    }
}

WriteTxn Store::write() { return WriteTxn(*this); }

// ---- read views

struct ReadView::Txn {
    MDB_txn* txn = nullptr;
    ~Txn() {
        if (txn) mdb_txn_abort(txn);
    }
};

ReadView::ReadView(Store& store) : store_(&store), txn_(std::make_unique<Txn>()) {
    check(mdb_txn_begin(store.env_->env, nullptr, MDB_RDONLY, &txn_->txn), "read transaction");
    auto bytes = get(txn_->txn, (*store.env_)[Table::head], kHeadKey);
    auto head = bytes ? decode_head(*bytes) : std::nullopt;
    if (!head) throw Damaged("no record of this format");
    head_ = std::move(*head);
    if (store.not_its_key_) head_.key = kKeyBeforeRestart;
}

ReadView::ReadView(ReadView&&) noexcept = default;
ReadView::~ReadView() = default;

std::optional<SchoolEntry> ReadView::school(std::string_view slug) const {
    if (slug.empty()) return std::nullopt;  // LMDB keys are not empty: "" (the district) is no school
    auto bytes = get(txn_->txn, (*store_->env_)[Table::schools], slug);
    if (!bytes) return std::nullopt;
    return decode_school(*bytes);
}

std::optional<FileEntry> ReadView::file(std::string_view path) const {
    auto bytes = get_path(txn_->txn, (*store_->env_)[Table::files], path);
    if (!bytes) return std::nullopt;
    return decode_file(*bytes);
}

std::vector<std::string> ReadView::files_of(std::string_view owner) const {
    std::vector<std::string> paths;
    MDB_cursor* cursor = nullptr;
    check(mdb_cursor_open(txn_->txn, (*store_->env_)[Table::owners], &cursor), "cursor");
    std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> closer(cursor, mdb_cursor_close);
    std::string key = owner_key(owner);
    MDB_val k = val_of(key), v{};
    for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_KEY); rc != MDB_NOTFOUND;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT_DUP)) {
        check(rc, "owner index");
        std::string_view key = view_of(v);
        if (!is_abbreviated(key)) {
            paths.emplace_back(key);
            continue;
        }
        auto stored = get(txn_->txn, (*store_->env_)[Table::files], key);
        if (!stored) throw Damaged("owner index: a file the record lacks");
        paths.emplace_back(split_path(key, *stored).path);
    }
    return paths;
}

void ReadView::for_each_file(const std::function<bool(std::string_view, const FileEntry&)>& visit) const {
    scan_paths(txn_->txn, (*store_->env_)[Table::files],
               [&](std::string_view path, std::string_view value) { return visit(path, decode_file(value)); });
}

void ReadView::for_each_file_state(const std::function<bool(std::string_view, const write::FileState&)>& visit) const {
    scan_paths(txn_->txn, (*store_->env_)[Table::files],
               [&](std::string_view path, std::string_view value) { return visit(path, state_of(value)); });
}

void ReadView::for_each_school(const std::function<bool(std::string_view, const SchoolEntry&)>& visit) const {
    scan(txn_->txn, (*store_->env_)[Table::schools],
         [&](std::string_view key, std::string_view value) { return visit(key, decode_school(value)); });
}

std::vector<cache::FileStamp> ReadView::inputs() const {
    std::vector<cache::FileStamp> stamps;
    scan_paths(txn_->txn, (*store_->env_)[Table::inputs], [&](std::string_view path, std::string_view value) {
        Decoder in(value);
        cache::FileStamp stamp{std::string(path), in.u64(), in.i64()};
        in.finish();
        stamps.push_back(std::move(stamp));
        return true;
    });
    return stamps;
}

namespace {

// The paths of a list (touched, strays), sorted.
std::vector<std::string> paths_of(MDB_txn* txn, MDB_dbi dbi) {
    std::vector<std::string> paths;
    bool sorted = true;
    scan_paths(txn, dbi, [&](std::string_view path, std::string_view) {
        sorted = sorted && (paths.empty() || paths.back() < path);
        paths.emplace_back(path);
        return true;
    });
    if (!sorted) std::sort(paths.begin(), paths.end());
    return paths;
}

}  // namespace

std::vector<std::string> ReadView::touched() const { return paths_of(txn_->txn, (*store_->env_)[Table::touched]); }
std::vector<std::string> ReadView::strays() const { return paths_of(txn_->txn, (*store_->env_)[Table::strays]); }

std::optional<std::string> ReadView::stored_bytes(Table table, std::string_view key) const {
    std::string stored_key = table == Table::owners ? owner_key(key)
                             : table == Table::head || table == Table::schools ? std::string(key)
                                                                               : path_key(key);
    auto bytes = get(txn_->txn, (*store_->env_)[table], stored_key);
    if (!bytes) return std::nullopt;
    return std::string(*bytes);
}

// ---- write transactions

struct WriteTxn::Txn {
    MDB_txn* txn = nullptr;
    ~Txn() {
        if (txn) mdb_txn_abort(txn);
    }
};

WriteTxn::WriteTxn(Store& store) : store_(&store), txn_(std::make_unique<Txn>()) {
    check(mdb_txn_begin(store.env_->env, nullptr, 0, &txn_->txn), "write transaction");
    auto bytes = get(txn_->txn, (*store.env_)[Table::head], kHeadKey);
    std::optional<Head> head;
    try {
        if (bytes) head = decode_head(*bytes);
    } catch (const Damaged&) {
    }
    // A store of another format (or none) is started afresh: its entries
    // must not mix with this format's.
    if (head) head_ = std::move(*head);
    else clear();
}

WriteTxn::WriteTxn(WriteTxn&&) noexcept = default;
WriteTxn::~WriteTxn() = default;

void WriteTxn::put(Table table, std::string_view key, std::string_view value, unsigned flags) {
    MDB_val k = val_of(key), v = val_of(value);
    int rc = mdb_put(txn_->txn, (*store_->env_)[table], &k, &v, flags);
    if (rc == MDB_KEYEXIST && (flags & MDB_NODUPDATA)) return;
    check(rc, "put");
    ++writes_.puts;
    writes_.bytes += key.size() + value.size();
    if (commit_every_ && writes_.bytes - committed_bytes_ >= commit_every_) commit_on_the_way();
}

void WriteTxn::commit_every(std::size_t bytes) { commit_every_ = bytes; }

namespace {

// LMDB does not give its map's address (mdb_env_info has it only for
// MDB_FIXEDMAP): the shared mappings of the store's file, from
// /proc/self/maps, by device and inode. Only a shared file mapping is
// dropped: its pages stay in the page cache and fault back in if read.
#ifdef _WIN32
// No /proc/self/maps; the map's pages are the system's to trim.
void drop_mapped_pages(MDB_env*) {}
#else
void drop_mapped_pages(MDB_env* env) {
    int fd = -1;
    struct stat file {};
    if (mdb_env_get_fd(env, &fd) != MDB_SUCCESS || ::fstat(fd, &file) != 0) return;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        unsigned long long start = 0, end = 0, offset = 0, inode = 0;
        unsigned major = 0, minor = 0;
        char perms[5] = {};
        if (std::sscanf(line.c_str(), "%llx-%llx %4s %llx %x:%x %llu", &start, &end, perms, &offset, &major, &minor,
                        &inode) != 7)
            continue;
        if (perms[3] != 's' || inode != file.st_ino || major != ::major(file.st_dev) || minor != ::minor(file.st_dev))
            continue;
        ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
    }
}
#endif

}  // namespace

// No head and no seal: the store is not read before the last commit().
// A cursor or dbi handle of the old transaction is not kept by any caller.
void WriteTxn::commit_on_the_way() {
    int rc = mdb_txn_commit(txn_->txn);
    txn_->txn = nullptr;
    check(rc, "commit on the way");
    // The store's pages LMDB read back through its map stay mapped into
    // the process: 94 MiB at 40 000 schools (ARCHITECTURE.md, "Third pass").
    drop_mapped_pages(store_->env_->env);
#ifdef _WIN32
    // Between two transactions the map can grow (no read view is open while
    // a whole write runs: build_record.cpp writes a new file).
    MDB_env* env = store_->env_->env;
    MDB_envinfo info{};
    std::size_t wanted = windows_map_size_for(used_bytes_of(env), commit_every_);
    if (mdb_env_info(env, &info) == MDB_SUCCESS && info.me_mapsize < wanted)
        check(mdb_env_set_mapsize(env, wanted), "grow the map");
#endif
    check(mdb_txn_begin(store_->env_->env, nullptr, 0, &txn_->txn), "write transaction");
    committed_bytes_ = writes_.bytes;
    ++writes_.commits;
}

bool WriteTxn::del(Table table, std::string_view key, const std::string_view* value) {
    MDB_val k = val_of(key), v{};
    if (value) v = val_of(*value);
    int rc = mdb_del(txn_->txn, (*store_->env_)[table], &k, value ? &v : nullptr);
    if (rc == MDB_NOTFOUND) return false;
    check(rc, "delete");
    ++writes_.deletes;
    return true;
}

void WriteTxn::clear() {
    for (std::size_t table = 0; table < kTableNames.size(); ++table)
        check(mdb_drop(txn_->txn, store_->env_->dbi[table], 0), "clear");
    head_ = Head();
    head_set_ = true;  // the counts are now those of an empty store
    last_appended_.reset();
    appending_ = true;
}

void WriteTxn::set_head(const Head& head) {
    auto files = head_.output_files, html = head_.html_files;
    head_ = head;
    head_.output_files = files;
    head_.html_files = html;
    head_set_ = true;
}

void WriteTxn::put_school(std::string_view slug, const SchoolEntry& entry) {
    put(Table::schools, slug, encode_school(entry));
}

void WriteTxn::remove_school(std::string_view slug) { del(Table::schools, slug); }

void WriteTxn::put_file(std::string_view path, const FileEntry& entry) {
    // Files put in path order into an emptied store (a whole write) go at
    // the end of the table at once, with no look-up of an older entry.
    std::string key = path_key(path), value = path_value(path, encode_file(entry));
    appending_ = appending_ && (!last_appended_ || *last_appended_ < key);
    if (appending_) {
        ++head_.output_files;
        head_.html_files += is_html(path) ? 1 : 0;
        put(Table::files, key, value, MDB_APPEND);
        put(Table::owners, owner_key(entry.owner), key, MDB_NODUPDATA);
        last_appended_ = key;
        return;
    }
    auto old = get_path(txn_->txn, (*store_->env_)[Table::files], path);
    if (old) {
        std::string old_owner = owner_of(*old);
        std::string_view old_key = key;
        if (old_owner != entry.owner) del(Table::owners, owner_key(old_owner), &old_key);
    } else {
        ++head_.output_files;
        head_.html_files += is_html(path) ? 1 : 0;
        head_set_ = true;
    }
    put(Table::files, key, value);
    put(Table::owners, owner_key(entry.owner), key, MDB_NODUPDATA);
}

void WriteTxn::remove_file(std::string_view path) {
    appending_ = false;
    auto old = get_path(txn_->txn, (*store_->env_)[Table::files], path);
    if (!old) return;
    std::string key = path_key(path);
    std::string_view key_view = key;
    del(Table::owners, owner_key(owner_of(*old)), &key_view);
    del(Table::files, key);
    --head_.output_files;
    head_.html_files -= is_html(path) ? 1 : 0;
    head_set_ = true;
}

void WriteTxn::replace_inputs(const std::vector<cache::FileStamp>& stamps) {
    check(mdb_drop(txn_->txn, (*store_->env_)[Table::inputs], 0), "clear inputs");
    // In key order (as stamp_tree lists them), each goes at the end at once.
    std::vector<std::string> keys;
    keys.reserve(stamps.size());
    for (const auto& stamp : stamps) keys.push_back(path_key(stamp.path));
    bool sorted = std::is_sorted(keys.begin(), keys.end()) &&
                  std::adjacent_find(keys.begin(), keys.end()) == keys.end();
    for (std::size_t index = 0; index < stamps.size(); ++index)
        put(Table::inputs, keys[index], path_value(stamps[index].path, encode_stamp(stamps[index])),
            sorted ? MDB_APPEND : 0u);
}

void WriteTxn::put_input(const cache::FileStamp& stamp) {
    put(Table::inputs, path_key(stamp.path), path_value(stamp.path, encode_stamp(stamp)));
}
void WriteTxn::remove_input(std::string_view path) { del(Table::inputs, path_key(path)); }

void WriteTxn::replace_tree_lists(const std::vector<std::string>& touched, const std::vector<std::string>& strays) {
    for (auto [table, paths] : {std::pair{Table::touched, &touched}, std::pair{Table::strays, &strays}}) {
        check(mdb_drop(txn_->txn, (*store_->env_)[table], 0), "clear tree list");
        for (const auto& path : *paths) put(table, path_key(path), path_value(path, {}));
    }
}

bool WriteTxn::commit() {
    if (!txn_->txn) return false;
    try {
        if (head_set_) put(Table::head, kHeadKey, encode_head(head_));
    } catch (const Damaged&) {
        return false;
    }
    int rc = mdb_txn_commit(txn_->txn);
    txn_->txn = nullptr;  // committed or freed by LMDB either way
    if (rc != MDB_SUCCESS) return false;
    write_seal(store_->file_);
    return true;
}

}  // namespace shnor::record
