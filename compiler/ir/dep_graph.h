#pragma once
// The job graph with stage order as data. Node i < jobs().size() is job i; node
// jobs().size() + s is stage s's barrier, "every job of stages 0..s has finished". An
// after_stages job of stage s waits for barrier s-1; barrier s waits for the jobs of stage s
// and for barrier s-1. So edges grow with jobs + needs + stages, never with pairs of jobs,
// and every walk (cycles, upstream sets, longest paths) goes through the same few nodes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "compiler/ir/ir.h"

namespace pipec::ir {

class DepGraph {
 public:
  struct Edge {
    size_t node;
    const Need* need;  // nullptr: stage order (job -> barrier, barrier -> barrier or job)
  };

  // Edges come from the needs' job ids (ResolveJobIds); needs naming no job are left out
  // (lint reports them); duplicates are merged, keeping the first.
  explicit DepGraph(const Pipeline& p);

  const std::vector<Job>& jobs() const { return p_.jobs; }
  size_t node_count() const { return preds_.size(); }
  bool IsBarrier(size_t node) const { return node >= p_.jobs.size(); }
  size_t BarrierStage(size_t node) const { return node - p_.jobs.size(); }
  size_t Barrier(size_t stage) const { return p_.jobs.size() + stage; }

  // What a node waits for, in node order; and what waits for it.
  const std::vector<Edge>& Preds(size_t node) const { return preds_[node]; }
  const std::vector<size_t>& Succs(size_t node) const { return succs_[node]; }

  // Index of the job's stage in Pipeline::stages, or nullopt without one.
  std::optional<size_t> StageOf(size_t job) const { return stage_of_[job]; }

  // The nodes a DependsOn walk has visited: those marked with the walk's number. Reused from
  // one question to the next (a fresh table per question cost a zeroed table of every node for
  // each of the artifact rule's thousands of questions, most answered by the first edge:
  // quadratic in the number of jobs). The caller owns it, so threads can share one graph.
  class Marks {
   private:
    friend class DepGraph;
    std::vector<uint32_t> mark_;
    uint32_t walk_ = 0;
  };

  // Every job that `job` transitively waits for (needs and stage order), as a mask.
  std::vector<bool> Upstream(size_t job) const;
  // True when `consumer` transitively waits for `producer`. `marks`: one per caller thread.
  bool DependsOn(size_t consumer, size_t producer, Marks& marks) const;
  // The nodes in an order where each comes after what it waits for (Kahn's). Nodes on a
  // cycle, or waiting for one, are left out: the order is complete iff the graph is acyclic.
  std::vector<size_t> TopologicalOrder() const;

 private:
  const Pipeline& p_;
  std::vector<std::optional<size_t>> stage_of_;
  std::vector<std::vector<Edge>> preds_;
  std::vector<std::vector<size_t>> succs_;
};

}  // namespace pipec::ir
