// JSON (fetched `data` sources) as Mustache data for layouts.
#pragma once

#include "view/view.hpp"

#include <nlohmann/json.hpp>

namespace shnor::view {

// Deeper than any source can be after pipeline/sources.cpp read it (its limit
// is load::kMaxNesting, 100): the conversion recurses, so it refuses deeper
// trees itself rather than trust every caller.
inline constexpr int kMaxDataNesting = 128;

// Throws std::runtime_error (Russian) when `value` nests lists and objects
// deeper than kMaxDataNesting.
Data data_of_json(const nlohmann::json& value);

}  // namespace shnor::view
