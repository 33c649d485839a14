// The content model: plain structs filled by load/, completed by derive/,
// read by view/. No I/O here.
#pragma once

#include "model/date.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shnor::model {

// Where a value came from, so later stages can still name file and line.
struct SourcePos {
    std::string file;  // path relative to the content root, e.g. "roadmaps/plan-2024.yaml"
    int line = 0;      // 1-based; 0 when unknown
};

struct Person {
    std::string name;
    std::string position;
    std::string organization;
    std::string phone;
    std::string email;
    bool example = false;  // illustrative data, shown with «пример»
    bool empty() const { return name.empty() && organization.empty(); }
};

struct Fact {
    std::string label;
    std::string value;  // Markdown where the format says so (programme `other`)
};

struct District {
    std::string name;
    std::string region;
    std::string authority;
    std::string address;
    std::string phone;
    std::string email;
    std::string website;
    std::optional<int> schools_total;
    std::vector<Fact> facts;
};

struct Source {
    std::string id;
    std::string url;
    std::string role;    // results | schools-list | district | data
    std::string format;  // csv | json | yaml
    std::string sha256;
    std::string max_age = "1d";
    std::string timeout;  // "20s", "2m": the most a fetch may take; empty: the default (30 s)
    SourcePos pos;
};

// An abbreviation of the district's documents and its expansion, from
// site.yaml `glossary` (added to the built-in ones of render/glossary.hpp).
struct GlossaryTerm {
    std::string abbreviation;  // at least two capital letters: ЦРО, ТУ, НИПКиПРО
    std::string expansion;
    int line = 0;
};

struct SiteConfig {
    std::string title;
    std::string short_title;  // the header on phones; at most 40 characters
    std::vector<GlossaryTerm> glossary;
    std::string base_url;  // always ends with '/'
    int base_url_line = 0;  // in site.yaml, for `shnor check`
    std::string language = "ru";
    District district;
    Person coordinator;
    std::vector<Source> sources;
    SourcePos pos;
};

struct Task {
    std::string text;
    std::vector<std::string> actions;
};

struct Stage {
    std::string name;
    std::optional<Date> start;
    std::optional<Date> end;
    std::string when;         // printed free text
    std::string description;  // Markdown
};

struct Program {
    std::string id;
    std::string title;
    std::string kind = "programme";  // programme | complex-of-measures | concept | plan
    std::string approved_by;         // document id or free text
    std::vector<std::string> developers;
    std::vector<std::string> executors;
    std::optional<Person> curator;
    std::string goal;
    std::vector<Task> tasks;
    std::vector<std::string> indicators;  // ids in indicators.yaml
    std::optional<DateRange> period;
    std::vector<Stage> stages;
    std::vector<std::string> expected_results;
    std::string control;
    std::vector<Fact> other;  // value is Markdown
    std::string body;         // Markdown after the front matter
    bool example = false;
    SourcePos pos;
};

enum class Status { planned, in_progress, done, cancelled };

// What the public sees: the written status, or overdue when past due.
enum class ShownStatus { planned, in_progress, done, cancelled, overdue, ongoing };

struct RoadmapItem {
    std::string n;
    std::string title;  // plain text; line breaks kept
    std::string when;   // printed free text
    std::optional<Date> start;  // as written
    std::optional<Date> due;    // as written
    std::vector<std::string> responsible;
    std::string result;  // plain text; line breaks kept
    Status status = Status::planned;
    bool status_given = false;
    std::string report;  // Markdown
    std::optional<Date> reported;
    std::vector<std::string> evidence;  // document id, news:<id>, or URL
    std::vector<std::string> schools;   // school slugs; empty with all_schools
    bool all_schools = false;           // `schools: all`: a measure of every school of the site
    std::string level;                  // free text: «муниципальный», «уровень ОО» (two-level lists)
    // Sub-rows of one printed row, each with its own deadline, status and
    // report; an item with parts has none of these itself.
    std::vector<RoadmapItem> parts;
    bool example = false;
    SourcePos pos;

    bool concerns(const std::string& slug) const {
        if (all_schools) return true;
        for (const auto& named : schools)
            if (named == slug) return true;
        return false;
    }
    // Something shows what was done: a report text, its date, evidence or a
    // news item about it.
    bool has_report() const {
        return !report.empty() || reported.has_value() || !evidence.empty() || derived.reported_in_news;
    }

    // Filled by derive/.
    struct Derived {
        std::optional<Date> start;
        std::optional<Date> due;
        bool ongoing = false;
        bool when_understood = false;
        ShownStatus shown = ShownStatus::planned;
        bool reported_in_news = false;  // a news item's `roadmap_item` names it
    } derived;
};

struct RoadmapSection {
    std::string n;
    std::string title;  // empty for a roadmap written as a flat `items:` list
    std::vector<RoadmapItem> items;
};

struct Roadmap {
    std::string id;
    std::string title;
    std::optional<DateRange> period;
    std::string approved_by;  // document id or free text
    std::string program;      // programme id
    std::string description;  // Markdown
    bool flat = false;        // written as `items:` rather than `sections:`
    std::vector<RoadmapSection> sections;
    SourcePos pos;

    // Filled by derive/.
    struct Derived {
        // The period ended before the build date: nothing in it is overdue,
        // and it is out of every current progress.
        bool finished = false;
    } derived;
};

struct IndicatorPoint {
    int year = 0;
    double value = 0;
    std::string note;
    bool example = false;
};

struct Indicator {
    std::string id;
    std::string title;
    std::string unit;
    std::string better = "higher";  // higher | lower
    std::optional<IndicatorPoint> baseline;
    std::optional<IndicatorPoint> target;
    std::vector<IndicatorPoint> values;
    SourcePos pos;
};

struct ResultRow {
    std::string exam;
    std::string subject;
    std::optional<int> grade;
    int year = 0;
    std::optional<int> participants;
    std::optional<double> mean;
    std::optional<int> scale;
    std::optional<double> fail_share;
    std::optional<double> quality_share;
    std::string scope;  // shared sources only: region | district | <school slug>
    bool example = false;
    SourcePos pos;
};

struct Document {
    std::string id;
    std::string kind = "other";  // order | programme | plan | report | analytics | recommendations | protocol | other
    std::string title;
    std::string number;
    std::optional<Date> date;
    std::string issuer;
    std::string file;  // local path relative to the folder of documents.yaml
    std::string url;
    std::vector<std::string> based_on;
    std::string page;  // free page slug
    std::optional<Person> signed_by;
    bool example = false;
    SourcePos pos;

    // Filled by load/ for local files.
    std::filesystem::path file_path;  // path of the local file on disk
    std::string site_path;            // relative to the content root = relative to the output root
    std::uintmax_t file_size = 0;
    std::string file_type;  // upper-case extension: PDF, DOCX, ...
};

struct Link {
    std::string title;
    std::string url;
};

// What a news item says of one of its photos besides the file (the entry of
// `photos` is either the file or a mapping {file, caption, publish_original}).
struct PhotoNote {
    std::string caption;            // alt text and <figcaption>; empty: not written
    bool publish_original = false;  // the full-size image is published too (without metadata)
    int line = 0;                   // of the entry in the news file
    std::string source_hash;        // filled by load/: XXH3-128 of the file's bytes (hex)
};

struct NewsItem {
    std::string id;  // file stem: <YYYY-MM-DD>-<slug>
    std::string title;
    Date date;
    std::vector<std::string> schools;
    std::string roadmap_item;  // <roadmap id>#<n>
    std::vector<std::string> photos;  // as written: relative to the folder owning news/ (district root or school folder)
    std::vector<std::string> photo_site_paths;  // filled by load/: relative to the content root
    std::vector<PhotoNote> photo_notes;         // filled by load/: one per photo_site_paths entry
    std::vector<Link> links;
    std::string body;  // Markdown
    // Only in the light part of a streaming build, whose body is dropped
    // (pipeline/school_parts.cpp): what the Atom feed prints of the body.
    std::string feed_summary;
    bool example = false;
    SourcePos pos;
};

struct Page {
    std::string slug;
    std::string title;
    std::string description;
    std::string body;  // Markdown
    SourcePos pos;
};

struct Category {
    std::string type;  // shnor | shnsu | risk
    std::optional<int> year;
    std::string basis;  // document id or free text
    std::vector<std::string> reasons;
};

struct RiskFactor {
    std::string factor;
    std::string measures;  // Markdown
    std::string document;  // document id
};

struct SelfDiagnosis {
    std::optional<int> year;
    std::string level;
    std::string document;
};

struct Mentor {
    std::string slug;  // a school of this site, or
    std::string name;  // an outside school
    std::string url;
};

// What a district and each school both publish.
struct Publications {
    std::vector<Program> programs;
    std::vector<Roadmap> roadmaps;
    std::vector<Document> documents;
    std::vector<NewsItem> news;  // newest first after load
    std::vector<Page> pages;
};

struct School {
    std::string slug;
    std::string name;
    std::string short_name;
    std::vector<std::string> other_names;
    Person head;
    Person coordinator;
    std::string address;
    std::string official_site;
    std::optional<int> students;
    std::optional<int> teachers;
    std::optional<bool> rural;  // unset: the content does not say
    std::optional<bool> small;
    std::optional<double> distance_km;
    std::optional<Mentor> mentor;
    std::vector<Category> categories;
    std::vector<RiskFactor> risk_profile;
    std::optional<SelfDiagnosis> self_diagnosis;
    // school.yaml keys whose values are illustrative (shown with «пример»).
    std::vector<std::string> example_fields;
    std::string intro_title;  // index.md front matter title, optional
    std::string intro;        // index.md body, Markdown
    Publications own;
    std::vector<ResultRow> results;
    SourcePos pos;

    const std::string& display_name() const { return short_name.empty() ? name : short_name; }
};

struct Site {
    std::filesystem::path content_dir;
    SiteConfig config;
    Publications district;
    std::vector<Indicator> indicators;
    std::vector<ResultRow> district_results;  // optional results.yaml/csv at the content root (scope rows)
    std::vector<School> schools;               // in the order of site.yaml `schools:` (optional list of slugs), the rest by slug
};

}  // namespace shnor::model
