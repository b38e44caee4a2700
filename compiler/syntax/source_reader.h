#pragma once
// Reads a source file with every check a user's bad input needs: missing, a directory,
// too large, binary (NUL), invalid UTF-8 (with its position), over-long lines.
#include <optional>
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/support/file_system.h"

namespace pipec::syntax {

inline constexpr size_t kMaxFileBytes = 16u << 20;     // 16 MiB
inline constexpr size_t kMaxLineBytes = 1'000'000;

// Returns the registered file, or nullopt after reporting why it cannot be used.
// `from` is where the read was requested (an import), or an invalid range for the command line.
// Reads through `fs` (tests give an in-memory tree).
std::optional<FileId> ReadSourceFile(const std::string& path, SourceManager& sm,
                                     DiagnosticSink& sink, SourceRange from = {},
                                     const support::FileSystem& fs = support::RealFileSystem());

// The same checks for text already in memory (embedded stdlib, tests).
std::optional<FileId> AddSourceText(std::string path, std::string contents, SourceManager& sm,
                                    DiagnosticSink& sink, SourceRange from = {});

}  // namespace pipec::syntax
