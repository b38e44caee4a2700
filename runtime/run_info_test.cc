#include "runtime/run_info.h"

#include <gtest/gtest.h>

namespace pipec::runtime {
namespace {

// Plan variable values read as GitLab reads variables, so they mean the same text everywhere.
TEST(ExpandVariableValue, ReferencesDollarsAndUnknowns) {
  std::map<std::string, std::string> env = {{"CI_COMMIT_SHA", "abc123"}, {"PIPEC_INPUT_X", "1.0"}};
  EXPECT_EQ(ExpandVariableValue("${CI_COMMIT_SHA}-$PIPEC_INPUT_X", env), "abc123-1.0");
  EXPECT_EQ(ExpandVariableValue("$$HOME/bin costs $$5", env), "$HOME/bin costs $5");
  EXPECT_EQ(ExpandVariableValue("${NOPE} $NOPE", env), "${NOPE} $NOPE");
  EXPECT_EQ(ExpandVariableValue("a $ b ${ c $", env), "a $ b ${ c $");
  EXPECT_EQ(ExpandVariableValue("$$$$", env), "$$");
}

}  // namespace
}  // namespace pipec::runtime
