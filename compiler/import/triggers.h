#pragma once
// The kinds of pipeline an imported GitLab config can have. Which of them each job runs in
// is worked out from its rules (rule_eval.h); rules/only/except stay verbatim in raw_gitlab.
#include "compiler/ir/ir.h"

namespace pipec::import {

// GitLab has no `on:`: branch pipelines always exist; merge request, schedule, web (manual)
// and tag pipelines are added when workflow:rules or job rules mention them.
void AddGitLabTriggers(ir::Pipeline& p, const std::string& rules_text);

}  // namespace pipec::import
