// gitlab-need-without-artifacts: a GitLab job asks for the artifacts of a job that declares
// none, through a `needs:` entry with `artifacts: true` written out or a `dependencies:`
// entry (whose only purpose is artifacts). GitLab accepts both and downloads nothing, which
// usually means the producer's `artifacts:` went missing or the name is the wrong job.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "lint/rules.h"

namespace pipec::lint {
namespace {

const std::string& BaseName(const ir::Job& j) { return j.base_name.empty() ? j.name : j.base_name; }

bool DeclaresNoArtifacts(const ir::Job& j) { return j.outputs.empty() && !j.trigger; }

class ArtifactRequests {
 public:
  explicit ArtifactRequests(RuleContext& ctx) : ctx_(ctx), p_(ctx.pipeline()) {
    // The names a `dependencies:` entry may use: a job's, or a parallel job's for its cells.
    for (const ir::Job& j : p_.jobs) {
      if (j.hidden) continue;
      by_name_.emplace(j.name, &j);
      by_name_.emplace(BaseName(j), &j);
      ++cells_[BaseName(j)];
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
        const std::string& written = entries > 1 || cells_[BaseName(*target)] == 1 ? BaseName(*target) : target->name;
        Report(j, *target, n.range, written,
               fmt::format("{} job: needs the artifacts of {}, which declares no artifacts", BaseName(j), written));
      }
      if (!j.dependencies) continue;
      for (const ir::Dependency& d : *j.dependencies) {
        auto target = by_name_.find(d.job);  // (an unknown one is the reader's error)
        if (target == by_name_.end() || !DeclaresNoArtifacts(*target->second) || !seen.insert(d.range).second) continue;
        Report(j, *target->second, d.range, d.job,
               fmt::format("{} job: dependency {} declares no artifacts, so there is nothing to download",
                           BaseName(j), d.job));
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
    d->AboutJob(BaseName(j));
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

}  // namespace

void CheckGitLabArtifactRequests(RuleContext& ctx) {
  if (ctx.pipeline().origin != ir::Origin::GitLab) return;
  ArtifactRequests(ctx).Run();
}

}  // namespace pipec::lint
