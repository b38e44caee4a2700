#pragma once
// Reads a GitHub Actions workflow into the IR and reports structural problems: unknown or
// cyclic needs (with the path), duplicate ids, artifacts downloaded that no needed job uploads,
// secrets echoed, untrusted `${{ github.event.* }}` in `run:`, and calls of local reusable
// workflows with unknown or missing inputs and secrets (docs/lint.md).
#include <optional>
#include <string_view>

#include "compiler/diag/diagnostic.h"
#include "compiler/import/import_options.h"
#include "compiler/ir/ir.h"

namespace pipec::import {

std::optional<ir::Pipeline> ReadGitHub(FileId main, SourceManager& sm, DiagnosticSink& sink,
                                       const ImportOptions& opts);

// The untrusted `github.event...` (or `github.head_ref`) path inside an expression, or "".
std::string UntrustedInput(std::string_view expression);

}  // namespace pipec::import
