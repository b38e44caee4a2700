#include <gtest/gtest.h>

#include "lint/test_builder.h"

namespace pipec::lint {
namespace {

using testing::OfKind;
using testing::TestPipeline;

// build (no artifacts) and lint (a cache only), needed and listed by test.
TestPipeline Fixture() {
  TestPipeline t;
  t.p.origin = ir::Origin::GitLab;
  t.AddJob("build", 10);
  t.AddRun("build", "make", 11).name = "script";
  t.AddJob("pkg", 20);
  t.AddRun("pkg", "make pkg", 21).name = "script";
  t.AddOutput("pkg", "dist", ir::OutputKind::Dir, "dist/", 22);
  t.AddJob("test", 30);
  t.AddRun("test", "make test", 31).name = "script";
  return t;
}

TEST(GitLabArtifactRequests, NeedsWithArtifactsWrittenOnAJobWithoutArtifacts) {
  TestPipeline t = Fixture();
  t.AddNeed("test", "build", 32, ir::Need::Origin::Import).artifacts_written = true;
  t.AddNeed("test", "pkg", 33, ir::Need::Origin::Import).artifacts_written = true;
  auto diags = OfKind(t.Check(), DiagKind::GlNeedNoArtifacts);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].severity, Severity::Warning);
  EXPECT_EQ(diags[0].range.begin.line, 32u);
  EXPECT_EQ(diags[0].message, "test job: needs the artifacts of build, which declares no artifacts");
  EXPECT_EQ(diags[0].subject.job, "test");
}

TEST(GitLabArtifactRequests, ANeedWithoutArtifactsWrittenOnlyOrders) {
  // GitLab's default is `artifacts: true`, but a plain need is mostly about order: silent.
  TestPipeline t = Fixture();
  t.AddNeed("test", "build", 32, ir::Need::Origin::Import);
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::GlNeedNoArtifacts).empty());
}

TEST(GitLabArtifactRequests, DependenciesOnAJobWithoutArtifacts) {
  TestPipeline t = Fixture();
  t.Job("test").dependencies = std::vector<ir::Dependency>{{"build", t.At(34, 19, 5)}, {"pkg", t.At(35, 19, 3)},
                                                          {"ghost", t.At(36, 19, 5)}};
  auto diags = OfKind(t.Check(), DiagKind::GlNeedNoArtifacts);
  ASSERT_EQ(diags.size(), 1u);  // pkg has artifacts; ghost is the reader's undefined dependency
  EXPECT_EQ(diags[0].range.begin.line, 34u);
  EXPECT_EQ(diags[0].message, "test job: dependency build declares no artifacts, so there is nothing to download");
}

TEST(GitLabArtifactRequests, ATriggerJobHasNoArtifactsToAskFor) {
  TestPipeline t = Fixture();
  t.Job("build").trigger = ir::TriggerJob{};
  t.Job("test").dependencies = std::vector<ir::Dependency>{{"build", t.At(34, 19, 5)}};
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::GlNeedNoArtifacts).empty());
}

TEST(GitLabArtifactRequests, AJobAnUnreadIncludeMayCompleteIsANote) {
  TestPipeline t = Fixture();
  t.Job("build").steps.clear();  // no script: an include may define it, artifacts and all
  ir::Include include;
  include.kind = ir::Include::Kind::Project;
  include.location = "group/ci";
  include.range = t.At(2, 3, 10);
  t.p.includes.push_back(include);
  t.Job("test").dependencies = std::vector<ir::Dependency>{{"build", t.At(34, 19, 5)}};
  auto diags = OfKind(t.Check(), DiagKind::GlNeedNoArtifacts);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].severity, Severity::Note);
  EXPECT_EQ(diags[0].message,
            "test job: dependency build declares no artifacts, so there is nothing to download (unless an unread "
            "include supplies the artifacts of build)");
  ASSERT_EQ(diags[0].notes.size(), 1u);
  EXPECT_EQ(diags[0].notes[0].message,
            "this project include is not read by pipec; it may define the artifacts of build");
}

TEST(GitLabArtifactRequests, OneFindingPerEntryOfAParallelJob) {
  // `needs: [{job: build, artifacts: true}]` on a job whose two cells both need both cells of build.
  TestPipeline t = Fixture();
  t.p.jobs.erase(t.p.jobs.begin());  // build becomes parallel
  for (const char* cell : {"build: [a]", "build: [b]"}) {
    t.AddJob(cell, 10).base_name = "build";
    t.AddRun(cell, "make", 11).name = "script";
  }
  t.p.jobs.erase(std::find_if(t.p.jobs.begin(), t.p.jobs.end(), [](const ir::Job& j) { return j.name == "test"; }));
  for (const char* cell : {"test: [x]", "test: [y]"}) {
    t.AddJob(cell, 30).base_name = "test";
    t.AddRun(cell, "make test", 31).name = "script";
    for (const char* target : {"build: [a]", "build: [b]"}) {
      ir::Need& n = t.AddNeed(cell, target, 32, ir::Need::Origin::Import);
      n.range = t.At(32, 9, 5);
      n.artifacts_written = true;
    }
  }
  auto diags = OfKind(t.Check(), DiagKind::GlNeedNoArtifacts);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].message, "test job: needs the artifacts of build, which declares no artifacts");
}

// build (stage build) leaves dist/ and report.txt; test (stage test) reads dist/app.
TestPipeline Reads() {
  TestPipeline t;
  t.p.origin = ir::Origin::GitLab;
  t.p.stages = {"build", "test", "deploy"};
  t.AddJob("build", 10).stage = "build";
  t.AddOutput("build", "dist", ir::OutputKind::Dir, "dist/", 11);
  t.AddOutput("build", "report", ir::OutputKind::File, "report.txt", 12);
  ir::Job& test = t.AddJob("test", 20);
  test.stage = "test";
  test.script_paths.push_back({"dist/app", false, t.At(21, 12, 8)});
  return t;
}

std::vector<Diagnostic> NotFetched(const TestPipeline& t, const support::FileSystem* fs = nullptr) {
  support::MemoryFileSystem empty;
  CheckOptions opts;
  opts.fs = fs ? fs : &empty;
  return OfKind(t.Check(opts), DiagKind::GlArtifactNotFetched);
}

TEST(GitLabArtifactReads, AnEarlierStageIsDownloadedWithoutNeeds) {
  TestPipeline t = Reads();
  t.Job("test").after_stages = true;
  EXPECT_TRUE(NotFetched(t).empty());
}

TEST(GitLabArtifactReads, NeedsThatLeaveTheProducerOut) {
  TestPipeline t = Reads();
  t.AddJob("lint", 30).stage = "build";
  t.AddNeed("test", "lint", 22, ir::Need::Origin::Import);
  auto diags = NotFetched(t);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].message, "job test reads dist/app, which only the artifacts of build provide, but test does not download them");
  EXPECT_EQ(diags[0].range.begin.line, 21u);
  ASSERT_EQ(diags[0].notes.size(), 1u);
  EXPECT_EQ(diags[0].notes[0].message, "the `needs` of test do not include build");
  EXPECT_EQ(diags[0].notes[0].range.begin.line, 11u);
  EXPECT_EQ(diags[0].subject.job, "test");
}

TEST(GitLabArtifactReads, ANeedWithArtifactsFalse) {
  TestPipeline t = Reads();
  t.AddNeed("test", "build", 22, ir::Need::Origin::Import);  // artifacts false
  auto diags = NotFetched(t);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].notes[0].message, "test needs build with `artifacts: false`");
  t.Job("test").needs[0].artifacts = true;
  EXPECT_TRUE(NotFetched(t).empty());
}

TEST(GitLabArtifactReads, DependenciesNarrowWhatIsDownloaded) {
  // With `needs` and `dependencies: []` GitLab downloads nothing (the reader folds that into
  // the need's artifacts flag).
  TestPipeline t = Reads();
  t.AddNeed("test", "build", 22, ir::Need::Origin::Import);
  t.Job("test").dependencies = std::vector<ir::Dependency>{};
  auto diags = NotFetched(t);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].notes[0].message, "the `dependencies` of test do not list build");
  // Listed in `dependencies`, the need's own `artifacts: false` is why.
  t.Job("test").dependencies = std::vector<ir::Dependency>{{"build", t.At(23, 18, 5)}};
  diags = NotFetched(t);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].notes[0].message, "test needs build with `artifacts: false`");
  // Without needs, `dependencies` says whose artifacts come.
  TestPipeline listed = Reads();
  listed.Job("test").after_stages = true;
  listed.Job("test").dependencies = std::vector<ir::Dependency>{{"build", listed.At(23, 18, 5)}};
  EXPECT_TRUE(NotFetched(listed).empty());
  listed.Job("test").dependencies = std::vector<ir::Dependency>{};
  ASSERT_EQ(NotFetched(listed).size(), 1u);
}

TEST(GitLabArtifactReads, ProducersThatCannotRunFirstAreNotAsked) {
  TestPipeline later = Reads();
  later.Job("build").stage = "deploy";  // a later stage: the job makes dist/app itself
  later.Job("test").after_stages = true;
  EXPECT_TRUE(NotFetched(later).empty());
  TestPipeline waits = Reads();  // build needs test: it cannot supply it
  waits.AddJob("other", 40).stage = "build";
  waits.AddNeed("test", "other", 22, ir::Need::Origin::Import);
  waits.AddNeed("build", "test", 13, ir::Need::Origin::Import);
  EXPECT_TRUE(NotFetched(waits).empty());
}

TEST(GitLabArtifactReads, WhatTheJobHasItselfOrTheRepositoryHas) {
  TestPipeline written = Reads();
  written.Job("test").script_paths.insert(written.Job("test").script_paths.begin(),
                                          ir::ScriptPathRef{"dist", true, written.At(20, 5, 4)});
  EXPECT_TRUE(NotFetched(written).empty());  // `mkdir dist` earlier in the job
  TestPipeline own = Reads();
  own.AddOutput("test", "dist", ir::OutputKind::Dir, "dist/", 24);
  EXPECT_TRUE(NotFetched(own).empty());
  TestPipeline in_repo = Reads();
  support::MemoryFileSystem repo;
  repo.Add("./dist/app", "#!/bin/sh\n");
  EXPECT_TRUE(NotFetched(in_repo, &repo).empty());
  TestPipeline code = Reads();  // source code in a folder listed whole: the repository's own
  code.Job("test").script_paths[0].path = "dist/tool.py";
  EXPECT_TRUE(NotFetched(code).empty());
}

}  // namespace
}  // namespace pipec::lint
