#include "compiler/import/gitlab_conditions.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "compiler/ir/conditions.h"

namespace pipec::import {
namespace {

std::vector<ir::Trigger> Triggers() {
  std::vector<ir::Trigger> out(3);
  out[0].kind = ir::TriggerKind::Push;
  out[1].kind = ir::TriggerKind::MergeRequest;
  out[2].kind = ir::TriggerKind::Tag;
  return out;
}

// The Pipe text of the rules, or "kept: WHY".
std::string Convert(const char* rules_json, std::vector<std::string> active = {"merge_request", "push", "tag"}) {
  std::string why;
  auto c = GitLabRulesToCondition(nlohmann::json::parse(rules_json), Triggers(), active, &why);
  return c ? ir::ConditionText(*c) : "kept: " + why;
}

TEST(GitLabConditions, PipelineSourcesAndGitFields) {
  EXPECT_EQ(Convert(R"([{"if": "$CI_PIPELINE_SOURCE == 'merge_request_event'"}])", {"merge_request"}),
            "trigger is merge_request");
  // A tag pipeline's source is "push" too.
  EXPECT_EQ(Convert(R"([{"if": "$CI_PIPELINE_SOURCE == \"push\""}])", {"push", "tag"}), "trigger in [push, tag]");
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_BRANCH == \"main\""}])", {"push"}),
            "trigger is push and git.branch == \"main\"");
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_TAG != null"}])", {"tag"}), "trigger is tag and git.tag != \"\"");
  EXPECT_EQ(Convert(R"([{"if": "$CI_MERGE_REQUEST_IID"}])", {"merge_request"}), "trigger is merge_request");
}

TEST(GitLabConditions, NeverRulesGuardTheLaterOnes) {
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_REF_NAME == 'wip'", "when": "never"},
                        {"if": "$CI_COMMIT_REF_NAME == 'a'"}, {"if": "$CI_COMMIT_REF_NAME == 'b'"}])"),
            "(not (git.ref == \"wip\") and git.ref == \"a\") or (not (git.ref == \"wip\") and git.ref == \"b\")");
  // An unconditional rule ends the list.
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_REF_NAME == 'wip'", "when": "never"}, {"when": "on_success"},
                        {"if": "$X"}])"),
            "not (git.ref == \"wip\")");
}

TEST(GitLabConditions, RegexesThatAreGlobs) {
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_BRANCH =~ /^release\\/.*$/"}])", {"push"}),
            "trigger is push and git.branch matches \"release/*\"");
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_TAG =~ /^v/"}])", {"tag"}), "trigger is tag and git.tag matches \"v*\"");
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_TAG =~ /^v\\d+$/"}])"), "kept: its regex /^v\\d+$/ is not a simple glob");
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_BRANCH =~ /^main$/i"}])"), "kept: its regex /^main$/i is not a simple glob");
}

TEST(GitLabConditions, ChangesBecomeTheChangedTerm) {
  EXPECT_EQ(Convert(R"([{"if": "$CI_PIPELINE_SOURCE == 'merge_request_event'", "changes": ["src/**/*.go", "go.mod"]}])",
                    {"merge_request"}),
            "changed [\"src/**/*.go\", \"go.mod\"] and trigger is merge_request");
  EXPECT_EQ(Convert(R"([{"changes": {"paths": ["a/**"]}}])"), "changed [\"a/*\"]");
  EXPECT_EQ(Convert(R"([{"changes": {"paths": ["a"], "compare_to": "main"}}])"),
            "kept: a `changes:` has `compare_to:`");
  EXPECT_EQ(Convert(R"([{"changes": ["a"]}, {"if": "$CI_COMMIT_TAG"}])"),
            "kept: `changes:` is one rule among several (Pipe's `changed` is a term of the whole condition)");
  EXPECT_EQ(Convert(R"([{"changes": ["{a,b}/x"]}])"),
            "kept: a `changes:` path is not a plain glob (braces, variables or a leading `/`)");
}

TEST(GitLabConditions, WhatStaysVerbatim) {
  EXPECT_EQ(Convert(R"([{"if": "$DEPLOY == 'yes'"}])"), "kept: it tests $DEPLOY, which Pipe cannot read in a condition");
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_TAG", "when": "manual"}])"), "kept: a rule has `when: manual`");
  EXPECT_EQ(Convert(R"([{"if": "$CI_COMMIT_TAG", "allow_failure": true}])"), "kept: a rule has `allow_failure`");
  EXPECT_EQ(Convert(R"([{"if": "$CI_PIPELINE_SOURCE == 'schedule'"}])"),
            "kept: it tests the pipeline source \"schedule\", and the Pipe file declares no such trigger");
  EXPECT_EQ(Convert(R"([{"when": "never"}])"), "kept: no rule adds the job");
}

TEST(GitLabConditions, ChangesGlobsAsGitLabReadsThem) {
  EXPECT_EQ(GitLabChangesGlobToPipe("src/**/*.go"), "src/**/*.go");
  EXPECT_EQ(GitLabChangesGlobToPipe("**/*.md"), "**/*.md");
  EXPECT_EQ(GitLabChangesGlobToPipe("docs/**"), "docs/*");  // Ruby: `**` is `*` unless `**/`
  EXPECT_EQ(GitLabChangesGlobToPipe("a**/b"), "a*/b");
  EXPECT_EQ(GitLabChangesGlobToPipe("/abs"), std::nullopt);
  EXPECT_EQ(GitLabChangesGlobToPipe("$DIR/x"), std::nullopt);
}


// `only`/`except` as JSON ("" = absent), converted under `triggers`: the Pipe text or "kept: WHY".
std::string ConvertOnlyExcept(const char* only, const char* except, std::vector<std::string> active,
                              std::vector<ir::Trigger> triggers = Triggers()) {
  std::string why;
  nlohmann::json o = *only ? nlohmann::json::parse(only) : nlohmann::json();
  nlohmann::json e = *except ? nlohmann::json::parse(except) : nlohmann::json();
  auto c = GitLabOnlyExceptToCondition(*only ? &o : nullptr, *except ? &e : nullptr, triggers, active, &why);
  return c ? ir::ConditionText(*c) : "kept: " + why;
}

TEST(GitLabOnlyExceptToWhen, RefKeywordsAreThePipelinesKindOrSource) {
  EXPECT_EQ(ConvertOnlyExcept(R"(["merge_requests"])", "", {"merge_request"}), "trigger is merge_request");
  // (A person, a schedule or an API call can start a tag pipeline too: Pipe's sema cannot tell
  // from `git.tag != ""` alone that only `tag` is left, so the trigger test stays.)
  EXPECT_EQ(ConvertOnlyExcept(R"(["tags"])", "", {"tag"}), "trigger is tag and git.tag != \"\"");
  EXPECT_EQ(ConvertOnlyExcept(R"(["branches"])", "", {"push"}), "trigger is push and git.branch != \"\"");
  // A tag pipeline's source is `push` too; the singular names the same source.
  EXPECT_EQ(ConvertOnlyExcept(R"(["pushes"])", "", {"push", "tag"}), "trigger in [push, tag]");
  EXPECT_EQ(ConvertOnlyExcept(R"("push")", "", {"push", "tag"}), "trigger in [push, tag]");
  EXPECT_EQ(ConvertOnlyExcept(R"(["api"])", "", {}), "kept: it names the pipeline source `api`, which Pipe has no trigger for");
  EXPECT_EQ(ConvertOnlyExcept(R"(["schedules"])", "", {}),
            "kept: it tests the pipeline source \"schedule\", and the Pipe file declares no such trigger");
}

TEST(GitLabOnlyExceptToWhen, NamesAndRegexesMatchBranchAndTagPipelines) {
  // Under push, merge_request and tag triggers a name is a branch or a tag.
  EXPECT_EQ(ConvertOnlyExcept(R"(["main", "/^release-.*$/"])", "", {"push", "tag"}),
            "trigger in [push, tag] and ((git.branch == \"main\" or git.tag == \"main\") or "
            "(git.branch matches \"release-*\" or git.tag matches \"release-*\"))");
  // With only branch pushes and merge requests no pipeline is a tag pipeline.
  std::vector<ir::Trigger> no_tags = Triggers();
  no_tags.pop_back();
  EXPECT_EQ(ConvertOnlyExcept(R"(["main"])", "", {"push"}, no_tags), "trigger is push and git.branch == \"main\"");
  EXPECT_EQ(ConvertOnlyExcept(R"(["main@group/project"])", "", {"push"}), "kept: a ref names a project (`main@group/project`)");
  EXPECT_EQ(ConvertOnlyExcept(R"(["/^v\\d+$/"])", "", {"push", "tag"}), "kept: its regex /^v\\d+$/ is not a simple glob");
}

TEST(GitLabOnlyExceptToWhen, HashFormAndExcept) {
  EXPECT_EQ(ConvertOnlyExcept(R"({"refs": ["branches"], "variables": ["$CI_COMMIT_BRANCH == 'main'", "$CI_COMMIT_TAG"]})",
                              "", {"push"}),
            "trigger is push and (git.branch != \"\" and (git.branch == \"main\" or git.tag != \"\"))");
  EXPECT_EQ(ConvertOnlyExcept(R"({"refs": ["merge_requests"], "changes": ["src/**/*", "go.mod"]})", "", {"merge_request"}),
            "changed [\"src/**/*\", \"go.mod\"] and trigger is merge_request");
  // No `only`: GitLab's default leaves merge requests out; the trigger test says so.
  EXPECT_EQ(ConvertOnlyExcept("", R"(["main"])", {"push", "tag"}),
            "trigger in [push, tag] and not (git.branch == \"main\" or git.tag == \"main\")");
  EXPECT_EQ(ConvertOnlyExcept(R"(["branches"])", R"({"changes": ["a"]})", {"push"}), "kept: it has `changes:` in `except:`");
  EXPECT_EQ(ConvertOnlyExcept(R"({"kubernetes": "active"})", "", {"push"}), "kept: it has `kubernetes:`");
  EXPECT_EQ(ConvertOnlyExcept(R"({"variables": ["$DEPLOY"]})", "", {"push"}),
            "kept: it tests $DEPLOY, which Pipe cannot read in a condition");
  EXPECT_EQ(ConvertOnlyExcept(R"(["pushes", "merge_requests"])", "", {"merge_request", "push", "tag"}),
            "trigger in [push, tag] or trigger is merge_request");
  // `except` that leaves nothing in.
  EXPECT_EQ(ConvertOnlyExcept(R"(["branches"])", R"({"refs": ["pushes"], "variables": []})", {}),
            "kept: it has `variables:`");
}

}  // namespace
}  // namespace pipec::import
