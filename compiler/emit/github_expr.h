#pragma once
// Conditions as GitHub Actions expressions (`if:`). Unlike GitLab rules they can read
// upstream job outputs (`needs.J.outputs.V`) and negate, but they have no regex: globs are
// matched with startsWith/endsWith/contains, approximately when the glob needs more (P6004).
#include <map>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/emit/names.h"
#include "compiler/ir/ir.h"

namespace pipec::emit {

struct GitHubExprContext {
  const ir::Pipeline& pipeline;
  const JobNames& job_ids;  // IR job name -> GitHub job id
  bool as_child = false;    // a reusable workflow called by the parent pipeline
  DiagnosticSink& diags;
  // `changed [...]`: the job that diffs (ChangesJob) and its output per path list.
  std::string changes_job;
  const std::map<std::vector<std::string>, std::string>* changed_outputs = nullptr;
};

// When the workflow was started by trigger `t`.
std::string GitHubTriggerExpr(const GitHubExprContext& ctx, const ir::Trigger& t);
// OR over the given trigger ids ("false" for none).
std::string GitHubTriggersExpr(const GitHubExprContext& ctx, const std::vector<std::string>& ids);
// The whole condition; "true" for Op::True.
std::string GitHubConditionExpr(const GitHubExprContext& ctx, const ir::Condition& c);

}  // namespace pipec::emit
