#pragma once
// IR -> native plan (runtime/plan.h), the only input of `pipec run`. The plan is fully
// expanded: one plan job per IR job (matrix cells included), text with git and input
// references spelled as `${CI_COMMIT_SHA}` / `${PIPEC_INPUT_<NAME>}` for the runtime to set.
#include "compiler/diag/diagnostic.h"
#include "compiler/emit/emit_options.h"
#include "compiler/ir/ir.h"
#include "runtime/plan.h"

namespace pipec::emit {

// Child pipelines (`trigger pipeline`) get `trigger.plan` null: the driver compiles the
// child and attaches its plan.
plan::Plan LowerToPlan(const ir::Pipeline& p, DiagnosticSink& diags);

// Converts a condition tree (shared with tests and other targets' runtime gates).
plan::Condition LowerCondition(const ir::Condition& c);

// `plan.json` (WritePlanJson), keyed by its file name.
EmittedFiles EmitPlanFiles(const plan::Plan& plan);

}  // namespace pipec::emit
