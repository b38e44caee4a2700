#pragma once
// What GitLab keeps in project settings instead of the YAML, written as JSON beside it so
// an operator (or a script against GitLab's API) can create it: the CI/CD variables that
// carry secrets, and the pipeline schedules (with the PIPEC_SCHEDULE variable that tells
// the pipeline's rules which schedule started it). Field names follow GitLab's API.
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/emit/emit_options.h"
#include "compiler/ir/ir.h"

namespace pipec::emit {

// "" when the pipeline declares no secret.
std::string GitLabVariablesManifest(const ir::Pipeline& p, const EmitOptions& opts);
// "" when the pipeline has no schedule.
std::string GitLabSchedulesManifest(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags);

}  // namespace pipec::emit
