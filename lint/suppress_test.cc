#include "lint/suppress.h"

#include <gtest/gtest.h>

#include "lint/test_builder.h"

namespace pipec::lint {
namespace {

using testing::OfKind;
using testing::TestPipeline;

TEST(Suppress, LineBeforeSameLineAndJobBlock) {
  std::string src =
      "pipeline p version 1\n"
      "# pipec: ignore[unpinned-image] we track node's tip on purpose\n"
      "job a { image \"node\" }\n"
      "job b { image \"node:latest\" }  # pipec: ignore[P4003] -- same\n"
      "# pipec: ignore[empty-script, unpinned-image] placeholder job\n"
      "job c {\n"
      "  image \"ruby\"\n"
      "}\n"
      "job d { image \"perl\" }\n";
  TestPipeline t(src);
  t.AddJob("a", 3, 3).image = testing::Lit("node");
  t.AddRun("a", "x", 3);
  t.AddJob("b", 4, 4).image = testing::Lit("node:latest");
  t.AddRun("b", "x", 4);
  t.AddJob("c", 6, 8).image = testing::Lit("ruby");
  t.AddJob("d", 9, 9).image = testing::Lit("perl");
  t.AddRun("d", "x", 9);
  auto diags = ApplySuppressions(t.Check(), t.sm, &t.p);
  auto unpinned = OfKind(diags, DiagKind::UnpinnedImage);
  ASSERT_EQ(unpinned.size(), 1u);
  EXPECT_EQ(unpinned[0].range.begin.line, 9u);
  EXPECT_TRUE(OfKind(diags, DiagKind::EmptyScript).empty());
  EXPECT_TRUE(OfKind(diags, DiagKind::UnusedIgnore).empty());
}

TEST(Suppress, MissingReasonUnknownNameAndUnusedIgnores) {
  std::string src =
      "# pipec: ignore[unpinned-image]\n"
      "job a { image \"node\" }\n"
      "# pipec: ignore[no-such-rule] because\n"
      "# pipec: ignore[syntax-error] because\n"
      "# pipec: ignore[dependency-cycle] nothing to suppress here\n"
      "job b { }\n";
  TestPipeline t(src);
  t.AddJob("a", 2, 2).image = testing::Lit("node");
  t.AddRun("a", "x", 2);
  auto diags = ApplySuppressions(t.Check(), t.sm, &t.p);
  EXPECT_EQ(OfKind(diags, DiagKind::UnpinnedImage).size(), 1u);  // not applied without reason
  EXPECT_EQ(OfKind(diags, DiagKind::IgnoreWithoutReason).size(), 1u);
  auto unknown = OfKind(diags, DiagKind::UnknownIgnoreName);
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_NE(unknown[1].message.find("cannot be ignored"), std::string::npos);
  auto unused = OfKind(diags, DiagKind::UnusedIgnore);
  ASSERT_EQ(unused.size(), 1u);
  EXPECT_EQ(unused[0].range.begin.line, 5u);
}

TEST(Suppress, YamlCommentsWork) {
  std::string src = "deploy:\n  image: node  # pipec: ignore[unpinned-image] pinned by renovate\n";
  TestPipeline t(src, ".gitlab-ci.yml");
  t.AddJob("deploy", 1, 2).image = testing::Lit("node");
  t.AddRun("deploy", "x", 2);
  auto diags = ApplySuppressions(t.Check(), t.sm, &t.p);
  EXPECT_TRUE(OfKind(diags, DiagKind::UnpinnedImage).empty());
}

}  // namespace
}  // namespace pipec::lint
