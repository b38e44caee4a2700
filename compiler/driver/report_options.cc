// The report options of every command that reports findings. Kept out of report.cc so that
// CLI11, the largest header pipec includes (about 5 s of compile time per translation unit),
// is parsed only by the `pipec` binary's own sources, not by the driver library.
#include <CLI/CLI.hpp>

#include "compiler/driver/report.h"

namespace pipec::driver {

void AddReportOptions(CLI::App& app, ReportOptions& opts) {
  app.add_option("--format", opts.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif", "codequality", "github"}))
      ->capture_default_str();
  app.add_option("--color", opts.color, "Colour the text output")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("--disable", opts.disable, "Turn off a check (name or id); repeatable")
      ->allow_extra_args(false);
  app.add_option("--enable", opts.enable, "Turn on a check that is off by default; repeatable")
      ->allow_extra_args(false);
  app.add_flag("--warnings-as-errors", opts.warnings_as_errors, "Treat warnings as errors");
  app.add_option("--output", opts.output, "Write the report to FILE instead of stdout");
}

}  // namespace pipec::driver
