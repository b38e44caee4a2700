#include "compiler/diag/source.h"

#include <algorithm>
#include <cstring>

namespace pipec {

FileId SourceManager::AddFile(std::string path, std::string contents) {
  SourceFile f;
  f.path = std::move(path);
  f.contents = std::move(contents);
  f.line_starts.push_back(0);
  // Line ends found by memchr, not tested byte by byte.
  const char* data = f.contents.data();
  const char* end = data + f.contents.size();
  for (const char* p = data; (p = static_cast<const char*>(std::memchr(p, '\n', end - p))); ++p)
    f.line_starts.push_back(static_cast<uint32_t>(p - data + 1));
  files_.push_back(std::move(f));
  return static_cast<FileId>(files_.size() - 1);
}

std::string_view SourceManager::Line(FileId id, uint32_t line) const {
  if (id >= files_.size() || line == 0) return {};
  const SourceFile& f = files_[id];
  if (line > f.line_starts.size()) return {};
  size_t start = f.line_starts[line - 1];
  size_t end = line < f.line_starts.size() ? f.line_starts[line] - 1 : f.contents.size();
  std::string_view text(f.contents.data() + start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

size_t SourceManager::Offset(FileId id, SourceLoc loc) const {
  if (id >= files_.size() || loc.line == 0) return 0;
  const SourceFile& f = files_[id];
  if (loc.line > f.line_starts.size()) return f.contents.size();
  size_t off = f.line_starts[loc.line - 1] + (loc.column ? loc.column - 1 : 0);
  return std::min(off, f.contents.size());
}

SourceLoc SourceManager::LocOf(FileId id, size_t offset) const {
  if (id >= files_.size()) return {};
  const SourceFile& f = files_[id];
  auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - f.line_starts.begin());
  return {line, static_cast<uint32_t>(offset - f.line_starts[line - 1] + 1)};
}

}  // namespace pipec
