#include "compiler/diag/diagnostic.h"

#include <gtest/gtest.h>

#include <set>

#include "compiler/diag/text_format.h"
#include "compiler/diag/utf8.h"

namespace pipec {
namespace {

TEST(DiagRegistry, IdsAndNamesAreUnique) {
  std::set<std::string_view> ids, names;
  for (const DiagInfo& i : AllDiagInfos()) {
    EXPECT_TRUE(ids.insert(i.id).second) << i.id;
    EXPECT_TRUE(names.insert(i.name).second) << i.name;
    EXPECT_EQ(i.id.size(), 5u) << i.id;
    EXPECT_EQ(i.id[0], 'P');
  }
  EXPECT_EQ(FindDiagInfo("unknown-name")->id, "P1001");
  EXPECT_EQ(FindDiagInfo("P1001")->name, "unknown-name");
  EXPECT_EQ(FindDiagInfo("nope"), nullptr);
}

TEST(TextFormat, PrintsLocationSourceAndMarker) {
  SourceManager sm;
  FileId f = sm.AddFile("a.pipe", "job train {\n  needs prep\n}\n");
  Diagnostic d = MakeDiag(DiagKind::UnknownName, {f, {2, 9}, {2, 13}}, "unknown job `prep`");
  d.Note({f, {1, 5}, {1, 10}}, "in job `train`");
  std::string out = FormatDiagnosticText(d, sm, {});
  EXPECT_EQ(out,
            "a.pipe:2:9: error: unknown job `prep` [unknown-name]\n"
            "    needs prep\n"
            "          ^~~~\n"
            "a.pipe:1:5: note: in job `train`\n"
            "  job train {\n"
            "      ^~~~~\n");
}

TEST(TextFormat, TabsAndUtf8KeepTheMarkerAligned) {
  SourceManager sm;
  FileId f = sm.AddFile("b.pipe", "\tx \xC3\xA9\xC3\xA9 y\n");
  Diagnostic d = MakeDiag(DiagKind::SyntaxError, {f, {1, 9}, {1, 10}}, "bad");
  std::string out = FormatDiagnosticText(d, sm, {});
  EXPECT_NE(out.find("\n  \t     ^\n"), std::string::npos) << out;
}

// A long line of invalid UTF-8 (a run of continuation bytes before the range) must not move
// the shown window away from the range (fuzz_gitlab: an uncaught std::out_of_range).
TEST(TextFormat, LongLineOfContinuationBytes) {
  SourceManager sm;
  std::string line = std::string(40, 'a') + std::string(200, '\x80') + "tail" + std::string(20, 'b');
  FileId f = sm.AddFile("c.yml", line + "\n");
  Diagnostic d = MakeDiag(DiagKind::SyntaxError, {f, {1, 241}, {1, 245}}, "bad");
  std::string out = FormatDiagnosticText(d, sm, {});
  EXPECT_NE(out.find("c.yml:1:241: error: bad"), std::string::npos) << out;
  EXPECT_NE(out.find("tail"), std::string::npos) << out;
  EXPECT_NE(out.find("^~~~"), std::string::npos) << out;
}

TEST(TextFormat, ColorOnlyWhenAsked) {
  SourceManager sm;
  FileId f = sm.AddFile("c.pipe", "x\n");
  Diagnostic d = MakeDiag(DiagKind::SyntaxError, {f, {1, 1}, {1, 2}}, "bad");
  EXPECT_EQ(FormatDiagnosticText(d, sm, {}).find('\x1b'), std::string::npos);
  EXPECT_NE(FormatDiagnosticText(d, sm, {.color = true}).find('\x1b'), std::string::npos);
}

TEST(Sort, OrdersByFileLineColumnAndDropsDuplicates) {
  SourceManager sm;
  FileId a = sm.AddFile("a.pipe", "");
  FileId b = sm.AddFile("b.pipe", "");
  DiagnosticSink sink;
  sink.Report(DiagKind::UnknownName, {b, {1, 1}, {1, 2}}, "x");
  sink.Report(DiagKind::UnknownName, {a, {3, 1}, {3, 2}}, "y");
  sink.Report(DiagKind::UnknownName, {a, {1, 4}, {1, 5}}, "z");
  sink.Report(DiagKind::UnknownName, {a, {1, 4}, {1, 5}}, "z");
  auto sorted = sink.Sorted(sm);
  ASSERT_EQ(sorted.size(), 3u);
  EXPECT_EQ(sorted[0].message, "z");
  EXPECT_EQ(sorted[1].message, "y");
  EXPECT_EQ(sorted[2].message, "x");
}

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9 ok"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ab\xA0"), 2u);
  EXPECT_EQ(FindInvalidUtf8("\xEF\xBB\xBFx"), std::string_view::npos);  // a BOM is valid UTF-8
  // The ASCII fast path reads eight bytes at a time: a bad byte at every place of a word, and
  // a multi-byte sequence across a word's end.
  for (size_t at = 0; at < 20; ++at) {
    std::string text(20, 'a');
    text[at] = '\xFF';
    EXPECT_EQ(FindInvalidUtf8(text), at);
    std::string ok(20, 'a');
    if (at + 1 < ok.size()) {
      ok[at] = '\xC3';
      ok[at + 1] = '\xA9';
      EXPECT_EQ(FindInvalidUtf8(ok), std::string_view::npos) << at;
      ok[at + 1] = 'a';  // a lead byte without its continuation
      EXPECT_EQ(FindInvalidUtf8(ok), at);
    }
  }
  EXPECT_EQ(FindInvalidUtf8("\xC0\x80"), 0u);                            // overlong
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);                        // surrogate
  EXPECT_EQ(FindInvalidUtf8("x\xF5"), 1u);
}

TEST(Utf8, DecodesEveryLengthOfSequence) {
  // One, two, three and four bytes: `a`, `é`, the euro sign, and U+1F600; a BOM stays.
  EXPECT_EQ(DecodeUtf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), std::u32string(U"a\u00E9\u20AC\U0001F600"));
  EXPECT_EQ(DecodeUtf8("\xEF\xBB\xBFx"), std::u32string(U"\uFEFFx"));
  EXPECT_EQ(DecodeUtf8(""), std::u32string());
}

}  // namespace
}  // namespace pipec

namespace pipec {
namespace {

TEST(DiagnosticMessage, LongQuotesKeepTheirEnds) {
  const std::string word = "git+https://github.com/acme/lib@" + std::string(32000, 'a') + "#egg=lib";
  std::string shortened = ShortenQuotedSpans("`pip install " + word + "` installs it, `x`");
  EXPECT_EQ(shortened, "`pip install git+https://github.com/acme/lib@" + std::string(36, 'a') + "\u2026" +
                           std::string(16, 'a') + "#egg=lib` installs it, `x`");
  EXPECT_EQ(ShortenQuotedSpans("`short` and `" + std::string(120, 'b') + "`"),
            "`short` and `" + std::string(120, 'b') + "`");
  EXPECT_EQ(ShortenQuotedSpans("no quotes " + std::string(500, 'c')), "no quotes " + std::string(500, 'c'));
  EXPECT_EQ(ShortenQuotedSpans("`unclosed " + std::string(500, 'd')), "`unclosed " + std::string(500, 'd'));
}

TEST(DiagnosticMessage, ShortenedQuotesCutWholeCharacters) {
  std::string e = "\u00e9";  // two bytes
  std::string word;
  for (int i = 0; i < 100; ++i) word += e;
  std::string shortened = ShortenQuotedSpans("`" + word + "`");
  std::string expected = "`";
  for (int i = 0; i < 40; ++i) expected += e;
  expected += "\u2026";
  for (int i = 0; i < 12; ++i) expected += e;
  EXPECT_EQ(shortened, expected + "`");
}

TEST(DiagnosticMessage, TheSinkShortensEveryMessage) {
  DiagnosticSink sink;
  sink.Report(DiagKind::InsecureDownload, {}, "`" + std::string(1000, 'x') + "`");
  EXPECT_EQ(sink.diagnostics()[0].message.size(), 1 + 80 + 3 + 24 + 1u);
}

TEST(DiagnosticSink, HasErrorsSinceLooksOnlyAtNewDiagnostics) {
  DiagnosticSink sink;
  sink.Report(DiagKind::SyntaxError, {}, "earlier error");
  size_t mark = sink.diagnostics().size();
  EXPECT_FALSE(sink.HasErrorsSince(mark));
  sink.Report(DiagKind::UnusedSecret, {}, "a warning");
  EXPECT_FALSE(sink.HasErrorsSince(mark));
  sink.Report(DiagKind::UnknownName, {}, "new error");
  EXPECT_TRUE(sink.HasErrorsSince(mark));
  EXPECT_TRUE(sink.HasErrorsSince(0));
  EXPECT_FALSE(sink.HasErrorsSince(100));  // a mark past the end: nothing new
  EXPECT_EQ(sink.error_count(), 2u);
}

}  // namespace
}  // namespace pipec
