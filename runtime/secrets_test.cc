#include "runtime/secrets.h"

#include <gtest/gtest.h>

namespace pipec::runtime {
namespace {

TEST(Dotenv, ParsesPlainQuotedAndExported) {
  std::map<std::string, std::string> m;
  EXPECT_EQ(ParseDotenv("# comment\n\nA=1\nexport B = two words \nC='lit $X \\n'\nD=\"x\\ny\\\"z\"\r\n", &m), "");
  EXPECT_EQ(m["A"], "1");
  EXPECT_EQ(m["B"], "two words");
  EXPECT_EQ(m["C"], "lit $X \\n");
  EXPECT_EQ(m["D"], "x\ny\"z");
}

TEST(Dotenv, ReportsTheLine) {
  std::map<std::string, std::string> m;
  EXPECT_EQ(ParseDotenv("A=1\nnot a pair\n", &m), "line 2: expected KEY=VALUE");
  EXPECT_EQ(ParseDotenv("1A=1\n", &m), "line 1: \"1A\" is not a variable name");
  EXPECT_EQ(ParseDotenv("A=\"open\n", &m), "line 1: unterminated quote");
}

TEST(Secrets, MaskedValuesIncludeChildPlans) {
  plan::Plan child;
  child.secrets.push_back({"CHILD", true, false});
  plan::Plan p;
  p.secrets.push_back({"A", true, false});
  p.secrets.push_back({"VISIBLE", false, false});
  plan::Job j;
  j.name = "c";
  j.trigger = plan::ChildTrigger{plan::ChildKind::Pipeline, "c.pipe", "", {}, std::make_shared<plan::Plan>(child)};
  p.jobs.push_back(j);
  auto v = MaskedValues(p, {{"A", "aaaa"}, {"VISIBLE", "shown"}, {"CHILD", "cccc"}});
  EXPECT_EQ(v, (std::vector<std::string>{"aaaa", "cccc"}));
}

}  // namespace
}  // namespace pipec::runtime
