#include "compiler/graph/job_graph.h"

#include <algorithm>
#include <set>

#include "compiler/ir/conditions.h"

namespace pipec::graph {
namespace {

// Value outputs of `job` that `c` reads (`when build.qualified`).
void OutputsRead(const ir::Condition& c, ir::JobId job, std::set<std::string>& out) {
  ir::ForEachOutputRead(c, [&](const ir::Operand& o) {
    if (o.job_id == job) out.insert(o.name);
  });
}

}  // namespace

std::optional<std::string> ResolveTrigger(const ir::Pipeline& p, const std::string& spelling) {
  std::string want = spelling;
  std::replace(want.begin(), want.end(), '.', ':');
  std::vector<std::string> of_kind;
  for (const ir::Trigger& t : p.triggers) {
    if (t.Id() == want) return want;
    if (ir::TriggerKindName(t.kind) == want) of_kind.push_back(t.Id());
  }
  if (of_kind.size() == 1) return of_kind[0];
  return std::nullopt;
}

JobGraph BuildJobGraph(const ir::Pipeline& p, const GraphOptions& opts) {
  JobGraph g;
  g.name = p.name;
  g.trigger = opts.trigger;
  constexpr size_t kNoNode = static_cast<size_t>(-1);
  std::vector<size_t> node_of(p.jobs.size(), kNoNode);  // by job id
  for (const ir::Job& j : p.jobs) {
    if (j.hidden) continue;
    bool active = std::find(j.active_triggers.begin(), j.active_triggers.end(), opts.trigger) !=
                  j.active_triggers.end();
    if (!opts.trigger.empty() && !active) continue;
    GraphNode n;
    n.name = j.name;
    n.stage = j.stage;
    for (const ir::EnvVar& e : j.env)
      if (!e.secret.empty()) n.secrets.push_back(e.secret);
    std::sort(n.secrets.begin(), n.secrets.end());
    n.secrets.erase(std::unique(n.secrets.begin(), n.secrets.end()), n.secrets.end());
    n.manual_approval = j.environment && j.environment->manual_approval;
    n.never_runs = j.active_triggers.empty() && !p.triggers.empty();
    node_of[static_cast<size_t>(&j - p.jobs.data())] = g.nodes.size();
    g.nodes.push_back(std::move(n));
  }
  // Clusters: declared stages first, then stages only jobs name (imports), in job order.
  std::set<std::string> used;
  for (const GraphNode& n : g.nodes)
    if (!n.stage.empty()) used.insert(n.stage);
  for (const std::string& s : p.stages)
    if (used.erase(s)) g.stages.push_back(s);
  for (const GraphNode& n : g.nodes)
    if (used.erase(n.stage)) g.stages.push_back(n.stage);

  std::map<std::string_view, size_t> cluster;
  for (size_t s = 0; s < g.stages.size(); ++s) cluster.emplace(g.stages[s], s);
  for (size_t id = 0; id < p.jobs.size(); ++id) {
    const ir::Job& j = p.jobs[id];
    size_t to = node_of[id];
    if (to == kNoNode) continue;
    if (auto c = cluster.find(j.stage); j.after_stages && c != cluster.end() && c->second > 0) {
      GraphEdge e;
      e.from = c->second - 1;
      e.to = to;
      e.kind = GraphEdge::Kind::Stage;
      g.edges.push_back(std::move(e));
    }
    std::set<size_t> seen;
    for (const ir::Need& need : j.needs) {
      size_t from = need.job_id < node_of.size() ? node_of[need.job_id] : kNoNode;
      if (from == kNoNode || !seen.insert(from).second) continue;
      GraphEdge e;
      e.from = from;
      e.to = to;
      std::set<std::string> labels;
      for (const ir::InputRef& in : j.inputs)
        if (in.job_id == need.job_id) labels.insert(in.output);
      OutputsRead(*j.when, need.job_id, labels);
      e.labels.assign(labels.begin(), labels.end());
      if (!e.labels.empty() || need.origin == ir::Need::Origin::Data)
        e.kind = GraphEdge::Kind::Data;
      else
        e.kind = GraphEdge::Kind::Order;
      g.edges.push_back(std::move(e));
    }
  }
  return g;
}

bool MarkCriticalPath(JobGraph& g, const std::map<std::string, double>* durations) {
  // Nodes 0..n-1 are jobs; n + s is stage s's barrier (every job of stages 0..s finished).
  size_t n = g.nodes.size(), nodes = n + g.stages.size();
  std::vector<std::vector<size_t>> preds(nodes), succs(nodes);
  std::vector<size_t> indegree(nodes, 0);
  auto link = [&](size_t from, size_t to) {
    preds[to].push_back(from);
    succs[from].push_back(to);
    ++indegree[to];
  };
  for (const GraphEdge& e : g.edges) link(e.kind == GraphEdge::Kind::Stage ? n + e.from : e.from, e.to);
  for (size_t s = 0; s < g.stages.size(); ++s) {
    for (size_t i = 0; i < n; ++i)
      if (g.nodes[i].stage == g.stages[s]) link(i, n + s);
    if (s > 0) link(n + s - 1, n + s);
  }
  auto weight = [&](size_t i) -> double {
    if (i >= n) return 0;
    if (!durations) return 1;
    auto it = durations->find(g.nodes[i].name);
    return it == durations->end() ? 0 : it->second;
  };
  // Kahn's algorithm, smallest index first, so ties resolve the same way every time.
  std::set<size_t> ready;
  for (size_t i = 0; i < nodes; ++i)
    if (indegree[i] == 0) ready.insert(i);
  std::vector<size_t> order;
  while (!ready.empty()) {
    size_t v = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(v);
    for (size_t s : succs[v])
      if (--indegree[s] == 0) ready.insert(s);
  }
  if (order.size() != nodes) return false;
  std::vector<double> dist(nodes, 0);
  std::vector<std::optional<size_t>> best_pred(nodes);
  for (size_t v : order) {
    double before = 0;
    for (size_t u : preds[v])
      if (!best_pred[v] || dist[u] > before || (dist[u] == before && u < *best_pred[v])) {
        before = dist[u];
        best_pred[v] = u;
      }
    dist[v] = before + weight(v);
  }
  if (n == 0) return true;
  size_t end = 0;
  for (size_t v = 1; v < n; ++v)
    if (dist[v] > dist[end]) end = v;
  g.critical_length = dist[end];
  g.critical_basis = durations ? "duration" : "job count";
  std::optional<size_t> cur = end;
  while (cur) {
    std::optional<size_t> prev = best_pred[*cur];
    if (*cur < n) {
      g.nodes[*cur].critical = true;
      if (prev)
        for (GraphEdge& e : g.edges) {
          bool stage = e.kind == GraphEdge::Kind::Stage;
          if ((stage ? n + e.from : e.from) == *prev && e.to == *cur) e.critical = true;
        }
    }
    cur = prev;
  }
  return true;
}

}  // namespace pipec::graph
