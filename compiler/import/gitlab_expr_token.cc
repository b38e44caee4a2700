#include "compiler/import/gitlab_expr_token.h"

#include <cctype>

namespace pipec::import {

void SkipSpaces(std::string_view s, size_t& pos) {
  while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
}

bool EatToken(std::string_view s, size_t& pos, std::string_view tok) {
  SkipSpaces(s, pos);
  if (s.substr(pos, tok.size()) != tok) return false;
  pos += tok.size();
  return true;
}

std::optional<GitLabExprToken> ReadGitLabOperand(std::string_view s, size_t& pos) {
  using Kind = GitLabExprToken::Kind;
  if (pos >= s.size()) return std::nullopt;
  char c = s[pos];
  if (c == '$') {
    size_t i = pos + 1;
    bool braced = i < s.size() && s[i] == '{';
    if (braced) ++i;
    size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    if (i == start) return std::nullopt;
    std::string name(s.substr(start, i - start));
    if (braced) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      if (i >= s.size() || s[i] != '}') return std::nullopt;
      ++i;
    }
    pos = i;
    return GitLabExprToken{Kind::Var, std::move(name), ""};
  }
  if (c == '"' || c == '\'') {
    size_t end = s.find(c, pos + 1);
    if (end == std::string_view::npos) return std::nullopt;
    GitLabExprToken t{Kind::String, std::string(s.substr(pos + 1, end - pos - 1)), ""};
    pos = end + 1;
    return t;
  }
  if (c == '/') {
    std::string pattern;
    size_t i = pos + 1;
    for (; i < s.size() && s[i] != '/'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) pattern += s[i++];
      pattern += s[i];
    }
    if (i >= s.size()) return std::nullopt;
    GitLabExprToken t{Kind::Regex, std::move(pattern), ""};
    pos = i + 1;
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) t.flags += s[pos++];
    return t;
  }
  if (s.substr(pos, 4) == "null") {
    pos += 4;
    return GitLabExprToken{Kind::Null, "", ""};
  }
  return std::nullopt;
}

}  // namespace pipec::import
