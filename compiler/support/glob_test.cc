#include "compiler/support/glob.h"

#include <fnmatch.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pipec {
namespace {

TEST(Glob, Names) {
  auto m = [](const char* p, const char* t) { return GlobMatch(p, t, GlobSyntax::Name); };
  EXPECT_TRUE(m("release/*", "release/1.2"));
  EXPECT_TRUE(m("release/*", "release/1/2"));  // `*` crosses `/` in names
  EXPECT_TRUE(m("v*", "v1.0.0"));
  EXPECT_FALSE(m("v*", "x1"));
  EXPECT_TRUE(m("feat-?", "feat-a"));
  EXPECT_TRUE(m("[mr]ain", "main"));
  EXPECT_TRUE(m("v[0-9]*", "v1.2"));
  EXPECT_FALSE(m("v[!0-9]*", "v1.2"));
  EXPECT_TRUE(m("a\\*b", "a*b"));
  EXPECT_FALSE(m("a\\*b", "axb"));
  EXPECT_FALSE(m("main", "main2"));
  EXPECT_TRUE(m("", ""));
  EXPECT_FALSE(m("", "a"));
}

TEST(Glob, Paths) {
  auto m = [](const char* p, const char* t) { return GlobMatch(p, t, GlobSyntax::Path); };
  EXPECT_TRUE(m("ci/*.yml", "ci/a.yml"));
  EXPECT_FALSE(m("ci/*.yml", "ci/sub/a.yml"));
  EXPECT_TRUE(m("ci/**.yml", "ci/sub/a.yml"));
  EXPECT_TRUE(m("**/*.yml", "a.yml"));
  EXPECT_TRUE(m("api/**", "api/x/y.py"));
  EXPECT_TRUE(m("ci/?.yml", "ci/a.yml"));
  EXPECT_FALSE(m("ci/?.yml", "ci/ab.yml"));
  EXPECT_FALSE(m("ci?a.yml", "ci/a.yml"));
  EXPECT_TRUE(m("ci/[ab].yml", "ci/b.yml"));
  EXPECT_FALSE(m("ci[/]a", "ci/a"));  // a class never matches the separator
}

// `**/` stands for whole directories (zero or more), and a `*` after a `**` does not stop
// the `**` from taking more: both were wrong when only the last star could resume.
TEST(Glob, DoubleStarDirectories) {
  auto m = [](const char* p, const char* t) { return GlobMatch(p, t, GlobSyntax::Path); };
  EXPECT_TRUE(m("src/**/*", "src/a/b/c.txt"));
  EXPECT_TRUE(m("src/**/*", "src/a"));
  EXPECT_FALSE(m("src/**/x", "src/abx"));
  EXPECT_TRUE(m("src/**/x", "src/x"));
  EXPECT_TRUE(m("src/**/x", "src/a/b/x"));
  EXPECT_FALSE(m("src/**/x", "src/a/bx"));
  EXPECT_TRUE(m("**/*.md", "docs/a/b.md"));
  EXPECT_TRUE(m("**/test_*.py", "tests/unit/test_x.py"));
  EXPECT_TRUE(m("**/test_*.py", "test_y.py"));
  EXPECT_FALSE(m("**/test_*.py", "tests/test_x/y.py"));
  EXPECT_TRUE(m("a/**/b/**", "a/x/b/y/z"));
  EXPECT_FALSE(m("a/**/b/**", "a/xb/y"));
  EXPECT_TRUE(m("**", "a/b/c"));
  EXPECT_TRUE(m("a**z", "ab/c/yz"));
}

// The runtime matches names with fnmatch(3) (it includes no compiler header): both agree.
TEST(Glob, NamesAgreeWithFnmatch) {
  const std::vector<std::string> patterns = {"*", "main", "release/*", "v*.*", "[mr]ain", "v[0-9]*", "v[!0-9]*",
                                             "feat-?", "*-rc[0-9]", "a*b*c", "\\*", "[]]x", "[!]]x", "**", "[a-", "x[", ""};
  const std::vector<std::string> texts = {"", "main", "rain", "release/1.2", "release/1/2", "v1.2", "va.b", "feat-a",
                                          "x-rc1", "aXbYc", "*", "]x", "ax", "a-", "x[", "[a-"};
  for (const std::string& p : patterns)
    for (const std::string& t : texts)
      EXPECT_EQ(GlobMatch(p, t, GlobSyntax::Name), fnmatch(p.c_str(), t.c_str(), 0) == 0) << p << " vs " << t;
}

}  // namespace
}  // namespace pipec
