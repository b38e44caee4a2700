#include "compiler/support/one_of.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

namespace pipec::support {
namespace {

TEST(OneOf, BracedListMatchesWholeStringsOnly) {
  EXPECT_TRUE(OneOf("push", {"pull", "push", "pull-push"}));
  EXPECT_FALSE(OneOf("pus", {"pull", "push"}));        // a prefix is not a member
  EXPECT_FALSE(OneOf("push-pull", {"pull", "push"}));  // nor a longer string
  EXPECT_FALSE(OneOf("", {"pull", "push"}));
  EXPECT_FALSE(OneOf("push", {}));
}

TEST(OneOf, ConstantArrayOfStringViews) {
  static constexpr std::array<std::string_view, 3> kKeys = {"name", "on", "jobs"};
  const std::string key = "jobs";  // an owning string converts to the view
  EXPECT_TRUE(OneOf(key, kKeys));
  EXPECT_FALSE(OneOf("Jobs", kKeys));  // case matters, as in the vendors' keys
}

}  // namespace
}  // namespace pipec::support
