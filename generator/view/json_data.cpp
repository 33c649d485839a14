#include "view/json_data.hpp"

#include <stdexcept>
#include <string>

namespace shnor::view {

namespace {

Data data_at_depth(const nlohmann::json& value, int depth) {
    if ((value.is_object() || value.is_array()) && depth >= kMaxDataNesting)
        throw std::runtime_error("данные источника вложены глубже " + std::to_string(kMaxDataNesting) + " уровней");
    if (value.is_object()) {
        Data object;
        for (const auto& [key, item] : value.items()) object.set(key, data_at_depth(item, depth + 1));
        return object;
    }
    if (value.is_array()) {
        List list;
        for (const auto& item : value) list.push_back(data_at_depth(item, depth + 1));
        return list;
    }
    if (value.is_boolean()) return Data(value.get<bool>());
    if (value.is_null()) return Data(false);
    if (value.is_string()) return Data(value.get<std::string>());
    return Data(value.dump());
}

}  // namespace

Data data_of_json(const nlohmann::json& value) { return data_at_depth(value, 0); }

}  // namespace shnor::view
