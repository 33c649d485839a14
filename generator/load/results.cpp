#include "load/content_access.hpp"
#include "load/csv.hpp"
#include "load/load.hpp"
#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/text_check.hpp"
#include "load/yaml_fields.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <tuple>

namespace shnor::load {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kColumns = {"exam",   "subject", "grade",         "year",          "participants",
                                           "mean",   "scale",   "fail_share",    "quality_share", "example"};

// Russian headers a webmaster is likely to type, in the form header_key() gives.
const std::map<std::string, std::string> kColumnAliases = {
    {"экзамен", "exam"},
    {"процедура", "exam"},
    {"оценочная процедура", "exam"},
    {"предмет", "subject"},
    {"учебный предмет", "subject"},
    {"класс", "grade"},
    {"параллель", "grade"},
    {"год", "year"},
    {"участников", "participants"},
    {"участники", "participants"},
    {"число участников", "participants"},
    {"количество участников", "participants"},
    {"кол-во участников", "participants"},
    {"средний балл", "mean"},
    {"ср балл", "mean"},
    {"шкала", "scale"},
    {"доля 2", "fail_share"},
    {"доля двоек", "fail_share"},
    {"доля неудовлетворительных", "fail_share"},
    {"доля 4 и 5", "quality_share"},
    {"доля 4-5", "quality_share"},
    {"качество", "quality_share"},
    {"качество знаний", "quality_share"},
    {"область", "scope"},
    {"уровень", "scope"},
    {"пример", "example"},
};

struct Cell {
    std::string text;
    int line = 0;
    int column = 0;      // 1-based column of a CSV file; 0 in YAML
    std::string header;  // the column's header as written in the CSV file
    int at = 0;          // 1-based character where a CSV cell starts in its line; 0 in YAML
};

// Excel in a Russian locale writes TRUE and FALSE cells as ИСТИНА and ЛОЖЬ.
std::optional<bool> parse_excel_flag(std::string_view text) {
    std::string value = lower_case(trim(text));
    if (value == "истина") return true;
    if (value == "ложь") return false;
    return parse_flag(value);
}

// Non-breaking and thin spaces as plain ones.
std::string with_plain_spaces(std::string_view text) {
    std::string plain;
    for (std::size_t i = 0; i < text.size();) {
        std::string_view rest = text.substr(i);
        std::size_t wide = rest.starts_with("\xC2\xA0")                                          ? 2
                           : rest.starts_with("\xE2\x80\xAF") || rest.starts_with("\xE2\x80\x89") ? 3
                                                                                                 : 0;
        plain += wide ? ' ' : text[i];
        i += wide ? wide : 1;
    }
    return plain;
}

// Excel in a Russian locale groups thousands with a (non-breaking) space:
// «1 234», «1 234,5». Other spaces stay, so «3 1» is still an error.
std::string without_digit_grouping(std::string_view text) {
    static const std::regex kGrouped(R"(\s*[+-]?\d{1,3}( \d{3})+([.,]\d+)?\s*%?\s*)");
    std::string clean = with_plain_spaces(text);
    if (!std::regex_match(clean, kGrouped)) return clean;
    std::string digits = trim(clean);
    std::erase(digits, ' ');
    return digits;
}

std::optional<double> parse_number(std::string_view text) { return parse_decimal(without_digit_grouping(text)); }

// A whole number, also as Excel writes it from a cell formatted with decimals («2023,0»).
std::optional<int> parse_whole_number(std::string_view text) {
    std::string clean = without_digit_grouping(text);
    if (auto value = parse_integer(clean)) return value;
    if (clean.find('%') != std::string::npos) return std::nullopt;
    auto decimal = parse_decimal(clean);
    if (!decimal || *decimal != std::trunc(*decimal) || std::abs(*decimal) > 1e9) return std::nullopt;
    return static_cast<int>(*decimal);
}

// One row's cells by column, whether it came from YAML or CSV.
class RowCells {
public:
    RowCells(SourceFile& file, std::map<std::string, Cell> cells, int line, std::string path)
        : file_(file), cells_(std::move(cells)), line_(line), path_(std::move(path)) {}

    std::string text(const std::string& column, Need need = Need::optional) {
        const Cell* cell = find(column);
        if (!cell) {
            if (need == Need::required) error(column, kRequiredMissing);
            return {};
        }
        return cell->text;
    }

    template <typename Parse>
    auto parsed(const std::string& column, Parse parse, const char* expected, Need need = Need::optional)
        -> decltype(parse(std::string_view())) {
        std::string value = text(column, need);
        if (value.empty()) return std::nullopt;
        auto result = parse(value);
        if (!result) error(column, std::string(expected) + ", получено " + in_quotes(value));
        return result;
    }

    std::optional<double> share(const std::string& column) {
        return in_range(parsed(column, parse_number, "ожидается число"), column, 0.0, 100.0,
                        "доля в процентах должна быть от 0 до 100");
    }

    // `value` when it lies within [low, high]; otherwise an error (`rule`,
    // then the cell as written) and nullopt.
    template <typename Number>
    std::optional<Number> in_range(std::optional<Number> value, const std::string& column, Number low, Number high,
                                   const std::string& rule) {
        if (!value || (*value >= low && *value <= high)) return value;
        error(column, rule + ", получено " + in_quotes(trim(text(column))));
        return std::nullopt;
    }

    // An error at the cell's line; in CSV the message starts with the column's number.
    void error(const std::string& column, const std::string& message) {
        const Cell* cell = any_cell(column);
        int line = cell ? cell->line : line_;
        file_.error_at(line, cell ? cell->at : 0, field(column), column_label(column, cell) + message);
    }

    int line_of(const std::string& column) const {
        const Cell* cell = find(column);
        return cell ? cell->line : line_;
    }
    std::string field(const std::string& column) const { return path_.empty() ? column : path_ + "." + column; }
    int line() const { return line_; }
    SourceFile& file() { return file_; }

private:
    const Cell* any_cell(const std::string& column) const {
        auto it = cells_.find(column);
        return it == cells_.end() ? nullptr : &it->second;
    }
    const Cell* find(const std::string& column) const {
        const Cell* cell = any_cell(column);
        return cell && !trim(cell->text).empty() ? cell : nullptr;
    }
    static std::string column_label(const std::string& column, const Cell* cell) {
        if (!cell || cell->column == 0) return {};
        std::string label = "столбец " + std::to_string(cell->column);
        if (cell->header != column) label += " " + in_quotes(cell->header);
        return label + ": ";
    }

    SourceFile& file_;
    std::map<std::string, Cell> cells_;
    int line_;
    std::string path_;
};

// Participants of one row: a school, a district or a region in one exam.
constexpr int kMaxParticipants = 1'000'000;

model::ResultRow build_row(RowCells& cells, bool scoped) {
    model::ResultRow row;
    row.pos = {cells.file().path(), cells.line()};
    row.exam = trim(cells.text("exam", Need::required));
    row.subject = trim(cells.text("subject", Need::required));
    row.grade = cells.in_range(cells.parsed("grade", parse_whole_number, "ожидается номер класса"), "grade", 1, 11,
                               "номер класса должен быть от 1 до 11");
    row.year = cells.in_range(cells.parsed("year", parse_whole_number, "ожидается год", Need::required), "year",
                              kFirstYear, kLastYear,
                              "год должен быть от " + std::to_string(kFirstYear) + " до " + std::to_string(kLastYear))
                   .value_or(0);
    row.participants = cells.in_range(cells.parsed("participants", parse_whole_number, "ожидается целое число"),
                                      "participants", 0, kMaxParticipants,
                                      "число участников должно быть от 0 до 1 000 000");
    row.scale = cells.parsed("scale", parse_whole_number, "ожидается 5 или 100");
    if (row.scale && *row.scale != 5 && *row.scale != 100) {
        cells.error("scale", "неизвестная шкала " + in_quotes(std::to_string(*row.scale)) + ": допустимы 5, 100");
        row.scale.reset();
    }
    // A mean past its scale (1e308 on a 5-point one) would reach the
    // district line of every school's chart.
    row.mean = cells.in_range(cells.parsed("mean", parse_number, "ожидается число"), "mean", 0.0,
                              static_cast<double>(row.scale.value_or(100)),
                              !row.scale            ? std::string("средний балл должен быть от 0 до 100")
                              : *row.scale == 5     ? std::string("средний балл по пятибалльной шкале должен быть от 0 до 5")
                                                    : std::string("средний балл по стобалльной шкале должен быть от 0 до 100"));
    row.fail_share = cells.share("fail_share");
    row.quality_share = cells.share("quality_share");
    row.example = cells.parsed("example", parse_excel_flag, "ожидается true или false").value_or(false);
    if (scoped) {
        row.scope = trim(cells.text("scope", Need::required));
        if (!row.scope.empty())
            cells.file().refer(RefKind::scope, row.scope, cells.line_of("scope"), cells.field("scope"));
    }
    return row;
}

// «ОГЭ, «математика», 9 класс, 2023 год, район» for messages.
std::string row_label(const model::ResultRow& row) {
    std::string label = row.exam + ", " + in_quotes(row.subject);
    if (row.grade) label += ", " + std::to_string(*row.grade) + " класс";
    label += ", " + std::to_string(row.year) + " год";
    if (row.scope == "district") label += ", район";
    else if (row.scope == "region") label += ", регион";
    else if (!row.scope.empty()) label += ", школа " + in_quotes(row.scope);
    return label;
}

std::string place_of(const model::ResultRow& row) { return row.pos.file + ":" + std::to_string(row.pos.line); }

// What one line of a chart is made of: a second row with the same key would
// be dropped when the line is drawn.
// Views into rows that outlive the maps keyed by them.
using RowKey = std::tuple<std::string_view, std::string_view, std::optional<int>, int, std::string_view>;
RowKey key_of_row(const model::ResultRow& row, std::string_view scope) {
    return {row.exam, row.subject, row.grade, row.year, scope};
}

bool has_key(const model::ResultRow& row) { return !row.exam.empty() && !row.subject.empty() && row.year != 0; }

std::string duplicate_message(const model::ResultRow& row, const model::ResultRow& first) {
    return "строка повторяет строку " + place_of(first) + " (" + row_label(row) +
           "): для одного экзамена, предмета, класса и года" + (row.scope.empty() ? "" : " и одной области") +
           " допустима одна строка, иначе на сайт попадёт только одна из них. Удалите лишнюю или исправьте в ней "
           "год, класс или предмет";
}

// Rows of one file that repeat an earlier row of it. A row with an error
// is left out: a grade or year it lost would make it repeat rows it does
// not, and its error is the one to fix.
void report_duplicate_rows(SourceFile& file, const std::vector<model::ResultRow>& rows,
                           const std::vector<bool>& clean) {
    std::map<RowKey, const model::ResultRow*> first;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        if (!clean[i] || !has_key(row)) continue;
        auto [found, fresh] = first.emplace(key_of_row(row, row.scope), &row);
        if (!fresh) file.error(row.pos.line, "", duplicate_message(row, *found->second));
    }
}

// Builds a row and notes whether it made an error.
void add_row(SourceFile& file, RowCells& cells, bool scoped, std::vector<model::ResultRow>& rows,
             std::vector<bool>& clean) {
    const auto& items = file.context().diagnostics.items();
    std::size_t before = items.size();
    rows.push_back(build_row(cells, scoped));
    clean.push_back(std::none_of(items.begin() + static_cast<std::ptrdiff_t>(before), items.end(),
                                 [](const model::Diagnostic& d) { return d.severity == model::Severity::error; }));
}

std::vector<model::ResultRow> rows_of_yaml(SourceFile& file, const std::optional<YAML::Node>& root, bool scoped) {
    std::vector<model::ResultRow> rows;
    std::vector<bool> clean;
    if (!root || root->IsNull()) return rows;
    if (!root->IsSequence()) {
        file.error(file.line_of(*root), "", "ожидается список строк результатов, каждая начинается с «- exam: ...»");
        return rows;
    }
    for (std::size_t i = 0; i < root->size(); ++i) {
        std::string path_of_row = item_path("", i);
        Fields fields(file, (*root)[i], path_of_row);
        if (!fields.is_map()) continue;
        std::map<std::string, Cell> cells;
        std::vector<std::string> columns = kColumns;
        if (scoped) columns.push_back("scope");
        for (const auto& column : columns)
            if (fields.has(column)) cells[column] = {fields.text(column), fields.line_of(column), 0, column, 0};
        RowCells row(file, std::move(cells), fields.line(), path_of_row);
        add_row(file, row, scoped, rows, clean);
    }
    report_duplicate_rows(file, rows, clean);
    return rows;
}

// A header as a lookup key: case and «ё» ignored, quotes, brackets, percent
// signs, commas and dots dropped, spaces (non-breaking too) single.
std::string header_key(std::string_view header) {
    std::string spaced;
    for (std::size_t i = 0; i < header.size();) {
        std::string_view rest = header.substr(i);
        if (rest.starts_with("\xC2\xA0") || rest.starts_with("\xC2\xAB") || rest.starts_with("\xC2\xBB")) {
            spaced += ' ';
            i += 2;
        } else if (std::string_view("\"'%().,\t").find(header[i]) != std::string_view::npos) {
            spaced += ' ';
            ++i;
        } else {
            i += append_lower_letter(spaced, header, i);
        }
    }
    std::string key;
    for (char c : trim(spaced))
        if (c != ' ' || key.back() != ' ') key += c;  // trim() left no leading space
    return key;
}

// The content-format column a header names; empty when unknown.
std::string column_of_header(std::string_view header, bool scoped) {
    std::string key = header_key(header);
    if (auto alias = kColumnAliases.find(key); alias != kColumnAliases.end()) key = alias->second;
    bool known = std::find(kColumns.begin(), kColumns.end(), key) != kColumns.end() || key == "scope";
    return known && (scoped || key != "scope") ? key : std::string();
}

struct CsvHeader {
    std::vector<std::string> columns;  // content-format names, "" for a column not read
    std::vector<std::string> written;  // the headers as in the file, trimmed
    bool complete = true;              // every required column is there
};

CsvHeader read_header(SourceFile& file, const CsvRecord& record, bool scoped) {
    CsvHeader header;
    for (const auto& name : record.cells) {
        std::string written = trim(name), column = column_of_header(written, scoped);
        if (!written.empty() && column.empty()) {
            std::vector<std::string> known = kColumns;
            if (scoped) known.push_back("scope");
            for (const auto& [alias, name] : kColumnAliases)
                if (scoped || name != "scope") known.push_back(alias);
            std::string near = nearest_name(header_key(written), known);
            file.warning(record.line, written,
                         "неизвестный столбец " + in_quotes(written) + " — он не будет показан на сайте" +
                             (near.empty() ? std::string() : "; возможно, имелось в виду " + in_quotes(near)));
        }
        if (!column.empty() && std::find(header.columns.begin(), header.columns.end(), column) != header.columns.end()) {
            file.warning(record.line, column, "столбец " + in_quotes(written) + " повторяется: прочитан первый");
            column.clear();
        }
        header.columns.push_back(column);
        header.written.push_back(written);
    }
    for (std::string required : {"exam", "subject", "year"}) {
        if (std::find(header.columns.begin(), header.columns.end(), required) != header.columns.end()) continue;
        file.error(record.line, required, "в первой строке нет обязательного столбца " + in_quotes(required));
        header.complete = false;
    }
    return header;
}

std::map<std::string, Cell> cells_of(SourceFile& file, const CsvRecord& record, const CsvHeader& header,
                                     char separator) {
    std::map<std::string, Cell> cells;
    for (std::size_t c = 0; c < record.cells.size(); ++c) {
        CsvPosition position = c < record.positions.size() ? record.positions[c] : CsvPosition{record.line, 0};
        if (c >= header.columns.size()) {
            if (trim(record.cells[c]).empty()) continue;
            std::string message = "в строке " + std::to_string(record.cells.size()) + " ячеек, а в заголовке " +
                                  std::to_string(header.columns.size()) + " столбцов: лишние ячейки, начиная с " +
                                  in_quotes(trim(record.cells[c])) + ", не прочитаны";
            // «3,5» in a comma-separated file is two cells: the usual cause.
            if (separator == ',')
                message += ". Если в строке есть число с десятичной запятой, заключите его в кавычки (\"3,5\") или "
                           "сохраните файл с разделителем «;»";
            file.warning_at(position.line, position.column, "", message);
            break;
        }
        if (!header.columns[c].empty())
            cells[header.columns[c]] = {record.cells[c], position.line, static_cast<int>(c + 1), header.written[c],
                                        position.column};
    }
    return cells;
}

// Decoded text without control characters (a warning says where they were).
std::string without_controls(SourceFile& file, std::string text) {
    StrippedControls stripped = strip_control_characters(text);
    if (stripped.count > 0)
        file.warning(stripped.first_line, "", stripped_controls_message(stripped));
    return text;
}

// The file's text as UTF-8, whatever encoding Excel saved it in.
std::optional<std::string> read_csv_text(SourceFile& file) {
    auto bytes = read_content_file(file, read_limits().text_bytes);
    if (!bytes) return std::nullopt;
    DecodedText decoded = decode_excel_text(*bytes);
    if (decoded.encoding == TextEncoding::windows1251)
        file.warning(0, "", "файл в кодировке Windows-1251 перекодирован в UTF-8; сохраните его как «CSV UTF-8»");
    if (decoded.encoding == TextEncoding::utf16)
        file.warning(0, "", "файл в кодировке UTF-16 («Текст Юникод») перекодирован в UTF-8; сохраните его как «CSV UTF-8»");
    return without_controls(file, std::move(decoded.text));
}

std::vector<model::ResultRow> rows_of_csv(SourceFile& file, const std::string& text, bool scoped) {
    std::vector<model::ResultRow> rows;
    std::vector<bool> clean;
    CsvTable table = parse_csv(text);
    if (!table.error.empty()) file.error_at(table.error_line, table.error_column, "", table.error);
    if (table.records.empty()) return rows;
    CsvHeader header = read_header(file, table.records.front(), scoped);
    // Without a required column every row would repeat the same complaint.
    if (!header.complete) return rows;
    for (std::size_t r = 1; r < table.records.size(); ++r) {
        const CsvRecord& record = table.records[r];
        RowCells row(file, cells_of(file, record, header, table.separator), record.line, "");
        add_row(file, row, scoped, rows, clean);
    }
    report_duplicate_rows(file, rows, clean);
    return rows;
}

std::vector<model::ResultRow> read_csv_rows(SourceFile& file, bool scoped) {
    auto text = read_csv_text(file);
    return text ? rows_of_csv(file, *text, scoped) : std::vector<model::ResultRow>{};
}

std::vector<model::ResultRow> read_yaml_rows(SourceFile& file, bool scoped) {
    return rows_of_yaml(file, read_yaml_file(file), scoped);
}

}  // namespace

std::vector<model::ResultRow> parse_shared_results(const std::string& bytes, const std::string& format,
                                                   const std::string& label, model::Diagnostics& diagnostics) {
    LoadContext context{{}, diagnostics, {}, {}, {}};
    SourceFile file(context, label);
    // Scopes name schools of the whole region: the caller keeps what concerns
    // this site, so no reference is checked here.
    if (format == "csv") return rows_of_csv(file, without_controls(file, decode_excel_text(bytes).text), true);
    auto text = checked_text(file, bytes);
    if (!text) return {};
    return rows_of_yaml(file, parse_yaml(file, *text), true);  // JSON is YAML too
}

namespace {

// A row with the scope it counts for: a school's own rows count for it.
struct WrittenRow {
    const model::ResultRow* row;
    std::string_view scope;  // the row's or its school's slug, which outlive it
};

std::vector<WrittenRow> content_rows(const model::Site& site) {
    std::vector<WrittenRow> rows;
    for (const auto& school : site.schools)
        for (const auto& row : school.results)
            if (has_key(row)) rows.push_back({&row, school.slug});
    for (const auto& row : site.district_results)
        if (has_key(row)) rows.push_back({&row, row.scope});
    return rows;
}

// Rows are compared only at the same exam, subject and grade: a row without
// a grade among rows with one, in another scope, is on no chart beside them
// and out of the computed district figures. One warning per file and
// subject, at its first such row. The first `already` rows were checked
// among themselves before: only warnings the rows after them bring are given.
void warn_incomparable(const std::vector<WrittenRow>& rows, std::size_t already, model::Diagnostics& diagnostics) {
    // Most sites give every row a grade: then only one pass over the rows.
    using Subject = std::pair<std::string_view, std::string_view>;
    std::set<Subject> ungraded_subjects;
    for (const auto& written : rows)
        if (!written.row->grade) ungraded_subjects.insert({written.row->exam, written.row->subject});
    if (ungraded_subjects.empty()) return;
    std::map<Subject, std::vector<std::size_t>> by_subject;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Subject subject{rows[i].row->exam, rows[i].row->subject};
        if (ungraded_subjects.count(subject)) by_subject[subject].push_back(i);
    }
    for (const auto& subject_rows : by_subject) {
        // Not a structured binding: clang 14 cannot capture one in the lambda below.
        const std::vector<std::size_t>& indexes = subject_rows.second;
        std::map<std::string, std::vector<std::size_t>> ungraded_by_file;
        for (std::size_t i : indexes)
            if (!rows[i].row->grade) ungraded_by_file[rows[i].row->pos.file].push_back(i);
        for (const auto& [file, ungraded] : ungraded_by_file) {
            const WrittenRow& first = rows[ungraded.front()];
            auto partner_in = [&](std::size_t from, std::size_t to) -> const WrittenRow* {
                for (std::size_t i : indexes)
                    if (i >= from && i < to && rows[i].row->grade && rows[i].scope != first.scope) return &rows[i];
                return nullptr;
            };
            const WrittenRow* graded = partner_in(0, rows.size());
            if (!graded) continue;
            bool warned_before = ungraded.front() < already && partner_in(0, already);
            if (warned_before) continue;
            const model::ResultRow& row = *first.row;
            bool school_row = first.scope != "region" && first.scope != "district";
            std::string more = ungraded.size() > 1
                                   ? " (и ещё строк без класса в этом файле: " + std::to_string(ungraded.size() - 1) + ")"
                                   : "";
            diagnostics.warning(row.pos.file, row.pos.line, "grade",
                                "в строке (" + row_label(row) + ") не указан класс, а в строке " +
                                    place_of(*graded->row) + " (" + row_label(*graded->row) + ") указан" + more +
                                    ": результаты сравниваются только при одинаковом классе, поэтому " +
                                    (school_row ? "эта строка останется без сравнения с районом и регионом и не "
                                                  "войдёт в расчёт по району"
                                                : "школы не будут сравниваться с этой строкой") +
                                    ". Укажите класс (grade)");
        }
    }
}

}  // namespace

void check_result_rows(LoadContext& context, const model::Site& site) {
    // A school's own rows against the root file's rows scoped to it: each
    // file alone was checked for repeats when it was read. Only schools the
    // root file names are indexed.
    std::set<std::string_view> scoped_schools;
    for (const auto& row : site.district_results)
        if (row.scope != "region" && row.scope != "district") scoped_schools.insert(row.scope);
    std::map<RowKey, const model::ResultRow*> own;
    for (const auto& school : site.schools) {
        if (!scoped_schools.count(school.slug)) continue;
        for (const auto& row : school.results)
            if (has_key(row)) own.emplace(key_of_row(row, school.slug), &row);
    }
    for (const auto& row : site.district_results) {
        if (!has_key(row)) continue;
        auto found = own.find(key_of_row(row, row.scope));
        if (found != own.end())
            context.diagnostics.error(row.pos.file, row.pos.line, "", duplicate_message(row, *found->second));
    }

    std::vector<WrittenRow> rows = content_rows(site);
    warn_incomparable(rows, 0, context.diagnostics);
}

void check_shared_rows(const model::Site& site, const std::vector<model::ResultRow>& fetched,
                       model::Diagnostics& diagnostics) {
    if (fetched.empty()) return;
    std::set<std::string_view> kept_scopes = {"region", "district"};
    for (const auto& school : site.schools) kept_scopes.insert(school.slug);
    // Only the content rows of scopes the fetched rows have are indexed:
    // a region source does not make every school's rows be looked at.
    std::set<std::string_view> fetched_scopes;
    for (const auto& row : fetched)
        if (kept_scopes.count(row.scope)) fetched_scopes.insert(row.scope);
    std::map<RowKey, const model::ResultRow*> first;
    for (const auto& row : site.district_results)
        if (has_key(row) && fetched_scopes.count(row.scope)) first.emplace(key_of_row(row, row.scope), &row);
    for (const auto& school : site.schools) {
        if (!fetched_scopes.count(school.slug)) continue;
        for (const auto& row : school.results)
            if (has_key(row)) first.emplace(key_of_row(row, school.slug), &row);
    }
    for (const auto& row : fetched) {
        if (!has_key(row) || !fetched_scopes.count(row.scope)) continue;
        auto [found, fresh] = first.emplace(key_of_row(row, row.scope), &row);
        // Repeats inside one source were refused when it was read.
        if (!fresh && found->second->pos.file != row.pos.file)
            diagnostics.error(row.pos.file, row.pos.line, "", duplicate_message(row, *found->second));
    }
    std::vector<WrittenRow> rows = content_rows(site);
    std::size_t content = rows.size();
    for (const auto& row : fetched)
        if (has_key(row) && fetched_scopes.count(row.scope)) rows.push_back({&row, row.scope});
    warn_incomparable(rows, content, diagnostics);
}

std::vector<model::ResultRow> read_results(LoadContext& context, const Owner& owner, bool scoped) {
    std::string yaml_path = content_path(owner.dir, "results.yaml");
    std::string csv_path = content_path(owner.dir, "results.csv");
    bool has_yaml = content_path_exists(context, yaml_path);
    bool has_csv = content_path_exists(context, csv_path);
    if (has_yaml && has_csv)
        context.diagnostics.error(csv_path, 0, "",
                                  "результаты указаны и в results.yaml, и в results.csv: оставьте один из файлов");
    if (has_yaml) {
        SourceFile file(context, yaml_path, 0, owner.slug);
        return read_yaml_rows(file, scoped);
    }
    if (has_csv) {
        SourceFile file(context, csv_path, 0, owner.slug);
        return read_csv_rows(file, scoped);
    }
    return {};
}

}  // namespace shnor::load
