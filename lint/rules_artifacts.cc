// Artifact rules: every input must come from a job that ran before (in the same pipeline,
// under the same trigger) and still exists when the consumer starts; inputs must not collide;
// outputs nobody reads are noise (or a forgotten consumer).
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "compiler/ir/conditions.h"
#include "compiler/support/file_system.h"
#include "lint/github_artifacts.h"
#include "lint/rules.h"

namespace pipec::lint {
namespace {

std::string Duration(int64_t s) {
  if (s % 86400 == 0 && s >= 86400) return fmt::format("{}d", s / 86400);
  if (s % 3600 == 0 && s >= 3600) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0 && s >= 60) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

std::string JoinIds(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "no trigger" : out;
}

void CollectOutputRefs(const ir::Condition& c, std::set<std::pair<std::string, std::string>>& out) {
  ir::ForEachOutputRead(c, [&](const ir::Operand& o) { out.insert({o.job, o.name}); });
}

class ArtifactRules {
 public:
  explicit ArtifactRules(RuleContext& ctx) : ctx_(ctx), jobs_(ctx.pipeline().jobs) {
    default_timeout_ = ctx.pipeline().origin == ir::Origin::GitHub ? 6 * 3600 : 3600;
    ComputeLatestStarts();
  }

  void Run() {
    for (size_t c = 0; c < jobs_.size(); ++c) {
      const ir::Job& consumer = jobs_[c];
      std::map<std::string, std::vector<const ir::InputRef*>> by_path;
      for (const ir::InputRef& in : consumer.inputs) {
        CheckInput(c, in);
        // (A download nothing uploads restores nothing: reported by CheckInput alone.)
        if (in.path.empty() || in.job_id == ir::kNoJob) continue;
        std::vector<const ir::InputRef*>& there = by_path[support::NormalizePath(in.path)];
        auto clash = std::find_if(there.begin(), there.end(),
                                  [&](const ir::InputRef* o) { return !SameFolderSideBySide(*o, in); });
        if (clash != there.end()) {
          if (Diagnostic* d = ctx_.Report(
                  DiagKind::ArtifactPathConflict, in.range,
                  fmt::format("inputs {} and {} of job {} are both restored to {}; one "
                              "overwrites the other",
                              (*clash)->name, in.name, consumer.name, in.path)))
            d->Note((*clash)->range, fmt::format("{} is restored there too", (*clash)->name));
        }
        there.push_back(&in);
      }
    }
    CheckUnconsumed();
  }

 private:
  // On GitHub an input's path is the folder download-artifact extracts into, and an artifact
  // of one file lands there under its own name: two downloads of differently named files
  // into one folder sit side by side (pipec's own output does this). Elsewhere the path is
  // where the artifact itself is restored.
  bool SameFolderSideBySide(const ir::InputRef& a, const ir::InputRef& b) const {
    if (ctx_.pipeline().origin != ir::Origin::GitHub) return false;
    const ir::Output* oa = ProducerOutput(a);
    const ir::Output* ob = ProducerOutput(b);
    if (!oa || !ob || oa->kind == ir::OutputKind::Dir || ob->kind == ir::OutputKind::Dir) return false;
    auto name = [](const std::string& path) {
      std::string p = support::NormalizePath(path);
      return p.substr(p.rfind('/') + 1);
    };
    // One file named plainly (a folder, `dist/`, extracts its contents instead).
    auto plain = [](const std::string& path) {
      return !path.empty() && path.back() != '/' && path.find_first_of("*?[\n") == std::string::npos;
    };
    return plain(oa->path) && plain(ob->path) && name(oa->path) != name(ob->path);
  }

  const ir::Output* ProducerOutput(const ir::InputRef& in) const {
    if (const ir::Job* j = ctx_.pipeline().JobAt(in.job_id))
      for (const ir::Output& o : j->outputs)
        if (o.name == in.output) return &o;
    return nullptr;
  }

  int64_t Timeout(const ir::Job& j) const { return j.timeout_seconds.value_or(default_timeout_); }

  // Latest start of every job after the pipeline starts if every job used its full timeout
  // (longest path, stage order included); -1 inside cycles (reported by the graph rules).
  void ComputeLatestStarts() {
    const ir::DepGraph& g = ctx_.graph();
    std::vector<int64_t> latest(g.node_count(), -1);
    for (size_t v : g.TopologicalOrder()) {
      latest[v] = 0;
      for (const ir::DepGraph::Edge& e : g.Preds(v))
        latest[v] = std::max(latest[v], latest[e.node] + (g.IsBarrier(e.node) ? 0 : Timeout(jobs_[e.node])));
    }
    latest.resize(jobs_.size());
    latest_ = std::move(latest);
  }

  bool DependsOn(size_t consumer, int producer) {
    return ctx_.graph().DependsOn(consumer, static_cast<size_t>(producer), marks_);
  }

  void CheckInput(size_t c, const ir::InputRef& in) {
    const ir::Job& consumer = jobs_[c];
    const ir::Job* found = ctx_.pipeline().JobAt(in.job_id);
    int p = found ? static_cast<int>(in.job_id) : -1;
    if (p < 0 && ctx_.pipeline().origin == ir::Origin::GitHub) {
      CheckGitHubDownload(c, in);
      return;
    }
    if (p < 0) {
      ctx_.Report(DiagKind::ArtifactNotUpstream, in.range,
                  fmt::format("job {} reads {}.{}, but no job {} exists", consumer.name, in.job,
                              in.output, in.job));
      return;
    }
    const ir::Job& producer = jobs_[p];
    auto out = std::find_if(producer.outputs.begin(), producer.outputs.end(),
                            [&](const ir::Output& o) { return o.name == in.output; });
    if (out == producer.outputs.end()) {
      if (Diagnostic* d = ctx_.Report(
              DiagKind::ArtifactNotUpstream, in.range,
              fmt::format("job {} reads {}.{}, but job {} has no output {}", consumer.name,
                          in.job, in.output, in.job, in.output)))
        d->Note(producer.range, fmt::format("{} is declared here", in.job));
      return;
    }
    if (!DependsOn(c, p)) {
      if (Diagnostic* d = ctx_.Report(
              DiagKind::ArtifactNotUpstream, in.range,
              fmt::format("job {} reads {}.{} but does not depend on {}, directly or through "
                          "other jobs: it can start before {} has produced it",
                          consumer.name, in.job, in.output, in.job, in.job)))
        d->Note(out->range, "produced here");
      return;
    }
    std::vector<std::string> missing;
    for (const std::string& t : consumer.active_triggers)
      if (std::find(producer.active_triggers.begin(), producer.active_triggers.end(), t) ==
          producer.active_triggers.end())
        missing.push_back(t);
    if (!missing.empty()) {
      if (Diagnostic* d = ctx_.Report(
              DiagKind::ArtifactProducerInactive, in.range,
              fmt::format("job {} runs on {} where {} does not run, so {}.{} does not exist there",
                          consumer.name, JoinIds(missing), in.job, in.job, in.output)))
        d->Note(producer.range, fmt::format("{} runs only on {}", in.job,
                                            JoinIds(producer.active_triggers)));
    }
    if (!out->expire_seconds) return;
    int64_t expire = *out->expire_seconds;
    if (consumer.environment && consumer.environment->manual_approval) {
      if (Diagnostic* d = ctx_.Report(
              DiagKind::ArtifactExpiresEarly, in.range,
              fmt::format("{}.{} expires {} after {} finishes, but job {} waits for a manual "
                          "approval that can come later",
                          in.job, in.output, Duration(expire), in.job, consumer.name)))
        d->Note(out->range, "expiry set here");
      return;
    }
    if (latest_[c] < 0 || latest_[p] < 0) return;
    int64_t wait = latest_[c] - latest_[p] - Timeout(producer);
    if (wait > expire) {
      if (Diagnostic* d = ctx_.Report(
              DiagKind::ArtifactExpiresEarly, in.range,
              fmt::format("{}.{} expires {} after {} finishes, but job {} can start up to {} "
                          "later (the timeouts of the jobs it waits for)",
                          in.job, in.output, Duration(expire), in.job, consumer.name,
                          Duration(wait))))
        d->Note(out->range, "expiry set here");
    }
  }

  // A GitHub download the reader could not tie to an upload in a job the consumer needs
  // (compiler/import/github_reader.cc, ResolveArtifacts). Silent when an upload explains it
  // after all: the job's own, or an upstream one whose name has an expression (one matrix
  // cell's artifact), or when the workflow uploads nothing (then it comes from another run).
  void CheckGitHubDownload(size_t c, const ir::InputRef& in) {
    const ir::Job& consumer = jobs_[c];
    auto uploads = [&](const ir::Job& j) {
      return std::any_of(j.outputs.begin(), j.outputs.end(), [&](const ir::Output& o) {
        return o.kind != ir::OutputKind::String && GitHubArtifactNameMatches(o.name, in.output);
      });
    };
    if (uploads(consumer)) return;
    std::vector<const ir::Job*> upstream;  // by name, for a stable choice below
    for (size_t u = 0; u < jobs_.size(); ++u)
      if (u != c && DependsOn(c, static_cast<int>(u))) upstream.push_back(&jobs_[u]);
    std::sort(upstream.begin(), upstream.end(), [](const ir::Job* a, const ir::Job* b) { return a->name < b->name; });
    if (std::any_of(upstream.begin(), upstream.end(), [&](const ir::Job* u) { return uploads(*u); })) return;
    const ir::Job* producer = nullptr;
    for (const ir::Job& other : jobs_)
      if (&other != &consumer && uploads(other)) {
        producer = &other;
        break;
      }
    bool uploads_any = std::any_of(jobs_.begin(), jobs_.end(), [](const ir::Job& x) {
      return std::any_of(x.outputs.begin(), x.outputs.end(), [](const ir::Output& o) { return o.kind != ir::OutputKind::String; });
    });
    if (!producer && !uploads_any) return;
    Diagnostic* d = ctx_.Report(DiagKind::GhMissingArtifact, in.range,
                                fmt::format("job \"{}\" downloads artifact \"{}\" but no job it needs uploads it",
                                            consumer.name, in.output));
    if (!d) return;
    if (producer) {
      d->Note(producer->range, fmt::format("\"{}\" uploads it: add it to `needs`", producer->name));
      return;
    }
    // An action or a called workflow upstream may upload it (many do, under names of their
    // own): unknown, so a note that says so rather than an error.
    for (const ir::Job* u : upstream)
      if (MayUploadUnseenArtifacts(*u)) {
        d->severity = Severity::Note;
        d->message += fmt::format(" with actions/upload-artifact (unless an action of \"{}\" uploads it)", u->name);
        d->Note(u->range, fmt::format("\"{}\" {} that may upload artifacts pipec does not see", u->name,
                                      u->trigger ? "calls a workflow" : "runs actions"));
        break;
      }
  }

  void CheckUnconsumed() {
    // Only .pipe files say who reads what; in YAML, artifacts flow implicitly (GitLab passes
    // them to every later stage) or are meant for people to download.
    if (ctx_.pipeline().origin != ir::Origin::Pipe) return;
    if (!ctx_.Enabled(DiagKind::UnconsumedOutput)) return;  // --disable'd: nothing to work out
    std::set<std::pair<std::string, std::string>> read;
    for (const ir::Job& j : jobs_) {
      for (const ir::InputRef& in : j.inputs) read.insert({in.job, in.output});
      CollectOutputRefs(*j.when, read);
    }
    // Matrix cells and template expansions share one declaration: report it once, and only
    // when no expansion of it is read.
    std::map<std::pair<SourceRange, std::string>, std::pair<bool, const ir::Job*>> decls;
    for (const ir::Job& j : jobs_)
      for (const ir::Output& o : j.outputs) {
        if (IsReport(o.kind) || o.publish) continue;
        auto& entry = decls.try_emplace({o.range, o.name}, false, &j).first->second;
        entry.first = entry.first || read.count({j.name, o.name}) > 0;
      }
    for (const auto& [key, entry] : decls) {
      if (entry.first) continue;
      const ir::Job& j = *entry.second;
      ctx_.Report(DiagKind::UnconsumedOutput, key.first,
                  fmt::format("output {} of job {} is read by no job", key.second,
                              DeclaredName(j)));
    }
  }

  RuleContext& ctx_;
  const std::vector<ir::Job>& jobs_;
  int64_t default_timeout_;
  std::vector<int64_t> latest_;
  ir::DepGraph::Marks marks_;
};

}  // namespace

void CheckArtifacts(RuleContext& ctx) { ArtifactRules(ctx).Run(); }

}  // namespace pipec::lint
