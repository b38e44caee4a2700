#include "runtime/condition.h"

#include <gtest/gtest.h>

namespace pipec::runtime {
namespace {

plan::Condition Leaf(std::string op, plan::Operand l, plan::Operand r = {}) {
  plan::Condition c;
  c.op = std::move(op);
  c.left = std::move(l);
  c.right = std::move(r);
  return c;
}
plan::Condition Node(std::string op, std::vector<plan::Condition> args) {
  plan::Condition c;
  c.op = std::move(op);
  c.args = std::move(args);
  return c;
}

EvalContext Ctx() {
  EvalContext ctx;
  ctx.trigger = "schedule:nightly";
  ctx.git = {{"branch", "release/1.2"}, {"sha", "abc"}};
  ctx.inputs = {{"force", "false"}, {"n", "3"}};
  ctx.output = [](const std::string& job, const std::string& out) -> std::optional<std::string> {
    if (job == "qualify" && out == "qualified") return "true";
    if (job == "qualify" && out == "score") return "0.5";
    return std::nullopt;
  };
  return ctx;
}

TEST(Condition, TriggerIn) {
  plan::Condition c;
  c.op = "trigger_in";
  c.triggers = {"push", "schedule"};
  EXPECT_TRUE(EvaluateCondition(c, Ctx()));
  c.triggers = {"push", "schedule:weekly"};
  EXPECT_FALSE(EvaluateCondition(c, Ctx()));
  EXPECT_FALSE(TriggerMatches("sched", "schedule:nightly"));
}

TEST(Condition, GitMatchesAndEquality) {
  EXPECT_TRUE(EvaluateCondition(Leaf("matches", {"git", "branch", ""}, {"literal", "release/*", ""}), Ctx()));
  EXPECT_FALSE(EvaluateCondition(Leaf("matches", {"git", "branch", ""}, {"literal", "main", ""}), Ctx()));
  EXPECT_TRUE(EvaluateCondition(Leaf("ne", {"git", "branch", ""}, {"literal", "main", ""}), Ctx()));
  EXPECT_TRUE(EvaluateCondition(Leaf("eq", {"input", "n", ""}, {"literal", "3.0", ""}), Ctx()));
  EXPECT_FALSE(EvaluateCondition(Leaf("eq", {"input", "n", ""}, {"literal", "4", ""}), Ctx()));
}

TEST(Condition, OutputsAndLogic) {
  auto gate = Leaf("truthy", {"output", "qualified", "qualify"});
  auto force = Leaf("truthy", {"input", "force", ""});
  EXPECT_TRUE(EvaluateCondition(Node("or", {gate, force}), Ctx()));
  EXPECT_FALSE(EvaluateCondition(Node("and", {gate, force}), Ctx()));
  EXPECT_TRUE(EvaluateCondition(Node("not", {force}), Ctx()));
  // A missing output (upstream skipped) is false.
  EXPECT_FALSE(EvaluateCondition(Leaf("truthy", {"output", "other", "qualify"}), Ctx()));
  EXPECT_TRUE(EvaluateCondition(Leaf("eq", {"output", "score", "qualify"}, {"literal", "0.50", ""}), Ctx()));
  EXPECT_TRUE(ReadsOutputs(Node("or", {force, gate})));
  EXPECT_FALSE(ReadsOutputs(force));
  EXPECT_EQ(DescribeCondition(Node("or", {gate, Node("not", {force})})), "qualify.qualified or not inputs.force");
}

TEST(Condition, Truthiness) {
  EXPECT_FALSE(IsTruthy(""));
  EXPECT_FALSE(IsTruthy("false"));
  EXPECT_FALSE(IsTruthy("0"));
  EXPECT_FALSE(IsTruthy("0.0"));
  EXPECT_TRUE(IsTruthy("true"));
  EXPECT_TRUE(IsTruthy("2"));
  EXPECT_TRUE(IsTruthy("yes"));
}

}  // namespace
}  // namespace pipec::runtime
