#pragma once
// Checks some commands add to the compile pipeline of compile.h: `pipec import` compiles what
// it wrote, `pipec check` follows `trigger pipeline` children.
#include <string>

#include "compiler/driver/compile.h"

namespace pipec::driver {

// The same for a main file whose text is already registered in c.sources.
std::optional<ir::Pipeline> CompileLoaded(FileId main, const CompileOptions& opts, Compilation& c);

// `pipec import` checks what it wrote as `pipec check` would: registers `pipe` (the written
// text) as `name` in c.sources, compiles it with the checks, and returns true when it has no
// errors. Its diagnostics stay in c.diags, so import reports them and exits 1 instead of
// leaving a file behind that its own `check` rejects without a word.
bool CheckWrittenPipe(const std::string& name, std::string pipe, Compilation& c);

// `pipec check`: follows the `trigger pipeline` children of `p` (compiled from `path`) and
// reports a child pipeline that triggers itself, directly or through others, at the parent's
// `trigger` (as `build` and `run` do). The children's own problems are theirs: not reported.
void CheckChildPipelines(const std::string& path, const ir::Pipeline& p, Compilation& c);

}  // namespace pipec::driver
