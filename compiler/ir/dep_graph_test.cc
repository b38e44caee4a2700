#include "compiler/ir/dep_graph.h"

#include <gtest/gtest.h>

namespace pipec::ir {
namespace {

Job Make(std::string name, std::string stage, bool after, std::vector<std::string> needs = {}) {
  Job j;
  j.name = j.base_name = std::move(name);
  j.stage = std::move(stage);
  j.after_stages = after;
  for (std::string& n : needs)
    j.needs.push_back({std::move(n), false, false, Need::Origin::Explicit, {}});
  return j;
}

Pipeline ThreeStages() {
  Pipeline p;
  p.stages = {"build", "test", "deploy"};
  p.jobs = {Make("b1", "build", true), Make("b2", "build", true), Make("t", "test", true),
            Make("fast", "test", false, {"b1"}), Make("d", "deploy", true)};
  ResolveJobIds(p);
  return p;
}

TEST(DepGraph, StageOrderGoesThroughOneBarrierPerStage) {
  Pipeline p = ThreeStages();
  DepGraph g(p);
  ASSERT_EQ(g.node_count(), 5u + 3u);
  // t waits for the barrier of stage build only; the barrier waits for b1 and b2.
  ASSERT_EQ(g.Preds(2).size(), 1u);
  EXPECT_EQ(g.Preds(2)[0].node, g.Barrier(0));
  EXPECT_EQ(g.Preds(2)[0].need, nullptr);
  ASSERT_EQ(g.Preds(g.Barrier(0)).size(), 2u);
  // The barrier of stage test waits for its jobs and the barrier before it.
  EXPECT_EQ(g.Preds(g.Barrier(1)).size(), 3u);
  // fast needs b1 only: no stage edge.
  ASSERT_EQ(g.Preds(3).size(), 1u);
  EXPECT_EQ(g.Preds(3)[0].node, 0u);
  EXPECT_NE(g.Preds(3)[0].need, nullptr);
}

TEST(DepGraph, UpstreamFollowsNeedsAndStageOrder) {
  Pipeline p = ThreeStages();
  DepGraph g(p);
  EXPECT_EQ(g.Upstream(4),
            (std::vector<bool>{true, true, true, true, false}));  // d: everything earlier
  EXPECT_EQ(g.Upstream(3), (std::vector<bool>{true, false, false, false, false}));  // fast: b1
  DepGraph::Marks marks;
  EXPECT_TRUE(g.DependsOn(4, 1, marks));
  EXPECT_FALSE(g.DependsOn(3, 1, marks));
  EXPECT_TRUE(g.DependsOn(4, 1, marks));  // the marks of earlier walks do not stop a new one
  EXPECT_FALSE(g.DependsOn(1, 4, marks));
}

TEST(DepGraph, EdgesFollowJobIds) {
  Pipeline p = ThreeStages();
  EXPECT_EQ(p.jobs[3].needs[0].job_id, 0u);  // fast -> b1
  // A need on a name no job has gets no id and no edge (lint reports it).
  p.jobs[3].needs.push_back({"nope", false, false, Need::Origin::Explicit, {}});
  ResolveJobIds(p);
  EXPECT_EQ(p.jobs[3].needs[1].job_id, kNoJob);
  DepGraph g(p);
  EXPECT_EQ(g.Preds(3).size(), 1u);
}

TEST(DepGraph, EdgesGrowWithJobsNotPairs) {
  Pipeline p;
  p.stages = {"a", "b", "c"};
  for (int i = 0; i < 3000; ++i)
    p.jobs.push_back(Make("j" + std::to_string(i), p.stages[i % 3], true));
  DepGraph g(p);
  size_t edges = 0;
  for (size_t v = 0; v < g.node_count(); ++v) edges += g.Preds(v).size();
  EXPECT_LE(edges, 2 * p.jobs.size() + p.stages.size());
  EXPECT_EQ(g.TopologicalOrder().size(), g.node_count());
}

TEST(DepGraph, ACycleThroughStageOrderLeavesTheOrderIncomplete) {
  Pipeline p;
  p.stages = {"a", "b"};
  p.jobs = {Make("x", "a", false, {"y"}),
            Make("y", "b", true)};  // x needs y, y waits for x's stage
  ResolveJobIds(p);
  DepGraph g(p);
  EXPECT_LT(g.TopologicalOrder().size(), g.node_count());
}

}  // namespace
}  // namespace pipec::ir
