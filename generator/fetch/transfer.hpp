// The network side of fetch: many downloads at once on one libcurl multi
// handle, with retries. Knows nothing about the cache.
#pragma once

#include "fetch/fetch.hpp"

#include <string>
#include <vector>

namespace shnor::fetch {

struct Request {
    std::string url;
    std::string etag;           // sent as If-None-Match when not empty
    std::string last_modified;  // sent as If-Modified-Since when not empty
    long total_timeout_ms = 30000;  // all attempts together, retries and their waits included
};

struct Response {
    bool ok = false;             // 2xx, 304, or a file: read
    bool not_modified = false;   // 304
    long http_status = 0;
    std::string body;
    std::string etag;
    std::string last_modified;
    std::string error;           // Russian reason without the URL, when !ok
    int attempts = 0;
    double seconds = 0;
};

// One response per request, in the same order. Never throws for network
// problems.
std::vector<Response> transfer_all(const std::vector<Request>& requests, const FetchOptions& options);

}  // namespace shnor::fetch
