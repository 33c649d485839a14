#include "load/yaml_fields.hpp"

#include "load/csv.hpp"
#include "load/text_check.hpp"
#include "model/url.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace shnor::load {

namespace {

std::string what_is(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: return "набор полей";
        case YAML::NodeType::Sequence: return "список";
        case YAML::NodeType::Scalar: return "текст " + in_quotes(node.Scalar());
        default: return "пустое значение";
    }
}

bool is_present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

std::string lower_ascii(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

}  // namespace

std::string trim(std::string_view text) {
    const char* spaces = " \t\r\n";
    auto first = text.find_first_not_of(spaces);
    if (first == std::string_view::npos) return {};
    auto last = text.find_last_not_of(spaces);
    return std::string(text.substr(first, last - first + 1));
}

std::string in_quotes(std::string_view text) { return "«" + std::string(text) + "»"; }

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string result;
    for (const auto& item : items) {
        if (!result.empty()) result += separator;
        result += item;
    }
    return result;
}

std::optional<int> parse_integer(std::string_view text) {
    std::string clean = trim(text);
    int value = 0;
    auto [end, error] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
    if (clean.empty() || error != std::errc() || end != clean.data() + clean.size()) return std::nullopt;
    return value;
}

std::optional<double> parse_decimal(std::string_view text) {
    std::string clean = trim(text);
    // Excel in a Russian locale writes «3,1» and sometimes «28,6%».
    if (!clean.empty() && clean.back() == '%') clean = trim(clean.substr(0, clean.size() - 1));
    std::replace(clean.begin(), clean.end(), ',', '.');
    if (!clean.empty() && clean.front() == '+') clean.erase(0, 1);
    double value = 0;
    auto [end, error] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
    if (clean.empty() || error != std::errc() || end != clean.data() + clean.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::string grouped_number(long long value) {
    std::string digits = std::to_string(value < 0 ? -static_cast<unsigned long long>(value) : value);
    if (digits.size() <= 4) return std::to_string(value);  // 1990, not 1 990
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ' ';
        grouped += digits[i];
    }
    return (value < 0 ? "-" : "") + grouped;
}

std::string url_problem(std::string_view url) {
    if (model::is_allowed_url(url)) return {};
    return "адрес " + in_quotes(url) +
           " не подходит для ссылки: допустимы адреса, начинающиеся с https://, http://, mailto: или tel:, и пути "
           "на этом сайте";
}

std::optional<bool> parse_flag(std::string_view text) {
    std::string value = lower_ascii(trim(text));
    if (value == "true" || value == "yes" || value == "1" || value == "да") return true;
    if (value == "false" || value == "no" || value == "0" || value == "нет") return false;
    return std::nullopt;
}

std::string lower_case(std::string_view text) {
    std::string lower;
    lower.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) i += append_lower_letter(lower, text, i);
    return lower;
}

std::size_t append_lower_letter(std::string& key, std::string_view text, std::size_t i) {
    auto byte = static_cast<unsigned char>(text[i]);
    auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    bool yo = (byte == 0xD0 && next == 0x81) || (byte == 0xD1 && next == 0x91);
    if (yo) key += "\xD0\xB5";
    else if (byte == 0xD0 && next >= 0x90 && next <= 0x9F) key += {'\xD0', static_cast<char>(next + 0x20)};
    else if (byte == 0xD0 && next >= 0xA0 && next <= 0xAF) key += {'\xD1', static_cast<char>(next - 0x20)};
    else if ((byte == 0xD0 || byte == 0xD1) && next) key += {static_cast<char>(byte), static_cast<char>(next)};
    else {
        key += static_cast<char>(std::tolower(byte));
        return 1;
    }
    return 2;
}

namespace {

using model::Status;
// Words of district documents' «отметка о выполнении» columns, lower case, «ё» as «е».
const std::map<std::string, Status, std::less<>> kStatusWords = {
    {"planned", Status::planned},         {"не начато", Status::planned},
    {"не начат", Status::planned},        {"не начата", Status::planned},
    {"запланировано", Status::planned},   {"запланирован", Status::planned},
    {"запланирована", Status::planned},   {"планируется", Status::planned},
    {"in_progress", Status::in_progress}, {"in progress", Status::in_progress},
    {"выполняется", Status::in_progress}, {"в работе", Status::in_progress},
    {"в процессе", Status::in_progress},  {"в процессе выполнения", Status::in_progress},
    {"исполняется", Status::in_progress}, {"реализуется", Status::in_progress},
    {"ведется", Status::in_progress},     {"начато", Status::in_progress},
    {"done", Status::done},               {"выполнено", Status::done},
    {"выполнен", Status::done},           {"выполнена", Status::done},
    {"выполнены", Status::done},          {"исполнено", Status::done},
    {"исполнен", Status::done},           {"реализовано", Status::done},
    {"завершено", Status::done},          {"сделано", Status::done},
    {"cancelled", Status::cancelled},     {"canceled", Status::cancelled},
    {"отменено", Status::cancelled},      {"отменен", Status::cancelled},
    {"отменена", Status::cancelled},      {"отменены", Status::cancelled},
};

// Lower case, single spaces, no dots: «Выполнено.» as «выполнено».
std::string status_words(std::string_view text) {
    std::string words;
    for (char c : lower_case(trim(text))) {
        if (c == '.') continue;  // «Выполнено.»
        bool space = c == ' ' || c == '\t' || c == '\n';
        if (space && (words.empty() || words.back() == ' ')) continue;
        words += space ? ' ' : c;
    }
    if (!words.empty() && words.back() == ' ') words.pop_back();
    return words;
}

}  // namespace

std::optional<model::Status> parse_status(std::string_view text) {
    auto found = kStatusWords.find(status_words(text));
    if (found == kStatusWords.end()) return std::nullopt;
    return found->second;
}

namespace {

std::vector<std::string_view> characters_of(std::string_view text) {
    std::vector<std::string_view> characters;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = 1;
        while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) ++length;
        characters.push_back(text.substr(i, length));
        i += length;
    }
    return characters;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: two neighbours swapped («titel») count as one edit.
    auto left = characters_of(a), right = characters_of(b);
    std::vector<std::vector<std::size_t>> d(left.size() + 1, std::vector<std::size_t>(right.size() + 1));
    for (std::size_t i = 0; i <= left.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= right.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= left.size(); ++i)
        for (std::size_t j = 1; j <= right.size(); ++j) {
            std::size_t cost = left[i - 1] == right[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && left[i - 1] == right[j - 2] && left[i - 2] == right[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[left.size()][right.size()];
}

std::string nearest_name(std::string_view written, const std::vector<std::string>& known) {
    std::string lower = lower_case(written);
    std::size_t length = characters_of(lower).size();
    // A typo changes a letter or two; past that it is another word.
    std::size_t allowed = length <= 3 ? 1 : length <= 6 ? 2 : 3;
    std::string best;
    std::size_t best_distance = allowed + 1;
    for (const auto& name : known) {
        std::size_t distance = edit_distance(lower, name);
        if (distance < best_distance && distance < length) {
            best_distance = distance;
            best = name;
        }
    }
    return best;
}

bool is_slug(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string item_path(const std::string& list_path, std::size_t index) {
    return list_path + "[" + std::to_string(index + 1) + "]";
}

std::optional<std::string> text_of(SourceFile& file, const YAML::Node& node, const std::string& path) {
    if (!is_present(node)) return std::nullopt;
    if (!node.IsScalar()) {
        file.error(file.line_of(node), path, "ожидается текст, а указан " + what_is(node));
        return std::nullopt;
    }
    std::string text = node.Scalar();
    // Escapes in quoted YAML ("\x01", "\uD800") make what the file's own
    // text check could not see.
    if (first_invalid_utf8(text) != std::string::npos) text = valid_utf8(text);
    strip_control_characters(text);
    // A `|` block ends with a newline that no one means to show.
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
    return text;
}

model::Person person_of(SourceFile& file, const YAML::Node& node, const std::string& path) {
    model::Person person;
    if (node.IsScalar()) {  // just a name
        person.name = text_of(file, node, path).value_or("");
        return person;
    }
    Fields fields(file, node, path);
    person.name = fields.text("name");
    person.position = fields.text("position");
    person.organization = fields.text("organization");
    person.phone = fields.text("phone");
    person.email = fields.text("email");
    person.example = fields.flag("example");
    if (fields.is_map() && person.empty())
        file.error(fields.line(), fields.path_of("name"), kRequiredMissing);
    return person;
}

Fields::Fields(SourceFile& file, const YAML::Node& node, std::string path)
    : file_(file), path_(std::move(path)), line_(file.line_of(node)) {
    if (!is_present(node)) return;
    if (!node.IsMap()) {
        wrong_type_ = true;
        file_.error(line_, path_, "ожидается набор полей «ключ: значение», а указан " + what_is(node));
        return;
    }
    is_map_ = true;
    asked_.reserve(16);  // one allocation for the keys readers ask for (a reader asks for a dozen or so)
    for (auto it = node.begin(); it != node.end(); ++it) {
        std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
        if (entries_.count(key)) {
            file_.error(file_.line_of(it->first), path_of(key), "поле указано дважды");
            continue;
        }
        entries_.emplace(key, Entry{it->first, it->second, false});
    }
}

Fields::~Fields() {
    for (const auto& [key, entry] : entries_) {
        if (entry.used) continue;
        std::string message = "неизвестное поле " + in_quotes(key) + " — оно не будет показано на сайте";
        if (std::string near = nearest_name(key, asked_); !near.empty())
            message += "; возможно, имелось в виду " + in_quotes(near);
        file_.warning(file_.line_of(entry.key), path_of(key), std::move(message));
    }
}

const Fields::Entry* Fields::find(std::string_view key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
}

bool Fields::has(std::string_view key) const {
    if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) asked_.emplace_back(key);
    const Entry* entry = find(key);
    return entry && is_present(entry->value);
}

YAML::Node Fields::take(std::string_view key) {
    if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) asked_.emplace_back(key);
    auto it = entries_.find(key);
    if (it == entries_.end()) return YAML::Node();
    it->second.used = true;
    return it->second.value;
}

std::string Fields::path_of(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string Fields::item_path(std::string_view key, std::size_t index) const {
    return load::item_path(path_of(key), index);
}

int Fields::line_of(std::string_view key) const {
    const Entry* entry = find(key);
    // The key's line: a block list or a `|` text starts on the line after it.
    return entry ? file_.line_of(entry->key) : line_;
}

void Fields::report_missing(std::string_view key) {
    if (!wrong_type_) file_.error(line_of(key), path_of(key), kRequiredMissing);
}

std::string Fields::text(std::string_view key, Need need) {
    YAML::Node node = take(key);
    auto value = text_of(file_, node, path_of(key));
    if ((!value || value->empty()) && need == Need::required) {
        if (!is_present(node) || node.IsScalar()) report_missing(key);
        return {};
    }
    return value.value_or("");
}

std::optional<int> Fields::integer(std::string_view key, Need need) {
    YAML::Node node = take(key);
    auto value = text_of(file_, node, path_of(key));
    if (!value || value->empty()) {
        if (need == Need::required && (!is_present(node) || node.IsScalar())) report_missing(key);
        return std::nullopt;
    }
    auto number = parse_integer(*value);
    if (!number) file_.error(line_of(key), path_of(key), "ожидается целое число, получено " + in_quotes(*value));
    return number;
}

std::optional<double> Fields::number(std::string_view key, Need need) {
    YAML::Node node = take(key);
    auto value = text_of(file_, node, path_of(key));
    if (!value || value->empty()) {
        if (need == Need::required && (!is_present(node) || node.IsScalar())) report_missing(key);
        return std::nullopt;
    }
    auto number = parse_decimal(*value);
    if (!number) file_.error(line_of(key), path_of(key), "ожидается число, получено " + in_quotes(*value));
    return number;
}

std::optional<int> Fields::integer_in(std::string_view key, int low, int high, Need need) {
    auto value = integer(key, need);
    if (value && (*value < low || *value > high)) {
        file_.error(line_of(key), path_of(key),
                    "ожидается число от " + grouped_number(low) + " до " + grouped_number(high) + ", получено " +
                        in_quotes(std::to_string(*value)));
        return std::nullopt;
    }
    return value;
}

std::optional<double> Fields::number_in(std::string_view key, double low, double high, Need need) {
    auto value = number(key, need);
    if (value && (*value < low || *value > high)) {
        file_.error(line_of(key), path_of(key),
                    "ожидается число от " + grouped_number(static_cast<long long>(low)) + " до " +
                        grouped_number(static_cast<long long>(high)) + ", получено " +
                        in_quotes(trim(text_of(file_, take(key), path_of(key)).value_or(""))));
        return std::nullopt;
    }
    return value;
}

std::string Fields::url(std::string_view key, Need need) {
    std::string value = text(key, need);
    if (std::string problem = url_problem(value); !value.empty() && !problem.empty()) {
        file_.error(line_of(key), path_of(key), problem);
        return {};
    }
    return value;
}

bool Fields::flag(std::string_view key, bool fallback) {
    auto value = text_of(file_, take(key), path_of(key));
    if (!value || value->empty()) return fallback;
    auto flag = parse_flag(*value);
    if (!flag) {
        file_.error(line_of(key), path_of(key), "ожидается true или false, получено " + in_quotes(*value));
        return fallback;
    }
    return *flag;
}

std::optional<model::Date> Fields::date(std::string_view key, Need need) {
    YAML::Node node = take(key);
    auto value = text_of(file_, node, path_of(key));
    if (!value || value->empty()) {
        if (need == Need::required && (!is_present(node) || node.IsScalar())) report_missing(key);
        return std::nullopt;
    }
    auto date = model::Date::parse(trim(*value));
    if (!date)
        file_.error(line_of(key), path_of(key),
                    "ожидается дата вида 2024-03-31 или 31.03.2024, получено " + in_quotes(*value));
    return date;
}

std::optional<model::DateRange> Fields::date_range(std::string_view key) {
    YAML::Node node = take(key);
    if (!is_present(node)) return std::nullopt;
    Fields range(file_, node, path_of(key));
    auto start = range.date("start", Need::required);
    auto end = range.date("end", Need::required);
    if (!start || !end) return std::nullopt;
    if (*end < *start)
        file_.error(range.line(), path_of(key), "дата окончания " + end->iso() + " раньше даты начала " + start->iso());
    return model::DateRange{*start, *end};
}

std::vector<Fields::ListText> Fields::list_texts(std::string_view key, bool single_text_allowed) {
    YAML::Node node = take(key);
    std::vector<ListText> result;
    if (!is_present(node)) return result;
    if (node.IsScalar() && single_text_allowed) {
        if (auto value = text_of(file_, node, path_of(key)); value && !value->empty())
            result.push_back({*value, line_of(key), path_of(key)});
        return result;
    }
    if (!node.IsSequence()) {
        file_.error(line_of(key), path_of(key), "ожидается список, а указан " + what_is(node));
        return result;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        std::string path = item_path(key, i);
        if (auto value = text_of(file_, node[i], path); value && !value->empty())
            result.push_back({*value, file_.line_of(node[i]), path});
    }
    return result;
}

std::vector<std::string> Fields::texts(std::string_view key, bool single_text_allowed) {
    std::vector<std::string> result;
    for (auto& item : list_texts(key, single_text_allowed)) result.push_back(std::move(item.text));
    return result;
}

std::vector<std::string> Fields::references(std::string_view key, RefKind kind, bool single_text_allowed) {
    std::vector<std::string> result;
    for (auto& item : list_texts(key, single_text_allowed)) {
        file_.refer(kind, item.text, item.line, item.path);
        result.push_back(std::move(item.text));
    }
    return result;
}

std::string Fields::reference(std::string_view key, RefKind kind) {
    std::string value = text(key);
    if (!value.empty()) file_.refer(kind, value, line_of(key), path_of(key));
    return value;
}

std::string Fields::choice(std::string_view key, std::initializer_list<std::string_view> allowed,
                           std::string fallback, Need need) {
    std::string value = text(key, need);
    if (value.empty()) return fallback;
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    file_.error(line_of(key), path_of(key),
                "неизвестное значение " + in_quotes(value) + ": допустимы " + join(names, ", "));
    return fallback;
}

model::Status Fields::status(std::string_view key) {
    std::string value = text(key);
    if (value.empty()) return model::Status::planned;
    if (auto status = parse_status(value)) return *status;
    std::vector<std::string> words;
    for (const auto& [word, status] : kStatusWords) words.push_back(word);
    std::string written = status_words(value);
    std::string near = nearest_name(written, words);
    // «не выполнено» is one edit from nothing the reader would want to hear.
    if (written.starts_with("не ") != near.starts_with("не ")) near.clear();
    file_.error(line_of(key), path_of(key),
                "неизвестное значение " + in_quotes(value) +
                    ": допустимы planned, in_progress, done, cancelled или по-русски «не начато», «в работе», "
                    "«выполнено», «отменено»" +
                    (near.empty() ? std::string() : "; возможно, имелось в виду " + in_quotes(near)));
    return model::Status::planned;
}

std::vector<YAML::Node> Fields::list(std::string_view key) {
    YAML::Node node = take(key);
    std::vector<YAML::Node> items;
    if (!is_present(node)) return items;
    if (!node.IsSequence()) {
        file_.error(line_of(key), path_of(key), "ожидается список, а указан " + what_is(node));
        return items;
    }
    for (std::size_t i = 0; i < node.size(); ++i) items.push_back(node[i]);
    return items;
}

std::optional<model::Person> Fields::person(std::string_view key) {
    YAML::Node node = take(key);
    if (!is_present(node)) return std::nullopt;
    return person_of(file_, node, path_of(key));
}

std::string Fields::slug(std::string_view key, Need need) {
    std::string value = text(key, need);
    if (!value.empty() && !is_slug(value))
        file_.error(line_of(key), path_of(key),
                    "идентификатор " + in_quotes(value) + " должен состоять из латинских строчных букв, цифр и дефисов");
    return value;
}

}  // namespace shnor::load
