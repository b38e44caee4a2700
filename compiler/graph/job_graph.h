#pragma once
// The job graph `pipec graph` draws, built from the IR alone: jobs grouped by stage, edges
// typed by why they exist (an artifact or value passed, a plain `needs`, stage order), the
// jobs that receive secrets, and optionally the critical path. Renderers (render.h) turn
// it into Graphviz DOT or Mermaid; everything is in a deterministic order.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace pipec::graph {

struct GraphNode {
  std::string name;                  // expanded job name
  std::string stage;                 // "" = none declared
  std::vector<std::string> secrets;  // secret names bound into the job's env, sorted
  bool manual_approval = false;      // environment with approval manual
  bool never_runs = false;           // no trigger activates it
  std::optional<double> seconds;     // duration from run data
  bool critical = false;
};

struct GraphEdge {
  enum class Kind { Data, Order, Stage };
  // Indices into JobGraph::nodes; `to` waits for `from`. For Kind::Stage, `from` indexes
  // JobGraph::stages instead: `to` waits for every job of that stage and the earlier ones
  // (drawn from the stage's cluster: one edge per job, not one per pair of jobs).
  size_t from = 0, to = 0;
  Kind kind = Kind::Order;
  std::vector<std::string> labels;  // Data: artifact / value names passed along
  bool critical = false;
};

struct JobGraph {
  std::string name;                 // the pipeline's name
  std::string trigger;              // the --trigger filter ("" = every job)
  std::vector<std::string> stages;  // clusters in declared order (only non-empty ones)
  std::vector<GraphNode> nodes;     // source order
  std::vector<GraphEdge> edges;     // by consumer, then producer
  // How the critical path was measured: "" (not computed), "duration", "job count".
  std::string critical_basis;
  double critical_length = 0;       // seconds or jobs
};

struct GraphOptions {
  std::string trigger;  // a trigger id ("push", "schedule:nightly"); "" = all jobs
};

// The trigger id `spelling` names in `p` ("schedule.nightly" and a kind with a single
// trigger, such as "schedule", are accepted too); nullopt when none matches.
std::optional<std::string> ResolveTrigger(const ir::Pipeline& p, const std::string& spelling);

JobGraph BuildJobGraph(const ir::Pipeline& p, const GraphOptions& opts);

// Marks the longest path through the graph. Weights are `durations` (job name -> seconds;
// jobs missing from it weigh 0) or, when `durations` is null, one per job. Returns false
// (and marks nothing) when the graph has a cycle.
bool MarkCriticalPath(JobGraph& g, const std::map<std::string, double>* durations);

}  // namespace pipec::graph
