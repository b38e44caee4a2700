// Secret declarations and where secrets reach: masking, and the refs and merge requests a
// job binding a secret runs for (GitLab's protected variables, fork merge requests).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>

#include "compiler/import/rule_eval.h"
#include "compiler/import/secret_names.h"
#include "compiler/import/yaml_tree.h"
#include "lint/pull_request_code.h"
#include "lint/rules.h"
#include "lint/script_map.h"
#include "compiler/support/shell_lexer.h"

namespace pipec::lint {
namespace {

using shell::LexShell;
using shell::ShellCommand;
using shell::ShellRedirect;
using shell::ShellVarRef;
using shell::ShellWord;

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ::toupper);
  return out;
}

// Names whose values are multi-line by nature (keys, certificates, kubeconfigs, JSON keys).
bool MultiLineByName(std::string_view name) {
  std::string n = Upper(name);
  static constexpr std::array<std::string_view, 9> kParts = {
      "PRIVATE_KEY", "SSH_KEY", "GPG_KEY", "PGP_KEY", "_PEM", "CERTIFICATE", "KUBECONFIG",
      "KUBE_CONFIG", "_JSON"};
  return std::any_of(kParts.begin(), kParts.end(),
                     [&](std::string_view p) { return n.find(p) != std::string::npos; });
}

bool MentionsGitRef(const ir::Condition& c) {
  auto ref = [](const ir::Operand& o) {
    return o.kind == ir::Operand::Kind::Git &&
           (o.name == "branch" || o.name == "ref" || o.name == "tag");
  };
  if (ref(c.left) || ref(c.right)) return true;
  return std::any_of(c.args.begin(), c.args.end(), MentionsGitRef);
}

bool AnyBranch(const ir::Trigger& t) {
  if (t.branches.empty()) return true;
  return std::any_of(t.branches.begin(), t.branches.end(),
                     [](const std::string& b) { return b == "*" || b == "**"; });
}

// GitHub: whether a secret binding is live in a run that a fork's pull request triggers with
// the repository's secrets: the workflow has pull_request_target, and neither the job's `if:`
// nor (for a step's `env:`) the step's `if:` rules such a run out. The conditions are the
// raw `if:` texts the importer keeps, evaluated as the importer evaluates them (rule_eval.h),
// for a pull_request_target run whose head repository is a fork.
bool ForkReachable(const ir::Pipeline& p, const ir::Job& j, const ir::EnvVar& e) {
  if (!p.raw_github.contains("pull_request_target")) return false;
  // Base-branch code only: the fork controls the pull request's text (script injection is
  // github-script-injection's business), not the code that reads the secret.
  if (!PullRequestCodeStep(j)) return false;
  if (!MayRunForForkPullRequest(j, "pull_request_target")) return false;
  auto may_run = [&](const std::string& cond) { return ConditionMayRunForFork(cond, "pull_request_target"); };
  // A step-level binding (kept in the step's env with no value): live if one of the steps
  // binding it may run.
  bool step_level = false;
  for (const ir::Step& s : j.steps) {
    auto it = s.env.find(e.name);
    if (it == s.env.end() || !it->second.parts.empty()) continue;
    step_level = true;
    if (s.condition.empty() || may_run(s.condition)) return true;
  }
  return !step_level;
}

// GitLab: whether the job is in the pipelines merge requests create, as the file describes
// them. Such a pipeline carries no pipeline variables (schedules, triggers and manual runs
// set those), so a switch the file never sets (`if: $COVERITY`) is unset there; the file's
// own variables have their values, and `workflow:rules` give the ones they set
// (`PIPELINE_TYPE`). Names that look like credentials stay unknown: a project variable may
// hold them in every pipeline. Branch names, changed files and the like stay unknown too:
// the merge request chooses them.
bool GitLabMergeRequestReachable(const ir::Pipeline& p, const ir::Job& j) {
  import::TriggerContext mr;
  mr.kind = ir::TriggerKind::MergeRequest;
  for (const ir::Variable& v : p.variables) mr.known_vars[v.name] = v.value.string_value;
  std::map<std::string, std::string> job_vars = j.matrix;
  for (const ir::EnvVar& e : j.env)
    if (e.secret.empty()) job_vars[e.name] = e.value.IsLiteral() ? e.value.LiteralText() : "$";
  mr.unset_undeclared = [](std::string_view name) {
    return !import::CredentialWord(name) && !import::IsPredefinedVariable(name);
  };
  const nlohmann::json* workflow = nullptr;
  if (p.raw_gitlab.contains("workflow") && p.raw_gitlab["workflow"].is_object() &&
      p.raw_gitlab["workflow"].contains("rules"))
    workflow = &p.raw_gitlab["workflow"]["rules"];
  std::vector<std::map<std::string, std::string>> pipelines{{}};
  if (workflow) pipelines = import::GitLabWorkflowVariables(*yaml::FromJson(*workflow), mr);
  auto raw = [&](const char* key) -> yaml::NodePtr {
    return j.raw_gitlab.contains(key) ? yaml::FromJson(j.raw_gitlab[key]) : nullptr;
  };
  yaml::NodePtr rules = raw("rules"), only = raw("only"), except = raw("except");
  for (const std::map<std::string, std::string>& set : pipelines) {
    import::TriggerContext ctx = mr;
    for (const auto& [k, v] : set) ctx.known_vars[k] = v;
    for (const auto& [k, v] : job_vars) ctx.known_vars[k] = v;
    import::Tri runs = rules ? import::EvalGitLabRules(*rules, ctx)
                             : import::EvalGitLabOnlyExcept(only.get(), except.get(), ctx, workflow != nullptr);
    if (runs != import::Tri::False) return true;
  }
  return false;
}

void CheckDeclarations(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  for (const ir::Secret& s : p.secrets) {
    SourceRange name = ctx.Locate(s.range, s.name);
    // GitHub redacts every secret; masking is a GitLab (and pipec run) setting. File secrets
    // hold content masking cannot cover (unmaskable-secret explains that instead). In GitLab
    // YAML a secret is a name the file reads but does not declare (or a --secret name): its
    // masking is a project setting the file does not show, so there is nothing to report
    // (secret findings say why the name is a secret, docs/lint.md).
    if (!s.masked && !s.file && p.origin == ir::Origin::Pipe) {
      if (Diagnostic* d = ctx.Report(
              DiagKind::UnmaskedSecret, name,
              fmt::format("secret {} is not masked: its value appears in clear in job logs",
                          s.name))) {
        d->AboutSecret(s.name);
        if (p.origin == ir::Origin::Pipe && name.valid())
          d->Fix({name.file, name.end, name.end}, " masked");
        else
          d->Note({}, "set `masked: true` on the CI/CD variable");
      }
    }
    if (s.masked && s.file) {
      if (Diagnostic* d = ctx.Report(
              DiagKind::UnmaskableSecret, name,
              fmt::format("file secret {} is declared masked, but GitLab masks only single-line "
                          "values of at least 8 characters from [A-Za-z0-9@_:+-]",
                          s.name)))
        d->AboutSecret(s.name).Note({}, "a key, certificate or kubeconfig cannot be masked: never print it, and "
                    "keep `masked` only if the content is a single token");
    } else if (s.masked && !s.file && MultiLineByName(s.name) && p.origin != ir::Origin::GitHub) {
      // GitHub masks a multi-line secret line by line (and pipec delivers its file secrets
      // there through a step that writes the value to a file): only GitLab cannot mask it.
      if (Diagnostic* d = ctx.Report(
              DiagKind::UnmaskableSecret, name,
              fmt::format("secret {} looks like multi-line content (a key, certificate or "
                          "JSON), which GitLab cannot mask",
                          s.name)))
        d->AboutSecret(s.name).Note({}, "declare it `file` so jobs read it from a file and never expand it");
    }
  }
}

// `$(cat "$FILE_SECRET")` and `$(< "$FILE_SECRET")`: a file secret's content turned into a
// value, which no masking covers.
void CheckFileSecretValues(RuleContext& ctx, const ir::Job& j,
                           const std::map<std::string, const ir::Secret*>& file_secrets) {
  for (const ir::Step& step : j.steps) {
    if (step.kind != ir::Step::Kind::Run) continue;
    std::string script = RenderText(step.script);
    if (script.find("$(") == std::string::npos && script.find('`') == std::string::npos) continue;
    ScriptMap map(ctx.sources(), step.range, script);
    for (const ShellCommand& c : LexShell(script)) {
      std::vector<const ShellWord*> words;
      for (const ShellWord& w : c.assignments) words.push_back(&w);
      for (const ShellWord& w : c.words) words.push_back(&w);
      for (const ShellWord* w : words) {
        for (const std::string& inner : w->substs) {
          for (const ShellCommand& ic : LexShell(inner)) {
            bool reads = ic.Name() == "cat" || (ic.words.empty() && !ic.redirects.empty());
            if (!reads) continue;
            std::vector<ShellVarRef> vars;
            for (const ShellWord& iw : ic.words) vars.insert(vars.end(), iw.vars.begin(), iw.vars.end());
            for (const ShellRedirect& r : ic.redirects)
              if (r.op == "<") vars.insert(vars.end(), r.target.vars.begin(), r.target.vars.end());
            for (const ShellVarRef& v : vars) {
              auto it = file_secrets.find(v.name);
              if (it == file_secrets.end()) continue;
              if (Diagnostic* d = ctx.Report(
                      DiagKind::UnmaskableSecret, map.At(w->offset, w->raw.size()),
                      fmt::format("the content of file secret {} is read into a value; GitLab "
                                  "masks neither file contents nor values derived from them",
                                  it->second->name)))
                d->AboutSecret(it->second->name).Note({}, "pass the file's path to the tool that needs it");
            }
          }
        }
      }
    }
  }
}

void CheckReach(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  std::map<std::string_view, const ir::Secret*> decls;
  for (const ir::Secret& s : p.secrets) decls.emplace(s.name, &s);
  for (const ir::Job& j : p.jobs) {
    bool on_mr = std::find(j.active_triggers.begin(), j.active_triggers.end(), "merge_request") !=
                 j.active_triggers.end();
    const ir::Trigger* any_branch_push = nullptr;
    if (std::find(j.active_triggers.begin(), j.active_triggers.end(), "push") !=
            j.active_triggers.end() &&
        !MentionsGitRef(*j.when)) {
      const ir::Trigger* t = FindTrigger(p, "push");
      if (t && AnyBranch(*t)) any_branch_push = t;
    }
    // A webhook (GitLab's trigger API, a repository dispatch) names the ref it runs on: any
    // branch, unless the job itself tests the ref.
    const ir::Trigger* any_ref_webhook = nullptr;
    if (!MentionsGitRef(*j.when))
      for (const std::string& id : j.active_triggers)
        if (id.rfind("webhook:", 0) == 0)
          if ((any_ref_webhook = FindTrigger(p, id))) break;
    std::map<std::string, const ir::Secret*> file_secrets;
    std::optional<bool> mr_reachable;
    auto gitlab_mr_reachable = [&] {
      if (!mr_reachable) mr_reachable = GitLabMergeRequestReachable(p, j);
      return *mr_reachable;
    };
    for (const ir::EnvVar& e : j.env) {
      if (e.secret.empty()) continue;
      auto it = decls.find(e.secret);
      const ir::Secret* s = it == decls.end() ? nullptr : it->second;
      if (s && s->file) file_secrets[e.name] = s;
      if (s && s->protected_ && (on_mr || any_branch_push || any_ref_webhook)) {
        std::string where = on_mr             ? "for merge requests"
                            : any_branch_push ? "on pushes to any branch"
                                              : fmt::format("for webhook {}, on whatever ref the "
                                                            "call names",
                                                            any_ref_webhook->name);
        Diagnostic* d = ctx.Report(DiagKind::ProtectedSecretUnprotectedRef, e.range,
                                   fmt::format("job {} binds protected secret {} but runs {}",
                                               j.name, e.secret, where));
        if (!d) continue;
        d->AboutJob(j.name).AboutSecret(e.secret);
        d->Note(s->range, "declared protected here: only pipelines on protected branches and "
                          "tags receive it");
        if (on_mr)
          d->Note({}, "merge request pipelines never get protected variables, so the job sees "
                      "an empty value");
        else if (any_branch_push)
          d->Note(any_branch_push->range, "this trigger has no branch filter; limit it to "
                                          "protected branches or add `when git.branch == ...`");
        else
          d->Note(any_ref_webhook->range, "a webhook call may name any branch; add "
                                          "`when git.branch == ...` for the protected ones");
        continue;
      }
      if (on_mr && p.origin == ir::Origin::GitHub) {
        // A plain pull_request from a fork gets no secrets, and one from a branch of the
        // repository comes from someone who can push anyway: the risk is pull_request_target,
        // which gives fork pull requests the secrets. GITHUB_TOKEN is no stored secret (its
        // permissions are another finding's business).
        if (!ForkReachable(p, j, e) || IsPerJobToken(p, e.secret)) continue;
        Diagnostic* d = ctx.Report(
            DiagKind::SecretInMergeRequest, e.range,
            fmt::format("job {} binds secret {} and runs on pull_request_target, which fork pull "
                        "requests trigger with the repository's secrets",
                        j.name, e.secret));
        if (!d) continue;
        d->AboutJob(j.name).AboutSecret(e.secret);
        d->Note({}, "the job checks out the pull request's code, which can read the secret; "
                    "guard the job with `if: github.event.pull_request.head.repo.full_name == "
                    "github.repository`, or use pull_request (no secrets for forks)");
      } else if (on_mr && !IsPerJobToken(p, e.secret) &&
                 (p.origin != ir::Origin::GitLab || gitlab_mr_reachable())) {
        Diagnostic* d = ctx.Report(
            DiagKind::SecretInMergeRequest, e.range,
            fmt::format("job {} binds secret {} and runs for merge requests", j.name, e.secret));
        if (!d) continue;
        d->AboutJob(j.name).AboutSecret(e.secret);
        d->Note({}, "GitLab runs fork merge requests in the fork, with the fork's variables; "
                    "when a project member runs one in the parent project, the fork's code "
                    "runs with this secret");
        if (p.origin == ir::Origin::Pipe)
          d->Note({}, "GitHub gives no secrets to pull_request runs from forks (the value is "
                      "empty) and all of them to pull_request_target, which runs fork code with "
                      "a write token");
      }
    }
    if (!file_secrets.empty()) CheckFileSecretValues(ctx, j, file_secrets);
  }
}

// `secrets: inherit` passes every repository, organization and environment secret the
// caller can read. To a workflow of this repository that is the caller's own code (a note:
// explicit secrets still document what it needs); to another repository's workflow it hands
// every secret to code this repository does not control.
void CheckSecretsInherit(RuleContext& ctx) {
  for (const ir::Job& j : ctx.pipeline().jobs) {
    if (!j.inherits_secrets.valid()) continue;
    std::string target = j.raw_github.contains("uses") && j.raw_github["uses"].is_string()
                             ? j.raw_github["uses"].get<std::string>()
                             : "";
    bool local = target.rfind("./", 0) == 0;
    Diagnostic* d = ctx.Report(
        DiagKind::SecretsInherit, j.inherits_secrets,
        local ? fmt::format("job \"{}\" passes every secret to {} with `secrets: inherit`", j.name, target)
              : fmt::format("job \"{}\" passes every secret of this repository to {}, a workflow "
                            "of another repository, with `secrets: inherit`",
                            j.name, target.empty() ? std::string("a reusable workflow") : target));
    if (!d) continue;
    d->AboutJob(j.name);
    if (local) d->severity = Severity::Note;
    d->Note({}, "pass only the secrets the workflow declares: secrets: { NAME: ${{ secrets.NAME }} }");
  }
}

}  // namespace

void CheckSecretDeclarations(RuleContext& ctx) {
  CheckDeclarations(ctx);
  CheckReach(ctx);
  CheckSecretsInherit(ctx);
}

}  // namespace pipec::lint
