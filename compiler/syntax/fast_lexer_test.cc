#include "compiler/syntax/fast_lexer.h"
#include "compiler/syntax/repository_pipe_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pipec::syntax {
namespace {

// Declines (nullopt) or agrees with ANTLR token by token; returns whether it declined.
bool CheckAgrees(const std::string& text) {
  bool declined = false;
  std::optional<std::string> difference = FastLexerDisagreement(text, &declined);
  EXPECT_FALSE(difference) << "text: " << text << "\n" << *difference;
  return declined;
}

TEST(FastLexer, KnowsEveryTokenRuleOfTheGrammar) {
  // Off when the grammar has a token rule fast_lexer.cc does not implement: teach it the rule.
  bool declined = true;
  EXPECT_FALSE(FastLexerDisagreement("job a {}", &declined));
  EXPECT_FALSE(declined);
}

TEST(FastLexer, AgreesWithAntlrOnTheEdgesOfEachRule) {
  for (const char* text : {
           "1h30", "1h30m", "1h30mx", "1.5s", "1.5", "1.", "1..2", "7days", "30min", "1s.5", "0w0", "12",
           "job", "jobs", "job-x", "_", "_a-b-", "merge_request", "on_failure", "a-1", "x9",
           "==", "= =", "===", "a!=b", "a=b", "{[()]},:./",
           "\"\"", "\"a\\\"b\"", "\"a\\\\\"", "\"\xc3\xa9t\xc3\xa9\" x", "\"${{ a.b }}\"",
           "\"\"\"a\"\"\"", "\"\"\"a\"\"\"\"\"", "\"\"\"\"\"\"", "\"\"\"\"\"\"\"x\"\"\"", "\"\"\"\n  a\n  \xe2\x82\xac\n\"\"\" b",
           "# comment \xc3\xa9\r\nx", "#\n#\r\n", "a # b", "x\r\ny\tz\n\n  w", "",
           "pipeline p version 1\njob a {\n  run \"make\"\n  timeout 1h\n}\n",
       })
    EXPECT_FALSE(CheckAgrees(text)) << "declined: " << text;
}

TEST(FastLexer, LeavesWhatItIsNotSureOfToAntlr) {
  for (const char* text : {"!", "a && b", "\"abc", "\"abc\ndef\"", "\"a\\", "\"a\\\n\"", "\"\"\"abc", "\xc2\xa0",
                           "\f", "\xef\xbb\xbfjob", "-x", "job \xc3\xa9", "\xff", "\"\xc3\"", "$", "`"})
    EXPECT_TRUE(CheckAgrees(text)) << "took: " << text;
}

// Every .pipe file of the repository, valid and broken: the fast lexer declines or agrees, and
// it takes every file of the examples and the standard library (the common case it is for).
TEST(FastLexer, AgreesWithAntlrOnEveryPipeFileOfTheRepository) {
  size_t files = 0, taken = 0;
  for (const auto& [relative, text] : testing::RepositoryPipeFiles()) {
    ++files;
    bool declined = CheckAgrees(text);
    if (!declined) ++taken;
    if (relative.starts_with("examples/") || relative.starts_with("stdlib/")) {
      EXPECT_FALSE(declined) << relative;
    }
  }
  EXPECT_GT(files, 100u);
  EXPECT_GT(taken, files / 2);
}

}  // namespace
}  // namespace pipec::syntax
