#include "pipeline/sources.hpp"

#include "load/csv.hpp"
#include "load/load.hpp"

#include <yaml-cpp/yaml.h>

namespace shnor::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json json_of_yaml(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence: {
            json list = json::array();
            for (const auto& item : node) list.push_back(json_of_yaml(item));
            return list;
        }
        case YAML::NodeType::Map: {
            json object = json::object();
            for (const auto& entry : node) object[entry.first.as<std::string>()] = json_of_yaml(entry.second);
            return object;
        }
        case YAML::NodeType::Scalar: return node.as<std::string>();
        default: return nullptr;
    }
}

json json_of_csv(const std::string& body) {
    auto table = load::parse_csv(load::decode_excel_text(body).text);
    json rows = json::array();
    if (table.records.empty()) return rows;
    const auto& header = table.records.front().cells;
    for (std::size_t r = 1; r < table.records.size(); ++r) {
        json row = json::object();
        const auto& cells = table.records[r].cells;
        for (std::size_t c = 0; c < header.size(); ++c) row[header[c]] = c < cells.size() ? cells[c] : "";
        rows.push_back(row);
    }
    return rows;
}

void report(const fetch::FetchResult& result, const model::Source& source, model::Diagnostics& diagnostics) {
    if (result.state == fetch::CacheState::failed)
        diagnostics.error(source.pos.file, source.pos.line, "sources", "источник «" + source.id + "»: " + result.error);
    else if (result.state == fetch::CacheState::stale)
        diagnostics.warning(source.pos.file, source.pos.line, "sources", "источник «" + source.id + "»: " + result.error);
    if (!result.warning.empty())
        diagnostics.warning(source.pos.file, source.pos.line, "sources", "источник «" + source.id + "»: " + result.warning);
}

}  // namespace

std::string resolved_url(const std::string& url, const fs::path& content_dir) {
    if (url.rfind("file:", 0) != 0 || url.rfind("file://", 0) == 0) return url;
    return "file://" + fs::absolute(content_dir / url.substr(5)).lexically_normal().string();
}

json source_as_json(const std::string& body, const std::string& format) {
    if (format == "csv") return json_of_csv(body);
    if (format == "json") return json::parse(body);
    return json_of_yaml(YAML::Load(body));
}

SharedData fetch_shared_data(const std::vector<model::Source>& sources, const fs::path& content_dir,
                             const SourceOptions& options, model::Diagnostics& diagnostics) {
    SharedData shared;
    if (sources.empty()) return shared;
    std::vector<model::Source> resolved = sources;
    for (auto& source : resolved) source.url = resolved_url(source.url, content_dir);
    fetch::FetchOptions fetch_options;
    fetch_options.cache_dir = options.cache_dir.empty() ? fetch::default_cache_dir(content_dir) : options.cache_dir;
    fetch_options.offline = options.offline;
    shared.fetched = fetch::fetch_all(resolved, fetch_options);
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const auto& source = sources[i];
        const auto& result = shared.fetched[i];
        report(result, source, diagnostics);
        if (result.state == fetch::CacheState::failed) continue;
        try {
            shared.data[source.id] = source_as_json(result.body, source.format);
        } catch (const std::exception& failure) {
            diagnostics.error(source.pos.file, source.pos.line, "sources",
                              "источник «" + source.id + "» (" + source.url + ") не читается как " + source.format +
                                  ": " + failure.what());
            continue;
        }
        if (source.role == "results") {
            auto rows = load::parse_shared_results(result.body, source.format, source.url, diagnostics);
            shared.results.insert(shared.results.end(), rows.begin(), rows.end());
        }
    }
    return shared;
}

void add_shared_results(model::Site& site, const std::vector<model::ResultRow>& rows) {
    for (const auto& row : rows) {
        bool ours = row.scope == "region" || row.scope == "district";
        for (const auto& school : site.schools) ours = ours || school.slug == row.scope;
        if (ours) site.district_results.push_back(row);
    }
}

}  // namespace shnor::pipeline
