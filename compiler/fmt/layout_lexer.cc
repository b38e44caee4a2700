#include "compiler/fmt/layout_lexer.h"

namespace pipec::formatter {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '-'; }
bool IsDurationUnit(char c) { return c == 's' || c == 'm' || c == 'h' || c == 'd' || c == 'w'; }

// Longest match of DURATION | FLOAT | INT starting at `i` (a digit).
size_t NumberEnd(std::string_view t, size_t i) {
  size_t j = i;
  while (j < t.size() && IsDigit(t[j])) ++j;
  if (j < t.size() && IsDurationUnit(t[j])) {
    size_t k = j + 1;
    while (true) {  // ([0-9]+ [smhdw])*
      size_t d = k;
      while (d < t.size() && IsDigit(t[d])) ++d;
      if (d == k || d >= t.size() || !IsDurationUnit(t[d])) break;
      k = d + 1;
    }
    return k;
  }
  if (j + 1 < t.size() && t[j] == '.' && IsDigit(t[j + 1])) {
    j += 1;
    while (j < t.size() && IsDigit(t[j])) ++j;
  }
  return j;
}

}  // namespace

std::vector<LayoutToken> ScanLayoutTokens(std::string_view t) {
  std::vector<LayoutToken> out;
  size_t i = 0;
  int newlines = 1;  // the file start counts as a line start
  bool any = false;
  while (i < t.size()) {
    char c = t[i];
    if (c == ' ' || c == '\t') { ++i; continue; }
    // A carriage return not followed by a line feed ends a line, as in the grammar (a comment
    // ends at it): the formatter read `# note\rjob b {` as one comment (fuzz_fmt).
    if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n') { ++i; continue; }
    if (c == '\n' || c == '\r') { ++newlines; ++i; continue; }
    LayoutToken tok;
    tok.offset = i;
    tok.first_on_line = newlines > 0;
    tok.blank_before = any && newlines > 1;
    size_t end = i + 1;
    if (c == '#') {
      tok.kind = LayoutToken::Kind::Comment;
      end = t.find_first_of("\r\n", i);  // the grammar's COMMENT: '#' ~[\r\n]*
      if (end == std::string_view::npos) end = t.size();
    } else if (t.compare(i, 3, "\"\"\"") == 0) {
      tok.kind = LayoutToken::Kind::String;
      size_t close = t.find("\"\"\"", i + 3);
      end = close == std::string_view::npos ? t.size() : close + 3;
    } else if (c == '"') {
      tok.kind = LayoutToken::Kind::String;
      end = i + 1;
      while (end < t.size() && t[end] != '"' && t[end] != '\n' && t[end] != '\r')
        end += t[end] == '\\' && end + 1 < t.size() ? 2 : 1;
      if (end < t.size() && t[end] == '"') ++end;
    } else if (IsDigit(c)) {
      tok.kind = LayoutToken::Kind::Number;
      end = NumberEnd(t, i);
    } else if (IsAlpha(c)) {
      tok.kind = LayoutToken::Kind::Word;
      while (end < t.size() && IsIdChar(t[end])) ++end;
    } else {
      tok.kind = LayoutToken::Kind::Punct;
      if ((c == '=' || c == '!') && i + 1 < t.size() && t[i + 1] == '=') end = i + 2;
    }
    tok.text = t.substr(i, end - i);
    out.push_back(tok);
    any = true;
    newlines = 0;
    i = end;
  }
  return out;
}

}  // namespace pipec::formatter
