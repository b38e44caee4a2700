#pragma once
// Evaluates a plan Condition when a job becomes ready: git facts, pipeline inputs and the
// value outputs of upstream jobs are known by then.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/plan.h"

namespace pipec::runtime {

struct EvalContext {
  std::string trigger;                       // the run's trigger id ("push", "schedule:nightly")
  std::map<std::string, std::string> git;    // branch, sha, short_sha, tag, ref, trigger
  std::map<std::string, std::string> inputs; // pipeline inputs (with defaults applied)
  // Value output `output` of `job`; nullopt when that job did not produce it (skipped, failed).
  std::function<std::optional<std::string>(const std::string& job, const std::string& output)> output;
  // Whether a file matching one of these pathspec globs changed in the run's diff; unset when
  // the run has no diff (then every `changed` holds, as on GitLab).
  std::function<bool(const std::vector<std::string>& paths)> changed;
};

bool EvaluateCondition(const plan::Condition& c, const EvalContext& ctx);

// True when the condition reads an upstream value output (it cannot be decided before the run).
bool ReadsOutputs(const plan::Condition& c);

// Source-like text for messages: `trigger in [push] and git.branch matches "release/*"`.
std::string DescribeCondition(const plan::Condition& c);

// Trigger ids match exactly; a bare kind ("schedule") also matches every "schedule:NAME".
bool TriggerMatches(const std::string& listed, const std::string& trigger);

// Value truthiness shared by conditions: "true", non-zero numbers, other non-empty strings.
bool IsTruthy(const std::string& value);

}  // namespace pipec::runtime
