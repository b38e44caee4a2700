#pragma once
// Text with git and input references, spelled for each target. GitLab and the native plan
// read them from the environment (`${CI_COMMIT_SHA}`, `${PIPEC_INPUT_X}`); GitHub reads them
// from expressions, but never inside `run:` (script injection): there a script reads an
// environment variable that the job's `env:` sets from the expression.
#include <map>
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"

namespace pipec::emit {

// GitLab and plan spelling. Unknown git fields are reported (P6010) and kept as written.
std::string LowerTextEnv(const ir::Text& text, SourceRange where, DiagnosticSink& diags);

// A variable's value (job `env`, pipeline vars, child-pipeline inputs) for GitLab and the
// plan: `$` in the text is literal on every target, so it is escaped as `$$` (GitLab
// expands `$NAME` in variables, the runtime does the same); references are `${NAME}` as above.
std::string LowerTextVariable(const ir::Text& text, SourceRange where, DiagnosticSink& diags);
std::string EscapeDollars(const std::string& literal);

// The GitHub expression (without `${{ }}`) for a pipeline input: the value given to
// workflow_dispatch or repository_dispatch, else the declared default.
std::string GitHubInputExpr(const ir::Pipeline& p, const std::string& input);

// The GitHub expression for a git field; "" (and a report) when GitHub has none.
std::string GitHubGitExpr(const std::string& field, SourceRange where, DiagnosticSink& diags);

// GitHub spelling where expressions are allowed (env values, image, url, with:).
std::string LowerTextGitHubExpr(const ir::Pipeline& p, const ir::Text& text, SourceRange where,
                                DiagnosticSink& diags);

// GitHub spelling inside `run:`: references become `${NAME}` and `env` receives
// NAME -> `${{ expr }}` for each of them.
std::string LowerTextGitHubRun(const ir::Pipeline& p, const ir::Text& text, SourceRange where,
                               DiagnosticSink& diags, std::map<std::string, std::string>& env);

}  // namespace pipec::emit
