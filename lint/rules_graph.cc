// Graph rules: cycles over needs and data edges, and the needs limits GitLab enforces at
// pipeline creation (reported with GitLab's own wording, but all of them, not just the first).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "lint/rules.h"

namespace pipec::lint {
namespace {

struct Edge {
  int to;
  const ir::Need* need;
};

// Adjacency by job index; targets sorted by source order so every walk is deterministic.
// Stage order and the artifact edges it carries are left out: a cycle through stage order
// always contains a need on a later stage, which need-later-stage reports at its cause.
std::vector<std::vector<Edge>> BuildEdges(const RuleContext& ctx) {
  const auto& jobs = ctx.pipeline().jobs;
  std::vector<std::vector<Edge>> edges(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::set<int> seen;
    for (const ir::Need& n : jobs[i].needs) {
      if (!n.Hard()) continue;
      int to = n.job_id < jobs.size() ? static_cast<int>(n.job_id) : -1;
      if (to >= 0 && seen.insert(to).second) edges[i].push_back({to, &n});
    }
    std::sort(edges[i].begin(), edges[i].end(),
              [](const Edge& a, const Edge& b) { return a.to < b.to; });
  }
  return edges;
}

// Tarjan's strongly connected components, iterative so 10,000-job chains do not overflow
// the stack. Returns the component id of every vertex.
std::vector<int> Components(const std::vector<std::vector<Edge>>& edges, int& count) {
  int n = static_cast<int>(edges.size());
  std::vector<int> index(n, -1), low(n, 0), comp(n, -1), stack;
  std::vector<bool> on_stack(n, false);
  int next = 0;
  count = 0;
  struct Frame {
    int v;
    size_t edge;
  };
  for (int root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    std::vector<Frame> frames{{root, 0}};
    index[root] = low[root] = next++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      if (f.edge < edges[f.v].size()) {
        int w = edges[f.v][f.edge++].to;
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack.push_back(w);
          on_stack[w] = true;
          frames.push_back({w, 0});
        } else if (on_stack[w]) {
          low[f.v] = std::min(low[f.v], index[w]);
        }
        continue;
      }
      int v = f.v;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().v] = std::min(low[frames.back().v], low[v]);
      if (low[v] == index[v]) {
        int w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp[w] = count;
        } while (w != v);
        ++count;
      }
    }
  }
  return comp;
}

// Every elementary cycle of one component, each starting at its earliest job in source order
// (so `a -> b -> a` and `b -> a -> b` are one cycle). Bounded: a dense component has
// exponentially many cycles, and the first ones are what a user needs to act on.
constexpr size_t kMaxCycles = 100;
constexpr size_t kMaxSteps = 200000;

struct CycleFinder {
  const std::vector<std::vector<Edge>>& edges;
  const std::vector<int>& comp;
  std::vector<std::vector<const Edge*>> cycles;
  std::vector<bool> on_path;
  size_t steps = 0;
  bool truncated = false;

  // Depth-first walk over simple paths from `start` through later jobs of its component,
  // with an explicit stack: a 100,000-job cycle must not overflow the call stack.
  void FromStart(int start) {
    if (truncated) return;
    if (on_path.empty()) on_path.assign(edges.size(), false);
    struct Frame {
      int v;
      size_t next;
    };
    std::vector<Frame> frames{{start, 0}};
    std::vector<const Edge*> path;
    on_path[start] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      if (f.next >= edges[f.v].size() || truncated) {
        on_path[f.v] = false;
        frames.pop_back();
        if (!path.empty()) path.pop_back();
        continue;
      }
      const Edge& e = edges[f.v][f.next++];
      if (cycles.size() >= kMaxCycles || ++steps > kMaxSteps) {
        truncated = true;
        continue;
      }
      if (comp[e.to] != comp[start] || e.to < start) continue;
      if (e.to == start) {
        path.push_back(&e);
        cycles.push_back(path);
        path.pop_back();
        continue;
      }
      if (on_path[e.to]) continue;
      on_path[e.to] = true;
      path.push_back(&e);
      frames.push_back({e.to, 0});
    }
  }
};

void CheckCycles(RuleContext& ctx, const std::vector<std::vector<Edge>>& edges) {
  int count = 0;
  std::vector<int> comp = Components(edges, count);
  std::vector<int> size(count, 0);
  for (int c : comp) ++size[c];
  const auto& jobs = ctx.pipeline().jobs;
  CycleFinder finder{edges, comp, {}, {}};
  for (size_t v = 0; v < jobs.size(); ++v) {
    bool self_loop = std::any_of(edges[v].begin(), edges[v].end(),
                                 [&](const Edge& e) { return e.to == static_cast<int>(v); });
    if (size[comp[v]] < 2 && !self_loop) continue;
    finder.FromStart(static_cast<int>(v));
  }
  // One rule, in the words of the vendor whose file it is (the importers do not check it).
  const ir::Origin origin = ctx.pipeline().origin;
  for (const auto& cycle : finder.cycles) {
    // The walk starts at the vertex the first edge leaves: the last edge's target.
    int start = cycle.back()->to;
    std::string path = jobs[start].name;
    for (const Edge* e : cycle) path += " -> " + jobs[e->to].name;
    if (origin == ir::Origin::GitLab) {  // GitLab's message, at the need that closes the cycle
      if (Diagnostic* d = ctx.Report(DiagKind::GlNeedsCycle, cycle.back()->need->range,
                                     "The pipeline has circular dependencies"))
        d->Note(cycle.back()->need->range, "cycle: " + path);
      continue;
    }
    if (origin == ir::Origin::GitHub) {  // GitHub's message; it reports one cycle
      std::string quoted = "\"" + jobs[start].name + "\"";
      for (const Edge* e : cycle) quoted += " -> \"" + jobs[e->to].name + "\"";
      int closing = cycle.size() >= 2 ? cycle[cycle.size() - 2]->to : start;
      if (Diagnostic* d = ctx.Report(
              DiagKind::GhNeedsCycle, jobs[start].range,
              fmt::format("Job '{}' depends on job '{}' which creates a cycle in the dependency graph.",
                          jobs[closing].name, jobs[start].name)))
        d->Note(jobs[start].range, "cycle: " + quoted);
      return;
    }
    Diagnostic* d = ctx.Report(DiagKind::DependencyCycle, jobs[start].range,
                               fmt::format("dependency cycle: {}", path));
    if (!d) return;
    int from = start;
    for (const Edge* e : cycle) {
      const char* how = e->need->origin == ir::Need::Origin::Data ? "reads an output of" : "needs";
      d->Note(e->need->range, fmt::format("{} {} {}", jobs[from].name, how, jobs[e->to].name));
      from = e->to;
    }
  }
  if (finder.truncated && !finder.cycles.empty()) {
    int start = finder.cycles.back().back()->to;
    if (Diagnostic* d = ctx.Report(DiagKind::DependencyCycle, jobs[start].range,
                                   fmt::format("more dependency cycles exist beyond the {} shown",
                                               finder.cycles.size())))
      d->Note({}, "break the cycles above first; pipec stops enumerating after that many");
  }
}

}  // namespace

void CheckGraph(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  auto edges = BuildEdges(ctx);
  CheckCycles(ctx, edges);

  // The needs limits below are GitLab's own configuration errors, which a .pipe file must
  // meet to build for GitLab. A YAML file's reader reports its vendor's own errors in the
  // vendor's words (GitLab: undefined, duplicated, later-stage and too many needs; GitHub:
  // unknown and repeated needs, and no stages or needs limit at all), so they are checked here
  // for .pipe files only: one place per check, nothing to deduplicate.
  if (p.origin != ir::Origin::Pipe) return;

  std::map<std::string_view, size_t> stage_index;
  for (size_t i = 0; i < p.stages.size(); ++i) stage_index.emplace(p.stages[i], i);

  for (const ir::Job& j : p.jobs) {
    std::map<std::string_view, const ir::Need*> first;
    size_t listed = 0;
    for (const ir::Need& n : j.needs) {
      if (n.Hard()) ++listed;
      const ir::Job* target = p.JobAt(n.job_id);
      if (!target) continue;  // sema reports an unknown name (unknown-name)
      // A data edge next to an explicit need on the same job is normal (`needs build` plus
      // `when build.ok`); only the same need written twice is a duplicate.
      bool written = n.origin == ir::Need::Origin::Explicit;
      auto [it, inserted] = written ? first.emplace(n.job, &n) : std::make_pair(first.end(), true);
      if (!inserted) {
        // GitLab's wording: "<job> has the following needs duplicated: <n>."
        if (Diagnostic* d = ctx.Report(
                DiagKind::DuplicateNeeds, n.range,
                fmt::format("{} has the following needs duplicated: {}.", j.name, n.job)))
          d->Note(it->second->range, "first listed here");
        continue;
      }
      if (!n.Hard() || j.stage.empty() || target->stage.empty())
        continue;
      auto mine = stage_index.find(j.stage), theirs = stage_index.find(target->stage);
      if (mine == stage_index.end() || theirs == stage_index.end()) continue;
      if (theirs->second > mine->second) {
        if (Diagnostic* d = ctx.Report(
                DiagKind::NeedLaterStage, n.range,
                fmt::format("{} job: need {} is not defined in current or prior stages", j.name,
                            n.job)))
          d->Note(target->range, fmt::format("{} is in stage {}, after {}'s stage {}", n.job,
                                             target->stage, j.name, j.stage));
      }
    }
    constexpr size_t kNeedsLimit = 50;
    if (listed > kNeedsLimit)
      ctx.Report(DiagKind::TooManyNeeds, j.range,
                 fmt::format("{}: one job can only need {} others, but you have listed {}.",
                             j.name, kNeedsLimit, listed));
  }
}

}  // namespace pipec::lint
