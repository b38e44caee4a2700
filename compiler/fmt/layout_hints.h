#pragma once
// What the formatter needs to know from the AST to lay tokens out: where each declaration,
// job item and block entry starts (Pipe has no statement separators, so only the parser
// knows where `stage build needs a run "x"` splits), and what kind each bracket is.
#include <set>
#include <vector>

#include "compiler/diag/source.h"
#include "compiler/fmt/layout_lexer.h"
#include "compiler/syntax/ast.h"

namespace pipec::formatter {

struct LayoutHints {
  std::set<size_t> unit_starts;    // offsets of tokens that begin a line-level unit
  std::set<size_t> body_braces;    // `{` of job/template/default/cache bodies (always blocks)
  std::set<size_t> settings_braces;  // `{` of `environment NAME { url ".." approval manual }`
  std::set<size_t> arg_parens;     // `(` of parameter, argument and import-selection lists
  std::set<size_t> type_brackets;  // `[` of `list[T]`
};

LayoutHints CollectLayoutHints(const ast::File& file, const SourceManager& sm,
                               const std::vector<LayoutToken>& tokens);

}  // namespace pipec::formatter
