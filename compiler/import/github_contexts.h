#pragma once
// Collects what the checker's expression rules read and the IR's jobs and steps do not say
// (lint/rules_github_expressions.cc): every `${{ ... }}` of a GitHub workflow, any key, with
// its place in the file; what the `steps`, `needs`, `inputs` and `matrix` contexts hold where it
// is read; and, in script text, its reads of untrusted event text (github_taint.h). A front
// end's work: it decides nothing and reports nothing.
#include "compiler/diag/source.h"
#include "compiler/import/github_taint.h"
#include "compiler/import/yaml_tree.h"
#include "compiler/ir/github_facts.h"

namespace pipec::import {

ir::GitHubFacts CollectGitHubExpressions(const yaml::Node& workflow, const WorkflowTaint& taint,
                                         const SourceManager& sm);

}  // namespace pipec::import
