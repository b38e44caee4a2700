#include "compiler/support/box.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace pipec::support {
namespace {

struct Big {
  std::string text = "default";
  int n = 0;
};

TEST(Box, AnUnsetBoxReadsAsTheDefaultValue) {
  const Box<Big> unset;
  EXPECT_EQ(unset->text, "default");
  EXPECT_EQ((*unset).n, 0);
  const Box<Big> other;
  EXPECT_EQ(&*unset, &*other);  // every unset Box reads the one default value
}

TEST(Box, CopiesAreDeepAndWritesAllocate) {
  Box<Big> a;
  a->n = 7;  // writing through a non-const Box gives it its own value
  Box<Big> b = a;
  b->n = 8;
  EXPECT_EQ(a->n, 7);
  EXPECT_EQ(b->n, 8);
  a = Big{"set", 1};
  EXPECT_EQ(std::as_const(a)->text, "set");
  Box<Big> moved = std::move(a);
  EXPECT_EQ(moved->text, "set");
}

}  // namespace
}  // namespace pipec::support
