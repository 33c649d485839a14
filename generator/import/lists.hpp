// `shnor import indicators|results|schools`: the tables of a programme's
// indicators, a school's assessment results and a list of schools as
// content YAML, with what could not be placed listed.
#pragma once

#include "import/table.hpp"

#include <string>
#include <vector>

namespace shnor::import {

struct ImportedFile {
    std::string path;  // relative to the content folder
    std::string text;
};

struct Imported {
    std::vector<ImportedFile> files;
    int rows = 0;                       // rows placed
    std::vector<std::string> unplaced;  // Russian sentences, one a row or cell
};

// indicators.yaml: title, unit; «Базовое значение» the baseline, «Целевое»
// (or the last year column) the target, «Факт» columns the values; planned
// values of the years between are listed, not published as actual ones.
// A value column with no year in its header is the target of `target_year`
// (0: such values are listed, not placed). `better` is left to fill: only
// the webmaster knows which way is better.
Imported import_indicators(const std::vector<Table>& tables, int target_year);

// schools/<school>/results.yaml: one row an exam, subject, grade and year.
Imported import_results(const std::vector<Table>& tables, const std::string& school);

// The category every imported school is given (the table's «Категория»
// column, when it has one, decides per row).
struct SchoolListOptions {
    std::string type = "shnor";  // shnor | shnsu | risk
    int year = 0;
    std::string basis;  // the order the list is from; a placeholder when empty
};
// schools/<slug>/school.yaml for each row of a list of schools.
Imported import_schools(const std::vector<Table>& tables, const SchoolListOptions& options);

}  // namespace shnor::import
