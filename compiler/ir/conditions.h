#pragma once
// Reading an IR condition without running it: what it says under one trigger (sema's trigger
// inference, and the importer, which must write conditions sema reads the same way), and the
// condition as Pipe source text (notes, comments, `pipec import`).
#include <functional>
#include <string>

#include "compiler/ir/ir.h"

namespace pipec::ir {

// Three-valued evaluation of the static (trigger) part of a condition under one trigger:
// 1 = true, 0 = false, -1 = depends on run-time facts.
int EvalUnderTrigger(const Condition& c, const std::string& trigger_id);

bool MentionsTriggers(const Condition& c);

// Pipe spelling: `trigger in [push, schedule.nightly] and git.branch == "main"`. Trigger ids
// are written by `trigger_ref` when given (else `schedule:x` as `schedule.x`).
std::string ConditionText(const Condition& c,
                          const std::function<std::string(const std::string& id)>& trigger_ref = {});

}  // namespace pipec::ir
