#include "fetch/libraries.hpp"

#ifdef _WIN32
#include <windows.h>
#include <bcrypt.h>

#include <climits>
#else
#include <dlfcn.h>
#endif

#include <stdexcept>
#include <string>

namespace shnor::fetch {

#ifdef _WIN32

namespace {

bool cng_sha256(std::string_view bytes, unsigned char (&digest)[32]) {
    static const BCRYPT_ALG_HANDLE algorithm = [] {
        BCRYPT_ALG_HANDLE opened = nullptr;
        return BCRYPT_SUCCESS(::BCryptOpenAlgorithmProvider(&opened, BCRYPT_SHA256_ALGORITHM, nullptr, 0)) ? opened
                                                                                                          : nullptr;
    }();
    if (!algorithm || bytes.size() > ULONG_MAX) return false;
    BCRYPT_HASH_HANDLE hash = nullptr;
    if (!BCRYPT_SUCCESS(::BCryptCreateHash(algorithm, &hash, nullptr, 0, nullptr, 0, 0))) return false;
    auto input = reinterpret_cast<PUCHAR>(const_cast<char*>(bytes.data()));
    bool done = BCRYPT_SUCCESS(::BCryptHashData(hash, input, static_cast<ULONG>(bytes.size()), 0)) &&
                BCRYPT_SUCCESS(::BCryptFinishHash(hash, digest, sizeof digest, 0));
    ::BCryptDestroyHash(hash);
    return done;
}

}  // namespace

const CurlLibrary& curl() {
    static const CurlLibrary linked{
        .global_init = &::curl_global_init,
        .version_info = &::curl_version_info,
        .easy_init = &::curl_easy_init,
        .easy_setopt = &::curl_easy_setopt,
        .easy_getinfo = &::curl_easy_getinfo,
        .easy_strerror = &::curl_easy_strerror,
        .easy_cleanup = &::curl_easy_cleanup,
        .multi_init = &::curl_multi_init,
        .multi_add_handle = &::curl_multi_add_handle,
        .multi_remove_handle = &::curl_multi_remove_handle,
        .multi_perform = &::curl_multi_perform,
        .multi_info_read = &::curl_multi_info_read,
        .multi_poll = &::curl_multi_poll,
        .multi_cleanup = &::curl_multi_cleanup,
        .slist_append = &::curl_slist_append,
        .slist_free_all = &::curl_slist_free_all,
        .url = &::curl_url,
        .url_set = &::curl_url_set,
        .url_get = &::curl_url_get,
        .url_cleanup = &::curl_url_cleanup,
        .free = &::curl_free,
    };
    return linked;
}

const CryptoLibrary& crypto() {
    static const CryptoLibrary linked{.sha256 = &cng_sha256};
    return linked;
}

#else

namespace {

std::string last_error() {
    const char* error = ::dlerror();
    return error ? error : "";
}

// A library missing or broken on this system is a message the user can act
// on (which Debian package to install), never an abort: the callers catch it.
std::runtime_error library_error(const char* soname, const char* package, const std::string& detail) {
    return std::runtime_error(std::string("не удалось загрузить библиотеку ") + soname +
                              ", без неё общие данные (sources) не загружаются; установите пакет " + package +
                              " (apt install " + package + "): " + detail);
}

void* open_library(const char* soname, const char* package) {
    void* library = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!library) throw library_error(soname, package, last_error());
    return library;  // never closed: its functions are used until exit
}

template <class Function>
void bind(void* library, const char* soname, const char* package, const char* name, Function& function) {
    function = reinterpret_cast<Function>(::dlsym(library, name));
    if (!function) throw library_error(soname, package, std::string("нет функции ") + name + ": " + last_error());
}

constexpr const char* kCurlPackage = "libcurl4";
constexpr const char* kCryptoPackage = "libssl3";

CurlLibrary load_curl() {
    void* library = open_library(SHNOR_LIBCURL_SONAME, kCurlPackage);
    auto bind_curl = [&](const char* name, auto& function) {
        bind(library, SHNOR_LIBCURL_SONAME, kCurlPackage, name, function);
    };
    CurlLibrary functions{};
    bind_curl("curl_global_init", functions.global_init);
    bind_curl("curl_version_info", functions.version_info);
    bind_curl("curl_easy_init", functions.easy_init);
    bind_curl("curl_easy_setopt", functions.easy_setopt);
    bind_curl("curl_easy_getinfo", functions.easy_getinfo);
    bind_curl("curl_easy_strerror", functions.easy_strerror);
    bind_curl("curl_easy_cleanup", functions.easy_cleanup);
    bind_curl("curl_multi_init", functions.multi_init);
    bind_curl("curl_multi_add_handle", functions.multi_add_handle);
    bind_curl("curl_multi_remove_handle", functions.multi_remove_handle);
    bind_curl("curl_multi_perform", functions.multi_perform);
    bind_curl("curl_multi_info_read", functions.multi_info_read);
    bind_curl("curl_multi_poll", functions.multi_poll);
    bind_curl("curl_multi_cleanup", functions.multi_cleanup);
    bind_curl("curl_slist_append", functions.slist_append);
    bind_curl("curl_slist_free_all", functions.slist_free_all);
    bind_curl("curl_url", functions.url);
    bind_curl("curl_url_set", functions.url_set);
    bind_curl("curl_url_get", functions.url_get);
    bind_curl("curl_url_cleanup", functions.url_cleanup);
    bind_curl("curl_free", functions.free);
    return functions;
}

CryptoLibrary load_crypto() {
    void* library = open_library(SHNOR_LIBCRYPTO_SONAME, kCryptoPackage);
    CryptoLibrary functions{};
    bind(library, SHNOR_LIBCRYPTO_SONAME, kCryptoPackage, "EVP_Digest", functions.digest);
    bind(library, SHNOR_LIBCRYPTO_SONAME, kCryptoPackage, "EVP_sha256", functions.sha256);
    return functions;
}

}  // namespace

const CurlLibrary& curl() {
    static const CurlLibrary loaded = load_curl();
    return loaded;
}

const CryptoLibrary& crypto() {
    static const CryptoLibrary loaded = load_crypto();
    return loaded;
}

#endif

std::optional<std::string> resolved_url(const std::string& base, const std::string& reference) {
    const CurlLibrary& library = curl();
    CURLU* url = library.url();
    if (!url) return std::nullopt;
    std::optional<std::string> resolved;
    // A second URL set on a handle that holds one is read relative to it.
    if (library.url_set(url, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
        library.url_set(url, CURLUPART_URL, reference.c_str(), 0) == CURLUE_OK) {
        char* text = nullptr;
        if (library.url_get(url, CURLUPART_URL, &text, 0) == CURLUE_OK && text) resolved = text;
        if (text) library.free(text);
    }
    library.url_cleanup(url);
    return resolved;
}

}  // namespace shnor::fetch
