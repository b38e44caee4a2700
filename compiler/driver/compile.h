#pragma once
// The compile pipeline every command shares:
//   read -> parse (ANTLR) -> AST -> sema -> IR -> checks (lint rules)
// A Compilation owns the sources and the diagnostics of one command run, so several files
// can be compiled into one report and every finding printed with its source line.
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "runtime/plan.h"

namespace pipec::driver {

struct CompileOptions {
  bool run_checks = true;           // run the checker's rules on the IR
  std::vector<std::string> enable;  // rules that are off by default, turned on
  std::vector<std::string> disable;  // rules the report drops (`--disable`): checks may skip them
  bool shellcheck = false;          // --shellcheck
};

struct Compilation {
  SourceManager sources;
  DiagnosticSink diags;
};

// Compiles one .pipe file into `c`. Never throws on bad input: problems become diagnostics
// in c.diags. Returns the IR when the program has no errors (checker findings aside).
// Checks ir::Verify() on a front end's output when requested (tests, debug builds): a broken
// contract is a bug in pipec, reported on stderr with exit status 70, never passed on.
void VerifyFrontEnd(const std::optional<ir::Pipeline>& p, std::string_view front_end);

std::optional<ir::Pipeline> CompilePipeFile(const std::string& path, const CompileOptions& opts,
                                            Compilation& c);

// Compiles a .pipe file to the native plan, compiling `trigger pipeline` children too and
// embedding their plans. nullopt when there are errors (in c.diags).
std::optional<plan::Plan> CompileToPlan(const std::string& path, const CompileOptions& opts,
                                        Compilation& c);

}  // namespace pipec::driver
