#include "load/csv.hpp"
#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"

#include <algorithm>
#include <map>

namespace shnor::load {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kColumns = {"exam",   "subject", "grade",         "year",          "participants",
                                           "mean",   "scale",   "fail_share",    "quality_share", "example"};

struct Cell {
    std::string text;
    int line = 0;
};

// One row's cells by column, whether it came from YAML or CSV.
class RowCells {
public:
    RowCells(SourceFile& file, std::map<std::string, Cell> cells, int line, std::string path)
        : file_(file), cells_(std::move(cells)), line_(line), path_(std::move(path)) {}

    std::string text(const std::string& column, Need need = Need::optional) {
        const Cell* cell = find(column);
        if (!cell) {
            if (need == Need::required) file_.error(line_, field(column), kRequiredMissing);
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
        if (!result) file_.error(find(column)->line, field(column), std::string(expected) + ", получено " + in_quotes(value));
        return result;
    }

    std::optional<double> share(const std::string& column) {
        auto value = parsed(column, parse_decimal, "ожидается число");
        if (value && (*value < 0 || *value > 100)) {
            file_.error(find(column)->line, field(column), "доля в процентах должна быть от 0 до 100, получено " +
                                                               in_quotes(text(column)));
            return std::nullopt;
        }
        return value;
    }

    int line_of(const std::string& column) const {
        const Cell* cell = find(column);
        return cell ? cell->line : line_;
    }
    std::string field(const std::string& column) const { return path_.empty() ? column : path_ + "." + column; }
    int line() const { return line_; }
    SourceFile& file() { return file_; }

private:
    const Cell* find(const std::string& column) const {
        auto it = cells_.find(column);
        return it == cells_.end() || trim(it->second.text).empty() ? nullptr : &it->second;
    }

    SourceFile& file_;
    std::map<std::string, Cell> cells_;
    int line_;
    std::string path_;
};

model::ResultRow build_row(RowCells& cells, bool scoped) {
    model::ResultRow row;
    row.pos = {cells.file().path(), cells.line()};
    row.exam = trim(cells.text("exam", Need::required));
    row.subject = trim(cells.text("subject", Need::required));
    row.grade = cells.parsed("grade", parse_integer, "ожидается номер класса");
    row.year = cells.parsed("year", parse_integer, "ожидается год", Need::required).value_or(0);
    row.participants = cells.parsed("participants", parse_integer, "ожидается целое число");
    row.mean = cells.parsed("mean", parse_decimal, "ожидается число");
    row.scale = cells.parsed("scale", parse_integer, "ожидается 5 или 100");
    if (row.scale && *row.scale != 5 && *row.scale != 100) {
        cells.file().error(cells.line_of("scale"), cells.field("scale"),
                           "неизвестная шкала " + in_quotes(std::to_string(*row.scale)) + ": допустимы 5, 100");
        row.scale.reset();
    }
    row.fail_share = cells.share("fail_share");
    row.quality_share = cells.share("quality_share");
    row.example = cells.parsed("example", parse_flag, "ожидается true или false").value_or(false);
    if (scoped) {
        row.scope = trim(cells.text("scope", Need::required));
        if (!row.scope.empty())
            cells.file().refer(RefKind::scope, row.scope, cells.line_of("scope"), cells.field("scope"));
    }
    return row;
}

std::vector<model::ResultRow> read_yaml_rows(SourceFile& file, const fs::path& path, bool scoped) {
    std::vector<model::ResultRow> rows;
    auto root = read_yaml_file(file, path);
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
            if (fields.has(column)) cells[column] = {fields.text(column), fields.line_of(column)};
        RowCells row(file, std::move(cells), fields.line(), path_of_row);
        rows.push_back(build_row(row, scoped));
    }
    return rows;
}

std::vector<std::string> header_columns(SourceFile& file, const CsvRecord& header, bool scoped) {
    std::vector<std::string> columns;
    for (const auto& name : header.cells) {
        std::string column = trim(name);
        bool known = std::find(kColumns.begin(), kColumns.end(), column) != kColumns.end() ||
                     (scoped && column == "scope");
        if (!column.empty() && !known)
            file.warning(header.line, column, "неизвестный столбец " + in_quotes(column) + " — он не будет показан на сайте");
        columns.push_back(column);
    }
    for (const char* required : {"exam", "subject", "year"})
        if (std::find(columns.begin(), columns.end(), required) == columns.end())
            file.error(header.line, required, "в первой строке нет обязательного столбца " + in_quotes(required));
    return columns;
}

std::vector<model::ResultRow> read_csv_rows(SourceFile& file, const fs::path& path, bool scoped) {
    std::vector<model::ResultRow> rows;
    auto text = read_text(file, path);
    if (!text) return rows;
    CsvTable table = parse_csv(*text);
    if (!table.error.empty()) file.error(table.error_line, "", table.error);
    if (table.records.empty()) return rows;
    std::vector<std::string> columns = header_columns(file, table.records.front(), scoped);
    for (std::size_t r = 1; r < table.records.size(); ++r) {
        const CsvRecord& record = table.records[r];
        if (record.cells.size() > columns.size())
            file.warning(record.line, "", "в строке больше ячеек, чем столбцов в заголовке: лишние не прочитаны");
        std::map<std::string, Cell> cells;
        for (std::size_t c = 0; c < record.cells.size() && c < columns.size(); ++c)
            cells[columns[c]] = {record.cells[c], record.line};
        RowCells row(file, std::move(cells), record.line, "");
        rows.push_back(build_row(row, scoped));
    }
    return rows;
}

}  // namespace

std::vector<model::ResultRow> read_results(LoadContext& context, const Owner& owner, bool scoped) {
    std::string yaml_path = content_path(owner.dir, "results.yaml");
    std::string csv_path = content_path(owner.dir, "results.csv");
    bool has_yaml = fs::exists(context.content_dir / yaml_path);
    bool has_csv = fs::exists(context.content_dir / csv_path);
    if (has_yaml && has_csv)
        context.diagnostics.error(csv_path, 0, "",
                                  "результаты указаны и в results.yaml, и в results.csv: оставьте один из файлов");
    if (has_yaml) {
        SourceFile file(context, yaml_path, 0, owner.slug);
        return read_yaml_rows(file, context.content_dir / yaml_path, scoped);
    }
    if (has_csv) {
        SourceFile file(context, csv_path, 0, owner.slug);
        return read_csv_rows(file, context.content_dir / csv_path, scoped);
    }
    return {};
}

}  // namespace shnor::load
