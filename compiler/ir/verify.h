#pragma once
// The IR's invariants, stated once. Sema and the importers must produce an IR that passes;
// the driver checks it after each front end in tests (PIPEC_VERIFY_IR=1, set by lit) and in
// debug builds, so a front end that breaks the contract fails loudly instead of misleading
// the checker and the emitters.
#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace pipec::ir {

// Every broken invariant, one line each ("job `b`: needs `b` itself"); empty when the IR
// holds. Linear in the size of the IR.
[[nodiscard]] std::vector<std::string> Verify(const Pipeline& p);

// True when the environment asks for verification (PIPEC_VERIFY_IR set and not "0") or the
// build is a debug build.
bool VerifyRequested();

}  // namespace pipec::ir
