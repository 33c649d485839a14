#include "cache/serialize.hpp"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <concepts>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <vector>

#ifdef _WIN32
#include "platform/utf8_path.hpp"
#endif

namespace shnor::cache {
namespace {

// ---------------------------------------------------------------- encoding

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

template <class T>
inline constexpr bool is_vector = false;
template <class T>
inline constexpr bool is_vector<std::vector<T>> = true;

// The largest valid value of each enum of the model: anything above it in
// the bytes is corruption, never a value to cast.
template <class Enum>
inline constexpr Enum kLastEnumValue = Enum{};
template <>
inline constexpr auto kLastEnumValue<model::Status> = model::Status::cancelled;
template <>
inline constexpr auto kLastEnumValue<model::ShownStatus> = model::ShownStatus::ongoing;
template <>
inline constexpr auto kLastEnumValue<model::Severity> = model::Severity::error;
template <>
inline constexpr auto kLastEnumValue<load::RefKind> = load::RefKind::scope;

// Appends values as bytes. Each struct of the model is spelled out once in a
// `fields(archive, object)` function below, which Writer and Reader share.
class Writer {
public:
    explicit Writer(std::string& out) : out_(out) {}

    template <class... Values>
    void operator()(const Values&... values) {
        (write(values), ...);
    }

    template <class T>
    void write(const T& value) {
        if constexpr (std::is_same_v<T, bool>) {
            put<std::uint8_t>(value ? 1 : 0);
        } else if constexpr (std::is_enum_v<T>) {
            static_assert(static_cast<unsigned>(kLastEnumValue<T>) > 0, "declare kLastEnumValue for this enum");
            put(static_cast<std::uint8_t>(value));
        } else if constexpr (std::is_integral_v<T>) {
            put(static_cast<std::make_unsigned_t<T>>(value));
        } else if constexpr (std::is_same_v<T, double>) {
            put(std::bit_cast<std::uint64_t>(value));
        } else if constexpr (std::is_same_v<T, std::string>) {
            put_count(value.size());
            out_.append(value);
        } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
#ifdef _WIN32
            // UTF-8, the bytes native() is on Linux: one cache format on both.
            std::u8string text = value.u8string();
            write(std::string(text.begin(), text.end()));
#else
            write(value.native());
#endif
        } else if constexpr (is_optional<T>) {
            write(value.has_value());
            if (value) write(*value);
        } else if constexpr (is_vector<T>) {
            put_count(value.size());
            for (const auto& element : value) write(element);
        } else {
            fields(*this, value);
        }
    }

private:
    template <std::unsigned_integral U>
    void put(U value) {
        char bytes[sizeof(U)];
        for (std::size_t i = 0; i < sizeof(U); ++i) bytes[i] = static_cast<char>(value >> (8 * i));
        out_.append(bytes, sizeof(U));
    }

    void put_count(std::size_t count) {
        if (count > UINT32_MAX) throw std::length_error("cache: a string or list longer than 4 GiB");
        put(static_cast<std::uint32_t>(count));
    }

    std::string& out_;
};

// Reads what Writer wrote. On the first inconsistency it fails for good:
// every later read yields zero values without touching the input, so loops
// end and no length read from the bytes is ever trusted beyond what is left.
class Reader {
public:
    explicit Reader(std::string_view bytes) : rest_(bytes) {}

    bool ok() const { return ok_; }
    bool at_end() const { return rest_.empty(); }

    template <class... Values>
    void operator()(Values&... values) {
        (read(values), ...);
    }

    template <class T>
    void read(T& value) {
        if constexpr (std::is_same_v<T, bool>) {
            auto byte = take<std::uint8_t>();
            if (byte > 1) fail();
            value = byte == 1;
        } else if constexpr (std::is_enum_v<T>) {
            auto raw = take<std::uint8_t>();
            if (raw > static_cast<std::uint8_t>(kLastEnumValue<T>)) fail();
            value = static_cast<T>(raw);
        } else if constexpr (std::is_integral_v<T>) {
            value = static_cast<T>(take<std::make_unsigned_t<T>>());
        } else if constexpr (std::is_same_v<T, double>) {
            value = std::bit_cast<double>(take<std::uint64_t>());
        } else if constexpr (std::is_same_v<T, std::string>) {
            std::size_t length = take_count();
            value.assign(rest_.substr(0, length));
            rest_.remove_prefix(length);
        } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
            std::string native;
            read(native);
#ifdef _WIN32
            try {
                value = platform::path_from_utf8(native);
            } catch (const std::filesystem::filesystem_error&) {
                ok_ = false;  // not UTF-8: a damaged blob
            }
#else
            value = std::move(native);
#endif
        } else if constexpr (is_optional<T>) {
            bool present = false;
            read(present);
            if (present && ok_) {
                read(value.emplace());
            } else {
                value.reset();
            }
        } else if constexpr (is_vector<T>) {
            std::size_t count = take_count();
            value.clear();
            // A hint only: the count is bounded by the bytes left, not trusted.
            value.reserve(std::min(count, rest_.size() / 4));
            for (std::size_t i = 0; i < count && ok_; ++i) read(value.emplace_back());
        } else {
            fields(*this, value);
        }
    }

private:
    void fail() {
        ok_ = false;
        rest_ = {};
    }

    template <std::unsigned_integral U>
    U take() {
        if (rest_.size() < sizeof(U)) {
            fail();
            return 0;
        }
        U value = 0;
        for (std::size_t i = 0; i < sizeof(U); ++i)
            value |= static_cast<U>(static_cast<unsigned char>(rest_[i])) << (8 * i);
        rest_.remove_prefix(sizeof(U));
        return value;
    }

    // Every encoded element takes at least one byte, so a count above the
    // bytes left is corruption; refusing it bounds every allocation.
    std::size_t take_count() {
        std::size_t count = take<std::uint32_t>();
        if (count > rest_.size()) {
            fail();
            return 0;
        }
        return count;
    }

    std::string_view rest_;
    bool ok_ = true;
};

// ---------------------------------------------------------------- field lists
//
// One function per struct, for both directions (Self is the struct, const
// when writing). Two guards keep a field added to the model later from being
// silently dropped by the cache:
// - the structured binding names every data member, so it stops compiling as
//   soon as the number of members changes, on any platform;
// - the size check catches a member changing type (the count staying the
//   same). Sizes are those of libstdc++ on 64-bit targets, the only layout
//   we build on; elsewhere only the binding guards.
// When either fires: list the new field here, bump kCacheFormatVersion,
// update the size, and extend tests/cache_test.cpp's spot checks.

template <class Self, class Model>
concept Describes = std::same_as<std::remove_const_t<Self>, Model>;

#if defined(__GLIBCXX__) && UINTPTR_MAX == UINT64_MAX
inline constexpr bool kKnownLayout = true;
#else
inline constexpr bool kKnownLayout = false;
#endif

template <class T, std::size_t Size>
inline constexpr bool size_is = !kKnownLayout || sizeof(T) == Size;

template <class Archive, Describes<model::Date> Self>
void fields(Archive& archive, Self& date) {
    static_assert(size_is<model::Date, 12>, "update cache/serialize.cpp field list");
    auto& [year, month, day] = date;
    archive(year, month, day);
}

template <class Archive, Describes<model::DateRange> Self>
void fields(Archive& archive, Self& range) {
    static_assert(size_is<model::DateRange, 24>, "update cache/serialize.cpp field list");
    auto& [start, end] = range;
    archive(start, end);
}

template <class Archive, Describes<model::SourcePos> Self>
void fields(Archive& archive, Self& pos) {
    static_assert(size_is<model::SourcePos, 40>, "update cache/serialize.cpp field list");
    auto& [file, line] = pos;
    archive(file, line);
}

template <class Archive, Describes<model::Person> Self>
void fields(Archive& archive, Self& person) {
    static_assert(size_is<model::Person, 168>, "update cache/serialize.cpp field list");
    auto& [name, position, organization, phone, email, example] = person;
    archive(name, position, organization, phone, email, example);
}

template <class Archive, Describes<model::Fact> Self>
void fields(Archive& archive, Self& fact) {
    static_assert(size_is<model::Fact, 64>, "update cache/serialize.cpp field list");
    auto& [label, value] = fact;
    archive(label, value);
}

template <class Archive, Describes<model::Task> Self>
void fields(Archive& archive, Self& task) {
    static_assert(size_is<model::Task, 56>, "update cache/serialize.cpp field list");
    auto& [text, actions] = task;
    archive(text, actions);
}

template <class Archive, Describes<model::Stage> Self>
void fields(Archive& archive, Self& stage) {
    static_assert(size_is<model::Stage, 128>, "update cache/serialize.cpp field list");
    auto& [name, start, end, when, description] = stage;
    archive(name, start, end, when, description);
}

template <class Archive, Describes<model::Program> Self>
void fields(Archive& archive, Self& program) {
    static_assert(size_is<model::Program, 648>, "update cache/serialize.cpp field list");
    auto& [id, title, kind, approved_by, developers, executors, curator, goal, tasks, indicators, period, stages,
           expected_results, control, other, body, example, pos] = program;
    archive(id, title, kind, approved_by, developers, executors, curator, goal, tasks, indicators, period, stages,
            expected_results, control, other, body, example, pos);
}

template <class Archive, Describes<model::RoadmapItem::Derived> Self>
void fields(Archive& archive, Self& derived) {
    static_assert(size_is<model::RoadmapItem::Derived, 44>, "update cache/serialize.cpp field list");
    auto& [start, due, ongoing, when_understood, shown, reported_in_news] = derived;
    archive(start, due, ongoing, when_understood, shown, reported_in_news);
}

template <class Archive, Describes<model::RoadmapItem> Self>
void fields(Archive& archive, Self& item) {
    static_assert(size_is<model::RoadmapItem, 448>, "update cache/serialize.cpp field list");
    auto& [n, title, when, start, due, responsible, result, status, status_given, report, reported, evidence,
           schools, all_schools, level, parts, example, pos, derived] = item;
    archive(n, title, when, start, due, responsible, result, status, status_given, report, reported, evidence,
            schools, all_schools, level, parts, example, pos, derived);
}

template <class Archive, Describes<model::RoadmapSection> Self>
void fields(Archive& archive, Self& section) {
    static_assert(size_is<model::RoadmapSection, 88>, "update cache/serialize.cpp field list");
    auto& [n, title, items] = section;
    archive(n, title, items);
}

template <class Archive, Describes<model::Roadmap> Self>
void fields(Archive& archive, Self& roadmap) {
    static_assert(size_is<model::Roadmap, 272>, "update cache/serialize.cpp field list");
    auto& [id, title, period, approved_by, program, description, flat, sections, pos, derived] = roadmap;
    archive(id, title, period, approved_by, program, description, flat, sections, pos, derived.finished);
}

template <class Archive, Describes<model::ResultRow> Self>
void fields(Archive& archive, Self& row) {
    static_assert(size_is<model::ResultRow, 224>, "update cache/serialize.cpp field list");
    auto& [exam, subject, grade, year, participants, mean, scale, fail_share, quality_share, scope, example, pos] =
        row;
    archive(exam, subject, grade, year, participants, mean, scale, fail_share, quality_share, scope, example, pos);
}

template <class Archive, Describes<model::Document> Self>
void fields(Archive& archive, Self& document) {
    static_assert(size_is<model::Document, 632>, "update cache/serialize.cpp field list");
    auto& [id, kind, title, number, date, issuer, file, url, based_on, page, signed_by, example, pos, file_path,
           site_path, file_size, file_type] = document;
    archive(id, kind, title, number, date, issuer, file, url, based_on, page, signed_by, example, pos, file_path,
            site_path, file_size, file_type);
}

template <class Archive, Describes<model::Link> Self>
void fields(Archive& archive, Self& link) {
    static_assert(size_is<model::Link, 64>, "update cache/serialize.cpp field list");
    auto& [title, url] = link;
    archive(title, url);
}

template <class Archive, Describes<model::PhotoNote> Self>
void fields(Archive& archive, Self& note) {
    static_assert(size_is<model::PhotoNote, 72>, "update cache/serialize.cpp field list");
    auto& [caption, publish_original, line, source_hash] = note;
    archive(caption, publish_original, line, source_hash);
}

template <class Archive, Describes<model::NewsItem> Self>
void fields(Archive& archive, Self& news) {
    static_assert(size_is<model::NewsItem, 344>, "update cache/serialize.cpp field list");
    auto& [id, title, date, schools, roadmap_item, photos, photo_site_paths, photo_notes, links, body, feed_summary,
           example, pos] = news;
    // Not feed_summary: only light parts have one, and they are never stored.
    archive(id, title, date, schools, roadmap_item, photos, photo_site_paths, photo_notes, links, body, example, pos);
}

template <class Archive, Describes<model::Page> Self>
void fields(Archive& archive, Self& page) {
    static_assert(size_is<model::Page, 168>, "update cache/serialize.cpp field list");
    auto& [slug, title, description, body, pos] = page;
    archive(slug, title, description, body, pos);
}

template <class Archive, Describes<model::Category> Self>
void fields(Archive& archive, Self& category) {
    static_assert(size_is<model::Category, 96>, "update cache/serialize.cpp field list");
    auto& [type, year, basis, reasons] = category;
    archive(type, year, basis, reasons);
}

template <class Archive, Describes<model::RiskFactor> Self>
void fields(Archive& archive, Self& risk) {
    static_assert(size_is<model::RiskFactor, 96>, "update cache/serialize.cpp field list");
    auto& [factor, measures, document] = risk;
    archive(factor, measures, document);
}

template <class Archive, Describes<model::SelfDiagnosis> Self>
void fields(Archive& archive, Self& diagnosis) {
    static_assert(size_is<model::SelfDiagnosis, 72>, "update cache/serialize.cpp field list");
    auto& [year, level, document] = diagnosis;
    archive(year, level, document);
}

template <class Archive, Describes<model::Mentor> Self>
void fields(Archive& archive, Self& mentor) {
    static_assert(size_is<model::Mentor, 96>, "update cache/serialize.cpp field list");
    auto& [slug, name, url] = mentor;
    archive(slug, name, url);
}

template <class Archive, Describes<model::Publications> Self>
void fields(Archive& archive, Self& publications) {
    static_assert(size_is<model::Publications, 120>, "update cache/serialize.cpp field list");
    auto& [programs, roadmaps, documents, news, pages] = publications;
    archive(programs, roadmaps, documents, news, pages);
}

template <class Archive, Describes<model::School> Self>
void fields(Archive& archive, Self& school) {
    static_assert(size_is<model::School, 1064>, "update cache/serialize.cpp field list");
    auto& [slug, name, short_name, other_names, head, coordinator, address, official_site, students, teachers, rural,
           small, distance_km, mentor, categories, risk_profile, self_diagnosis, example_fields, intro_title, intro,
           own, results, pos] = school;
    archive(slug, name, short_name, other_names, head, coordinator, address, official_site, students, teachers, rural,
            small, distance_km, mentor, categories, risk_profile, self_diagnosis, example_fields, intro_title, intro,
            own, results, pos);
}

template <class Archive, Describes<model::Diagnostic> Self>
void fields(Archive& archive, Self& diagnostic) {
    static_assert(size_is<model::Diagnostic, 112>, "update cache/serialize.cpp field list");
    auto& [severity, file, line, column, field, message] = diagnostic;
    archive(severity, file, line, column, field, message);
}

template <class Archive, Describes<load::Reference> Self>
void fields(Archive& archive, Self& reference) {
    static_assert(size_is<load::Reference, 144>, "update cache/serialize.cpp field list");
    auto& [kind, value, file, line, field, owner] = reference;
    archive(kind, value, file, line, field, owner);
}

// A school load as stored: Diagnostics keeps its items private.
struct StoredLoad {
    model::School school;
    std::vector<model::Diagnostic> diagnostics;
    std::vector<load::Reference> references;
};

template <class Archive, Describes<StoredLoad> Self>
void fields(Archive& archive, Self& stored) {
    auto& [school, diagnostics, references] = stored;
    archive(school, diagnostics, references);
}

// ---------------------------------------------------------------- envelope

constexpr std::string_view kMagic = "SHNC";

enum class Kind : std::uint8_t { school = 1, diagnostics = 2, school_load = 3 };

template <class T>
std::string seal(Kind kind, const T& value) {
    std::string bytes;
    bytes.reserve(16 * 1024);
    bytes.append(kMagic);
    Writer writer(bytes);
    writer(kCacheFormatVersion, static_cast<std::uint8_t>(kind), value);
    writer.write(static_cast<std::uint64_t>(XXH3_64bits(bytes.data(), bytes.size())));
    return bytes;
}

// The checksum comes first: a torn or rotten cache file is rejected before
// any of its lengths are read.
template <class T>
bool unseal(std::string_view bytes, Kind kind, T& out) {
    if (bytes.size() < kMagic.size() + kChecksumBytes) return false;
    std::string_view body = bytes.substr(0, bytes.size() - kChecksumBytes);
    std::uint64_t stored = 0;
    Reader(bytes.substr(body.size())).read(stored);
    if (stored != XXH3_64bits(body.data(), body.size())) return false;
    if (!body.starts_with(kMagic)) return false;

    Reader reader(body.substr(kMagic.size()));
    std::uint32_t version = 0;
    std::uint8_t stored_kind = 0;
    reader(version, stored_kind);
    if (!reader.ok() || version != kCacheFormatVersion || stored_kind != static_cast<std::uint8_t>(kind)) return false;
    reader.read(out);
    return reader.ok() && reader.at_end();
}

}  // namespace

std::string serialize_school(const model::School& school) { return seal(Kind::school, school); }

bool deserialize_school(std::string_view bytes, model::School& out) { return unseal(bytes, Kind::school, out); }

std::string serialize_diagnostics(const model::Diagnostics& diagnostics) {
    return seal(Kind::diagnostics, diagnostics.items());
}

bool deserialize_diagnostics(std::string_view bytes, model::Diagnostics& out) {
    std::vector<model::Diagnostic> items;
    if (!unseal(bytes, Kind::diagnostics, items)) return false;
    out = model::Diagnostics{};
    for (auto& item : items) out.add(std::move(item));
    return true;
}

std::string serialize_school_load(const load::SchoolLoad& load) {
    // The copy keeps one field list for the stored form; a school is a few kB.
    StoredLoad stored{load.school, load.diagnostics.items(), load.references};
    return seal(Kind::school_load, stored);
}

bool deserialize_school_load(std::string_view bytes, load::SchoolLoad& out) {
    StoredLoad stored;
    if (!unseal(bytes, Kind::school_load, stored)) return false;
    out.school = std::move(stored.school);
    out.diagnostics = model::Diagnostics{};
    for (auto& item : stored.diagnostics) out.diagnostics.add(std::move(item));
    out.references = std::move(stored.references);
    return true;
}

}  // namespace shnor::cache
