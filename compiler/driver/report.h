#pragma once
// Options shared by every command that reports findings (check, lint, build, run), and the
// one place that sends a sorted diagnostic list to the chosen formatter.
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"

namespace CLI {
class App;
}

namespace pipec::driver {

struct ReportOptions {
  std::string format = "text";  // text | json | sarif | codequality | github
  std::string color = "auto";   // auto | always | never
  std::vector<std::string> disable, enable;  // diagnostic names or ids
  bool warnings_as_errors = false;
  std::string output;  // --output FILE ("" = stdout)
};

// Adds --format, --color, --disable, --enable, --warnings-as-errors and --output to a command
// (report_options.cc, part of the `pipec` binary: the driver library does not parse CLI11).
void AddReportOptions(CLI::App& app, ReportOptions& opts);

// Applies --disable/--enable/--warnings-as-errors, sorts, formats, writes; returns the exit
// code for the findings: 1 when any error remains, else 0 (2 if the report cannot be written).
int EmitReport(std::vector<Diagnostic> diags, const SourceManager& sm, const ReportOptions& opts);

// True when `name_or_id` names a known diagnostic kind.
bool IsKnownDiagName(const std::string& name_or_id);

}  // namespace pipec::driver
