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

void* open_library(const char* soname) {
    void* library = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!library) throw std::runtime_error(std::string("не удалось загрузить ") + soname + ": " + last_error());
    return library;  // never closed: its functions are used until exit
}

template <class Function>
void bind(void* library, const char* name, Function& function) {
    function = reinterpret_cast<Function>(::dlsym(library, name));
    if (!function) throw std::runtime_error(std::string("нет функции ") + name + ": " + last_error());
}

CurlLibrary load_curl() {
    void* library = open_library(SHNOR_LIBCURL_SONAME);
    CurlLibrary functions{};
    bind(library, "curl_global_init", functions.global_init);
    bind(library, "curl_version_info", functions.version_info);
    bind(library, "curl_easy_init", functions.easy_init);
    bind(library, "curl_easy_setopt", functions.easy_setopt);
    bind(library, "curl_easy_getinfo", functions.easy_getinfo);
    bind(library, "curl_easy_strerror", functions.easy_strerror);
    bind(library, "curl_easy_cleanup", functions.easy_cleanup);
    bind(library, "curl_multi_init", functions.multi_init);
    bind(library, "curl_multi_add_handle", functions.multi_add_handle);
    bind(library, "curl_multi_remove_handle", functions.multi_remove_handle);
    bind(library, "curl_multi_perform", functions.multi_perform);
    bind(library, "curl_multi_info_read", functions.multi_info_read);
    bind(library, "curl_multi_poll", functions.multi_poll);
    bind(library, "curl_multi_cleanup", functions.multi_cleanup);
    bind(library, "curl_slist_append", functions.slist_append);
    bind(library, "curl_slist_free_all", functions.slist_free_all);
    return functions;
}

CryptoLibrary load_crypto() {
    void* library = open_library(SHNOR_LIBCRYPTO_SONAME);
    CryptoLibrary functions{};
    bind(library, "EVP_Digest", functions.digest);
    bind(library, "EVP_sha256", functions.sha256);
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

}  // namespace shnor::fetch
