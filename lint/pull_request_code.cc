#include "lint/pull_request_code.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "compiler/import/github_expressions.h"
#include "compiler/import/rule_eval.h"
#include "lint/rule_context.h"

namespace pipec::lint {
namespace {

bool PullRequestRef(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMarks = {
      "pull_request.head", "head_ref",         "refs/pull/",          "pull/",
      "merge_commit_sha",  "github.event.number", "pull_request.number", "gh pr checkout",
      "head.sha",          "workflow_run.head_sha", "workflow_run.head_branch",
      "workflow_run.head_commit"};
  return std::any_of(kMarks.begin(), kMarks.end(),
                     [&](std::string_view m) { return text.find(m) != std::string_view::npos; });
}

}  // namespace

const ir::Step* PullRequestCodeStep(const ir::Job& j) {
  for (const ir::Step& s : j.steps) {
    if (s.kind == ir::Step::Kind::Run) {
      // A script that names the pull request (its number in an API call, a comment) takes
      // nothing; one that fetches or checks out its ref does.
      std::string text = RenderText(s.script);
      bool fetches = text.find("gh pr checkout") != std::string::npos ||
                     text.find("git fetch") != std::string::npos ||
                     text.find("git checkout") != std::string::npos ||
                     text.find("git switch") != std::string::npos ||
                     text.find("git pull") != std::string::npos ||
                     text.find("git clone") != std::string::npos;
      if (fetches && PullRequestRef(text)) return &s;
      continue;
    }
    std::string action = ActionName(s);
    if (action != "actions/checkout") continue;
    for (const char* key : {"ref", "repository"})
      if (auto it = s.with.find(key); it != s.with.end() && PullRequestRef(it->second)) return &s;
  }
  return nullptr;
}

bool ConditionMayRunForFork(const std::string& condition, std::string_view event) {
  import::TriggerContext fork;
  fork.kind = ir::TriggerKind::MergeRequest;
  fork.github_event = std::string(event);
  fork.fork = true;
  return import::EvalGitHubIf(condition, fork) != import::Tri::False;
}

bool MayRunForForkPullRequest(const ir::Job& j, std::string_view event) {
  if (!j.raw_github.contains("if")) return true;
  const nlohmann::json& cond = j.raw_github["if"];
  if (cond.is_boolean()) return cond.get<bool>();
  if (!cond.is_string()) return true;
  return ConditionMayRunForFork(cond.get<std::string>(), event);
}

}  // namespace pipec::lint
