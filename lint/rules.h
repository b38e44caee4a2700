#pragma once
// The rule families RunChecks calls, one file each (rules_<family>.cc).
#include "lint/rule_context.h"

namespace pipec::lint {

// dependency-cycle, need-later-stage, duplicate-needs, too-many-needs
void CheckGraph(RuleContext& ctx);
// artifact-not-upstream, artifact-producer-inactive, artifact-expires-early,
// artifact-path-conflict, unconsumed-output, github-missing-artifact
void CheckArtifacts(RuleContext& ctx);
// gitlab-need-without-artifacts (GitLab `needs: artifacts: true` and `dependencies:`)
void CheckGitLabArtifactRequests(RuleContext& ctx);
// hardcoded-secret
void CheckHardcodedSecrets(RuleContext& ctx);
// unmasked-secret, unmaskable-secret, secret-in-merge-request, protected-secret-unprotected-ref,
// secrets-inherit
void CheckSecretDeclarations(RuleContext& ctx);
// secret-echoed, secret-shell-trace, secret-env-dump, secret-on-command-line, secret-in-url,
// curl-pipe-shell, secret-written-to-artifact
void CheckSecretScripts(RuleContext& ctx);
// unreachable-job, empty-script, unpinned-image, image-not-digest
void CheckJobs(RuleContext& ctx);
// unpinned-reference, unpinned-reference-strict
void CheckReferences(RuleContext& ctx);
// debug-trace
void CheckDebugTrace(RuleContext& ctx);
// persisted-credentials-uploaded
void CheckUploadedCredentials(RuleContext& ctx);
// excessive-permissions
void CheckPermissions(RuleContext& ctx);
// dangerous-trigger, self-hosted-runner, spoofable-bot-check, unsound-contains
void CheckTriggers(RuleContext& ctx);
// untrusted-variable-as-code
void CheckUntrustedCode(RuleContext& ctx);
// cache-poisoning
void CheckCachePoisoning(RuleContext& ctx);
// unused-variable, unused-template, unused-secret, unused-cache
void CheckUnused(RuleContext& ctx);
// github-deprecated-command (GitHub `run:` scripts)
void CheckWorkflowCommands(RuleContext& ctx);
// github-script-injection, github-undefined-property, all-secrets-exposed, unredacted-secret
// (a GitHub workflow's `${{ ... }}` expressions)
void CheckGitHubExpressions(RuleContext& ctx);
// shellcheck, shellcheck-unavailable (only with CheckOptions::shellcheck)
void CheckShellcheck(RuleContext& ctx);

}  // namespace pipec::lint
