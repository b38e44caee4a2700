#include "runtime/condition.h"

#include <gtest/gtest.h>

namespace pipec::runtime {
namespace {

plan::Condition Leaf(plan::CondOp op, plan::Operand l, plan::Operand r = {}) {
  plan::Condition c;
  c.op = std::move(op);
  c.left = std::move(l);
  c.right = std::move(r);
  return c;
}
plan::Condition Node(plan::CondOp op, std::vector<plan::Condition> args) {
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
  c.op = plan::CondOp::TriggerIn;
  c.triggers = {"push", "schedule"};
  EXPECT_TRUE(EvaluateCondition(c, Ctx()));
  c.triggers = {"push", "schedule:weekly"};
  EXPECT_FALSE(EvaluateCondition(c, Ctx()));
  EXPECT_FALSE(TriggerMatches("sched", "schedule:nightly"));
}

TEST(Condition, GitMatchesAndEquality) {
  EXPECT_TRUE(EvaluateCondition(Leaf(plan::CondOp::Matches, {plan::OperandKind::Git, "branch", ""}, {plan::OperandKind::Literal, "release/*", ""}), Ctx()));
  EXPECT_FALSE(EvaluateCondition(Leaf(plan::CondOp::Matches, {plan::OperandKind::Git, "branch", ""}, {plan::OperandKind::Literal, "main", ""}), Ctx()));
  EXPECT_TRUE(EvaluateCondition(Leaf(plan::CondOp::Ne, {plan::OperandKind::Git, "branch", ""}, {plan::OperandKind::Literal, "main", ""}), Ctx()));
  EXPECT_TRUE(EvaluateCondition(Leaf(plan::CondOp::Eq, {plan::OperandKind::Input, "n", ""}, {plan::OperandKind::Literal, "3.0", ""}), Ctx()));
  EXPECT_FALSE(EvaluateCondition(Leaf(plan::CondOp::Eq, {plan::OperandKind::Input, "n", ""}, {plan::OperandKind::Literal, "4", ""}), Ctx()));
}

TEST(Condition, OutputsAndLogic) {
  auto gate = Leaf(plan::CondOp::Truthy, {plan::OperandKind::Output, "qualified", "qualify"});
  auto force = Leaf(plan::CondOp::Truthy, {plan::OperandKind::Input, "force", ""});
  EXPECT_TRUE(EvaluateCondition(Node(plan::CondOp::Or, {gate, force}), Ctx()));
  EXPECT_FALSE(EvaluateCondition(Node(plan::CondOp::And, {gate, force}), Ctx()));
  EXPECT_TRUE(EvaluateCondition(Node(plan::CondOp::Not, {force}), Ctx()));
  // A missing output (upstream skipped) is false.
  EXPECT_FALSE(EvaluateCondition(Leaf(plan::CondOp::Truthy, {plan::OperandKind::Output, "other", "qualify"}), Ctx()));
  EXPECT_TRUE(EvaluateCondition(Leaf(plan::CondOp::Eq, {plan::OperandKind::Output, "score", "qualify"}, {plan::OperandKind::Literal, "0.50", ""}), Ctx()));
  EXPECT_TRUE(ReadsOutputs(Node(plan::CondOp::Or, {force, gate})));
  EXPECT_FALSE(ReadsOutputs(force));
  EXPECT_EQ(DescribeCondition(Node(plan::CondOp::Or, {gate, Node(plan::CondOp::Not, {force})})), "qualify.qualified or not inputs.force");
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
