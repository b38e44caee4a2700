#pragma once
// Parses one .pipe file into the AST. Lexing problems, bracket mismatches and grammar
// errors become plain-worded diagnostics (at most 50 syntax errors a file); the ANTLR
// parse tree never leaves parser.cc.
#include <memory>
#include <optional>
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/limits.h"

namespace pipec::syntax {

struct ParseOptions {
  // False: the file goes through the pre-scan even where the streaming path would take it
  // (parser.cc). For StreamingPathDisagreement.
  bool stream = true;
  // False: ANTLR 4.9's own adaptivePredict for every prediction, without the DFA-first walk
  // (grammar/parser_members.cc). For DfaFirstDisagreement.
  bool dfa_first = true;
  // Tests: each DFA-first answer is also asked of 4.9's adaptivePredict; counted here.
  struct PredictionCheck {
    size_t checked = 0;
    size_t mismatched = 0;
  };
  PredictionCheck* check_predictions = nullptr;
};

// Returns the AST, or nullptr when the file has syntax errors (they are in `sink`).
std::unique_ptr<ast::File> ParseFile(FileId file, const SourceManager& sm, DiagnosticSink& sink,
                                     const ParseOptions& options = {});

// For tests and the fuzzer: nullopt when the streaming path and the pre-scan path give the
// same result for `file`: the same diagnostics, comments and declarations (kinds, names,
// ranges, and each job's and template's items with their ranges); else the first difference.
std::optional<std::string> StreamingPathDisagreement(FileId file, const SourceManager& sm);
// The same for the DFA-first prediction and ANTLR 4.9's own (both streamed).
std::optional<std::string> DfaFirstDisagreement(FileId file, const SourceManager& sm);

}  // namespace pipec::syntax
