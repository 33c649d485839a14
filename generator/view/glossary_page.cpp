// The glossary page («Сокращения»): the terms of the build's glossary that
// the site's pages use, found in the content's text (not in the rendered
// pages, which an incremental build does not all render again).
#include "view/glossary_page.hpp"

#include "model/glossary.hpp"

namespace shnor::view::detail {

namespace {

// Every text of the content that pages print, one by one.
class TextScan {
public:
    TextScan(const render::Glossary& glossary, std::vector<bool>& used) : glossary_(glossary), used_(used) {}

    void text(const std::string& value) {
        if (!value.empty()) glossary_.find_terms(value, used_);
    }
    void texts(const std::vector<std::string>& values) {
        for (const auto& value : values) text(value);
    }
    void person(const model::Person& person) {
        text(person.name), text(person.position), text(person.organization);
    }
    void publications(const model::Publications& own) {
        for (const auto& program : own.programs) {
            text(program.title), text(program.approved_by), texts(program.developers), texts(program.executors);
            if (program.curator) person(*program.curator);
            text(program.goal), texts(program.expected_results), text(program.control), text(program.body);
            for (const auto& task : program.tasks) text(task.text), texts(task.actions);
            for (const auto& stage : program.stages) text(stage.name), text(stage.when), text(stage.description);
            for (const auto& fact : program.other) text(fact.label), text(fact.value);
        }
        for (const auto& roadmap : own.roadmaps) {
            text(roadmap.title), text(roadmap.approved_by), text(roadmap.description);
            for (const auto& section : roadmap.sections) {
                text(section.title);
                for (const auto& item : section.items)
                    text(item.title), text(item.when), texts(item.responsible), text(item.result), text(item.report);
            }
        }
        for (const auto& document : own.documents) {
            text(document.title), text(document.number), text(document.issuer);
            if (document.signed_by) person(*document.signed_by);
        }
        for (const auto& news : own.news) {
            text(news.title), text(news.body);
            for (const auto& link : news.links) text(link.title);
        }
        for (const auto& page : own.pages) text(page.title), text(page.description), text(page.body);
    }
    void school(const model::School& school) {
        text(school.name), text(school.short_name), person(school.head), person(school.coordinator);
        text(school.address);
        if (school.mentor) text(school.mentor->name);
        for (const auto& category : school.categories) text(category.basis), texts(category.reasons);
        for (const auto& factor : school.risk_profile) text(factor.factor), text(factor.measures);
        if (school.self_diagnosis) text(school.self_diagnosis->level);
        text(school.intro_title), text(school.intro);
        results(school.results);
        publications(school.own);
    }
    void results(const std::vector<model::ResultRow>& rows) {
        for (const auto& row : rows) text(row.exam), text(row.subject);
    }
    void site_frame(const model::Site& site) {  // the header and footer of every page
        text(site.config.title), text(site.config.short_title);
        const auto& district = site.config.district;
        text(district.name), text(district.region), text(district.authority), text(district.address);
    }

private:
    const render::Glossary& glossary_;
    std::vector<bool>& used_;
};

// Terms the built-in layouts print on their own: ШНОР and ШНСУ on the home
// page, the schools list and each school's first page; ОГЭ, ЕГЭ and ВПР on
// each school's results page.
void layout_terms(const render::Glossary& glossary, bool has_schools, std::vector<bool>& used) {
    glossary.find_terms(has_schools ? "ШНОР ШНСУ ОГЭ ЕГЭ ВПР" : "ШНОР ШНСУ", used);
}

}  // namespace

std::vector<bool> terms_used(const model::Site& site, const render::Glossary& glossary, const model::School* only) {
    std::vector<bool> used(glossary.terms().size(), false);
    TextScan scan(glossary, used);
    scan.site_frame(site);
    if (only) {
        // A school's own site: its section, where district roadmaps show the items naming it.
        scan.school(*only);
        for (const auto& roadmap : site.district.roadmaps)
            for (const auto& section : roadmap.sections)
                for (const auto& item : section.items)
                    scan.text(item.title), scan.texts(item.responsible), scan.text(item.result),
                        scan.text(item.report);
        scan.person(site.config.coordinator);
        layout_terms(glossary, true, used);
        return used;
    }
    scan.person(site.config.coordinator);
    for (const auto& fact : site.config.district.facts) scan.text(fact.label), scan.text(fact.value);
    scan.publications(site.district);
    for (const auto& indicator : site.indicators) {
        scan.text(indicator.title), scan.text(indicator.unit);
        for (const auto& value : indicator.values) scan.text(value.note);
    }
    scan.results(site.district_results);
    for (const auto& school : site.schools) scan.school(school);
    layout_terms(glossary, !site.schools.empty(), used);
    return used;
}

PageSpec glossary_page(const model::Site& site, const BuildContext& context, const std::string& path,
                       const model::School* only, const Crumbs& crumbs) {
    PageSpec page = make_page(site, context, path, "glossary", "Сокращения", "", crumbs);
    List terms;
    if (context.glossary) {
        std::vector<bool> used = terms_used(site, *context.glossary, only);
        const auto& all = context.glossary->terms();
        for (std::size_t index = 0; index < all.size(); ++index) {
            if (!used[index]) continue;
            Data term;
            set(term, "abbreviation", all[index].abbreviation);
            set(term, "expansion", all[index].expansion);
            terms.push_back(std::move(term));
        }
    }
    put_list(page.data, "terms", std::move(terms));
    return page;
}

}  // namespace shnor::view::detail
