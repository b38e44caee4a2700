#include "compiler/support/glob.h"

namespace pipec {
namespace {

// Matches one text character `c` against the pattern element at `p[pi]` (a literal, `?`, an
// escaped character or a bracket class); sets `next` past the element. False when the element
// does not match. As in fnmatch, a `[` that ends the pattern is a literal and an unclosed
// class matches nothing.
bool MatchOne(std::string_view p, size_t pi, char c, GlobSyntax syntax, size_t& next) {
  if (syntax == GlobSyntax::Path && c == '/' && p[pi] != '/') return false;
  if (p[pi] == '?') {
    next = pi + 1;
    return true;
  }
  if (p[pi] == '\\' && pi + 1 < p.size()) {
    next = pi + 2;
    return p[pi + 1] == c;
  }
  if (p[pi] == '[') {
    size_t k = pi + 1;
    bool negate = k < p.size() && (p[k] == '!' || p[k] == '^');
    if (negate) ++k;
    size_t first = k;
    size_t close = std::string_view::npos;
    for (size_t i = first; i < p.size(); ++i)
      if (p[i] == ']' && i > first) {
        close = i;
        break;
      }
    if (close != std::string_view::npos) {
      bool hit = false;
      for (size_t i = first; i < close; ++i) {
        if (i + 2 < close && p[i + 1] == '-') {
          if (c >= p[i] && c <= p[i + 2]) hit = true;
          i += 2;
        } else if (p[i] == c) {
          hit = true;
        }
      }
      next = close + 1;
      return hit != negate;
    }
    // fnmatch: `[` at the end of the pattern is a literal; an unclosed class matches nothing
    if (pi + 1 < p.size()) return false;
  }
  next = pi + 1;
  return p[pi] == c;
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view s, GlobSyntax syntax) {
  // Iterative matching with backtracking (linear memory, no exponential blow-up on patterns
  // like `a*a*a*a*b`) to two resume points: the last `*`, which in paths stays within its
  // segment, and, in paths, the last `**`, which then takes one more character (`a**b`, a
  // trailing `src/**`) or one more whole directory (`**/`). A single `*` after a `**` belongs
  // to the current attempt of that `**`, so it is dropped when the `**` resumes.
  constexpr size_t npos = std::string_view::npos;
  const bool path = syntax == GlobSyntax::Path;
  size_t pi = 0, si = 0;
  size_t star_p = npos, star_s = 0;
  size_t deep_p = npos, deep_s = 0;
  bool deep_dirs = false;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      size_t end = pi;
      while (end < p.size() && p[end] == '*') ++end;
      if (path && end - pi >= 2) {
        deep_dirs = end < p.size() && p[end] == '/';
        deep_p = deep_dirs ? end + 1 : end;
        deep_s = si;
        pi = deep_p;
        star_p = npos;
        continue;
      }
      pi = path ? pi + 1 : end;
      star_p = pi;
      star_s = si;
      continue;
    }
    size_t next = 0;
    if (pi < p.size() && MatchOne(p, pi, s[si], syntax, next)) {
      pi = next;
      ++si;
      continue;
    }
    if (star_p != npos && (!path || s[star_s] != '/')) {
      pi = star_p;
      si = ++star_s;
      continue;
    }
    if (deep_p != npos) {
      if (deep_dirs) {
        size_t slash = s.find('/', deep_s);
        if (slash == npos) return false;
        deep_s = slash + 1;
      } else {
        ++deep_s;
      }
      pi = deep_p;
      si = deep_s;
      star_p = npos;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace pipec
