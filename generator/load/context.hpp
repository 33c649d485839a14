// Shared state of one load: where content lives, where problems go, and the
// references to check once everything is read.
#pragma once

#include "model/diagnostics.hpp"
#include "model/model.hpp"

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace shnor::load {

enum class RefKind {
    indicator,     // programme `indicators`
    program,       // roadmap `program`
    evidence,      // roadmap item `evidence`: URL, news:<id> or document id
    school,        // item/news `schools`, mentor slug
    roadmap_item,  // news `roadmap_item`: <roadmap id>#<n>
    document,      // based_on, risk_profile/self_diagnosis `document`
    page,          // document `page`
    scope,         // district results `scope`: region | district | <school slug>
};

// A reference noted while reading, resolved by check_references() at the end,
// when every id of the site is known.
struct Reference {
    RefKind kind;
    std::string value;
    std::string file;
    int line = 0;
    std::string field;
    std::string owner;  // school slug whose content holds it; empty for the district
};

// One school folder read on its own: its model, its problems and the
// references it makes (checked later against the whole site).
struct SchoolLoad {
    model::School school;
    model::Diagnostics diagnostics;
    std::vector<Reference> references;
};

// Where a build gets each school from: load_school(), or a cache of earlier
// loads. Called from several threads at once.
using SchoolLoader = std::function<SchoolLoad(const std::string& slug)>;

struct LoadContext {
    std::filesystem::path content_dir;
    model::Diagnostics& diagnostics;
    std::vector<Reference> references;
    SchoolLoader school_loader;  // empty: load_school()
    std::set<std::string> refused_links;  // symbolic links already reported
};

// One file being read: its path relative to the content root, and how many
// lines precede its YAML (front matter starts after the `---` line).
class SourceFile {
public:
    SourceFile(LoadContext& context, std::string relative_path, int line_offset = 0, std::string owner = {});

    const std::string& path() const { return path_; }
    const std::string& owner() const { return owner_; }
    LoadContext& context() { return context_; }

    // 1-based line in the file; 0 when the node carries no position.
    int line_of(const YAML::Node& node) const;
    int line_of_yaml_line(int zero_based) const { return zero_based + 1 + line_offset_; }
    model::SourcePos pos_of(const YAML::Node& node) const { return {path_, line_of(node)}; }

    void error(int line, const std::string& field, std::string message);
    void warning(int line, const std::string& field, std::string message);
    // The same at a 1-based column (in characters) of the line.
    void error_at(int line, int column, const std::string& field, std::string message);
    void warning_at(int line, int column, const std::string& field, std::string message);
    void refer(RefKind kind, std::string value, int line, std::string field);

private:
    LoadContext& context_;
    std::string path_;
    int line_offset_ = 0;
    std::string owner_;
};

}  // namespace shnor::load
