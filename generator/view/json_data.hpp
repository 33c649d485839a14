// JSON (fetched `data` sources) as Mustache data for layouts.
#pragma once

#include "view/view.hpp"

#include <nlohmann/json.hpp>

namespace shnor::view {

Data data_of_json(const nlohmann::json& value);

}  // namespace shnor::view
