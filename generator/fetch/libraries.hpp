// libcurl and libcrypto, opened on first use. Linked directly, they and the
// some 30 libraries libcurl needs are loaded and relocated at every start of
// shnor: about 20 ms, most of a build that finds nothing changed and so
// never fetches (see "How a build runs" in docs/ARCHITECTURE.md).
// shnor.exe links libcurl statically and hashes with Windows' own CNG
// instead of libcrypto (docs/windows.md): the same structs, bound as linked.
#pragma once

#include <curl/curl.h>
#ifdef _WIN32
#include <string_view>
#else
#include <openssl/evp.h>
#endif

#include <optional>
#include <string>

namespace shnor::fetch {

// The functions of libcurl that fetch calls, named without their prefix.
struct CurlLibrary {
    decltype(&::curl_global_init) global_init;
    decltype(&::curl_version_info) version_info;
    decltype(&::curl_easy_init) easy_init;
    decltype(&::curl_easy_setopt) easy_setopt;
    decltype(&::curl_easy_getinfo) easy_getinfo;
    decltype(&::curl_easy_strerror) easy_strerror;
    decltype(&::curl_easy_cleanup) easy_cleanup;
    decltype(&::curl_multi_init) multi_init;
    decltype(&::curl_multi_add_handle) multi_add_handle;
    decltype(&::curl_multi_remove_handle) multi_remove_handle;
    decltype(&::curl_multi_perform) multi_perform;
    decltype(&::curl_multi_info_read) multi_info_read;
    decltype(&::curl_multi_poll) multi_poll;
    decltype(&::curl_multi_cleanup) multi_cleanup;
    decltype(&::curl_slist_append) slist_append;
    decltype(&::curl_slist_free_all) slist_free_all;
    decltype(&::curl_url) url;
    decltype(&::curl_url_set) url_set;
    decltype(&::curl_url_get) url_get;
    decltype(&::curl_url_cleanup) url_cleanup;
    decltype(&::curl_free) free;
};

#ifdef _WIN32
struct CryptoLibrary {
    // SHA-256 of bytes into digest; false when the system cannot compute it.
    bool (*sha256)(std::string_view bytes, unsigned char (&digest)[32]);
};
#else
struct CryptoLibrary {
    decltype(&::EVP_Digest) digest;
    decltype(&::EVP_sha256) sha256;
};
#endif

// Thread-safe; throw std::runtime_error when the library cannot be opened.
const CurlLibrary& curl();
const CryptoLibrary& crypto();

// `reference` (a link as written in a page) resolved against `base` (the
// page's absolute address) by libcurl's URL parser, as a browser resolves
// it; nullopt when libcurl finds either malformed.
std::optional<std::string> resolved_url(const std::string& base, const std::string& reference);

}  // namespace shnor::fetch
