#pragma once
// Second half of reading GitLab, one job at a time: checks the types and values of the keys
// GitLab knows (its wording: "jobs:<job>:<key> config should be ...") and builds the ir::Job.
// Cross-job checks (stages, needs, cycles) are in gitlab_reader.cc.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/import/yaml_tree.h"
#include "compiler/ir/ir.h"

namespace pipec::import {

struct GlNeed {
  std::string job;
  bool artifacts = true;
  bool artifacts_explicit = false;  // `artifacts: true` written out
  bool optional = false;
  bool external = false;  // a need on another pipeline or project: not checked here
  SourceRange range;
};

struct GlVariable {
  std::string name;
  std::string value;
  bool masked = false;
  SourceRange range;
};

// Paths of one script line the artifact-read check follows (gitlab-artifact-not-fetched).
inline constexpr size_t kMaxPathsPerScriptLine = 256;

// What the cross-job checks need to know about one job, beside its ir::Job.
struct GlJob {
  ir::Job job;  // name, steps, image, outputs, ... (needs filled later)
  std::string stage = "test";
  SourceRange stage_range;
  bool has_needs = false;
  std::vector<GlNeed> needs;
  SourceRange needs_range;
  bool has_dependencies = false;
  std::vector<GlNeed> dependencies;
  std::vector<std::map<std::string, std::string>> cells;  // parallel expansion; empty = none
  std::vector<std::string> cell_names;  // GitLab's names of the cells: "job: [a, b]", "job 1/3"
  int parallel_count = 0;  // `parallel: N`
  std::vector<GlVariable> variables;
  std::vector<std::string> variable_refs;  // $NAME read by the job's scripts, in order
  std::vector<SourceRange> variable_ref_ranges;
  // Variables the scripts use as file names (`chmod 600 $KEY`, `[ -f "$KEY" ]`: GitLab
  // File-type variables hold a path) and the lowercase ones they assign themselves (shell
  // variables of the script): neither is taken for a credential by its name.
  std::set<std::string> path_vars, script_locals;
};

// Reads `body` (already merged with `default:`). Reports bad types into `sink`.
GlJob ReadGitLabJob(const std::string& name, const yaml::Node& key, const yaml::Node& body,
                    const SourceManager& sm, DiagnosticSink& sink);

// Reads a `variables:` mapping (global or job). `where` is "variables" or "jobs:<job>:variables".
std::vector<GlVariable> ReadGitLabVariables(const yaml::Node& node, const std::string& where,
                                            DiagnosticSink& sink);

// A project path as GitLab's schema has it (`group/project`, or a `$VARIABLE`), without a leading
// or trailing '/'.
bool IsGitLabProjectPath(const yaml::Node& n);

// Input values passed to an include or a trigger (`inputs:`): names of letters, digits, '_'
// and '-'; strings of at most 1024 characters.
void CheckGitLabInputValues(const yaml::Node& node, const std::string& where, DiagnosticSink& sink);

// Input declarations: a job's `inputs:` (`job_inputs`: each needs a default) or the header's
// `spec:inputs` (defaults may be null; `rules` allowed). `where` prefixes the messages.
void CheckGitLabInputSpecs(const yaml::Node& node, const std::string& where, bool job_inputs,
                           DiagnosticSink& sink);

// "1h 30m", "2 days", "3600" -> seconds; nullopt when unreadable.
std::optional<int64_t> ParseGitLabDuration(std::string_view text);

}  // namespace pipec::import
