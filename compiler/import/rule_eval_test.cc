#include "compiler/import/rule_eval.h"

#include <gtest/gtest.h>

#include <string>

namespace pipec::import {
namespace {

using K = ir::TriggerKind;

TriggerContext Ctx(K kind, std::string event = "") {
  TriggerContext c;
  c.kind = kind;
  c.github_event = std::move(event);
  return c;
}

// Parses `text` as a YAML document (registered in a fresh SourceManager).
yaml::NodePtr Yaml(const std::string& text) {
  static SourceManager sm;  // nodes keep ranges into it
  FileId f = sm.AddFile("t.yml", text);
  DiagnosticSink sink;
  yaml::NodePtr n = yaml::Load(sm, f, sink, yaml::MergeKeys::kGitLab);
  EXPECT_TRUE(sink.diagnostics().empty());
  return n;
}

TEST(GitLabIf, PipelineSourceIsKnownPerTrigger) {
  const char* mr = R"($CI_PIPELINE_SOURCE == "merge_request_event")";
  EXPECT_EQ(EvalGitLabIf(mr, Ctx(K::MergeRequest)), Tri::True);
  EXPECT_EQ(EvalGitLabIf(mr, Ctx(K::Push)), Tri::False);
  EXPECT_EQ(EvalGitLabIf(R"($CI_PIPELINE_SOURCE != "schedule")", Ctx(K::Schedule)), Tri::False);
}

TEST(GitLabIf, BranchAndTagVariablesExistOnlyInTheirPipelines) {
  EXPECT_EQ(EvalGitLabIf("$CI_COMMIT_TAG", Ctx(K::Tag)), Tri::True);
  EXPECT_EQ(EvalGitLabIf("$CI_COMMIT_TAG", Ctx(K::Push)), Tri::False);
  EXPECT_EQ(EvalGitLabIf("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", Ctx(K::Push)), Tri::Unknown);
  EXPECT_EQ(EvalGitLabIf("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", Ctx(K::MergeRequest)),
            Tri::False);
  EXPECT_EQ(EvalGitLabIf("$CI_COMMIT_TAG =~ /^v[0-9]+/", Ctx(K::Push)), Tri::False);
  EXPECT_EQ(EvalGitLabIf("$CI_COMMIT_TAG !~ /^v[0-9]+/", Ctx(K::Push)), Tri::True);
  EXPECT_EQ(EvalGitLabIf("$CI_MERGE_REQUEST_IID", Ctx(K::MergeRequest)), Tri::True);
  EXPECT_EQ(EvalGitLabIf("$CI_COMMIT_TAG == null", Ctx(K::Schedule)), Tri::True);
}

TEST(GitLabIf, RegexFlagsAndManyPatterns) {
  // The flags are part of the compiled pattern: the same text with and without /i differs.
  EXPECT_EQ(EvalGitLabIf("$CI_PIPELINE_SOURCE =~ /^MERGE/i", Ctx(K::MergeRequest)), Tri::True);
  EXPECT_EQ(EvalGitLabIf("$CI_PIPELINE_SOURCE =~ /^MERGE/", Ctx(K::MergeRequest)), Tri::False);
  // More distinct patterns than the compiled-pattern cache holds: every answer stays right.
  for (int i = 0; i < 600; ++i) {
    std::string n = std::to_string(i + 1);
    std::string hit = "$CI_PIPELINE_SOURCE =~ /^merge_request_event$|x{" + n + "}/";
    std::string miss = "$CI_PIPELINE_SOURCE =~ /^push$|y{" + n + "}/";
    ASSERT_EQ(EvalGitLabIf(hit, Ctx(K::MergeRequest)), Tri::True) << hit;
    ASSERT_EQ(EvalGitLabIf(miss, Ctx(K::MergeRequest)), Tri::False) << miss;
  }
  EXPECT_EQ(EvalGitLabIf("$CI_PIPELINE_SOURCE =~ /^MERGE/i", Ctx(K::MergeRequest)), Tri::True);
  // A pattern RE2 refuses leaves the value unknown, every time it is met.
  EXPECT_EQ(EvalGitLabIf("$CI_PIPELINE_SOURCE =~ /(?<x>a/", Ctx(K::MergeRequest)), Tri::Unknown);
  EXPECT_EQ(EvalGitLabIf("$CI_PIPELINE_SOURCE =~ /(?<x>a/", Ctx(K::MergeRequest)), Tri::Unknown);
}

TEST(GitLabIf, ThreeValuedLogicAndGrouping) {
  // unknown user variable && false = false; || true = true
  EXPECT_EQ(EvalGitLabIf(R"($DEPLOY == "yes" && $CI_COMMIT_TAG)", Ctx(K::Push)), Tri::False);
  EXPECT_EQ(EvalGitLabIf(R"($DEPLOY == "yes" || $CI_COMMIT_TAG)", Ctx(K::Tag)), Tri::True);
  EXPECT_EQ(EvalGitLabIf(R"($DEPLOY == "yes" || $CI_COMMIT_TAG)", Ctx(K::Push)), Tri::Unknown);
  EXPECT_EQ(
      EvalGitLabIf(
          R"(($CI_PIPELINE_SOURCE == "push" || $CI_PIPELINE_SOURCE == "web") && $CI_COMMIT_BRANCH)",
          Ctx(K::Manual)),
      Tri::True);
  // && binds tighter than ||
  EXPECT_EQ(EvalGitLabIf(R"($CI_COMMIT_TAG || $CI_MERGE_REQUEST_IID && $X)", Ctx(K::Tag)),
            Tri::True);
}

TEST(GitLabIf, UnreadableExpressionsAreUnknown) {
  EXPECT_EQ(EvalGitLabIf("$CI_COMMIT_TAG ==", Ctx(K::Push)), Tri::Unknown);
  EXPECT_EQ(EvalGitLabIf("(", Ctx(K::Push)), Tri::Unknown);
  EXPECT_EQ(EvalGitLabIf(R"("unterminated)", Ctx(K::Push)), Tri::Unknown);
  EXPECT_EQ(EvalGitLabIf("$CI_PIPELINE_SOURCE =~ /(?<n>x/", Ctx(K::Push)),
            Tri::Unknown);  // not a regex std::regex reads
}

TEST(GitLabRules, FirstMatchingRuleDecides) {
  auto rules = Yaml(R"(
- if: $CI_PIPELINE_SOURCE == "merge_request_event"
  when: never
- if: $CI_COMMIT_TAG
- if: $CI_COMMIT_BRANCH == "main"
  when: manual
)");
  EXPECT_EQ(EvalGitLabRules(*rules, Ctx(K::MergeRequest)), Tri::False);
  EXPECT_EQ(EvalGitLabRules(*rules, Ctx(K::Tag)), Tri::True);
  EXPECT_EQ(EvalGitLabRules(*rules, Ctx(K::Push)), Tri::Unknown);  // main or not
}

TEST(GitLabRules, NoMatchMeansNotAdded) {
  auto rules = Yaml("- if: $CI_COMMIT_TAG\n");
  EXPECT_EQ(EvalGitLabRules(*rules, Ctx(K::Schedule)), Tri::False);
  auto never = Yaml("- when: never\n");
  EXPECT_EQ(EvalGitLabRules(*never, Ctx(K::Push)), Tri::False);
  auto changes = Yaml("- changes: [src/**]\n");
  EXPECT_EQ(EvalGitLabRules(*changes, Ctx(K::Push)), Tri::Unknown);
  auto nested = Yaml("- [{if: $CI_COMMIT_TAG}]\n- when: never\n");  // from !reference
  EXPECT_EQ(EvalGitLabRules(*nested, Ctx(K::Tag)), Tri::True);
}

TEST(GitLabOnlyExcept, DefaultIsBranchesAndTags) {
  EXPECT_EQ(EvalGitLabOnlyExcept(nullptr, nullptr, Ctx(K::Push), false), Tri::True);
  EXPECT_EQ(EvalGitLabOnlyExcept(nullptr, nullptr, Ctx(K::Tag), false), Tri::True);
  EXPECT_EQ(EvalGitLabOnlyExcept(nullptr, nullptr, Ctx(K::MergeRequest), false), Tri::False);
}

TEST(GitLabOnlyExcept, WorkflowRulesDropTheDefault) {
  EXPECT_EQ(EvalGitLabOnlyExcept(nullptr, nullptr, Ctx(K::MergeRequest), true), Tri::True);
  auto except = Yaml("[merge_requests]\n");
  EXPECT_EQ(EvalGitLabOnlyExcept(nullptr, except.get(), Ctx(K::MergeRequest), true), Tri::False);
  EXPECT_EQ(EvalGitLabOnlyExcept(nullptr, except.get(), Ctx(K::Schedule), true), Tri::True);
}

TEST(GitLabOnlyExcept, RefsKeywordsNamesAndVariables) {
  auto only = Yaml("[merge_requests, main]\n");
  EXPECT_EQ(EvalGitLabOnlyExcept(only.get(), nullptr, Ctx(K::MergeRequest), false), Tri::True);
  EXPECT_EQ(EvalGitLabOnlyExcept(only.get(), nullptr, Ctx(K::Push), false), Tri::Unknown);
  EXPECT_EQ(EvalGitLabOnlyExcept(only.get(), nullptr, Ctx(K::Tag), false), Tri::Unknown);
  auto except = Yaml("[schedules]\n");
  EXPECT_EQ(EvalGitLabOnlyExcept(nullptr, except.get(), Ctx(K::Schedule), false), Tri::False);
  EXPECT_EQ(EvalGitLabOnlyExcept(nullptr, except.get(), Ctx(K::Push), false), Tri::True);
  auto hash = Yaml("refs: [tags]\nvariables: [$RELEASE == \"yes\"]\n");
  EXPECT_EQ(EvalGitLabOnlyExcept(hash.get(), nullptr, Ctx(K::Push), false), Tri::False);
  EXPECT_EQ(EvalGitLabOnlyExcept(hash.get(), nullptr, Ctx(K::Tag), false), Tri::Unknown);
}

TEST(GitHubIf, EventNameAndRefTests) {
  EXPECT_EQ(EvalGitHubIf("github.event_name == 'push'", Ctx(K::MergeRequest, "pull_request")),
            Tri::False);
  EXPECT_EQ(EvalGitHubIf("${{ github.event_name == 'PUSH' }}", Ctx(K::Push, "push")), Tri::True);
  EXPECT_EQ(
      EvalGitHubIf("github.event_name != 'pull_request'", Ctx(K::MergeRequest, "pull_request")),
      Tri::False);
  EXPECT_EQ(EvalGitHubIf("startsWith(github.ref, 'refs/tags/')", Ctx(K::Tag, "push")), Tri::True);
  EXPECT_EQ(EvalGitHubIf("startsWith(github.ref, 'refs/tags/')", Ctx(K::Push, "push")), Tri::False);
  EXPECT_EQ(EvalGitHubIf("github.ref == 'refs/heads/main'", Ctx(K::Push, "push")), Tri::Unknown);
  EXPECT_EQ(EvalGitHubIf("github.ref == 'refs/heads/main'", Ctx(K::MergeRequest, "pull_request")),
            Tri::Unknown);
  EXPECT_EQ(EvalGitHubIf("github.event.pull_request.draft == false", Ctx(K::Push, "push")),
            Tri::False);
}

TEST(GitHubIf, StatusFunctionsAndNegation) {
  EXPECT_EQ(EvalGitHubIf("always()", Ctx(K::Push, "push")), Tri::Unknown);
  EXPECT_EQ(EvalGitHubIf("!cancelled() && github.event_name == 'schedule'", Ctx(K::Push, "push")),
            Tri::False);
  EXPECT_EQ(EvalGitHubIf("!(github.event_name == 'push')", Ctx(K::Push, "push")), Tri::False);
  EXPECT_EQ(
      EvalGitHubIf("contains(github.event_name, 'pull')", Ctx(K::MergeRequest, "pull_request")),
      Tri::True);
  EXPECT_EQ(EvalGitHubIf("github.event_name == 'push' ||", Ctx(K::Push, "push")), Tri::Unknown);
}

TEST(Expressions, DeepNestingIsUnknownNotACrash) {
  std::string deep = std::string(200000, '(') + "$X" + std::string(200000, ')');
  EXPECT_EQ(EvalGitLabIf(deep, Ctx(K::Push)), Tri::Unknown);
  EXPECT_EQ(EvalGitHubIf(std::string(300000, '!') + "true", Ctx(K::Push, "push")), Tri::Unknown);
  EXPECT_EQ(EvalGitHubIf(std::string(50000, '(') + "true" + std::string(50000, ')'),
                         Ctx(K::Push, "push")),
            Tri::Unknown);
  std::string calls;
  for (int i = 0; i < 50000; ++i) calls += "contains(";
  EXPECT_EQ(EvalGitHubIf(calls + "'a'" + std::string(50000, ')'), Ctx(K::Push, "push")),
            Tri::Unknown);
  EXPECT_EQ(
      EvalGitLabIf(std::string(50, '(') + "$CI_COMMIT_TAG" + std::string(50, ')'), Ctx(K::Tag)),
      Tri::True);
}

}  // namespace
}  // namespace pipec::import
