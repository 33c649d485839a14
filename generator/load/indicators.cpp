#include "load/content_access.hpp"
#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"

#include <set>

namespace shnor::load {

namespace {

constexpr double kMaxIndicatorValue = 1e12;

std::optional<model::IndicatorPoint> read_point(SourceFile& file, const YAML::Node& node, const std::string& path) {
    Fields fields(file, node, path);
    auto year = fields.year("year", Need::required);
    // Far below where a chart's arithmetic would overflow to inf.
    auto value = fields.number_in("value", -kMaxIndicatorValue, kMaxIndicatorValue, Need::required);
    model::IndicatorPoint point;
    point.note = fields.text("note");
    point.example = fields.flag("example");
    if (!year || !value) return std::nullopt;
    point.year = *year;
    point.value = *value;
    return point;
}

std::optional<model::IndicatorPoint> read_point_field(Fields& fields, std::string_view key) {
    YAML::Node node = fields.take(key);
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    return read_point(fields.file(), node, fields.path_of(key));
}

model::Indicator read_indicator(SourceFile& file, const YAML::Node& node, const std::string& path) {
    Fields fields(file, node, path);
    model::Indicator indicator;
    indicator.pos = file.pos_of(node);
    indicator.id = fields.slug("id", Need::required);
    indicator.title = fields.text("title", Need::required);
    indicator.unit = fields.text("unit");
    indicator.better = fields.choice("better", {"higher", "lower"}, "higher");
    indicator.baseline = read_point_field(fields, "baseline");
    indicator.target = read_point_field(fields, "target");
    auto values = fields.list("values");
    for (std::size_t i = 0; i < values.size(); ++i)
        if (auto point = read_point(file, values[i], fields.item_path("values", i))) indicator.values.push_back(*point);
    return indicator;
}

}  // namespace

std::vector<model::Indicator> read_indicators(LoadContext& context) {
    std::vector<model::Indicator> indicators;
    if (!content_path_exists(context, "indicators.yaml")) return indicators;
    SourceFile file(context, "indicators.yaml");
    auto root = read_yaml_file(file);
    if (!root || root->IsNull()) return indicators;
    if (!root->IsSequence()) {
        file.error(file.line_of(*root), "", "ожидается список показателей, каждый начинается с «- id: ...»");
        return indicators;
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < root->size(); ++i) {
        model::Indicator indicator = read_indicator(file, (*root)[i], item_path("", i));
        if (!indicator.id.empty() && !ids.insert(indicator.id).second)
            file.error(indicator.pos.line, item_path("", i) + ".id",
                       "показатель с идентификатором " + in_quotes(indicator.id) + " уже описан выше");
        indicators.push_back(std::move(indicator));
    }
    return indicators;
}

}  // namespace shnor::load
