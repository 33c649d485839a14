#include "load/bounds.hpp"

#include <stdexcept>

namespace shnor::load {

namespace {

// Room for anchors reused in a small file (a list of responsible persons
// given once and named ten times) on top of the size-proportional share.
constexpr std::size_t kNodeAllowance = 100'000;

std::string too_deep_text() {
    return "вложенность списков и словарей больше " + std::to_string(kMaxNesting) + " уровней";
}

class YamlWalk {
public:
    explicit YamlWalk(std::size_t budget) : budget_(budget) {}

    // Recursion is safe: it never goes deeper than kMaxNesting + 1.
    bool visit(const YAML::Node& node, int depth) {
        if (++nodes_ > budget_) {
            problem_ = {line_of(node),
                        "слишком много элементов: с раскрытыми ссылками (*имя) больше " + std::to_string(budget_) +
                            " — похоже на «бомбу» из ссылок YAML; уберите ссылки или перепишите данные без них"};
            return false;
        }
        if (!node.IsSequence() && !node.IsMap()) return true;
        if (depth >= kMaxNesting) {
            problem_ = {line_of(node), too_deep_text()};
            return false;
        }
        if (node.IsSequence()) {
            for (const auto& item : node)
                if (!visit(item, depth + 1)) return false;
            return true;
        }
        for (const auto& entry : node)
            if (!visit(entry.first, depth + 1) || !visit(entry.second, depth + 1)) return false;
        return true;
    }

    const TreeProblem& problem() const { return problem_; }

private:
    static int line_of(const YAML::Node& node) {
        auto mark = node.Mark();
        return mark.is_null() ? -1 : mark.line;
    }

    std::size_t budget_;
    std::size_t nodes_ = 0;
    TreeProblem problem_;
};

}  // namespace

std::size_t yaml_node_budget(std::size_t text_bytes) { return kNodeAllowance + text_bytes; }

std::optional<TreeProblem> yaml_tree_problem(const YAML::Node& root, std::size_t text_bytes) {
    YamlWalk walk(yaml_node_budget(text_bytes));
    if (walk.visit(root, 0)) return std::nullopt;
    return walk.problem();
}

nlohmann::json parse_json_bounded(std::string_view text) {
    // nlohmann parses without recursion; the callback sees each container
    // start with its depth, so the tree never gets deeper than the limit.
    auto guard = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
        bool opens = event == nlohmann::json::parse_event_t::object_start ||
                     event == nlohmann::json::parse_event_t::array_start;
        if (opens && depth >= kMaxNesting) throw std::runtime_error(too_deep_text());
        return true;
    };
    return nlohmann::json::parse(text, guard);
}

}  // namespace shnor::load
