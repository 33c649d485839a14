// compliance: what the district's order and Рособрнадзор's order № 1493
// (the structure of an education organisation's official site) expect of
// each school's section, and what an example left in would publish.
#pragma once

#include "model/diagnostics.hpp"
#include "model/model.hpp"

#include <string>
#include <vector>

namespace shnor::check {

// One finding of `shnor check`: a diagnostic with the school it concerns
// (empty for the district) and a stable code for CI.
struct Finding {
    model::Diagnostic diagnostic;
    std::string school;
    std::string code;
};

// Per school: a category with basis and reasons, a roadmap or district
// measures naming it, results, a coordinator or contacts, published
// documents. Site-wide: example data and the example's address left in,
// documents with nothing to download. Each a warning saying what to add.
// `site` must be loaded with the shared results added.
std::vector<Finding> compliance_findings(const model::Site& site);

}  // namespace shnor::check
