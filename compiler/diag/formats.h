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

std::string FormatJson(const std::vector<Diagnostic>& diags, const SourceManager& sm);
std::string FormatSarif(const std::vector<Diagnostic>& diags, const SourceManager& sm);
std::string FormatCodeQuality(const std::vector<Diagnostic>& diags, const SourceManager& sm);
std::string FormatGithub(const std::vector<Diagnostic>& diags, const SourceManager& sm);

}  // namespace pipec
