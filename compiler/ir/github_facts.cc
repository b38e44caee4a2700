#include "compiler/ir/github_facts.h"

#include <algorithm>

namespace pipec::ir {

SourceRange TextMap::At(size_t offset, size_t length) const {
  auto after = std::upper_bound(lines.begin(), lines.end(), offset,
                                [](size_t off, const Line& l) { return off < l.offset; });
  if (after == lines.begin()) return fallback;
  const Line& line = *(after - 1);
  if (line.loc.line == 0) return fallback;
  SourceRange r = fallback;
  r.begin = {line.loc.line, line.loc.column + static_cast<uint32_t>(offset - line.offset)};
  r.end = {r.begin.line, r.begin.column + static_cast<uint32_t>(length)};
  return r;
}

}  // namespace pipec::ir
