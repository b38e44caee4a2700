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

void WriteReports(const std::vector<Diagnostic>& unsorted, const SourceManager& sm) {
  std::vector<Diagnostic> diags = unsorted;
  SortDiagnostics(diags, sm);
  (void)FormatDiagnosticsText(diags, sm, TextFormatOptions{});
  for (std::string_view format : {"json", "sarif", "codequality"}) {
    std::string out = FormatDiagnostics(format, diags, sm);
    Require(nlohmann::json::accept(out), "a JSON report writer wrote text that is not JSON");
  }
  (void)FormatDiagnostics("github", diags, sm);
}

}  // namespace pipec::fuzz
