#pragma once
// Machine-readable report formats: one function per format, each the only place that
// format is written. The text format lives in text_format.h.
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"

namespace pipec {

// format: "json" | "sarif" | "codequality" | "github". `diags` are already sorted.
std::string FormatDiagnostics(std::string_view format, const std::vector<Diagnostic>& diags,
                              const SourceManager& sm);

// The finding's message with every note it carries (a cycle's path, the job chain, what made a
// value a secret, the fix), for formats whose readers show one text per finding (Code Quality
// `description`, SARIF `message`). Each note is appended as `open + note + close`; a note placed
// on another line than the finding says where (`path:line`).
std::string MessageWithNotes(const Diagnostic& d, const SourceManager& sm, std::string_view open,
                             std::string_view close);

std::string FormatJson(const std::vector<Diagnostic>& diags, const SourceManager& sm);
std::string FormatSarif(const std::vector<Diagnostic>& diags, const SourceManager& sm);
std::string FormatCodeQuality(const std::vector<Diagnostic>& diags, const SourceManager& sm);
std::string FormatGithub(const std::vector<Diagnostic>& diags, const SourceManager& sm);

}  // namespace pipec
