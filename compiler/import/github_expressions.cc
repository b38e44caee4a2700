#include "compiler/import/github_expressions.h"

#include <cctype>

namespace pipec::import {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {

bool IsPropertyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == '*' || c == '[' || c == ']' || c == '\'' || c == '"';
}

}  // namespace

std::vector<std::pair<size_t, std::string>> Expressions(std::string_view text) {
  std::vector<std::pair<size_t, std::string>> out;
  size_t at = 0;
  while ((at = text.find("${{", at)) != std::string_view::npos) {
    size_t end = text.find("}}", at + 3);
    if (end == std::string_view::npos) break;
    out.emplace_back(at + 3, std::string(text.substr(at + 3, end - at - 3)));
    at = end + 2;
  }
  return out;
}

std::vector<std::pair<size_t, std::string>> Properties(std::string_view expr,
                                                       std::string_view prefix) {
  std::vector<std::pair<size_t, std::string>> out;
  std::string lower = LowerAscii(expr);
  size_t at = 0;
  while ((at = lower.find(prefix, at)) != std::string::npos) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(lower[at - 1])) ||
                   lower[at - 1] == '_' || lower[at - 1] == '-' || lower[at - 1] == '.')) {
      // Part of a longer name: `steps.set-matrix.outputs` holds no `matrix.` property.
      at += prefix.size();
      continue;
    }
    // An index may hold another expression (`a[github.event.x].y`): brackets are matched, and
    // the scan goes on inside them so the inner properties are found too.
    size_t end = at;
    int depth = 0;
    while (end < expr.size() && IsPropertyChar(expr[end])) {
      if (expr[end] == '[') ++depth;
      if (expr[end] == ']' && depth-- == 0) break;
      ++end;
    }
    out.emplace_back(at, std::string(expr.substr(at, end - at)));
    at += prefix.size();
  }
  return out;
}

}  // namespace pipec::import
