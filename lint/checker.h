#pragma once
// The static checker: rules that run on the vendor-neutral IR, so they apply unchanged to
// .pipe files and to imported GitLab/GitHub YAML. Rules read only the IR (and the source
// text, to point at exact ranges); each rule family lives in its own file (rules_*.cc).
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/support/file_system.h"

namespace pipec::lint {

struct CheckOptions {
  // Rules that are off by default, turned on by name or id (`--enable NAME`).
  std::vector<std::string> enable;
  // Rules turned off (`--disable NAME`; the report drops their findings). A rule family may
  // skip the work of a kind that is off, except when an ignore comment names it: whether that
  // comment suppresses something depends on the finding (lint/rule_context.cc).
  std::vector<std::string> disable;
  // Run shellcheck on every run script and map its findings back to the source.
  bool shellcheck = false;
  // The repository an imported YAML file belongs to, for rules that ask whether a path is a
  // file of it (gitlab-artifact-not-fetched). `fs` nullptr: the real file system.
  std::string repo_root = ".";
  const support::FileSystem* fs = nullptr;
  // Threads for the rule families: 0 chooses (two for a pipeline of 1,000 jobs or more when
  // the machine has two cores, else one), 1 or 2 says. The findings are the same either way.
  unsigned threads = 0;
};

// Runs every enabled rule on the IR. Rules see only the IR and source text for ranges.
void RunChecks(const ir::Pipeline& p, const SourceManager& sm, const CheckOptions& opts,
               DiagnosticSink& sink);

// Applies `# pipec: ignore[name] reason` comments (same line, or the line before, or the
// enclosing job block given by ir::Job::body_range), reports ignores without a reason or that
// suppress nothing, and returns the surviving diagnostics. Works for .pipe and YAML (both use
// # comments). `p` may be null (then only line-level ignores apply).
std::vector<Diagnostic> ApplySuppressions(std::vector<Diagnostic> diags, const SourceManager& sm,
                                          const ir::Pipeline* p);

// True for rules that run only when enabled with `--enable` (pedantic ones).
bool IsOffByDefault(DiagKind kind);

}  // namespace pipec::lint
