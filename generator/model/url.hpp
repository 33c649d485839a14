// Which addresses content may put into a link, and how a file name becomes
// part of one. No I/O: load/ validates with these, view/ guards with them.
#pragma once

#include <string>
#include <string_view>

namespace shnor::model {

enum class UrlKind {
    web,       // http: or https:
    mailto,
    tel,
    relative,  // a path on this site (a document id in news links is one too)
    forbidden  // any other scheme (javascript:, data:, vbscript:, file: …) or //host
};

// Read as a browser reads an href: spaces and control characters around it
// are ignored and tabs and line breaks inside it are dropped, so
// " java\tscript:" is still javascript:.
UrlKind url_kind(std::string_view url);

// True for every kind but `forbidden`.
bool is_allowed_url(std::string_view url);

// The address a site is published at (base_url, --base-url): http:// or
// https://, a host, no spaces, quotes or control characters.
bool is_site_address(std::string_view url);

// A relative path of the output tree as it is written in an href or src:
// characters that would end or change the URL (space, #, ?, %, :, quotes,
// control characters …) are percent-encoded; '/' and other characters,
// UTF-8 letters included, stay as they are (browsers encode those).
std::string percent_encoded_path(std::string_view path);

}  // namespace shnor::model
