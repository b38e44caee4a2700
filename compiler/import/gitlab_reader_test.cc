#include "compiler/import/gitlab_reader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace pipec::import {
namespace {

struct GitLabResult {
  SourceManager sm;
  DiagnosticSink sink;
  std::optional<ir::Pipeline> p;
  support::MemoryFileSystem fs;

  std::vector<std::string> Messages(DiagKind kind) const {
    std::vector<std::string> out;
    for (const Diagnostic& d : sink.diagnostics())
      if (d.kind == kind) out.push_back(d.message);
    return out;
  }
  const ir::Job* Job(std::string_view name) const {
    for (const ir::Job& j : p->jobs)
      if (j.name == name) return &j;
    return nullptr;
  }
};

std::unique_ptr<GitLabResult> ReadGitLabText(std::string text,
                                             std::map<std::string, std::string> files = {},
                                             std::vector<std::string> secrets = {}) {
  auto r = std::make_unique<GitLabResult>();
  for (auto& [path, contents] : files) r->fs.Add(path, contents);
  ImportOptions opts;
  opts.fs = &r->fs;
  opts.secrets = secrets;
  FileId f = r->sm.AddFile(".gitlab-ci.yml", std::move(text));
  r->p = ReadGitLab(f, r->sm, r->sink, opts);
  return r;
}

TEST(GitLabReader, JobsStagesNeedsAndArtifacts) {
  auto r = ReadGitLabText(R"(stages: [build, test]
build:
  stage: build
  script:
    - make
  artifacts:
    paths: [bin/]
    expire_in: 1 week
    reports:
      junit: report.xml
test:
  stage: test
  needs: [{job: build, artifacts: true}]
  script: make test
)");
  ASSERT_TRUE(r->p);
  EXPECT_TRUE(r->sink.diagnostics().empty()) << r->sink.diagnostics()[0].message;
  EXPECT_EQ(r->p->stages, (std::vector<std::string>{".pre", "build", "test", ".post"}));
  const ir::Job* build = r->Job("build");
  ASSERT_TRUE(build);
  ASSERT_EQ(build->outputs.size(), 2u);
  EXPECT_EQ(build->outputs[0].kind, ir::OutputKind::Dir);
  EXPECT_EQ(build->outputs[0].expire_seconds.value_or(0), 7 * 86400);
  EXPECT_EQ(build->outputs[1].kind, ir::OutputKind::Junit);
  EXPECT_EQ(build->steps.size(), 1u);
  EXPECT_EQ(build->steps[0].range.begin.line, 5u);
  const ir::Job* test = r->Job("test");
  ASSERT_EQ(test->needs.size(), 1u);
  EXPECT_EQ(test->needs[0].job, "build");
  EXPECT_TRUE(test->needs[0].artifacts);
}

TEST(GitLabReader, ReportsAllStructuralErrorsInGitLabWords) {
  auto r = ReadGitLabText(R"(stages: [build, test]
a:
  stage: deploy
  script: x
b:
  stage: build
  needs: [nope, c, c]
  script: x
c:
  stage: test
  script: x
d:
  rules: [{if: '$X'}]
  only: [main]
  script: x
e:
  stage: test
)");
  ASSERT_TRUE(r->p);
  EXPECT_EQ(r->Messages(DiagKind::GlUnknownStage),
            std::vector<std::string>{"a job: chosen stage deploy does not exist; available stages are .pre, build, test, .post"});
  EXPECT_EQ(r->Messages(DiagKind::GlUndefinedNeed), std::vector<std::string>{"b job: undefined need: nope"});
  EXPECT_EQ(r->Messages(DiagKind::GlNeedLaterStage).size(), 2u);
  EXPECT_EQ(r->Messages(DiagKind::GlDuplicateNeeds), std::vector<std::string>{"b has the following needs duplicated: c."});
  EXPECT_EQ(r->Messages(DiagKind::GlRulesWithOnly), std::vector<std::string>{"jobs:d config key may not be used with rules: only"});
  EXPECT_EQ(r->Messages(DiagKind::GlNoScript),
            std::vector<std::string>{"jobs:e config should implement the script:, run:, or trigger: keyword"});
}

// Cycles are one rule on the IR (lint/rules_graph.cc, GitLab's words for a GitLab file;
// tests/lit/import/bad-gitlab-structure.yml): the importer keeps the needs and says nothing.
TEST(GitLabReader, NeedsCycleIsLeftToTheChecker) {
  auto r = ReadGitLabText(
      "a: {script: x, needs: [b]}\nb: {script: x, needs: [c]}\nc: {script: x, needs: [a]}\n");
  EXPECT_TRUE(r->Messages(DiagKind::GlNeedsCycle).empty());
}

TEST(GitLabReader, DependenciesMustBeInNeedsAndDefined) {
  auto r = ReadGitLabText(R"(build: {stage: build, script: x, artifacts: {paths: [a]}}
other: {stage: build, script: x}
test:
  needs: [build]
  dependencies: [build, other, ghost]
  script: x
)");
  EXPECT_EQ(r->Messages(DiagKind::GlDependencyNotInNeeds),
            std::vector<std::string>{"jobs:test dependencies the other should be part of needs"});
  EXPECT_EQ(r->Messages(DiagKind::GlUndefinedDependency), std::vector<std::string>{"test job: undefined dependency: ghost"});
  // Whether the listed jobs have artifacts is the checker's (gitlab-need-without-artifacts):
  // the IR keeps the list as written.
  EXPECT_TRUE(r->Messages(DiagKind::GlNeedNoArtifacts).empty());
  const ir::Job* test = r->Job("test");
  ASSERT_TRUE(test && test->dependencies);
  std::vector<std::string> listed;
  for (const ir::Dependency& d : *test->dependencies) listed.push_back(d.job);
  EXPECT_EQ(listed, (std::vector<std::string>{"build", "other", "ghost"}));
  EXPECT_FALSE(r->Job("build")->dependencies);  // no `dependencies:` key
}

// The facts the checker's gitlab-artifact-not-fetched judges: each path a before_script or
// script line mentions (not after_script), whether the line writes it, placed in the YAML (in a
// double-quoted scalar with escapes, at the scalar); and `artifacts: true` as written.
TEST(GitLabReader, KeepsScriptPathsAndWrittenArtifactRequests) {
  auto r = ReadGitLabText(R"(build: {stage: build, script: x, artifacts: {paths: [dist/]}}
test:
  stage: test
  needs: [{job: build, artifacts: true}]
  before_script: [mkdir -p out]
  script:
    - ./dist/app > out/log.txt
    - "echo \"x\" dist/VERSION"
  after_script: [cat dist/after.txt]
)");
  const ir::Job* test = r->Job("test");
  ASSERT_TRUE(test);
  std::vector<std::string> seen;
  for (const ir::ScriptPathRef& ref : test->script_paths)
    seen.push_back(fmt::format("{}{} {}:{}", ref.writes ? "writes " : "", ref.path, ref.range.begin.line,
                               ref.range.begin.column));
  EXPECT_EQ(seen, (std::vector<std::string>{"writes out 5:28", "dist/app 7:7", "writes out/log.txt 7:20",
                                            "dist/VERSION 8:7"}));
  ASSERT_EQ(test->needs.size(), 1u);
  EXPECT_TRUE(test->needs[0].artifacts_written);
  EXPECT_TRUE(r->Job("build")->script_paths.empty());
}

TEST(GitLabReader, TooManyNeeds) {
  std::string text;
  std::string needs;
  for (int i = 0; i < 51; ++i) {
    text += "j" + std::to_string(i) + ": {stage: build, script: x}\n";
    needs += (i ? ", j" : "j") + std::to_string(i);
  }
  text += "t: {script: x, needs: [" + needs + "]}\n";
  auto r = ReadGitLabText(text);
  EXPECT_EQ(r->Messages(DiagKind::GlTooManyNeeds),
            std::vector<std::string>{"t: one job can only need 50 others, but you have listed 51."});
}

TEST(GitLabReader, ExtendsMergesDeeplyAndReportsErrors) {
  auto r = ReadGitLabText(R"(.base:
  image: alpine
  variables: {A: "1", B: "2"}
  script: [echo base]
.mid:
  extends: .base
  variables: {B: "3"}
job:
  extends: [.mid]
  script: [echo job]
bad:
  extends: .ghost
  script: x
loop1: {extends: loop2, script: x}
loop2: {extends: loop1, script: x}
)");
  ASSERT_TRUE(r->p);
  const ir::Job* job = r->Job("job");
  ASSERT_TRUE(job);
  ASSERT_EQ(job->image.parts.size(), 1u);
  EXPECT_EQ(job->image.parts[0].text, "alpine");
  ASSERT_EQ(job->env.size(), 2u);
  EXPECT_EQ(job->env[1].name, "B");
  EXPECT_EQ(job->env[1].value.parts[0].text, "3");
  ASSERT_EQ(job->steps.size(), 1u);
  EXPECT_EQ(job->steps[0].script.parts[0].text, "echo job");
  auto ext = r->Messages(DiagKind::GlExtends);
  EXPECT_NE(std::find(ext.begin(), ext.end(), "bad: unknown keys in `extends` (.ghost)"), ext.end());
  EXPECT_TRUE(std::any_of(ext.begin(), ext.end(), [](const std::string& m) {
    return m.find("circular dependency detected in `extends`") != std::string::npos;
  }));
}

TEST(GitLabReader, ExtendsDepthLimit) {
  std::string text;
  for (int i = 0; i < 12; ++i) text += ".t" + std::to_string(i) + ": {extends: .t" + std::to_string(i + 1) + "}\n";
  text += ".t12: {script: x}\njob: {extends: .t0}\n";
  auto r = ReadGitLabText(text);
  auto ext = r->Messages(DiagKind::GlExtends);
  EXPECT_TRUE(std::any_of(ext.begin(), ext.end(), [](const std::string& m) {
    return m == ".t11: nesting too deep in `extends`";  // .t0 comes first, as in GitLab
  }));
  EXPECT_EQ(ext.size(), 1u);  // one report, as GitLab stops at the first
}

TEST(GitLabReader, ExtendsElevenLevelsAreAllowed) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += ".t" + std::to_string(i) + ": {extends: .t" + std::to_string(i + 1) + "}\n";
  text += ".t10: {script: x}\njob: {extends: .t0}\n";  // job -> .t0 -> ... -> .t10: 11 levels
  auto r = ReadGitLabText(text);
  EXPECT_TRUE(r->Messages(DiagKind::GlExtends).empty());
  ASSERT_TRUE(r->Job("job"));
  EXPECT_EQ(r->Job("job")->steps.size(), 1u);
}

TEST(GitLabReader, ExtendsDiamondsResolveOnce) {
  // 2^10 paths through the diamonds, 12 entries: each resolved once, its chain kept unique.
  std::string text = ".t0: {script: [x]}\n";
  for (int i = 1; i <= 10; ++i)
    text += ".t" + std::to_string(i) + ": {extends: [.t" + std::to_string(i - 1) + ", .t" + std::to_string(i - 1) + "]}\n";
  text += "job: {extends: .t10}\n";
  auto r = ReadGitLabText(text);
  EXPECT_TRUE(r->Messages(DiagKind::GlExtends).empty());
  ASSERT_TRUE(r->Job("job"));
  EXPECT_EQ(r->Job("job")->steps.size(), 1u);
}

TEST(GitLabReader, AnchorsMergeKeysAndReferences) {
  auto r = ReadGitLabText(R"(.setup: &setup
  before_script: [echo setup]
.scripts:
  lint: [ruff check]
job:
  <<: *setup
  script:
    - !reference [.scripts, lint]
    - echo done
missing:
  script: [!reference [.nope, x]]
)");
  ASSERT_TRUE(r->p);
  const ir::Job* job = r->Job("job");
  ASSERT_EQ(job->steps.size(), 3u);
  EXPECT_EQ(job->steps[0].script.parts[0].text, "echo setup");
  EXPECT_EQ(job->steps[1].script.parts[0].text, "ruff check");
  EXPECT_EQ(r->Messages(DiagKind::GlReference), std::vector<std::string>{"!reference [.nope, x] could not be found"});
}

TEST(GitLabReader, DefaultAndInherit) {
  auto r = ReadGitLabText(R"(default:
  image: ruby:3
  tags: [docker]
a: {script: x}
b: {script: x, inherit: {default: false}}
c: {script: x, image: alpine}
)");
  EXPECT_EQ(r->Job("a")->image.parts[0].text, "ruby:3");
  EXPECT_EQ(r->Job("a")->runner, std::vector<std::string>{"docker"});
  EXPECT_TRUE(r->Job("b")->image.parts.empty());
  EXPECT_EQ(r->Job("c")->image.parts[0].text, "alpine");
}

TEST(GitLabReader, LocalIncludesGlobsAndUnresolved) {
  auto r = ReadGitLabText(
      R"(include:
  - local: ci/build.yml
  - local: 'ci/more/*.yml'
  - remote: https://example.com/x.yml
  - template: Auto-DevOps.gitlab-ci.yml
  - local: ci/missing.yml
test: {script: x, needs: [build, lint]}
)",
      {{"ci/build.yml", "build: {stage: build, script: make}\n"},
       {"ci/more/lint.yml", "include: ci/nested.yml\nlint: {stage: build, script: lint}\n"},
       {"ci/nested.yml", "nested: {script: n}\n"}});
  ASSERT_TRUE(r->p);
  EXPECT_TRUE(r->Job("build"));
  EXPECT_TRUE(r->Job("lint"));
  EXPECT_TRUE(r->Job("nested"));
  EXPECT_EQ(r->Messages(DiagKind::GlIncludeNotResolved).size(), 2u);
  EXPECT_EQ(r->Messages(DiagKind::GlInclude),
            std::vector<std::string>{"Included file `ci/missing.yml` is empty or does not exist!"});
  EXPECT_TRUE(r->Messages(DiagKind::GlUndefinedNeed).empty());
  // the included job keeps its own file and line
  EXPECT_EQ(r->sm.Path(r->Job("build")->range.file), "ci/build.yml");
}

TEST(GitLabReader, IncludeLimit) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 160; ++i)
    files["f" + std::to_string(i) + ".yml"] = "include: f" + std::to_string(i + 1) + ".yml\nj" + std::to_string(i) + ": {script: x}\n";
  auto r = ReadGitLabText("include: f0.yml\n", files);
  EXPECT_EQ(r->Messages(DiagKind::GlInclude), std::vector<std::string>{"Maximum of 150 nested includes are allowed!"});
}

TEST(GitLabReader, ParallelMatrixExpands) {
  auto r = ReadGitLabText(R"(build:
  stage: build
  script: x
  parallel:
    matrix:
      - PY: ["3.10", "3.11"]
        OS: linux
test:
  needs: [build]
  parallel: 2
  script: x
)");
  ASSERT_TRUE(r->p);
  EXPECT_TRUE(r->Job("build: [3.10, linux]"));
  EXPECT_TRUE(r->Job("build: [3.11, linux]"));
  ASSERT_TRUE(r->Job("test 1/2"));
  EXPECT_EQ(r->Job("test 2/2")->needs.size(), 2u);
}

TEST(GitLabReader, WrongTypesAreReported) {
  auto r = ReadGitLabText(R"(job:
  script: {a: b}
  stage: [x]
  when: sometimes
  retry: 5
  artifacts: {paths: a, when: never}
  cache: {key: a/b, policy: pull-only}
  tags: docker
  bogus: 1
)");
  auto types = r->Messages(DiagKind::YamlWrongType);
  EXPECT_GE(types.size(), 8u);
  EXPECT_EQ(r->Messages(DiagKind::YamlUnknownKey), std::vector<std::string>{"jobs:job config contains unknown keys: bogus"});
}

TEST(GitLabReader, SecretsAndWhyTheyAreSecrets) {
  auto r = ReadGitLabText(R"(variables:
  DEPLOY_KEY: {value: abc, masked: true}
  PLAIN: hello
deploy:
  script:
    - echo $DEPLOY_KEY
    - 'curl -H "x: ${NPM_TOKEN}" $PLAIN $CI_COMMIT_SHA $MY_THING $CI_JOB_TOKEN'
)",
                          {}, {"MY_THING"});
  ASSERT_TRUE(r->p);
  std::map<std::string, std::string> origin;
  for (const ir::Secret& s : r->p->secrets) origin[s.name] = s.origin;
  EXPECT_EQ(origin["DEPLOY_KEY"], "masked: true");
  EXPECT_EQ(origin["NPM_TOKEN"], "name looks like a credential (TOKEN); whether GitLab masks it is a project setting this file does not show");
  EXPECT_EQ(origin["MY_THING"], "--secret");
  EXPECT_EQ(origin["CI_JOB_TOKEN"], "GitLab masks this predefined variable");
  EXPECT_FALSE(origin.contains("PLAIN"));
  EXPECT_FALSE(origin.contains("CI_COMMIT_SHA"));
  const ir::Job* deploy = r->Job("deploy");
  std::vector<std::string> bound;
  for (const ir::EnvVar& e : deploy->env)
    if (!e.secret.empty()) bound.push_back(e.secret);
  EXPECT_EQ(bound, (std::vector<std::string>{"DEPLOY_KEY", "NPM_TOKEN", "MY_THING", "CI_JOB_TOKEN"}));
  // the NPM_TOKEN binding points at `${NPM_TOKEN}` in the script line
  for (const ir::EnvVar& e : deploy->env)
    if (e.secret == "NPM_TOKEN") {
      EXPECT_EQ(e.range.begin.line, 7u);
      EXPECT_EQ(e.range.begin.column, 20u);
    }
}

TEST(GitLabReader, NoVisibleJob) {
  auto r = ReadGitLabText(".hidden: {script: x}\nstages: [a]\n");
  EXPECT_EQ(r->Messages(DiagKind::GlNoVisibleJob), std::vector<std::string>{"jobs config should contain at least one visible job"});
}

TEST(GitLabReader, TopLevelNotAMapIsReported) {
  auto r = ReadGitLabText("- a\n- b\n");
  EXPECT_FALSE(r->p);
  EXPECT_EQ(r->Messages(DiagKind::YamlWrongType).size(), 1u);
}

}  // namespace
}  // namespace pipec::import
