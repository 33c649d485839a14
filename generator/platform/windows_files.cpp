#ifdef _WIN32

#include "platform/windows_files.hpp"

#include <windows.h>

#include <algorithm>

namespace shnor::platform {

namespace {

// FILETIME counts 100 ns from 1601; the stamps count nanoseconds from 1970.
constexpr std::int64_t kFiletimeOfUnixEpoch = 116444736000000000;

std::int64_t unix_ns_of(std::int64_t filetime) { return (filetime - kFiletimeOfUnixEpoch) * 100; }

FileKind kind_of(DWORD attributes) {
    if (attributes & FILE_ATTRIBUTE_REPARSE_POINT) return FileKind::reparse_point;
    if (attributes & FILE_ATTRIBUTE_DIRECTORY) return FileKind::folder;
    if (attributes & FILE_ATTRIBUTE_DEVICE) return FileKind::other;
    return FileKind::file;
}

FileHandle open_with(const std::filesystem::path& path, DWORD share, DWORD flags) {
    HANDLE handle = CreateFileW(path.c_str(), GENERIC_READ, share, nullptr, OPEN_EXISTING,
                                FILE_FLAG_BACKUP_SEMANTICS | flags, nullptr);  // BACKUP_SEMANTICS: folders too
    return handle == INVALID_HANDLE_VALUE ? FileHandle() : FileHandle(handle);
}

}  // namespace

FileHandle::~FileHandle() {
    if (handle_) CloseHandle(handle_);
}

FileHandle open_no_follow(const std::filesystem::path& path, bool hold_in_place) {
    DWORD share = FILE_SHARE_READ | FILE_SHARE_WRITE | (hold_in_place ? 0 : FILE_SHARE_DELETE);
    return open_with(path, share, FILE_FLAG_OPEN_REPARSE_POINT);
}

FileHandle open_following(const std::filesystem::path& path) {
    return open_with(path, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, 0);
}

FileFacts facts_of(const FileHandle& handle) {
    FileFacts facts;
    BY_HANDLE_FILE_INFORMATION info{};
    if (!handle.valid() || !GetFileInformationByHandle(handle.get(), &info)) return facts;
    facts.kind = kind_of(info.dwFileAttributes);
    if (facts.kind == FileKind::file && GetFileType(handle.get()) != FILE_TYPE_DISK) facts.kind = FileKind::other;
    facts.size = (std::uint64_t(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
    facts.mtime_ns = unix_ns_of(static_cast<std::int64_t>((std::uint64_t(info.ftLastWriteTime.dwHighDateTime) << 32) |
                                                          info.ftLastWriteTime.dwLowDateTime));
    return facts;
}

FileFacts facts_of(const FileHandle& handle, const std::filesystem::path& path) {
    FileFacts facts = facts_of(handle);
    DWORD attributes = GetFileAttributesW(path.c_str());
    if (facts.kind != FileKind::missing && attributes != INVALID_FILE_ATTRIBUTES &&
        (attributes & FILE_ATTRIBUTE_REPARSE_POINT))
        facts.kind = FileKind::reparse_point;
    return facts;
}

FileFacts facts_without_opening(const std::filesystem::path& path) {
    FileFacts facts;
    if (path.filename().native().find_first_of(L"*?") != std::wstring::npos) return facts;  // a pattern, not a name
    WIN32_FIND_DATAW found{};
    HANDLE search = FindFirstFileExW(path.c_str(), FindExInfoBasic, &found, FindExSearchNameMatch, nullptr, 0);
    if (search == INVALID_HANDLE_VALUE) return facts;
    FindClose(search);
    facts.kind = kind_of(found.dwFileAttributes);
    facts.size = (std::uint64_t(found.nFileSizeHigh) << 32) | found.nFileSizeLow;
    facts.mtime_ns = unix_ns_of(static_cast<std::int64_t>((std::uint64_t(found.ftLastWriteTime.dwHighDateTime) << 32) |
                                                          found.ftLastWriteTime.dwLowDateTime));
    return facts;
}

bool list_folder(const FileHandle& folder, std::vector<FolderEntry>& entries) {
    // DWORD-aligned, as the entries it receives must be.
    alignas(8) static thread_local char buffer[64 * 1024];
    FILE_INFO_BY_HANDLE_CLASS request = FileIdBothDirectoryRestartInfo;
    for (;;) {
        if (!GetFileInformationByHandleEx(folder.get(), request, buffer, sizeof buffer))
            return GetLastError() == ERROR_NO_MORE_FILES;
        request = FileIdBothDirectoryInfo;
        for (std::size_t at = 0;;) {
            const auto* item = reinterpret_cast<const FILE_ID_BOTH_DIR_INFO*>(buffer + at);
            std::wstring name(item->FileName, item->FileNameLength / sizeof(wchar_t));
            if (name != L"." && name != L"..") {
                FolderEntry entry;
                entry.name = utf8_of(name);
                entry.facts.kind = kind_of(item->FileAttributes);
                entry.facts.size = static_cast<std::uint64_t>(item->EndOfFile.QuadPart);
                entry.facts.mtime_ns = unix_ns_of(item->LastWriteTime.QuadPart);
                entries.push_back(std::move(entry));
            }
            if (item->NextEntryOffset == 0) break;
            at += item->NextEntryOffset;
        }
    }
}

long long read_some(const FileHandle& file, char* data, std::size_t size) {
    DWORD got = 0;
    DWORD wanted = static_cast<DWORD>(std::min<std::size_t>(size, 1u << 30));
    if (!ReadFile(file.get(), data, wanted, &got, nullptr)) return -1;
    return got;
}

std::string utf8_of(const std::wstring& text) {
    if (text.empty()) return {};
    int size = WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0, nullptr, nullptr);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), bytes.data(), size, nullptr, nullptr);
    return bytes;
}

}  // namespace shnor::platform

#endif
