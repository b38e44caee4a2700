#include "compiler/syntax/string_literal.h"

#include <gtest/gtest.h>

namespace pipec::syntax {
namespace {

struct Decoded {
  SourceManager sm;
  DiagnosticSink sink;
  ast::StringLit lit;
};

std::unique_ptr<Decoded> Decode(const std::string& src) {
  auto d = std::make_unique<Decoded>();
  FileId f = d->sm.AddFile("t.pipe", src);
  d->lit = DecodeString(src, f, 0, d->sm, d->sink);
  return d;
}

TEST(StringLiteral, ShellVariablesPassThrough) {
  auto d = Decode(R"("echo $HOME ${X:-y} $")");
  ASSERT_EQ(d->lit.parts.size(), 1u);
  EXPECT_EQ(d->lit.parts[0].text, "echo $HOME ${X:-y} $");
  EXPECT_FALSE(d->sink.has_errors());
}

// A plain literal takes the short path; an escape elsewhere in the same text takes the
// general one. Both give the same part, ranges and line starts for the same characters.
TEST(StringLiteral, PlainLiteralsMatchTheGeneralPath) {
  for (std::string body : {"", "x", "echo $HOME ${X} $ {{ }}", "tab\there"}) {
    auto plain = Decode("\"" + body + "\"");
    auto general = Decode("\"" + body + "\\$\"");  // `\$` forces the escape path
    SCOPED_TRACE(body);
    EXPECT_FALSE(plain->sink.has_errors());
    ASSERT_EQ(plain->lit.line_locs.size(), 1u);
    EXPECT_EQ(plain->lit.line_locs[0].column, 2u);
    EXPECT_EQ(plain->lit.line_locs, general->lit.line_locs);
    EXPECT_EQ(plain->lit.range.end.column, body.size() + 3);
    if (body.empty()) {
      EXPECT_TRUE(plain->lit.parts.empty());
      continue;
    }
    ASSERT_EQ(plain->lit.parts.size(), 1u);
    ASSERT_EQ(general->lit.parts.size(), 1u);
    EXPECT_EQ(plain->lit.parts[0].text, body);
    EXPECT_EQ(general->lit.parts[0].text, body + "$");
    EXPECT_EQ(plain->lit.parts[0].range.begin, general->lit.parts[0].range.begin);
    EXPECT_EQ(plain->lit.parts[0].range.end.column, body.size() + 2);
  }
}

TEST(StringLiteral, SplitsInterpolations) {
  auto d = Decode(R"("python:${{ version }}-slim")");
  ASSERT_EQ(d->lit.parts.size(), 3u);
  EXPECT_EQ(d->lit.parts[0].text, "python:");
  EXPECT_TRUE(d->lit.parts[1].interpolation);
  EXPECT_EQ(d->lit.parts[1].name.Joined(), "version");
  EXPECT_EQ(d->lit.parts[1].range.begin.column, 9u);
  EXPECT_EQ(d->lit.parts[2].text, "-slim");
}

TEST(StringLiteral, EscapesAndBadEscape) {
  auto d = Decode(R"("a\tb\"c\q")");
  EXPECT_EQ(d->lit.Flat(), "a\tb\"cq");
  ASSERT_EQ(d->sink.diagnostics().size(), 1u);
  EXPECT_EQ(d->sink.diagnostics()[0].kind, DiagKind::InvalidEscape);
  EXPECT_EQ(d->sink.diagnostics()[0].range.begin.column, 9u);
}

TEST(StringLiteral, EscapedDollarStartsNoInterpolation) {
  // `\${{ x }}` is the vendor's own expression, kept as text (pipec import writes these)
  auto d = Decode(R"("echo \${{ needs.a.outputs.v }} ${{ name }}")");
  EXPECT_TRUE(d->sink.diagnostics().empty());
  ASSERT_EQ(d->lit.parts.size(), 2u);
  EXPECT_FALSE(d->lit.parts[0].interpolation);
  EXPECT_EQ(d->lit.parts[0].text, "echo ${{ needs.a.outputs.v }} ");
  EXPECT_TRUE(d->lit.parts[1].interpolation);
  EXPECT_EQ(d->lit.parts[1].text, "name");
}

TEST(StringLiteral, TripleQuotedIsDedented) {
  auto d = Decode("\"\"\"\n    make\n      test\n    \"\"\"");
  EXPECT_EQ(d->lit.Flat(), "make\n  test");
  ASSERT_EQ(d->lit.line_locs.size(), 2u);
  EXPECT_EQ(d->lit.line_locs[0].line, 2u);
  EXPECT_EQ(d->lit.line_locs[0].column, 5u);
  EXPECT_EQ(d->lit.line_locs[1].line, 3u);
}

TEST(StringLiteral, MalformedInterpolation) {
  auto d = Decode(R"("${{ a b }} ${{ x")");
  EXPECT_EQ(d->sink.error_count(), 2u);
}

}  // namespace
}  // namespace pipec::syntax
