#include "view/json_data.hpp"

namespace shnor::view {

Data data_of_json(const nlohmann::json& value) {
    if (value.is_object()) {
        Data object;
        for (const auto& [key, item] : value.items()) object.set(key, data_of_json(item));
        return object;
    }
    if (value.is_array()) {
        List list;
        for (const auto& item : value) list.push_back(data_of_json(item));
        return list;
    }
    if (value.is_boolean()) return Data(value.get<bool>());
    if (value.is_null()) return Data(false);
    if (value.is_string()) return Data(value.get<std::string>());
    return Data(value.dump());
}

}  // namespace shnor::view
