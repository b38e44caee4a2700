#pragma once
// Small pieces every target uses: shell quoting, output lookup, duration spelling, the
// restore lines for inputs, and merging raw vendor blocks.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/emit/yaml_writer.h"
#include "compiler/ir/ir.h"

namespace pipec::emit {

// 'text' for a POSIX shell.
std::string ShellQuote(std::string_view s);

const ir::Output* FindOutput(const ir::Pipeline& p, ir::JobId job, std::string_view output);

// `2h 30m`, `30 days`: what GitLab's duration parser reads back as the same seconds.
std::string GitLabDuration(int64_t seconds);

// "models/model.pkl" -> "models"; "model.pkl" -> "".
std::string Dirname(std::string_view path);
std::string Basename(std::string_view path);

// Shell lines that write each value input to its path in the workspace, from the variable
// ValueVarName(job, output) that the target delivers (GitLab dotenv, GitHub needs outputs).
std::vector<std::string> ValueInputLines(const ir::Job& job);

// The pipeline's vars that a job may read when it runs: those whose name appears as `$NAME`
// or `${NAME` in any script, env value, image, path, cache or raw vendor block. The rest were
// substituted at compile time (`${{ NAME }}`) and are not written again as variables.
std::vector<const ir::Variable*> RuntimeVariables(const ir::Pipeline& p);

// Copies `raw` (a vendor block, keys in sorted order) over `target`. A key pipec generated
// is replaced and reported (P6009); `what` names the place ("job `x`", "the workflow").
void MergeRaw(Doc& target, const nlohmann::json& raw, std::string_view vendor, std::string_view what,
              SourceRange where, DiagnosticSink& diags);

// A copy of `doc` with `key: value` placed right after `after` (or first when absent).
Doc InsertAfter(const Doc& doc, std::string_view after, const std::string& key, Doc value);

}  // namespace pipec::emit
