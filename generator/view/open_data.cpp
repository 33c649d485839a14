// Open data: data/*.json and data/*.csv. The JSON of site.json is also what a
// `district` source of another build reads, so it is complete and stable:
// every key is always present (null or "" when empty), in a fixed order.
#include "derive/indicators.hpp"
#include "derive/results.hpp"
#include "render/escape.hpp"
#include "view/view.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <functional>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace shnor::view {

namespace {

using Json = nlohmann::ordered_json;
using model::Date;

constexpr int kFormatVersion = 1;

// ---- JSON values -------------------------------------------------------

Json date_json(const std::optional<Date>& date) { return date ? Json(date->iso()) : Json(nullptr); }

template <typename Number>
Json number_json(const std::optional<Number>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json person_json(const model::Person& person) {
    return Json{{"name", person.name},   {"position", person.position}, {"organization", person.organization},
                {"phone", person.phone}, {"email", person.email},       {"example", person.example}};
}

Json optional_person_json(const std::optional<model::Person>& person) {
    return person ? person_json(*person) : Json(nullptr);
}

Json period_json(const std::optional<model::DateRange>& period) {
    if (!period) return nullptr;
    return Json{{"start", period->start.iso()}, {"end", period->end.iso()}};
}

Json facts_json(const std::vector<model::Fact>& facts) {
    Json list = Json::array();
    for (const auto& fact : facts) list.push_back(Json{{"label", fact.label}, {"value", fact.value}});
    return list;
}

std::string status_name(model::Status status) {
    switch (status) {
        case model::Status::planned: return "planned";
        case model::Status::in_progress: return "in_progress";
        case model::Status::done: return "done";
        case model::Status::cancelled: return "cancelled";
    }
    return "planned";
}

std::string shown_status_name(model::ShownStatus status) {
    switch (status) {
        case model::ShownStatus::planned: return "planned";
        case model::ShownStatus::in_progress: return "in_progress";
        case model::ShownStatus::done: return "done";
        case model::ShownStatus::cancelled: return "cancelled";
        case model::ShownStatus::overdue: return "overdue";
        case model::ShownStatus::ongoing: return "ongoing";
    }
    return "planned";
}

Json progress_json(const derive::Progress& progress) {
    return Json{{"total", progress.total},         {"done", progress.done},
                {"in_progress", progress.in_progress}, {"planned", progress.planned},
                {"overdue", progress.overdue},     {"cancelled", progress.cancelled},
                {"ongoing", progress.ongoing},     {"percent_done", progress.percent_done()},
                {"reported", progress.reported}};
}

// One file's text, handed to the sink in chunks of about kChunk bytes.
class FileText {
public:
    FileText(TextSink& sink, const std::string& path) : sink_(sink) {
        sink_.begin(path);
        buffer_.reserve(kChunk + kChunk / 4);
    }
    FileText(const FileText&) = delete;
    FileText& operator=(const FileText&) = delete;

    void write(std::string_view text) {
        buffer_ += text;
        if (buffer_.size() >= kChunk) flush();
    }
    void write(char c) { buffer_ += c; }
    // Bytes of the file so far.
    std::size_t offset() const { return flushed_ + buffer_.size(); }
    // Tells the sink that `key`'s bytes run from `start` to here.
    void span_from(const std::string& key, std::size_t start) { sink_.span(key, start, offset() - start); }
    void finish() {
        flush();
        sink_.end();
    }

private:
    static constexpr std::size_t kChunk = 256 * 1024;
    void flush() {
        if (!buffer_.empty()) sink_.append(buffer_);
        flushed_ += buffer_.size();
        buffer_.clear();
    }

    TextSink& sink_;
    std::string buffer_;
    std::size_t flushed_ = 0;
};

// ---- control characters ------------------------------------------------

// C1 controls (U+0080–U+009F) are 0xC2 0x80–0x9F in UTF-8.
bool is_c1_control(std::string_view text, std::size_t i) {
    return static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < text.size() &&
           static_cast<unsigned char>(text[i + 1]) >= 0x80 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
}

// Text of a CSV cell without control characters: line breaks (\n) and tabs
// stay, everything else of C0, DEL and C1 goes (a \r would split a row for
// some readers, a NUL end the text for others).
std::string without_controls(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7F) continue;
        if (is_c1_control(text, i)) {
            ++i;
            continue;
        }
        clean += text[i];
    }
    return clean;
}

// A JSON dump without control characters in its strings: nlohmann writes C0
// as escapes (\u0001, \b, \f, \r), which are dropped but for \n and \t,
// and DEL and C1 as they are. A dump has backslashes only in escapes, so
// reading it escape by escape is exact.
std::string without_control_escapes(std::string dump) {
    auto needs_work = [](char c) { return c == '\\' || c == '\x7f' || c == '\xc2'; };
    if (std::none_of(dump.begin(), dump.end(), needs_work)) return dump;
    std::string clean;
    clean.reserve(dump.size());
    for (std::size_t i = 0; i < dump.size(); ++i) {
        char c = dump[i];
        if (c == '\x7f') continue;
        if (is_c1_control(dump, i)) {
            ++i;
            continue;
        }
        if (c != '\\' || i + 1 >= dump.size()) {
            clean += c;
            continue;
        }
        char kind = dump[i + 1];
        std::size_t length = kind == 'u' ? 6 : 2;
        bool control = kind == 'b' || kind == 'f' || kind == 'r';
        if (kind == 'u' && i + 6 <= dump.size()) {
            unsigned code = std::stoul(dump.substr(i + 2, 4), nullptr, 16);
            control = code < 0x20 && code != '\n' && code != '\t';
        }
        if (!control) clean.append(dump, i, length);
        i += length - 1;
    }
    return clean;
}

// Every JSON text of open data goes through here.
std::string dumped(const Json& value) { return without_control_escapes(value.dump()); }

// Compact JSON (no indentation: about 30 % smaller than dump(2)), one value
// at a time, so the big arrays are never held as a whole tree.
void write_json(FileText& out, const Json& value) { out.write(dumped(value)); }

class JsonArrayWriter {
public:
    explicit JsonArrayWriter(FileText& out) : out_(out) {}
    void push_back(const Json& element) {
        if (count_++) out_.write(',');
        write_json(out_, element);
    }
    void push_back_dumped(std::string_view element) {
        if (count_++) out_.write(',');
        out_.write(element);
    }
    // An owner's elements, already joined by commas (maybe none), as the
    // span `key` (none when `key` is empty): the span leaves out the comma
    // before them, so a build can put new elements of that owner in its place.
    void push_back_owned(const std::string& key, std::string_view elements) {
        if (!elements.empty() && count_++) out_.write(',');
        std::size_t start = out_.offset();
        out_.write(elements);
        if (!key.empty()) out_.span_from(key, start);
    }

private:
    FileText& out_;
    std::size_t count_ = 0;
};

using ArrayFill = std::function<void(JsonArrayWriter&)>;

// The bytes of `object.dump()` (plus a final newline), with the value of
// each key in `arrays` written element by element by its fill function.
void write_json_file(TextSink& sink, const std::string& path, const Json& object,
                     const std::vector<std::pair<std::string, ArrayFill>>& arrays = {}) {
    FileText out(sink, path);
    out.write('{');
    bool first = true;
    for (const auto& [key, value] : object.items()) {
        if (!first) out.write(',');
        first = false;
        write_json(out, Json(key));
        out.write(':');
        // A named capture: clang 14 (fuzz/) cannot capture a structured binding.
        auto fill = std::find_if(arrays.begin(), arrays.end(), [&key = key](const auto& array) { return array.first == key; });
        if (fill == arrays.end()) {
            write_json(out, value);
            continue;
        }
        out.write('[');
        JsonArrayWriter array(out);
        fill->second(array);
        out.write(']');
    }
    out.write("}\n");
    out.finish();
}

// The same bytes as write_json_file(), for a file whose arrays are filled
// over time (a streaming build's batches): the members of `object` are
// written up to an array's key, the caller fills that array, and so on.
class JsonMembers {
public:
    JsonMembers(FileText& out, Json object) : out_(out), object_(std::move(object)), next_(object_.begin()) {
        out_.write('{');
    }
    // Writes the members before `key`, then `"key":[`.
    void open_array(const std::string& key) {
        while (next_ != object_.end() && next_.key() != key) write_member(next_.key(), &next_.value()), ++next_;
        if (next_ == object_.end()) throw std::logic_error("no member " + key);
        write_member(next_.key(), nullptr), ++next_;
        out_.write('[');
    }
    void close_array() { out_.write(']'); }
    // The members left, and the end of the file.
    void finish() {
        for (; next_ != object_.end(); ++next_) write_member(next_.key(), &next_.value());
        out_.write("}\n");
        out_.finish();
    }

private:
    void write_member(const std::string& key, const Json* value) {
        if (next_ != object_.begin()) out_.write(',');
        write_json(out_, Json(key));
        out_.write(':');
        if (value) write_json(out_, *value);
    }

    FileText& out_;
    Json object_;
    Json::iterator next_;
};

// ---- owners and URLs (relative to the site root) -------------------------

// The district's publications, or one school's.
struct Owner {
    std::string name;    // "district" or the school slug
    std::string prefix;  // "" or "schools/<slug>/"
    const model::Publications* own;
};

Owner owner_of(const model::School& school);

// The span of a school's elements in an open-data array; the district's has none.
std::string span_key(const std::string& array, const Owner& owner) {
    return owner.prefix.empty() ? std::string() : array + "/" + owner.name;
}

std::string joined_elements(const std::vector<std::string>& elements) {
    std::string text;
    for (const auto& element : elements) {
        if (!text.empty()) text += ',';
        text += element;
    }
    return text;
}

std::string roadmap_url(const Owner& owner, const model::Roadmap& roadmap) {
    return owner.prefix.empty() ? "roadmaps/" + roadmap.id + "/" : owner.prefix + "roadmap/";
}

// ---- CSV ---------------------------------------------------------------

// A CSV cell. Text that people wrote (names, titles, notes) could start a
// spreadsheet formula (`=HYPERLINK(…)`, `=cmd|…`), so a text cell that starts
// with = + - @, a tab or a CR gets a leading apostrophe inside quotes (the
// OWASP advice): spreadsheets show it as text. Values shnor formats itself
// (numbers, dates, true/false) are written as they are, so that a negative
// number stays a number.
struct CsvCell {
    std::string text;
    bool is_value = false;

    CsvCell(std::string text) : text(std::move(text)) {}
    CsvCell(const char* text) : text(text) {}
    static CsvCell value(std::string text) {
        CsvCell cell(std::move(text));
        cell.is_value = true;
        return cell;
    }
};

std::string csv_field(const CsvCell& cell) {
    if (cell.is_value) return render::escape_csv_field(cell.text);
    std::string text = without_controls(cell.text);
    constexpr std::string_view kFormulaStarts = "=+-@\t\r";
    if (text.empty() || kFormulaStarts.find(text.front()) == std::string_view::npos)
        return render::escape_csv_field(text);
    std::string quoted = "\"'";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

CsvCell csv_number(const std::optional<double>& value) {
    if (!value) return CsvCell::value({});
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, *value);
    return CsvCell::value(error == std::errc() ? std::string(buffer, end) : std::string());
}

CsvCell csv_number(const std::optional<int>& value) {
    return CsvCell::value(value ? std::to_string(*value) : std::string());
}
CsvCell csv_count(long long value) { return CsvCell::value(std::to_string(value)); }

CsvCell csv_date(const std::optional<Date>& date) { return CsvCell::value(date ? date->iso() : std::string()); }

CsvCell csv_bool(bool value) { return CsvCell::value(value ? "true" : "false"); }
CsvCell csv_bool(const std::optional<bool>& value) { return value ? csv_bool(*value) : CsvCell::value({}); }
Json flag_json(const std::optional<bool>& value) { return value ? Json(*value) : Json(nullptr); }

std::string joined(const std::vector<std::string>& values, const std::string& separator = "; ") {
    std::string text;
    for (const auto& value : values) text += (text.empty() ? "" : separator) + value;
    return text;
}

// UTF-8 with a byte order mark (so Excel detects the encoding), RFC 4180 quoting, CRLF.
class CsvFile {
public:
    CsvFile(TextSink& sink, const std::string& path, std::initializer_list<CsvCell> header) : out_(sink, path) {
        out_.write("\xEF\xBB\xBF");
        add(header);
    }
    static std::string row_text(std::initializer_list<CsvCell> row) {
        std::string text;
        bool first = true;
        for (const auto& field : row) {
            if (!first) text += ',';
            first = false;
            text += csv_field(field);
        }
        text += "\r\n";
        return text;
    }
    void add(std::initializer_list<CsvCell> row) { out_.write(row_text(row)); }
    // An owner's rows as the span `key` (none when `key` is empty).
    void add_owned(const std::string& key, std::string_view rows) {
        std::size_t start = out_.offset();
        out_.write(rows);
        if (!key.empty()) out_.span_from(key, start);
    }
    void finish() { out_.finish(); }

private:
    FileText out_;
};

// ---- schools -----------------------------------------------------------

Json categories_json(const std::vector<model::Category>& categories) {
    Json list = Json::array();
    for (const auto& category : categories)
        list.push_back(Json{{"type", category.type},
                            {"year", number_json(category.year)},
                            {"basis", category.basis},
                            {"reasons", category.reasons}});
    return list;
}

Json mentor_json(const std::optional<model::Mentor>& mentor) {
    if (!mentor) return nullptr;
    return Json{{"slug", mentor->slug}, {"name", mentor->name}, {"url", mentor->url}};
}

Json risk_profile_json(const std::vector<model::RiskFactor>& factors) {
    Json list = Json::array();
    for (const auto& factor : factors)
        list.push_back(Json{{"factor", factor.factor}, {"measures", factor.measures}, {"document", factor.document}});
    return list;
}

Json self_diagnosis_json(const std::optional<model::SelfDiagnosis>& diagnosis) {
    if (!diagnosis) return nullptr;
    return Json{{"year", number_json(diagnosis->year)}, {"level", diagnosis->level}, {"document", diagnosis->document}};
}

int roadmap_item_count(const std::vector<model::Roadmap>& roadmaps) {
    int count = 0;
    for (const auto& roadmap : roadmaps)
        for (const auto& section : roadmap.sections) count += static_cast<int>(section.items.size());
    return count;
}

Json counts_json(const model::School& school) {
    return Json{{"programs", school.own.programs.size()},
                {"roadmaps", school.own.roadmaps.size()},
                {"roadmap_items", roadmap_item_count(school.own.roadmaps)},
                {"documents", school.own.documents.size()},
                {"news", school.own.news.size()},
                {"pages", school.own.pages.size()},
                {"results", school.results.size()}};
}

Json school_json(const model::School& school) {
    return Json{{"slug", school.slug},
                {"name", school.name},
                {"short_name", school.short_name},
                {"other_names", school.other_names},
                {"url", "schools/" + school.slug + "/"},
                {"address", school.address},
                {"official_site", school.official_site},
                {"students", number_json(school.students)},
                {"teachers", number_json(school.teachers)},
                {"rural", flag_json(school.rural)},
                {"small", flag_json(school.small)},
                {"distance_km", number_json(school.distance_km)},
                {"mentor", mentor_json(school.mentor)},
                {"head", person_json(school.head)},
                {"coordinator", person_json(school.coordinator)},
                {"categories", categories_json(school.categories)},
                {"risk_profile", risk_profile_json(school.risk_profile)},
                {"self_diagnosis", self_diagnosis_json(school.self_diagnosis)},
                {"example_fields", school.example_fields},
                {"counts", counts_json(school)},
                {"progress", progress_json(derive::current_progress_of(school.own.roadmaps))}};
}

std::string school_csv_row(const model::School& school) {
    std::vector<std::string> types, years, bases, reasons;
    for (const auto& category : school.categories) {
        types.push_back(category.type);
        years.push_back(category.year ? std::to_string(*category.year) : "");
        bases.push_back(category.basis);
        for (const auto& reason : category.reasons) reasons.push_back(reason);
    }
    auto progress = derive::current_progress_of(school.own.roadmaps);
    return CsvFile::row_text(
        {school.slug, school.name, school.short_name, "schools/" + school.slug + "/", joined(types), joined(years),
         joined(bases), joined(reasons), school.head.name, school.head.position, school.coordinator.name,
         school.coordinator.position, school.coordinator.phone, school.coordinator.email,
         csv_number(school.students), csv_number(school.teachers), csv_bool(school.rural), csv_bool(school.small),
         csv_count(progress.total), csv_count(progress.done), csv_count(progress.in_progress),
         csv_count(progress.planned), csv_count(progress.overdue), csv_count(progress.cancelled),
         csv_count(progress.ongoing), csv_count(progress.percent_done())});
}

Owner owner_of(const model::School& school) { return {school.slug, "schools/" + school.slug + "/", &school.own}; }

// ---- roadmaps ----------------------------------------------------------

// `schools: all` stays the word it was written as.
Json schools_json(const model::RoadmapItem& item) {
    if (item.all_schools) return "all";
    return item.schools;
}

// An item, or a part of one (with the same members). An item with parts has
// no dates or status of its own: those members are null, and `parts` lists
// its parts; an item without parts has no `parts` member.
Json item_json(const model::RoadmapItem& item) {
    bool by_parts = !item.parts.empty();
    Json json{{"n", item.n},
              {"title", item.title},
              {"when", item.when},
              {"start", date_json(item.start)},
              {"due", date_json(item.due)},
              {"derived_start", date_json(item.derived.start)},
              {"derived_due", date_json(item.derived.due)},
              {"ongoing", item.derived.ongoing},
              {"status", item.status_given && !by_parts ? Json(status_name(item.status)) : Json(nullptr)},
              {"shown_status", by_parts ? Json(nullptr) : Json(shown_status_name(item.derived.shown))},
              {"responsible", item.responsible},
              {"result", item.result},
              {"report", item.report},
              {"reported", date_json(item.reported)},
              {"evidence", item.evidence},
              {"schools", schools_json(item)},
              {"level", item.level},
              {"example", item.example}};
    if (by_parts) {
        Json parts = Json::array();
        for (const auto& part : item.parts) parts.push_back(item_json(part));
        json["parts"] = std::move(parts);
    }
    return json;
}

// A roadmap's members, "sections" last and null.
Json roadmap_head_json(const Owner& owner, const model::Roadmap& roadmap) {
    return Json{{"owner", owner.name},
                {"id", roadmap.id},
                {"title", roadmap.title},
                {"url", roadmap_url(owner, roadmap)},
                {"period", period_json(roadmap.period)},
                {"approved_by", roadmap.approved_by},
                {"program", roadmap.program},
                {"description", roadmap.description},
                {"flat", roadmap.flat},
                {"finished", roadmap.derived.finished},
                {"progress", progress_json(derive::progress_of(roadmap))},
                {"sections", nullptr}};
}

Json section_head_json(const model::RoadmapSection& section) {
    return Json{{"n", section.n}, {"title", section.title}, {"items", nullptr}};
}

Json roadmap_json(const Owner& owner, const model::Roadmap& roadmap) {
    Json sections = Json::array();
    for (const auto& section : roadmap.sections) {
        Json items = Json::array();
        for (const auto& item : section.items) items.push_back(item_json(item));
        Json json = section_head_json(section);
        json["items"] = std::move(items);
        sections.push_back(std::move(json));
    }
    Json json = roadmap_head_json(owner, roadmap);
    json["sections"] = std::move(sections);
    return json;
}

// `object` dumped, its last member (null) replaced by the array `elements`
// joined: the bytes of the object with that array in place.
std::string with_last_array(const Json& object, const std::vector<std::string>& elements) {
    std::string text = dumped(object);
    constexpr std::string_view kNullEnd = "null}";
    text.resize(text.size() - kNullEnd.size());
    text += '[';
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i) text += ',';
        text += elements[i];
    }
    text += "]}";
    return text;
}

// Lines kept out of memory until their turn (a dump has no raw line
// break). In memory when no temporary file can be made.
class FlatRows {
public:
    FlatRows() : file_(std::tmpfile()) {}
    ~FlatRows() {
        if (file_) std::fclose(file_);
    }
    FlatRows(const FlatRows&) = delete;
    FlatRows& operator=(const FlatRows&) = delete;

    void add(std::string_view line) {
        if (!file_) {
            memory_.append(line).push_back('\n');
            return;
        }
        if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fputc('\n', file_) == EOF)
            throw std::runtime_error("open data: cannot write a temporary file");
    }
    // Each line in the order added, without its line break.
    void for_each_line(const std::function<void(std::string_view)>& visit) {
        if (!file_) {
            visit_lines(memory_, visit);
            return;
        }
        std::rewind(file_);
        std::string pending;
        std::vector<char> chunk(1 << 20);
        while (std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file_)) {
            pending.append(chunk.data(), got);
            pending.erase(0, visit_lines(pending, visit));
        }
        if (std::ferror(file_) || !pending.empty()) throw std::runtime_error("open data: cannot read a temporary file");
    }

private:
    // Visits the complete lines of `text`; returns how many bytes they took.
    static std::size_t visit_lines(std::string_view text, const std::function<void(std::string_view)>& visit) {
        std::size_t start = 0;
        for (std::size_t end = text.find('\n'); end != std::string_view::npos; end = text.find('\n', start)) {
            visit(text.substr(start, end - start));
            start = end + 1;
        }
        return start;
    }

    std::FILE* file_;
    std::string memory_;
};

// roadmap_json(owner, roadmap).dump(), each item dumped once; each item's
// flat row (where it lies, then its members) goes to `flat_rows`.
std::string roadmap_text(const Owner& owner, const model::Roadmap& roadmap, std::vector<std::string>& flat_rows) {
    std::vector<std::string> sections;
    for (const auto& section : roadmap.sections) {
        std::vector<std::string> items;
        for (const auto& item : section.items) {
            items.push_back(dumped(item_json(item)));
            std::string row = dumped(Json{{"owner", owner.name},
                                          {"roadmap", roadmap.id},
                                          {"section_n", section.n},
                                          {"section_title", section.title}});
            row.back() = ',';
            row.append(items.back(), 1);
            flat_rows.push_back(std::move(row));
        }
        sections.push_back(with_last_array(section_head_json(section), items));
    }
    return with_last_array(roadmap_head_json(owner, roadmap), sections);
}

// An owner's elements of the two arrays of roadmaps.json, each joined by commas.
struct OwnerRoadmapsJson {
    std::string nested, flat;
};

OwnerRoadmapsJson owner_roadmaps_json(const Owner& owner) {
    std::vector<std::string> roadmaps, rows;
    for (const auto& roadmap : owner.own->roadmaps) roadmaps.push_back(roadmap_text(owner, roadmap, rows));
    return {joined_elements(roadmaps), joined_elements(rows)};
}

// One CSV row of an item, or of its part number `part` (1-based; 0: the item).
std::string roadmap_csv_row(const Owner& owner, const model::Roadmap& roadmap, const model::RoadmapSection& section,
                            const model::RoadmapItem& item, const model::RoadmapItem& row, std::size_t part) {
    bool by_parts = !row.parts.empty();
    return CsvFile::row_text(
        {owner.name, roadmap.id, section.n, section.title, item.n, row.title, row.when, csv_date(row.start),
         csv_date(row.due), csv_date(row.derived.start), csv_date(row.derived.due), csv_bool(row.derived.ongoing),
         row.status_given && !by_parts ? status_name(row.status) : "",
         by_parts ? std::string() : shown_status_name(row.derived.shown), joined(row.responsible), row.result,
         row.report, csv_date(row.reported), joined(row.evidence),
         item.all_schools ? std::string("all") : joined(item.schools), csv_bool(row.example),
         part == 0 ? std::string() : std::to_string(part), row.level, csv_bool(roadmap.derived.finished)});
}

// Each item is a row; an item with parts is followed by a row per part,
// with the item's `n` and the part's number in `part`.
std::string owner_roadmaps_csv(const Owner& owner) {
    std::string rows;
    for (const auto& roadmap : owner.own->roadmaps)
        for (const auto& section : roadmap.sections)
            for (const auto& item : section.items) {
                rows += roadmap_csv_row(owner, roadmap, section, item, item, 0);
                for (std::size_t i = 0; i < item.parts.size(); ++i)
                    rows += roadmap_csv_row(owner, roadmap, section, item, item.parts[i], i + 1);
            }
    return rows;
}

// The JSON and the CSV of the big files are written by separate parts, in parallel.
enum class Form { json, csv };

// ---- the files with a span per school -----------------------------------

// data/schools.* and data/roadmaps.*, a school at a time (SchoolRowsFile).
using detail::RowsWriter;

// The opening bytes of write_json_file() up to the array of `key`. No build
// date: a rebuild on a later day gives the same bytes (a status's date is
// the roadmap's deadline, in its items).
std::string json_opening(const std::string& key) { return "{" + dumped(Json(key)) + ":["; }

class SchoolsJson : public RowsWriter {
public:
    explicit SchoolsJson(TextSink& sink) : out_(sink, "data/schools.json"), list_(out_) {
        out_.write(json_opening("schools"));
    }
    void add(const model::School& school) override {
        list_.push_back_owned(span_key("schools", owner_of(school)), dumped(school_json(school)));
    }
    void finish() override {
        out_.write("]}\n");
        out_.finish();
    }

private:
    FileText out_;
    JsonArrayWriter list_;
};

class SchoolsCsv : public RowsWriter {
public:
    explicit SchoolsCsv(TextSink& sink)
        : csv_(sink, "data/schools.csv",
               {"slug", "name", "short_name", "url", "category_types", "category_years", "basis", "reasons", "head",
                "head_position", "coordinator", "coordinator_position", "coordinator_phone", "coordinator_email",
                "students", "teachers", "rural", "small", "roadmap_items", "done", "in_progress", "planned",
                "overdue", "cancelled", "ongoing", "percent_done"}) {}
    void add(const model::School& school) override {
        csv_.add_owned(span_key("schools", owner_of(school)), school_csv_row(school));
    }
    void finish() override { csv_.finish(); }

private:
    CsvFile csv_;
};

// Each item is in the file twice, nested and flat: it is dumped once, and
// each owner's flat rows wait in a temporary file, a line an owner, until
// the nested ones are out. The district's roadmaps come first.
class RoadmapsJson : public RowsWriter {
public:
    RoadmapsJson(TextSink& sink, const model::Publications& district)
        : out_(sink, "data/roadmaps.json"), nested_(out_) {
        out_.write(json_opening("roadmaps"));
        add_owner({"district", "", &district});
    }
    void add(const model::School& school) override { add_owner(owner_of(school)); }
    void finish() override {
        out_.write("],\"items\":[");
        JsonArrayWriter items(out_);
        std::size_t next = 0;
        flat_.for_each_line([&](std::string_view rows) { items.push_back_owned(item_keys_.at(next++), rows); });
        out_.write("]}\n");
        out_.finish();
    }

private:
    void add_owner(const Owner& owner) {
        auto text = owner_roadmaps_json(owner);
        nested_.push_back_owned(span_key("roadmaps", owner), text.nested);
        flat_.add(text.flat);
        item_keys_.push_back(span_key("items", owner));
    }

    FileText out_;
    JsonArrayWriter nested_;
    FlatRows flat_;
    std::vector<std::string> item_keys_;
};

class RoadmapsCsv : public RowsWriter {
public:
    RoadmapsCsv(TextSink& sink, const model::Publications& district)
        : csv_(sink, "data/roadmaps.csv",
               {"owner", "roadmap", "section_n", "section_title", "n", "title", "when", "start", "due",
                "derived_start", "derived_due", "ongoing", "status", "shown_status", "responsible", "result",
                "report", "reported", "evidence", "schools", "example", "part", "level", "roadmap_finished"}) {
        add_owner({"district", "", &district});
    }
    void add(const model::School& school) override { add_owner(owner_of(school)); }
    void finish() override { csv_.finish(); }

private:
    void add_owner(const Owner& owner) { csv_.add_owned(span_key("items", owner), owner_roadmaps_csv(owner)); }

    CsvFile csv_;
};

std::unique_ptr<RowsWriter> documents_writer(const std::string& path, const model::Publications& district,
                                             TextSink& sink);
std::unique_ptr<RowsWriter> results_writer(const std::string& path, const model::Site& site, TextSink& sink,
                                           std::shared_ptr<const derive::DistrictLines> district);
std::unique_ptr<RowsWriter> site_writer(const model::Site& site, const BuildContext& context, TextSink& sink);

std::unique_ptr<RowsWriter> rows_writer(const std::string& path, const model::Site& site, const BuildContext& context,
                                        TextSink& sink) {
    if (path == "data/schools.json") return std::make_unique<SchoolsJson>(sink);
    if (path == "data/schools.csv") return std::make_unique<SchoolsCsv>(sink);
    if (path == "data/roadmaps.json") return std::make_unique<RoadmapsJson>(sink, site.district);
    if (path == "data/roadmaps.csv") return std::make_unique<RoadmapsCsv>(sink, site.district);
    if (path == "data/site.json") return site_writer(site, context, sink);
    return documents_writer(path, site.district, sink);
}

void write_rows(const std::string& path, const model::Site& site, const BuildContext& context, TextSink& sink) {
    auto writer = rows_writer(path, site, context, sink);
    for (const auto& school : site.schools) writer->add(school);
    writer->finish();
}

// ---- indicators --------------------------------------------------------

Json point_json(const std::optional<model::IndicatorPoint>& point) {
    if (!point) return nullptr;
    return Json{{"year", point->year}, {"value", point->value}, {"note", point->note}, {"example", point->example}};
}

// Whether the latest known value meets the target, in the indicator's better direction.
Json target_reached(const model::Indicator& indicator, const derive::IndicatorProgress& progress) {
    if (!indicator.target || !progress.latest) return nullptr;
    return progress.status == derive::IndicatorStatus::reached;
}

// Path values are computed: rounded so that 28.250000000000004 reads 28.25.
double rounded_path_value(double value) { return std::round(value * 1e4) / 1e4; }

Json path_json(const std::vector<derive::PathPoint>& path) {
    Json list = Json::array();
    for (const auto& point : path) list.push_back(Json{{"year", point.year}, {"value", rounded_path_value(point.value)}});
    return list;
}

// Every key of the content format's indicator, then what derive/ computes:
// the status, the latest value, the path value at its year and the whole path.
Json indicator_json(const model::Indicator& indicator) {
    auto progress = derive::indicator_progress(indicator);
    Json values = Json::array();
    for (const auto& point : indicator.values) values.push_back(point_json(point));
    return Json{{"id", indicator.id},
                {"title", indicator.title},
                {"unit", indicator.unit},
                {"better", indicator.better},
                {"baseline", point_json(indicator.baseline)},
                {"target", point_json(indicator.target)},
                {"values", std::move(values)},
                {"target_reached", target_reached(indicator, progress)},
                {"status", derive::indicator_status_name(progress.status)},
                {"latest", point_json(progress.latest)},
                {"expected_at_latest", progress.expected ? Json(rounded_path_value(*progress.expected)) : Json(nullptr)},
                {"path", path_json(progress.path)}};
}

// One row per point: kind is baseline | value | target | path (the linear
// path from baseline to target, one row a year); `path_value` is the path at
// the row's year and `latest` marks the latest actual value.
void write_indicators(const model::Site& site, TextSink& sink) {
    write_json_file(sink, "data/indicators.json",
                    Json{{"indicators", nullptr}},
                    {{"indicators", [&](JsonArrayWriter& list) {
                          for (const auto& indicator : site.indicators) list.push_back(indicator_json(indicator));
                      }}});
    CsvFile csv(sink, "data/indicators.csv",
                {"id", "title", "unit", "better", "status", "kind", "year", "value", "path_value", "latest", "note",
                 "example"});
    for (const auto& indicator : site.indicators) {
        auto progress = derive::indicator_progress(indicator);
        std::string status = derive::indicator_status_name(progress.status);
        auto add_row = [&](const std::string& kind, int year, double value, const std::string& note, bool example,
                           bool latest) {
            auto path = derive::path_value(indicator, year);
            csv.add({indicator.id, indicator.title, indicator.unit, indicator.better, status, kind, csv_count(year),
                     csv_number(std::optional<double>(value)),
                     path ? csv_number(std::optional<double>(rounded_path_value(*path))) : CsvCell::value({}),
                     csv_bool(latest), note, csv_bool(example)});
        };
        const model::IndicatorPoint* latest = nullptr;
        for (const auto& point : indicator.values)
            if (!latest || point.year >= latest->year) latest = &point;
        if (indicator.baseline)
            add_row("baseline", indicator.baseline->year, indicator.baseline->value, indicator.baseline->note,
                    indicator.baseline->example, false);
        for (const auto& point : indicator.values)
            add_row("value", point.year, point.value, point.note, point.example, &point == latest);
        if (indicator.target)
            add_row("target", indicator.target->year, indicator.target->value, indicator.target->note,
                    indicator.target->example, false);
        for (const auto& point : progress.path)
            add_row("path", point.year, rounded_path_value(point.value), "", false, false);
    }
    csv.finish();
}

// ---- results -----------------------------------------------------------

// Columns as in the content format's results, with `scope`, so this CSV can
// itself be a `results` source of another build. Then `computed` (a district
// row the site calculated from its schools' rows, weighted by participants)
// and, for school rows, each measure's change against the previous year with
// a value: up, down or flat (a fail share is better when it goes down).
std::string direction_name(derive::Direction direction) {
    switch (direction) {
        case derive::Direction::up: return "up";
        case derive::Direction::down: return "down";
        case derive::Direction::flat: return "flat";
    }
    return "flat";
}

std::optional<double> rounded_result(const std::optional<double>& value) {
    if (!value) return std::nullopt;
    return std::round(*value * 100) / 100;
}

// Trends of one row against the previous year: absent (null) unless the
// row's line has a value for the year before.
std::vector<std::optional<derive::Trend>> trends_of(const model::ResultRow& row, const derive::ResultLine* line) {
    std::vector<std::optional<derive::Trend>> trends;
    for (auto measure : derive::all_measures()) {
        std::optional<derive::Trend> trend;
        if (line && line->value(row.year, measure)) trend = derive::trend_of(*line, measure, row.scale, row.year);
        if (trend && trend->year != row.year) trend.reset();
        trends.push_back(trend);
    }
    return trends;
}

Json result_json(const std::string& scope, const model::ResultRow& row, bool computed,
                 const std::vector<std::optional<derive::Trend>>& trends) {
    Json trends_json = Json::object();
    std::size_t index = 0;
    for (auto measure : derive::all_measures()) {
        const auto& trend = trends[index++];
        trends_json[derive::measure_key(measure)] = trend ? Json{{"direction", direction_name(trend->direction)},
                                                                 {"better", trend->better()},
                                                                 {"previous_year", trend->previous_year},
                                                                 {"previous", trend->previous}}
                                                          : Json(nullptr);
    }
    return Json{{"scope", scope},
                {"exam", row.exam},
                {"subject", row.subject},
                {"grade", number_json(row.grade)},
                {"year", row.year},
                {"participants", number_json(row.participants)},
                {"mean", number_json(row.mean)},
                {"scale", number_json(row.scale)},
                {"fail_share", number_json(row.fail_share)},
                {"quality_share", number_json(row.quality_share)},
                {"example", row.example},
                {"computed", computed},
                {"trends", std::move(trends_json)}};
}

// Every results row: each school's, the district's own, then the district
// rows computed from the schools'. A school at a time (RowsWriter), so a
// streaming build writes each batch's rows from its full schools: the light
// parts hold none in pass 2 (pipeline/school_parts.hpp).
class ResultsWriter : public RowsWriter {
public:
    ResultsWriter(const model::Site& site, std::shared_ptr<const derive::DistrictLines> district)
        : district_rows_(site.district_results), district_(std::move(district)) {}
    void add(const model::School& school) override {
        throw std::logic_error("data/results.*: school «" + school.slug + "» added without its results");
    }
    void add(const model::School& school, const derive::SiteResults& results) override {
        const auto& groups = results.groups_of(school);
        for (const auto& row : school.results) {
            const derive::ResultLine* line = nullptr;
            auto key = derive::key_of(row);
            for (const auto& group : groups)
                if (group.key == key) line = &group.school;
            visit(school.slug, row, false, line);
        }
    }
    void finish() override {
        for (const auto& row : district_rows_) visit(row.scope.empty() ? "district" : row.scope, row, false, nullptr);
        for (const auto& computed : district_->rows) visit("district", computed_row(computed), true, nullptr);
        close();
    }

protected:
    virtual void visit(const std::string& scope, const model::ResultRow& row, bool computed,
                       const derive::ResultLine* line) = 0;
    virtual void close() = 0;

private:
    static model::ResultRow computed_row(const derive::ComputedDistrictRow& computed) {
        model::ResultRow row;
        row.exam = computed.key.exam;
        row.subject = computed.key.subject;
        row.grade = computed.key.grade;
        row.year = computed.year;
        row.participants = computed.values.participants;
        row.mean = rounded_result(computed.values.mean);
        row.scale = computed.scale;
        row.fail_share = rounded_result(computed.values.fail_share);
        row.quality_share = rounded_result(computed.values.quality_share);
        row.example = computed.values.example;
        return row;
    }

    const std::vector<model::ResultRow>& district_rows_;
    std::shared_ptr<const derive::DistrictLines> district_;
};

// The bytes write_json_file() writes of {better, results}, the
// results array element by element.
class ResultsJson : public ResultsWriter {
public:
    ResultsJson(TextSink& sink, const model::Site& site,
                std::shared_ptr<const derive::DistrictLines> district)
        : ResultsWriter(site, std::move(district)), out_(sink, "data/results.json"), rows_(out_) {
        std::string head =
            dumped(Json{{"better", {{"mean", "higher"}, {"fail_share", "lower"}, {"quality_share", "higher"}}}});
        head.pop_back();  // its '}': the results array is the last key
        out_.write(head + "," + dumped(Json("results")) + ":[");
    }

private:
    void visit(const std::string& scope, const model::ResultRow& row, bool computed,
               const derive::ResultLine* line) override {
        rows_.push_back(result_json(scope, row, computed, trends_of(row, line)));
    }
    void close() override {
        out_.write("]}\n");
        out_.finish();
    }

    FileText out_;
    JsonArrayWriter rows_;
};

class ResultsCsv : public ResultsWriter {
public:
    ResultsCsv(TextSink& sink, const model::Site& site, std::shared_ptr<const derive::DistrictLines> district)
        : ResultsWriter(site, std::move(district)),
          csv_(sink, "data/results.csv",
               {"scope", "exam", "subject", "grade", "year", "participants", "mean", "scale", "fail_share",
                "quality_share", "example", "computed", "mean_trend", "fail_share_trend", "quality_share_trend"}) {}

private:
    void visit(const std::string& scope, const model::ResultRow& row, bool computed,
               const derive::ResultLine* line) override {
        auto trends = trends_of(row, line);
        auto cell = [&](std::size_t i) { return trends[i] ? direction_name(trends[i]->direction) : std::string(); };
        csv_.add({scope, row.exam, row.subject, csv_number(row.grade), csv_count(row.year), csv_number(row.participants),
                  csv_number(row.mean), csv_number(row.scale), csv_number(row.fail_share),
                  csv_number(row.quality_share), csv_bool(row.example), csv_bool(computed), cell(0), cell(1), cell(2)});
    }
    void close() override { csv_.finish(); }

    CsvFile csv_;
};

std::unique_ptr<RowsWriter> results_writer(const std::string& path, const model::Site& site, TextSink& sink,
                                           std::shared_ptr<const derive::DistrictLines> district) {
    if (path == "data/results.json") return std::make_unique<ResultsJson>(sink, site, std::move(district));
    return std::make_unique<ResultsCsv>(sink, site, std::move(district));
}

void write_results(const model::Site& site, TextSink& sink, Form form,
                   const derive::SiteResults* given) {
    std::optional<derive::SiteResults> own;
    const derive::SiteResults& results = given ? *given : own.emplace(site);
    auto writer =
        results_writer(form == Form::json ? "data/results.json" : "data/results.csv", site, sink, results.district());
    for (const auto& school : site.schools) writer->add(school, results);
    writer->finish();
}

// ---- documents ---------------------------------------------------------

std::string document_href(const model::Document& document) {
    return document.site_path.empty() ? document.url : document.site_path;
}

Json document_json(const Owner& owner, const model::Document& document) {
    return Json{{"owner", owner.name},
                {"id", document.id},
                {"kind", document.kind},
                {"title", document.title},
                {"number", document.number},
                {"date", date_json(document.date)},
                {"issuer", document.issuer},
                {"href", document_href(document)},
                {"file", document.file},
                {"url", document.url},
                {"file_size", document.file_size},
                {"file_type", document.file_type},
                {"based_on", document.based_on},
                {"page", document.page.empty() ? Json("") : Json(owner.prefix + "pages/" + document.page + "/")},
                {"signed_by", optional_person_json(document.signed_by)},
                {"example", document.example}};
}

// data/documents.*: the district's documents, then each school's (no spans:
// a school's documents are in its district part, so a change renders these
// files again). A streaming build adds the schools a batch at a time.
class DocumentsJson : public RowsWriter {
public:
    DocumentsJson(TextSink& sink, const model::Publications& district)
        : out_(sink, "data/documents.json"), list_(out_) {
        out_.write(json_opening("documents"));
        add_owner({"district", "", &district});
    }
    void add(const model::School& school) override { add_owner(owner_of(school)); }
    void finish() override {
        out_.write("]}\n");
        out_.finish();
    }

private:
    void add_owner(const Owner& owner) {
        for (const auto& document : owner.own->documents) list_.push_back(document_json(owner, document));
    }

    FileText out_;
    JsonArrayWriter list_;
};

class DocumentsCsv : public RowsWriter {
public:
    DocumentsCsv(TextSink& sink, const model::Publications& district)
        : csv_(sink, "data/documents.csv",
               {"owner", "id", "kind", "title", "number", "date", "issuer", "href", "file_type", "file_size",
                "based_on", "signed_by", "example"}) {
        add_owner({"district", "", &district});
    }
    void add(const model::School& school) override { add_owner(owner_of(school)); }
    void finish() override { csv_.finish(); }

private:
    void add_owner(const Owner& owner) {
        for (const auto& document : owner.own->documents) {
            std::string signer = document.signed_by ? document.signed_by->name : "";
            csv_.add({owner.name, document.id, document.kind, document.title, document.number, csv_date(document.date),
                      document.issuer, document_href(document), document.file_type,
                      document.site_path.empty() ? CsvCell::value({}) : csv_count(document.file_size),
                      joined(document.based_on), signer, csv_bool(document.example)});
        }
    }

    CsvFile csv_;
};

std::unique_ptr<RowsWriter> documents_writer(const std::string& path, const model::Publications& district,
                                             TextSink& sink) {
    if (path == "data/documents.json") return std::make_unique<DocumentsJson>(sink, district);
    if (path == "data/documents.csv") return std::make_unique<DocumentsCsv>(sink, district);
    throw std::logic_error("no school rows in " + path);
}

// ---- site.json: everything another build needs from this one ------------

Json program_json(const Owner& owner, const model::Program& program) {
    Json tasks = Json::array();
    for (const auto& task : program.tasks) tasks.push_back(Json{{"text", task.text}, {"actions", task.actions}});
    Json stages = Json::array();
    for (const auto& stage : program.stages)
        stages.push_back(Json{{"name", stage.name},
                              {"start", date_json(stage.start)},
                              {"end", date_json(stage.end)},
                              {"when", stage.when},
                              {"description", stage.description}});
    return Json{{"owner", owner.name},
                {"id", program.id},
                {"url", owner.prefix + "programs/" + program.id + "/"},
                {"title", program.title},
                {"kind", program.kind},
                {"approved_by", program.approved_by},
                {"developers", program.developers},
                {"executors", program.executors},
                {"curator", optional_person_json(program.curator)},
                {"goal", program.goal},
                {"tasks", std::move(tasks)},
                {"indicators", program.indicators},
                {"period", period_json(program.period)},
                {"stages", std::move(stages)},
                {"expected_results", program.expected_results},
                {"control", program.control},
                {"other", facts_json(program.other)},
                {"body", program.body}};
}

// `photos`: the large image of each photo, as published.
Json news_json(const Owner& owner, const model::NewsItem& item, const PublishedPhotos* published) {
    Json photos = Json::array();
    for (const auto& path : item.photo_site_paths)
        if (published)
            if (auto found = published->find(path); found != published->end()) photos.push_back(found->second.large.path);
    Json links = Json::array();
    for (const auto& link : item.links) links.push_back(Json{{"title", link.title}, {"url", link.url}});
    return Json{{"owner", owner.name},
                {"id", item.id},
                {"title", item.title},
                {"date", item.date.iso()},
                {"url", owner.prefix + "news/" + item.id + "/"},
                {"schools", item.schools},
                {"roadmap_item", item.roadmap_item},
                {"photos", std::move(photos)},
                {"links", std::move(links)},
                {"body", item.body},
                {"example", item.example}};
}

Json district_json(const model::District& district) {
    return Json{{"name", district.name},         {"region", district.region},
                {"authority", district.authority}, {"address", district.address},
                {"phone", district.phone},       {"email", district.email},
                {"website", district.website},   {"schools_total", number_json(district.schools_total)},
                {"facts", facts_json(district.facts)}};
}

Json school_summary_json(const model::School& school) {
    return Json{{"slug", school.slug},
                {"name", school.name},
                {"short_name", school.short_name},
                {"url", "schools/" + school.slug + "/"},
                {"categories", categories_json(school.categories)}};
}

// Of data/site.json, all but the arrays of news and schools.
Json site_json(const model::Site& site, const BuildContext& context) {
    Owner district{"district", "", &site.district};
    Json programs = Json::array();
    for (const auto& program : site.district.programs) programs.push_back(program_json(district, program));
    Json roadmaps = Json::array();
    for (const auto& roadmap : site.district.roadmaps) roadmaps.push_back(roadmap_json(district, roadmap));
    Json documents = Json::array();
    for (const auto& document : site.district.documents) documents.push_back(document_json(district, document));
    Json indicators = Json::array();
    for (const auto& indicator : site.indicators) indicators.push_back(indicator_json(indicator));

    return Json{{"format", "shnor-site"},
                {"format_version", kFormatVersion},
                {"generator", std::string("shnor-site ") + SHNOR_VERSION},
                {"title", site.config.title},
                {"base_url", context.base_url},
                {"language", site.config.language},
                {"district", district_json(site.config.district)},
                {"coordinator", person_json(site.config.coordinator)},
                {"progress", progress_json(derive::current_progress_of(site.district.roadmaps))},
                {"programs", std::move(programs)},
                {"roadmaps", std::move(roadmaps)},
                {"indicators", std::move(indicators)},
                {"documents", std::move(documents)},
                {"news", nullptr},
                {"schools", nullptr},
                {"data", {"data/schools.json", "data/roadmaps.json", "data/indicators.json", "data/results.json",
                          "data/documents.json"}}};
}

// data/site.json: the district's news, then each school's (a streaming
// build adds them a batch at a time: only the full school has the bodies),
// then the schools' summaries, which the light parts keep.
class SiteJson : public RowsWriter {
public:
    SiteJson(const model::Site& site, const BuildContext& context, TextSink& sink)
        : site_(site), context_(context), out_(sink, "data/site.json"), members_(out_, site_json(site, context)),
          news_(out_) {
        members_.open_array("news");
        add_owner({"district", "", &site.district});
    }
    void add(const model::School& school) override { add_owner(owner_of(school)); }
    void finish() override {
        members_.close_array();
        members_.open_array("schools");
        JsonArrayWriter schools(out_);
        for (const auto& school : site_.schools) schools.push_back(school_summary_json(school));
        members_.close_array();
        members_.finish();
    }

private:
    void add_owner(const Owner& owner) {
        for (const auto& item : owner.own->news) news_.push_back(news_json(owner, item, context_.photos.get()));
    }

    const model::Site& site_;
    const BuildContext& context_;
    FileText out_;
    JsonMembers members_;
    JsonArrayWriter news_;
};

std::unique_ptr<RowsWriter> site_writer(const model::Site& site, const BuildContext& context, TextSink& sink) {
    return std::make_unique<SiteJson>(site, context, sink);
}

// Collects each file whole, for open_data_part().
class FileCollector : public TextSink {
public:
    explicit FileCollector(std::vector<TextFile>& files) : files_(files) {}
    void begin(const std::string& path) override { files_.push_back({path, {}}); }
    void append(std::string_view bytes) override { files_.back().bytes += bytes; }
    void end() override {}

private:
    std::vector<TextFile>& files_;
};

}  // namespace

std::size_t open_data_parts() { return 8; }

void write_open_data_part(const model::Site& site, const BuildContext& context, std::size_t part, TextSink& sink,
                          const derive::SiteResults* results) {
    switch (part) {
        case 0: return write_rows("data/schools.json", site, context, sink), write_rows("data/schools.csv", site, context, sink);
        case 1: return write_rows("data/roadmaps.json", site, context, sink);
        case 2: return write_indicators(site, sink);
        case 3: return write_results(site, sink, Form::json, results);
        case 4: return write_rows("data/documents.json", site, context, sink), write_rows("data/documents.csv", site, context, sink);
        case 5: return write_rows("data/site.json", site, context, sink);
        case 6: return write_rows("data/roadmaps.csv", site, context, sink);
        case 7: return write_results(site, sink, Form::csv, results);
        default: return;
    }
}

bool open_data_part_has_school_rows(std::size_t part) { return part == 0 || part == 1 || part == 6; }

std::vector<std::string> school_rows_files() {
    return {"data/schools.json", "data/schools.csv", "data/roadmaps.json", "data/roadmaps.csv"};
}

bool open_data_part_is_streamed(std::size_t part) {
    return open_data_part_has_school_rows(part) || part == 3 || part == 4 || part == 5 || part == 7;
}

std::vector<std::string> school_streamed_files() {
    auto files = school_rows_files();
    files.insert(files.end(), {"data/documents.json", "data/documents.csv", "data/results.json", "data/results.csv",
                               "data/site.json"});
    return files;
}

SchoolRowsFile::SchoolRowsFile(const std::string& path, const model::Site& site, const BuildContext& context,
                               TextSink& sink, std::shared_ptr<const derive::DistrictLines> district)
    : writer_(path.starts_with("data/results.") ? results_writer(path, site, sink, std::move(district))
                                                : rows_writer(path, site, context, sink)) {}
SchoolRowsFile::~SchoolRowsFile() = default;
void SchoolRowsFile::add(const model::School& school, const derive::SiteResults& results) {
    writer_->add(school, results);
}
void SchoolRowsFile::finish() { writer_->finish(); }

std::vector<TextFile> open_data_part(const model::Site& site, const BuildContext& context, std::size_t part) {
    std::vector<TextFile> files;
    FileCollector collector(files);
    write_open_data_part(site, context, part, collector);
    return files;
}

std::vector<OpenDataSpan> school_open_data_spans(const model::School& school) {
    Owner owner = owner_of(school);
    auto roadmaps = owner_roadmaps_json(owner);
    return {{"data/schools.json", span_key("schools", owner), dumped(school_json(school))},
            {"data/schools.csv", span_key("schools", owner), school_csv_row(school)},
            {"data/roadmaps.json", span_key("roadmaps", owner), std::move(roadmaps.nested)},
            {"data/roadmaps.json", span_key("items", owner), std::move(roadmaps.flat)},
            {"data/roadmaps.csv", span_key("items", owner), owner_roadmaps_csv(owner)}};
}

std::vector<TextFile> open_data(const model::Site& site, const BuildContext& context) {
    std::vector<TextFile> files;
    for (std::size_t part = 0; part < open_data_parts(); ++part) {
        for (auto& file : open_data_part(site, context, part)) files.push_back(std::move(file));
    }
    return files;
}

}  // namespace shnor::view
