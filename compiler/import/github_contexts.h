#pragma once
// Checks of the expressions of a GitHub workflow, which the IR does not keep: `steps`, `needs`,
// `inputs` or `matrix` properties that cannot exist where they are read (GitHub evaluates them
// to empty strings without a word; actionlint's [expression] "property ... is not defined"),
// the whole `secrets` context read at once (all-secrets-exposed), and fields taken out of a
// JSON secret (unredacted-secret). (`secrets: inherit` and the deprecated workflow commands
// are the checker's: lint/.)
#include "compiler/diag/diagnostic.h"
#include "compiler/diag/source.h"
#include "compiler/import/yaml_tree.h"

namespace pipec::import {

void CheckContextReferences(const yaml::Node& workflow, const SourceManager& sm,
                            DiagnosticSink& sink);

}  // namespace pipec::import
