#include "runtime/plan.h"

#include <gtest/gtest.h>

namespace pipec::plan {
namespace {

Plan SamplePlan() {
  Plan p;
  p.pipeline = "demo";
  p.source = "demo.pipe";
  p.triggers.push_back({"push", TriggerKind::Push, {"main"}, {}, "", "", "", ""});
  p.triggers.push_back({"schedule:nightly", TriggerKind::Schedule, {}, {}, "", "0 3 * * *", "UTC", "main"});
  p.inputs.push_back({"force", InputType::Bool, "false"});
  p.secrets.push_back({"TOKEN", true, false});
  p.caches.push_back({"pip", "pip-", {"requirements.txt"}, {".cache/pip"}, CachePolicy::PullPush});
  p.variables["PY"] = "3.12";
  p.stages = {"build", "test"};
  Job build;
  build.name = "build";
  build.stage = "build";
  build.commands = {"make", "echo ${CI_COMMIT_SHA}"};
  build.outputs.push_back({"bin", ArtifactKind::File, "out/bin"});
  build.outputs.push_back({"ok", ArtifactKind::Bool, "ok.txt"});
  build.triggers = {"push"};
  build.caches = {"pip"};
  build.secret_env["API_TOKEN"] = "TOKEN";
  build.timeout_seconds = 60;
  Job test;
  test.name = "test";
  test.stage = "test";
  test.needs = {"build"};
  test.inputs.push_back({"bin", "build", "bin", ArtifactKind::File, "out/bin"});
  test.condition.op = plan::CondOp::And;
  Condition a;
  a.op = plan::CondOp::Truthy;
  a.left = {plan::OperandKind::Output, "ok", "build"};
  Condition b;
  b.op = plan::CondOp::Matches;
  b.left = {plan::OperandKind::Git, "branch", ""};
  b.right = {plan::OperandKind::Literal, "release/*", ""};
  test.condition.args = {a, b};
  test.retry = 2;
  test.allow_failure = true;
  test.run_when = plan::RunWhen::Always;
  p.jobs = {build, test};
  return p;
}

TEST(PlanJson, RoundTripsByteIdentical) {
  Plan p = SamplePlan();
  std::string text = WritePlanJson(p);
  std::string error;
  auto back = ReadPlanJson(text, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(WritePlanJson(*back), text);
  EXPECT_EQ(back->jobs[1].condition.args[0].left.job, "build");
  EXPECT_EQ(back->jobs[0].timeout_seconds, 60);
  EXPECT_FALSE(back->jobs[1].timeout_seconds.has_value());
  EXPECT_EQ(back->inputs[0].default_value, "false");
}

TEST(PlanJson, FormatIsTwoSpaceSortedWithTrailingNewline) {
  Plan p;
  p.pipeline = "x";
  std::string text = WritePlanJson(p);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.rfind("{\n  \"caches\": [],\n", 0), 0u) << text;
  // Keys are sorted: "version" comes last.
  EXPECT_NE(text.find("  \"version\": 2\n}\n"), std::string::npos);
}

TEST(PlanJson, ChildPlanRoundTrips) {
  Plan p = SamplePlan();
  Job child;
  child.name = "deploy_api";
  child.trigger = ChildTrigger{ChildKind::Pipeline, "api/api.pipe", "", {{"v", "1"}}, std::make_shared<Plan>(SamplePlan())};
  p.jobs.push_back(child);
  std::string error;
  auto back = ReadPlanJson(WritePlanJson(p), &error);
  ASSERT_TRUE(back) << error;
  ASSERT_TRUE(back->jobs[2].trigger);
  ASSERT_TRUE(back->jobs[2].trigger->plan);
  EXPECT_EQ(back->jobs[2].trigger->plan->jobs.size(), 2u);
}

std::string ErrorOf(const std::string& text) {
  std::string error;
  auto p = ReadPlanJson(text, &error);
  EXPECT_FALSE(p) << "accepted: " << text;
  return error;
}

TEST(PlanJson, RejectsWrongVersion) {
  EXPECT_EQ(ErrorOf(R"({"version": 3, "jobs": []})"),
            "version: unsupported plan version 3 (this pipec reads versions 1 to 2)");
  EXPECT_EQ(ErrorOf(R"({"version": 0, "jobs": []})"),
            "version: unsupported plan version 0 (this pipec reads versions 1 to 2)");
  EXPECT_EQ(ErrorOf(R"({"jobs": []})"), "version: missing required field");
  EXPECT_EQ(ErrorOf(R"({"version": "1", "jobs": []})"), "version: expected an integer, got a string");
}

// Version 1 had stage order flattened into needs and no `stages`; it is still read, and
// written back as version 1.
TEST(PlanJson, ReadsVersionOne) {
  std::string v1 = R"({"version": 1, "jobs": [{"name": "a", "stage": "build"}, {"name": "b", "stage": "test", "needs": ["a"]}]})";
  std::string error;
  auto p = ReadPlanJson(v1, &error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->version, 1);
  EXPECT_TRUE(p->stages.empty());
  EXPECT_FALSE(p->jobs[1].after_stages);
  std::string text = WritePlanJson(*p);
  EXPECT_EQ(text.find("after_stages"), std::string::npos) << text;
  EXPECT_EQ(text.find("\"stages\""), std::string::npos) << text;
  ASSERT_TRUE(ReadPlanJson(text, &error)) << error;
  EXPECT_EQ(ErrorOf(R"({"version": 1, "stages": ["a"], "jobs": []})"), "stages: unknown field");
}

TEST(PlanJson, ChecksStageOrder) {
  EXPECT_EQ(ErrorOf(R"({"version": 2, "stages": ["a", "a"], "jobs": []})"), "stages[1]: duplicate stage \"a\"");
  EXPECT_EQ(ErrorOf(R"({"version": 2, "stages": ["a"], "jobs": [{"name": "x", "stage": "b"}]})"),
            "jobs[0].stage: unknown stage \"b\"");
  EXPECT_EQ(ErrorOf(R"({"version": 2, "jobs": [{"name": "x", "after_stages": true}]})"),
            "jobs[0].after_stages: a job without a stage has no earlier stages to wait for");
  // x (stage a) needs y, which waits for every job of stage a: a loop through stage order.
  EXPECT_EQ(ErrorOf(R"({"version": 2, "stages": ["a", "b"], "jobs": [
      {"name": "x", "stage": "a", "needs": ["y"]}, {"name": "y", "stage": "b", "after_stages": true}]})"),
            "jobs[1].after_stages: dependency cycle through stage order: \"x\" -> \"y\" -> stage \"a\" -> \"x\" "
            "(each waits for the next)");
}

TEST(PlanJson, RejectsUnknownNeeds) {
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a"}, {"name": "b", "needs": ["a", "x"]}]})"),
            "jobs[1].needs[1]: unknown job \"x\"");
}

TEST(PlanJson, RejectsDuplicateJobNames) {
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a"}, {"name": "a"}]})"),
            "jobs[1].name: duplicate job name \"a\" (first at jobs[0])");
}

TEST(PlanJson, RejectsCycles) {
  std::string e = ErrorOf(
      R"({"version": 1, "jobs": [{"name": "a", "needs": ["b"]}, {"name": "b", "needs": ["a"]}]})");
  EXPECT_NE(e.find("dependency cycle"), std::string::npos) << e;
}

TEST(PlanJson, NamesPathOfNestedProblems) {
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a", "condition": {"op": "and", "args": [{"op": "bogus"}]}}]})"),
            "jobs[0].condition.args[0].op: unknown value \"bogus\" (expected one of: true, and, or, not, "
            "trigger_in, eq, ne, matches, truthy, changed)");
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a", "nedds": []}]})"), "jobs[0].nedds: unknown field");
  EXPECT_EQ(ErrorOf(R"({"version": 2, "jobs": [{"name": "a", "outputs": [{"name": "o", "kind": "blob", "path": "x"}]}]})"),
            "jobs[0].outputs[0].kind: unknown value \"blob\" (expected one of: file, dir, junit, dotenv, "
            "codequality, coverage, bool, int, float, string)");
  EXPECT_EQ(ErrorOf(R"({"version": 2, "inputs": [{"name": "n", "type": "list"}], "jobs": [{"name": "a"}]})"),
            "inputs[0].type: unknown value \"list\" (expected one of: string, int, float, bool, duration, path)");
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a", "commands": ["x", 3]}]})"),
            "jobs[0].commands[1]: expected a string, got an integer");
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a", "outputs": [{"name": "o", "kind": "file", "path": "x"}]},
              {"name": "b", "inputs": [{"name": "i", "job": "a", "output": "p", "path": "x"}], "needs": ["a"]}]})"),
            "jobs[1].inputs[0].output: job \"a\" has no output \"p\"");
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a", "secret_env": {"X": "NOPE"}}]})"),
            "jobs[0].secret_env.X: unknown secret \"NOPE\"");
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a", "trigger": {"kind": "pipeline"}}]})"),
            "jobs[0].trigger.plan: a child pipeline trigger embeds its plan");
  EXPECT_EQ(ErrorOf(R"({"version": 1, "jobs": [{"name": "a", "trigger": {"kind": "pipeline", "plan": {"version": 1, "jobs": [{"name": ""}]}}}]})"),
            "jobs[0].trigger.plan.jobs[0].name: a job name cannot be empty");
}

TEST(PlanJson, RejectsNonObjectsAndBadJson) {
  EXPECT_EQ(ErrorOf("[]"), "plan: expected an object, got an array");
  std::string e = ErrorOf("{\"version\": 1,");
  EXPECT_EQ(e.rfind("invalid JSON: parse error at line 1", 0), 0u) << e;
}

}  // namespace
}  // namespace pipec::plan
