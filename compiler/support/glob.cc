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
  // Iterative matching with backtracking to the last star (`*`, or `**` in paths): linear
  // memory, and no exponential blow-up on patterns like `a*a*a*a*b`.
  size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  bool star_crosses = false;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      bool dbl = syntax == GlobSyntax::Path && pi + 1 < p.size() && p[pi + 1] == '*';
      pi += dbl ? 2 : 1;
      if (dbl && pi < p.size() && p[pi] == '/') ++pi;  // "**/" also matches no directory
      while (syntax == GlobSyntax::Name && pi < p.size() && p[pi] == '*') ++pi;
      star_p = pi;
      star_s = si;
      star_crosses = dbl || syntax == GlobSyntax::Name;
      continue;
    }
    size_t next = 0;
    if (pi < p.size() && MatchOne(p, pi, s[si], syntax, next)) {
      pi = next;
      ++si;
      continue;
    }
    if (star_p != std::string_view::npos && (star_crosses || s[star_s] != '/')) {
      pi = star_p;
      si = ++star_s;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace pipec
