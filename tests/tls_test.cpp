// fetch over real TLS: a local HTTPS server (cpp-httplib, built with OpenSSL
// by Debian) whose certificate comes from a certificate authority made at
// test time, and fetch told about that authority through CURL_CA_BUNDLE or
// SSL_CERT_FILE (generator/fetch/transfer.cpp).
#include "fetch/fetch.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace shnor::fetch;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempFolder {
    fs::path path;
    TempFolder() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("shnor-tls-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempFolder() { fs::remove_all(path); }
};

struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertificateFree {
    void operator()(X509* certificate) const { X509_free(certificate); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Certificate = std::unique_ptr<X509, CertificateFree>;

Key new_key() {
    Key key(EVP_EC_gen("P-256"));
    REQUIRE(key);
    return key;
}

void add_extension(X509* certificate, X509V3_CTX& context, int nid, const char* value) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    REQUIRE(extension);
    REQUIRE(X509_add_ext(certificate, extension, -1) == 1);
    X509_EXTENSION_free(extension);
}

// A certificate for `key`, valid from an hour ago for a day, signed by
// `issuer` (self-signed when null). `alt_names` (subjectAltName) makes it a
// server's certificate; without them it is a certificate authority's.
Certificate new_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
                            const std::string& alt_names = {}) {
    static std::atomic<long> serial{1};
    Certificate certificate(X509_new());
    X509* cert = certificate.get();
    REQUIRE(X509_set_version(cert, 2) == 1);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    REQUIRE(X509_set_pubkey(cert, key) == 1);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);

    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    bool authority = alt_names.empty();
    add_extension(cert, context, NID_basic_constraints, authority ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_extension(cert, context, NID_key_usage,
                  authority ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
    add_extension(cert, context, NID_subject_key_identifier, "hash");
    if (!authority) {
        add_extension(cert, context, NID_authority_key_identifier, "keyid:always");
        add_extension(cert, context, NID_ext_key_usage, "serverAuth");
        add_extension(cert, context, NID_subject_alt_name, alt_names.c_str());
    }
    REQUIRE(X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return certificate;
}

void write_pem(const fs::path& path, X509* certificate) {
    std::FILE* file = std::fopen(path.c_str(), "w");
    REQUIRE(file);
    CHECK(PEM_write_X509(file, certificate) == 1);
    std::fclose(file);
}

// A test certificate authority, and its certificate as a PEM file.
struct TestAuthority {
    TempFolder folder;
    Key key = new_key();
    Certificate certificate = new_certificate(key.get(), "shnor test CA", nullptr, nullptr);
    fs::path pem = folder.path / "test-ca.pem";

    TestAuthority() { write_pem(pem, certificate.get()); }
};

// An HTTPS server on a free loopback port, in a background thread, with a
// certificate for `alt_names` signed by `authority`.
class TlsServer {
public:
    TlsServer(const TestAuthority& authority, const std::string& alt_names)
        : key_(new_key()),
          certificate_(new_certificate(key_.get(), "shnor test server", authority.certificate.get(),
                                       authority.key.get(), alt_names)),
          https_(certificate_.get(), key_.get()) {
        std::signal(SIGPIPE, SIG_IGN);
        REQUIRE(https_.is_valid());
        https_.Get("/data.csv", [](const httplib::Request&, httplib::Response& response) {
            response.set_content("scope,year\nregion,2024\n", "text/csv");
        });
        port_ = https_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { https_.listen_after_bind(); });
        for (int i = 0; i < 500 && !https_.is_running(); ++i) std::this_thread::sleep_for(2ms);
        REQUIRE(https_.is_running());
    }
    ~TlsServer() {
        https_.stop();
        if (thread_.joinable()) thread_.join();
    }
    std::string url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }

private:
    Key key_;
    Certificate certificate_;
    httplib::SSLServer https_;
    int port_ = 0;
    std::thread thread_;
};

// Sets the CA variables fetch reads for one test, and puts back what was there.
class CaEnvironment {
public:
    CaEnvironment(std::optional<std::string> curl_ca_bundle, std::optional<std::string> ssl_cert_file) {
        set("CURL_CA_BUNDLE", curl_ca_bundle);
        set("SSL_CERT_FILE", ssl_cert_file);
    }
    ~CaEnvironment() {
        for (const auto& [name, value] : saved_) {
            if (value) ::setenv(name.c_str(), value->c_str(), 1);
            else ::unsetenv(name.c_str());
        }
    }

private:
    void set(const std::string& name, const std::optional<std::string>& value) {
        const char* old = std::getenv(name.c_str());
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
        if (value) ::setenv(name.c_str(), value->c_str(), 1);
        else ::unsetenv(name.c_str());
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

FetchResult fetch_https(const std::string& url) {
    TempFolder cache;
    FetchOptions options;
    options.cache_dir = cache.path;
    options.connect_timeout_ms = 5000;
    options.total_timeout_ms = 10000;
    options.retries = 0;
    shnor::model::Source source;
    source.id = "region-results";
    source.url = url;
    source.role = "data";
    source.format = "csv";
    auto results = fetch_all({source}, options);
    REQUIRE(results.size() == 1);
    return results[0];
}

}  // namespace

TEST_CASE("tls: https works with the test CA given in CURL_CA_BUNDLE or SSL_CERT_FILE", "[fetch][network]") {
    TestAuthority authority;
    TlsServer server(authority, "IP:127.0.0.1,DNS:localhost");
    std::string url = server.url("/data.csv");

    SECTION("CURL_CA_BUNDLE") {
        CaEnvironment environment(authority.pem.string(), std::nullopt);
        auto result = fetch_https(url);
        CHECK(result.error == "");
        CHECK(result.state == CacheState::updated);
        CHECK(result.http_status == 200);
        CHECK(result.body == "scope,year\nregion,2024\n");
    }
    SECTION("SSL_CERT_FILE") {
        CaEnvironment environment(std::nullopt, authority.pem.string());
        auto result = fetch_https(url);
        CHECK(result.error == "");
        CHECK(result.state == CacheState::updated);
        CHECK(result.body == "scope,year\nregion,2024\n");
    }
}

TEST_CASE("tls: without the test CA the certificate is refused with a clear message", "[fetch][network]") {
    TestAuthority authority;
    TlsServer server(authority, "IP:127.0.0.1,DNS:localhost");
    std::string url = server.url("/data.csv");
    const std::string refused =
        url + ": сертификат сервера не прошёл проверку (если его выдал свой центр сертификации, укажите файл "
              "сертификата центра в переменной окружения CURL_CA_BUNDLE)";

    SECTION("the system's authorities only") {
        CaEnvironment environment(std::nullopt, std::nullopt);
        auto result = fetch_https(url);
        CHECK(result.state == CacheState::failed);
        CHECK(result.error == refused);
        CHECK(result.body.empty());
    }
    SECTION("another authority") {
        TestAuthority stranger;
        CaEnvironment environment(stranger.pem.string(), std::nullopt);
        auto result = fetch_https(url);
        CHECK(result.state == CacheState::failed);
        CHECK(result.error == refused);
    }
}

TEST_CASE("tls: a certificate for another host name is refused", "[fetch][network]") {
    TestAuthority authority;
    TlsServer server(authority, "DNS:other.example");
    CaEnvironment environment(authority.pem.string(), std::nullopt);
    std::string url = server.url("/data.csv");
    auto result = fetch_https(url);
    CHECK(result.state == CacheState::failed);
    CHECK(result.error.starts_with(url + ": сертификат сервера не прошёл проверку"));
}

TEST_CASE("tls: a missing CA file names the package and the variable to fix it", "[fetch][network]") {
    TestAuthority authority;
    TlsServer server(authority, "IP:127.0.0.1");
    CaEnvironment environment((authority.folder.path / "absent.pem").string(), std::nullopt);
    std::string url = server.url("/data.csv");
    auto result = fetch_https(url);
    CHECK(result.state == CacheState::failed);
    CHECK(result.error == url + ": не удалось прочитать сертификаты центров сертификации: установите пакет "
                                "ca-certificates или укажите файл сертификатов в переменной окружения "
                                "CURL_CA_BUNDLE");
}
