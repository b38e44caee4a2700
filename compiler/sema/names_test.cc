#include "compiler/sema/names.h"

#include <gtest/gtest.h>

namespace pipec::sema {
namespace {

TEST(Names, EditDistance) {
  EXPECT_EQ(EditDistance("train", "trian"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("same", "same"), 0u);
}

TEST(Names, ClosestNamesSuggestsNearOnes) {
  auto c = ClosestNames("tets", {"test", "build", "deploy"});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], "test");
  EXPECT_TRUE(ClosestNames("zzzzzz", {"test"}).empty());
}

TEST(Names, Glob) {
  EXPECT_TRUE(GlobMatch("release/*", "release/1.2"));
  EXPECT_TRUE(GlobMatch("v*", "v1.0.0"));
  EXPECT_FALSE(GlobMatch("v*", "x1"));
  EXPECT_TRUE(GlobMatch("feat-?", "feat-a"));
  EXPECT_TRUE(GlobMatch("[mr]ain", "main"));
  EXPECT_FALSE(GlobMatch("main", "main2"));
}

}  // namespace
}  // namespace pipec::sema
