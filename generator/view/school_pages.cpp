// A school's section: its main page (the four questions parents ask on the
// first screen) and the sub-pages roadmap/, results/, documents/, news/,
// programs/<id>/, pages/<slug>/.
#include "view/common.hpp"
#include "view/glossary_page.hpp"
#include "view/results_view.hpp"

#include <algorithm>
#include <tuple>

namespace shnor::view::detail {

namespace {

Data school_brief(const model::School& school) {
    Data data;
    set(data, "slug", school.slug);
    set(data, "name", school.display_name());
    set(data, "full_name", school.name);
    set(data, "href", "schools/" + school.slug + "/");
    return data;
}

std::string base_of(const model::School& school) { return "schools/" + school.slug + "/"; }

List school_nav(const model::School& school, const std::string& current) {
    std::string base = base_of(school);
    std::vector<std::pair<std::string, std::string>> entries = {
        {"О школе", base},
        {"«Дорожная карта»", base + "roadmap/"},
        {"Результаты", base + "results/"},
        {"Документы", base + "documents/"},
        {"Новости", base + "news/"}};
    for (const auto& program : school.own.programs) entries.push_back({program.title, base + "programs/" + program.id + "/"});
    for (const auto& page : school.own.pages) entries.push_back({page.title, base + "pages/" + page.slug + "/"});
    List nav;
    nav.reserve(entries.size());
    for (const auto& [text, href] : entries) {
        Data item = link_data(text, href, true);
        set(item, "current", href == current);
        nav.push_back(std::move(item));
    }
    return nav;
}

PageSpec school_page(const model::Site& site, const BuildContext& context, const model::School& school,
                     const std::string& path, const std::string& layout, const std::string& title,
                     bool under_school = true) {
    Crumbs crumbs = {{"Главная", ""}, {"Школы", "schools/"}};
    if (under_school) crumbs.push_back({school.display_name(), base_of(school)});
    PageSpec page = make_page(site, context, path, layout, title, "schools", crumbs);
    set(page.data, "school", school_brief(school));
    set(page.data, "school_nav", school_nav(school, path));
    return page;
}

Data mentor_data(const std::optional<model::Mentor>& mentor, const Links& links) {
    if (!mentor) return Data(false);
    if (!mentor->slug.empty()) return links.school_link(mentor->slug);
    std::string text = mentor->name.empty() ? mentor->url : mentor->name;
    return link_data(text, mentor->url, false);
}

// Only what the school declared: an absent `rural` is not a claim either way.
std::string locality_text(const model::School& school) {
    std::string locality;
    if (school.rural) locality = *school.rural ? "сельская школа" : "городская школа";
    if (school.small.value_or(false)) locality += locality.empty() ? "малокомплектная школа" : ", малокомплектная";
    return locality;
}

Data school_details(const model::School& school, const Links& links) {
    Data data = school_brief(school);
    put_list(data, "other_names", string_list(school.other_names));
    set(data, "head", school.head.empty() ? Data(false) : person_data(school.head));
    set(data, "coordinator", school.coordinator.empty() ? Data(false) : person_data(school.coordinator));
    put(data, "address", school.address);
    put(data, "official_site", linkable(school.official_site));
    put(data, "students", school.students ? std::to_string(*school.students) : std::string());
    put(data, "teachers", school.teachers ? std::to_string(*school.teachers) : std::string());
    put(data, "locality", locality_text(school));
    for (const auto& field : school.example_fields) set(data, field + "_example", true);
    put(data, "distance_km", school.distance_km ? format_number(*school.distance_km, 1) + " км" : std::string());
    set(data, "mentor", mentor_data(school.mentor, links));
    List categories;
    for (const auto& category : school.categories) categories.push_back(category_data(category, links));
    put_list(data, "categories", std::move(categories));
    List risks;
    for (const auto& risk : school.risk_profile) {
        Data entry;
        set(entry, "factor", risk.factor);
        put_markdown(entry, "measures_html", risk.measures);
        set(entry, "document", risk.document.empty() ? Data(false) : links.reference(risk.document));
        risks.push_back(std::move(entry));
    }
    put_list(data, "risk_profile", std::move(risks));
    if (school.self_diagnosis) {
        Data diagnosis;
        put(diagnosis, "year", school.self_diagnosis->year ? std::to_string(*school.self_diagnosis->year) : std::string());
        put(diagnosis, "level", school.self_diagnosis->level);
        const auto& document = school.self_diagnosis->document;
        set(diagnosis, "document", document.empty() ? Data(false) : links.reference(document));
        set(data, "self_diagnosis", std::move(diagnosis));
    } else {
        set(data, "self_diagnosis", false);
    }
    // The built-in layout prints the text as the intro_block fragment; a
    // content tree's own school.mustache may still print these.
    put(data, "intro_title", school.intro_title);
    put_markdown(data, "intro_html", school.intro);
    return data;
}

// «К кому обратиться»: the school's coordinator, and the district's; a school
// that names no coordinator falls back to the district's coordinator and its
// education authority, and a page with no contact at all says so.
void add_contacts(const model::Site& site, const model::School& school, Data& data) {
    const auto& coordinator = site.config.coordinator;
    const auto& district = site.config.district;
    set(data, "district_coordinator", coordinator.empty() ? Data(false) : person_data(coordinator));
    bool own = !school.coordinator.empty();
    bool authority = !own && !(district.authority.empty() && district.phone.empty() && district.email.empty());
    if (authority) {
        model::Person office;
        office.name = district.authority;
        office.phone = district.phone;
        office.email = district.email;
        set(data, "district_authority", person_data(office));
    } else {
        set(data, "district_authority", false);
    }
    std::string note;
    if (!own && (authority || !coordinator.empty()))
        note = "Координатор в школе не указан. По вопросам сопровождения школы можно обратиться в район.";
    else if (!own)
        note = "Контакты для обращения пока не указаны: ни координатор школы, ни контакты района не опубликованы.";
    put(data, "contacts_note", note);
}

Data contact_answer(const model::Person& person, const std::string& role) {
    Data data;
    put(data, "name", person.name.empty() ? person.organization : person.name);
    set(data, "role", role);
    put(data, "phone", unbreakable_phone(person.phone));
    put(data, "phone_href", tel_href(person.phone));
    put(data, "email", person.phone.empty() ? person.email : std::string());
    set(data, "example", person.example);
    set(data, "last", false);
    return data;
}

// The first screen's «К кому обратиться»: the school's coordinator; the
// district's when the school names none or gives no phone; the district's
// education authority when no coordinator has a phone.
List contact_answers(const model::Site& site, const model::School& school) {
    const auto& coordinator = site.config.coordinator;
    const auto& district = site.config.district;
    List contacts;
    bool phone = false;
    if (!school.coordinator.empty()) {
        contacts.push_back(contact_answer(school.coordinator, "координатор в школе"));
        phone = !school.coordinator.phone.empty();
    }
    if (!phone && !coordinator.empty()) {
        contacts.push_back(contact_answer(coordinator, "координатор района"));
        phone = !coordinator.phone.empty();
    }
    if (!phone && !district.phone.empty()) {
        model::Person office;
        office.organization = district.authority.empty() ? "Орган управления образованием района" : district.authority;
        office.phone = district.phone;
        contacts.push_back(contact_answer(office, "в районе"));
    }
    return contacts;
}

constexpr std::size_t kReasonCharacters = 110;
// The first screen lists this many verdicts; the rest are on the results page.
constexpr std::size_t kVerdictsOnFirstScreen = 2;

// «ШНОР с 2024 года — низкие результаты ОГЭ.»: a reason continues the
// sentence, so its first word loses its capital unless it is an abbreviation
// («ОГЭ …», whose second letter is a capital too); it ends with a full stop.
std::string reason_after_dash(std::string reason) {
    auto byte = [&](std::size_t i) { return i < reason.size() ? static_cast<unsigned char>(reason[i]) : 0; };
    bool capital = byte(0) == 0xD0 && byte(1) >= 0x90 && byte(1) <= 0xAF;
    bool next_small = (byte(2) == 0xD0 && byte(3) >= 0xB0) || byte(2) == 0xD1;
    if (capital && next_small) {
        unsigned char second = byte(1);
        if (second <= 0x9F) reason[1] = static_cast<char>(second + 0x20);  // А–П → а–п
        else {                                                             // Р–Я → р–я
            reason[0] = static_cast<char>(0xD1);
            reason[1] = static_cast<char>(second - 0x20);
        }
    }
    const std::string ellipsis = "\u2026";
    bool cut = reason.size() >= ellipsis.size() && reason.compare(reason.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0;
    if (!cut && reason.back() != '.' && reason.back() != '!' && reason.back() != '?') reason += '.';
    return reason;
}

// The first screen's «Почему школа в программе»: one reason, the first one
// given; the rest and the basis are in the panel below.
void add_list_answer(const model::School& school, Data& data) {
    std::string reason;
    std::size_t reasons = 0;
    for (const auto& category : school.categories) {
        if (reason.empty() && !category.reasons.empty()) reason = category.reasons.front();
        reasons += category.reasons.size();
    }
    // One line of thought, not a paragraph: a long reason is cut at a word, whole in the panel below.
    put(data, "list_reason", reason.empty() ? reason : reason_after_dash(shortened_title(reason, kReasonCharacters)));
    std::string more;
    if (reasons > 1) more = "ещё " + count_text(static_cast<long long>(reasons - 1), "причина", "причины", "причин");
    put(data, "more_reasons", more);
}

// The items of a district roadmap that concern the school.
std::vector<const model::RoadmapItem*> items_for(const model::Roadmap& roadmap, const std::string& slug) {
    std::vector<const model::RoadmapItem*> items;
    for (const auto& section : roadmap.sections)
        for (const auto& item : section.items)
            if (item.concerns(slug)) items.push_back(&item);
    return items;
}

// «Завершённые планы» of a school: its own finished roadmaps and the finished
// district roadmaps with measures for it, each with its final figures (of the
// school's measures, for a district one).
List finished_plans_of(const model::Site& site, const model::School& school) {
    std::string page = base_of(school) + "roadmap/";
    List list;
    for (const auto& roadmap : school.own.roadmaps)
        if (roadmap.derived.finished)
            list.push_back(finished_plan_data(roadmap, derive::progress_of(roadmap), page + "#roadmap-" + roadmap.id));
    for (const auto& roadmap : site.district.roadmaps) {
        if (!roadmap.derived.finished) continue;
        auto items = items_for(roadmap, school.slug);
        if (items.empty()) continue;
        Data entry = finished_plan_data(roadmap, count_items(items), page + "#district-roadmap-" + roadmap.id);
        set(entry, "district", true);
        list.push_back(std::move(entry));
    }
    return list;
}

void add_main_page(const SiteIndex& index, const BuildContext& context, const model::School& school,
                   std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    Links links(index, &school);
    PageSpec page = school_page(site, context, school, base_of(school), "school", school.display_name(), false);
    set(page.data, "school", school_details(school, links));
    set(page.data, "on_list", !school.categories.empty());
    auto own_items = items_of(school.own.roadmaps, Plans::current);
    auto district_items = district_items_of(site, school.slug, Plans::current);
    std::string listing = school_roadmap_listing_base(school.slug);
    set(page.data, "own_progress",
                  own_items.empty() ? Data(false) : progress_data(count_items(own_items), listing, "#own"));
    set(page.data, "district_progress", district_items.empty()
                                           ? Data(false)
                                           : progress_data(count_items(district_items), listing, "#district"));
    put_list(page.data, "finished_plans", finished_plans_of(site, school));
    set(page.data, "own_roadmaps", std::to_string(school.own.roadmaps.size()));
    const auto& groups = index.results().groups_of(school);
    put_list(page.data, "latest_results", latest_results_lines(groups));
    List verdicts = verdict_lines(groups);
    std::size_t more_verdicts = verdicts.size() > kVerdictsOnFirstScreen ? verdicts.size() - kVerdictsOnFirstScreen : 0;
    if (more_verdicts > 0) {
        verdicts.erase(verdicts.begin() + static_cast<std::ptrdiff_t>(kVerdictsOnFirstScreen), verdicts.end());
        set(verdicts.back(), "last", true);
    }
    put(page.data, "more_verdicts",
        more_verdicts > 0 ? "ещё " + count_text(static_cast<long long>(more_verdicts), "экзамен или предмет",
                                                "экзамена или предмета", "экзаменов или предметов")
                          : std::string());
    set(page.data, "verdicts_example", std::any_of(verdicts.begin(), verdicts.end(), [](const Data& line) {
            return line.get("example")->is_true();
        }));
    put_list(page.data, "verdicts", std::move(verdicts));
    put(page.data, "level_rule", level_rule_text(groups));
    add_list_answer(school, page.data);
    // «Выполнено 5 из 12»: the school's own measures and the district's for it, current plans only.
    auto all_items = own_items;
    all_items.insert(all_items.end(), district_items.begin(), district_items.end());
    Data progress_answer = all_items.empty() ? Data(false) : progress_data(count_items(all_items), std::string());
    if (!all_items.empty())
        set(progress_answer, "whose",
            own_items.empty() ? "района для школы"
                              : district_items.empty() ? "«дорожной карты» школы" : "школы и района");
    set(page.data, "progress_answer", std::move(progress_answer));
    // Illustrative data is marked once per answer: a tag per line would push the answers off the first screen.
    List contacts = contact_answers(site, school);
    bool contacts_example = std::any_of(contacts.begin(), contacts.end(),
                                        [](const Data& contact) { return contact.get("example")->is_true(); });
    if (!contacts.empty()) set(contacts.back(), "last", true);
    put_list(page.data, "contact_answers", std::move(contacts));
    set(page.data, "contacts_example", contacts_example);
    set(page.data, "results_href", base_of(school) + "results/");
    set(page.data, "roadmap_href", base_of(school) + "roadmap/");
    add_contacts(site, school, page.data);
    List news;
    for (std::size_t i = 0; i < school.own.news.size() && i < 3; ++i)
        news.push_back(news_summary(school.own.news[i], base_of(school) + "news/" + school.own.news[i].id + "/"));
    put_list(page.data, "news", std::move(news));
    set(page.data, "intro_block", add_fragment(page, school_intro(school)));
    pages.push_back(std::move(page));
}

// The school's own roadmaps as sections, and the district items concerning
// the school grouped by district roadmap; `filter` narrows the rows (status
// listings), and roadmaps left without rows are dropped.
struct SchoolRoadmapData {
    List own;
    List district;
    // Finished roadmaps, listed apart (not on status listings: their items
    // are out of the current progress those listings count).
    List finished_own;
    List finished_district;
};

SchoolRoadmapData school_roadmap_data(const SiteIndex& index, const model::School& school, const RowFilter& filter,
                                      bool linked_counts) {
    const auto& site = index.site();
    Links links(index, &school);
    Links district_links(index, nullptr);
    std::string listing = linked_counts ? school_roadmap_listing_base(school.slug) : std::string();
    std::string roadmap_page = base_of(school) + "roadmap/";
    SchoolRoadmapData data;
    for (const auto& roadmap : school.own.roadmaps) {
        bool finished = roadmap.derived.finished;
        if (finished && filter.only_status) continue;
        RowFilter own_filter = filter;
        own_filter.only_school.clear();
        List tables = roadmap_tables(roadmap, links, roadmap.id + "-", own_filter);
        if (tables.empty() && filter.only_status) continue;
        Data entry = roadmap_summary(roadmap, links);
        set(entry, "anchor", "roadmap-" + roadmap.id);
        // A finished roadmap's counts link to no listing: those count current items.
        set(entry, "progress", progress_data(derive::progress_of(roadmap), finished ? std::string() : listing,
                                             "#roadmap-" + roadmap.id));
        put_markdown(entry, "description_html", roadmap.description);
        set(entry, "full_href", roadmap_page + "#roadmap-" + roadmap.id);
        put_list(entry, "tables", std::move(tables));
        (finished ? data.finished_own : data.own).push_back(std::move(entry));
    }
    for (const auto& roadmap : site.district.roadmaps) {
        bool finished = roadmap.derived.finished;
        if (finished && filter.only_status) continue;
        RowFilter district_filter = filter;
        district_filter.only_school = school.slug;
        List tables = roadmap_tables(roadmap, district_links, "district-" + roadmap.id + "-", district_filter);
        if (tables.empty()) continue;
        Data entry;
        set(entry, "anchor", "district-roadmap-" + roadmap.id);
        set(entry, "title", roadmap.title);
        set(entry, "href", "roadmaps/" + roadmap.id + "/");
        set(entry, "finished",
            finished ? Data(finished_line(roadmap, count_items(items_for(roadmap, school.slug)))) : Data(false));
        set(entry, "tables", std::move(tables));
        (finished ? data.finished_district : data.district).push_back(std::move(entry));
    }
    return data;
}

void add_roadmap_page(const SiteIndex& index, const BuildContext& context, const model::School& school,
                      std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    PageSpec page = school_page(site, context, school, base_of(school) + "roadmap/", "school_roadmap",
                                "«Дорожная карта»: " + school.display_name());
    auto data = school_roadmap_data(index, school, {}, true);
    bool any_finished = !data.finished_own.empty() || !data.finished_district.empty();
    put_list(page.data, "roadmaps", std::move(data.own));
    put_list(page.data, "district_roadmaps", std::move(data.district));
    put_list(page.data, "finished_roadmaps", std::move(data.finished_own));
    put_list(page.data, "finished_district_roadmaps", std::move(data.finished_district));
    set(page.data, "has_finished", any_finished);
    std::string listing = school_roadmap_listing_base(school.slug);
    auto own_items = items_of(school.own.roadmaps, Plans::current);
    auto district_items = district_items_of(site, school.slug, Plans::current);
    set(page.data, "district_progress", district_items.empty()
                                           ? Data(false)
                                           : progress_data(count_items(district_items), listing, "#district"));
    auto all_items = own_items;
    all_items.insert(all_items.end(), district_items.begin(), district_items.end());
    set(page.data, "all_progress", all_items.empty() ? Data(false) : progress_data(count_items(all_items), listing));
    pages.push_back(std::move(page));
}

// schools/<slug>/roadmap/status/<status>/: the school's own items and the
// district items concerning it, of one status.
void add_roadmap_status_pages(const SiteIndex& index, const BuildContext& context, const model::School& school,
                              std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    auto items = items_of(school.own.roadmaps, Plans::current);
    auto district_items = district_items_of(site, school.slug, Plans::current);
    items.insert(items.end(), district_items.begin(), district_items.end());
    auto progress = count_items(items);
    std::string roadmap_page = base_of(school) + "roadmap/";
    std::string listing = school_roadmap_listing_base(school.slug);
    for (auto status : listed_statuses()) {
        int count = count_of(progress, status);
        if (count == 0) continue;
        std::string heading = status_listing_title(status) + ": " + std::to_string(count) + " из " +
                              std::to_string(progress.total);
        PageSpec page = school_page(site, context, school, listing + status_key(status) + "/",
                                    "school_roadmap_status", heading + " — " + school.display_name());
        // The listing belongs under the school's roadmap in the breadcrumbs.
        Crumbs crumbs = {{"Главная", ""}, {"Школы", "schools/"}, {school.display_name(), base_of(school)},
                         {"«Дорожная карта»", roadmap_page}};
        List crumb_links;
        for (const auto& [text, href] : crumbs) crumb_links.push_back(link_data(text, href, true));
        put_list(page.data, "breadcrumbs", std::move(crumb_links));
        Data listing_data;
        set(listing_data, "heading", heading);
        set(listing_data, "status", status_tag(status));
        set(listing_data, "roadmap_href", roadmap_page);
        set(listing_data, "total_text", items_text(progress.total));
        set(listing_data, "progress", progress_data(progress, listing, "", status));
        RowFilter filter;
        filter.only_status = status;
        filter.full_page = roadmap_page;
        auto data = school_roadmap_data(index, school, filter, false);
        put_list(listing_data, "roadmaps", std::move(data.own));
        put_list(listing_data, "district_roadmaps", std::move(data.district));
        set(page.data, "listing", std::move(listing_data));
        pages.push_back(std::move(page));
    }
}

void add_results_page(const SiteIndex& index, const BuildContext& context, const model::School& school,
                      std::vector<PageSpec>& pages) {
    PageSpec page = school_page(index.site(), context, school, base_of(school) + "results/", "school_results",
                                "Результаты: " + school.display_name());
    put_results_page(page.data, index.results().groups_of(school));
    pages.push_back(std::move(page));
}

}  // namespace

void add_school_pages(const SiteIndex& index, const model::School& school, const BuildContext& undated,
                      std::vector<PageSpec>& pages) {
    const auto& site = index.site();
    BuildContext context = undated;
    context.page_dates = std::make_shared<const PageDates>(site, school, context.build_date);
    Links links(index, &school);
    std::string base = base_of(school);
    add_main_page(index, context, school, pages);
    add_roadmap_page(index, context, school, pages);
    add_roadmap_status_pages(index, context, school, pages);
    add_results_page(index, context, school, pages);

    PageSpec documents = school_page(site, context, school, base + "documents/", "documents",
                                     "Документы: " + school.display_name());
    set(documents.data, "documents", documents_data(school.own.documents, links));
    pages.push_back(std::move(documents));

    Data extra;
    set(extra, "school", school_brief(school));
    set(extra, "school_nav", school_nav(school, base + "news/"));
    add_news_pages(site, context, school.own.news, base + "news/", links, "schools",
                   {{"Главная", ""}, {"Школы", "schools/"}, {school.display_name(), base}}, extra, pages);

    for (const auto& program : school.own.programs) {
        PageSpec page = school_page(site, context, school, base + "programs/" + program.id + "/", "program",
                                    program.title);
        set(page.data, "program", program_data(program, school.own.roadmaps,
                                              [&](const std::string& id) { return base + "roadmap/#roadmap-" + id; },
                                              links));
        pages.push_back(std::move(page));
    }
    for (const auto& free : school.own.pages) {
        PageSpec page = school_page(site, context, school, base + "pages/" + free.slug + "/", "page", free.title);
        put(page.data, "description", free.description);
        put_markdown(page.data, "body_html", free.body);
        pages.push_back(std::move(page));
    }
    if (context.school_build == school.slug)
        pages.push_back(glossary_page(site, context, base + "glossary/", &school,
                                      {{"Главная", ""}, {"Школы", "schools/"}, {school.display_name(), base}}));
}

}  // namespace shnor::view::detail

namespace shnor::view {

Fragment school_intro(const model::School& school) {
    Data data;
    detail::put(data, "intro_title", school.intro_title);
    detail::put_markdown(data, "intro_html", school.intro);
    return {"intro_block", "school_intro", std::move(data), {}, true};
}

}  // namespace shnor::view
