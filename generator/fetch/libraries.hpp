// libcurl and libcrypto, opened on first use. Linked directly, they and the
// some 30 libraries libcurl needs are loaded and relocated at every start of
// shnor: about 20 ms, most of a build that finds nothing changed and so
// never fetches (see "How a build runs" in docs/ARCHITECTURE.md).
#pragma once

#include <curl/curl.h>
#include <openssl/evp.h>

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
};

struct CryptoLibrary {
    decltype(&::EVP_Digest) digest;
    decltype(&::EVP_sha256) sha256;
};

// Thread-safe; throw std::runtime_error when the library cannot be opened.
const CurlLibrary& curl();
const CryptoLibrary& crypto();

}  // namespace shnor::fetch
