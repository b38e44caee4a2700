#pragma once
// Where untrusted event text (an issue title, a branch name: UntrustedInput in
// github_reader.h) travels inside one workflow before a script reads it: through `env:` values
// (workflow, job, step), through step outputs a `run:` script writes to `$GITHUB_OUTPUT` or an
// `actions/github-script` step sets with `core.setOutput`, and through job outputs that other
// jobs read as `needs.<job>.outputs.<name>`. The reader records every read of such
// a value inside script text (`${{ ... }}` is substituted before the shell parses the script)
// for the checker's github-script-injection (ir::GitHubExpression::taint).
//
// A scanner, not an interpreter: an output counts as tainted when the line that writes it
// names a tainted value. Heredoc-style outputs (`name<<EOF`), outputs of other actions and
// matrix values are not followed (docs/rules/github-script-injection.md).
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/import/yaml_tree.h"
#include "compiler/ir/github_facts.h"

namespace pipec::import {

// Lower-case name -> the untrusted property its value carries ("github.event.issue.title").
using TaintSources = std::map<std::string, std::string>;

using TaintedRead = ir::TaintedRead;

class WorkflowTaint {
 public:
  WorkflowTaint() = default;
  // Traces the workflow document (`env:` and `jobs:`).
  explicit WorkflowTaint(const yaml::Node& doc);

  // The tainted reads in one expression's inner text, for job `job` (lower case) with `env`.
  std::vector<TaintedRead> Reads(std::string_view expr, std::string_view job, const TaintSources& env) const;

  // `env` plus the entries of an `env:` mapping whose values carry tainted text.
  TaintSources WithEnv(const yaml::Node* env_node, std::string_view job, TaintSources env) const;

  const TaintSources& workflow_env() const { return workflow_env_; }

 private:
  // The source a value's text carries (`${{ ... }}` reads, and `$VAR` of tainted env when
  // `shell` is set); "" when none.
  std::string SourceOf(std::string_view text, std::string_view job, const TaintSources& env, bool shell) const;
  bool TraceJob(std::string_view job, const yaml::Node& body);
  bool TraceStep(std::string_view job, const yaml::Node& step, const TaintSources& env);
  bool Set(std::map<std::string, std::string>& outputs, std::string name, std::string source);

  TaintSources workflow_env_;
  // job -> step id -> output -> source; job -> output -> source (all lower case)
  std::map<std::string, std::map<std::string, TaintSources>, std::less<>> step_outputs_;
  std::map<std::string, TaintSources, std::less<>> job_outputs_;
};

}  // namespace pipec::import
