// check: a report for webmasters on what the content lacks, without writing
// a site: content errors, deadlines the generator could not read, items past
// due without a report, roadmaps with nothing done, and what each school's
// section lacks of what the orders require (check/compliance.hpp).
#pragma once

#include "check/compliance.hpp"
#include "model/date.hpp"
#include "model/diagnostics.hpp"
#include "pipeline/sources.hpp"

#include <filesystem>

namespace shnor::check {

// Every finding in the order printed: content and source problems, the
// roadmaps' findings, then the compliance findings.
struct CheckReport {
    std::vector<Finding> findings;
    std::size_t errors() const;
    std::size_t warnings() const { return findings.size() - errors(); }
};

// Content errors stay errors; everything else the check finds is a warning.
CheckReport check_report(const std::filesystem::path& content_dir, const model::Date& build_date,
                         const pipeline::SourceOptions& sources = {});
// The same findings as plain diagnostics.
model::Diagnostics check_site(const std::filesystem::path& content_dir, const model::Date& build_date,
                              const pipeline::SourceOptions& sources = {});

// {"errors": n, "warnings": n, "findings": [{"severity", "file", "line",
// "school", "code", "message"}]}, for CI.
std::string report_json(const CheckReport& report);

}  // namespace shnor::check
