#include "render/xlsx.hpp"

#include <xlsxwriter.h>

#include <dlfcn.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <type_traits>

namespace shnor::render {

namespace {

// The functions of libxlsxwriter used here. The library is opened on first
// use, like libcurl (fetch/libraries.hpp): Debian's links libminizip and
// through it libcrypto, which would otherwise load at every start of shnor.
struct Library {
    decltype(&::workbook_new_opt) workbook_new_opt;
    decltype(&::workbook_set_properties) workbook_set_properties;
    decltype(&::workbook_add_worksheet) workbook_add_worksheet;
    decltype(&::workbook_add_format) workbook_add_format;
    decltype(&::format_set_bold) format_set_bold;
    decltype(&::format_set_text_wrap) format_set_text_wrap;
    decltype(&::format_set_align) format_set_align;
    decltype(&::format_set_bg_color) format_set_bg_color;
    decltype(&::format_set_bottom) format_set_bottom;
    decltype(&::format_set_num_format) format_set_num_format;
    decltype(&::worksheet_set_column) worksheet_set_column;
    decltype(&::worksheet_write_string) worksheet_write_string;
    decltype(&::worksheet_set_row) worksheet_set_row;
    decltype(&::worksheet_freeze_panes) worksheet_freeze_panes;
    decltype(&::worksheet_write_number) worksheet_write_number;
    decltype(&::worksheet_write_datetime) worksheet_write_datetime;
    decltype(&::worksheet_write_boolean) worksheet_write_boolean;
    decltype(&::worksheet_autofilter) worksheet_autofilter;
    decltype(&::workbook_close) workbook_close;
    decltype(&::lxw_strerror) lxw_strerror;
};

const Library& library() {
    static const Library loaded = [] {
        void* handle = ::dlopen(SHNOR_LIBXLSXWRITER_SONAME, RTLD_NOW | RTLD_LOCAL);
        auto fail = [](const std::string& detail) {
            return std::runtime_error(std::string("не удалось загрузить библиотеку ") + SHNOR_LIBXLSXWRITER_SONAME +
                                      ", без неё таблицы XLSX открытых данных не собираются; установите пакет "
                                      "libxlsxwriter4 (apt install libxlsxwriter4): " + detail);
        };
        if (!handle) {
            const char* error = ::dlerror();
            throw fail(error ? error : "");
        }
        Library functions{};
        auto bind = [&](const char* name, auto& function) {
            function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(::dlsym(handle, name));
            if (!function) throw fail(std::string("нет функции ") + name);
        };
        bind("workbook_new_opt", functions.workbook_new_opt);
        bind("workbook_set_properties", functions.workbook_set_properties);
        bind("workbook_add_worksheet", functions.workbook_add_worksheet);
        bind("workbook_add_format", functions.workbook_add_format);
        bind("format_set_bold", functions.format_set_bold);
        bind("format_set_text_wrap", functions.format_set_text_wrap);
        bind("format_set_align", functions.format_set_align);
        bind("format_set_bg_color", functions.format_set_bg_color);
        bind("format_set_bottom", functions.format_set_bottom);
        bind("format_set_num_format", functions.format_set_num_format);
        bind("worksheet_set_column", functions.worksheet_set_column);
        bind("worksheet_write_string", functions.worksheet_write_string);
        bind("worksheet_set_row", functions.worksheet_set_row);
        bind("worksheet_freeze_panes", functions.worksheet_freeze_panes);
        bind("worksheet_write_number", functions.worksheet_write_number);
        bind("worksheet_write_datetime", functions.worksheet_write_datetime);
        bind("worksheet_write_boolean", functions.worksheet_write_boolean);
        bind("worksheet_autofilter", functions.worksheet_autofilter);
        bind("workbook_close", functions.workbook_close);
        bind("lxw_strerror", functions.lxw_strerror);
        return functions;
    }();
    return loaded;
}

// Excel's limits: a cell holds at most 32 767 characters, a sheet 1 048 576 rows.
constexpr std::size_t kMaxCellCharacters = 32767;
constexpr lxw_row_t kMaxRows = LXW_ROW_MAX;

std::runtime_error failure(const std::string& what, lxw_error error) {
    return std::runtime_error("XLSX: " + what + ": " + library().lxw_strerror(error));
}

// At most `limit` UTF-8 characters of `text`, cut between characters.
std::string_view first_characters(std::string_view text, std::size_t limit) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (count++ == limit) return text.substr(0, i);
    }
    return text;
}

// The CSV puts an apostrophe before text that would start a formula
// (view/open_data.cpp); a text cell of a workbook is never a formula.
std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

std::string_view without_formula_guard(std::string_view text) {
    constexpr std::string_view kFormulaStarts = "=+-@\t\r";
    if (text.size() >= 2 && text[0] == '\'' && kFormulaStarts.find(text[1]) != std::string_view::npos)
        return text.substr(1);
    return text;
}

std::optional<double> number_of(std::string_view text) {
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::time_t midnight_utc(const model::Date& date) {
    std::tm time{};
    time.tm_year = date.year - 1900;
    time.tm_mon = date.month - 1;
    time.tm_mday = date.day;
    return timegm(&time);
}

}  // namespace

struct XlsxTable::State {
    std::filesystem::path scratch;
    std::string scratch_text, folder_text, sheet_name;
    std::vector<XlsxColumn> columns;
    lxw_workbook* workbook = nullptr;
    lxw_worksheet* sheet = nullptr;
    lxw_format *header = nullptr, *date = nullptr, *integer = nullptr;
    lxw_row_t next_row = 0;

    ~State() {
        if (workbook) library().workbook_close(workbook);
        std::error_code ignored;
        if (!scratch.empty()) std::filesystem::remove(scratch, ignored);
    }

    void check(lxw_error error, const char* what) const {
        if (error != LXW_NO_ERROR) throw failure(what, error);
    }

    void write_text(lxw_col_t column, std::string_view text) {
        std::string cell(first_characters(without_formula_guard(text), kMaxCellCharacters));
        check(library().worksheet_write_string(sheet, next_row, column, cell.c_str(), nullptr), "ячейка");
    }

    void write_cell(lxw_col_t column, const std::string& text) {
        if (text.empty()) return;
        switch (columns[column].type) {
            case CellType::text:
                for (const auto& [code, word] : columns[column].words)
                    if (code == text) return write_text(column, word);
                return write_text(column, text);
            case CellType::number:
            case CellType::integer:
                if (auto value = number_of(text)) {
                    lxw_format* format = columns[column].type == CellType::integer ? integer : nullptr;
                    check(library().worksheet_write_number(sheet, next_row, column, *value, format), "число");
                    return;
                }
                return write_text(column, text);
            case CellType::date:
                if (auto day = model::Date::parse_iso(text)) {
                    lxw_datetime when{day->year, day->month, day->day, 0, 0, 0};
                    check(library().worksheet_write_datetime(sheet, next_row, column, &when, date), "дата");
                    return;
                }
                return write_text(column, text);
            case CellType::boolean:
                if (text == "true" || text == "false") {
                    check(library().worksheet_write_boolean(sheet, next_row, column, text == "true", nullptr), "да/нет");
                    return;
                }
                return write_text(column, text);
        }
    }
};

XlsxTable::XlsxTable(std::filesystem::path scratch, const std::string& sheet_name, std::vector<XlsxColumn> columns,
                     model::Date created)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.scratch = std::move(scratch);
    s.scratch_text = s.scratch.string();
    s.folder_text = s.scratch.parent_path().string();
    s.sheet_name = sheet_name;
    s.columns = std::move(columns);
    // constant_memory: each row goes to a temporary file as soon as the next
    // one starts, so a table of 100 000 rows never sits in memory; its
    // strings are written inline, without a shared-strings table.
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = s.folder_text.empty() ? nullptr : s.folder_text.data();
    s.workbook = library().workbook_new_opt(s.scratch_text.c_str(), &options);
    if (!s.workbook) throw std::runtime_error("XLSX: не удалось начать книгу «" + s.scratch_text + "»");
    lxw_doc_properties properties{};
    properties.created = midnight_utc(created);
    s.check(library().workbook_set_properties(s.workbook, &properties), "свойства книги");
    s.sheet = library().workbook_add_worksheet(s.workbook, s.sheet_name.c_str());
    if (!s.sheet) throw std::runtime_error("XLSX: не удалось добавить лист «" + s.sheet_name + "»");

    s.header = library().workbook_add_format(s.workbook);
    library().format_set_bold(s.header);
    library().format_set_text_wrap(s.header);
    library().format_set_align(s.header, LXW_ALIGN_VERTICAL_TOP);
    library().format_set_bg_color(s.header, 0xE8EEF4);
    library().format_set_bottom(s.header, LXW_BORDER_THIN);
    s.date = library().workbook_add_format(s.workbook);
    library().format_set_num_format(s.date, "dd.mm.yyyy");
    s.integer = library().workbook_add_format(s.workbook);
    library().format_set_num_format(s.integer, "0");

    for (lxw_col_t column = 0; column < s.columns.size(); ++column) {
        const auto& spec = s.columns[column];
        s.check(library().worksheet_set_column(s.sheet, column, column, spec.width, nullptr), "ширина столбца");
        s.check(library().worksheet_write_string(s.sheet, 0, column, spec.title.c_str(), s.header), "заголовок");
    }
    // Excel does not fit a row's height to wrapped text it did not lay out
    // itself: the header gets the lines its longest title needs.
    double lines = 1;
    for (const auto& spec : s.columns)
        lines = std::max(lines, std::ceil(static_cast<double>(utf8_length(spec.title)) / std::max(spec.width, 1.0)));
    s.check(library().worksheet_set_row(s.sheet, 0, 15 * std::min(lines, 4.0) + 3, s.header), "высота заголовка");
    library().worksheet_freeze_panes(s.sheet, 1, 0);
    s.next_row = 1;
}

XlsxTable::~XlsxTable() = default;

void XlsxTable::add_row(const std::vector<std::string>& cells) {
    State& s = *state_;
    if (s.next_row >= kMaxRows) return;  // Excel shows no more; the CSV has them all
    std::size_t count = std::min(cells.size(), s.columns.size());
    for (std::size_t column = 0; column < count; ++column) s.write_cell(static_cast<lxw_col_t>(column), cells[column]);
    ++s.next_row;
}

std::string XlsxTable::finish() {
    State& s = *state_;
    if (!s.columns.empty())
        s.check(library().worksheet_autofilter(s.sheet, 0, 0, s.next_row - 1, static_cast<lxw_col_t>(s.columns.size() - 1)),
                "фильтр");
    lxw_workbook* workbook = s.workbook;
    s.workbook = nullptr;
    s.check(library().workbook_close(workbook), "книга");
    std::ifstream in(s.scratch, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) throw std::runtime_error("XLSX: не удалось прочитать «" + s.scratch_text + "»");
    in.close();
    std::error_code ignored;
    std::filesystem::remove(s.scratch, ignored);
    return bytes;
}

}  // namespace shnor::render
