#include "fetch/libraries.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace shnor::fetch {

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
