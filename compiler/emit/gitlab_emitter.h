#pragma once
// IR -> `.gitlab-ci.yml`, plus the manifests of what GitLab keeps in project settings:
// required CI/CD variables (secrets are never written as values) and pipeline schedules.
// Lowering tables: docs/targets.md.
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/emit/emit_options.h"
#include "compiler/ir/ir.h"

namespace pipec::emit {

// `.gitlab-ci.yml`, or `.gitlab/pipec/<name>.yml` for a child pipeline.
std::string GitLabPipelinePath(const std::string& pipeline_name, bool as_child);
// The manifests beside a pipeline file: `<stem>.required-variables.json`, `<stem>.schedules.json`.
std::string GitLabVariablesManifestPath(const std::string& pipeline_path);
std::string GitLabSchedulesManifestPath(const std::string& pipeline_path);

// The dotenv report every job with value outputs writes (artifacts:reports:dotenv).
inline constexpr const char* kGitLabValuesFile = ".pipec-values.env";

// Returns path -> contents for the pipeline file and its manifests (only manifests with
// something in them are written).
EmittedFiles EmitGitLab(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags);

}  // namespace pipec::emit
