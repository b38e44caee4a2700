#include "compiler/ir/dep_graph.h"

#include <algorithm>
#include <map>
#include <string>

namespace pipec::ir {

DepGraph::DepGraph(const Pipeline& p) : p_(p) {
  size_t n = p.jobs.size(), stages = p.stages.size();
  std::map<std::string_view, size_t> stage_index;
  for (size_t s = 0; s < stages; ++s) stage_index.emplace(p.stages[s], s);
  stage_of_.assign(n, std::nullopt);
  preds_.assign(n + stages, {});
  succs_.assign(n + stages, {});
  auto add = [&](size_t from, size_t to, const Need* need) {
    preds_[to].push_back({from, need});
    succs_[from].push_back(to);
  };
  // One table of the needs seen, cleared after each job by what it marked: a table per job
  // made the graph quadratic in the number of jobs (1.25 GB set to zero for 100,000).
  std::vector<bool> seen(n, false);
  for (size_t i = 0; i < n; ++i) {
    const Job& j = p.jobs[i];
    if (auto it = stage_index.find(j.stage); !j.stage.empty() && it != stage_index.end())
      stage_of_[i] = it->second;
    for (const Need& need : j.needs) {
      if (need.job_id >= n || seen[need.job_id]) continue;
      seen[need.job_id] = true;
      add(need.job_id, i, &need);
    }
    for (const Need& need : j.needs)
      if (need.job_id < n) seen[need.job_id] = false;
    if (j.after_stages && stage_of_[i] && *stage_of_[i] > 0)
      add(Barrier(*stage_of_[i] - 1), i, nullptr);
  }
  for (size_t i = 0; i < n; ++i)
    if (stage_of_[i]) add(i, Barrier(*stage_of_[i]), nullptr);
  for (size_t s = 1; s < stages; ++s) add(Barrier(s - 1), Barrier(s), nullptr);
  for (auto& preds : preds_)
    std::sort(preds.begin(), preds.end(),
              [](const Edge& a, const Edge& b) { return a.node < b.node; });
  for (auto& succs : succs_) std::sort(succs.begin(), succs.end());
}

std::vector<bool> DepGraph::Upstream(size_t job) const {
  std::vector<bool> seen(node_count(), false);
  std::vector<size_t> stack{job};
  while (!stack.empty()) {
    size_t v = stack.back();
    stack.pop_back();
    for (const Edge& e : preds_[v])
      if (!seen[e.node]) {
        seen[e.node] = true;
        stack.push_back(e.node);
      }
  }
  seen.resize(p_.jobs.size());
  return seen;
}

bool DepGraph::DependsOn(size_t consumer, size_t producer, Marks& marks) const {
  std::vector<uint32_t>& mark = marks.mark_;
  uint32_t& walk = marks.walk_;
  if (mark.size() != node_count() || ++walk == 0) {  // first walk, or the numbers wrapped
    mark.assign(node_count(), 0);
    walk = 1;
  }
  std::vector<size_t> stack{consumer};
  while (!stack.empty()) {
    size_t v = stack.back();
    stack.pop_back();
    for (const Edge& e : preds_[v]) {
      if (e.node == producer) return true;
      if (mark[e.node] != walk) {
        mark[e.node] = walk;
        stack.push_back(e.node);
      }
    }
  }
  return false;
}

std::vector<size_t> DepGraph::TopologicalOrder() const {
  std::vector<size_t> pending(node_count()), order;
  order.reserve(node_count());
  for (size_t v = 0; v < node_count(); ++v)
    if ((pending[v] = preds_[v].size()) == 0) order.push_back(v);
  for (size_t k = 0; k < order.size(); ++k)
    for (size_t w : succs_[order[k]])
      if (--pending[w] == 0) order.push_back(w);
  return order;
}

}  // namespace pipec::ir
