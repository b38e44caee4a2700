#include <gtest/gtest.h>

#include "lint/github_artifacts.h"
#include "lint/test_builder.h"

namespace pipec::lint {
namespace {

using testing::OfKind;
using testing::TestPipeline;

// Inputs without a need on their producer, or from no job, exist only in imported YAML (sema
// adds the need for every `in`); the fixtures say so by their origin.
TEST(ArtifactRules, InputFromAJobThatIsNotUpstream) {
  TestPipeline t;
  t.p.origin = ir::Origin::GitLab;
  t.AddJob("train", 10);
  t.AddOutput("train", "model", ir::OutputKind::File, "model.pkl", 11);
  t.AddJob("serve", 20);
  t.AddInput("serve", "m", "train", "model", "model.pkl", 21, /*with_need=*/false);
  t.AddInput("serve", "x", "train", "missing", "x", 22, /*with_need=*/false);
  t.AddInput("serve", "y", "ghost", "out", "y", 23, /*with_need=*/false);
  auto diags = OfKind(t.Check(), DiagKind::ArtifactNotUpstream);
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_NE(diags[0].message.find("does not depend on train"), std::string::npos);
  EXPECT_NE(diags[1].message.find("job train has no output missing"), std::string::npos);
  EXPECT_NE(diags[2].message.find("no job ghost exists"), std::string::npos);
}

TEST(ArtifactRules, TransitiveProducerIsUpstream) {
  TestPipeline t;
  t.p.origin = ir::Origin::GitLab;
  t.AddJob("a", 10);
  t.AddOutput("a", "o", ir::OutputKind::File, "o.txt", 11);
  t.AddJob("b", 20);
  t.AddNeed("b", "a", 21);
  t.AddJob("c", 30);
  t.AddNeed("c", "b", 31);
  t.AddInput("c", "o", "a", "o", "o.txt", 32, /*with_need=*/false);
  auto diags = t.Check();
  EXPECT_TRUE(OfKind(diags, DiagKind::ArtifactNotUpstream).empty());
  EXPECT_TRUE(OfKind(diags, DiagKind::UnconsumedOutput).empty());
}

TEST(ArtifactRules, ProducerInactiveUnderAConsumerTrigger) {
  TestPipeline t;
  ir::Trigger nightly;
  nightly.kind = ir::TriggerKind::Schedule;
  nightly.name = "nightly";
  t.p.triggers.push_back(nightly);
  t.AddJob("train", 10).active_triggers = {"schedule:nightly"};
  t.AddOutput("train", "model", ir::OutputKind::File, "m", 11);
  t.AddJob("deploy", 20).active_triggers = {"push", "schedule:nightly"};
  t.AddInput("deploy", "m", "train", "model", "m", 21);
  auto diags = OfKind(t.Check(), DiagKind::ArtifactProducerInactive);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].message,
            "job deploy runs on push where train does not run, so train.model does not exist there");
}

TEST(ArtifactRules, ExpiryShorterThanTheWaitOrAManualApproval) {
  TestPipeline t;
  t.AddJob("build", 10);
  t.AddOutput("build", "bin", ir::OutputKind::File, "bin", 11).expire_seconds = 1800;
  t.AddJob("slow", 20).timeout_seconds = 3 * 3600;
  t.AddJob("deploy", 30);
  t.AddNeed("deploy", "slow", 31);
  t.AddInput("deploy", "bin", "build", "bin", "bin", 32);
  auto diags = OfKind(t.Check(), DiagKind::ArtifactExpiresEarly);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("can start up to 2h later"), std::string::npos)
      << diags[0].message;

  t.Job("slow").timeout_seconds = 600;
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::ArtifactExpiresEarly).empty());
  t.Job("deploy").environment = ir::Environment{"prod", "", true, t.At(33)};
  diags = OfKind(t.Check(), DiagKind::ArtifactExpiresEarly);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("manual approval"), std::string::npos);
}

TEST(ArtifactRules, TwoInputsRestoredToOnePath) {
  TestPipeline t;
  t.AddJob("a", 10);
  t.AddOutput("a", "o", ir::OutputKind::File, "out.txt", 11);
  t.AddJob("b", 20);
  t.AddOutput("b", "o", ir::OutputKind::File, "out.txt", 21);
  t.AddJob("c", 30);
  t.AddInput("c", "x", "a", "o", "out.txt", 31);
  t.AddInput("c", "y", "b", "o", "./out.txt", 32);
  auto diags = OfKind(t.Check(), DiagKind::ArtifactPathConflict);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].range.begin.line, 32u);
  EXPECT_EQ(diags[0].notes[0].range.begin.line, 31u);
}

// Paths are compared normalized (support::NormalizePath): `a/./b/` and `a//b` are `a/b`.
TEST(ArtifactRules, InputPathsComparedNormalized) {
  TestPipeline t;
  t.AddJob("a", 10);
  t.AddOutput("a", "o", ir::OutputKind::Dir, "out", 11);
  t.AddJob("b", 20);
  t.AddOutput("b", "o", ir::OutputKind::Dir, "out", 21);
  t.AddJob("c", 30);
  t.AddInput("c", "x", "a", "o", "deps/./lib/", 31);
  t.AddInput("c", "y", "b", "o", "deps//lib", 32);
  EXPECT_EQ(OfKind(t.Check(), DiagKind::ArtifactPathConflict).size(), 1u);
}

// GitHub: the input path is the folder download-artifact extracts into; one-file artifacts
// with different names land side by side, same-named ones (or folders) collide.
TEST(ArtifactRules, GitHubDownloadsOfDifferentFilesIntoOneFolder) {
  TestPipeline t;
  t.p.origin = ir::Origin::GitHub;
  t.AddJob("train", 10);
  t.AddOutput("train", "model", ir::OutputKind::File, "work/model/model.json", 11);
  t.AddOutput("train", "metrics", ir::OutputKind::File, "work/model/metrics.json", 12);
  t.AddOutput("train", "again", ir::OutputKind::File, "other/metrics.json", 13);
  t.AddOutput("train", "dist", ir::OutputKind::File, "dist/", 14);
  t.AddJob("use", 20);
  t.AddInput("use", "model", "train", "model", "work/model", 21);
  t.AddInput("use", "metrics", "train", "metrics", "work/model", 22);
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::ArtifactPathConflict).empty());
  t.AddInput("use", "again", "train", "again", "work/model", 23);
  t.AddInput("use", "dist", "train", "dist", "out", 24);
  t.AddInput("use", "model2", "train", "model", "out", 25);
  auto diags = OfKind(t.Check(), DiagKind::ArtifactPathConflict);
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].range.begin.line, 23u);  // metrics.json twice
  EXPECT_EQ(diags[1].range.begin.line, 25u);  // a folder's contents next to a file
}

TEST(ArtifactRules, UnconsumedOutputsButNotReportsOrConditionValues) {
  TestPipeline t;
  t.AddJob("a", 10);
  t.AddOutput("a", "junk", ir::OutputKind::File, "junk", 11);
  t.AddOutput("a", "tests", ir::OutputKind::Junit, "r.xml", 12);
  t.AddOutput("a", "ok", ir::OutputKind::Bool, "ok.txt", 13);
  t.AddJob("b", 20);
  t.AddNeed("b", "a", 21);
  ir::Condition c;
  c.op = ir::Condition::Op::Truthy;
  c.left.kind = ir::Operand::Kind::Output;
  c.left.job = "a";
  c.left.name = "ok";
  t.Job("b").when = c;
  auto diags = OfKind(t.Check(), DiagKind::UnconsumedOutput);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].message, "output junk of job a is read by no job");
  EXPECT_EQ(diags[0].severity, Severity::Warning);
}

// GitHub: the reader leaves a download it cannot tie to an upload in a job it needs without a
// producer (job ""); github-missing-artifact judges it here.
TEST(ArtifactRules, GitHubDownloadWithoutUploadUpstream) {
  TestPipeline t;
  t.p.origin = ir::Origin::GitHub;
  t.AddJob("build", 10);
  t.AddOutput("build", "dist", ir::OutputKind::Dir, "dist/", 11);
  t.AddJob("publish", 20);
  t.AddInput("publish", "dist", "", "dist", ".", 21, /*with_need=*/false);
  auto diags = OfKind(t.Check(), DiagKind::GhMissingArtifact);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].severity, Severity::Error);
  EXPECT_EQ(diags[0].message, "job \"publish\" downloads artifact \"dist\" but no job it needs uploads it");
  ASSERT_EQ(diags[0].notes.size(), 1u);
  EXPECT_EQ(diags[0].notes[0].message, "\"build\" uploads it: add it to `needs`");
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::ArtifactNotUpstream).empty());
}

TEST(ArtifactRules, GitHubDownloadExplainedByAMatrixUploadOrItsOwn) {
  TestPipeline t;
  t.p.origin = ir::Origin::GitHub;
  t.AddJob("build", 10);
  t.AddOutput("build", "pkg-${{ matrix.os }}", ir::OutputKind::Dir, "out/", 11);
  t.AddJob("release", 20);
  t.AddNeed("release", "build", 21);
  t.AddInput("release", "pkg-linux", "", "pkg-linux", ".", 22, /*with_need=*/false);
  t.AddJob("self", 30);
  t.AddOutput("self", "report", ir::OutputKind::File, "r.txt", 31);
  t.AddInput("self", "report", "", "report", ".", 32, /*with_need=*/false);
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::GhMissingArtifact).empty());
}

TEST(ArtifactRules, GitHubDownloadAnActionUpstreamMayUploadIsANote) {
  TestPipeline t;
  t.p.origin = ir::Origin::GitHub;
  t.AddJob("build", 10);
  t.AddOutput("build", "dist", ir::OutputKind::Dir, "dist/", 11);
  t.AddJob("package", 15);
  ir::Step uses;
  uses.kind = ir::Step::Kind::Uses;
  uses.uses = "hynek/build-and-inspect-python-package@v2";
  t.Job("package").steps.push_back(uses);
  t.AddJob("release", 20);
  t.AddNeed("release", "package", 21);
  t.AddInput("release", "Packages", "", "Packages", ".", 22, /*with_need=*/false);
  auto diags = OfKind(t.Check(), DiagKind::GhMissingArtifact);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].severity, Severity::Note);
  EXPECT_NE(diags[0].message.find("unless an action of \"package\" uploads it"), std::string::npos);
}

TEST(ArtifactRules, GitHubDownloadInAWorkflowThatUploadsNothingIsAnotherRuns) {
  TestPipeline t;
  t.p.origin = ir::Origin::GitHub;
  t.AddJob("report", 10);
  t.AddInput("report", "coverage", "", "coverage", ".", 11, /*with_need=*/false);
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::GhMissingArtifact).empty());
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::ArtifactNotUpstream).empty());
}

TEST(GitHubArtifacts, UploadNamesWithExpressionsMatchAnyText) {
  EXPECT_TRUE(GitHubArtifactNameMatches("dist", "dist"));
  EXPECT_FALSE(GitHubArtifactNameMatches("dist", "dist2"));
  EXPECT_TRUE(GitHubArtifactNameMatches("pkg-${{ matrix.os }}", "pkg-linux"));
  EXPECT_TRUE(GitHubArtifactNameMatches("${{ matrix.os }}-pkg-${{ matrix.py }}.whl", "linux-pkg-3.12.whl"));
  EXPECT_FALSE(GitHubArtifactNameMatches("pkg-${{ matrix.os }}", "bin-linux"));
  EXPECT_FALSE(GitHubArtifactNameMatches("pkg-${{ matrix.os", "pkg-linux"));  // unclosed
}

}  // namespace
}  // namespace pipec::lint
