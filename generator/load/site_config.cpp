#include "load/content_access.hpp"
#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"
#include "model/url.hpp"
#include "model/glossary.hpp"

#include <regex>
#include <set>

namespace shnor::load {

namespace fs = std::filesystem;
using model::is_abbreviation;

namespace {

model::District read_district(Fields& site) {
    model::District district;
    Fields fields(site.file(), site.take("district"), site.path_of("district"));
    district.name = fields.text("name");
    district.region = fields.text("region");
    district.authority = fields.text("authority");
    district.address = fields.text("address");
    district.phone = fields.text("phone");
    district.email = fields.text("email");
    district.website = fields.url("website");
    district.schools_total = fields.integer_in("schools_total", 0, 100'000);
    auto facts = fields.list("facts");
    for (std::size_t i = 0; i < facts.size(); ++i) {
        Fields fact(fields.file(), facts[i], fields.item_path("facts", i));
        district.facts.push_back({fact.text("label", Need::required), fact.text("value")});
    }
    return district;
}

bool is_web_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

// The path inside the content folder a `file:` URL names: `file:data/x.csv`
// is relative to the content folder, `file:///…/content/data/x.csv` must lie
// in it. Empty after an error: a build reads nothing outside the content.
std::string file_source_path(SourceFile& file, Fields& fields, const std::string& url) {
    auto refuse = [&](const std::string& problem) {
        file.error(fields.line_of("url"), fields.path_of("url"), problem);
        return std::string();
    };
    std::string written = url.substr(5);
    if (written.starts_with("//")) {
        fs::path absolute = fs::path(written.substr(2)).lexically_normal();
        fs::path root = fs::absolute(file.context().content_dir).lexically_normal();
        fs::path inside = absolute.lexically_relative(root);
        if (written.size() < 3 || written[2] != '/' || inside.empty() || inside.begin()->string() == "..")
            return refuse("файл " + in_quotes(url) +
                          " лежит вне папки с материалами: общие данные с этого компьютера кладите в неё и "
                          "пишите путь от неё, например file:sources/data.csv");
        written = inside.generic_string();
    }
    ContentPath resolved = resolve_content_path("", written);
    if (!resolved.problem.empty()) return refuse(resolved.problem);
    ContentEntry entry = inspect_content_path(file.context().content_dir, resolved.path);
    if (entry.kind == EntryKind::link) {
        refuse_link(file.context(), entry.link);
        return refuse("путь " + in_quotes(resolved.path) + " ведёт через символическую ссылку " +
                      in_quotes(entry.link) + ": положите на её место сам файл");
    }
    return resolved.path;
}

// A source, or nullopt when its address is refused (it must not be fetched
// even by `check`, which goes on after errors).
std::optional<model::Source> read_source(SourceFile& file, const YAML::Node& node, const std::string& path) {
    Fields fields(file, node, path);
    model::Source source;
    source.pos = file.pos_of(node);
    source.id = fields.slug("id", Need::required);
    source.url = fields.text("url", Need::required);
    bool refused = false;
    if (source.url.rfind("file:", 0) == 0) {
        refused = file_source_path(file, fields, source.url).empty();
    } else if (!source.url.empty() && !is_web_url(source.url)) {
        file.error(fields.line_of("url"), fields.path_of("url"),
                   "адрес должен начинаться с http://, https:// или file:, получено " + in_quotes(source.url));
        refused = true;
    }
    source.role = fields.choice("role", {"results", "schools-list", "district", "data"}, "", Need::required);
    source.format = fields.choice("format", {"csv", "json", "yaml"}, "", Need::required);
    source.sha256 = fields.text("sha256");
    static const std::regex kSha256("[0-9a-fA-F]{64}");
    if (!source.sha256.empty() && !std::regex_match(source.sha256, kSha256))
        file.error(fields.line_of("sha256"), fields.path_of("sha256"),
                   "ожидается контрольная сумма SHA-256 из 64 шестнадцатеричных знаков, получено " +
                       in_quotes(source.sha256));
    std::string max_age = fields.text("max_age");
    static const std::regex kAge("[0-9]+[mhd]");
    if (!max_age.empty()) {
        if (std::regex_match(max_age, kAge))
            source.max_age = max_age;
        else
            file.error(fields.line_of("max_age"), fields.path_of("max_age"),
                       "ожидается срок вида 30m, 12h, 1d или 7d, получено " + in_quotes(max_age));
    }
    // How long a fetch may take, retries included: seconds or minutes, 1 s to 10 min.
    source.timeout = fields.text("timeout");
    static const std::regex kTimeout("([1-9][0-9]{0,2})s|([1-9]|10)m");
    if (!source.timeout.empty() &&
        (!std::regex_match(source.timeout, kTimeout) || (source.timeout.back() == 's' && std::stoi(source.timeout) > 600))) {
        file.error(fields.line_of("timeout"), fields.path_of("timeout"),
                   "ожидается время вида 20s или 2m (от 1 секунды до 10 минут), получено " + in_quotes(source.timeout));
        source.timeout.clear();
    }
    if (refused) return std::nullopt;
    return source;
}

std::size_t characters_of(std::string_view text) {
    std::size_t characters = 0;
    for (unsigned char c : text) characters += (c & 0xC0) != 0x80;
    return characters;
}

constexpr std::size_t kShortTitleLimit = 40;

std::string read_short_title(SourceFile& file, Fields& fields) {
    std::string short_title = fields.text("short_title");
    if (characters_of(short_title) <= kShortTitleLimit) return short_title;
    file.error(fields.line_of("short_title"), "short_title",
               "короткое название для телефонов должно быть не длиннее " + std::to_string(kShortTitleLimit) +
                   " знаков, а в нём " + std::to_string(characters_of(short_title)) +
                   "; сократите его или уберите поле (тогда на телефонах будет полное название)");
    return {};
}

// `glossary:` maps an abbreviation to its expansion. An abbreviation needs
// two capital letters: pages are searched for words that have them, which
// keeps the search cheap and ordinary words («Школа») from being marked.
std::vector<model::GlossaryTerm> read_glossary(SourceFile& file, Fields& fields) {
    std::vector<model::GlossaryTerm> terms;
    YAML::Node node = fields.take("glossary");
    if (!node || node.IsNull()) return terms;
    if (!node.IsMap()) {
        file.error(file.line_of(node), "glossary",
                   "ожидается список сокращений вида «ЦРО: Центр развития образования», каждое с новой строки");
        return terms;
    }
    std::set<std::string> seen;
    for (const auto& pair : node) {
        int line = file.line_of(pair.first);
        std::string abbreviation = pair.first.IsScalar() ? trim(pair.first.Scalar()) : std::string();
        std::string path = "glossary." + abbreviation;
        if (abbreviation.empty()) {
            file.error(line, "glossary", "сокращение не написано: слева от двоеточия должно быть сокращение");
            continue;
        }
        if (!is_abbreviation(abbreviation)) {
            file.error(line, path,
                       "сокращение " + in_quotes(abbreviation) +
                           " должно начинаться с заглавной буквы, и в его первом слове должно быть не меньше двух "
                           "заглавных букв, например ЦРО или НИПКиПРО");
            continue;
        }
        std::optional<std::string> expansion = text_of(file, pair.second, path);
        if (!expansion || trim(*expansion).empty()) {
            if (!pair.second.IsDefined() || pair.second.IsNull() || (expansion && trim(*expansion).empty()))
                file.error(line, path, "не написана расшифровка сокращения " + in_quotes(abbreviation));
            continue;
        }
        if (!seen.insert(abbreviation).second) {
            file.error(line, path, "сокращение " + in_quotes(abbreviation) + " уже описано выше");
            continue;
        }
        terms.push_back({abbreviation, trim(*expansion), line});
    }
    return terms;
}

std::vector<SchoolListEntry> read_school_order(SourceFile& file, Fields& site) {
    std::vector<SchoolListEntry> order;
    std::set<std::string> seen;
    auto items = site.list("schools");
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string path = site.item_path("schools", i);
        auto slug = text_of(file, items[i], path);
        if (!slug || slug->empty()) continue;
        int line = file.line_of(items[i]);
        if (!is_slug(*slug))
            file.error(line, path, "адрес школы " + in_quotes(*slug) + " должен состоять из латинских строчных букв, цифр и дефисов");
        else if (!seen.insert(*slug).second)
            file.error(line, path, "школа " + in_quotes(*slug) + " указана в списке дважды");
        else
            order.push_back({*slug, line});
    }
    return order;
}

}  // namespace

SiteFile read_site_config(LoadContext& context) {
    SiteFile result;
    SourceFile file(context, "site.yaml");
    if (!content_path_exists(context, "site.yaml")) {
        file.error(0, "", "нет файла site.yaml с названием и адресом сайта");
        return result;
    }
    auto root = read_yaml_file(file);
    if (!root) return result;
    model::SiteConfig& config = result.config;
    Fields fields(file, *root, "");
    config.pos = {file.path(), 1};
    config.title = fields.text("title", Need::required);
    config.short_title = read_short_title(file, fields);
    config.glossary = read_glossary(file, fields);
    config.base_url = fields.text("base_url", Need::required);
    config.base_url_line = fields.line_of("base_url");
    if (!config.base_url.empty() && !model::is_site_address(config.base_url))
        file.error(fields.line_of("base_url"), "base_url",
                   "адрес сайта должен начинаться с http:// или https:// и не содержать пробелов и кавычек, получено " +
                       in_quotes(config.base_url));
    if (!config.base_url.empty() && config.base_url.back() != '/') config.base_url += '/';
    if (auto language = fields.text("language"); !language.empty()) config.language = language;
    config.district = read_district(fields);
    if (auto coordinator = fields.person("coordinator")) config.coordinator = *coordinator;
    std::set<std::string> source_ids;
    auto sources = fields.list("sources");
    for (std::size_t i = 0; i < sources.size(); ++i) {
        auto source = read_source(file, sources[i], fields.item_path("sources", i));
        if (!source) continue;
        if (!source->id.empty() && !source_ids.insert(source->id).second)
            file.error(source->pos.line, fields.item_path("sources", i) + ".id",
                       "источник " + in_quotes(source->id) + " уже описан выше");
        config.sources.push_back(std::move(*source));
    }
    result.school_order = read_school_order(file, fields);
    return result;
}

}  // namespace shnor::load
