#include "pipeline/open_data_xlsx.hpp"

#include "load/csv.hpp"

#include <xxhash.h>

#include <cstring>
#include <stdexcept>

namespace shnor::pipeline {

namespace {

// A patched file comes in pieces as big as the file: taken in batches.
constexpr std::size_t kBatch = 1 << 20;

}  // namespace

WorkbookFromCsv::WorkbookFromCsv(const view::Spreadsheet& sheet, const std::filesystem::path& scratch,
                                 model::Date created, const EarlierWorkbook* earlier)
    : table_(scratch, sheet.sheet, sheet.columns, created), earlier_(earlier) {
    // The columns make the cells of a chunk as much as its records do.
    std::string spec = sheet.sheet;
    for (const auto& column : sheet.columns) {
        spec += '\0' + column.title + '\0' + std::to_string(static_cast<int>(column.type));
        for (const auto& [code, word] : column.words) spec += '\0' + code + '\0' + word;
    }
    spec_hash_ = XXH3_64bits(spec.data(), spec.size());
}

WorkbookFromCsv::~WorkbookFromCsv() = default;

void WorkbookFromCsv::append(std::string_view bytes) {
    while (bytes.size() > kBatch) {
        append(bytes.substr(0, kBatch));
        bytes.remove_prefix(kBatch);
    }
    pending_ += bytes;
    // A line break outside quotes ends a record: in RFC 4180 quotes come in
    // pairs around a field, a quote inside one doubled. memchr() finds both
    // (a workbook made again from reused chunks is mostly this scan).
    const char* data = pending_.data();
    const std::size_t size = pending_.size();
    while (scanned_ < size) {
        if (in_quotes_) {
            const void* quote = std::memchr(data + scanned_, '"', size - scanned_);
            if (!quote) {
                scanned_ = size;
                break;
            }
            scanned_ = static_cast<const char*>(quote) - data + 1;
            in_quotes_ = false;
            continue;
        }
        const void* found = std::memchr(data + scanned_, '\n', size - scanned_);
        std::size_t line_end = found ? static_cast<const char*>(found) - data : size;
        if (const void* quote = std::memchr(data + scanned_, '"', line_end - scanned_)) {
            scanned_ = static_cast<const char*>(quote) - data + 1;
            in_quotes_ = true;
            continue;
        }
        scanned_ = line_end;
        if (!found) break;
        ++scanned_;
        if (!header_seen_) {  // the CSV's own header: the workbook has Russian titles
            header_seen_ = true;
            consumed_ = scanned_;
        } else if (++records_ == kChunkRecords) {
            take_chunk(scanned_);
        }
    }
    pending_.erase(0, consumed_);
    scanned_ -= consumed_;
    consumed_ = 0;
}

void WorkbookFromCsv::take_chunk(std::size_t end) {
    std::string_view records(pending_.data() + consumed_, end - consumed_);
    consumed_ = end;
    records_ = 0;
    std::size_t index = chunk_++;
    if (records.empty()) return;
    // Its name: its bytes at its row (a chunk's XML names its rows' numbers).
    std::uint64_t key = XXH3_64bits_withSeed(records.data(), records.size(), spec_hash_ + table_.next_row()) | 1;
    if (earlier_ && index < earlier_->chunks.size()) {
        const render::XlsxChunk& chunk = earlier_->chunks[index];
        if (chunk.key == key && chunk.offset <= earlier_->bytes.size() &&
            chunk.length <= earlier_->bytes.size() - chunk.offset) {
            table_.add_deflated_chunk(chunk, earlier_->bytes.substr(chunk.offset, chunk.length));
            ++reused_;
            return;
        }
    }
    // The Excel separator line fixes the comma: the reader would otherwise
    // guess it from the chunk's first line, which is not the header.
    std::string text = "sep=,\r\n";
    text += records;
    load::CsvTable table = load::parse_csv(text);
    if (!table.error.empty())
        throw std::runtime_error("XLSX: открытые данные CSV не читаются (строка " + std::to_string(table.error_line) +
                                 "): " + table.error);
    for (const auto& record : table.records) table_.add_row(record.cells);
    table_.end_chunk(key);
}

std::string WorkbookFromCsv::finish() {
    if (header_seen_ && consumed_ < pending_.size()) take_chunk(pending_.size());  // a last record without its line break
    return table_.finish();
}

}  // namespace shnor::pipeline
