#pragma once
// Parses one .pipe file into the AST. Lexing problems, bracket mismatches and grammar
// errors become plain-worded diagnostics (at most 50 syntax errors a file); the ANTLR
// parse tree never leaves parser.cc.
#include <memory>

#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/ast.h"

namespace pipec::syntax {

inline constexpr int kMaxNesting = 200;
inline constexpr int kMaxSyntaxErrors = 50;

// Returns the AST, or nullptr when the file has syntax errors (they are in `sink`).
std::unique_ptr<ast::File> ParseFile(FileId file, const SourceManager& sm, DiagnosticSink& sink);

}  // namespace pipec::syntax
