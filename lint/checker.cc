#include "lint/checker.h"

#include "lint/rule_context.h"
#include "lint/rules.h"

namespace pipec::lint {

bool IsOffByDefault(DiagKind kind) {
  return kind == DiagKind::ImageNotDigest || kind == DiagKind::UnpinnedReferenceStrict;
}

void RunChecks(const ir::Pipeline& p, const SourceManager& sm, const CheckOptions& opts,
               DiagnosticSink& sink) {
  RuleContext ctx(p, sm, opts, sink);
  CheckGraph(ctx);
  CheckArtifacts(ctx);
  CheckGitLabArtifactRequests(ctx);
  CheckHardcodedSecrets(ctx);
  CheckSecretDeclarations(ctx);
  CheckSecretScripts(ctx);
  CheckJobs(ctx);
  CheckReferences(ctx);
  CheckDebugTrace(ctx);
  CheckUploadedCredentials(ctx);
  CheckPermissions(ctx);
  CheckTriggers(ctx);
  CheckUntrustedCode(ctx);
  CheckCachePoisoning(ctx);
  CheckUnused(ctx);
  CheckWorkflowCommands(ctx);
  CheckGitHubExpressions(ctx);
  if (opts.shellcheck) CheckShellcheck(ctx);
}

}  // namespace pipec::lint
