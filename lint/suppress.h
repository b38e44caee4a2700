#pragma once
// Parsing of `# pipec: ignore[name, ...] reason` comments (the scan ApplySuppressions uses).
#include <string>
#include <vector>

#include "compiler/diag/source.h"

namespace pipec::lint {

struct IgnoreComment {
  SourceRange range;               // from `#` to the end of the line
  std::vector<std::string> names;  // rule names or ids as written
  std::string reason;              // "" when none was given
  bool own_line = false;           // nothing but blanks before the `#`
};

// Every ignore comment in one file, in line order. Lines are scanned as text, so an ignore
// inside a script (a shell comment) counts too: that is where script findings point.
std::vector<IgnoreComment> FindIgnoreComments(const SourceManager& sm, FileId file);

}  // namespace pipec::lint
