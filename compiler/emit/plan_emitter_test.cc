#include "compiler/emit/plan_emitter.h"

#include <gtest/gtest.h>

#include "compiler/emit/test_pipeline.h"
#include "compiler/ir/verify.h"

namespace pipec::emit {
namespace {

using namespace testing;

TEST(PlanEmitter, JobsCarryEverythingTheRuntimeNeeds) {
  DiagnosticSink diags;
  plan::Plan plan = LowerToPlan(HatPipeline(), diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(plan.version, 2);
  EXPECT_EQ(plan.stages, (std::vector<std::string>{"test", "build", "train"}));
  ASSERT_EQ(plan.jobs.size(), 5u);
  EXPECT_TRUE(plan.jobs[1].after_stages);
  EXPECT_FALSE(plan.jobs[2].after_stages);
  const plan::Job& train = plan.jobs[1];
  EXPECT_EQ(train.secret_env.at("KAGGLE_KEY"), "KAGGLE_KEY");
  EXPECT_TRUE(train.env.empty());
  EXPECT_EQ(train.triggers, (std::vector<std::string>{"manual", "schedule:daily"}));
  const plan::Job& update = plan.jobs[3];
  EXPECT_EQ(update.commands[0], "cp model.pkl api/model.pkl && echo ${CI_COMMIT_SHA}");
  EXPECT_EQ(update.condition.op, plan::CondOp::Or);
  EXPECT_EQ(update.condition.args[0].left.kind, plan::OperandKind::Output);
  EXPECT_EQ(update.condition.args[0].left.job, "qualify");
  EXPECT_EQ(update.inputs[0].path, "model.pkl");
  EXPECT_EQ(plan.inputs[0].name, "force_update");
  EXPECT_EQ(plan.inputs[0].type, plan::InputType::Bool);
  EXPECT_EQ(*plan.inputs[0].default_value, "false");
  const plan::Job& deploy = plan.jobs[4];
  EXPECT_TRUE(deploy.manual_approval);
  EXPECT_EQ(*deploy.timeout_seconds, 5400);
}

TEST(PlanEmitter, TheFixtureKeepsTheIrContract) {
  EXPECT_EQ(ir::Verify(HatPipeline()), std::vector<std::string>{});
}

TEST(PlanEmitter, WrittenPlanReadsBackAndIsStable) {
  DiagnosticSink diags;
  plan::Plan plan = LowerToPlan(HatPipeline(), diags);
  std::string text = EmitPlanFiles(plan).at("plan.json");
  std::string error;
  auto back = plan::ReadPlanJson(text, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(plan::WritePlanJson(*back), text);
}

TEST(PlanEmitter, InputsAndUnknownGitFields) {
  ir::Pipeline p = HatPipeline();
  p.jobs[0].steps[0].script = Interp("echo ", ir::TextPart::Kind::Input, "force_update", "");
  p.jobs[1].steps[0].script = Interp("echo ", ir::TextPart::Kind::Git, "nonsense", "");
  DiagnosticSink diags;
  plan::Plan plan = LowerToPlan(p, diags);
  EXPECT_EQ(plan.jobs[0].commands[0], "echo ${PIPEC_INPUT_FORCE_UPDATE}");
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].kind, DiagKind::EmitUnknownGitField);
}

}  // namespace
}  // namespace pipec::emit
