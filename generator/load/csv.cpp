#include "load/csv.hpp"

#include <algorithm>
#include <array>

namespace shnor::load {

namespace {

// The separator that occurs most often in the header outside quotes.
char detect_separator(std::string_view text) {
    std::array<char, 3> candidates = {',', ';', '\t'};
    std::array<int, 3> counts = {0, 0, 0};
    bool quoted = false;
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if (!quoted && (c == '\n' || c == '\r')) break;
        for (std::size_t i = 0; i < candidates.size(); ++i)
            if (!quoted && c == candidates[i]) ++counts[i];
    }
    auto best = std::max_element(counts.begin(), counts.end());
    return *best == 0 ? ',' : candidates[static_cast<std::size_t>(best - counts.begin())];
}

bool is_blank(const CsvRecord& record) {
    return std::all_of(record.cells.begin(), record.cells.end(),
                       [](const std::string& cell) { return cell.find_first_not_of(" \t") == std::string::npos; });
}

class CsvParser {
public:
    CsvParser(std::string_view text, CsvTable& table) : text_(text), table_(table) {}

    void run() {
        while (position_ < text_.size()) read_record();
    }

private:
    void read_record() {
        CsvRecord record;
        record.line = line_;
        std::string cell;
        bool cell_was_quoted = false;
        while (position_ < text_.size()) {
            char c = text_[position_];
            if (c == '"' && cell.empty() && !cell_was_quoted) {
                cell_was_quoted = true;
                if (!read_quoted(cell, record.line)) break;
                continue;
            }
            ++position_;
            if (c == table_.separator) {
                record.cells.push_back(std::move(cell));
                cell.clear();
                cell_was_quoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && position_ < text_.size() && text_[position_] == '\n') ++position_;
                ++line_;
                break;
            } else {
                cell += c;
            }
        }
        record.cells.push_back(std::move(cell));
        if (!is_blank(record)) table_.records.push_back(std::move(record));
    }

    // Reads "...", with "" standing for one quote; line breaks inside count.
    bool read_quoted(std::string& cell, int record_line) {
        ++position_;
        while (position_ < text_.size()) {
            char c = text_[position_++];
            if (c == '"') {
                if (position_ < text_.size() && text_[position_] == '"') {
                    cell += '"';
                    ++position_;
                    continue;
                }
                return true;
            }
            if (c == '\n') ++line_;
            if (c == '\r') {
                if (position_ < text_.size() && text_[position_] == '\n') ++position_;
                ++line_;
                c = '\n';
            }
            cell += c;
        }
        if (table_.error.empty()) {
            table_.error = "кавычка, открытая в этой строке, не закрыта до конца файла";
            table_.error_line = record_line;
        }
        return false;
    }

    std::string_view text_;
    CsvTable& table_;
    std::size_t position_ = 0;
    int line_ = 1;
};

}  // namespace

CsvTable parse_csv(std::string_view text) {
    CsvTable table;
    table.separator = detect_separator(text);
    CsvParser(text, table).run();
    return table;
}

}  // namespace shnor::load
