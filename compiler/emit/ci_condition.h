#pragma once
// Conditions over CI variables: what GitLab's `rules:if` and a POSIX shell guard can both
// test. GitLab's `if:` has no `!`, so negation is pushed down to the tests (De Morgan); the
// same tree renders as a shell test for runtime gates (GitLab evaluates rules when the
// pipeline is created, before any upstream value exists) and for the native plan's notes.
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/conditions.h"
#include "compiler/ir/ir.h"

namespace pipec::emit {

struct CiCond {
  enum class Kind { True, False, And, Or, Test };
  enum class Test { Eq, Ne, Match, NoMatch, Set, Unset };
  Kind kind = Kind::True;
  std::vector<CiCond> args;  // And / Or
  Test test = Test::Eq;
  std::string var;           // variable name, without `$`
  std::string value;         // Eq/Ne: literal (or variable name); Match/NoMatch: glob
  bool value_is_var = false;

  static CiCond Always() { return {}; }
  static CiCond Never() { return {Kind::False, {}, Test::Eq, "", "", false}; }
  static CiCond Compare(Test t, std::string var, std::string value, bool value_is_var = false);
  static CiCond All(std::vector<CiCond> args);  // simplifying And
  static CiCond Any(std::vector<CiCond> args);  // simplifying Or
};

CiCond Negate(const CiCond& c);

// `$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH =~ /^main$/` ...
std::string RenderRulesIf(const CiCond& c);
// `[ "${CI_PIPELINE_SOURCE:-}" = 'push' ] && ...`
std::string RenderShell(const CiCond& c);

// When the pipeline was started by trigger `t` (`as_child`: started by a parent pipeline).
CiCond TriggerCond(const ir::Trigger& t, bool as_child);
// OR of TriggerCond over the given trigger ids.
CiCond TriggersCond(const ir::Pipeline& p, const std::vector<std::string>& ids, bool as_child);

// The IR condition over CI variables. Upstream value outputs read the dotenv variable
// ValueVarName(job, output), which exists only when the job runs (shell guards).
CiCond FromCondition(const ir::Pipeline& p, const ir::Condition& c, bool as_child,
                     DiagnosticSink& diags);

// True when any operand reads an upstream job's value output.
bool ReadsOutputs(const ir::Condition& c);
// True when the condition tests the trigger anywhere.
bool TestsTrigger(const ir::Condition& c);
// The jobs whose value outputs the condition reads.
void CollectOutputJobs(const ir::Condition& c, std::vector<std::string>& jobs);
// The same as job ids (kNoJob for a reference to no job).
void CollectOutputJobIds(const ir::Condition& c, std::vector<ir::JobId>& jobs);
// True when `job` runs under fewer triggers than the pipeline has.
bool TriggerRestricted(const ir::Pipeline& p, const ir::Job& job);

}  // namespace pipec::emit
