#include "import/zip_archive.hpp"

#include "import/table.hpp"

#ifndef _WIN32
#include <dlfcn.h>
#endif
#include <zip.h>

#include <memory>
#include <type_traits>

namespace shnor::import {

namespace {

// libzip is opened on first use, like libcurl (fetch/libraries.hpp):
// Debian's links libssl and libcrypto, which would otherwise load at every
// start of shnor (sources_test checks they do not).
struct ZipLibrary {
    decltype(&::zip_open) open;
    decltype(&::zip_close) close;
    decltype(&::zip_stat_init) stat_init;
    decltype(&::zip_stat) stat;
    decltype(&::zip_fopen) fopen;
    decltype(&::zip_fread) fread;
    decltype(&::zip_fclose) fclose;
};

#ifdef _WIN32
// shnor.exe links libzip statically (docs/windows.md), as libxlsxwriter.
const ZipLibrary& zip_library() {
    static const ZipLibrary linked{
        .open = &::zip_open,
        .close = &::zip_close,
        .stat_init = &::zip_stat_init,
        .stat = &::zip_stat,
        .fopen = &::zip_fopen,
        .fread = &::zip_fread,
        .fclose = &::zip_fclose,
    };
    return linked;
}
#else
const ZipLibrary& zip_library() {
    static const ZipLibrary loaded = [] {
        auto fail = [](const std::string& detail) {
            return ImportError(std::string("не удалось загрузить библиотеку ") + SHNOR_LIBZIP_SONAME +
                               ", без неё документы .docx и .xlsx не читаются; установите пакет libzip4 "
                               "(apt install libzip4): " + detail);
        };
        void* handle = ::dlopen(SHNOR_LIBZIP_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* error = ::dlerror();
            throw fail(error ? error : "");
        }
        ZipLibrary functions{};
        auto bind = [&](const char* name, auto& function) {
            function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(::dlsym(handle, name));
            if (!function) throw fail(std::string("нет функции ") + name);
        };
        bind("zip_open", functions.open);
        bind("zip_close", functions.close);
        bind("zip_stat_init", functions.stat_init);
        bind("zip_stat", functions.stat);
        bind("zip_fopen", functions.fopen);
        bind("zip_fread", functions.fread);
        bind("zip_fclose", functions.fclose);
        return functions;
    }();
    return loaded;
}
#endif

}  // namespace

std::optional<std::string> read_zip_member(const std::filesystem::path& file, const std::string& name,
                                           std::size_t limit) {
    const ZipLibrary& zip = zip_library();
    int error = 0;
#ifdef _WIN32
    // libzip's Windows file source takes the name as UTF-8 (and opens it by
    // its UTF-16 form): path::string() is UTF-8, c_str() UTF-16.
    std::unique_ptr<zip_t, decltype(zip.close)> archive(zip.open(file.string().c_str(), ZIP_RDONLY, &error), zip.close);
#else
    std::unique_ptr<zip_t, decltype(zip.close)> archive(zip.open(file.c_str(), ZIP_RDONLY, &error), zip.close);
#endif
    if (!archive)
        throw ImportError("«" + file.string() + "» не открывается как документ Office (.docx, .xlsx): это не ZIP-архив");
    zip_stat_t stat;
    zip.stat_init(&stat);
    if (zip.stat(archive.get(), name.c_str(), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE)) return std::nullopt;
    if (stat.size > limit)
        throw ImportError("«" + file.string() + "»: " + name + " больше " + std::to_string(limit >> 20) + " МБ");
    std::unique_ptr<zip_file_t, decltype(zip.fclose)> member(zip.fopen(archive.get(), name.c_str(), 0), zip.fclose);
    if (!member) throw ImportError("«" + file.string() + "»: не удалось прочитать " + name);
    std::string bytes(static_cast<std::size_t>(stat.size), '\0');
    zip_int64_t read = zip.fread(member.get(), bytes.data(), bytes.size());
    if (read < 0 || static_cast<std::size_t>(read) != bytes.size())
        throw ImportError("«" + file.string() + "»: " + name + " повреждён");
    return bytes;
}

}  // namespace shnor::import
