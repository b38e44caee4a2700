// Triggers that run with the repository's privileges on behalf of someone outside it.
// `pull_request_target` runs the base branch's workflow with the repository's secrets and a
// token that may write, for pull requests from any fork; `workflow_run` runs likewise after
// another workflow, which a fork's pull request may have started. Both are safe as long as
// they do not run the pull request's code: checking out its head (or merge) commit, or
// downloading the triggering run's artifacts, and then running anything (a build, a test, a
// script in the checkout, an install that runs hooks) hands the fork the secrets and the
// token ("pwn request").
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/import/github_expressions.h"
#include "lint/pull_request_code.h"
#include "lint/rules.h"

namespace pipec::lint {
namespace {

bool HasEvent(const ir::Pipeline& p, std::string_view event) {
  if (!p.raw_github.contains("on")) return false;
  const nlohmann::json& on = p.raw_github["on"];
  if (on.is_string()) return on.get<std::string>() == event;
  if (on.is_array())
    return std::any_of(on.begin(), on.end(), [&](const nlohmann::json& e) {
      return e.is_string() && e.get<std::string>() == event;
    });
  return on.is_object() && on.contains(std::string(event));
}

// A step that brings the triggering run's artifacts into a workflow_run job.
const ir::Step* TriggeringArtifacts(const ir::Job& j) {
  for (const ir::Step& s : j.steps) {
    if (s.kind == ir::Step::Kind::Run) {
      std::string text = RenderText(s.script);
      if (text.find("gh run download") != std::string::npos &&
          text.find("workflow_run") != std::string::npos)
        return &s;
      continue;
    }
    std::string action = import::LowerAscii(s.uses.substr(0, s.uses.find('@')));
    if (action != "actions/download-artifact" && action != "dawidd6/action-download-artifact")
      continue;
    for (const auto& [k, v] : s.with)
      if ((k == "run-id" || k == "run_id" || k == "workflow") && v.find("workflow_run") != std::string::npos)
        return &s;
    if (action == "dawidd6/action-download-artifact") return &s;  // defaults to the triggering workflow
  }
  return nullptr;
}

// Whether anything after `from` runs code that the taken files can change: a `run:` script,
// a local action (`./...`), or an action that builds or runs the project. Only
// actions/upload-artifact, actions/cache and the like read files without running them.
bool RunsAfter(const ir::Job& j, const ir::Step* from) {
  bool after = false;
  for (const ir::Step& s : j.steps) {
    if (&s == from) {
      after = true;
      if (s.kind == ir::Step::Kind::Run) return true;  // the script that fetched it runs on
      continue;
    }
    if (!after) continue;
    if (s.kind == ir::Step::Kind::Run) return true;
    std::string action = import::LowerAscii(s.uses.substr(0, s.uses.find('@')));
    static constexpr std::string_view kReadOnly[] = {
        "actions/checkout", "actions/upload-artifact", "actions/download-artifact",
        "actions/cache", "actions/cache/restore", "actions/cache/save", "actions/github-script",
        "actions/labeler", "actions/stale", "actions/first-interaction"};
    if (std::find(std::begin(kReadOnly), std::end(kReadOnly), action) == std::end(kReadOnly))
      return true;
  }
  return false;
}

// How sure the finding is: checking out the pull request's whole tree and then running
// anything (a build, `npm install`, a script of the checkout) runs its code; artifacts and a
// sparse checkout are data that later steps may only read (validate, post as a comment),
// which pipec cannot tell apart from running them: a note.
enum class Taken { Code, Data };

void Report(RuleContext& ctx, const ir::Job& j, const ir::Step& at, std::string_view event,
            std::string_view what, Taken taken) {
  bool runs = RunsAfter(j, &at) && taken == Taken::Code;
  std::string near;
  for (const auto& [k, v] : at.with)
    if (near.empty() && (k == "ref" || k == "run-id" || k == "run_id")) near = v;
  SourceRange where = near.empty() ? at.range : ctx.Locate(at.range, near, 40);
  Diagnostic* d = ctx.Report(
      DiagKind::DangerousTrigger, where,
      fmt::format("job {} {} under {}{}", j.name, what, event,
                  runs ? ", then runs code from it with the repository's secrets and token: a "
                         "fork's pull request can take them over"
                       : ""));
  if (!d) return;
  d->AboutJob(j.name);
  if (!runs) {
    d->severity = Severity::Note;
    d->Note({}, taken == Taken::Data
                    ? "what it takes is data a fork controls: later steps here run with the "
                      "repository's secrets and token, so they must only read it, never run it"
                    : "no later step runs code from it here; keep it that way, or split the job");
    return;
  }
  if (j.environment)
    d->Note(j.environment->range, "the job's environment may require a reviewer's approval "
                                  "first; pipec cannot see its protection rules");
  d->Note({}, event == "workflow_run"
                  ? "build the triggering run's code only in the run a pull request starts "
                    "(pull_request, no secrets for forks), and keep workflow_run for steps that "
                    "only read its results"
                  : "run the pull request's code under `pull_request` (no secrets for forks), and "
                    "keep pull_request_target for steps that only label or comment");
}

// A self-hosted runner is a machine that outlives the job: code a fork's pull request runs on
// it can stay behind (a changed toolchain, a background process) and read the next jobs'
// secrets, or reach the network it sits in. GitHub asks for approval only for first-time
// contributors by default, and private repositories' fork workflows follow other settings.
// Labels made of expressions (`${{ matrix.os }}`) are not judged.
void CheckSelfHosted(RuleContext& ctx, const ir::Job& j) {
  bool self_hosted = std::any_of(j.runner.begin(), j.runner.end(), [](const std::string& l) {
    return import::LowerAscii(l) == "self-hosted";
  });
  if (!self_hosted) return;
  std::vector<std::string> events;
  for (std::string_view e : {"pull_request", "pull_request_target"})
    if (HasEvent(ctx.pipeline(), e) && MayRunForForkPullRequest(j, e)) events.emplace_back(e);
  if (events.empty()) return;
  bool base_code = events.size() == 1 && events[0] == "pull_request_target" && !PullRequestCodeStep(j);
  if (base_code) return;  // the base branch's code only: what a fork sends is data
  SourceRange at = ctx.Locate(j.body_range.valid() ? j.body_range : j.range, "self-hosted", 40);
  Diagnostic* d = ctx.Report(
      DiagKind::SelfHostedRunner, at,
      fmt::format("job {} runs on a self-hosted runner for pull requests from forks ({}): their "
                  "code runs on a machine that outlives the job",
                  j.name, events.front()));
  if (!d) return;
  d->AboutJob(j.name);
  d->Note({}, "run fork pull requests on GitHub-hosted runners, or on ephemeral self-hosted "
              "runners (one job per machine), and require approval for all outside "
              "contributors");
}

}  // namespace

void CheckTriggers(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  if (p.origin != ir::Origin::GitHub) return;
  for (const ir::Job& j : p.jobs)
    if (!j.hidden) CheckSelfHosted(ctx, j);
  for (std::string_view event : {"pull_request_target", "workflow_run"}) {
    if (!HasEvent(p, event)) continue;
    for (const ir::Job& j : p.jobs) {
      if (j.hidden || !MayRunForForkPullRequest(j, event)) continue;
      if (const ir::Step* s = PullRequestCodeStep(j)) {
        bool sparse = s->with.count("sparse-checkout") > 0;
        Report(ctx, j, *s, event,
               event == "workflow_run" ? "checks out the triggering run's head commit"
               : sparse                ? "checks out part of the pull request's tree (sparse)"
                                       : "checks out the pull request's code",
               sparse ? Taken::Data : Taken::Code);
      } else if (event == "workflow_run") {
        if (const ir::Step* a = TriggeringArtifacts(j))
          Report(ctx, j, *a, event, "downloads the triggering run's artifacts", Taken::Data);
      }
    }
  }
}

}  // namespace pipec::lint
