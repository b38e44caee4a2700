#include "compiler/fmt/equivalence.h"

#include <fmt/format.h>

#include <vector>

#include "compiler/fmt/layout_lexer.h"
#include "compiler/fmt/triple_string.h"

namespace pipec::formatter {
namespace {

struct Significant {
  std::vector<std::string> tokens;
  std::vector<std::string> comments;
};

Significant Collect(std::string_view text) {
  std::vector<LayoutToken> toks = ScanLayoutTokens(text);
  Significant s;
  std::vector<char> open;  // innermost bracket kinds
  for (size_t i = 0; i < toks.size(); ++i) {
    const LayoutToken& t = toks[i];
    if (t.kind == LayoutToken::Kind::Comment) {
      std::string c(t.text);
      while (!c.empty() && (c.back() == ' ' || c.back() == '\t')) c.pop_back();
      s.comments.push_back(std::move(c));
      continue;
    }
    if (t.Is("{") || t.Is("[") || t.Is("(")) open.push_back(t.text[0]);
    if ((t.Is("}") || t.Is("]") || t.Is(")")) && !open.empty()) open.pop_back();
    if (t.Is(",")) {
      size_t j = i + 1;
      while (j < toks.size() && toks[j].kind == LayoutToken::Kind::Comment) ++j;
      bool trailing = j < toks.size() && (toks[j].Is(")") || toks[j].Is("]"));
      if (trailing || (!open.empty() && open.back() == '{')) continue;
    }
    if (t.kind == LayoutToken::Kind::String)
      s.tokens.push_back("string " + StringTokenValue(t.text));
    else
      s.tokens.emplace_back(t.text);
  }
  return s;
}

}  // namespace

std::string FirstLayoutDifference(std::string_view before, std::string_view after) {
  Significant a = Collect(before), b = Collect(after);
  size_t n = std::min(a.tokens.size(), b.tokens.size());
  for (size_t i = 0; i < n; ++i)
    if (a.tokens[i] != b.tokens[i])
      return fmt::format("token {} differs: `{}` became `{}`", i + 1, a.tokens[i], b.tokens[i]);
  if (a.tokens.size() != b.tokens.size())
    return fmt::format("{} tokens became {}", a.tokens.size(), b.tokens.size());
  if (a.comments != b.comments) return "the comments differ";
  return "";
}

}  // namespace pipec::formatter
