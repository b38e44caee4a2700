#pragma once
// Checks of a GitHub workflow's text that the IR does not keep: expressions reading `steps`,
// `needs`, `inputs` or `matrix` properties that cannot exist where they are read (GitHub
// evaluates them to empty strings without a word), and the workflow commands GitHub disabled
// (`set-env`, `add-path`) or deprecated (`set-output`, `save-state`). actionlint reports the same
// problems ([expression] "property ... is not defined", [deprecated-commands]).
#include "compiler/diag/diagnostic.h"
#include "compiler/diag/source.h"
#include "compiler/import/yaml_tree.h"

namespace pipec::import {

void CheckContextReferences(const yaml::Node& workflow, const SourceManager& sm,
                            DiagnosticSink& sink);

}  // namespace pipec::import
