#pragma once
// In-memory IR pipelines for the emitter tests (no front end involved).
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"

namespace pipec::emit::testing {

ir::Text Lit(std::string s);
ir::Text Interp(std::string before, ir::TextPart::Kind kind, std::string ref, std::string after);
ir::Value Str(std::string s);
ir::Value Bool(bool b);
ir::Condition TriggerIs(std::vector<std::string> ids);
ir::Condition OutputTrue(std::string job, std::string output);
ir::Condition GitEq(std::string field, std::string value);
ir::Condition Or(ir::Condition a, ir::Condition b);
ir::Condition Not(ir::Condition a);
ir::Job RunJob(std::string name, std::string script);

// The seed's ML pipeline (docs/language.md example), lowered by hand to IR: push/MR/schedule/
// manual triggers, secrets, file and value outputs, a runtime gate, an environment.
ir::Pipeline HatPipeline();

// Whether the emitter reported a diagnostic of that kind.
bool HasDiag(const DiagnosticSink& d, DiagKind k);

}  // namespace pipec::emit::testing
