#include <gtest/gtest.h>

#include "lint/test_builder.h"

namespace pipec::lint {
namespace {

using testing::OfKind;
using testing::TestPipeline;

TEST(GraphRules, ReportsEveryCycleFromItsEarliestJobWithEveryEdge) {
  TestPipeline t;
  t.AddJob("a", 10);
  t.AddJob("b", 20);
  t.AddJob("c", 30);
  t.AddJob("d", 40);
  t.AddNeed("a", "b", 11);
  t.AddNeed("b", "c", 21);
  t.AddNeed("c", "a", 31);
  t.AddNeed("c", "d", 32);
  t.AddNeed("d", "c", 41, ir::Need::Origin::Data);
  auto cycles = OfKind(t.Check(), DiagKind::DependencyCycle);
  ASSERT_EQ(cycles.size(), 2u);
  EXPECT_EQ(cycles[0].message, "dependency cycle: a -> b -> c -> a");
  EXPECT_EQ(cycles[0].range.begin.line, 10u);
  ASSERT_EQ(cycles[0].notes.size(), 3u);
  EXPECT_EQ(cycles[0].notes[0].message, "a needs b");
  EXPECT_EQ(cycles[0].notes[0].range.begin.line, 11u);
  EXPECT_EQ(cycles[0].notes[2].message, "c needs a");
  EXPECT_EQ(cycles[1].message, "dependency cycle: c -> d -> c");
  EXPECT_EQ(cycles[1].notes[1].message, "d reads an output of c");
}

TEST(GraphRules, AcyclicGraphHasNoCycle) {
  TestPipeline t;
  t.AddJob("a", 10);
  t.AddJob("b", 20);
  t.AddJob("c", 30);
  t.AddNeed("b", "a", 21);
  t.AddNeed("c", "a", 31);
  t.AddNeed("c", "b", 32);
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::DependencyCycle).empty());
}

TEST(GraphRules, LongChainDoesNotOverflowTheStack) {
  TestPipeline t(std::string(20, '\n'));
  for (int i = 0; i < 20000; ++i) {
    ir::Job& j = t.AddJob("j" + std::to_string(i), 1);
    if (i) j.needs.push_back({"j" + std::to_string(i - 1), false, false,
                              ir::Need::Origin::Explicit, t.At(1)});
  }
  t.AddNeed("j0", "j19999", 1);
  auto cycles = OfKind(t.Check(), DiagKind::DependencyCycle);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].notes.size(), 20000u);
}

TEST(GraphRules, NeedsLimitsUseGitLabWording) {
  TestPipeline t;
  t.p.stages = {"build", "test", "deploy"};
  t.AddJob("build", 10).stage = "build";
  t.Job("build").after_stages = true;
  t.AddJob("test", 20).stage = "test";
  t.AddJob("deploy", 30).stage = "deploy";
  t.AddNeed("test", "deploy", 21);
  t.AddNeed("deploy", "build", 31);
  t.AddNeed("deploy", "build", 32);
  auto diags = t.Check();
  auto later = OfKind(diags, DiagKind::NeedLaterStage);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].message, "test job: need deploy is not defined in current or prior stages");
  auto dup = OfKind(diags, DiagKind::DuplicateNeeds);
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0].range.begin.line, 32u);
  EXPECT_EQ(dup[0].notes[0].range.begin.line, 31u);
}

// In YAML these are the reader's errors, in the vendor's words (gitlab-need-later-stage, ...):
// the checker does not say them again.
TEST(GraphRules, NeedsLimitsAreTheReadersInYaml) {
  for (ir::Origin origin : {ir::Origin::GitLab, ir::Origin::GitHub}) {
    TestPipeline t;
    t.p.origin = origin;
    t.p.stages = {"build", "test"};
    t.AddJob("build", 10).stage = "build";
    t.AddJob("test", 20).stage = "test";
    t.AddNeed("build", "test", 11);
    t.AddNeed("test", "build", 21);
    t.AddNeed("test", "build", 22);
    for (int i = 0; i < 51; ++i) {
      t.AddJob("n" + std::to_string(i), 30);
      t.AddNeed("test", "n" + std::to_string(i), 23);
    }
    auto diags = t.Check();
    EXPECT_TRUE(OfKind(diags, DiagKind::NeedLaterStage).empty());
    EXPECT_TRUE(OfKind(diags, DiagKind::DuplicateNeeds).empty());
    EXPECT_TRUE(OfKind(diags, DiagKind::TooManyNeeds).empty());
  }
}

TEST(GraphRules, MoreThanFiftyNeeds) {
  TestPipeline t;
  t.AddJob("sink", 1);
  for (int i = 0; i < 51; ++i) {
    t.AddJob("n" + std::to_string(i), 2);
    t.AddNeed("sink", "n" + std::to_string(i), 3);
  }
  auto many = OfKind(t.Check(), DiagKind::TooManyNeeds);
  ASSERT_EQ(many.size(), 1u);
  EXPECT_EQ(many[0].message, "sink: one job can only need 50 others, but you have listed 51.");
  t.Job("sink").needs.pop_back();
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::TooManyNeeds).empty());
}

}  // namespace
}  // namespace pipec::lint
