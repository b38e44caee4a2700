#include "compiler/support/regex.h"

#include <gtest/gtest.h>

namespace pipec::support {
namespace {

std::vector<std::string> All(const RE2& re, std::string_view text, int group = 0) {
  std::vector<std::string> out;
  ForEachMatch(re, text, [&](const RegexGroups& m) { out.emplace_back(m[group]); });
  return out;
}

TEST(Regex, EveryMatchLeftmostFirstWithoutOverlap) {
  auto re = FixedRegex(R"(([a-z]+)=(\d+))");
  EXPECT_EQ(All(*re, "a=1 bb=22, c=x d=4"), (std::vector<std::string>{"a=1", "bb=22", "d=4"}));
  EXPECT_EQ(All(*re, "a=1 bb=22", 2), (std::vector<std::string>{"1", "22"}));
  EXPECT_TRUE(All(*re, "").empty());
}

TEST(Regex, OffsetsAreInTheSearchedText) {
  auto re = FixedRegex(R"(x(\d))");
  std::string text = "ab x1 x2";
  std::vector<size_t> at;
  ForEachMatch(*re, text, [&](const RegexGroups& m) { at.push_back(OffsetIn(text, m[1])); });
  EXPECT_EQ(at, (std::vector<size_t>{4, 7}));
}

TEST(Regex, EmptyMatchesMoveOn) {
  auto re = FixedRegex("a*");
  EXPECT_EQ(All(*re, "baab"), (std::vector<std::string>{"", "aa", "", ""}));
}

TEST(Regex, AnEmptyMatchAfterTheStartIsFoundOnce) {
  std::vector<size_t> at;
  std::string text = "  ab cd";
  ForEachMatch(*FixedRegex(R"(\b)"), text,
               [&](const RegexGroups& m) { at.push_back(OffsetIn(text, m[0])); });
  EXPECT_EQ(at, (std::vector<size_t>{2, 4, 5, 7}));
}

TEST(Regex, WordBoundarySeesTheTextBeforeALaterMatch) {
  auto re = FixedRegex(R"(\bab)");
  EXPECT_EQ(All(*re, "ab cab ab").size(), 2u);
}

// std::regex recursed once per character a repetition took (a 32 KB line overflowed the
// stack) and retried from each start position (quadratic): RE2 is linear with constant stack.
TEST(Regex, LongTextsNeitherOverflowTheStackNorTakeQuadraticTime) {
  auto re = FixedRegex(R"([a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]+:([^\s:/@]{6,})@[A-Za-z0-9.-]+)");
  std::string text = "git+https://github.com/acme/lib@" + std::string(4 << 20, 'a');
  EXPECT_TRUE(All(*re, text).empty());
}

TEST(Regex, Latin1ReadsBytesUtf8ReadsCharacters) {
  std::string text = "\xc3\xa9";  // é in UTF-8
  EXPECT_EQ(All(*FixedRegex("^.$", RegexBytes::Utf8), text).size(), 1u);
  EXPECT_TRUE(All(*FixedRegex("^.$", RegexBytes::Latin1), text).empty());
  EXPECT_EQ(All(*FixedRegex("^..$", RegexBytes::Latin1), text).size(), 1u);
}

TEST(Regex, LazyRegexCompilesOnceOnFirstUse) {
  LazyRegex lazy(R"((\d+)-(\d+))");
  const RE2& first = lazy.Get();
  EXPECT_EQ(&first, &lazy.Get());
  LazyRegex moved(std::move(lazy));
  EXPECT_EQ(&first, &moved.Get());
  EXPECT_EQ(All(moved.Get(), "1-2 x 30-4", 2), (std::vector<std::string>{"2", "4"}));
}

}  // namespace
}  // namespace pipec::support
