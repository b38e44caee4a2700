#pragma once
// The clang-style text format:
//   file:line:col: error: message [name]
//     source line
//     ^~~~~
//   file:line:col: note: ...
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"

namespace pipec {

struct TextFormatOptions {
  bool color = false;
  bool show_source = true;
};

std::string FormatDiagnosticText(const Diagnostic& d, const SourceManager& sm,
                                 const TextFormatOptions& opts);
// All diagnostics (already sorted) plus a closing count line when any were printed.
std::string FormatDiagnosticsText(const std::vector<Diagnostic>& diags, const SourceManager& sm,
                                  const TextFormatOptions& opts);

}  // namespace pipec
