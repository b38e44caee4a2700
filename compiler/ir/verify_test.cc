#include "compiler/ir/verify.h"

#include <gtest/gtest.h>

namespace pipec::ir {
namespace {

Pipeline Valid() {
  Pipeline p;
  Trigger push;
  p.triggers.push_back(push);
  p.stages = {"build", "test"};
  Job b;
  b.name = b.base_name = "b";
  b.stage = "build";
  b.after_stages = true;
  b.active_triggers = {"push"};
  b.outputs.push_back({"bin", OutputKind::File, "bin", std::nullopt, false, {}});
  Job t = b;
  t.name = t.base_name = "t";
  t.stage = "test";
  t.after_stages = false;
  t.outputs.clear();
  t.needs.push_back({"b", true, false, Need::Origin::Data, {}});
  t.inputs.push_back({"bin", "b", "bin", OutputKind::File, "bin", {}});
  p.jobs = {b, t};
  ResolveJobIds(p);
  return p;
}

TEST(Verify, AValidPipelineHasNoProblems) {
  EXPECT_EQ(Verify(Valid()), std::vector<std::string>{});
}

TEST(Verify, NamesEveryBrokenInvariant) {
  Pipeline p = Valid();
  p.jobs[1].after_stages = true;  // has needs
  p.jobs[1].needs.push_back({"t", false, false, Need::Origin::Explicit, {}});
  p.jobs[0].stage = "nope";
  p.jobs[0].active_triggers = {"tag", "push"};
  p.jobs.push_back(p.jobs[0]);
  std::vector<std::string> problems = Verify(p);
  auto has = [&](const std::string& s) {
    return std::find(problems.begin(), problems.end(), s) != problems.end();
  };
  EXPECT_TRUE(has("job `t`: waits for the earlier stages although it has needs"))
      << problems.size();
  EXPECT_TRUE(has("job `t`: needs itself"));
  EXPECT_TRUE(has("job `b`: stage `nope` is not in the pipeline's stages"));
  EXPECT_TRUE(has("job `b`: the name is used twice"));
  EXPECT_TRUE(has("job `b`: active triggers are not sorted and unique"));
  EXPECT_TRUE(has("job `b`: active under `tag`, which is no trigger"));
}

TEST(Verify, VendorFactsOnlyInThatVendorsPipelines) {
  Pipeline p = Valid();
  p.jobs[1].dependencies = std::vector<Dependency>{{"b", {}}};
  p.jobs[1].needs.push_back({"b", true, false, Need::Origin::Explicit, {}});
  p.jobs[1].needs.back().artifacts_written = true;
  ResolveJobIds(p);
  std::vector<std::string> problems = Verify(p);
  EXPECT_NE(std::find(problems.begin(), problems.end(),
                      "job `t`: has a GitLab `dependencies:` list outside a GitLab pipeline"),
            problems.end());
  EXPECT_NE(std::find(problems.begin(), problems.end(),
                      "job `t`: has a need with GitLab's `artifacts: true` written outside a GitLab pipeline"),
            problems.end());
  p.jobs[0].inherits_secrets = {0, {3, 14}, {3, 21}};
  problems = Verify(p);
  EXPECT_NE(std::find(problems.begin(), problems.end(),
                      "job `b`: has GitHub's `secrets: inherit` outside a GitHub workflow"),
            problems.end());
  p.jobs[0].inherits_secrets = {};
  p.origin = Origin::GitLab;
  problems = Verify(p);
  EXPECT_EQ(std::count_if(problems.begin(), problems.end(),
                          [](const std::string& s) { return s.find("GitLab") != std::string::npos; }),
            0);
}

TEST(Verify, GitHubExpressionFacts) {
  Pipeline p = Valid();
  p.origin = Origin::GitHub;
  GitHubExpression e;
  e.text = " github.event.issue.title ";
  e.where.lines.push_back({0, {4, 10}});
  p.github.jobs.push_back({"b", {"x"}, {}, std::nullopt});
  e.job = 0;
  e.steps_known = 1;
  p.github.expressions.push_back(e);
  EXPECT_EQ(Verify(p), std::vector<std::string>{});
  GitHubExpression& bad = p.github.expressions[0];
  bad.steps_known = 2;                                    // the job has one step
  bad.taint.push_back({TaintedRead::Via::Event, 1, 40, "github.event.issue.title", "x"});  // not script text, and past the text
  bad.where.lines.insert(bad.where.lines.begin(), {3, {3, 1}});  // not from offset 0
  std::vector<std::string> problems = Verify(p);
  EXPECT_EQ(problems, (std::vector<std::string>{
                          "github expression 0: knows more steps than its job has",
                          "github expression 0: has untrusted reads outside script text",
                          "github expression 0: its text map does not start at offset 0 or is not in order",
                          "github expression 0: reads `github.event.issue.title` past its text"}));
  p.github.expressions[0] = e;
  p.github.expressions[0].job = -1;  // workflow level knows no steps
  p.github.expressions[0].steps_known.reset();
  p.github.expressions[0].matrix_known = true;
  EXPECT_EQ(Verify(p), std::vector<std::string>{"github expression 0: knows a job's steps or matrix at workflow level"});
  p.github.expressions[0].job = 1;  // no such job in the facts
  p.github.expressions[0].matrix_known = false;
  EXPECT_EQ(Verify(p), std::vector<std::string>{"github expression 0: reads in no known job"});
  p.github.expressions.clear();
  p.github.jobs[0].needs = {"x", "a"};  // the checker looks names up by binary search
  EXPECT_EQ(Verify(p), std::vector<std::string>{"github job `b`: needs or matrix keys are not sorted and unique"});
}

TEST(Verify, JobIdsMatchTheNames) {
  Pipeline p = Valid();
  p.jobs[1].needs[0].job_id = 1;        // the job itself, not `b`
  p.jobs[1].inputs[0].job_id = kNoJob;  // `b` exists
  Operand out;
  out.kind = Operand::Kind::Output;
  out.job = "b";
  out.name = "ok";
  p.jobs[1].when->op = Condition::Op::Truthy;
  p.jobs[1].when->left = out;  // never resolved
  std::vector<std::string> problems = Verify(p);
  auto has = [&](const std::string& s) {
    return std::find(problems.begin(), problems.end(), s) != problems.end();
  };
  EXPECT_TRUE(has("job `t`: needs `b` through a stale job id"));
  EXPECT_TRUE(has("job `t`: reads `b.bin` through a stale job id"));
  EXPECT_TRUE(has("job `t`: reads `b.ok` through a stale job id"));
  ResolveJobIds(p);
  EXPECT_EQ(p.jobs[1].when->left.job_id, 0u);
  EXPECT_EQ(p.jobs[1].needs[0].job_id, 0u);
}

TEST(Verify, PipeRulesDoNotApplyToImports) {
  Pipeline p = Valid();
  p.origin = Origin::GitLab;
  p.jobs[1].needs.push_back(
      {"missing", false, false, Need::Origin::Import, {}});  // lint reports it
  p.jobs[1].stage = "unknown";  // the importer reported it with GitLab's wording
  ResolveJobIds(p);
  EXPECT_EQ(Verify(p), std::vector<std::string>{});
  p.jobs[1].after_stages = true;
  p.jobs[1].needs.clear();
  p.jobs[1].inputs.clear();
  EXPECT_EQ(Verify(p), std::vector<std::string>{
                           "job `t`: waits for the earlier stages but has no known stage"});
}

}  // namespace
}  // namespace pipec::ir
