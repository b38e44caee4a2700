#include "compiler/graph/job_graph.h"

#include <gtest/gtest.h>

#include "compiler/graph/render.h"
#include "compiler/sema/sema.h"

namespace pipec::graph {
namespace {

constexpr const char* kPipeline = R"(pipeline demo version 1
on push
on schedule nightly cron "0 3 * * *"
stages build, test, deploy
secret TOKEN masked
job build { stage build  run "make"  out bin: dir "bin" }
job unit { stage test  in bin = build.bin  run "make test"  out ok: bool from "ok.txt" }
job lint { stage test  run "make lint" }
job train { stage build  when trigger is schedule.nightly  run "train" }
job deploy {
  stage deploy
  needs lint
  when unit.ok
  environment prod { approval manual }
  env { TOKEN = TOKEN }
  run "deploy"
}
)";

ir::Pipeline Compile() {
  SourceManager sm;
  DiagnosticSink sink;
  FileId f = sm.AddFile("demo.pipe", kPipeline);
  std::optional<ir::Pipeline> p = sema::AnalyzeLoaded(f, sm, sink);
  EXPECT_TRUE(p.has_value()) << (sink.diagnostics().empty() ? "" : sink.diagnostics()[0].message);
  return p.value_or(ir::Pipeline{});
}

const GraphNode* Node(const JobGraph& g, std::string_view name) {
  for (const GraphNode& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}
const GraphEdge* Edge(const JobGraph& g, std::string_view from, std::string_view to) {
  for (const GraphEdge& e : g.edges)
    if (g.nodes[e.from].name == from && g.nodes[e.to].name == to) return &e;
  return nullptr;
}

TEST(JobGraph, TypesEdgesAndMarksSecrets) {
  ir::Pipeline p = Compile();
  JobGraph g = BuildJobGraph(p, {});
  ASSERT_EQ(g.nodes.size(), 5u);
  EXPECT_EQ(g.stages, (std::vector<std::string>{"build", "test", "deploy"}));
  const GraphEdge* data = Edge(g, "build", "unit");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->kind, GraphEdge::Kind::Data);
  EXPECT_EQ(data->labels, (std::vector<std::string>{"bin"}));
  const GraphEdge* value = Edge(g, "unit", "deploy");
  ASSERT_TRUE(value);
  EXPECT_EQ(value->kind, GraphEdge::Kind::Data);
  EXPECT_EQ(value->labels, (std::vector<std::string>{"ok"}));
  const GraphEdge* order = Edge(g, "lint", "deploy");
  ASSERT_TRUE(order);
  EXPECT_EQ(order->kind, GraphEdge::Kind::Order);
  EXPECT_EQ(Node(g, "deploy")->secrets, (std::vector<std::string>{"TOKEN"}));
  EXPECT_TRUE(Node(g, "deploy")->manual_approval);
  EXPECT_TRUE(Node(g, "build")->secrets.empty());
}

TEST(JobGraph, TriggerLeavesOutAbsentJobs) {
  ir::Pipeline p = Compile();
  ASSERT_EQ(ResolveTrigger(p, "schedule"), "schedule:nightly");
  ASSERT_EQ(ResolveTrigger(p, "schedule.nightly"), "schedule:nightly");
  EXPECT_EQ(ResolveTrigger(p, "tag"), std::nullopt);
  JobGraph push = BuildJobGraph(p, {"push"});
  EXPECT_EQ(Node(push, "train"), nullptr);
  EXPECT_NE(Node(push, "build"), nullptr);
  JobGraph nightly = BuildJobGraph(p, {"schedule:nightly"});
  EXPECT_NE(Node(nightly, "train"), nullptr);
}

TEST(JobGraph, CriticalPathByCountAndByDuration) {
  ir::Pipeline p = Compile();
  JobGraph g = BuildJobGraph(p, {"push"});
  ASSERT_TRUE(MarkCriticalPath(g, nullptr));
  EXPECT_EQ(g.critical_basis, "job count");
  EXPECT_EQ(g.critical_length, 3);  // build -> unit -> deploy
  EXPECT_TRUE(Node(g, "build")->critical && Node(g, "unit")->critical && Node(g, "deploy")->critical);
  EXPECT_FALSE(Node(g, "lint")->critical);
  EXPECT_TRUE(Edge(g, "unit", "deploy")->critical);

  JobGraph d = BuildJobGraph(p, {"push"});
  std::map<std::string, double> secs{{"build", 1}, {"unit", 2}, {"lint", 30}, {"deploy", 4}};
  ASSERT_TRUE(MarkCriticalPath(d, &secs));
  EXPECT_EQ(d.critical_basis, "duration");
  EXPECT_TRUE(Node(d, "lint")->critical);
  EXPECT_FALSE(Node(d, "unit")->critical);
  // lint waits for the build stage (stage order), so the path is build -> lint -> deploy.
  ASSERT_TRUE(Edge(d, "build", "lint"));
  EXPECT_EQ(Edge(d, "build", "lint")->kind, GraphEdge::Kind::Stage);
  EXPECT_TRUE(Edge(d, "build", "lint")->critical);
  EXPECT_DOUBLE_EQ(d.critical_length, 35);
  EXPECT_EQ(CriticalPathCaption(d).rfind("critical path by duration: ", 0), 0u);
}

TEST(Render, DotAndMermaidAreDeterministicAndShowTheFacts) {
  ir::Pipeline p = Compile();
  JobGraph g = BuildJobGraph(p, {});
  std::string dot = RenderDot(g);
  EXPECT_EQ(dot, RenderDot(BuildJobGraph(p, {})));
  EXPECT_NE(dot.find("subgraph \"cluster_0\" {\n    label=\"stage build\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"build\" -> \"unit\" [label=\"bin\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"lint\" -> \"deploy\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"deploy\\nsecrets: TOKEN\\napproval: manual\""), std::string::npos) << dot;
  std::string mm = RenderMermaid(g);
  EXPECT_NE(mm.find("flowchart LR\n  subgraph s0 [\"stage build\"]\n"), std::string::npos) << mm;
  EXPECT_NE(mm.find("j0 -->|\"bin\"| j1"), std::string::npos) << mm;
  EXPECT_NE(mm.find("class j4 secret"), std::string::npos) << mm;
}

TEST(Render, FormatsDurations) {
  EXPECT_EQ(FormatSeconds(2.54), "2.5s");
  EXPECT_EQ(FormatSeconds(65), "1m05s");
  EXPECT_EQ(FormatSeconds(3725), "1h02m");
}

}  // namespace
}  // namespace pipec::graph
