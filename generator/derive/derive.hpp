// derive: dates, statuses and aggregates computed from the loaded model.
#pragma once

#include "model/date.hpp"
#include "model/model.hpp"

#include <cstddef>
#include <optional>
#include <vector>

namespace shnor::derive {

// Counts of items by shown status. An item with parts counts as its parts.
struct Progress {
    int total = 0;
    int done = 0;
    int in_progress = 0;
    int planned = 0;
    int overdue = 0;
    int cancelled = 0;
    int ongoing = 0;
    int reported = 0;  // not cancelled, with a report (RoadmapItem::has_report)
    int percent_done() const;  // of items not cancelled, rounded down
    int counted() const { return total - cancelled; }
    Progress& operator+=(const Progress& other);
};

// Fills Roadmap::derived and RoadmapItem::derived (parts included) for every
// roadmap of the district and schools.
void derive_site(model::Site& site, const model::Date& build_date);
// The same for the schools [first, last) of a site whose other schools and
// district are derived already (a streaming build derives a batch at a
// time): their roadmaps, then the news reporting on their items.
void derive_schools(model::Site& site, const model::Date& build_date, std::size_t first, std::size_t last);

// Adds one item: itself, or each of its parts.
void add_item(Progress& progress, const model::RoadmapItem& item);
// One roadmap, finished or not: its own page and open data.
Progress progress_of(const model::Roadmap& roadmap);
// The roadmaps not finished: the current progress of the home page, the
// schools list and a school's first screen.
Progress current_progress_of(const std::vector<model::Roadmap>& roadmaps);

// The last day, up to `build_date`, on which the passing of time changed
// what a derived roadmap shows: an open item fell overdue (the day after its
// due date) or the plan finished (the day after its period). Nothing shown
// changes from then to the build date, so a page of it is true «на» that day
// as much as on the build date; a rebuild on a later day with no such
// change gives the same bytes. nullopt: no status has changed with time.
std::optional<model::Date> last_status_change(const model::Roadmap& roadmap, const model::Date& build_date);
// The same for one item of `roadmap` (its parts included), and the plan's
// finishing, which takes it out of current progress.
std::optional<model::Date> last_status_change(const model::RoadmapItem& item, const model::Roadmap& roadmap,
                                              const model::Date& build_date);
// A school's own roadmaps and the district's measures for it (`district`):
// what its section and its row of the schools list show.
std::optional<model::Date> last_status_change(const model::School& school, const std::vector<model::Roadmap>& district,
                                              const model::Date& build_date);

}  // namespace shnor::derive
