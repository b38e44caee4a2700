#pragma once
// Semantic analysis: loads a .pipe file and its imports, resolves names, checks types,
// expands templates and matrices, computes trigger sets, and lowers the program to the IR.
// Rules of the language (how stages, needs, templates and triggers combine) are documented
// in docs/language.md; this is their one implementation.
#include <optional>
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/support/file_system.h"

namespace pipec::sema {

inline constexpr size_t kMaxJobs = 100'000;  // after matrix expansion
inline constexpr size_t kMaxMatrixCells = 256;   // per job
inline constexpr size_t kMaxTemplateDepth = 32;  // template base chain
inline constexpr size_t kMaxImportDepth = 64;

// Analyses the pipeline in `path`. Every problem is reported to `sink`; the IR is returned
// when there are no errors.
// Files (the main one and what it imports) are read through `fs`.
std::optional<ir::Pipeline> AnalyzeFile(const std::string& path, SourceManager& sm,
                                        DiagnosticSink& sink,
                                        const support::FileSystem& fs = support::RealFileSystem());

// The same for a main file whose text is already registered in `sm` (tests, stdin).
std::optional<ir::Pipeline> AnalyzeLoaded(FileId main, SourceManager& sm, DiagnosticSink& sink,
                                          const support::FileSystem& fs = support::RealFileSystem());

}  // namespace pipec::sema
