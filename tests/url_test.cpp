#include "model/url.hpp"

#include <catch2/catch.hpp>

using shnor::model::is_allowed_url;
using shnor::model::is_site_address;
using shnor::model::percent_encoded_path;
using shnor::model::url_kind;
using shnor::model::UrlKind;

TEST_CASE("url: schemes a link may have, read as a browser reads them", "[url]") {
    CHECK(url_kind("https://example.org/a?b#c") == UrlKind::web);
    CHECK(url_kind("HTTP://example.org") == UrlKind::web);
    CHECK(url_kind("mailto:edu@example.org") == UrlKind::mailto);
    CHECK(url_kind("tel:+73836100001") == UrlKind::tel);
    for (const char* relative : {"files/a.pdf", "../x/", "prikaz-145-2024", "#top", "?q=1", "/shnor/", "files/a:b.pdf",
                                 "Приказ:1", "1http://x"})
        CHECK(url_kind(relative) == UrlKind::relative);
    for (const char* bad : {"javascript:alert(1)", "JavaScript:alert(1)", " \t javascript:alert(1)",
                            "\x01\x02javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:x", "jav\rascript:x",
                            "data:text/html;base64,PHNjcmlwdD4=", "DATA:image/png,x", "vbscript:msgbox(1)",
                            "VbScRiPt:x", "file:///etc/passwd", "ftp://example.org", "//evil.example/x",
                            "\\\\evil.example\\x", " //evil.example", "/\\evil.example", "a:b"}) {
        INFO(bad);
        CHECK(url_kind(bad) == UrlKind::forbidden);
        CHECK_FALSE(is_allowed_url(bad));
    }
}

TEST_CASE("url: the address a site is published at", "[url]") {
    for (const char* good : {"https://example.org/", "http://example.org", "https://kromy-edu.example/shnor/",
                             "https://example.org:8443/a/b/", "https://пример.рф/шнор/"})
        CHECK(is_site_address(good));
    for (const char* bad : {"", "example.org", "javascript:alert(1)//", "https://", "https:///x", "https://a b/",
                            " https://example.org/", "https://example.org/\"onload=x", "https://example.org/<x>",
                            "https://example.org/\n", "ftp://example.org/", "https://example.org\\x"}) {
        INFO(bad);
        CHECK_FALSE(is_site_address(bad));
    }
}

TEST_CASE("url: file paths are percent-encoded where a character would end or change the URL", "[url]") {
    CHECK(percent_encoded_path("files/prikaz-145.pdf") == "files/prikaz-145.pdf");
    CHECK(percent_encoded_path("files/Приказ #5 (100%)?.pdf") == "files/Приказ%20%235%20(100%25)%3F.pdf");
    CHECK(percent_encoded_path("a:b/c\"d'e<f>g\\h") == "a%3Ab/c%22d%27e%3Cf%3Eg%5Ch");
    CHECK(percent_encoded_path(std::string("x\x01\x7Fy", 4)) == "x%01%7Fy");
    CHECK(percent_encoded_path("a&b=c,d;e+f@g~h!") == "a&b=c,d;e+f@g~h!");
}
