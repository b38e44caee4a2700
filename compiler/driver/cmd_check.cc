// `pipec check FILE...`: parse, analyse and check .pipe files; print the findings.
#include <fmt/format.h>

#include <iostream>

#include "compiler/driver/command.h"
#include "compiler/driver/compile_checks.h"
#include "compiler/driver/report.h"
#include "compiler/ir/ir_json.h"

namespace pipec::driver {
namespace {

struct CheckArgs {
  std::vector<std::string> files;
  ReportOptions report;
  bool dump_ir = false;
  bool shellcheck = false;
};

CommandAction Setup(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  app.add_option("files", args->files, "The .pipe files to check")->required();
  AddReportOptions(app, args->report);
  app.add_flag("--dump-ir", args->dump_ir, "Print the pipeline IR as JSON (see docs/ir.md)");
  app.add_flag("--shellcheck", args->shellcheck, "Run shellcheck on every script");
  return [args]() {
    Compilation c;
    CompileOptions opts;
    opts.enable = args->report.enable;
    opts.shellcheck = args->shellcheck;
    for (const std::string& path : args->files) {
      std::optional<ir::Pipeline> p = CompilePipeFile(path, opts, c);
      if (p) CheckChildPipelines(path, *p, c);
      if (args->dump_ir && p) std::cout << ir::DumpJson(*p, c.sources);
    }
    return EmitReport(c.diags.diagnostics(), c.sources, args->report);
  };
}

const CommandRegistrar kCheck("check", "Check .pipe files for errors and risky patterns", 10, Setup);

}  // namespace
}  // namespace pipec::driver
