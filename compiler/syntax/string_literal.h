#pragma once
// Decoding of Pipe string literals: escapes, `"""` dedent, and `${{ name }}` interpolation.
#include <string_view>

#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/ast.h"

namespace pipec::syntax {

// Decodes the token text `token` (quotes included) that starts at byte `offset` of `file`.
// Problems (bad escapes, malformed interpolations) are reported to `sink`.
ast::StringLit DecodeString(std::string_view token, FileId file, size_t offset,
                            const SourceManager& sm, DiagnosticSink& sink);

}  // namespace pipec::syntax
