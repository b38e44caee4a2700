// `actions/checkout` writes the job's GITHUB_TOKEN into the checkout's `.git/config` unless
// `persist-credentials: false`; uploading the checkout directory as an artifact then publishes
// the token to everyone who can download the run's artifacts (anyone, for a public repository)
// while it is valid. actions/upload-artifact skips hidden files (`.git`) since v4.4.0 unless
// `include-hidden-files: true`; older versions upload them.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "compiler/import/github_expressions.h"
#include "lint/rules.h"

namespace pipec::lint {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  s.erase(0, b);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  if (s.rfind("./", 0) == 0 && s.size() > 2) s.erase(0, 2);
  return s;
}

// Whether an upload-artifact reference uploads hidden files without being asked: v4.0 to
// v4.3.x, and v3 releases before v3.2.1 (the `v4` and `v3` tags moved to releases that skip
// them; v1 and v2 no longer run on GitHub). A SHA or a branch is not judged (silence).
bool UploadsHiddenByDefault(const std::string& uses) {
  size_t at = uses.rfind('@');
  if (at == std::string::npos) return false;
  std::string ref = uses.substr(at + 1);
  if (ref.size() < 2 || (ref[0] != 'v' && ref[0] != 'V')) return false;
  int major = 0, minor = -1, patch = -1;
  if (std::sscanf(ref.c_str() + 1, "%d.%d.%d", &major, &minor, &patch) < 2) return false;
  if (major == 4) return minor < 4;
  if (major == 3) return minor < 2 || (minor == 2 && patch == 0);
  return false;
}

}  // namespace

void CheckUploadedCredentials(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  if (p.origin != ir::Origin::GitHub) return;
  for (const ir::Job& j : p.jobs) {
    std::vector<std::string> persisted;  // checkout directories that keep the token
    for (const ir::Step& s : j.steps) {
      if (s.kind != ir::Step::Kind::Uses) continue;
      std::string action = ActionName(s);
      auto with = [&](const char* k) {
        auto it = s.with.find(k);
        return it == s.with.end() ? std::string() : it->second;
      };
      if (action == "actions/checkout") {
        if (import::LowerAscii(Trim(with("persist-credentials"))) == "false") continue;
        std::string dir = Trim(with("path"));
        persisted.push_back(dir.empty() ? "." : dir);
        continue;
      }
      if (action != "actions/upload-artifact" || persisted.empty()) continue;
      bool hidden = import::LowerAscii(Trim(with("include-hidden-files"))) == "true" || UploadsHiddenByDefault(s.uses);
      if (!hidden) continue;
      std::string paths = with("path");
      size_t start = 0;
      for (size_t i = 0; i <= paths.size(); ++i) {
        if (i < paths.size() && paths[i] != '\n') continue;
        std::string one = Trim(paths.substr(start, i - start));
        start = i + 1;
        if (one.empty() || one[0] == '!') continue;
        bool workspace = one == "." || one == "${{ github.workspace }}" || one == "$GITHUB_WORKSPACE";
        auto dir = std::find_if(persisted.begin(), persisted.end(), [&](const std::string& d) {
          // the workspace holds every checkout; otherwise the checkout's own directory
          return workspace || (d != "." && (one == d || one == d + "/.git"));
        });
        if (dir == persisted.end()) continue;
        if (Diagnostic* d = ctx.Report(
                DiagKind::CredentialsUploaded, ctx.Locate(s.range, one, 40),
                fmt::format("job {} uploads {} with its hidden files, and actions/checkout left the "
                            "job's token in {}/.git/config: anyone who can download the artifact "
                            "gets the token",
                            j.name, one, *dir))) {
          d->AboutJob(j.name);
          d->Note({}, "set `persist-credentials: false` on the checkout, or upload only the build "
                      "output (not the checkout) without `include-hidden-files`");
        }
        break;
      }
    }
  }
}

}  // namespace pipec::lint
