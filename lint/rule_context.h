#pragma once
// What every rule family gets: the IR, the sources (for exact ranges), the options, and a
// Report() that honours off-by-default rules. Also the small IR queries several families share.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/dep_graph.h"
#include "compiler/ir/ir.h"
#include "lint/checker.h"

namespace pipec::lint {

class RuleContext {
 public:
  RuleContext(const ir::Pipeline& p, const SourceManager& sm, const CheckOptions& opts,
              DiagnosticSink& sink);
  // The same pipeline, options and graph, reporting into `sink`: one per thread of rules.
  RuleContext(const RuleContext& shared, DiagnosticSink& sink);

  const ir::Pipeline& pipeline() const { return p_; }
  const SourceManager& sources() const { return sm_; }
  const CheckOptions& options() const { return opts_; }

  // False for a rule that is off by default and not enabled, and for one turned off with
  // `--disable` that no ignore comment names: a family may skip the work of its findings.
  bool Enabled(DiagKind kind) const;
  // Reports unless the rule is off; returns nullptr when it is off.
  Diagnostic* Report(DiagKind kind, SourceRange range, std::string message);

  // The job graph with stage order: built once, by the first to ask, and shared by every rule
  // family and thread (RunChecks has it built on its own thread; see checker.cc).
  const ir::DepGraph& graph() const;

  // The first place at or after `hint.begin` (inside `hint` when it spans lines, else up to
  // `max_lines` lines further) where `needle` occurs in the source, or `hint` when absent.
  SourceRange Locate(const SourceRange& hint, std::string_view needle, uint32_t max_lines = 0) const;

 private:
  const ir::Pipeline& p_;
  const SourceManager& sm_;
  const CheckOptions& opts_;
  DiagnosticSink& sink_;
  std::vector<bool> disabled_;  // by DiagKind: --disable'd and named by no ignore comment
  struct SharedGraph {
    std::once_flag built;
    std::unique_ptr<const ir::DepGraph> graph;
  };
  std::shared_ptr<SharedGraph> graph_;
};

// Text with compile-time parts only; runtime references are rendered `${{ git.x }}` /
// `${{ inputs.x }}` so that the text reads like the source.
std::string RenderText(const ir::Text& t);
// Whether the text has any part only known at run time.
bool HasRuntimeParts(const ir::Text& t);

// "push", "merge_request", "tag", "manual", "schedule:NAME", "webhook:NAME".
std::string TriggerId(const ir::Trigger& t);

// The job's name as declared (a matrix or parallel cell's job, a template expansion's name).
const std::string& DeclaredName(const ir::Job& j);

// The action a GitHub `uses:` step runs, lower case, without its `@ref`: "actions/checkout".
std::string ActionName(const ir::Step& s);

// A GitLab job's `cache:` entries (kept in raw_gitlab): one hash, or a list of them, nested
// lists flattened as GitLab flattens them (up to 10 deep); entries that are not hashes left out.
std::vector<const nlohmann::json*> GitLabCaches(const ir::Job& j);
const ir::Trigger* FindTrigger(const ir::Pipeline& p, std::string_view id);

// The env names through which a job's scripts can read secrets: env name -> secret name.
std::vector<std::pair<std::string, std::string>> BoundSecrets(const ir::Job& j);

// A token the CI vendor creates for each job and revokes after it (GitLab's CI_JOB_TOKEN,
// CI_REGISTRY_PASSWORD, CI_DEPENDENCY_PROXY_PASSWORD, CI_JOB_JWT(_V2), CI_REPOSITORY_URL;
// GitHub's GITHUB_TOKEN), always masked: no stored secret. Rules about where stored secrets
// reach (merge requests, URLs, environment dumps, tracing) leave them out.
bool IsPerJobToken(const ir::Pipeline& p, std::string_view secret);

// The scripts a job's shell runs after step `k` (GitLab and Pipe run a job's setup and main
// lines in one shell, teardown in another; every GitHub step is a shell of its own), joined
// by newlines: what a line downloads or writes may be run or sourced there.
std::string LaterInSameShell(const ir::Pipeline& p, const ir::Job& j, size_t k);

bool IsReport(ir::OutputKind k);
bool IsValue(ir::OutputKind k);

}  // namespace pipec::lint
