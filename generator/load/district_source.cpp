#include "load/district_source.hpp"

#include "load/content_access.hpp"
#include "load/text_check.hpp"
#include "load/yaml_fields.hpp"
#include "model/url.hpp"

#include <algorithm>

namespace shnor::load {

namespace {

using nlohmann::json;

// Text from another build still passes the checks content text passes: it
// is made valid UTF-8 and its control characters are dropped.
std::string clean_text(const std::string& raw) {
    std::string text = valid_utf8(raw);
    strip_control_characters(text);
    return text;
}

std::string text(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key)) return {};
    const auto& value = object[key];
    if (value.is_string()) return clean_text(value.get<std::string>());
    if (value.is_number()) return value.dump();
    return {};
}

std::vector<std::string> texts(const json& object, const char* key) {
    std::vector<std::string> values;
    if (object.is_object() && object.contains(key) && object[key].is_array())
        for (const auto& item : object[key])
            if (item.is_string()) values.push_back(clean_text(item.get<std::string>()));
    return values;
}

// Addresses that will become links: one a link must not have is dropped with a warning.
class UrlFilter {
public:
    UrlFilter(const std::string& label, model::Diagnostics& diagnostics) : label_(label), diagnostics_(diagnostics) {}

    std::string operator()(std::string url, const std::string& field) const {
        if (url.empty() || model::is_allowed_url(url)) return url;
        diagnostics_.warning(label_, 0, field, "адрес " + in_quotes(url) + " отброшен: ссылка может вести только на https://, http://, mailto: или tel:");
        return {};
    }

private:
    const std::string& label_;
    model::Diagnostics& diagnostics_;
};

std::optional<model::Date> date(const json& object, const char* key) { return model::Date::parse(text(object, key)); }

bool flag(const json& object, const char* key) {
    return object.is_object() && object.contains(key) && object[key].is_boolean() && object[key].get<bool>();
}

model::Person person(const json& object) {
    model::Person result;
    result.name = text(object, "name");
    result.position = text(object, "position");
    result.organization = text(object, "organization");
    result.phone = text(object, "phone");
    result.email = text(object, "email");
    result.example = flag(object, "example");
    return result;
}

std::optional<model::DateRange> period(const json& object) {
    if (!object.is_object() || !object.contains("period") || !object["period"].is_object()) return std::nullopt;
    auto start = date(object["period"], "start");
    auto end = date(object["period"], "end");
    if (!start || !end) return std::nullopt;
    return model::DateRange{*start, *end};
}

model::Status status_of(const std::string& status) {
    if (status == "done") return model::Status::done;
    if (status == "in_progress") return model::Status::in_progress;
    if (status == "cancelled") return model::Status::cancelled;
    return model::Status::planned;
}

// A part has the members of an item but `n`, `schools` and `parts`.
model::RoadmapItem roadmap_item(const json& item, bool is_part = false) {
    model::RoadmapItem result;
    if (!is_part) result.n = text(item, "n");
    result.title = text(item, "title");
    result.when = text(item, "when");
    result.start = date(item, "start");
    result.due = date(item, "due");
    result.responsible = texts(item, "responsible");
    result.result = text(item, "result");
    result.status_given = !text(item, "status").empty();
    result.status = status_of(text(item, "status"));
    result.report = text(item, "report");
    result.reported = date(item, "reported");
    result.evidence = texts(item, "evidence");
    result.level = text(item, "level");
    if (!is_part) {
        // `schools: all` is written as the word itself.
        result.all_schools = item.is_object() && item.contains("schools") && item["schools"] == "all";
        result.schools = texts(item, "schools");
        if (item.is_object() && item.contains("parts") && item["parts"].is_array())
            for (const auto& part : item["parts"]) result.parts.push_back(roadmap_item(part, true));
    }
    result.example = flag(item, "example");
    return result;
}

bool concerns(const model::RoadmapItem& item, const std::string& slug) { return slug.empty() || item.concerns(slug); }

model::Roadmap roadmap(const json& object, const std::string& slug) {
    model::Roadmap result;
    result.id = text(object, "id");
    result.title = text(object, "title");
    result.period = period(object);
    result.approved_by = text(object, "approved_by");
    result.program = text(object, "program");
    result.description = text(object, "description");
    result.flat = flag(object, "flat");
    if (object.contains("sections") && object["sections"].is_array())
        for (const auto& section : object["sections"]) {
            model::RoadmapSection kept{text(section, "n"), text(section, "title"), {}};
            if (section.contains("items") && section["items"].is_array())
                for (const auto& item : section["items"]) {
                    auto read = roadmap_item(item);
                    if (concerns(read, slug)) kept.items.push_back(std::move(read));
                }
            if (!kept.items.empty()) result.sections.push_back(std::move(kept));
        }
    return result;
}

model::Program program(const json& object) {
    model::Program result;
    result.id = text(object, "id");
    result.title = text(object, "title");
    result.kind = text(object, "kind").empty() ? "programme" : text(object, "kind");
    result.approved_by = text(object, "approved_by");
    result.developers = texts(object, "developers");
    result.executors = texts(object, "executors");
    if (object.contains("curator") && object["curator"].is_object()) result.curator = person(object["curator"]);
    result.goal = text(object, "goal");
    result.period = period(object);
    result.expected_results = texts(object, "expected_results");
    result.control = text(object, "control");
    result.body = text(object, "body");
    return result;
}

// District documents stay on the district site: a link to them, never a local file.
model::Document document(const json& object, const std::string& base_url, const UrlFilter& checked) {
    model::Document result;
    result.id = text(object, "id");
    result.kind = text(object, "kind").empty() ? "other" : text(object, "kind");
    result.title = text(object, "title");
    result.number = text(object, "number");
    result.date = date(object, "date");
    result.issuer = text(object, "issuer");
    std::string file = text(object, "file");
    ContentPath local = file.empty() || base_url.empty() ? ContentPath{} : resolve_content_path("", file);
    result.url = !local.path.empty() ? base_url + model::percent_encoded_path(local.path)
                                     : checked(text(object, "url"), "documents.url");
    result.example = flag(object, "example");
    return result;
}

model::NewsItem news_item(const json& object) {
    model::NewsItem result;
    result.id = text(object, "id");
    result.title = text(object, "title");
    result.date = date(object, "date").value_or(model::Date{});
    result.schools = texts(object, "schools");
    result.body = text(object, "body");
    result.example = flag(object, "example");
    return result;
}

template <typename Read>
void read_list(const json& district, const char* key, Read read) {
    if (!district.contains(key) || !district[key].is_array()) return;
    for (const auto& object : district[key])
        if (text(object, "owner") == "district" || !object.contains("owner")) read(object);
}

void merge_facts(model::Site& site, const json& district, const UrlFilter& checked) {
    const json& facts = district.contains("district") ? district["district"] : json::object();
    auto& own = site.config.district;
    if (own.name.empty()) own.name = text(facts, "name");
    if (own.region.empty()) own.region = text(facts, "region");
    if (own.authority.empty()) own.authority = text(facts, "authority");
    if (own.phone.empty()) own.phone = text(facts, "phone");
    if (own.email.empty()) own.email = text(facts, "email");
    if (own.website.empty()) own.website = checked(text(facts, "website"), "district.website");
    if (site.config.coordinator.empty() && district.contains("coordinator"))
        site.config.coordinator = person(district["coordinator"]);
}

}  // namespace

std::string merge_district_data(model::Site& site, const nlohmann::json& district, const std::string& school_slug,
                                const std::string& label, model::Diagnostics& diagnostics) {
    if (!district.is_object() || text(district, "format") != "shnor-site") {
        diagnostics.error(label, 0, "", "это не открытые данные района, собранные shnor (ожидается data/site.json)");
        return {};
    }
    std::string base_url = text(district, "base_url");
    // Links to the district's pages start with it.
    if (!base_url.empty() && !model::is_site_address(base_url)) {
        diagnostics.warning(label, 0, "base_url",
                            "адрес сайта района " + in_quotes(base_url) + " отброшен: он должен начинаться с https:// или http://");
        base_url.clear();
    }
    if (!base_url.empty() && base_url.back() != '/') base_url += '/';
    UrlFilter checked(label, diagnostics);
    merge_facts(site, district, checked);
    auto& own = site.district;
    if (own.programs.empty()) read_list(district, "programs", [&](const json& o) { own.programs.push_back(program(o)); });
    if (own.roadmaps.empty())
        read_list(district, "roadmaps", [&](const json& o) {
            auto read = roadmap(o, school_slug);
            if (!read.sections.empty()) own.roadmaps.push_back(std::move(read));
        });
    if (own.documents.empty())
        read_list(district, "documents", [&](const json& o) { own.documents.push_back(document(o, base_url, checked)); });
    if (own.news.empty()) read_list(district, "news", [&](const json& o) { own.news.push_back(news_item(o)); });
    return base_url;
}

}  // namespace shnor::load
