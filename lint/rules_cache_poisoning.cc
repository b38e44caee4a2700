// Cache poisoning: a job that builds what gets released or deployed restores a cache that
// less trusted runs can write, so whatever they put there runs in the release build.
//
// GitHub: a publishing job (a `release` or tag-push workflow, a job gated on a tag ref, or a
// job with a known publishing action) restores the Actions cache, directly (actions/cache) or
// through a setup action with caching on. Tag and release runs restore entries of the default
// branch's scope, which any run on the default branch can write: a pull_request_target or
// issue_comment workflow that runs outside code, a compromised dependency of another workflow
// (zizmor's cache-poisoning, "Cacheract").
//
// GitLab: since 15.0 a cache restored on a protected ref is kept apart from caches written on
// unprotected ones (the key gets a `-protected` / `-non_protected` suffix), unless the cache
// says `unprotect: true`. Then a job that may run on a protected ref and restores a cache whose
// key does not name the ref reads what a pipeline on any branch wrote (GitLab issue 330047).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <nlohmann/json.hpp>

#include "compiler/import/github_expressions.h"
#include "lint/rules.h"

namespace pipec::lint {
namespace {

using import::LowerAscii;

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

bool Contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// ---- GitHub ----

// How an action's caching is switched: on by default unless `field` says otherwise (OptOut:
// on unless the field is true), or off unless `field` enables it (OptIn: a true value, or any
// non-empty value for `Named` fields such as setup-node's `cache: npm`).
struct CacheAction {
  std::string_view action;  // lower case, without @ref
  std::string_view field;   // "" = always caches
  enum class Toggle { Always, OptIn, OptInNamed, OptOut, OnByDefault } toggle;
};

// From each action's action.yml (and zizmor's list of cache-aware actions).
constexpr std::array<CacheAction, 21> kCacheActions = {{
    {"actions/cache", "lookup-only", CacheAction::Toggle::OptOut},
    {"actions/cache/restore", "lookup-only", CacheAction::Toggle::OptOut},
    {"actions/setup-go", "cache", CacheAction::Toggle::OnByDefault},  // v4 on; v1-v3 off
    {"actions/setup-node", "cache", CacheAction::Toggle::OptInNamed},
    {"actions/setup-python", "cache", CacheAction::Toggle::OptInNamed},
    {"actions/setup-java", "cache", CacheAction::Toggle::OptInNamed},
    {"actions/setup-dotnet", "cache", CacheAction::Toggle::OptIn},
    {"astral-sh/setup-uv", "enable-cache", CacheAction::Toggle::OptIn},
    {"swatinem/rust-cache", "lookup-only", CacheAction::Toggle::OptOut},
    {"ruby/setup-ruby", "bundler-cache", CacheAction::Toggle::OptIn},
    {"gradle/actions/setup-gradle", "cache-disabled", CacheAction::Toggle::OptOut},
    {"gradle/gradle-build-action", "cache-disabled", CacheAction::Toggle::OptOut},
    {"oven-sh/setup-bun", "no-cache", CacheAction::Toggle::OptOut},
    {"mlugg/setup-zig", "use-cache", CacheAction::Toggle::OnByDefault},
    {"actions-rust-lang/setup-rust-toolchain", "cache", CacheAction::Toggle::OnByDefault},
    {"jdx/mise-action", "cache", CacheAction::Toggle::OnByDefault},
    {"graalvm/setup-graalvm", "cache", CacheAction::Toggle::OptInNamed},
    {"pyo3/maturin-action", "sccache", CacheAction::Toggle::OptIn},
    {"mozilla-actions/sccache-action", "", CacheAction::Toggle::Always},
    {"nix-community/cache-nix-action", "", CacheAction::Toggle::Always},
    {"awalsh128/cache-apt-pkgs-action", "", CacheAction::Toggle::Always},
}};

// Actions that publish or deploy what the job built (zizmor's list of publishers).
constexpr std::array<std::string_view, 17> kPublishers = {
    "pypa/gh-action-pypi-publish", "rubygems/release-gem", "jreleaser/release-action",
    "goreleaser/goreleaser-action", "softprops/action-gh-release", "ncipollo/release-action",
    "docker/build-push-action", "redhat-actions/push-to-registry", "aws-actions/amazon-ecs-deploy-task-definition",
    "aws-actions/aws-cloudformation-github-deploy", "azure/container-apps-deploy-action", "azure/functions-action",
    "azure/webapps-deploy", "cloudflare/wrangler-action", "google-github-actions/deploy-appengine",
    "google-github-actions/deploy-cloudrun", "google-github-actions/deploy-cloud-functions"};

std::string With(const ir::Step& s, const char* key) {
  auto it = s.with.find(key);
  return it == s.with.end() ? std::string() : Trimmed(it->second);
}

bool IsTrue(const std::string& v) { return LowerAscii(v) == "true"; }

// The major version of a `vN...` ref, or -1 (a SHA, a branch).
int Major(const std::string& uses) {
  size_t at = uses.rfind('@');
  if (at == std::string::npos || at + 2 > uses.size() || (uses[at + 1] != 'v' && uses[at + 1] != 'V')) return -1;
  int major = 0;
  size_t i = at + 2;
  if (i >= uses.size() || !std::isdigit(static_cast<unsigned char>(uses[i]))) return -1;
  while (i < uses.size() && std::isdigit(static_cast<unsigned char>(uses[i]))) major = major * 10 + (uses[i++] - '0');
  return major;
}

// Whether the step restores a cache, with why ("caching is on by default"); nullopt when it
// does not or when an expression decides (not judged).
std::optional<std::string> RestoresCache(const ir::Step& s) {
  if (s.kind != ir::Step::Kind::Uses) return std::nullopt;
  std::string action = ActionName(s);
  auto it = std::find_if(kCacheActions.begin(), kCacheActions.end(), [&](const CacheAction& c) { return c.action == action; });
  if (it == kCacheActions.end()) return std::nullopt;
  if (it->toggle == CacheAction::Toggle::Always) return std::string("which always caches");
  std::string value = With(s, std::string(it->field).c_str());
  if (Contains(value, "${{")) return std::nullopt;
  std::string field(it->field);
  switch (it->toggle) {
    case CacheAction::Toggle::OptOut:
      if (IsTrue(value)) return std::nullopt;
      return fmt::format("which restores unless `{}: true`", field);
    case CacheAction::Toggle::OnByDefault:
      if (LowerAscii(value) == "false") return std::nullopt;
      if (value.empty() && action == "actions/setup-go" && Major(s.uses) >= 1 && Major(s.uses) < 4) return std::nullopt;
      return value.empty() ? fmt::format("where caching is on by default (`{}: false` turns it off)", field)
                           : fmt::format("with `{}: {}`", field, value);
    case CacheAction::Toggle::OptIn:
      if (!IsTrue(value)) return std::nullopt;
      return fmt::format("with `{}: {}`", field, value);
    case CacheAction::Toggle::OptInNamed:
      if (value.empty() || LowerAscii(value) == "false") return std::nullopt;
      return fmt::format("with `{}: {}`", field, value);
    case CacheAction::Toggle::Always: break;
  }
  return std::nullopt;
}

// A condition that holds only for tag refs or release events (as written in `if:`).
bool GatedOnRelease(std::string_view cond) {
  std::string c = LowerAscii(cond);
  for (std::string_view s : {"startswith(github.ref, 'refs/tags/", "startswith(github.ref,'refs/tags/",
                             "github.ref_type == 'tag'", "github.event_name == 'release'"}) {
    size_t at = c.find(s);
    if (at == std::string::npos) continue;
    // a negation just before it (`!startsWith(...)`) means the opposite
    size_t b = at;
    while (b > 0 && c[b - 1] == ' ') --b;
    if (b > 0 && c[b - 1] == '!') continue;
    return true;
  }
  return false;
}

// A step condition that turns the step off for tags and releases.
bool SkippedOnRelease(std::string_view cond) {
  std::string c = LowerAscii(cond);
  return Contains(c, "!startswith(github.ref, 'refs/tags/") || Contains(c, "github.ref_type != 'tag'") ||
         Contains(c, "github.event_name != 'release'");
}

// Why the workflow's triggers make every job a publishing one ("the `release` event", "tag
// pushes"), or "" when it also runs for anything else.
std::string ReleaseTriggers(const ir::Pipeline& p) {
  if (!p.raw_github.contains("on")) return "";
  const nlohmann::json& on = p.raw_github["on"];
  std::vector<std::string> events;
  if (on.is_string()) events.push_back(on.get<std::string>());
  else if (on.is_array()) {
    for (const auto& e : on)
      if (e.is_string()) events.push_back(e.get<std::string>());
  } else if (on.is_object()) {
    for (const auto& [k, v] : on.items()) events.push_back(k);
  }
  std::string why;
  for (const std::string& e : events) {
    if (e == "workflow_dispatch") continue;  // a person starts it, for a release as often as not
    if (e == "release") {
      why = why.empty() ? "the `release` event" : why;
      continue;
    }
    if (e == "push" && on.is_object() && on["push"].is_object() && on["push"].contains("tags") &&
        !on["push"].contains("branches") && !on["push"].contains("branches-ignore")) {
      why = why.empty() ? "tag pushes" : why;
      continue;
    }
    return "";  // it runs for other events too: judge each job by its steps and its `if:`
  }
  return why;
}

// goreleaser-action publishes with `args: release` (not `--snapshot`, not with publishing
// skipped), or installs goreleaser for a later script (`install-only: true`); `check`,
// `build` and snapshot runs publish nothing.
bool GoreleaserPublishes(const ir::Step& s) {
  if (IsTrue(With(s, "install-only"))) return true;
  std::string args = LowerAscii(With(s, "args"));
  return Contains(args, "release") && !Contains(args, "--snapshot") && !Contains(args, "skip=publish") &&
         !Contains(args, "skip-publish") && !Contains(args, "skip=announce,publish");
}

void CheckGitHubCaches(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  std::string workflow_release = ReleaseTriggers(p);
  for (const ir::Job& j : p.jobs) {
    if (!j.active_triggers.empty() && std::all_of(j.active_triggers.begin(), j.active_triggers.end(),
                                                  [](const std::string& t) { return t == "merge_request"; }))
      continue;  // runs for pull requests only: it publishes nothing
    std::string why = workflow_release.empty() ? "" : fmt::format("the workflow runs only for {}", workflow_release);
    if (why.empty() && j.raw_github.contains("if") && j.raw_github["if"].is_string() &&
        GatedOnRelease(j.raw_github["if"].get<std::string>()))
      why = "its `if:` runs it for tags or releases";
    if (why.empty())
      for (const ir::Step& s : j.steps)
        if (s.kind == ir::Step::Kind::Uses) {
          std::string action = ActionName(s);
          if (std::find(kPublishers.begin(), kPublishers.end(), action) == kPublishers.end()) continue;
          if (action == "docker/build-push-action" && LowerAscii(With(s, "push")) != "true" && !Contains(With(s, "push"), "${{"))
            continue;  // builds without pushing
          if (action == "goreleaser/goreleaser-action" && !GoreleaserPublishes(s)) continue;
          why = fmt::format("it publishes with {}", action);
          break;
        }
    if (why.empty()) continue;
    for (const ir::Step& s : j.steps) {
      if (SkippedOnRelease(s.condition)) continue;
      std::optional<std::string> how = RestoresCache(s);
      if (!how) continue;
      std::string action = ActionName(s);
      if (Diagnostic* d = ctx.Report(
              DiagKind::CachePoisoning, ctx.Locate(s.range, s.uses, 40),
              fmt::format("job {} builds a release ({}) and restores the Actions cache through {}, {}: "
                          "entries any run on the default branch can write end up in what it publishes",
                          j.name, why, action, *how))) {
        d->AboutJob(j.name);
        d->Note({}, "a pull_request_target or issue_comment workflow that runs outside code, or a compromised "
                    "dependency of any workflow, can write cache entries; build releases from a clean state "
                    "(turn the cache off in this job, or skip the step with `if: ${{ !startsWith(github.ref, "
                    "'refs/tags/') }}`)");
      }
    }
  }
}

// ---- GitLab ----

// A key that names the ref keeps each branch's cache apart (a branch pipeline cannot write the
// default branch's entry by accident or on purpose without pushing to it).
bool KeyNamesRef(const nlohmann::json& cache) {
  const nlohmann::json* key = cache.contains("key") ? &cache["key"] : nullptr;
  std::string text;
  if (key && key->is_string()) text = key->get<std::string>();
  else if (key && key->is_object() && key->contains("prefix") && (*key)["prefix"].is_string())
    text = (*key)["prefix"].get<std::string>();
  for (std::string_view v : {"CI_COMMIT_REF_SLUG", "CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG",
                             "CI_COMMIT_SHA", "CI_COMMIT_SHORT_SHA", "CI_PIPELINE_ID", "CI_PIPELINE_IID", "CI_JOB_ID",
                             "CI_MERGE_REQUEST_IID", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_DEFAULT_BRANCH"})
    if (Contains(text, v)) return true;
  return false;
}

std::string KeyText(const nlohmann::json& cache) {
  if (!cache.contains("key")) return "default";
  const nlohmann::json& key = cache["key"];
  if (key.is_string()) return key.get<std::string>();
  if (key.is_object() && key.contains("files") && key["files"].is_array()) {
    std::string files;
    for (const auto& f : key["files"])
      if (f.is_string()) files += (files.empty() ? "" : ", ") + f.get<std::string>();
    return "files: " + files;
  }
  return key.dump();
}

void CheckGitLabCaches(RuleContext& ctx) {
  for (const ir::Job& j : ctx.pipeline().jobs) {
    if (j.hidden || !j.raw_gitlab.contains("cache")) continue;
    // Only merge request pipelines: those run on unprotected refs themselves.
    if (j.active_triggers.empty() ||
        std::all_of(j.active_triggers.begin(), j.active_triggers.end(), [](const std::string& t) { return t == "merge_request"; }))
      continue;
    std::vector<const nlohmann::json*> caches = GitLabCaches(j);
    SourceRange cursor = j.body_range;  // each cache's `unprotect:` after the previous one's
    for (const nlohmann::json* cache : caches) {
      if (!cache->contains("unprotect") || (*cache)["unprotect"] != true) continue;
      SourceRange at = ctx.Locate(cursor, "unprotect");
      if (at.begin.line >= cursor.begin.line && at.begin.line + 1 < cursor.end.line) cursor.begin = {at.begin.line + 1, 1};
      std::string policy = cache->contains("policy") && (*cache)["policy"].is_string() ? (*cache)["policy"].get<std::string>() : "pull-push";
      if (policy == "push" || KeyNamesRef(*cache)) continue;
      if (Diagnostic* d = ctx.Report(
              DiagKind::CachePoisoning, at,
              fmt::format("job {} restores cache \"{}\" with `unprotect: true` on refs that may be protected, and "
                          "the key does not name the ref: a pipeline on any branch can write what it restores",
                          j.name, KeyText(*cache)))) {
        d->AboutJob(j.name);
        d->Note({}, "without `unprotect: true` GitLab keeps caches of protected refs apart (the `-protected` key "
                    "suffix); or put $CI_COMMIT_REF_SLUG in the key");
      }
    }
  }
}

}  // namespace

void CheckCachePoisoning(RuleContext& ctx) {
  switch (ctx.pipeline().origin) {
    case ir::Origin::GitHub: CheckGitHubCaches(ctx); break;
    case ir::Origin::GitLab: CheckGitLabCaches(ctx); break;
    case ir::Origin::Pipe: break;  // Pipe caches: see docs/rules/cache-poisoning.md
  }
}

}  // namespace pipec::lint
