// A roadmap table («дорожная карта») as roadmaps/<id>.yaml: the header row
// found by the usual Russian column names, each row an item with its text
// kept exactly as printed, rows spanning the table as sections.
#pragma once

#include "import/table.hpp"

#include <string>
#include <vector>

namespace shnor::import {

struct ImportedRoadmap {
    std::string yaml;                   // the content file, with placeholders for what the table lacks
    int sections = 0, items = 0;
    std::vector<std::string> unplaced;  // «строка 7: …», rows it could not place, as Russian sentences
};

// The columns of a roadmap table, found by their header.
struct RoadmapColumns {
    int number = -1, title = -1, when = -1, responsible = -1, result = -1;
    // A title column and one more: a lone «План мероприятий» above the
    // table is a caption, not its header.
    bool found() const { return title >= 0 && (number >= 0 || when >= 0 || responsible >= 0 || result >= 0); }
};
// The header row's columns (grid positions); found() false when none has a title column.
RoadmapColumns roadmap_columns(const std::vector<Cell>& header);

// The first table of `tables` with a roadmap header; throws ImportError
// when there is none.
ImportedRoadmap import_roadmap(const std::vector<Table>& tables);

}  // namespace shnor::import
