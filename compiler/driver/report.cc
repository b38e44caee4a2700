#include "compiler/driver/report.h"

#include <unistd.h>

#include <fstream>
#include <iostream>

#include "compiler/diag/formats.h"
#include "compiler/diag/text_format.h"

namespace pipec::driver {

bool IsKnownDiagName(const std::string& name_or_id) {
  return FindDiagInfo(name_or_id) != nullptr;
}

int EmitReport(std::vector<Diagnostic> diags, const SourceManager& sm, const ReportOptions& opts) {
  for (const std::string& n : opts.disable) {
    if (!IsKnownDiagName(n)) {
      std::cerr << "pipec: --disable: unknown check '" << n << "'; see `pipec explain --list`\n";
      return 2;
    }
  }
  std::erase_if(diags, [&](const Diagnostic& d) {
    // Errors of the language itself cannot be disabled: only rules and warnings.
    if (d.info().category != std::string_view("rule") && d.severity == Severity::Error)
      return false;
    for (const std::string& n : opts.disable)
      if (d.info().name == n || d.info().id == n) return true;
    return false;
  });
  if (opts.warnings_as_errors)
    for (Diagnostic& d : diags)
      if (d.severity == Severity::Warning) d.severity = Severity::Error;
  SortDiagnostics(diags, sm);

  std::string text;
  if (opts.format == "text") {
    bool tty = opts.output.empty() && isatty(STDERR_FILENO);
    TextFormatOptions t;
    t.color = opts.color == "always" || (opts.color == "auto" && tty);
    text = FormatDiagnosticsText(diags, sm, t);
  } else {
    text = FormatDiagnostics(opts.format, diags, sm);
  }
  if (!opts.output.empty()) {
    std::ofstream out(opts.output, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "pipec: cannot write " << opts.output << "\n";
      return 2;
    }
  } else if (opts.format == "text") {
    std::cerr << text;  // text diagnostics go to stderr, like a compiler's
  } else {
    std::cout << text;
  }
  // Unreadable input is an I/O problem (2); any other error is a finding (1), including a
  // file that was read but is empty, binary, not UTF-8 or too large: every command gives
  // those 1 (docs/cli.md).
  int code = 0;
  for (const Diagnostic& d : diags) {
    if (d.severity != Severity::Error) continue;
    if (d.kind == DiagKind::FileNotFound || d.kind == DiagKind::NotAFile) return 2;
    code = 1;
  }
  return code;
}

}  // namespace pipec::driver
