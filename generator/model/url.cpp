#include "model/url.hpp"

namespace shnor::model {

namespace {

bool is_c0_or_space(unsigned char c) { return c <= 0x20 || c == 0x7F; }

bool is_ascii_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_scheme_character(unsigned char c) {
    return is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

// What a browser's URL parser looks at (WHATWG URL, "basic URL parser"):
// leading and trailing C0 controls and spaces stripped, tabs and line
// breaks removed everywhere.
std::string as_browser_reads(std::string_view url) {
    std::size_t first = 0, last = url.size();
    while (first < last && is_c0_or_space(static_cast<unsigned char>(url[first]))) ++first;
    while (last > first && is_c0_or_space(static_cast<unsigned char>(url[last - 1]))) --last;
    std::string clean;
    for (char c : url.substr(first, last - first))
        if (c != '\t' && c != '\n' && c != '\r') clean += c;
    return clean;
}

std::string lower_ascii(std::string_view text) {
    std::string lower(text);
    for (auto& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lower;
}

bool is_slash(char c) { return c == '/' || c == '\\'; }

}  // namespace

UrlKind url_kind(std::string_view url) {
    std::string clean = as_browser_reads(url);
    // "//host/x" (and "\\host", which browsers read alike) leaves the site
    // with whatever scheme the page has: written out in full or not at all.
    if (clean.size() >= 2 && is_slash(clean[0]) && is_slash(clean[1])) return UrlKind::forbidden;
    if (clean.empty() || !is_ascii_letter(static_cast<unsigned char>(clean[0]))) return UrlKind::relative;
    std::size_t at = 1;
    while (at < clean.size() && is_scheme_character(static_cast<unsigned char>(clean[at]))) ++at;
    if (at == clean.size() || clean[at] != ':') return UrlKind::relative;  // no scheme: a path
    std::string scheme = lower_ascii(std::string_view(clean).substr(0, at));
    if (scheme == "http" || scheme == "https") return UrlKind::web;
    if (scheme == "mailto") return UrlKind::mailto;
    if (scheme == "tel") return UrlKind::tel;
    return UrlKind::forbidden;
}

bool is_allowed_url(std::string_view url) { return url_kind(url) != UrlKind::forbidden; }

bool is_site_address(std::string_view url) {
    std::string_view rest;
    if (url.substr(0, 7) == "http://") rest = url.substr(7);
    else if (url.substr(0, 8) == "https://") rest = url.substr(8);
    else return false;
    if (rest.empty() || rest[0] == '/' || rest[0] == ':' || rest[0] == '?' || rest[0] == '#') return false;
    for (char c : rest) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7F || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`')
            return false;
    }
    return true;
}

std::string percent_encoded_path(std::string_view path) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(path.size());
    for (char c : path) {
        auto byte = static_cast<unsigned char>(c);
        bool keep = byte >= 0x80 || (byte > 0x20 && byte != 0x7F &&
                                     std::string_view("\"#%:<>?[\\]^`{|}'").find(c) == std::string_view::npos);
        if (keep) {
            encoded += c;
        } else {
            encoded += '%';
            encoded += kHex[byte >> 4];
            encoded += kHex[byte & 0x0F];
        }
    }
    return encoded;
}

}  // namespace shnor::model
