#pragma once
// Source files and positions. Every diagnostic, AST node and IR element carries a
// SourceRange so findings point at the exact place, in .pipe files and YAML alike.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace pipec {

using FileId = uint32_t;
inline constexpr FileId kNoFile = 0xffffffffu;

// 1-based line and column; column counts bytes. 0 means "unknown".
struct SourceLoc {
  uint32_t line = 0;
  uint32_t column = 0;
  auto operator<=>(const SourceLoc&) const = default;
};

// Half-open: [begin, end).
struct SourceRange {
  FileId file = kNoFile;
  SourceLoc begin;
  SourceLoc end;
  bool valid() const { return file != kNoFile && begin.line != 0; }
  auto operator<=>(const SourceRange&) const = default;
};

struct SourceFile {
  std::string path;      // as given by the user (relative paths stay relative)
  std::string contents;  // bytes as read
  std::vector<uint32_t> line_starts;  // byte offset of each line's first byte
};

// Owns the text of every file read in one run; hands out stable FileIds.
class SourceManager {
 public:
  FileId AddFile(std::string path, std::string contents);
  const SourceFile& file(FileId id) const { return files_.at(id); }
  size_t size() const { return files_.size(); }
  // The text of a 1-based line without its newline ("" when out of range).
  std::string_view Line(FileId id, uint32_t line) const;
  // Byte offset of a location (clamped to the file's size).
  size_t Offset(FileId id, SourceLoc loc) const;
  // The location of a byte offset.
  SourceLoc LocOf(FileId id, size_t offset) const;
  std::string_view Path(FileId id) const {
    return id == kNoFile || id >= files_.size() ? std::string_view() : files_[id].path;
  }

 private:
  std::deque<SourceFile> files_;  // deque: references stay valid as files are added
};

}  // namespace pipec
