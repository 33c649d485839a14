#include "render/xlsx.hpp"

#include <xlsxwriter.h>
#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <zlib.h>

#ifndef _WIN32
#include <dlfcn.h>
#endif

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
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
    decltype(&::lxw_format_get_xf_index) lxw_format_get_xf_index;
    decltype(&::lxw_datetime_to_excel_datetime) lxw_datetime_to_excel_datetime;
};

#ifdef _WIN32
// shnor.exe links libxlsxwriter statically (docs/windows.md).
const Library& library() {
    static const Library linked{
        .workbook_new_opt = &::workbook_new_opt,
        .workbook_set_properties = &::workbook_set_properties,
        .workbook_add_worksheet = &::workbook_add_worksheet,
        .workbook_add_format = &::workbook_add_format,
        .format_set_bold = &::format_set_bold,
        .format_set_text_wrap = &::format_set_text_wrap,
        .format_set_align = &::format_set_align,
        .format_set_bg_color = &::format_set_bg_color,
        .format_set_bottom = &::format_set_bottom,
        .format_set_num_format = &::format_set_num_format,
        .worksheet_set_column = &::worksheet_set_column,
        .worksheet_write_string = &::worksheet_write_string,
        .worksheet_set_row = &::worksheet_set_row,
        .worksheet_freeze_panes = &::worksheet_freeze_panes,
        .worksheet_write_number = &::worksheet_write_number,
        .worksheet_write_datetime = &::worksheet_write_datetime,
        .worksheet_write_boolean = &::worksheet_write_boolean,
        .worksheet_autofilter = &::worksheet_autofilter,
        .workbook_close = &::workbook_close,
        .lxw_strerror = &::lxw_strerror,
        .lxw_format_get_xf_index = &::lxw_format_get_xf_index,
        .lxw_datetime_to_excel_datetime = &::lxw_datetime_to_excel_datetime,
    };
    return linked;
}
#else
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
        bind("lxw_format_get_xf_index", functions.lxw_format_get_xf_index);
        bind("lxw_datetime_to_excel_datetime", functions.lxw_datetime_to_excel_datetime);
        return functions;
    }();
    return loaded;
}
#endif

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
#ifdef _WIN32
    return ::_mkgmtime(&time);
#else
    return timegm(&time);
#endif
}

// A column's letters: 0 → A, 25 → Z, 26 → AA.
void append_column_name(std::string& out, std::uint32_t column) {
    char letters[4];
    int count = 0;
    for (std::uint32_t left = column + 1; left > 0; left = (left - 1) / 26) letters[count++] = static_cast<char>('A' + (left - 1) % 26);
    while (count > 0) out += letters[--count];
}

// A number as libxlsxwriter prints it ("%.16G"), so cells read the same.
void append_number(std::string& out, double value) {
    char text[64];
    int length = std::snprintf(text, sizeof text, "%.16G", value);
    out.append(text, static_cast<std::size_t>(std::max(length, 0)));
}

// Text as libxlsxwriter escapes an inline string: control characters (but
// tab and line feed) as _xHHHH_, then & < > as entities.
void append_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 && c != '\t' && c != '\n') {
            char code[8];
            std::snprintf(code, sizeof code, "_x%04X_", byte);
            out += code;
        } else if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else {
            out += c;
        }
    }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Raw deflate (no header) of `bytes` with a compressor of its own: a sync
// flush leaves the stream byte-aligned and open, so such pieces concatenate
// into one stream, which a last piece with `finish` ends.
std::string deflated(std::string_view bytes, bool finish) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("XLSX: zlib не запускается");
    std::string out(deflateBound(&stream, bytes.size()) + 16, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int result = deflate(&stream, finish ? Z_FINISH : Z_SYNC_FLUSH);
    bool done = finish ? result == Z_STREAM_END : result == Z_OK && stream.avail_in == 0;
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (!done) throw std::runtime_error("XLSX: zlib не сжал лист");
    return out;
}

std::uint32_t crc_of(std::string_view bytes) {
    return static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

struct XlsxTable::State {
    std::filesystem::path scratch;
    std::string scratch_text, folder_text, sheet_name;
    std::vector<XlsxColumn> columns;
    lxw_workbook* workbook = nullptr;
    lxw_worksheet* sheet = nullptr;
    lxw_format *header = nullptr, *date = nullptr, *integer = nullptr;
    int date_style = 0, integer_style = 0;
    lxw_row_t next_row = 0;
    lxw_row_t last_row = 0;  // 1 + the last row with a cell
    std::string xml;         // rows since the last chunk
    std::string escaped;     // a text cell's, reused
    lxw_row_t chunk_start = 1;
    std::vector<XlsxChunk> chunks;
    std::FILE* deflated = nullptr;  // the chunks' bytes, in order
    std::filesystem::path deflated_path;

    ~State() {
        if (workbook) library().workbook_close(workbook);
        if (deflated) std::fclose(deflated);
        std::error_code ignored;
        if (!deflated_path.empty()) std::filesystem::remove(deflated_path, ignored);
        if (scratch.empty()) return;
        std::filesystem::remove(scratch, ignored);
        std::filesystem::remove(skeleton_path(), ignored);
    }

#ifdef _WIN32
    std::filesystem::path skeleton_path() const {
        std::filesystem::path path = scratch;  // not from string(): a narrow string garbles Cyrillic on Windows
        return path += ".skeleton";
    }
#else
    std::filesystem::path skeleton_path() const { return scratch.string() + ".skeleton"; }
#endif

    void check(lxw_error error, const char* what) const {
        if (error != LXW_NO_ERROR) throw failure(what, error);
    }

    void begin_cell(lxw_col_t column, int style, const char* type) {
        xml += "<c r=\"";
        append_column_name(xml, column);
        xml += std::to_string(next_row + 1);
        xml += '"';
        if (style) {
            xml += " s=\"";
            xml += std::to_string(style);
            xml += '"';
        }
        if (type) {
            xml += " t=\"";
            xml += type;
            xml += '"';
        }
        xml += '>';
    }

    void write_text(lxw_col_t column, std::string_view text) {
        std::string_view cell = first_characters(without_formula_guard(text), kMaxCellCharacters);
        cell = cell.substr(0, cell.find('\0'));  // libxlsxwriter took C strings
        if (cell.empty()) return;
        escaped.clear();
        append_escaped(escaped, cell);
        begin_cell(column, 0, "inlineStr");
        // libxlsxwriter keeps leading or trailing white space
        xml += is_space(escaped.front()) || is_space(escaped.back()) ? "<is><t xml:space=\"preserve\">" : "<is><t>";
        xml += escaped;
        xml += "</t></is></c>";
    }

    void write_number(lxw_col_t column, double value, int style) {
        begin_cell(column, style, nullptr);
        xml += "<v>";
        append_number(xml, value);
        xml += "</v></c>";
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
                if (auto value = number_of(text))
                    return write_number(column, *value, columns[column].type == CellType::integer ? integer_style : 0);
                return write_text(column, text);
            case CellType::date:
                if (auto day = model::Date::parse_iso(text)) {
                    lxw_datetime when{day->year, day->month, day->day, 0, 0, 0};
                    return write_number(column, library().lxw_datetime_to_excel_datetime(&when), date_style);
                }
                return write_text(column, text);
            case CellType::boolean:
                if (text == "true" || text == "false") {
                    begin_cell(column, 0, "b");
                    xml += text == "true" ? "<v>1</v></c>" : "<v>0</v></c>";
                    return;
                }
                return write_text(column, text);
        }
    }

    void add_chunk(XlsxChunk chunk, std::string_view bytes) {
        if (!deflated) {
#ifdef _WIN32
            deflated_path = scratch;  // not from string(): a narrow string garbles Cyrillic on Windows
            deflated_path += ".rows";
            deflated = ::_wfopen(deflated_path.c_str(), L"w+b");  // the path in UTF-16, as Windows names files
#else
            deflated_path = scratch.string() + ".rows";
            deflated = std::fopen(deflated_path.c_str(), "w+b");
#endif
            if (!deflated) throw std::runtime_error("XLSX: не удалось создать «" + deflated_path.string() + "»");
        }
        if (std::fwrite(bytes.data(), 1, bytes.size(), deflated) != bytes.size())
            throw std::runtime_error("XLSX: не удалось записать «" + deflated_path.string() + "»");
        chunk.length = bytes.size();
        chunks.push_back(chunk);
        chunk_start = next_row;
    }

    // The sheet's XML around its rows, from the workbook libxlsxwriter made
    // with the header alone: the dimension is the whole table's.
    std::pair<std::string, std::string> sheet_around_rows(const std::string& skeleton_xml) const {
        std::size_t rows_end = skeleton_xml.find("</sheetData>");
        if (rows_end == std::string::npos) throw std::runtime_error("XLSX: в листе нет строк");
        std::string before = skeleton_xml.substr(0, rows_end);
        std::size_t dimension = before.find("<dimension ref=\"");
        if (dimension != std::string::npos && !columns.empty()) {
            std::size_t value = dimension + 16, value_end = before.find('"', value);
            std::string ref = "A1";
            lxw_row_t rows = std::max<lxw_row_t>(last_row, 1);
            if (columns.size() > 1 || rows > 1) {
                ref += ':';
                append_column_name(ref, static_cast<std::uint32_t>(columns.size() - 1));
                ref += std::to_string(rows);
            }
            before.replace(value, value_end - value, ref);
        }
        return {before, skeleton_xml.substr(rows_end)};
    }
};

XlsxTable::XlsxTable(std::filesystem::path scratch, const std::string& sheet_name, std::vector<XlsxColumn> columns,
                     model::Date created)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.scratch = std::move(scratch);
    s.scratch_text = s.skeleton_path().string();
    s.folder_text = s.scratch.parent_path().string();
    s.sheet_name = sheet_name;
    s.columns = std::move(columns);
    // libxlsxwriter makes the workbook with the header alone (its other
    // parts, styles, the frozen pane and the filter); the rows are written
    // here as it would write them and deflated in chunks (XlsxChunk).
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
    // Style numbers in a fixed order (libxlsxwriter numbers formats as they
    // are first written; reused chunks are not written again).
    library().lxw_format_get_xf_index(s.header);
    s.integer_style = library().lxw_format_get_xf_index(s.integer);
    s.date_style = library().lxw_format_get_xf_index(s.date);

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
    s.last_row = 1;
}

XlsxTable::~XlsxTable() = default;

void XlsxTable::add_row(const std::vector<std::string>& cells) {
    State& s = *state_;
    if (s.next_row >= kMaxRows) return;  // Excel shows no more; the CSV has them all
    std::size_t count = std::min(cells.size(), s.columns.size());
    std::size_t row_start = s.xml.size();
    s.xml += "<row r=\"";
    s.xml += std::to_string(s.next_row + 1);
    s.xml += "\">";
    std::size_t cells_start = s.xml.size();
    for (std::size_t column = 0; column < count; ++column) s.write_cell(static_cast<lxw_col_t>(column), cells[column]);
    if (s.xml.size() == cells_start) {
        s.xml.resize(row_start);  // a row without cells is not written
    } else {
        s.xml += "</row>";
        s.last_row = s.next_row + 1;
    }
    ++s.next_row;
}

void XlsxTable::end_chunk(std::uint64_t key) {
    State& s = *state_;
    XlsxChunk chunk;
    chunk.key = key;
    chunk.rows = s.next_row - s.chunk_start;
    chunk.last_row = s.last_row > s.chunk_start ? s.last_row : 0;
    chunk.xml_size = s.xml.size();
    chunk.crc = crc_of(s.xml);
    std::string bytes = deflated(s.xml, false);
    s.xml.clear();
    s.add_chunk(chunk, bytes);
}

void XlsxTable::add_deflated_chunk(const XlsxChunk& chunk, std::string_view bytes) {
    State& s = *state_;
    if (!s.xml.empty()) end_chunk(0);
    s.next_row += chunk.rows;
    if (chunk.last_row) s.last_row = chunk.last_row;
    s.add_chunk(chunk, bytes);
}

std::uint32_t XlsxTable::next_row() const { return state_->next_row; }

const std::vector<XlsxChunk>& XlsxTable::chunks() const { return state_->chunks; }

std::string XlsxTable::finish() {
    State& s = *state_;
    if (!s.xml.empty() || s.chunks.empty()) end_chunk(0);
    if (!s.columns.empty())
        s.check(library().worksheet_autofilter(s.sheet, 0, 0, s.next_row - 1, static_cast<lxw_col_t>(s.columns.size() - 1)),
                "фильтр");
    lxw_workbook* workbook = s.workbook;
    s.workbook = nullptr;
    s.check(library().workbook_close(workbook), "книга");
    if (std::fflush(s.deflated) != 0) throw std::runtime_error("XLSX: не удалось записать строки листа");

    const std::string sheet_member = "xl/worksheets/sheet1.xml";
    unzFile in = unzOpen64(s.scratch_text.c_str());
    if (!in) throw std::runtime_error("XLSX: не читается «" + s.scratch_text + "»");
    std::string out_text = s.scratch.string();
    zipFile out = zipOpen64(out_text.c_str(), APPEND_STATUS_CREATE);
    if (!out) {
        unzClose(in);
        throw std::runtime_error("XLSX: не удалось создать «" + out_text + "»");
    }
    auto fail = [&](const std::string& what) {
        zipClose(out, nullptr);
        unzClose(in);
        return std::runtime_error("XLSX: " + what);
    };
    std::string before_rows_deflated;
    for (int at = unzGoToFirstFile(in); at == UNZ_OK; at = unzGoToNextFile(in)) {
        unz_file_info64 info{};
        char name[256];
        if (unzGetCurrentFileInfo64(in, &info, name, sizeof name, nullptr, 0, nullptr, 0) != UNZ_OK) throw fail("заготовка");
        int method = 0, level = 0;
        bool sheet = name == sheet_member;
        if (unzOpenCurrentFile2(in, &method, &level, sheet ? 0 : 1) != UNZ_OK) throw fail("заготовка");
        std::string bytes(sheet ? info.uncompressed_size : info.compressed_size, '\0');
        int read = bytes.empty() ? 0 : unzReadCurrentFile(in, bytes.data(), static_cast<unsigned>(bytes.size()));
        unzCloseCurrentFile(in);
        if (read != static_cast<int>(bytes.size())) throw fail("заготовка");
        zip_fileinfo member{};
        member.dosDate = info.dosDate;
        member.internal_fa = info.internal_fa;
        member.external_fa = info.external_fa;
        if (zipOpenNewFileInZip2(out, name, &member, nullptr, 0, nullptr, 0, nullptr, method, level, 1) != ZIP_OK)
            throw fail("член книги");
        std::uint64_t xml_size = info.uncompressed_size;
        std::uint32_t crc = static_cast<std::uint32_t>(info.crc);
        if (!sheet) {
            if (zipWriteInFileInZip(out, bytes.data(), static_cast<unsigned>(bytes.size())) != ZIP_OK) throw fail("член книги");
        } else {
            auto [before, after] = s.sheet_around_rows(bytes);
            before_rows_deflated = deflated(before, false);
            if (zipWriteInFileInZip(out, before_rows_deflated.data(), static_cast<unsigned>(before_rows_deflated.size())) != ZIP_OK)
                throw fail("лист");
            crc = crc_of(before);
            xml_size = before.size();
            std::rewind(s.deflated);
            std::string piece;
            for (const auto& chunk : s.chunks) {
                piece.resize(chunk.length);
                if (!piece.empty() && std::fread(piece.data(), 1, piece.size(), s.deflated) != piece.size()) throw fail("строки листа");
                if (zipWriteInFileInZip(out, piece.data(), static_cast<unsigned>(piece.size())) != ZIP_OK) throw fail("лист");
                crc = static_cast<std::uint32_t>(crc32_combine(crc, chunk.crc, static_cast<z_off_t>(chunk.xml_size)));
                xml_size += chunk.xml_size;
            }
            std::string end = deflated(after, true);
            if (zipWriteInFileInZip(out, end.data(), static_cast<unsigned>(end.size())) != ZIP_OK) throw fail("лист");
            crc = static_cast<std::uint32_t>(crc32_combine(crc, crc_of(after), static_cast<z_off_t>(after.size())));
            xml_size += after.size();
        }
        if (zipCloseFileInZipRaw64(out, xml_size, crc) != ZIP_OK) throw fail("член книги");
    }
    unzClose(in);
    if (zipClose(out, nullptr) != ZIP_OK) throw std::runtime_error("XLSX: не удалось закрыть «" + out_text + "»");
    std::error_code ignored;
    std::filesystem::remove(s.skeleton_path(), ignored);
    std::fclose(s.deflated);
    s.deflated = nullptr;
    std::filesystem::remove(s.deflated_path, ignored);

    // Where the chunks lie: after the sheet's own header and the XML before the rows.
    unzFile done = unzOpen64(out_text.c_str());
    if (!done || unzLocateFile(done, sheet_member.c_str(), 1) != UNZ_OK || unzOpenCurrentFile2(done, nullptr, nullptr, 1) != UNZ_OK) {
        if (done) unzClose(done);
        throw std::runtime_error("XLSX: не читается «" + out_text + "»");
    }
    std::uint64_t offset = static_cast<std::uint64_t>(unzGetCurrentFileZStreamPos64(done)) + before_rows_deflated.size();
    unzCloseCurrentFile(done);
    unzClose(done);
    for (auto& chunk : s.chunks) {
        chunk.offset = offset;
        offset += chunk.length;
    }

    std::ifstream in_file(s.scratch, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in_file)), std::istreambuf_iterator<char>());
    if (!in_file.good() && !in_file.eof()) throw std::runtime_error("XLSX: не удалось прочитать «" + out_text + "»");
    in_file.close();
    std::filesystem::remove(s.scratch, ignored);
    return bytes;
}

}  // namespace shnor::render
