#include <algorithm>
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"

#include <map>
#include <set>
#include <vector>

namespace shnor::load {

namespace {

// The ids one owner (the district or a school) publishes.
struct OwnerIds {
    std::set<std::string> programs;
    std::set<std::string> documents;
    std::set<std::string> news;
    std::set<std::string> pages;
    std::map<std::string, std::set<std::string>> roadmap_items;  // roadmap id → item numbers
};

OwnerIds ids_of(const model::Publications& publications) {
    OwnerIds ids;
    for (const auto& program : publications.programs) ids.programs.insert(program.id);
    for (const auto& document : publications.documents) ids.documents.insert(document.id);
    for (const auto& news : publications.news) ids.news.insert(news.id);
    for (const auto& page : publications.pages) ids.pages.insert(page.slug);
    for (const auto& roadmap : publications.roadmaps) {
        auto& numbers = ids.roadmap_items[roadmap.id];
        for (const auto& section : roadmap.sections)
            for (const auto& item : section.items)
                if (!item.n.empty()) numbers.insert(item.n);
    }
    return ids;
}

class Resolver {
public:
    explicit Resolver(const model::Site& site) : district_(ids_of(site.district)) {
        for (const auto& indicator : site.indicators) indicators_.insert(indicator.id);
        for (const auto& school : site.schools) {
            schools_.insert(school.slug);
            owners_.emplace(school.slug, ids_of(school.own));
        }
    }

    // An error message when the reference dangles; empty when it resolves.
    std::string problem_with(const Reference& reference) const {
        const std::string& value = reference.value;
        switch (reference.kind) {
            case RefKind::indicator:
                return indicators_.count(value) ? "" : "показатель " + in_quotes(value) + " не найден в indicators.yaml";
            case RefKind::program:
                return known(reference, &OwnerIds::programs, value)
                           ? ""
                           : "программа " + in_quotes(value) + " не найдена: ожидается имя файла из папки programs/ без .md";
            case RefKind::evidence: return evidence_problem(reference);
            case RefKind::school:
                if (value == "all" && !schools_.count(value))
                    return "«all» (все школы) пишется вместо списка, а не в нём: schools: all";
                return schools_.count(value) ? "" : "школа " + in_quotes(value) + " не найдена: нет папки schools/" + value;
            case RefKind::roadmap_item: return roadmap_item_problem(reference);
            case RefKind::document:
                return known(reference, &OwnerIds::documents, value) ? "" : document_missing(value);
            case RefKind::page:
                return known(reference, &OwnerIds::pages, value)
                           ? ""
                           : "страница " + in_quotes(value) + " не найдена: ожидается имя файла из папки pages/ без .md";
            case RefKind::scope:
                return value == "region" || value == "district" || schools_.count(value)
                           ? ""
                           : "неизвестная область " + in_quotes(value) +
                                 ": допустимы region, district или имя папки школы в schools/";
        }
        return "";
    }

private:
    // The owner's own ids first, then the district's.
    bool known(const Reference& reference, std::set<std::string> OwnerIds::*ids, const std::string& value) const {
        if ((district_.*ids).count(value)) return true;
        auto owner = owners_.find(reference.owner);
        return owner != owners_.end() && (owner->second.*ids).count(value);
    }

    static std::string document_missing(const std::string& id) {
        return "документ " + in_quotes(id) + " не найден в documents.yaml";
    }

    std::string evidence_problem(const Reference& reference) const {
        const std::string& value = reference.value;
        if (value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0) return "";
        if (value.rfind("news:", 0) == 0) {
            std::string id = value.substr(5);
            return known(reference, &OwnerIds::news, id) ? "" : "новость " + in_quotes(id) + " не найдена в папке news/";
        }
        if (known(reference, &OwnerIds::documents, value)) return "";
        return document_missing(value) + " (ссылка на сайт начинается с https://, на новость — с news:)";
    }

    std::string roadmap_item_problem(const Reference& reference) const {
        const std::string& value = reference.value;
        auto hash = value.find('#');
        if (hash == std::string::npos)
            return "ожидается ссылка вида plan-2024#12 (дорожная карта и номер мероприятия), получено " + in_quotes(value);
        std::string roadmap = value.substr(0, hash);
        std::string number = value.substr(hash + 1);
        const std::set<std::string>* numbers = roadmap_numbers(reference.owner, roadmap);
        if (!numbers) return "дорожная карта " + in_quotes(roadmap) + " не найдена в папке roadmaps/";
        if (!numbers->count(number))
            return "в дорожной карте " + in_quotes(roadmap) + " нет мероприятия с номером " + in_quotes(number);
        return "";
    }

    const std::set<std::string>* roadmap_numbers(const std::string& owner, const std::string& roadmap) const {
        if (auto school = owners_.find(owner); school != owners_.end())
            if (auto it = school->second.roadmap_items.find(roadmap); it != school->second.roadmap_items.end())
                return &it->second;
        auto it = district_.roadmap_items.find(roadmap);
        return it == district_.roadmap_items.end() ? nullptr : &it->second;
    }

    OwnerIds district_;
    std::map<std::string, OwnerIds> owners_;
    std::set<std::string> indicators_;
    std::set<std::string> schools_;
};

}  // namespace

// A school's own site names district documents, news and roadmaps that only
// arrive with its `district` source, so there a dangling reference is a warning.
bool has_district_source(const model::Site& site) {
    return std::any_of(site.config.sources.begin(), site.config.sources.end(),
                       [](const model::Source& source) { return source.role == "district"; });
}

namespace {

// The files that would define what `reference` names, had they been read
// without errors: the owner's own and the district's.
std::vector<std::string> defining_files(const Reference& reference) {
    std::vector<std::string> folders = {""};
    if (!reference.owner.empty()) folders.insert(folders.begin(), "schools/" + reference.owner + "/");
    const std::string& value = reference.value;
    std::vector<std::string> names;
    switch (reference.kind) {
        case RefKind::indicator: return {"indicators.yaml"};
        case RefKind::program: names = {"programs/" + value + ".md"}; break;
        case RefKind::page: names = {"pages/" + value + ".md"}; break;
        case RefKind::document: names = {"documents.yaml"}; break;
        case RefKind::evidence:
            names = {value.rfind("news:", 0) == 0 ? "news/" + value.substr(5) + ".md" : "documents.yaml"};
            break;
        case RefKind::roadmap_item: {
            std::string roadmap = value.substr(0, value.find('#'));
            names = {"roadmaps/" + roadmap + ".yaml", "roadmaps/" + roadmap + ".yml"};
            break;
        }
        case RefKind::school:
        case RefKind::scope: return {};  // a school's folder is there even when its files are broken
    }
    std::vector<std::string> files;
    for (const auto& folder : folders)
        for (const auto& name : names) files.push_back(folder + name);
    return files;
}

}  // namespace

void check_references(LoadContext& context, const model::Site& site) {
    Resolver resolver(site);
    bool district_elsewhere = has_district_source(site);
    // A file with an error may have lost what it defines (a roadmap that
    // does not parse has no items): a reference to it is not checked, so
    // one broken file gives one error, not one more for each file naming it.
    std::set<std::string> files_with_errors;
    for (const auto& diagnostic : context.diagnostics.items())
        if (diagnostic.severity == model::Severity::error) files_with_errors.insert(diagnostic.file);
    // A list file (documents.yaml, indicators.yaml) with one bad entry still
    // defines the others: it counts as lost only when nothing was read from it.
    auto lost = [&](const std::string& file) {
        if (!files_with_errors.count(file)) return false;
        if (file == "indicators.yaml") return site.indicators.empty();
        if (file == "documents.yaml") return site.district.documents.empty();
        if (file.ends_with("/documents.yaml"))
            for (const auto& school : site.schools)
                if (file == "schools/" + school.slug + "/documents.yaml") return school.own.documents.empty();
        return true;
    };
    auto target_failed = [&](const Reference& reference) {
        if (files_with_errors.empty()) return false;
        auto files = defining_files(reference);
        return std::any_of(files.begin(), files.end(), lost);
    };
    for (const auto& reference : context.references) {
        std::string problem = resolver.problem_with(reference);
        if (problem.empty() || target_failed(reference)) continue;
        if (district_elsewhere)
            context.diagnostics.warning(reference.file, reference.line, reference.field,
                                        problem + " (может прийти с данными района)");
        else
            context.diagnostics.error(reference.file, reference.line, reference.field, problem);
    }
}

}  // namespace shnor::load
