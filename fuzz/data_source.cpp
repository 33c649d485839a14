// A fetched shared source as the pipeline reads it: source_as_json (CSV,
// JSON or YAML, picked by the first byte), the layouts' data made of it
// (view::data_of_json), and the rows of a `results` source.
#include "scratch_content.hpp"

#include "load/load.hpp"
#include "pipeline/sources.hpp"
#include "view/json_data.hpp"

#include <array>
#include <exception>
#include <string>

namespace {
constexpr std::array kFormats = {"csv", "json", "yaml"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto [index, bytes] = shnor::fuzz::pick(data, size, kFormats.size());
    std::string body(bytes);
    nlohmann::json json;
    try {
        json = shnor::pipeline::source_as_json(body, kFormats[index]);
    } catch (const std::exception&) {
        return 0;  // fetch_shared_data reports it as «не читается как …»
    }
    shnor::view::data_of_json(json);
    shnor::model::Diagnostics diagnostics;
    shnor::load::parse_shared_results(body, kFormats[index], "https://example.org/data", diagnostics);
    return 0;
}
