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
#include <functional>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

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
    std::string action = ActionName(s);
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
    std::string action = ActionName(s);
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

// Calls fn(job, condition, where to look for it) for every job and step `if:` of the
// workflow (a run step's range is its script, so steps are looked up in the job's body).
void ForEachCondition(const ir::Pipeline& p,
                      const std::function<void(const ir::Job&, const std::string&, SourceRange)>& fn) {
  for (const ir::Job& j : p.jobs) {
    if (j.hidden) continue;
    if (j.raw_github.contains("if") && j.raw_github["if"].is_string())
      fn(j, j.raw_github["if"].get<std::string>(), j.when->range.valid() ? j.when->range : j.range);
    for (const ir::Step& s : j.steps)
      if (!s.condition.empty()) fn(j, s.condition, j.body_range.valid() ? j.body_range : s.range);
  }
}

// A bot check on who caused the run (`github.actor == 'dependabot[bot]'`): github.actor is
// the last actor on the triggering context, not the author of the pull request. An attacker's
// pull request whose head commit Dependabot pushed (Dependabot running on the attacker's fork)
// passes the check with the attacker's code (zizmor's bot-conditions; Synacktiv, "GitHub
// Actions exploitations: Dependabot", 2024). Under pull_request_target and workflow_run the
// check guards the repository's secrets and a writable token: a warning. Under pull_request a
// fork's run has neither: a note. github.event.pull_request.user.login names the author.
constexpr std::string_view kActorContexts[] = {"github.actor", "github.triggering_actor", "github.event.sender.login",
                                               "github.actor_id", "github.event.sender.id"};
constexpr std::string_view kBotIds[] = {"49699333", "27856297", "29139614", "29110"};

// The actor context a condition tests for a bot ("" when none): `ctx == '<x>[bot]'` either
// way round, `contains|endsWith|startsWith(ctx, '<x>[bot]'|'dependabot'|'renovate')`, or an
// actor id compared with a bot's id.
std::string BotCheck(std::string_view condition) {
  std::string c = import::LowerAscii(condition);
  for (const auto& [off, prop] : import::Properties(c, "github.")) {
    std::string name = prop;
    while (!name.empty() && !std::isalnum(static_cast<unsigned char>(name.back())) && name.back() != '_') name.pop_back();
    if (std::find(std::begin(kActorContexts), std::end(kActorContexts), name) == std::end(kActorContexts)) continue;
    // the operand it is compared with: after `==` or `,`, or before `==`
    size_t after = c.find_first_not_of(" \t", off + prop.size());
    std::string other;
    if (after != std::string::npos && (c.compare(after, 2, "==") == 0 || c[after] == ',')) {
      size_t from = c.find_first_not_of(" \t", after + (c[after] == ',' ? 1 : 2));
      if (from != std::string::npos) other = c.substr(from, c.find_first_of(")&|", from) - from);
    }
    size_t before = c.find_last_not_of(" \t", off == 0 ? 0 : off - 1);
    if (other.empty() && off > 0 && before != std::string::npos && before >= 2 && c.compare(before - 1, 2, "==") == 0) {
      size_t end = c.find_last_not_of(" \t", before - 2);
      if (end == std::string::npos) continue;
      size_t start = c.find_last_of("(&|!", end);
      size_t from = start == std::string::npos ? 0 : start + 1;
      other = c.substr(from, end + 1 - from);
    }
    if (other.empty()) continue;
    bool bot = other.find("[bot]") != std::string::npos || other.find("dependabot") != std::string::npos ||
               other.find("renovate") != std::string::npos;
    for (std::string_view id : kBotIds) bot = bot || other.find(id) != std::string::npos;
    if (bot) return name;
  }
  return "";
}

void CheckBotConditions(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  std::string privileged = HasEvent(p, "pull_request_target") ? "pull_request_target"
                           : HasEvent(p, "workflow_run")      ? "workflow_run"
                                                              : "";
  if (privileged.empty() && !HasEvent(p, "pull_request")) return;
  auto report = [&](const ir::Job& j, const std::string& condition, SourceRange near) {
    std::string actor = BotCheck(condition);
    if (actor.empty()) return;
    // (a run step's range is its script: find the condition in the job's text first)
    SourceRange cond = ctx.Locate(near, condition);
    Diagnostic* d = ctx.Report(
        DiagKind::SpoofableBotCheck, ctx.Locate(cond, actor, 1),
        fmt::format("job {} trusts a bot by {}: that is the last actor on the {}, not its author; "
                    "a pull request with a commit the bot pushed on top of other code passes",
                    j.name, actor, privileged.empty() ? "pull request" : privileged + " event"));
    if (!d) return;
    d->AboutJob(j.name);
    if (privileged.empty()) {
      d->severity = Severity::Note;
      d->Note({}, "under pull_request a fork's run gets no secrets and a read-only token, so little is "
                  "gained; github.event.pull_request.user.login names the author");
    } else {
      d->Note({}, "check the author instead (github.event.pull_request.user.login == 'dependabot[bot]'), "
                  "or move the job to pull_request");
    }
  };
  ForEachCondition(p, report);
}

// `contains('refs/heads/main refs/heads/dev', github.ref)`: with a string as its first
// argument contains() tests for a substring, so `refs/heads/mai` (a branch named `mai`)
// passes a check meant for `main` (zizmor's unsound-contains). A warning when a fork's author
// chooses the value (github.head_ref, the pull request's head ref), a note when pushing the
// branch takes write access (github.ref, github.ref_name, github.base_ref).
void CheckUnsoundContains(RuleContext& ctx, const ir::Job& j, const std::string& condition, SourceRange near) {
  std::string c = import::LowerAscii(condition);
  for (size_t at = c.find("contains("); at != std::string::npos; at = c.find("contains(", at + 1)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(c[at - 1])) || c[at - 1] == '_')) continue;
    size_t arg = c.find_first_not_of(" \t", at + 9);
    if (arg == std::string::npos || c[arg] != '\'') continue;  // an array (fromJSON(...)) or a context
    size_t close_quote = c.find('\'', arg + 1);
    if (close_quote == std::string::npos) continue;
    size_t comma = c.find_first_not_of(" \t", close_quote + 1);
    if (comma == std::string::npos || c[comma] != ',') continue;
    size_t second = c.find_first_not_of(" \t", comma + 1);
    if (second == std::string::npos) continue;
    size_t end = second;
    while (end < c.size() && (std::isalnum(static_cast<unsigned char>(c[end])) || c[end] == '_' || c[end] == '.'))
      ++end;
    std::string context = c.substr(second, end - second);
    bool outsider = context == "github.head_ref" || context == "github.event.pull_request.head.ref";
    bool pusher = context == "github.ref" || context == "github.ref_name" || context == "github.base_ref";
    if (!outsider && !pusher) continue;
    std::string literal = condition.substr(arg, close_quote + 1 - arg);
    SourceRange cond = ctx.Locate(near, condition);
    Diagnostic* d = ctx.Report(
        DiagKind::UnsoundContains, ctx.Locate(cond, condition.substr(at, 8), 1),
        fmt::format("job {} tests `{}` with contains() on the string {}: that is a substring test, so "
                    "any part of a listed name passes (`mai` for `main`)",
                    j.name, context, literal));
    if (!d) continue;
    d->AboutJob(j.name);
    if (!outsider) d->severity = Severity::Note;
    d->Note({}, outsider ? "a fork's author names the pull request's branch; compare with a list: "
                           "contains(fromJSON('[\"main\", \"dev\"]'), github.head_ref)"
                         : "pushing such a branch takes write access, so this is a note; compare with a list: "
                           "contains(fromJSON('[\"refs/heads/main\"]'), github.ref)");
  }
}

}  // namespace

void CheckTriggers(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  if (p.origin != ir::Origin::GitHub) return;
  for (const ir::Job& j : p.jobs)
    if (!j.hidden) CheckSelfHosted(ctx, j);
  CheckBotConditions(ctx);
  ForEachCondition(p, [&](const ir::Job& j, const std::string& condition, SourceRange near) {
    CheckUnsoundContains(ctx, j, condition, near);
  });
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
