#include "fuzz/fuzz_support.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>

#include "compiler/diag/formats.h"
#include "compiler/diag/text_format.h"

namespace pipec::fuzz {

void Require(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant failed: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

void WriteReports(const std::vector<Diagnostic>& unsorted, const SourceManager& sm, bool sarif) {
  std::vector<Diagnostic> diags = unsorted;
  SortDiagnostics(diags, sm);
  (void)FormatDiagnosticsText(diags, sm, TextFormatOptions{});
  for (std::string_view format : {"json", "sarif", "codequality"}) {
    if (format == "sarif" && !sarif) continue;
    std::string out = FormatDiagnostics(format, diags, sm);
    Require(nlohmann::json::accept(out), "a JSON report writer wrote text that is not JSON");
  }
  (void)FormatDiagnostics("github", diags, sm);
}

bool SarifSample(const uint8_t* data, size_t size) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 16777619u;
  return h % 8 == 0;
}

}  // namespace pipec::fuzz
