#include "compiler/fmt/layout_lexer.h"

#include <gtest/gtest.h>

namespace pipec::formatter {
namespace {

std::vector<std::string> Texts(std::string_view src) {
  std::vector<std::string> out;
  for (const LayoutToken& t : ScanLayoutTokens(src)) out.emplace_back(t.text);
  return out;
}

TEST(LayoutLexer, SplitsLikeTheGrammar) {
  EXPECT_EQ(Texts("timeout 1h30m retry 2 version: \"3.10\" x == 3.5 a != b"),
            (std::vector<std::string>{"timeout", "1h30m", "retry", "2", "version", ":", "\"3.10\"", "x",
                                      "==", "3.5", "a", "!=", "b"}));
  EXPECT_EQ(Texts("import std/python (a, b)"),
            (std::vector<std::string>{"import", "std", "/", "python", "(", "a", ",", "b", ")"}));
  EXPECT_EQ(Texts("git.short_sha deploy-prod"), (std::vector<std::string>{"git", ".", "short_sha", "deploy-prod"}));
}

TEST(LayoutLexer, StringsKeepTheirExactText) {
  EXPECT_EQ(Texts(R"(run "a \"b\" # not a comment" # c)"),
            (std::vector<std::string>{"run", R"("a \"b\" # not a comment")", "# c"}));
  auto toks = ScanLayoutTokens("run \"\"\"\n  x \"y\"\n\"\"\" stage s");
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_TRUE(toks[1].triple());
  EXPECT_EQ(toks[1].text, "\"\"\"\n  x \"y\"\n\"\"\"");
  EXPECT_FALSE(toks[2].first_on_line);
}

TEST(LayoutLexer, RecordsLineStartsAndBlankLines) {
  auto toks = ScanLayoutTokens("a # t\n\n# own\nb c\n");
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_TRUE(toks[0].first_on_line);
  EXPECT_FALSE(toks[0].blank_before);  // the file start is not a blank line
  EXPECT_EQ(toks[1].kind, LayoutToken::Kind::Comment);
  EXPECT_FALSE(toks[1].first_on_line);
  EXPECT_TRUE(toks[2].first_on_line);
  EXPECT_TRUE(toks[2].blank_before);
  EXPECT_TRUE(toks[3].first_on_line);
  EXPECT_FALSE(toks[3].blank_before);
  EXPECT_FALSE(toks[4].first_on_line);
}

TEST(LayoutLexer, CarriageReturnsEndLinesAsInTheGrammar) {
  // A lone CR ends a comment and a line (COMMENT is '#' ~[\r\n]*); CR LF is one line break.
  auto toks = ScanLayoutTokens("# c\rjob b\r\nx # d\r\n");
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_EQ(toks[0].text, "# c");
  EXPECT_EQ(toks[1].text, "job");
  EXPECT_TRUE(toks[1].first_on_line);
  EXPECT_TRUE(toks[3].first_on_line);   // x
  EXPECT_FALSE(toks[3].blank_before);   // CR LF is not two line breaks
  EXPECT_EQ(toks[4].text, "# d");
  EXPECT_EQ(Texts("run \"a\rb\""), (std::vector<std::string>{"run", "\"a", "b", "\""}));
}

}  // namespace
}  // namespace pipec::formatter
