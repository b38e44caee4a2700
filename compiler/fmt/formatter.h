#pragma once
// `pipec fmt`: the canonical layout of a .pipe file (docs/fmt.md). It works on the file's
// tokens, keeping every comment where it was relative to the code, and asks the AST only
// where units begin (layout_hints.h). Output is idempotent and means what the input meant:
// FormatSource proves the second by re-parsing the result and comparing token streams.
#include <optional>
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/ast.h"

namespace pipec::formatter {

inline constexpr int kLineWidth = 100;  // lists and argument lists wrap beyond this
inline constexpr int kIndent = 2;
inline constexpr int kContinuationIndent = 4;

// Lays out the text of `file` (parsed into `ast`).
std::string FormatFile(const ast::File& ast, const SourceManager& sm, FileId file);

struct FormatOutcome {
  std::optional<std::string> text;  // the formatted file; nullopt on errors
  std::string internal_error;       // set when the formatter failed its own safety checks
};

// Parses `file`, formats it and checks the result (it parses and has the same tokens, values
// and comments). Syntax errors go to `sink`; the text is then nullopt.
FormatOutcome FormatSource(FileId file, const SourceManager& sm, DiagnosticSink& sink);

}  // namespace pipec::formatter
