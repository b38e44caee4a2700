#include <gtest/gtest.h>

#include "lint/test_builder.h"

namespace pipec::lint {
namespace {

using testing::Lit;
using testing::OfKind;
using testing::TestPipeline;

TEST(JobRules, UnreachableAndEmptyJobs) {
  TestPipeline t;
  t.AddJob("never", 10).active_triggers.clear();
  t.AddRun("never", "make", 11);
  t.AddJob("empty", 20);
  t.AddRun("empty", "  \n ", 21);
  t.AddJob("fine", 30);
  t.AddRun("fine", "make", 31);
  auto diags = t.Check();
  auto unreachable = OfKind(diags, DiagKind::UnreachableJob);
  ASSERT_EQ(unreachable.size(), 1u);
  EXPECT_EQ(unreachable[0].message, "job never never runs: its `when` excludes every trigger (push)");
  auto empty = OfKind(diags, DiagKind::EmptyScript);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].range.begin.line, 20u);
}

TEST(JobRules, ImagesWithoutAFixedTag) {
  std::string src = "\n  image \"node\"\n  image \"ghcr.io/x/y:latest\"\n  image \"r:5000/a/b:1.2\"\n";
  TestPipeline t(src + std::string(10, '\n'));
  t.AddJob("a", 1, 2).image = Lit("node");
  t.AddJob("b", 3, 3).image = Lit("ghcr.io/x/y:latest");
  t.AddJob("c", 4, 4).image = Lit("r:5000/a/b:1.2");
  t.AddJob("d", 5, 5).image = Lit("$IMAGE");
  t.AddJob("e", 6, 6).image = Lit("alpine@sha256:0123");
  for (const char* j : {"a", "b", "c", "d", "e"}) t.AddRun(j, "true", 7);
  auto diags = t.Check();
  auto unpinned = OfKind(diags, DiagKind::UnpinnedImage);
  ASSERT_EQ(unpinned.size(), 2u);
  EXPECT_EQ(unpinned[0].range.begin.line, 2u);
  EXPECT_EQ(unpinned[0].range.begin.column, 10u);
  EXPECT_NE(unpinned[1].message.find("floating tag latest"), std::string::npos);
  EXPECT_TRUE(OfKind(diags, DiagKind::ImageNotDigest).empty());  // off by default
  CheckOptions opts;
  opts.enable = {"image-not-digest"};
  EXPECT_EQ(OfKind(t.Check(opts), DiagKind::ImageNotDigest).size(), 1u);
}

TEST(JobRules, UnusedDeclarations) {
  TestPipeline t;
  t.p.declarations = {{"var", "A", t.At(2), false}, {"template", "T", t.At(3), false},
                      {"secret", "S", t.At(4), false}, {"cache", "C", t.At(5), false},
                      {"var", "USED", t.At(6), true}};
  auto diags = t.Check();
  EXPECT_EQ(OfKind(diags, DiagKind::UnusedVariable).size(), 1u);
  EXPECT_EQ(OfKind(diags, DiagKind::UnusedTemplate).size(), 1u);
  EXPECT_EQ(OfKind(diags, DiagKind::UnusedSecret).size(), 1u);
  EXPECT_EQ(OfKind(diags, DiagKind::UnusedCache).size(), 1u);
}

}  // namespace
}  // namespace pipec::lint
