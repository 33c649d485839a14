#include "pipeline/open_data_xlsx.hpp"

#include "load/csv.hpp"

#include <stdexcept>

namespace shnor::pipeline {

namespace {

// Records are read in batches of about this many bytes.
constexpr std::size_t kBatch = 1 << 20;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

WorkbookFromCsv::WorkbookFromCsv(const view::Spreadsheet& sheet, const std::filesystem::path& scratch,
                                 model::Date created)
    : table_(scratch, sheet.sheet, sheet.columns, created) {}

WorkbookFromCsv::~WorkbookFromCsv() = default;

void WorkbookFromCsv::append(std::string_view bytes) {
    // A patched file comes in pieces as big as the whole file before a span:
    // read in batches, so that no more than about one is held parsed.
    while (bytes.size() > kBatch) {
        append(bytes.substr(0, kBatch));
        bytes.remove_prefix(kBatch);
    }
    pending_ += bytes;
    // A line break outside quotes ends a record: in RFC 4180 quotes come in
    // pairs around a field, a quote inside one doubled.
    for (; scanned_ < pending_.size(); ++scanned_) {
        char c = pending_[scanned_];
        if (c == '"') in_quotes_ = !in_quotes_;
        else if (c == '\n' && !in_quotes_) complete_ = scanned_ + 1;
    }
    if (complete_ >= kBatch) take_records(complete_);
}

void WorkbookFromCsv::take_records(std::size_t end) {
    std::string_view records(pending_.data(), end);
    if (!header_seen_ && records.starts_with(kByteOrderMark)) records.remove_prefix(kByteOrderMark.size());
    // The Excel separator line fixes the comma: the reader would otherwise
    // guess it from the batch's first line, which is a header only once.
    std::string text = "sep=,\r\n";
    text += records;
    load::CsvTable table = load::parse_csv(text);
    if (!table.error.empty())
        throw std::runtime_error("XLSX: открытые данные CSV не читаются (строка " + std::to_string(table.error_line) +
                                 "): " + table.error);
    for (const auto& record : table.records) {
        if (!header_seen_) {
            header_seen_ = true;  // the CSV's own header: the workbook has Russian titles
            continue;
        }
        table_.add_row(record.cells);
    }
    pending_.erase(0, end);
    scanned_ -= end;
    complete_ -= end;
}

std::string WorkbookFromCsv::finish() {
    if (complete_ < pending_.size()) complete_ = pending_.size();  // a last record without its line break
    if (complete_ > 0) take_records(complete_);
    return table_.finish();
}

}  // namespace shnor::pipeline
