// Typed readers of YAML fields: each wrong value becomes a Russian diagnostic
// with file, line and field path, and reading goes on with a default.
#pragma once

#include "load/context.hpp"
#include "model/date.hpp"
#include "model/model.hpp"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shnor::load {

enum class Need { optional, required };

inline constexpr const char* kRequiredMissing = "обязательное поле не заполнено";

// Years content may name (results, indicators, categories): a typo such as
// 20233 is an error rather than a chart stretched over centuries.
inline constexpr int kFirstYear = 1990;
inline constexpr int kLastYear = 2100;

// Conversions of one scalar text, shared with the CSV reader.
std::optional<int> parse_integer(std::string_view text);
std::optional<double> parse_decimal(std::string_view text);  // accepts a decimal comma
std::optional<bool> parse_flag(std::string_view text);
bool is_slug(std::string_view text);
std::string trim(std::string_view text);
std::string in_quotes(std::string_view text);  // «text»
std::string grouped_number(long long value);    // 1 000 000
// The error for an address a link must not have, or "" when it may.
std::string url_problem(std::string_view url);
std::string join(const std::vector<std::string>& items, std::string_view separator);
// Latin and Cyrillic letters in lower case, «ё» as «е».
std::string lower_case(std::string_view text);
// Appends the lower-case form (as lower_case) of the UTF-8 character at `i`;
// returns the bytes it took.
std::size_t append_lower_letter(std::string& key, std::string_view text, std::size_t i);

// A roadmap status as written: the content-format names (planned,
// in_progress, done, cancelled) and the Russian words of district documents
// («выполнено», «в работе», «не начато», «отменено» …), case ignored;
// nullopt for anything else.
std::optional<model::Status> parse_status(std::string_view text);

// Edits (insertions, deletions, substitutions of a letter) between two
// UTF-8 texts, counted in characters.
std::size_t edit_distance(std::string_view a, std::string_view b);
// Of `known`, the one nearest `written` when near enough to be a typo of it
// («responsable» → «responsible»); "" when none is.
std::string nearest_name(std::string_view written, const std::vector<std::string>& known);

// The map at `path` of a file; warns about keys nobody asked for when it goes
// out of scope, so every reader gets unknown-key warnings for free.
class Fields {
public:
    // A null node reads as an empty map; any other non-map is an error.
    Fields(SourceFile& file, const YAML::Node& node, std::string path);
    ~Fields();
    Fields(const Fields&) = delete;
    Fields& operator=(const Fields&) = delete;

    bool has(std::string_view key) const;
    // Marks the key as known; a default (null) node when absent.
    YAML::Node take(std::string_view key);
    void accept(std::string_view key) { take(key); }

    std::string text(std::string_view key, Need need = Need::optional);
    std::optional<int> integer(std::string_view key, Need need = Need::optional);
    std::optional<double> number(std::string_view key, Need need = Need::optional);
    // The same, but a value outside [low, high] is an error (and nullopt).
    std::optional<int> integer_in(std::string_view key, int low, int high, Need need = Need::optional);
    std::optional<double> number_in(std::string_view key, double low, double high, Need need = Need::optional);
    std::optional<int> year(std::string_view key, Need need = Need::optional) {
        return integer_in(key, kFirstYear, kLastYear, need);
    }
    // An address for a link: http(s), mailto, tel or a path on the site; any
    // other scheme (javascript:, data: …) is an error and gives "".
    std::string url(std::string_view key, Need need = Need::optional);
    bool flag(std::string_view key, bool fallback = false);
    std::optional<model::Date> date(std::string_view key, Need need = Need::optional);
    std::optional<model::DateRange> date_range(std::string_view key);
    std::vector<std::string> texts(std::string_view key, bool single_text_allowed = false);
    std::string choice(std::string_view key, std::initializer_list<std::string_view> allowed,
                       std::string fallback, Need need = Need::optional);
    // A roadmap status (parse_status); planned when absent or unknown (an error).
    model::Status status(std::string_view key);
    std::vector<YAML::Node> list(std::string_view key);
    // A list of ids, each noted as a reference to check once all is loaded.
    std::vector<std::string> references(std::string_view key, RefKind kind, bool single_text_allowed = false);
    // One id noted as a reference.
    std::string reference(std::string_view key, RefKind kind);
    std::optional<model::Person> person(std::string_view key);
    // A slug or id: must match [a-z0-9-]+.
    std::string slug(std::string_view key, Need need = Need::optional);

    std::string path_of(std::string_view key) const;
    std::string item_path(std::string_view key, std::size_t index) const;  // key[index+1]
    int line() const { return line_; }
    int line_of(std::string_view key) const;
    bool is_map() const { return is_map_; }
    SourceFile& file() { return file_; }

private:
    struct Entry {
        YAML::Node key;
        YAML::Node value;
        bool used = false;
    };
    struct ListText {
        std::string text;
        int line = 0;
        std::string path;
    };
    std::vector<ListText> list_texts(std::string_view key, bool single_text_allowed);
    const Entry* find(std::string_view key) const;
    void report_missing(std::string_view key);

    SourceFile& file_;
    std::string path_;
    int line_ = 0;
    bool is_map_ = false;
    bool wrong_type_ = false;  // already reported; missing fields would only add noise
    std::map<std::string, Entry, std::less<>> entries_;
    mutable std::vector<std::string> asked_;  // every key a reader asked for, present or not
};

// Readers of single nodes (list items), reporting at `path`.
std::optional<std::string> text_of(SourceFile& file, const YAML::Node& node, const std::string& path);
model::Person person_of(SourceFile& file, const YAML::Node& node, const std::string& path);
std::string item_path(const std::string& list_path, std::size_t index);

}  // namespace shnor::load
