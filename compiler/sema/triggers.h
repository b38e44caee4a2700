#pragma once
// Which triggers each job exists under (ir::Job::active_triggers).
//
// The rule (docs/language.md, "Triggers"): a job whose `when` mentions triggers exists under
// the triggers for which that condition is not statically false. A job whose `when` does not
// mention triggers inherits: it exists under the triggers where all of the jobs it depends on
// (needs, inputs, value gates; not stage order) exist. A job that names its triggers but
// depends on a job absent under one of them is an error (trigger-mismatch): GitLab would
// only find it when creating that pipeline ("... is not in any previous stage").
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"

namespace pipec::sema {

void ComputeActiveTriggers(ir::Pipeline& p, const std::vector<std::string>& all_triggers,
                           DiagnosticSink& sink);

}  // namespace pipec::sema
