#include "compiler/emit/git_refs.h"

namespace pipec::emit {
namespace {

// GitHub has no substring function in expressions, so a short sha exists only in scripts.
constexpr GitField kFields[] = {
    {"sha", "CI_COMMIT_SHA", "github.sha", "${GITHUB_SHA}"},
    {"short_sha", "CI_COMMIT_SHORT_SHA", "", "$(printf '%.8s' \"${GITHUB_SHA}\")"},
    {"branch", "CI_COMMIT_BRANCH",
     "(github.event_name != 'pull_request' && github.ref_type == 'branch') && github.ref_name || ''",
     ""},
    {"tag", "CI_COMMIT_TAG", "github.ref_type == 'tag' && github.ref_name || ''", ""},
    {"ref", "CI_COMMIT_REF_NAME", "github.ref_name", "${GITHUB_REF_NAME}"},
    {"default_branch", "CI_DEFAULT_BRANCH", "github.event.repository.default_branch", ""},
    {"pipeline_id", "CI_PIPELINE_ID", "github.run_id", "${GITHUB_RUN_ID}"},
};

// `${{ workspace }}`: the job's checkout directory on every target (not a `git.` field, but
// lowered the same way: a CI variable on GitLab and in the plan, the runner's on GitHub).
constexpr GitField kWorkspace{"workspace", "CI_PROJECT_DIR", "github.workspace", "${GITHUB_WORKSPACE}"};

}  // namespace

std::optional<GitField> FindGitField(std::string_view name) {
  for (const GitField& f : kFields)
    if (f.name == name) return f;
  if (name == kWorkspace.name) return kWorkspace;
  return std::nullopt;
}

std::string KnownGitFields() {
  std::string out;
  for (const GitField& f : kFields) {
    if (!out.empty()) out += ", ";
    out += "git.";
    out += f.name;
  }
  return out;
}

}  // namespace pipec::emit
