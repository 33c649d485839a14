// A `district` source: the open data (data/site.json) of the district's own
// build, read into the district part of a school's site.
#pragma once

#include "model/diagnostics.hpp"
#include "model/model.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace shnor::load {

// Fills what the school's own content leaves empty: the district's facts and
// coordinator, its programmes, the items of its roadmaps that concern
// `school_slug` (all of them when it is empty), its news and documents.
// Problems are reported against `label` (the source's URL). Returns the
// district site's base_url ("" when unknown).
std::string merge_district_data(model::Site& site, const nlohmann::json& district, const std::string& school_slug,
                                const std::string& label, model::Diagnostics& diagnostics);

}  // namespace shnor::load
