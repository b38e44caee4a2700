// GitLab's debug logging switched on in the committed file. With CI_DEBUG_TRACE the runner runs
// the job's shell with tracing on and prints every variable the job can read, and masking does
// not apply: masked and protected project variables appear in clear (gitlab-org/gitlab#21833,
// #355881). CI_DEBUG_SERVICES prints the services' logs the same way. The runner reads the
// value with Go's strconv.ParseBool, so 1, t, T, TRUE, true and True all switch it on, while
// GitLab restricts access to such logs only for a value of "true" in any case
// (gitlab-org/gitlab#375180).
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "lint/rules.h"

namespace pipec::lint {
namespace {

bool RunnerTrue(std::string_view v) {
  return v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "true" || v == "True";
}

bool DebugSwitch(std::string_view name) {
  return name == "CI_DEBUG_TRACE" || name == "CI_DEBUG_SERVICES";
}

void Report(RuleContext& ctx, SourceRange at, std::string_view name, std::string_view value,
            std::string_view where, const std::string& job) {
  Diagnostic* d = ctx.Report(
      DiagKind::DebugTrace, at,
      name == "CI_DEBUG_TRACE"
          ? fmt::format("{}: {} is set {}: {} shows every variable the job can read in clear, "
                        "masked and protected ones included",
                        name, value, where, job.empty() ? "every job's log" : "the job log")
          : fmt::format("{}: {} is set {}: {} includes the logs of the service containers, "
                        "which print what they are given (passwords, tokens) in clear",
                        name, value, where, job.empty() ? "every job's log" : "the job log"));
  if (!d) return;
  if (!job.empty()) d->AboutJob(job);
  d->Note({}, "switch debug logging on for one run instead (Run pipeline with the variable set, "
              "or a project variable you remove afterwards), and erase that job's log");
  bool lower_true = value.size() == 4 && (value[0] == 't' || value[0] == 'T');
  if (!lower_true)
    d->Note({}, fmt::format("the runner reads {} as true, but GitLab limits who may read the log "
                            "only for the value \"true\"",
                            value));
}

}  // namespace

void CheckDebugTrace(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  // GitHub's switches (ACTIONS_STEP_DEBUG, ACTIONS_RUNNER_DEBUG) are repository secrets or
  // variables, not workflow env; Pipe emits only the variables its jobs read.
  if (p.origin != ir::Origin::GitLab) return;
  for (const ir::Variable& v : p.variables)
    if (DebugSwitch(v.name) && RunnerTrue(v.value.ToString()))
      Report(ctx, v.range, v.name, v.value.ToString(), "for the whole pipeline", "");
  for (const ir::Job& j : p.jobs) {
    if (j.hidden) continue;
    for (const ir::EnvVar& e : j.env) {
      if (!DebugSwitch(e.name) || !e.secret.empty() || HasRuntimeParts(e.value)) continue;
      std::string value = RenderText(e.value);
      if (RunnerTrue(value)) Report(ctx, e.range, e.name, value, fmt::format("in job {}", j.name), j.name);
    }
  }
}

}  // namespace pipec::lint
