#pragma once
// GitHub: where a job takes a pull request's code, and whether it runs for a pull request from
// a fork. Shared by the rules about secrets a fork reaches (secret-in-merge-request) and about
// triggers that run untrusted code with the repository's privileges (dangerous-trigger).
#include <string>
#include <string_view>

#include "compiler/ir/ir.h"

namespace pipec::lint {

// The first step at which the job takes the pull request's code (pull_request_target and
// workflow_run check out the base branch by default): an actions/checkout of the head or merge
// commit or of the triggering run's head, or a script that fetches or checks it out. nullptr
// when none does.
const ir::Step* PullRequestCodeStep(const ir::Job& j);

// Whether a GitHub `if:` text may hold in a run of `event` (pull_request_target, workflow_run)
// that a fork's pull request started; unknown counts as may.
bool ConditionMayRunForFork(const std::string& condition, std::string_view event);
// The same for the job's own `if:` (none: it may).
bool MayRunForForkPullRequest(const ir::Job& j, std::string_view event);

}  // namespace pipec::lint
