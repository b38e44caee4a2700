// GitLab artifact flow, on the facts the GitLab reader keeps in the IR:
// - gitlab-need-without-artifacts: a job asks for the artifacts of a job that declares none,
//   through a `needs:` entry with `artifacts: true` written out or a `dependencies:` entry
//   (whose only purpose is artifacts). GitLab accepts both and downloads nothing, which
//   usually means the producer's `artifacts:` went missing or the name is the wrong job.
// - gitlab-artifact-not-fetched: a script line reads a path only another job's artifacts
//   provide, in a job that does not download that job's artifacts (GitLab: `needs` lists what
//   is downloaded, `dependencies` narrows it; without `needs`, `dependencies` does; without
//   both, every earlier stage's jobs are).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "compiler/import/script_paths.h"
#include "compiler/support/glob.h"
#include "lint/rules.h"

namespace pipec::lint {
namespace {

bool DeclaresNoArtifacts(const ir::Job& j) { return j.outputs.empty() && !j.trigger; }

class ArtifactRequests {
 public:
  explicit ArtifactRequests(RuleContext& ctx) : ctx_(ctx), p_(ctx.pipeline()) {
    // The names a `dependencies:` entry may use: a job's, or a parallel job's for its cells.
    for (const ir::Job& j : p_.jobs) {
      if (j.hidden) continue;
      by_name_.emplace(j.name, &j);
      by_name_.emplace(DeclaredName(j), &j);
      ++cells_[DeclaredName(j)];
    }
  }

  void Run() {
    // The cells of a parallel job share their entries (and ranges): one finding per entry.
    std::set<SourceRange> seen;
    for (const ir::Job& j : p_.jobs) {
      if (j.hidden) continue;
      for (const ir::Need& n : j.needs) {
        const ir::Job* target = p_.JobAt(n.job_id);
        if (!n.artifacts_written || !target || target->hidden || !DeclaresNoArtifacts(*target) ||
            !seen.insert(n.range).second)
          continue;
        // A need on a parallel job by its name expands to every cell: quote the name written.
        size_t entries = std::count_if(j.needs.begin(), j.needs.end(), [&](const ir::Need& o) { return o.range == n.range; });
        const std::string& written = entries > 1 || cells_[DeclaredName(*target)] == 1 ? DeclaredName(*target) : target->name;
        Report(j, *target, n.range, written,
               fmt::format("{} job: needs the artifacts of {}, which declares no artifacts", DeclaredName(j), written));
      }
      if (!j.dependencies) continue;
      for (const ir::Dependency& d : *j.dependencies) {
        auto target = by_name_.find(d.job);  // (an unknown one is the reader's error)
        if (target == by_name_.end() || !DeclaresNoArtifacts(*target->second) || !seen.insert(d.range).second) continue;
        Report(j, *target->second, d.range, d.job,
               fmt::format("{} job: dependency {} declares no artifacts, so there is nothing to download",
                           DeclaredName(j), d.job));
      }
    }
  }

 private:
  // A producer without a script of its own may get its artifacts from an include pipec does
  // not read: then a note that says so, not a warning.
  void Report(const ir::Job& j, const ir::Job& target, SourceRange at, const std::string& written,
              std::string message) {
    Diagnostic* d = ctx_.Report(DiagKind::GlNeedNoArtifacts, at, std::move(message));
    if (!d) return;
    d->AboutJob(DeclaredName(j));
    if (p_.includes.empty() || ir::GitLabJobHasWork(target)) return;
    const ir::Include& include = p_.includes.front();
    std::string what = fmt::format("the artifacts of {}", written);
    d->severity = Severity::Note;
    d->message += fmt::format(" (unless an unread include supplies {})", what);
    d->Note(include.range, fmt::format("this {} include is not read by pipec; it may define {}",
                                       ir::IncludeKindName(include.kind), what));
  }

  RuleContext& ctx_;
  const ir::Pipeline& p_;
  std::map<std::string, const ir::Job*> by_name_;
  std::map<std::string, size_t> cells_;
};

std::string FirstSegment(const std::string& path) { return path.substr(0, path.find('/')); }

// Whether an artifact path (a folder, a file, or a glob) holds `path`.
bool Covers(const std::string& artifact, const std::string& path) {
  if (artifact.find_first_of("*?") != std::string::npos) return GlobMatch(artifact, path, GlobSyntax::Path);
  return path == artifact || path.starts_with(artifact + "/");
}

// Source code in a folder listed whole as artifacts (`tests/`) is the repository's own.
bool SourceCode(const std::string& path) {
  static constexpr std::array<std::string_view, 24> kCode = {
      ".py", ".sh", ".bash", ".zsh", ".ps1", ".bat", ".cmd", ".rb", ".pl", ".php", ".js", ".mjs",
      ".cjs", ".ts", ".go", ".rs", ".c", ".cc", ".cpp", ".h", ".hpp", ".java", ".kt", ".swift"};
  size_t slash = path.find_last_of('/');
  size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return false;
  return std::find(kCode.begin(), kCode.end(), path.substr(dot)) != kCode.end();
}

// The paths a job's caches restore.
std::vector<std::string> CachePaths(const ir::Job& j) {
  std::vector<std::string> out;
  for (const nlohmann::json* cache : GitLabCaches(j))
    if (cache->contains("paths") && (*cache)["paths"].is_array())
      for (const auto& x : (*cache)["paths"])
        if (x.is_string()) out.push_back(import::CanonicalArtifactPath(x.get<std::string>()));
  return out;
}

class ArtifactReads {
 public:
  explicit ArtifactReads(RuleContext& ctx)
      : ctx_(ctx), p_(ctx.pipeline()), fs_(ctx.options().fs ? *ctx.options().fs : support::RealFileSystem()) {
    // Artifact paths indexed by their first path segment (a read can only be covered by an
    // artifact that starts like it); glob artifacts are tried for every read.
    for (size_t i = 0; i < p_.jobs.size(); ++i) {
      const ir::Job& j = p_.jobs[i];
      if (j.hidden) continue;
      for (const ir::Output& o : j.outputs) {
        if (ir::IsReportOutput(o.kind)) continue;
        Artifact a{static_cast<ir::JobId>(i), &o, import::CanonicalArtifactPath(o.path)};
        if (FirstSegment(a.path).find_first_of("*?[") != std::string::npos) globbed_.push_back(std::move(a));
        else by_first_segment_[FirstSegment(a.path)].push_back(std::move(a));
      }
    }
  }

  void Run() {
    // The cells of a parallel job share their script lines: one finding per line and path.
    std::set<std::pair<SourceRange, std::string>> reported;
    for (size_t c = 0; c < p_.jobs.size(); ++c) {
      const ir::Job& g = p_.jobs[c];
      if (g.hidden || g.script_paths.empty()) continue;
      std::vector<std::string> own;  // what the job itself produces or restores from a cache
      for (const ir::Output& o : g.outputs) own.push_back(import::CanonicalArtifactPath(o.path));
      for (const std::string& cache : CachePaths(g)) own.push_back(cache);
      std::set<std::string> written;
      for (const ir::ScriptPathRef& ref : g.script_paths) {
        if (ref.writes) {
          written.insert(ref.path);
          continue;
        }
        auto mine = [&](const std::string& a) { return Covers(a, ref.path) || Covers(ref.path, a); };
        if (std::any_of(own.begin(), own.end(), mine)) continue;
        if (std::any_of(written.begin(), written.end(), [&](const std::string& w) { return Covers(w, ref.path); }))
          continue;
        // Every job whose artifacts hold the path; one that is downloaded settles it.
        std::vector<std::pair<ir::JobId, const ir::Output*>> producers;
        bool fetched = false;
        std::set<std::string> seen;  // producers by declared name: a parallel job's cells are one
        auto consider = [&](const std::vector<Artifact>& candidates) {
          for (const Artifact& a : candidates) {
            const ir::Job& from = p_.jobs[a.job];
            if (a.job == c || DeclaredName(from) == DeclaredName(g) || !Covers(a.path, ref.path) || !CanPrecede(c, a.job))
              continue;
            bool folder = a.path != ref.path && a.path.find_first_of("*?[") == std::string::npos;
            if (folder && SourceCode(ref.path)) continue;
            if (!Downloads(c, a.job)) fetched = true;
            if (seen.insert(DeclaredName(from)).second) producers.emplace_back(a.job, a.output);
          }
        };
        if (auto it = by_first_segment_.find(FirstSegment(ref.path)); it != by_first_segment_.end()) consider(it->second);
        consider(globbed_);
        if (producers.empty() || fetched || !reported.insert({ref.range, ref.path}).second || InRepository(ref.path))
          continue;
        std::sort(producers.begin(), producers.end(), [&](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<std::string> names;
        for (const auto& pr : producers) names.push_back(DeclaredName(p_.jobs[pr.first]));
        std::string joined;
        for (const std::string& n : names) joined += (joined.empty() ? "" : " or ") + n;
        Diagnostic* d = ctx_.Report(
            DiagKind::GlArtifactNotFetched, ref.range,
            fmt::format("job {} reads {}, which only the artifacts of {} provide, but {} does not download them",
                        DeclaredName(g), ref.path, joined, DeclaredName(g)));
        if (!d) continue;
        d->AboutJob(DeclaredName(g));
        for (const auto& [producer, output] : producers) d->Note(output->range, *Downloads(c, producer));
      }
    }
  }

 private:
  struct Artifact {
    ir::JobId job;
    const ir::Output* output;
    std::string path;
  };

  int StageIndex(const std::string& s) const {
    auto it = std::find(p_.stages.begin(), p_.stages.end(), s);
    return it == p_.stages.end() ? -1 : static_cast<int>(it - p_.stages.begin());
  }
  // Whether the job has `needs:` (`[]` included): in a known stage, exactly when it does not
  // wait for the earlier stages (the reader's after_stages); in an unknown one (GitLab's error
  // already) when it needs any job.
  bool HasNeeds(const ir::Job& j) const { return StageIndex(j.stage) >= 0 ? !j.after_stages : !j.needs.empty(); }

  // A producer that cannot run before the consumer: in a later stage, in the same stage when
  // the consumer has no `needs`, or one that waits for the consumer through its needs. The
  // consumer then makes the path itself (or the checkout has it); a missing file would fail
  // its first run, not hide.
  bool CanPrecede(size_t consumer, ir::JobId producer) const {
    const ir::Job& g = p_.jobs[consumer];
    int mine = StageIndex(g.stage), theirs = StageIndex(p_.jobs[producer].stage);
    if (mine >= 0 && theirs >= 0 && (theirs > mine || (theirs == mine && !HasNeeds(g)))) return false;
    return !WaitsFor(producer, DeclaredName(g));
  }

  // Whether `from` waits, through its needs, for a job declared as `target`.
  bool WaitsFor(ir::JobId from, const std::string& target) const {
    std::set<ir::JobId> seen;
    std::vector<ir::JobId> todo{from};
    while (!todo.empty()) {
      ir::JobId j = todo.back();
      todo.pop_back();
      for (const ir::Need& n : p_.jobs[j].needs) {
        // (A `dependencies:` entry of a job without `needs` orders nothing: its stage does.)
        if (n.job_id == ir::kNoJob || !n.Hard()) continue;
        if (DeclaredName(p_.jobs[n.job_id]) == target) return true;
        if (seen.insert(n.job_id).second) todo.push_back(n.job_id);
      }
    }
    return false;
  }

  // nullopt when the consumer downloads the producer's artifacts; else why not.
  std::optional<std::string> Downloads(size_t consumer, ir::JobId producer) const {
    const ir::Job& g = p_.jobs[consumer];
    const ir::Job& from = p_.jobs[producer];
    const std::string &me = DeclaredName(g), &them = DeclaredName(from);
    if (HasNeeds(g)) {
      for (const ir::Need& n : g.needs)
        if (n.job_id == producer) {
          if (n.artifacts) return std::nullopt;
          if (g.dependencies && !Lists(*g.dependencies, from))
            return fmt::format("the `dependencies` of {} do not list {}", me, them);
          return fmt::format("{} needs {} with `artifacts: false`", me, them);
        }
      return fmt::format("the `needs` of {} do not include {}", me, them);
    }
    if (g.dependencies) {
      if (Lists(*g.dependencies, from)) return std::nullopt;
      return fmt::format("the `dependencies` of {} do not list {}", me, them);
    }
    if (StageIndex(from.stage) < StageIndex(g.stage)) return std::nullopt;
    return fmt::format("{} runs in stage {}, which is not before {}'s stage {}", them, from.stage, me, g.stage);
  }

  static bool Lists(const std::vector<ir::Dependency>& dependencies, const ir::Job& j) {
    return std::any_of(dependencies.begin(), dependencies.end(),
                       [&](const ir::Dependency& d) { return d.job == DeclaredName(j) || d.job == j.name; });
  }

  bool InRepository(const std::string& path) {
    auto [it, fresh] = in_repo_.emplace(path, false);
    if (fresh) {
      std::string full = support::JoinPath(ctx_.options().repo_root, path);
      it->second = fs_.Read(full).has_value() || !fs_.ListFiles(full, 1).empty();
    }
    return it->second;
  }

  RuleContext& ctx_;
  const ir::Pipeline& p_;
  const support::FileSystem& fs_;
  std::map<std::string, std::vector<Artifact>> by_first_segment_;
  std::vector<Artifact> globbed_;
  std::map<std::string, bool> in_repo_;  // path -> a file or folder of the repository
};

}  // namespace

void CheckGitLabArtifactRequests(RuleContext& ctx) {
  if (ctx.pipeline().origin != ir::Origin::GitLab) return;
  ArtifactRequests(ctx).Run();
  ArtifactReads(ctx).Run();
}

}  // namespace pipec::lint
