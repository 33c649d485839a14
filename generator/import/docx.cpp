// A .docx is a ZIP (libzip) holding word/document.xml (pugixml).
#include "import/table.hpp"
#include "import/zip_archive.hpp"

#include <pugixml.hpp>

#include <memory>

namespace shnor::import {

namespace {

constexpr std::size_t kMaxDocumentBytes = 64u << 20;  // word/document.xml of a long order is a few MB

// A run's text: w:t as written, w:tab a tab, w:br and w:cr a line break.
void append_run(const pugi::xml_node& run, std::string& text) {
    for (const auto& part : run.children()) {
        std::string_view name = part.name();
        if (name == "w:t") text += part.child_value();
        else if (name == "w:tab") text += '\t';
        else if (name == "w:br" || name == "w:cr") text += '\n';
    }
}

void append_paragraph(const pugi::xml_node& paragraph, std::string& text) {
    for (const auto& node : paragraph.children()) {
        std::string_view name = node.name();
        if (name == "w:r") append_run(node, text);
        else if (name == "w:hyperlink" || name == "w:ins" || name == "w:smartTag" || name == "w:sdt")
            for (const auto& run : node.select_nodes(".//w:r")) append_run(run.node(), text);
    }
}

Cell cell_of(const pugi::xml_node& tc) {
    Cell cell;
    std::string text;
    for (const auto& paragraph : tc.children("w:p")) {
        if (!text.empty()) text += '\n';
        append_paragraph(paragraph, text);
    }
    cell.text = trimmed_cell(std::move(text));
    const pugi::xml_node properties = tc.child("w:tcPr");
    if (auto span = properties.child("w:gridSpan")) cell.span = std::max(1, span.attribute("w:val").as_int(1));
    if (auto merge = properties.child("w:vMerge")) {
        std::string value = merge.attribute("w:val").value();
        cell.merged_above = value.empty() || value == "continue";
    }
    return cell;
}

// A cell merged down takes the text of the cell above it at the same grid column.
void fill_merged(Table& table) {
    for (std::size_t r = 1; r < table.rows.size(); ++r) {
        int column = 0;
        for (auto& cell : table.rows[r]) {
            if (cell.merged_above) {
                int above_column = 0;
                for (const auto& above : table.rows[r - 1]) {
                    if (above_column == column) {
                        cell.text = above.text;
                        break;
                    }
                    above_column += above.span;
                }
            }
            column += cell.span;
        }
    }
}

}  // namespace

std::vector<Table> tables_of_document_xml(const std::string& xml) {
    pugi::xml_document document;
    if (!document.load_buffer(xml.data(), xml.size()))
        throw ImportError("word/document.xml не читается как XML: документ повреждён");
    std::vector<Table> tables;
    pugi::xml_node body = document.child("w:document").child("w:body");
    for (const auto& tbl : body.children("w:tbl")) {
        Table& table = tables.emplace_back();
        for (const auto& tr : tbl.children("w:tr")) {
            auto& row = table.rows.emplace_back();
            for (const auto& tc : tr.children("w:tc")) row.push_back(cell_of(tc));
        }
        fill_merged(table);
    }
    return tables;
}

std::vector<Table> read_docx_tables(const std::filesystem::path& file) {
    auto xml = read_zip_member(file, "word/document.xml", kMaxDocumentBytes);
    if (!xml) throw ImportError("в «" + file.string() + "» нет word/document.xml: это не документ Word (.docx)");
    return tables_of_document_xml(*xml);
}

}  // namespace shnor::import
