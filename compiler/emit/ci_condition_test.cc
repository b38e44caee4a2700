#include "compiler/emit/ci_condition.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "compiler/emit/glob.h"
#include "compiler/emit/test_pipeline.h"
#include "compiler/support/glob.h"

namespace pipec::emit {
namespace {

using namespace testing;

TEST(CiCondition, TriggersBecomeGitLabRules) {
  ir::Pipeline p = HatPipeline();
  DiagnosticSink diags;
  EXPECT_EQ(RenderRulesIf(TriggerCond(p.triggers[0], false)),
            "$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == \"master\"");
  EXPECT_EQ(RenderRulesIf(TriggerCond(p.triggers[2], false)),
            "$CI_PIPELINE_SOURCE == \"schedule\" && $PIPEC_SCHEDULE == \"daily\"");
  ir::Trigger rel;
  rel.kind = ir::TriggerKind::Push;
  rel.branches = {"release/*", "main"};
  EXPECT_EQ(RenderRulesIf(TriggerCond(rel, false)),
            "$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH && ($CI_COMMIT_BRANCH =~ "
            "/^release\\/.*$/ || $CI_COMMIT_BRANCH == \"main\")");
  EXPECT_FALSE(diags.has_errors());
}

TEST(CiCondition, GeneratedRulesRepeatNoTerm) {
  using T = CiCond::Test;
  CiCond main = CiCond::Compare(T::Eq, "CI_COMMIT_BRANCH", "main");
  CiCond push = CiCond::Compare(T::Eq, "CI_PIPELINE_SOURCE", "push");
  CiCond web = CiCond::Compare(T::Eq, "CI_PIPELINE_SOURCE", "web");
  EXPECT_EQ(RenderRulesIf(CiCond::All({push, main, CiCond::All({main, push})})),
            "$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == \"main\"");
  // Absorption: X && (X || Y) is X; X || (X && Y) is X.
  EXPECT_EQ(RenderRulesIf(CiCond::All({main, CiCond::Any({main, web})})),
            "$CI_COMMIT_BRANCH == \"main\"");
  EXPECT_EQ(RenderRulesIf(CiCond::Any({CiCond::All({push, main}), push})),
            "$CI_PIPELINE_SOURCE == \"push\"");
  // A set-test next to a comparison with a non-empty value says nothing more.
  EXPECT_EQ(RenderRulesIf(CiCond::All({CiCond::Compare(T::Set, "CI_COMMIT_BRANCH", ""), main})),
            "$CI_COMMIT_BRANCH == \"main\"");
  EXPECT_EQ(RenderRulesIf(CiCond::All({CiCond::Compare(T::Set, "CI_COMMIT_TAG", ""), main})),
            "$CI_COMMIT_TAG && $CI_COMMIT_BRANCH == \"main\"");
}

TEST(CiCondition, NegationIsPushedDownBecauseRulesHaveNoNot) {
  ir::Pipeline p = HatPipeline();
  DiagnosticSink diags;
  ir::Condition c = Not(Or(GitEq("branch", "main"), TriggerIs({"schedule:daily"})));
  EXPECT_EQ(RenderRulesIf(FromCondition(p, c, false, diags)),
            "$CI_COMMIT_BRANCH != \"main\" && ($CI_PIPELINE_SOURCE != \"schedule\" || "
            "$PIPEC_SCHEDULE != \"daily\")");
}

// The shell rendering is run by /bin/sh to prove it means what the rules mean.
int RunShell(const std::string& cond, const std::string& env) {
  std::string script = "if " + cond + "; then exit 0; else exit 1; fi";
  std::string quoted = "'";
  for (char ch : script) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  quoted += "'";
  return std::system(("env -i " + env + " /bin/sh -c " + quoted).c_str()) == 0 ? 0 : 1;
}

TEST(CiCondition, ShellGuardEvaluatesLikeTheCondition) {
  ir::Pipeline p = HatPipeline();
  DiagnosticSink diags;
  const ir::Condition& when = *p.jobs[3].when;  // qualify.qualified or inputs.force_update
  std::string sh = RenderShell(FromCondition(p, when, false, diags));
  EXPECT_EQ(RunShell(sh, "PIPEC_OUT_QUALIFY_QUALIFIED=true"), 0) << sh;
  EXPECT_EQ(RunShell(sh, "PIPEC_OUT_QUALIFY_QUALIFIED=false PIPEC_INPUT_FORCE_UPDATE=true"), 0) << sh;
  EXPECT_EQ(RunShell(sh, "PIPEC_OUT_QUALIFY_QUALIFIED=false PIPEC_INPUT_FORCE_UPDATE=false"), 1) << sh;
  ir::Trigger rel;
  rel.kind = ir::TriggerKind::Push;
  rel.branches = {"release/*"};
  std::string push = RenderShell(TriggerCond(rel, false));
  EXPECT_EQ(RunShell(push, "CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=release/1.2"), 0) << push;
  EXPECT_EQ(RunShell(push, "CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=main"), 1) << push;
  EXPECT_EQ(RunShell(RenderShell(Negate(TriggerCond(rel, false))), "CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=main"), 0);
}

TEST(CiCondition, ConditionTextUsesPipeSpelling) {
  ir::Pipeline p = HatPipeline();
  EXPECT_EQ(ir::ConditionText(*p.jobs[1].when), "trigger in [schedule.daily, manual]");
  EXPECT_EQ(ir::ConditionText(*p.jobs[3].when), "qualify.qualified or inputs.force_update");
  EXPECT_TRUE(ReadsOutputs(*p.jobs[3].when));
  EXPECT_FALSE(ReadsOutputs(*p.jobs[1].when));
}

TEST(PortablePathGlob, TrailingOrGluedDoubleStarBecomesDirectoriesThenOneSegment) {
  EXPECT_EQ(PortablePathGlob("src/**"), "src/**/*");
  EXPECT_EQ(PortablePathGlob("**"), "**/*");
  EXPECT_EQ(PortablePathGlob("**.md"), "**/*.md");
  EXPECT_EQ(PortablePathGlob("docs/***"), "docs/**/*");
  EXPECT_EQ(PortablePathGlob("src/**/*.go"), "src/**/*.go");
  EXPECT_EQ(PortablePathGlob("**/x/**/y"), "**/x/**/y");
  EXPECT_EQ(PortablePathGlob("Dockerfile"), "Dockerfile");
  EXPECT_EQ(PortablePathGlob("*.md"), "*.md");
}

// The rewritten pattern matches the same paths as Pipe's own (GitHub-like `**`), and uses
// `**` only as `**/`, the one form Ruby's File.fnmatch (FNM_PATHNAME) and git agree on.
TEST(PortablePathGlob, SameMeaningAsThePipePattern) {
  const char* patterns[] = {"src/**", "**", "**.md", "api/**/*.py", "*.md", "a/**/b/**", "**/test_*.py"};
  const char* paths[] = {"src/a", "src/a/b/c.txt", "src", "README.md", "docs/x.md", "docs/a/b.md",
                         "api/x.py", "api/v1/y.py", "a/b/c", "a/x/b/y/z", "a/b", "tests/test_x.py",
                         "test_y.py", ".hidden/z.md"};
  for (const char* pattern : patterns) {
    std::string portable = PortablePathGlob(pattern);
    for (size_t at = portable.find("**"); at != std::string::npos; at = portable.find("**", at + 2))
      EXPECT_EQ(portable.substr(at, 3), "**/") << portable;
    for (const char* path : paths)
      EXPECT_EQ(GlobMatch(pattern, path, GlobSyntax::Path), GlobMatch(portable, path, GlobSyntax::Path))
          << pattern << " / " << portable << " on " << path;
  }
}

}  // namespace
}  // namespace pipec::emit
