#pragma once
// Which triggers an imported job runs under. Rules/only/except/`if:` are kept verbatim (raw
// vendor keys) rather than modelled, so an imported job counts as active under every trigger
// of its pipeline: the checker then never calls it unreachable on a guess.
#include "compiler/ir/ir.h"

namespace pipec::import {

// GitLab has no `on:`: branch pipelines always exist; merge request, schedule, web (manual)
// and tag pipelines are added when workflow:rules or job rules mention them.
void AddGitLabTriggers(ir::Pipeline& p, const std::string& rules_text);

// Sets every job's active_triggers to all of the pipeline's trigger ids (sorted, unique).
void ActivateAllTriggers(ir::Pipeline& p);

}  // namespace pipec::import
