#pragma once
// Reading an IR condition without running it: what it says under one trigger (sema's trigger
// inference, and the importer, which must write conditions sema reads the same way), and the
// condition as Pipe source text (notes, comments, `pipec import`).
#include <concepts>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "compiler/ir/ir.h"

namespace pipec::ir {

// Three-valued evaluation of the static (trigger) part of a condition under one trigger:
// 1 = true, 0 = false, -1 = depends on run-time facts.
int EvalUnderTrigger(const Condition& c, const std::string& trigger_id);

bool MentionsTriggers(const Condition& c);

// Calls `fn` with every operand of `c` and of its subconditions that reads an upstream value
// output (`when evaluate.qualified`): the one walk job-id resolution, ir::Verify, the emitters,
// the graph and the checker share. `c` may be const or not; `fn` gets the operand likewise.
template <class C, class Fn>
  requires std::same_as<std::remove_const_t<C>, Condition>
void ForEachOutputRead(C& c, const Fn& fn) {
  for (auto* o : {&c.left, &c.right})
    if (o->kind == Operand::Kind::Output) fn(*o);
  for (auto& a : c.args) ForEachOutputRead(a, fn);
}

// A one-line Pipe string literal: `"` and `\` escaped, line breaks and tabs as `\n` `\r`
// `\t`, and `${{` as `\${{` so that it is not read as an interpolation. (The importer's
// PipeString uses it for text without line breaks.)
std::string QuotedPipeString(std::string_view s);

// Pipe spelling: `trigger in [push, schedule.nightly] and git.branch == "main"`. Trigger ids
// are written by `trigger_ref` when given (else `schedule:x` as `schedule.x`).
std::string ConditionText(const Condition& c,
                          const std::function<std::string(const std::string& id)>& trigger_ref = {});

}  // namespace pipec::ir
