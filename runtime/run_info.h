#pragma once
// What every job of one run shares: where things live, the trigger and git facts, inputs
// and secret values; and the environment one job gets from them (used by `pipec run` and
// `pipec shell` alike, so a debug shell sees exactly what the job saw).
#include <map>
#include <string>
#include <vector>

#include "runtime/plan.h"

namespace pipec::runtime {

// A job name as one path component: '/' and NUL become '_', "." and ".." get a '_' prefix.
std::string PathName(const std::string& job);

struct RunInfo {
  std::string project_root;  // absolute
  std::string run_id;
  std::string run_dir;       // <project>/.pipec/runs/<run-id>
  std::string trigger = "push";
  std::string branch, sha, tag;
  std::string default_branch;  // CI_DEFAULT_BRANCH, `git.default_branch` (FindDefaultBranch)
  std::map<std::string, std::string> inputs;   // with defaults applied
  std::map<std::string, std::string> secrets;  // name -> value (never printed)

  // GitLab's CI_COMMIT_BRANCH, which is what `git.branch` means on every target: the branch of
  // a branch pipeline, empty in tag and merge-request pipelines (`branch` stays the ref name).
  std::string CommitBranch() const {
    return tag.empty() && trigger != "merge_request" ? branch : "";
  }
  std::string WorkspaceOf(const std::string& job) const { return run_dir + "/ws/" + PathName(job); }
  std::string LogOf(const std::string& job) const { return run_dir + "/logs/" + PathName(job) + ".log"; }
  std::string StoreDir() const { return run_dir + "/store"; }
  std::string CacheRoot() const { return project_root + "/.pipec/cache"; }
};

// The job's environment: the caller's environment minus every declared secret, CI-style
// predefined variables, pipeline variables, the job's variables, PIPEC_INPUT_<NAME> and the
// secrets it binds (file secrets are written under <run>/secrets/<job>/ and passed as
// paths). A secret with no value makes it fail: returns "" or the message.
// With `inherit` false, only the job's own variables (for a container, which has its own
// PATH and HOME).
std::string BuildJobEnv(const RunInfo& run, const plan::Plan& plan, const plan::Job& job, int attempt,
                        std::map<std::string, std::string>* env, bool inherit = true);

// A plan variable value as GitLab reads one: `$$` is a `$`, `${NAME}` and `$NAME` are the
// value of NAME in `env` (kept as written when NAME is not there), any other `$` stays.
std::string ExpandVariableValue(const std::string& value, const std::map<std::string, std::string>& env);

std::vector<std::string> EnvList(const std::map<std::string, std::string>& env);

// "A-b.c" -> "A_B_C": how an input name becomes part of PIPEC_INPUT_<NAME>.
std::string EnvName(const std::string& name);

}  // namespace pipec::runtime
