#include "check/compliance.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace shnor::check {

namespace {

using model::Severity;

struct Collector {
    std::vector<Finding>& findings;

    void warn(const model::SourcePos& pos, const std::string& school, const std::string& code, std::string message) {
        Finding finding;
        finding.diagnostic = {Severity::warning, pos.file, pos.line, 0, "", std::move(message)};
        finding.school = school;
        finding.code = code;
        findings.push_back(std::move(finding));
    }
};

std::string school_label(const model::School& school) { return "школа «" + school.display_name() + "»: "; }

std::string category_name(const std::string& type) {
    if (type == "shnor") return "ШНОР";
    if (type == "shnsu") return "ШНСУ";
    return "группа риска";
}

void check_categories(const model::School& school, Collector& out) {
    if (school.categories.empty()) {
        out.warn(school.pos, school.slug, "school-category",
                 school_label(school) +
                     "не указано, в какой список она входит (ШНОР, ШНСУ или группа риска): добавьте в school.yaml "
                     "categories с type, year, basis (приказ о включении) и reasons (причины)");
        return;
    }
    for (const auto& category : school.categories) {
        std::string name = "«";  // appended in steps: g++ 12 warns falsely (-Wrestrict) on "«" + string
        name += category_name(category.type);
        name += "»";
        if (category.year) name.append(" ").append(std::to_string(*category.year)).append(" года");
        if (category.basis.empty())
            out.warn(school.pos, school.slug, "school-category-basis",
                     school_label(school) + "у категории " + name +
                         " не указано основание: добавьте basis — приказ, по которому школа включена в список "
                         "(id из documents.yaml или его название)");
        if (category.reasons.empty())
            out.warn(school.pos, school.slug, "school-category-reasons",
                     school_label(school) + "у категории " + name +
                         " не указаны причины включения: добавьте reasons (например, «низкие результаты ОГЭ по "
                         "математике»)");
    }
}

bool district_measures_name(const model::Site& site, const std::string& slug) {
    for (const auto& roadmap : site.district.roadmaps)
        for (const auto& section : roadmap.sections)
            for (const auto& item : section.items)
                if (item.concerns(slug)) return true;
    return false;
}

bool has_results(const model::Site& site, const model::School& school) {
    if (!school.results.empty()) return true;
    return std::any_of(site.district_results.begin(), site.district_results.end(),
                       [&](const model::ResultRow& row) { return row.scope == school.slug; });
}

bool has_contacts(const model::School& school) {
    return !school.coordinator.empty() || !school.head.phone.empty() || !school.head.email.empty();
}

bool is_published(const model::Document& document) {
    return !document.file.empty() || !document.url.empty() || !document.page.empty();
}

void check_school(const model::Site& site, const model::School& school, Collector& out) {
    check_categories(school, out);
    if (school.own.roadmaps.empty() && !district_measures_name(site, school.slug))
        out.warn(school.pos, school.slug, "school-roadmap",
                 school_label(school) +
                     "нет ни своей «дорожной карты» (папка roadmaps/ школы), ни мероприятий районной карты, где она "
                     "названа (schools: [" + school.slug + "] или schools: all): добавьте план мероприятий");
    if (!has_results(site, school))
        out.warn(school.pos, school.slug, "school-results",
                 school_label(school) +
                     "нет результатов оценочных процедур: добавьте results.yaml или results.csv в папку школы "
                     "(или строки со scope: " + school.slug + " в общих данных)");
    if (!has_contacts(school))
        out.warn(school.pos, school.slug, "school-contacts",
                 school_label(school) +
                     "не указано, к кому обратиться: добавьте в school.yaml coordinator (ФИО, должность, телефон, "
                     "почта) или телефон и почту руководителя (head)");
    if (std::none_of(school.own.documents.begin(), school.own.documents.end(), is_published))
        out.warn(school.pos, school.slug, "school-documents",
                 school_label(school) +
                     "нет ни одного документа с файлом или страницей: добавьте в documents.yaml школы её приказ или "
                     "план с file (файл в папке школы), url или page");
}

// Рособрнадзор's order № 1493: a document is published as the document
// itself (a file), a hypertext page only beside it.
void check_documents(const std::vector<model::Document>& documents, const std::string& school, Collector& out) {
    for (const auto& document : documents) {
        if (!document.file.empty() || !document.url.empty()) continue;
        if (document.page.empty())
            out.warn(document.pos, school, "document-no-file",
                     "документ «" + document.title +
                         "» не опубликован: нет ни file (файл), ни url (адрес файла); приказ Рособрнадзора № 1493 "
                         "требует разместить сам документ — добавьте file или url");
        else
            out.warn(document.pos, school, "document-page-no-file",
                     "у документа «" + document.title + "» есть страница (page: " + document.page +
                         "), но нет файла для скачивания; по приказу Рособрнадзора № 1493 документ размещается и "
                         "файлом — добавьте file или url");
    }
}

// Illustrative data left in, counted by file: the first line of each.
class ExampleData {
public:
    void note(const model::SourcePos& pos, bool example) {
        if (!example || pos.file.empty()) return;
        auto& [count, line] = files_[pos.file];
        if (count++ == 0 || (pos.line > 0 && (line == 0 || pos.line < line))) line = pos.line;
    }
    void publications(const model::Publications& own) {
        for (const auto& program : own.programs) {
            note(program.pos, program.example);
            if (program.curator) note(program.pos, program.curator->example);
        }
        for (const auto& roadmap : own.roadmaps)
            for (const auto& section : roadmap.sections)
                for (const auto& item : section.items) note(item.pos, item.example);
        for (const auto& document : own.documents) {
            note(document.pos, document.example);
            if (document.signed_by) note(document.pos, document.signed_by->example);
        }
        for (const auto& news : own.news) note(news.pos, news.example);
    }
    void results(const std::vector<model::ResultRow>& rows) {
        for (const auto& row : rows) note(row.pos, row.example);
    }
    void report(const model::Site& site, Collector& out) const {
        for (const auto& [file, found] : files_) {
            std::string school;
            if (file.starts_with("schools/")) school = file.substr(8, file.find('/', 8) - 8);
            std::string where = found.second > 0 ? ", первая — в строке " + std::to_string(found.second) : "";
            out.warn({file, found.second}, school, "example-data",
                     "остались данные примера (example: true): " + std::to_string(found.first) + where +
                         "; замените их настоящими сведениями и уберите example: true");
        }
        (void)site;
    }

private:
    std::map<std::string, std::pair<int, int>> files_;  // file → count, first line
};

void check_example_data(const model::Site& site, Collector& out) {
    ExampleData examples;
    examples.note(site.config.pos, site.config.coordinator.example);
    examples.publications(site.district);
    for (const auto& indicator : site.indicators) {
        if (indicator.baseline) examples.note(indicator.pos, indicator.baseline->example);
        if (indicator.target) examples.note(indicator.pos, indicator.target->example);
        for (const auto& value : indicator.values) examples.note(indicator.pos, value.example);
    }
    examples.results(site.district_results);
    for (const auto& school : site.schools) {
        examples.note(school.pos, school.head.example || school.coordinator.example || !school.example_fields.empty());
        examples.publications(school.own);
        examples.results(school.results);
    }
    examples.report(site, out);
}

// The host of an http(s) address, lower-case.
std::string host_of(const std::string& url) {
    auto start = url.find("://");
    if (start == std::string::npos) return {};
    start += 3;
    std::string host = url.substr(start, url.find_first_of("/:?#", start) - start);
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
    return host;
}

// Names reserved for examples and tests (RFC 2606, RFC 6761): no one can publish there.
bool is_example_host(const std::string& host) {
    for (std::string_view reserved : {".example", ".test", ".invalid", ".localhost"})
        if (host.ends_with(reserved) || host == reserved.substr(1)) return true;
    return false;
}

void check_base_url(const model::Site& site, Collector& out) {
    const auto& url = site.config.base_url;
    if (url.empty() || !is_example_host(host_of(url))) return;
    out.warn({site.config.pos.file, site.config.base_url_line}, "", "example-base-url",
             "base_url «" + url + "» — адрес из примера, по нему сайт не откроется (в ссылках sitemap.xml, ленты "
             "новостей и канонических адресах): укажите настоящий адрес раздела, например "
             "https://uo-rayon.ru/shnor/");
}

}  // namespace

std::vector<Finding> compliance_findings(const model::Site& site) {
    std::vector<Finding> findings;
    Collector out{findings};
    check_base_url(site, out);
    check_example_data(site, out);
    check_documents(site.district.documents, "", out);
    for (const auto& school : site.schools) {
        check_school(site, school, out);
        check_documents(school.own.documents, school.slug, out);
    }
    return findings;
}

}  // namespace shnor::check
