// What pages outside a school's own section read of it. They decide how much
// an incremental build re-renders when a school's files change:
// - the peer part is what *other schools'* pages read of it (view/site_index.hpp:
//   names, news and roadmap items that references resolve to, and results,
//   which make the district line of every results page);
// - the external part is what anything outside its section reads (district
//   pages, open data, feeds, other schools): everything but its index.md text,
//   of which it keeps the words that could be abbreviations (the glossary page).
// - the district part is what district pages, feeds and the open data other
//   than the school's own rows read of it: the external part but for its
//   roadmaps, of which only what the peer part has (ids, item numbers and
//   titles). The rest of its roadmaps shows only in its own section, its row
//   of the schools list (a fragment) and its elements of data/schools.* and
//   data/roadmaps.* (spans the build record keeps).
// A change inside the district part re-renders the district's pages; a
// change outside it re-renders only the school's own section, with the other
// schools known by their peer parts, and patches its row and open-data spans
// when it lies inside the external part.
#pragma once

#include "cache/fingerprint.hpp"
#include "model/model.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shnor::pipeline {

model::School peer_part(const model::School& school);
model::School external_part(const model::School& school);
model::School district_part(const model::School& school);
// What a whole build keeps of a school while its others are rendered (it is
// loaded again in full, a batch at a time, for its own section and its open-data
// rows): its district part, with of its roadmaps what derive/ reads and what
// the district's pages count and date (the schools list's progress, the
// sitemap's report dates): item numbers, titles, dates, statuses, report
// dates and whether each has a report. derive_site() gives its items the
// derived fields the full school's have.
model::School light_part(const model::School& school);
// What a light part no longer needs once pass 1 has checked and derived the
// site (ARCHITECTURE.md, "Streaming"): where each value was written (only
// the load's checks print it; view/ and derive/ never read it) and its
// items' printed deadlines (derive/ has read them). The peer part stays the same.
void shed_after_derive(model::School& light);
// Its results rows, once the site's index has made the district lines and
// every school's groups of them and its peer part is written (the peer part
// has them): data/results.* are written from the full schools in pass 2,
// the schools list asks the index whether it has rows, and the words of its
// exams and subjects stay for the glossary page, as shed_after_derive() keeps
// those of its documents. The peer part is then no longer the full school's.
void shed_results(model::School& light);

cache::Hash128 peer_hash(const model::School& school);
cache::Hash128 external_hash(const model::School& school);
cache::Hash128 district_hash(const model::School& school);

// The peer parts of a build's schools, kept beside its record and tied to it
// by the record's global hash. Writing is atomic; failures are ignored (the
// next build is then not a section-only one).
void write_peer_parts(const std::filesystem::path& path, const cache::Hash128& global,
                      const std::vector<model::School>& schools);
// In the order written; nullopt when missing, corrupt, or written for another global hash.
std::optional<std::vector<model::School>> read_peer_parts(const std::filesystem::path& path,
                                                         const cache::Hash128& global);
// The same read started beside other work (a plan that renders a section
// loads its changed schools first: ARCHITECTURE.md, "Partial builds, third
// pass"): read_peer_parts() of the same file and hash takes its result;
// cancel_peer_parts() stops it and drops what it read.
void start_peer_parts(const std::filesystem::path& path, const cache::Hash128& global);
void cancel_peer_parts();

}  // namespace shnor::pipeline
