#include "pipeline/sources.hpp"

#include "load/bounds.hpp"
#include "load/csv.hpp"
#include "load/front_matter.hpp"
#include "load/load.hpp"
#include "platform/utf8_path.hpp"

#include <yaml-cpp/yaml.h>

#include <any>
#include <iterator>
#include <stdexcept>
#include <string_view>

namespace shnor::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Recursion is bounded: source_as_json checks the tree's depth first.
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

// A source's body as its role reads it: checked once, when it is fetched
// (or taken from the cache), and kept with the fetch result.
struct ReadSource {
    json data;
    std::vector<model::ResultRow> results;  // `results` sources
    model::Diagnostics diagnostics;         // warnings about those rows
};

bool blank(const std::string& body) {
    std::string_view text = body;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string role_name(const std::string& role) {
    if (role == "results") return "результаты";
    if (role == "schools-list") return "перечень школ";
    if (role == "district") return "данные района";
    return "данные";
}

// "строка 12, поле «mean»: …" for the first errors of a results body.
std::string first_errors(const model::Diagnostics& diagnostics) {
    constexpr std::size_t kShown = 3;
    std::string text;
    std::size_t shown = 0, errors = diagnostics.error_count();
    for (const auto& item : diagnostics.items()) {
        if (item.severity != model::Severity::error || shown == kShown) continue;
        if (shown++) text += "; ";
        if (item.line > 0) text += "строка " + std::to_string(item.line) + ", ";
        if (item.line > 0 && item.column > 0) text += "позиция " + std::to_string(item.column) + ", ";
        if (!item.field.empty()) text += "поле «" + item.field + "», ";
        text += item.message;
    }
    if (errors > shown) text += " (и ещё ошибок: " + std::to_string(errors - shown) + ")";
    return text;
}

// Whether a body may be used for its source: not empty (an empty 200 answer
// would silently drop the region's rows), readable in its format within the
// bounds of load/bounds.hpp, and what its role needs.
fetch::BodyCheck read_source(const model::Source& source, const std::string& body) {
    if (blank(body)) return {"получен пустой файл", {}};
    ReadSource read;
    try {
        read.data = source_as_json(body, source.format);
    } catch (const std::exception& failure) {
        return {"не читается как " + source.format + ": " + failure.what(), {}};
    }
    bool is_list = read.data.is_array() && !read.data.empty();
    if (source.role == "results") {
        read.results = load::parse_shared_results(body, source.format, source.url, read.diagnostics);
        if (read.diagnostics.has_errors())
            return {"не годится как " + role_name(source.role) + ": " + first_errors(read.diagnostics), {}};
        if (read.results.empty()) return {"в файле нет ни одной строки результатов", {}};
    } else if (source.role == "schools-list" && !is_list) {
        return {"в файле нет ни одной строки перечня", {}};
    } else if (source.role == "district" && !read.data.is_object()) {
        return {"не годится как данные района: ожидается объект JSON из data/site.json", {}};
    }
    return {{}, std::move(read)};
}

void report(const fetch::FetchResult& result, const model::Source& source, model::Diagnostics& diagnostics) {
    std::string prefix = "источник «" + source.id + "»: ";
    if (result.state == fetch::CacheState::failed)
        diagnostics.error(source.pos.file, source.pos.line, "sources", prefix + result.error);
    else if (result.state == fetch::CacheState::stale)
        diagnostics.warning(source.pos.file, source.pos.line, "sources", prefix + result.error);
    for (const auto& warning : result.warnings)
        diagnostics.warning(source.pos.file, source.pos.line, "sources", prefix + warning);
}

}  // namespace

// A path in a file:// URL: percent-encoded, so a folder named «Рабочий стол»
// (a space) is an address libcurl accepts; '/' separators, and on Windows
// the drive after one more slash (file:///C:/…), as libcurl reads it there.
static std::string file_url_of(const fs::path& absolute) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string path = absolute.generic_string();
    std::string url = path.starts_with('/') ? "file://" : "file:///";
    for (unsigned char c : path) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (plain || c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
            url += static_cast<char>(c);
        } else {
            url += '%';
            url += kHex[c >> 4];
            url += kHex[c & 15];
        }
    }
    return url;
}

std::string resolved_url(const std::string& url, const fs::path& content_dir) {
    if (url.rfind("file:", 0) != 0 || url.rfind("file://", 0) == 0) return url;
    return file_url_of(fs::absolute(content_dir / platform::path_from_utf8(url.substr(5))).lexically_normal());
}

json source_as_json(const std::string& body, const std::string& format) {
    if (format == "csv") return json_of_csv(body);
    if (format == "json") return load::parse_json_bounded(body);
    YAML::Node root;
    try {
        root = YAML::Load(body);
    } catch (const YAML::Exception& error) {
        throw std::runtime_error(load::yaml_error_text(error, body));  // Russian, with line and column
    }
    if (auto problem = load::yaml_tree_problem(root, body.size()))
        throw std::runtime_error(problem->yaml_line < 0 ? problem->message
                                                        : "строка " + std::to_string(problem->yaml_line + 1) + ": " +
                                                              problem->message);
    return json_of_yaml(root);
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
    fetch_options.check_body = read_source;
    shared.fetched = fetch::fetch_all(resolved, fetch_options);
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const auto& source = sources[i];
        auto& result = shared.fetched[i];
        report(result, source, diagnostics);
        auto* read = std::any_cast<ReadSource>(&result.value);
        if (result.state == fetch::CacheState::failed || !read) continue;
        diagnostics.append(read->diagnostics);
        shared.data[source.id] = std::move(read->data);
        shared.results.insert(shared.results.end(), std::make_move_iterator(read->results.begin()),
                              std::make_move_iterator(read->results.end()));
        result.value.reset();  // the data moved out; the body stays for `shnor fetch`
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
