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

}  // namespace
}  // namespace pipec::lint
