// check: a report for webmasters on what the content lacks, without writing
// a site: content errors, deadlines the generator could not read, items past
// due without a report, roadmaps with nothing done.
#pragma once

#include "model/date.hpp"
#include "model/diagnostics.hpp"
#include "pipeline/sources.hpp"

#include <filesystem>

namespace shnor::check {

// Content errors stay errors; everything else the check finds is a warning.
model::Diagnostics check_site(const std::filesystem::path& content_dir, const model::Date& build_date,
                              const pipeline::SourceOptions& sources = {});

}  // namespace shnor::check
