#include "compiler/syntax/string_literal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace pipec::syntax {
namespace {

// Characters of the decoded value with the source byte offset each came from.
struct Decoded {
  std::string text;
  std::vector<size_t> offsets;
  std::vector<bool> escaped;  // written as an escape (`\$` starts no interpolation)
  void Add(char c, size_t off, bool esc = false) {
    text += c;
    offsets.push_back(off);
    escaped.push_back(esc);
  }
};

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Removes the common indentation of a `"""` string; drops a first line that is empty
// (the text right after the opening quotes) and a last line of only spaces.
Decoded Dedent(const Decoded& in) {
  std::vector<std::pair<size_t, size_t>> lines;  // [begin, end) excluding '\n'
  size_t start = 0;
  for (size_t i = 0; i <= in.text.size(); ++i) {
    if (i == in.text.size() || in.text[i] == '\n') {
      lines.push_back({start, i});
      start = i + 1;
    }
  }
  auto blank = [&](std::pair<size_t, size_t> l) {
    for (size_t i = l.first; i < l.second; ++i)
      if (in.text[i] != ' ' && in.text[i] != '\t' && in.text[i] != '\r') return false;
    return true;
  };
  size_t first = 0, last = lines.size();
  if (last > 1 && blank(lines[0])) first = 1;
  if (last - first > 1 && blank(lines[last - 1])) --last;
  size_t indent = std::string::npos;
  for (size_t k = first; k < last; ++k) {
    if (blank(lines[k])) continue;
    size_t n = 0;
    while (lines[k].first + n < lines[k].second &&
           (in.text[lines[k].first + n] == ' ' || in.text[lines[k].first + n] == '\t'))
      ++n;
    indent = std::min(indent, n);
  }
  if (indent == std::string::npos) indent = 0;
  Decoded out;
  for (size_t k = first; k < last; ++k) {
    size_t b = std::min(lines[k].first + indent, lines[k].second);
    if (blank(lines[k])) b = lines[k].second;
    for (size_t i = b; i < lines[k].second; ++i)
      if (in.text[i] != '\r') out.Add(in.text[i], in.offsets[i]);
    if (k + 1 < last)
      out.Add('\n', lines[k].second < in.offsets.size() ? in.offsets[lines[k].second] : 0);
  }
  return out;
}

}  // namespace

ast::StringLit DecodeString(std::string_view token, FileId file, size_t offset,
                            const SourceManager& sm, DiagnosticSink& sink) {
  ast::StringLit lit;
  lit.triple = token.size() >= 6 && token.substr(0, 3) == "\"\"\"";
  size_t q = lit.triple ? 3 : 1;
  // On one line of the source a place is the literal's start moved by bytes (columns count
  // bytes; only `\n` ends a line): the line table is searched once, not for every place.
  const std::string_view source = sm.file(file).contents;
  const SourceLoc start = sm.LocOf(file, offset);
  const bool one_line = offset + token.size() <= source.size() &&
                        source.substr(offset, token.size()).find('\n') == std::string_view::npos;
  auto loc = [&](size_t off) {
    return one_line ? SourceLoc{start.line, start.column + static_cast<uint32_t>(off - offset)}
                    : sm.LocOf(file, off);
  };
  lit.range = {file, start, loc(offset + token.size())};
  std::string_view body = token.substr(q, token.size() >= 2 * q ? token.size() - 2 * q : 0);
  size_t body_off = offset + q;

  // The usual literal (one line, no escape, no interpolation) is its own text: no table of
  // per-character offsets (building it was 6% of a 10,000-job `pipec check`).
  // (One pass for the two characters: find_first_of calls memchr on its set for every byte.)
  if (!lit.triple &&
      std::none_of(body.begin(), body.end(), [](char c) { return c == '\\' || c == '\n'; }) &&
      body.find("${{") == std::string_view::npos) {
    lit.line_locs.push_back(loc(body_off));
    if (!body.empty()) {
      ast::StringPart p;
      p.text = std::string(body);
      p.range = {file, loc(body_off), loc(body_off + body.size())};
      lit.parts.push_back(std::move(p));
    }
    return lit;
  }

  Decoded raw;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\\' && !lit.triple && i + 1 < body.size()) {
      char e = body[i + 1];
      char out = 0;
      switch (e) {
        case 'n':
          out = '\n';
          break;
        case 't':
          out = '\t';
          break;
        case 'r':
          out = '\r';
          break;
        case '\\':
          out = '\\';
          break;
        case '"':
          out = '"';
          break;
        case '$':
          out = '$';
          break;
        default: {
          SourceRange r{file, loc(body_off + i), loc(body_off + i + 2)};
          sink.Report(DiagKind::InvalidEscape, r, fmt::format("unknown escape sequence `\\{}`", e))
              .Note({}, "known escapes are \\n \\r \\t \\\\ \\\" and \\$; write \\\\ for a backslash");
          out = e;
        }
      }
      raw.Add(out, body_off + i, true);
      ++i;
      continue;
    }
    raw.Add(c, body_off + i);
  }
  Decoded d = lit.triple ? Dedent(raw) : raw;

  // Line starts for position mapping inside scripts.
  if (!d.text.empty() || !lit.triple) {
    lit.line_locs.push_back(loc(d.offsets.empty() ? body_off : d.offsets[0]));
    for (size_t i = 0; i + 1 < d.text.size(); ++i)
      if (d.text[i] == '\n') lit.line_locs.push_back(loc(d.offsets[i + 1]));
  }

  // Split `${{ name }}` interpolations; a lone `$`, `$X`, `${X}` and `\${{` stay text.
  std::string literal;
  size_t literal_begin = 0;
  auto flush = [&](size_t end) {
    if (literal.empty()) return;
    ast::StringPart p;
    p.text = std::move(literal);
    literal.clear();
    size_t b = d.offsets[literal_begin];
    size_t e = end < d.offsets.size() ? d.offsets[end] : body_off + body.size();
    p.range = {file, loc(b), loc(e)};
    lit.parts.push_back(std::move(p));
  };
  size_t i = 0;
  while (i < d.text.size()) {
    if (d.text.compare(i, 3, "${{") == 0 && !d.escaped[i]) {
      size_t close = d.text.find("}}", i + 3);
      size_t src_b = d.offsets[i];
      if (close == std::string::npos) {
        SourceRange r{file, loc(src_b), loc(src_b + 3)};
        sink.Report(DiagKind::BadInterpolation, r, "`${{` is not closed by `}}`")
            .Note({}, "write `$${{` ... or use `${X}` for a shell variable");
        break;
      }
      flush(i);
      std::string inner = d.text.substr(i + 3, close - i - 3);
      size_t lead = inner.find_first_not_of(" \t");
      size_t trail = inner.find_last_not_of(" \t");
      std::string name = lead == std::string::npos ? "" : inner.substr(lead, trail - lead + 1);
      size_t src_e = (close + 2 < d.offsets.size()) ? d.offsets[close + 2] : d.offsets[close] + 2;
      SourceRange r{file, loc(src_b), loc(src_e)};
      // A dotted name: a.b.c with name characters.
      bool ok = !name.empty();
      ast::QualifiedName qn;
      qn.range = r;
      size_t s = 0;
      while (ok && s <= name.size()) {
        size_t dot = name.find('.', s);
        std::string part = name.substr(s, dot == std::string::npos ? std::string::npos : dot - s);
        if (part.empty() || std::isdigit(static_cast<unsigned char>(part[0]))) ok = false;
        for (char ch : part)
          if (!IsNameChar(ch)) ok = false;
        qn.parts.push_back({part, r});
        if (dot == std::string::npos) break;
        s = dot + 1;
      }
      if (!ok) {
        sink.Report(DiagKind::BadInterpolation, r,
                    fmt::format("`${{{{ {} }}}}` is not a name; interpolation takes a dotted name "
                                "such as `matrix.py` or `git.sha`",
                                name))
            .Note({}, "shell variables are written `$X` or `${X}` and pass through untouched");
      } else {
        ast::StringPart p;
        p.interpolation = true;
        p.text = name;
        p.name = std::move(qn);
        p.range = r;
        lit.parts.push_back(std::move(p));
      }
      i = close + 2;
      literal_begin = i;
      continue;
    }
    if (literal.empty()) literal_begin = i;
    literal += d.text[i];
    ++i;
  }
  flush(d.text.size());
  return lit;
}

}  // namespace pipec::syntax
