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

}  // namespace
}  // namespace pipec::sema
