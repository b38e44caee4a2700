#pragma once
// How each `git.<field>` reads on each target. `git.branch` means what GitLab's
// CI_COMMIT_BRANCH means on every target: the pushed branch, empty in merge-request and tag
// pipelines (docs/targets.md).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipec::emit {

struct GitField {
  std::string_view name;         // "sha"
  std::string_view ci_variable;  // GitLab and plan: "CI_COMMIT_SHA"
  std::string_view github_expr;  // inside ${{ }}; "" when GitHub has no expression for it
  std::string_view github_shell; // in a `run:` script on GitHub (reads the runner's env)
};

// nullopt for a field no target knows.
std::optional<GitField> FindGitField(std::string_view name);
// The known field names, for diagnostics ("expected one of ...").
std::string KnownGitFields();

}  // namespace pipec::emit
