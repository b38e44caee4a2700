#pragma once
// `pipec import` of GitLab: the template sources (hidden jobs, `extends` parents, anchors merged
// with `<<`) read as hidden jobs alongside the real ones, then taken out of the IR into
// ImportTemplates (templates.h).
#include <map>
#include <string>
#include <vector>

#include "compiler/import/gitlab_config.h"
#include "compiler/import/gitlab_job.h"
#include "compiler/import/templates.h"

namespace pipec::import {

// Appends one hidden GlJob per template source to `jobs` (the caller builds their IR with the
// real jobs) and fills `out` except the IR. Returns the IR job name of each source -> its index
// in out.templates.
std::map<std::string, size_t> CollectTemplateSources(const GlConfig& cfg, const SourceManager& sm,
                                                     std::vector<GlJob>& jobs,
                                                     ImportTemplates& out);

// Moves the IR of the sources out of `p` into `out`.
void TakeTemplateJobs(ir::Pipeline& p, const std::map<std::string, size_t>& sources,
                      ImportTemplates& out);

}  // namespace pipec::import
