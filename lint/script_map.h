#pragma once
// Maps a position inside a run script (the IR's text, after dedent and compile-time
// substitution) back to the .pipe or YAML source, so script findings point at the exact
// line and column the user wrote. Each script line is looked up in the source at or after
// the step's range, in order; a line that cannot be found (rewritten by an interpolation)
// is placed after the previous one. Lines of one-line "..." strings are matched in their
// escaped spelling (`\"`, `\\`), and columns are counted in that spelling.
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/source.h"

namespace pipec::lint {

// The lines are looked up on the first At() (most scripts have no finding; looking up every
// script's lines was 3% of a 10,000-job check). `sm` must outlive the map; one map is not
// for several threads.
class ScriptMap {
 public:
  ScriptMap(const SourceManager& sm, const SourceRange& step_range, std::string_view script);

  // The source range of `length` bytes at byte `offset` of the script.
  SourceRange At(size_t offset, size_t length) const;
  // The same for a 1-based line and column of the script (shellcheck's positions).
  SourceRange AtLineColumn(uint32_t line, uint32_t column, uint32_t end_line,
                           uint32_t end_column) const;

 private:
  struct Line {
    size_t script_offset;  // first byte of the line in the script
    uint32_t source_line;  // 0 = unknown
    uint32_t source_column;
    bool escaped;          // written with `\"` and `\\` escapes in a "..." string
  };
  void Build() const;

  const SourceManager& sm_;
  std::string script_;
  SourceRange step_;
  mutable bool built_ = false;
  mutable std::vector<Line> lines_;
};

}  // namespace pipec::lint
