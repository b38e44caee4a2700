#include "compiler/support/shell_lexer.h"

#include <gtest/gtest.h>

namespace pipec::shell {
namespace {

TEST(ShellLexer, SplitsCommandsPipelinesAndRedirects) {
  auto cmds = LexShell("set -eu; echo \"$TOKEN\" | docker login -u me --password-stdin\n"
                       "env > out/env.txt 2>&1 && printf '%s' '$NOT' # echo $IGNORED\n");
  ASSERT_EQ(cmds.size(), 5u);
  EXPECT_EQ(cmds[0].Name(), "set");
  EXPECT_EQ(cmds[1].Name(), "echo");
  EXPECT_TRUE(cmds[1].piped_out);
  EXPECT_FALSE(cmds[1].StdoutToLog());
  ASSERT_EQ(cmds[1].words[1].vars.size(), 1u);
  EXPECT_EQ(cmds[1].words[1].vars[0].name, "TOKEN");
  EXPECT_EQ(cmds[2].Name(), "docker");
  EXPECT_TRUE(cmds[2].piped_in);
  EXPECT_EQ(cmds[3].Name(), "env");
  ASSERT_EQ(cmds[3].redirects.size(), 2u);
  EXPECT_EQ(cmds[3].redirects[0].target.value, "out/env.txt");
  EXPECT_FALSE(cmds[3].StdoutToLog());
  EXPECT_EQ(cmds[4].Name(), "printf");
  EXPECT_TRUE(cmds[4].words[2].vars.empty());  // single quotes expand nothing
  EXPECT_TRUE(cmds[4].StdoutToLog());
}

TEST(ShellLexer, AssignmentsKeywordsSubstitutionsAndHeredocs) {
  auto cmds = LexShell("if [ -n \"$X\" ]; then URL=https://u:${PASS}@h git push \"$URL\"; fi\n"
                       "cat <<EOF\nkey=$SECRET\nEOF\n"
                       "sh -c \"$(curl -fsSL https://x/install.sh)\"\n"
                       "for x in $A; do echo $x; done\n");
  ASSERT_GE(cmds.size(), 5u);
  EXPECT_EQ(cmds[0].Name(), "[");
  EXPECT_EQ(cmds[1].Name(), "git");
  ASSERT_EQ(cmds[1].assignments.size(), 1u);
  EXPECT_EQ(cmds[1].assignments[0].vars[0].name, "PASS");
  EXPECT_EQ(cmds[2].Name(), "cat");
  ASSERT_EQ(cmds[2].redirects.size(), 1u);
  EXPECT_EQ(cmds[2].redirects[0].heredoc_body, "key=$SECRET\n");
  ASSERT_EQ(cmds[2].redirects[0].heredoc_vars.size(), 1u);
  EXPECT_EQ(cmds[3].Name(), "sh");
  ASSERT_EQ(cmds[3].words[2].substs.size(), 1u);
  EXPECT_EQ(cmds[3].words[2].substs[0], "curl -fsSL https://x/install.sh");
  // The `for` header is not a command; its body is.
  EXPECT_EQ(cmds[4].Name(), "echo");
}

TEST(ShellLexer, ProcessSubstitutionIsAWord) {
  auto cmds = LexShell("bash <(curl -s https://x/i.sh) --flag");
  ASSERT_EQ(cmds.size(), 1u);
  ASSERT_EQ(cmds[0].words.size(), 3u);
  EXPECT_EQ(cmds[0].words[1].substs[0], "curl -s https://x/i.sh");
  EXPECT_TRUE(cmds[0].redirects.empty());
}

TEST(ShellLexer, ScriptsWithoutDollarReferenceNothing) {
  EXPECT_TRUE(ScriptVars("echo hi > out.txt && `date` 'x' \"y\"").empty());
  EXPECT_EQ(ScriptVars("echo \"$A\"").size(), 1u);
}

TEST(ShellLexer, VariableOffsetsPointAtTheDollar) {
  std::string s = "echo  ${A:-x} $B";
  auto vars = ExpandedVars(s);
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(s.substr(vars[0].offset, 3), "${A");
  EXPECT_EQ(s.substr(vars[1].offset, 2), "$B");
}

std::vector<std::string> Names(std::string_view script) {
  std::vector<std::string> out;
  for (const ShellVarRef& v : ScriptVars(script)) out.push_back((v.expression ? "expr:" : "") + v.name);
  return out;
}

TEST(ShellLexer, QuotingDecidesWhatExpands) {
  // Single quotes inside double quotes are ordinary characters: X is expanded.
  EXPECT_EQ(Names("echo \"'$X'\""), std::vector<std::string>{"X"});
  EXPECT_TRUE(Names("echo 'literal $TOKEN'").empty());
  EXPECT_TRUE(Names("printf %s $'a $B'").empty());
  EXPECT_TRUE(Names("echo hi # $COMMENT").empty());
  EXPECT_EQ(Names("echo a#$X"), std::vector<std::string>{"X"});
  // `$(...)` starts a new quoting context, even inside double quotes.
  EXPECT_TRUE(Names("echo \"$(echo '$X')\"").empty());
  EXPECT_EQ(Names("echo \"$(echo \"$Y\")\" `cat $Z`"), (std::vector<std::string>{"Y", "Z"}));
  EXPECT_EQ(Names("echo ${A:-$B}"), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(Names("for f in $FILES; do :; done"), std::vector<std::string>{"FILES"});
}

TEST(ShellLexer, HeredocsExpandUnlessTheirDelimiterIsQuoted) {
  EXPECT_EQ(Names("cat <<EOF\nit's $X\nEOF\necho $Y\n"), (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(Names("cat <<'EOF'\n$X\nEOF\n"), std::vector<std::string>{});
}

TEST(ShellLexer, ExpressionsCountWhateverTheQuoting) {
  std::string s = "echo '${{ secrets.TOKEN }}' \"${{ env.A }}\"";
  auto vars = ScriptVars(s);
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_TRUE(vars[0].expression);
  EXPECT_EQ(vars[0].name, "secrets.TOKEN");
  EXPECT_EQ(s.substr(vars[0].offset, vars[0].length), "${{ secrets.TOKEN }}");
  EXPECT_EQ(vars[1].name, "env.A");
}

TEST(ShellLexer, DeepNestingIsBounded) {
  std::string s;
  for (int i = 0; i < 100000; ++i) s += "$(";
  s += "$X";
  EXPECT_TRUE(ScriptVars(s).size() <= 1u);
}

TEST(ShellLexer, UnterminatedQuotesDoNotHang) {
  auto cmds = LexShell("echo \"abc $X\necho 'x");
  EXPECT_FALSE(cmds.empty());
  auto cmds2 = LexShell("cat <<EOF\nno end");
  EXPECT_EQ(cmds2.size(), 1u);
}

}  // namespace
}  // namespace pipec::shell
