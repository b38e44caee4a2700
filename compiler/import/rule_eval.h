#pragma once
// Which triggers an imported job runs under, worked out from the vendor's own conditions:
// GitLab `rules:`/`only:`/`except:`/`workflow:rules` and GitHub job `if:`. The conditions are
// evaluated once per trigger kind with the CI variables that kind fixes (a merge request
// pipeline has CI_PIPELINE_SOURCE "merge_request_event" and no CI_COMMIT_BRANCH, a tag
// pipeline has CI_COMMIT_TAG, ...). Everything else (user variables, `changes:`, branch
// names) is unknown, and the logic is three-valued: a job whose rules may or may not match
// counts as running, so a finding built on "never runs" is never a guess.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/import/yaml_tree.h"
#include "compiler/ir/ir.h"

namespace pipec::import {

enum class Tri { False, True, Unknown };

Tri TriAnd(Tri a, Tri b);
Tri TriOr(Tri a, Tri b);
Tri TriNot(Tri a);

// What the pipeline's trigger fixes about the run. `github_event` is the GitHub event name
// ("" when ambiguous).
struct TriggerContext {
  ir::TriggerKind kind = ir::TriggerKind::Push;
  std::string github_event;
  // GitHub: the run comes from a pull request opened from a fork (its head repository is not
  // the workflow's repository), so same-repository guards are false.
  bool fork = false;
  std::map<std::string, std::string>
      known_vars;  // GitLab: variables with certain values (matrix cells)
  // GitLab, the pipeline a merge request creates: it carries no pipeline variables, so a
  // variable that is not predefined (CI_*, GITLAB_*) nor in known_vars is unset when this
  // says so of its name (else unknown). Only for what a merge request alone makes a job do;
  // active_triggers keep every such variable unknown.
  std::function<bool(std::string_view)> unset_undeclared;
};

// GitLab `rules:if` / `only:variables` expression (`$A == "x" && ($B =~ /re/ || $C)`).
// Unreadable expressions are Unknown (the schema checks report them).
Tri EvalGitLabIf(std::string_view expr, const TriggerContext& ctx);

// A job's `rules:` list: the first rule whose conditions hold decides (`when: never` = not
// added). No rule matching = not added.
Tri EvalGitLabRules(const yaml::Node& rules, const TriggerContext& ctx);

// `only:` / `except:` (either may be null). A missing `only` is GitLab's default
// `only: [branches, tags]` (no merge request pipelines), except when the config has
// `workflow:rules`: GitLab then drops the only/except defaults and the job is in every
// pipeline the workflow creates.
Tri EvalGitLabOnlyExcept(const yaml::Node* only, const yaml::Node* except,
                         const TriggerContext& ctx, bool workflow_rules);

// The variables `workflow:rules` may give a pipeline of this kind: one set per rule that may
// be the first to match and creates the pipeline (its `variables:`; values with `$` count as
// unknown). Empty: no such pipeline is created.
std::vector<std::map<std::string, std::string>> GitLabWorkflowVariables(const yaml::Node& rules,
                                                                        const TriggerContext& ctx);

// GitHub `if:` expression (with or without `${{ }}`).
Tri EvalGitHubIf(std::string_view expr, const TriggerContext& ctx);

}  // namespace pipec::import
