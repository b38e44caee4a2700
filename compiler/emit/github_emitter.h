#pragma once
// IR -> a GitHub Actions workflow (`.github/workflows/<pipeline>.yml`), plus a manifest of
// what GitHub keeps in repository settings (secrets, environments and their protection
// rules). Lowering tables: docs/targets.md.
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/emit/emit_options.h"
#include "compiler/ir/ir.h"

namespace pipec::emit {

// Pinned versions of the actions the generated workflows use.
inline constexpr const char* kCheckoutAction = "actions/checkout@v4";
inline constexpr const char* kUploadArtifactAction = "actions/upload-artifact@v4";
inline constexpr const char* kDownloadArtifactAction = "actions/download-artifact@v4";
inline constexpr const char* kCacheAction = "actions/cache@v4";
inline constexpr const char* kCacheRestoreAction = "actions/cache/restore@v4";
inline constexpr const char* kCacheSaveAction = "actions/cache/save@v4";

// `.github/workflows/<name>.yml` (children too: they are reusable workflows).
std::string GitHubWorkflowPath(const std::string& pipeline_name);
// `.github/pipec/<name>.settings.json`.
std::string GitHubSettingsManifestPath(const std::string& pipeline_name);

EmittedFiles EmitGitHub(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags);

}  // namespace pipec::emit
