#pragma once
// Names the emitters derive from pipeline names: environment variables that carry values,
// inputs and git facts, GitHub job ids and artifact names. One definition each, shared by
// all targets so a value written by one job is found under the same name by the next.
#include <map>
#include <string>
#include <string_view>

#include "compiler/ir/ir.h"

namespace pipec::emit {

// Upper case, every other character than [A-Z0-9_] becomes `_`, never starts with a digit.
std::string EnvName(std::string_view name);
// `PIPEC_INPUT_FORCE_UPDATE`: how a pipeline input reaches scripts on every target.
std::string InputVarName(std::string_view input);
// `PIPEC_OUT_QUALIFY_QUALIFIED`: how a value output travels (GitLab dotenv, plan env).
std::string ValueVarName(std::string_view job, std::string_view output);
// `PIPEC_SKIPPED_DEPLOY=true`: on GitLab, how a job that ended without running its script (a
// false value gate, or a skipped job it needs) tells the jobs that need it (dotenv report).
std::string SkippedVarName(std::string_view job);
// GitHub job ids match [A-Za-z_][A-Za-z0-9_-]*; other characters become `_`.
std::string GitHubIdFor(std::string_view name);
// Artifact name of one output of one job (unique per pipeline; valid on GitHub).
std::string ArtifactName(std::string_view job, std::string_view output);

// Maps each IR job name to a unique target-side name. `reserved` names are never used.
class JobNames {
 public:
  JobNames() = default;
  // `sanitize` turns a job name into a candidate; collisions get `_2`, `_3`, ...
  template <typename Fn>
  JobNames(const ir::Pipeline& p, Fn sanitize, const std::vector<std::string>& reserved);
  // The target name of a job; an unknown job keeps its own name.
  std::string Of(std::string_view ir_name) const;
  bool Renamed(std::string_view ir_name) const { return Of(ir_name) != ir_name; }
  // Writes `ir_name` (a matrix cell) as `target_name` (its folded matrix job).
  void Alias(const std::string& ir_name, const std::string& target_name) {
    names_[ir_name] = target_name;
  }

 private:
  void Assign(const ir::Pipeline& p, const std::vector<std::string>& candidates,
              const std::vector<std::string>& reserved);
  std::map<std::string, std::string, std::less<>> names_;
};

template <typename Fn>
JobNames::JobNames(const ir::Pipeline& p, Fn sanitize, const std::vector<std::string>& reserved) {
  std::vector<std::string> candidates;
  candidates.reserve(p.jobs.size());
  for (const ir::Job& j : p.jobs) candidates.push_back(sanitize(j.name));
  Assign(p, candidates, reserved);
}

}  // namespace pipec::emit
