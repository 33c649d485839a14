// Cyrillic names in the content folder, the case of every district: the
// folder, its files and the paths content writes are read, stamped and
// checked with their Russian names, and a link to a folder outside is
// refused under a Cyrillic name too. On Windows (under wine in
// packaging/windows/) this is where UTF-8 text and UTF-16 paths meet.
#include "cache/fingerprint.hpp"
#include "load/content_access.hpp"
#include "load/load.hpp"
#include "platform/utf8_path.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>
#include <cstring>
#include <string>

#ifdef _WIN32
#include <windows.h>
#include <winioctl.h>
#include <process.h>
#else
#include <unistd.h>
#endif

namespace fs = std::filesystem;
using shnor::platform::path_from_utf8;

namespace {

int process_id() {
#ifdef _WIN32
    return _getpid();
#else
    return ::getpid();
#endif
}

#ifdef _WIN32
// A junction (a folder's link, no privilege needed on Windows); under wine,
// which has neither junctions nor symbolic links of its own (wine 8.0:
// FSCTL_SET_REPARSE_POINT is not supported and CreateSymbolicLinkW makes
// nothing), a Unix symbolic link made with `start /unix /bin/ln`.
bool make_junction(const fs::path& target, const fs::path& link) {
    fs::create_directory(link);
    HANDLE folder = CreateFileW(link.c_str(), GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                                FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (folder == INVALID_HANDLE_VALUE) return false;
    std::wstring substitute = L"\\??\\" + fs::absolute(target).wstring(), print = fs::absolute(target).wstring();
    std::vector<char> buffer(16 + (substitute.size() + print.size() + 2) * sizeof(wchar_t));
    auto put16 = [&](std::size_t at, std::size_t value) {
        buffer[at] = static_cast<char>(value & 0xFF);
        buffer[at + 1] = static_cast<char>(value >> 8);
    };
    DWORD tag = IO_REPARSE_TAG_MOUNT_POINT;
    std::memcpy(buffer.data(), &tag, 4);
    put16(4, buffer.size() - 8);                               // ReparseDataLength
    put16(8, 0);                                               // SubstituteNameOffset
    put16(10, substitute.size() * sizeof(wchar_t));            // SubstituteNameLength
    put16(12, (substitute.size() + 1) * sizeof(wchar_t));      // PrintNameOffset
    put16(14, print.size() * sizeof(wchar_t));                 // PrintNameLength
    std::memcpy(buffer.data() + 16, substitute.c_str(), substitute.size() * sizeof(wchar_t));
    std::memcpy(buffer.data() + 16 + (substitute.size() + 1) * sizeof(wchar_t), print.c_str(),
                print.size() * sizeof(wchar_t));
    DWORD returned = 0;
    BOOL made = DeviceIoControl(folder, FSCTL_SET_REPARSE_POINT, buffer.data(), static_cast<DWORD>(buffer.size()),
                                nullptr, 0, &returned, nullptr);
    CloseHandle(folder);
    if (!made) fs::remove(link);
    return made;
}

std::string unix_path_under_wine(const fs::path& path) {
    using UnixName = char*(__cdecl*)(const wchar_t*);
    auto unix_name = reinterpret_cast<UnixName>(
        reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name")));
    if (!unix_name) return {};
    char* name = unix_name(fs::absolute(path).c_str());
    std::string text = name ? name : "";
    HeapFree(GetProcessHeap(), 0, name);
    return text;
}

// Wide: the narrow std::system() would pass Russian names through the ANSI code page.
int run_wide(const std::string& command) {
    std::wstring wide(command.size(), L'\0');
    wide.resize(static_cast<std::size_t>(MultiByteToWideChar(CP_UTF8, 0, command.data(), static_cast<int>(command.size()),
                                                             wide.data(), static_cast<int>(wide.size()))));
    return _wsystem(wide.c_str());
}

// The link itself, never what it points to: libstdc++'s remove_all would go
// into it (under wine it lists the target's files as the link's).
void remove_folder_link(const fs::path& link) {
    if (RemoveDirectoryW(link.c_str())) return;
    std::string unix_link = unix_path_under_wine(link);
    if (!unix_link.empty()) run_wide("start /wait /unix /bin/rm -f \"" + unix_link + "\"");
}

void make_folder_link(const fs::path& target, const fs::path& link) {
    if (make_junction(target, link)) return;
    std::string unix_target = unix_path_under_wine(target), unix_link = unix_path_under_wine(link);
    REQUIRE_FALSE(unix_target.empty());  // neither Windows nor wine
    REQUIRE(run_wide("start /wait /unix /bin/ln -s \"" + unix_target + "\" \"" + unix_link + "\"") == 0);
    REQUIRE(fs::exists(link));
}
#else
void make_folder_link(const fs::path& target, const fs::path& link) { fs::create_directory_symlink(target, link); }
void remove_folder_link(const fs::path& link) { fs::remove(link); }
#endif

class CyrillicTree {
public:
    CyrillicTree() {
        static std::atomic<int> counter{0};
        // The clock too: wine gives the same process id run after run.
        auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        base_ = fs::temp_directory_path() / path_from_utf8("shnor-кириллица-" + std::to_string(process_id()) + "-" +
                                                           std::to_string(now) + "-" + std::to_string(counter++));
        root_ = base_ / path_from_utf8("материалы");
        fs::create_directories(root_);
        file("site.yaml", "title: Сайт района\nbase_url: https://example.org/shnor\n");
    }
    ~CyrillicTree() {
        for (const auto& link : links_) remove_folder_link(link);
        std::error_code ignored;
        fs::remove_all(base_, ignored);
    }
    CyrillicTree& folder_link(const std::string& relative, const fs::path& target) {
        fs::path link = root_ / path_from_utf8(relative);
        fs::create_directories(link.parent_path());
        links_.push_back(link);
        make_folder_link(target, link);
        return *this;
    }
    CyrillicTree& file(const std::string& relative, const std::string& bytes) {
        write(root_ / path_from_utf8(relative), bytes);
        return *this;
    }
    static void write(const fs::path& path, const std::string& bytes) {
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << bytes;
    }
    const fs::path& root() const { return root_; }
    fs::path outside() const { return base_ / path_from_utf8("снаружи"); }

private:
    fs::path base_, root_;
    std::vector<fs::path> links_;
};

const shnor::cache::FileStamp* stamp_of(const std::vector<shnor::cache::FileStamp>& stamps, const std::string& path) {
    auto found = std::find_if(stamps.begin(), stamps.end(), [&](const auto& stamp) { return stamp.path == path; });
    return found == stamps.end() ? nullptr : &*found;
}

std::string all_messages(const shnor::model::Diagnostics& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics.items()) text += d.format() + "\n";
    return text;
}

bool has_error(const shnor::model::Diagnostics& diagnostics, const std::string& file, const std::string& fragment) {
    return std::any_of(diagnostics.items().begin(), diagnostics.items().end(), [&](const auto& d) {
        return d.severity == shnor::model::Severity::error && d.file == file &&
               d.message.find(fragment) != std::string::npos;
    });
}

constexpr const char* kDocumentPath = "документы/приказ №1.pdf";
const std::string kDocumentBytes = "%PDF-1.4 приказ";

}  // namespace

TEST_CASE("cyrillic: a folder and files with Russian names are read, checked and stamped", "[cyrillic]") {
    CyrillicTree tree;
    tree.file(kDocumentPath, kDocumentBytes)
        .file("documents.yaml", std::string("- {id: prikaz, title: Приказ, file: ") + kDocumentPath + "}\n");

    auto entry = shnor::load::inspect_content_path(tree.root(), kDocumentPath);
    CHECK(entry.kind == shnor::load::EntryKind::file);
    CHECK(entry.size == kDocumentBytes.size());
    CHECK(shnor::load::inspect_content_path(tree.root(), "документы/нет.pdf").kind == shnor::load::EntryKind::missing);

    auto result = shnor::load::load_site(tree.root());
    INFO(all_messages(result.diagnostics));
    CHECK_FALSE(result.diagnostics.has_errors());
    REQUIRE(result.site.district.documents.size() == 1);
    const auto& document = result.site.district.documents[0];
    CHECK(document.site_path == kDocumentPath);
    // The path on disk the output copies the file from.
    std::ifstream copied(document.file_path, std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(copied), {}) == kDocumentBytes);

    auto stamps = shnor::cache::stamp_tree(tree.root());
    const auto* stamp = stamp_of(stamps, kDocumentPath);
    REQUIRE(stamp);
    CHECK(stamp->size == kDocumentBytes.size());
    // Nanoseconds since the Unix epoch on both systems (Windows counts from 1601).
    auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(std::abs(now_ns - stamp->mtime_ns) < std::int64_t(600) * 1'000'000'000);
#ifdef _WIN32
    // Windows keeps times in 100 ns steps: the stamp has all of them, or the
    // plan would take a file changed within the same second for unchanged.
    HANDLE handle = CreateFileW((tree.root() / path_from_utf8(kDocumentPath)).c_str(), FILE_WRITE_ATTRIBUTES,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING, 0, nullptr);
    REQUIRE(handle != INVALID_HANDLE_VALUE);
    constexpr std::uint64_t kFiletime = 133'000'000'001'234'567;  // in 2022, 1 234 567 steps past a second
    FILETIME written{static_cast<DWORD>(kFiletime), static_cast<DWORD>(kFiletime >> 32)};
    CHECK(SetFileTime(handle, nullptr, nullptr, &written));
    CloseHandle(handle);
    auto touched = shnor::cache::stamp_tree(tree.root());
    REQUIRE(stamp_of(touched, kDocumentPath));
    CHECK(stamp_of(touched, kDocumentPath)->mtime_ns == (std::int64_t(kFiletime) - 116444736000000000) * 100);
#endif
}

TEST_CASE("cyrillic: a link to a folder outside the content folder is refused", "[cyrillic][links]") {
    CyrillicTree tree;
    CyrillicTree::write(tree.outside() / path_from_utf8("секрет.pdf"), "secret: not for the site\n");
    tree.file("документы/своё.pdf", "%PDF")
        .file("documents.yaml", "- {id: s, title: Секрет, file: документы/ссылка/секрет.pdf}\n");
    tree.folder_link("документы/ссылка", tree.outside());

    auto entry = shnor::load::inspect_content_path(tree.root(), "документы/ссылка/секрет.pdf");
    CHECK(entry.kind == shnor::load::EntryKind::link);
    CHECK(entry.link == "документы/ссылка");
    CHECK(shnor::load::inspect_content_path(tree.root(), "документы/ссылка").kind == shnor::load::EntryKind::link);

    auto result = shnor::load::load_site(tree.root());
    INFO(all_messages(result.diagnostics));
    CHECK(has_error(result.diagnostics, "документы/ссылка", shnor::load::kLinkRefused));
    CHECK(has_error(result.diagnostics, "documents.yaml", "ведёт через символическую ссылку «документы/ссылка»"));
    CHECK(result.site.district.documents.at(0).site_path.empty());

    auto stamps = shnor::cache::stamp_tree(tree.root());
    CHECK(stamp_of(stamps, "документы/своё.pdf"));
    CHECK_FALSE(stamp_of(stamps, "документы/ссылка/секрет.pdf"));
}

TEST_CASE("cyrillic: drive letters, streams and backslashes do not leave the content folder", "[cyrillic]") {
    CyrillicTree tree;
    CyrillicTree::write(tree.outside() / path_from_utf8("секрет.pdf"), "secret: not for the site\n");
    tree.file("документы/своё.pdf", "%PDF")
        .file("documents.yaml",
              "- {id: a, title: А, file: 'C:/Windows/win.ini'}\n"
              "- {id: b, title: Б, file: 'C:секрет.pdf'}\n"
              "- {id: c, title: В, file: 'документы/своё.pdf:поток'}\n"
              "- {id: d, title: Г, file: '..\\снаружи\\секрет.pdf'}\n"
              "- {id: e, title: Д, file: 'документы\\..\\..\\снаружи\\секрет.pdf'}\n"
              "- {id: f, title: Е, file: документы/своё.pdf}\n");
    auto result = shnor::load::load_site(tree.root());
    INFO(all_messages(result.diagnostics));
    const auto& documents = result.site.district.documents;
    REQUIRE(documents.size() == 6);
    for (std::size_t index = 0; index < 5; ++index) {
        INFO("document " << index + 1);
        CHECK(documents[index].site_path.empty());
        CHECK(documents[index].file_path.empty());
    }
    CHECK(documents[5].site_path == "документы/своё.pdf");
    CHECK(result.diagnostics.error_count() == 5);
}
