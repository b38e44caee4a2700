#include "compiler/import/github_taint.h"

#include <gtest/gtest.h>

namespace pipec::import {
namespace {

WorkflowTaint Trace(const std::string& workflow) {
  static SourceManager sm;  // nodes keep ranges into it
  FileId f = sm.AddFile("wf.yml", workflow);
  DiagnosticSink sink;
  yaml::NodePtr doc = yaml::Load(sm, f, sink, yaml::MergeKeys::kNone);
  EXPECT_TRUE(doc);
  return doc ? WorkflowTaint(*doc) : WorkflowTaint();
}

std::string SourceRead(const WorkflowTaint& t, std::string_view expr, std::string_view job) {
  std::vector<TaintedRead> reads = t.Reads(expr, job, {});
  return reads.empty() ? "" : reads[0].source;
}

// A value passes from a step output to a job output, into another job's env, out through that
// job's step output and job output, and is read in a third job.
TEST(WorkflowTaint, FollowsOutputsAcrossJobs) {
  WorkflowTaint t = Trace(R"(on: pull_request_target
jobs:
  a:
    outputs: {title: "${{ steps.s.outputs.t }}"}
    steps:
      - id: s
        env: {T: "${{ github.event.pull_request.title }}"}
        run: echo "t=$T" >> "$GITHUB_OUTPUT"
  b:
    needs: a
    env: {X: "${{ needs.a.outputs.title }}"}
    outputs: {again: "${{ steps.r.outputs.v }}"}
    steps:
      - id: r
        run: echo "v=${X}" >> $GITHUB_OUTPUT
  c:
    needs: b
    steps:
      - run: echo
)");
  EXPECT_EQ(SourceRead(t, "steps.s.outputs.t", "a"), "github.event.pull_request.title");
  EXPECT_EQ(SourceRead(t, "needs.a.outputs.title", "b"), "github.event.pull_request.title");
  EXPECT_EQ(SourceRead(t, "needs.b.outputs.again", "c"), "github.event.pull_request.title");
  EXPECT_EQ(SourceRead(t, "steps.s.outputs.t", "b"), "");  // another job's steps context
}

// Safe values, outputs written without `name=` (heredoc form) and values an env entry replaces
// carry nothing.
TEST(WorkflowTaint, SafeValuesAndUnfollowedForms) {
  WorkflowTaint t = Trace(R"(on: pull_request
env: {T: "${{ github.event.pull_request.title }}"}
jobs:
  a:
    env: {T: plain}
    steps:
      - id: s
        run: |
          echo "n=${{ github.event.pull_request.number }}" >> "$GITHUB_OUTPUT"
          echo "t=$T" >> "$GITHUB_OUTPUT"
          { echo "body<<EOF"; echo "${{ github.event.pull_request.body }}"; echo EOF; } >> "$GITHUB_OUTPUT"
)");
  EXPECT_EQ(SourceRead(t, "steps.s.outputs.n", "a"), "");
  EXPECT_EQ(SourceRead(t, "steps.s.outputs.t", "a"), "");
  EXPECT_EQ(SourceRead(t, "steps.s.outputs.body", "a"), "");
  EXPECT_EQ(SourceRead(t, "github.event.pull_request.title", "a"), "github.event.pull_request.title");
}

}  // namespace
}  // namespace pipec::import
