#pragma once
// Reads a .gitlab-ci.yml (with its local includes) into the IR and reports what GitLab's
// pipeline creation would reject, in GitLab's own words (docs/lint.md lists the checks).
#include <optional>

#include "compiler/diag/diagnostic.h"
#include "compiler/import/import_options.h"
#include "compiler/ir/ir.h"

namespace pipec::import {

// `main` is already registered in `sm`; included files are registered as they are read.
// Returns the pipeline unless the main file could not be read as YAML at all.
std::optional<ir::Pipeline> ReadGitLab(FileId main, SourceManager& sm, DiagnosticSink& sink,
                                       const ImportOptions& opts);

}  // namespace pipec::import
