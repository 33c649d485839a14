// derive: dates, statuses and aggregates computed from the loaded model.
#pragma once

#include "model/date.hpp"
#include "model/model.hpp"

namespace shnor::derive {

struct Progress {
    int total = 0;
    int done = 0;
    int in_progress = 0;
    int planned = 0;
    int overdue = 0;
    int cancelled = 0;
    int ongoing = 0;
    int percent_done() const;  // of items not cancelled, rounded down
};

// Fills RoadmapItem::derived for every roadmap of the district and schools.
void derive_site(model::Site& site, const model::Date& build_date);

Progress progress_of(const model::Roadmap& roadmap);
Progress progress_of(const std::vector<model::Roadmap>& roadmaps);

}  // namespace shnor::derive
