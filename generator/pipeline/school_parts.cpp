#include "pipeline/school_parts.hpp"

#include "cache/serialize.hpp"
#include "model/glossary.hpp"
#include "parallel/parallel.hpp"
#include "view/view.hpp"
#include "write/atomic_file.hpp"
#include "write/mapped_file.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <future>
#include <iterator>
#include <mutex>
#include <optional>
#include <system_error>

#ifdef _WIN32
#include "write/files_windows.hpp"
#else
#include <fcntl.h>
#endif
#include <unistd.h>

namespace shnor::pipeline {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPeersMagic = "shnor-peer-parts 1\n";

model::Roadmap peer_roadmap(const model::Roadmap& roadmap) {
    model::Roadmap part;
    part.id = roadmap.id;
    part.flat = roadmap.flat;
    for (const auto& section : roadmap.sections) {
        model::RoadmapSection& copy = part.sections.emplace_back();
        copy.n = section.n;
        for (const auto& item : section.items) {
            model::RoadmapItem& row = copy.items.emplace_back();
            row.n = item.n;
            row.title = item.title;
        }
    }
    return part;
}

model::NewsItem peer_news(const model::NewsItem& news) {
    model::NewsItem part;
    part.id = news.id;
    part.title = news.title;
    part.date = news.date;
    part.roadmap_item = news.roadmap_item;
    return part;
}

void append_u32(std::string& out, std::uint32_t value) {
    for (int byte = 0; byte < 4; ++byte) out += static_cast<char>((value >> (8 * byte)) & 0xFF);
}

bool take_u32(std::string_view& in, std::uint32_t& value) {
    if (in.size() < 4) return false;
    value = 0;
    for (int byte = 0; byte < 4; ++byte) value |= std::uint32_t(static_cast<unsigned char>(in[byte])) << (8 * byte);
    in.remove_prefix(4);
    return true;
}

}  // namespace

model::School peer_part(const model::School& school) {
    model::School part;
    part.slug = school.slug;
    part.name = school.name;
    part.short_name = school.short_name;
    for (const auto& news : school.own.news) part.own.news.push_back(peer_news(news));
    for (const auto& roadmap : school.own.roadmaps) part.own.roadmaps.push_back(peer_roadmap(roadmap));
    part.results = school.results;
    // Where a row was written is only for the school's own messages.
    for (auto& row : part.results) row.pos = {};
    return part;
}

// The words of a school's roadmaps (and index.md text) that could be
// abbreviations: the glossary page lists the terms the content uses, so a
// part that leaves those texts out keeps their words (model/glossary.hpp).
static std::string roadmap_words(const std::vector<model::Roadmap>& roadmaps) {
    std::string text;
    for (const auto& roadmap : roadmaps) {
        text += roadmap.title + '\n' + roadmap.approved_by + '\n' + roadmap.description + '\n';
        for (const auto& section : roadmap.sections) {
            text += section.title + '\n';
            for (const auto& item : section.items) {
                text += item.when + '\n' + item.result + '\n' + item.report + '\n';
                for (const auto& responsible : item.responsible) text += responsible + '\n';
            }
        }
    }
    return model::abbreviation_words(text);
}

// The same of the index.md text, but for the words the school's pages print
// anyway (its name; ШНОР, ОГЭ … of the built-in layouts, view/glossary_page.cpp):
// an edit of the text that keeps the rest changes only the school's first page.
static std::string intro_words(const model::School& school) {
    // Appended in steps: g++ 12 warns falsely (-Wrestrict) on " " + string.
    std::string printed = " ";
    printed += model::abbreviation_words(school.name + '\n' + school.short_name + "\nШНОР ШНСУ ОГЭ ЕГЭ ВПР");
    printed += ' ';
    std::string words = model::abbreviation_words(school.intro_title + '\n' + school.intro);
    std::string kept;
    for (std::size_t at = 0; at < words.size();) {
        std::size_t end = std::min(words.find(' ', at), words.size());
        std::string word = words.substr(at, end - at);
        if (printed.find(' ' + word + ' ') != std::string::npos) {
            at = end + 1;
            continue;
        }
        if (!kept.empty()) kept += ' ';
        kept += word;
        at = end + 1;
    }
    return kept;
}

model::School external_part(const model::School& school) {
    model::School part = school;
    part.intro = intro_words(school);
    part.intro_title.clear();
    // Derived fields follow from the rest and the build date (part of the
    // record's key), so the part is the same before and after derive/.
    for (auto& roadmap : part.own.roadmaps) {
        roadmap.derived = {};
        for (auto& section : roadmap.sections)
            for (auto& item : section.items) {
                item.derived = {};
                for (auto& row : item.parts) row.derived = {};
            }
    }
    return part;
}

model::School district_part(const model::School& school) {
    model::School part = external_part(school);
    part.intro += '\n' + roadmap_words(part.own.roadmaps);
    for (auto& roadmap : part.own.roadmaps) roadmap = peer_roadmap(roadmap);
    return part;
}

namespace {

// An item as derive/ and the progress counts read it. Of its report and
// evidence only whether there is any: has_report() answers the same.
model::RoadmapItem light_item(const model::RoadmapItem& item) {
    model::RoadmapItem part;
    part.n = item.n;
    part.title = item.title;
    part.when = item.when;
    part.start = item.start;
    part.due = item.due;
    part.status = item.status;
    part.status_given = item.status_given;
    // Short enough to live inside the string: no allocation, and never
    // printed (the school's own pages are made from the full school).
    if (!item.report.empty() || !item.evidence.empty()) part.report = "+";
    part.reported = item.reported;
    part.example = item.example;
    part.parts.reserve(item.parts.size());  // exactly: 40 000 light parts stay in memory
    for (const auto& row : item.parts) part.parts.push_back(light_item(row));
    return part;
}

// News bodies are read outside the section only by the feed (its summary),
// data/site.json (written from the full schools in pass 2) and the glossary
// page (their words, kept as district_part() keeps those of the roadmaps).
void drop_news_bodies(model::School& light) {
    if (light.own.news.empty()) return;
    std::string text;
    for (auto& news : light.own.news) {
        text += news.body + '\n';
        news.feed_summary = view::feed_summary(news.body);
        news.feed_summary.shrink_to_fit();
        std::string().swap(news.body);  // its memory too: assigning an empty string would keep it
    }
    light.intro += '\n' + model::abbreviation_words(text);
}

}  // namespace

model::School light_part(const model::School& school) {
    model::School part = district_part(school);
    part.own.roadmaps.clear();
    // Every vector reserved exactly: grown by doubling, the items alone
    // would hold a third more than they use (ARCHITECTURE.md, "Streaming").
    part.own.roadmaps.reserve(school.own.roadmaps.size());
    for (const auto& roadmap : school.own.roadmaps) {
        model::Roadmap& light = part.own.roadmaps.emplace_back();
        light.id = roadmap.id;
        light.title = roadmap.title;  // with the period, what a printed deadline is read in
        light.period = roadmap.period;
        light.program = roadmap.program;  // the date of its programme's page (the sitemap)
        light.flat = roadmap.flat;
        light.sections.reserve(roadmap.sections.size());
        for (const auto& section : roadmap.sections) {
            model::RoadmapSection& copy = light.sections.emplace_back();
            copy.n = section.n;
            copy.items.reserve(section.items.size());
            for (const auto& item : section.items) copy.items.push_back(light_item(item));
        }
    }
    drop_news_bodies(part);
    part.intro.shrink_to_fit();
    return part;
}

namespace {

// A light item once derived: the derived fields answer for its deadline.
void shed_item(model::RoadmapItem& item) {
    item.when = {};
    for (auto& row : item.parts) shed_item(row);
}

bool names_document(const model::School& school, const std::string& id) {
    for (const auto& category : school.categories)
        if (category.basis == id) return true;
    for (const auto& factor : school.risk_profile)
        if (factor.document == id) return true;
    return school.self_diagnosis && school.self_diagnosis->document == id;
}

// Of a school's documents, what is read outside its section once pass 1 is
// over: those its categories, risk profile or self-diagnosis name (the
// schools list links them: their titles), the local files (copied to the
// output) and the newest date (the sitemap's date of its documents page).
// data/documents.* are written from the full schools in pass 2. The words
// of their texts stay for the glossary page, as district_part() keeps those
// of its roadmaps.
void shed_documents(model::School& light) {
    std::string text;
    std::optional<model::Date> newest;
    for (const auto& document : light.own.documents) {
        text += document.title + '\n' + document.number + '\n' + document.issuer + '\n';
        if (document.signed_by)
            text += document.signed_by->name + '\n' + document.signed_by->position + '\n' +
                    document.signed_by->organization + '\n';
        if (document.date && (!newest || *newest < *document.date)) newest = document.date;
    }
    std::vector<model::Document> kept;
    bool dated = !newest;
    for (auto& document : light.own.documents) {
        bool named = names_document(light, document.id), local = !document.site_path.empty();
        bool newest_date = !dated && document.date == newest;
        if (!named && !local && !newest_date) continue;
        dated = dated || newest_date;
        model::Document& part = kept.emplace_back();
        part.id = std::move(document.id);  // a lookup by id never finds one it should not
        part.title = named ? std::move(document.title) : std::string();
        part.date = document.date;
        part.site_path = std::move(document.site_path);
        part.file_path = std::move(document.file_path);
    }
    light.own.documents = std::vector<model::Document>(std::make_move_iterator(kept.begin()),
                                                       std::make_move_iterator(kept.end()));  // exactly as many
    light.intro += '\n' + model::abbreviation_words(text);
}

}  // namespace

void shed_after_derive(model::School& light) {
    light.pos = {};
    for (auto& row : light.results) row.pos = {};
    shed_documents(light);
    for (auto& news : light.own.news) news.pos = {};
    for (auto& roadmap : light.own.roadmaps) {
        roadmap.pos = {};
        for (auto& section : roadmap.sections)
            for (auto& item : section.items) shed_item(item);
    }
}

void shed_results(model::School& light) {
    std::string text;
    for (const auto& row : light.results) text += row.exam + '\n' + row.subject + '\n';
    light.intro += '\n' + model::abbreviation_words(text);
    light.intro.shrink_to_fit();
    light.results = {};
}

cache::Hash128 peer_hash(const model::School& school) {
    return cache::hash_bytes(cache::serialize_school(peer_part(school)));
}

cache::Hash128 external_hash(const model::School& school) {
    return cache::hash_bytes(cache::serialize_school(external_part(school)));
}

cache::Hash128 district_hash(const model::School& school) {
    return cache::hash_bytes(cache::serialize_school(district_part(school)));
}

void write_peer_parts(const fs::path& path, const cache::Hash128& global, const std::vector<model::School>& schools) {
    // Written a megabyte at a time, never whole (6 KB a school): a streaming
    // build writes it while all its light parts are in memory. Atomic as
    // write::replace_file().
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    fs::path temporary = path;
    temporary += ".tmp-" + std::to_string(::getpid());
#ifdef _WIN32
    int fd = write::windows::create_temporary_file(temporary);
#else
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
#endif
    if (fd < 0) return;
    std::string out(kPeersMagic);
    out += global.hex() + "\n";
    append_u32(out, static_cast<std::uint32_t>(schools.size()));
    bool written = true;
    for (const auto& school : schools) {
        std::string blob = cache::serialize_school(peer_part(school));
        append_u32(out, static_cast<std::uint32_t>(blob.size()));
        out += blob;
        if (out.size() < (1u << 20)) continue;
        written = written && write::write_in_slices(fd, out);
        out.clear();
    }
    written = written && write::write_in_slices(fd, out);
    written = ::close(fd) == 0 && written;
#ifdef _WIN32
    // fs::rename() does not write through nor wait for another program's handle.
    if (written && !write::windows::move_file(temporary, path)) error = std::error_code(errno, std::generic_category());
#else
    if (written) fs::rename(temporary, path, error);
#endif
    if (!written || error) fs::remove(temporary, error);
}

namespace {

// `cancel` set: stops between schools and gives nullopt.
std::optional<std::vector<model::School>> read_peer_parts_now(const fs::path& path, const cache::Hash128& global,
                                                             const std::atomic<bool>& cancel) {
    auto file = write::MappedFile::open(path);  // tens of MB: mapped, not copied into fresh memory
    if (!file) return std::nullopt;
    std::string_view rest = file->bytes();
    std::string header = std::string(kPeersMagic) + global.hex() + "\n";
    if (!rest.starts_with(header)) return std::nullopt;
    rest.remove_prefix(header.size());
    std::uint32_t count = 0;
    if (!take_u32(rest, count) || count > rest.size()) return std::nullopt;
    std::vector<std::string_view> blobs;
    blobs.reserve(count);
    for (std::uint32_t index = 0; index < count; ++index) {
        std::uint32_t size = 0;
        if (!take_u32(rest, size) || rest.size() < size) return std::nullopt;
        blobs.push_back(rest.substr(0, size));
        rest.remove_prefix(size);
    }
    if (!rest.empty()) return std::nullopt;
    std::vector<model::School> schools(count);
    std::atomic<bool> corrupt{false};
    parallel::for_each_index(count, [&](std::size_t index) {
        if (cancel || corrupt) return;
        if (!cache::deserialize_school(blobs[index], schools[index])) corrupt = true;
    });
    if (corrupt || cancel) return std::nullopt;
    return schools;
}

// The one read started ahead (start_peer_parts), if any.
struct PeerPrefetch {
    std::mutex mutex;
    fs::path path;
    cache::Hash128 global;
    std::atomic<bool> cancel{false};
    std::future<std::optional<std::vector<model::School>>> result;
};

PeerPrefetch& prefetch() {
    static PeerPrefetch started;
    return started;
}

}  // namespace

std::optional<std::vector<model::School>> read_peer_parts(const fs::path& path, const cache::Hash128& global) {
    PeerPrefetch& ahead = prefetch();
    std::unique_lock lock(ahead.mutex);
    if (ahead.result.valid() && ahead.path == path && ahead.global == global) {
        auto result = std::move(ahead.result);
        lock.unlock();
        return result.get();
    }
    lock.unlock();
    cancel_peer_parts();
    static const std::atomic<bool> never{false};
    return read_peer_parts_now(path, global, never);
}

void start_peer_parts(const fs::path& path, const cache::Hash128& global) {
    cancel_peer_parts();
    PeerPrefetch& ahead = prefetch();
    std::lock_guard lock(ahead.mutex);
    ahead.path = path;
    ahead.global = global;
    ahead.cancel = false;
    ahead.result = std::async(std::launch::async, [&ahead, path, global] { return read_peer_parts_now(path, global, ahead.cancel); });
}

void cancel_peer_parts() {
    PeerPrefetch& ahead = prefetch();
    std::lock_guard lock(ahead.mutex);
    if (!ahead.result.valid()) return;
    ahead.cancel = true;
    ahead.result.get();  // its threads stop between schools; what they read goes
}

}  // namespace shnor::pipeline
