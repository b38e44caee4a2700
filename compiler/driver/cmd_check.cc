// `pipec check FILE...`: parse, analyse and check .pipe files; print the findings. A
// .gitlab-ci.yml or GitHub workflow given to it is linted as `pipec lint` does.
#include <fmt/format.h>

#include <iostream>

#include "compiler/driver/command.h"
#include "compiler/driver/compile_checks.h"
#include "compiler/driver/lint_yaml.h"
#include "compiler/driver/report.h"
#include "compiler/ir/ir_json.h"
#include "compiler/support/heap.h"

namespace pipec::driver {
namespace {

struct CheckArgs {
  std::vector<std::string> files;
  ReportOptions report;
  bool dump_ir = false;
  bool shellcheck = false;
};

CommandAction SetupCheckCommand(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  app.add_option("files", args->files, "The .pipe files to check (.gitlab-ci.yml and GitHub workflows as `pipec lint`)")->required();
  AddReportOptions(app, args->report);
  app.add_flag("--dump-ir", args->dump_ir, "Print the pipeline IR as JSON (see docs/ir.md)");
  app.add_flag("--shellcheck", args->shellcheck, "Run shellcheck on every script");
  return [args]() {
    support::EnableKeepUntilExit();  // the process ends after the report (support/heap.h)
    Compilation c;
    CompileOptions opts;
    opts.enable = args->report.enable;
    opts.disable = args->report.disable;
    opts.shellcheck = args->shellcheck;
    std::vector<Diagnostic> yaml_findings;
    for (const std::string& path : args->files) {
      // A .pipe file is one by its name; only YAML is sniffed (reading a large source twice
      // was a twentieth of checking it).
      import::ConfigKind kind = import::ClassifyConfig(path, "");
      if (kind != import::ConfigKind::Pipe) kind = import::ClassifyConfig(path, ReadFile(path).value_or(""));
      if (kind == import::ConfigKind::GitLab || kind == import::ConfigKind::GitHub) {
        LintYamlOptions yaml;
        yaml.enable = args->report.enable;
        yaml.disable = args->report.disable;
        yaml.dump_ir = args->dump_ir;
        yaml.shellcheck = args->shellcheck;
        for (Diagnostic& d : LintYaml(path, kind, yaml, c)) yaml_findings.push_back(std::move(d));
        continue;
      }
      std::optional<ir::Pipeline> p = CompilePipeFile(path, opts, c);
      if (p) CheckChildPipelines(path, *p, c);
      if (args->dump_ir && p) std::cout << ir::DumpJson(*p, c.sources);
      if (p) support::KeepUntilExit(std::make_unique<ir::Pipeline>(std::move(*p)));
    }
    std::vector<Diagnostic> all = c.diags.diagnostics();
    for (Diagnostic& d : yaml_findings) all.push_back(std::move(d));
    return EmitReport(std::move(all), c.sources, args->report);
  };
}

const CommandRegistrar kCheck("check", "Check .pipe files for errors and risky patterns", 10, SetupCheckCommand);

}  // namespace
}  // namespace pipec::driver
