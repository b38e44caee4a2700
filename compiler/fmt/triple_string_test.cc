#include "compiler/fmt/triple_string.h"

#include <gtest/gtest.h>

namespace pipec::formatter {
namespace {

TEST(TripleString, MovesTheBlockKeepingTheValue) {
  std::string in = "\"\"\"\n        set -e\n          echo \"$X\"\n\n        make\n    \"\"\"";
  std::string out = ReindentTripleString(in, 2);
  EXPECT_EQ(out, "\"\"\"\n    set -e\n      echo \"$X\"\n\n    make\n  \"\"\"");
  EXPECT_EQ(StringTokenValue(out), StringTokenValue(in));
  EXPECT_EQ(StringTokenValue(out), "set -e\n  echo \"$X\"\n\nmake");
  EXPECT_EQ(ReindentTripleString(out, 2), out);  // idempotent
}

TEST(TripleString, LeavesUnusualShapesAlone) {
  // Text right after the opening quotes takes part in the dedent: moving would change it.
  std::string inline_first = "\"\"\"first\n    second\n\"\"\"";
  EXPECT_EQ(ReindentTripleString(inline_first, 4), inline_first);
  std::string tabs = "\"\"\"\n\tmake\n\t\ttest\n\"\"\"";
  EXPECT_EQ(ReindentTripleString(tabs, 2), tabs);
  std::string closing_text = "\"\"\"\n  a\n  b\"\"\"";
  EXPECT_EQ(ReindentTripleString(closing_text, 0), closing_text);
}

TEST(TripleString, KeepsTrailingSpacesAndInterpolations) {
  std::string in = "\"\"\"\n  echo ${{ git.sha }}  \n\"\"\"";
  std::string out = ReindentTripleString(in, 4);
  EXPECT_EQ(out, "\"\"\"\n      echo ${{ git.sha }}  \n    \"\"\"");
  EXPECT_EQ(StringTokenValue(out), "echo ${{ git.sha }}  ");
}

}  // namespace
}  // namespace pipec::formatter
