// Supply chain: code and configuration a pipeline takes from other repositories, and whether
// what it names can change under it. A branch or a tag can be moved by whoever controls the
// other repository; only a full commit SHA (GitHub) or a fixed ref / integrity hash (GitLab)
// names one version. The default policy follows GitHub's own hardening guide: third-party
// actions by full SHA, first-party ones (`actions/*`, `github/*`) by tag; the strict variant
// (`--enable unpinned-reference-strict`) asks a SHA of everything.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <nlohmann/json.hpp>

#include "compiler/import/github_expressions.h"
#include "lint/rules.h"

namespace pipec::lint {
namespace {

bool FullSha(std::string_view ref) {
  return ref.size() == 40 && std::all_of(ref.begin(), ref.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

// `v1`, `v1.2.3`, `1.4`, `2.0.0-rc.1`, `release-1.2`: a version someone tags, not a branch.
bool VersionLike(std::string_view ref) {
  if (!ref.empty() && (ref[0] == 'v' || ref[0] == 'V')) ref.remove_prefix(1);
  return !ref.empty() && std::isdigit(static_cast<unsigned char>(ref[0]));
}

// owner/repo[/path]@ref of a GitHub action or reusable workflow; false for local and
// docker:// references and for ones without a ref (GitHub rejects those itself).
bool SplitRemote(std::string_view uses, std::string& owner, std::string& ref) {
  if (uses.empty() || uses.rfind("./", 0) == 0 || uses.rfind("docker://", 0) == 0) return false;
  size_t at = uses.rfind('@');
  size_t slash = uses.find('/');
  if (at == std::string_view::npos || slash == std::string_view::npos || slash > at) return false;
  owner = std::string(uses.substr(0, slash));
  ref = std::string(uses.substr(at + 1));
  return !ref.empty() && ref.find("${{") == std::string::npos;
}

void CheckUses(RuleContext& ctx, const ir::Job& j, std::string_view uses, SourceRange near,
               std::string_view what) {
  std::string owner, ref;
  if (!SplitRemote(uses, owner, ref) || FullSha(ref)) return;
  // A step's range is its first line (often `- name:`); `uses:` follows within the step.
  SourceRange at = ctx.Locate(near, uses, 40);
  std::string lower_owner = import::LowerAscii(owner);
  bool first_party = lower_owner == "actions" || lower_owner == "github";
  std::string how = VersionLike(ref) ? fmt::format("the tag {}", ref)
                                     : fmt::format("{} (a branch, or a tag that names no version)", ref);
  if (first_party) {
    if (Diagnostic* d = ctx.Report(DiagKind::UnpinnedReferenceStrict, at,
                                   fmt::format("{} {} is pinned by {}, not by a commit SHA", what,
                                               uses, how))) {
      d->AboutJob(j.name);
      d->Note({}, "first-party actions by tag are allowed by default; this strict check asks a "
                  "full 40-character commit SHA of every action");
    }
    return;
  }
  Diagnostic* d = ctx.Report(
      DiagKind::UnpinnedReference, at,
      fmt::format("third-party {} {} is used by {}: whoever controls {} can move it to other "
                  "code, which then runs with this job's token and secrets",
                  what, uses, how, owner));
  if (!d) return;
  d->AboutJob(j.name);
  d->Note({}, "pin the full 40-character commit SHA and keep the version in a comment: "
              "uses: owner/action@<sha> # v1.2.3");
}

void CheckGitHubReferences(RuleContext& ctx) {
  for (const ir::Job& j : ctx.pipeline().jobs) {
    for (const ir::Step& s : j.steps)
      if (s.kind == ir::Step::Kind::Uses) CheckUses(ctx, j, s.uses, s.range, "action");
    if (j.raw_github.contains("uses") && j.raw_github["uses"].is_string())
      CheckUses(ctx, j, j.raw_github["uses"].get<std::string>(),
                j.body_range.valid() ? j.body_range : j.range, "reusable workflow");
  }
}

bool Variable(std::string_view s) { return s.find('$') != std::string_view::npos; }

void CheckGitLabReferences(RuleContext& ctx) {
  for (const ir::Include& inc : ctx.pipeline().includes) {
    switch (inc.kind) {
      case ir::Include::Kind::Template:
        break;  // GitLab's own templates ship with the GitLab release
      case ir::Include::Kind::Remote: {
        if (inc.integrity || Variable(inc.location)) break;
        bool plain = inc.location.rfind("http://", 0) == 0;
        Diagnostic* d = ctx.Report(
            DiagKind::UnpinnedReference, inc.range,
            fmt::format("remote include {} has no `integrity:` hash: {}whoever controls that "
                        "address controls this pipeline",
                        inc.location, plain ? "it is fetched over plain HTTP, and " : ""));
        if (d)
          d->Note({}, "add `integrity: sha256-<base64 of the file's SHA-256>`, "
                      "or copy the file into the repository");
        break;
      }
      case ir::Include::Kind::Project: {
        if (Variable(inc.location) || Variable(inc.ref) || FullSha(inc.ref)) break;
        if (inc.ref.empty()) {
          if (Diagnostic* d = ctx.Report(
                  DiagKind::UnpinnedReference, inc.range,
                  fmt::format("project include {} has no `ref:`: it reads that project's default "
                              "branch, so every push there changes this pipeline",
                              inc.location)))
            d->Note({}, "set `ref:` to a commit SHA, or to a protected tag");
        } else if (VersionLike(inc.ref)) {
          if (Diagnostic* d = ctx.Report(
                  DiagKind::UnpinnedReferenceStrict, inc.range,
                  fmt::format("project include {} is pinned by the tag {}, not by a commit SHA",
                              inc.location, inc.ref)))
            d->Note({}, "a tag can be moved unless it is protected in that project");
        } else {
          if (Diagnostic* d = ctx.Report(
                  DiagKind::UnpinnedReference, inc.range,
                  fmt::format("project include {} reads `ref: {}`, a branch or a tag that names "
                              "no version: every push there changes this pipeline",
                              inc.location, inc.ref)))
            d->Note({}, "set `ref:` to a commit SHA, or to a protected version tag");
        }
        break;
      }
      case ir::Include::Kind::Component: {
        if (inc.ref.empty() || Variable(inc.ref) || FullSha(inc.ref)) break;
        if (inc.ref == "~latest" || !VersionLike(inc.ref)) {
          if (Diagnostic* d = ctx.Report(
                  DiagKind::UnpinnedReference, inc.range,
                  fmt::format("component {} is used at {}: {}", inc.location, inc.ref,
                              inc.ref == "~latest"
                                  ? "each new release of it changes this pipeline"
                                  : "a branch or tag that names no version changes without notice")))
            d->Note({}, "pin a full version (1.2.3) or a commit SHA");
        } else if (Diagnostic* d = ctx.Report(
                       DiagKind::UnpinnedReferenceStrict, inc.range,
                       fmt::format("component {} is pinned by the version {}, not by a commit SHA",
                                   inc.location, inc.ref))) {
          d->Note({}, std::count(inc.ref.begin(), inc.ref.end(), '.') < 2
                          ? "a partial version (1 or 1.2) resolves to the newest matching release"
                          : "a release tag can be moved unless it is protected");
        }
        break;
      }
    }
  }
}

}  // namespace

void CheckReferences(RuleContext& ctx) {
  switch (ctx.pipeline().origin) {
    case ir::Origin::GitHub: CheckGitHubReferences(ctx); break;
    case ir::Origin::GitLab: CheckGitLabReferences(ctx); break;
    case ir::Origin::Pipe: break;  // Pipe names only first-party actions and no includes
  }
}

}  // namespace pipec::lint
