#include <gtest/gtest.h>

#include "lint/test_builder.h"

namespace pipec::lint {
namespace {

using testing::OfKind;
using testing::TestPipeline;

// A GitHub workflow with job "build" (steps with ids "a", none, "b"; needs "test"; matrix
// key "os") and job "test"; expressions are added by each test, one per source line.
TestPipeline WorkflowFixture() {
  TestPipeline t(std::string(40, '\n'), ".github/workflows/ci.yml");
  t.p.origin = ir::Origin::GitHub;
  t.AddJob("test", 2);
  t.AddJob("build", 10);
  t.p.github.inputs = std::vector<std::string>{"mode"};
  t.p.github.job_ids = {"test", "build", "docs"};
  t.p.github.jobs.push_back({"test", {}, {}, std::vector<std::string>{}});
  t.p.github.jobs.push_back({"build", {"a", "", "b"}, {"test"}, std::vector<std::string>{"os"}});
  return t;
}

// An expression `text` read at `line`, column 10, of job `job` (-1: workflow level).
ir::GitHubExpression& AddExpression(TestPipeline& t, std::string text, uint32_t line, int job = 1) {
  ir::GitHubExpression e;
  e.text = std::move(text);
  e.job = job;
  e.matrix_known = job >= 0;
  e.where.fallback = t.At(line);
  e.where.lines.push_back({0, {line, 10}});
  t.p.github.expressions.push_back(std::move(e));
  return t.p.github.expressions.back();
}

TEST(GitHubExpressions, StepsReadBeforeTheyRunOrNeverDefined) {
  TestPipeline t = WorkflowFixture();
  ir::GitHubExpression& e = AddExpression(t, " steps.b.outputs.x && steps.A.outcome && steps.c.outputs.y ", 12);
  e.steps_known = 1;  // read by the second step: only "a" ran
  e.in_step = true;
  auto d = OfKind(t.Check(), DiagKind::GhUndefinedProperty);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "steps.b is read before the step with id \"b\" runs: its outputs and outcome are empty here");
  EXPECT_EQ(d[0].range.begin.column, 11u);
  EXPECT_EQ(d[0].range.end.column, 18u);
  EXPECT_EQ(d[1].message, "steps.c is not defined: job \"build\" has no earlier step with id \"c\"");
  ASSERT_EQ(d[1].notes.size(), 1u);
  EXPECT_EQ(d[1].notes[0].message, "GitHub evaluates it to an empty string; step ids readable here: a");
  EXPECT_EQ(d[1].subject.job, "build");
}

TEST(GitHubExpressions, StepsUnknownHereAreNotChecked) {
  TestPipeline t = WorkflowFixture();
  AddExpression(t, " steps.nope.outputs.x ", 12);  // steps_known nullopt: a job key, or computed ids
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::GhUndefinedProperty).empty());
}

TEST(GitHubExpressions, NeedsInputsAndMatrix) {
  TestPipeline t = WorkflowFixture();
  AddExpression(t, " needs.docs.result ", 12);
  AddExpression(t, " needs.ghost.result ", 13);
  AddExpression(t, " needs.test.result && inputs.mode && matrix.os ", 14);
  AddExpression(t, " inputs.other ", 15, -1);
  AddExpression(t, " matrix.arch ", 16).matrix_known = false;  // `strategy:` or the job's `if:`
  auto d = OfKind(t.Check(), DiagKind::GhUndefinedProperty);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].message, "needs.docs is not defined: job \"build\" does not list \"docs\" in `needs:`");
  EXPECT_EQ(d[0].notes[0].message, "the needs context holds only the jobs in `needs:` (test); add \"docs\" there");
  EXPECT_EQ(d[1].notes[0].message, "the needs context holds only the jobs in `needs:` (test), and no job \"ghost\" exists");
  EXPECT_EQ(d[2].message, "inputs.other is not defined: the workflow declares no input \"other\"");
  EXPECT_EQ(d[2].subject.job, "");
}

TEST(GitHubExpressions, InputsOfAnUnreadableTriggerAreNotChecked) {
  TestPipeline t = WorkflowFixture();
  t.p.github.inputs.reset();
  AddExpression(t, " inputs.anything ", 12, -1);
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::GhUndefinedProperty).empty());
}

TEST(GitHubExpressions, PropertiesInsideStringsAreText) {
  TestPipeline t = WorkflowFixture();
  AddExpression(t, " format('steps.x {0}', matrix.os) ", 12).steps_known = 0;
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::GhUndefinedProperty).empty());
}

TEST(GitHubExpressions, WholeSecretsContext) {
  TestPipeline t = WorkflowFixture();
  AddExpression(t, " toJSON(secrets) ", 12);
  AddExpression(t, " secrets.TOKEN ", 13);
  AddExpression(t, " my_secrets ", 14);
  auto d = OfKind(t.Check(), DiagKind::AllSecretsExposed);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].range.begin.line, 12u);
  EXPECT_EQ(d[0].range.begin.column, 18u);
  EXPECT_EQ(d[0].range.end.column, 25u);
}

TEST(GitHubExpressions, FieldsOfAJsonSecretUnlessOnlyCompared) {
  TestPipeline t = WorkflowFixture();
  AddExpression(t, " fromJSON(secrets.CREDS).password ", 12);
  AddExpression(t, " fromJson( secrets.CREDS )['user'].name ", 13);
  AddExpression(t, " fromJSON(secrets.CREDS) ", 14);
  AddExpression(t, " fromJSON(secrets.CREDS).enabled ", 15).condition = true;
  auto d = OfKind(t.Check(), DiagKind::UnredactedSecret);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "`fromJSON(secrets.CREDS).password` takes a field out of a JSON secret: GitHub masks the secret's whole text, not the field, so its value shows in clear wherever it is printed");
  EXPECT_EQ(d[0].subject.secrets, std::vector<std::string>{"CREDS"});
  EXPECT_NE(d[1].message.find("`fromJson( secrets.CREDS )['user'].name`"), std::string::npos);
}

TEST(GitHubExpressions, UntrustedTextInScripts) {
  TestPipeline t = WorkflowFixture();
  ir::GitHubExpression& direct = AddExpression(t, " github.event.issue.title ", 12);
  direct.script = true;
  direct.taint.push_back({ir::TaintedRead::Via::Event, 1, 24, "github.event.issue.title", "github.event.issue.title"});
  ir::GitHubExpression& env = AddExpression(t, " env.TITLE ", 13);
  env.script = true;
  env.taint.push_back({ir::TaintedRead::Via::Env, 1, 9, "env.TITLE", "github.event.issue.title"});
  ir::GitHubExpression& out = AddExpression(t, " needs.test.outputs.t ", 14);
  out.script = true;
  out.taint.push_back({ir::TaintedRead::Via::JobOutput, 1, 20, "needs.test.outputs.t", "github.head_ref"});
  auto d = OfKind(t.Check(), DiagKind::GhScriptInjection);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_EQ(d[0].message, "\"github.event.issue.title\" is potentially untrusted. avoid using it directly in inline scripts. instead, pass it through an environment variable");
  EXPECT_EQ(d[0].range.begin.column, 11u);
  EXPECT_EQ(d[0].range.end.column, 35u);
  EXPECT_EQ(d[1].message, "\"env.TITLE\" holds potentially untrusted \"github.event.issue.title\": `${{ env.TITLE }}` puts it into the script text before the shell runs. read it as the variable \"$TITLE\" instead");
  EXPECT_EQ(d[2].notes[0].message, "the job output carries it; an environment variable is safe only when the shell expands it: quoted, as data");
  EXPECT_EQ(d[2].subject.job, "build");
}

TEST(GitHubExpressions, OnlyGitHubWorkflows) {
  TestPipeline t = WorkflowFixture();
  AddExpression(t, " toJSON(secrets) ", 12);
  t.p.origin = ir::Origin::GitLab;
  std::vector<std::string> broken = ir::Verify(t.p);
  EXPECT_FALSE(broken.empty());  // GitHub's facts on a GitLab pipeline break the contract
}

TEST(GitHubExpressions, ExpressionOverLinesAndUnfoundLines) {
  ir::TextMap map;
  map.fallback = {0, {3, 5}, {3, 9}};
  map.lines = {{0, {7, 20}}, {12, {8, 1}}, {30, {}}};
  EXPECT_EQ(map.At(4, 3).begin, (SourceLoc{7, 24}));
  EXPECT_EQ(map.At(4, 3).end, (SourceLoc{7, 27}));
  EXPECT_EQ(map.At(15, 2).begin, (SourceLoc{8, 4}));
  EXPECT_EQ(map.At(31, 2), map.fallback);  // a line not found in the file: the node
}

}  // namespace
}  // namespace pipec::lint
