#include "compiler/import/source_locate.h"

namespace pipec::import {

std::optional<SourceLoc> FindInScalar(const SourceManager& sm, const yaml::Node& scalar, size_t offset) {
  const SourceRange& r = scalar.range;
  if (!r.valid() || offset > scalar.scalar.size()) return std::nullopt;
  const std::string& text = sm.file(r.file).contents;
  size_t from = sm.Offset(r.file, r.begin);
  // Every word of a long script line asks for the same line: remember the last line found,
  // or a line with N references costs N scans of the line and of the file (40,000
  // `${{ github.event.issue.title }}` on one line took 10 s).
  struct LastSearch {
    const yaml::Node* node = nullptr;
    FileId file = 0;
    size_t from = 0, scalar_size = 0, line_start = 0, line_size = 0, at = 0;
  };
  thread_local LastSearch last;
  if (!(last.node == &scalar && last.file == r.file && last.from == from &&
        last.scalar_size == scalar.scalar.size() && offset >= last.line_start &&
        offset <= last.line_start + last.line_size)) {
    // The value's line holding `offset`, and where it is in the file text.
    size_t line_start = scalar.scalar.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_start = (line_start == std::string::npos || offset == 0) ? 0 : line_start + 1;
    size_t line_end = scalar.scalar.find('\n', offset);
    std::string_view line(scalar.scalar.data() + line_start,
                          (line_end == std::string::npos ? scalar.scalar.size() : line_end) - line_start);
    size_t at = line.empty() ? std::string::npos : text.find(line, from);
    last = {&scalar, r.file, from, scalar.scalar.size(), line_start, line.size(), at};
  }
  size_t at = last.at, line_start = last.line_start;
  // Only trust a hit close to the node (a block scalar's own lines follow it directly).
  if (at == std::string::npos || at - from > scalar.scalar.size() + 4096) return std::nullopt;
  return sm.LocOf(r.file, at + (offset - line_start));
}

SourceRange LocateInScalar(const SourceManager& sm, const yaml::Node& scalar, size_t offset, size_t length) {
  SourceRange r = scalar.range;
  std::optional<SourceLoc> found = FindInScalar(sm, scalar, offset);
  if (!found) return r;
  SourceLoc begin = *found;
  r.begin = begin;
  r.end = {begin.line, begin.column + static_cast<uint32_t>(length)};
  return r;
}

}  // namespace pipec::import
