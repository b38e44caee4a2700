// `pipec shell JOB [FILE]`: a shell in JOB's workspace, prepared exactly as `pipec run` would
// (project files, inputs restored from the last run, caches, environment with secrets).
#include <filesystem>
#include <iostream>
#include <memory>

#include "compiler/driver/command.h"
#include "compiler/driver/report.h"
#include "runtime/run.h"

namespace pipec::driver {

std::optional<plan::Plan> LoadPlanForRun(const std::string& path, const ReportOptions& report, int* code);
void AddRunContextOptions(CLI::App& app, runtime::RunOptions& run, std::vector<std::string>& inputs);

namespace {

struct ShellArgs {
  std::string file;
  runtime::ShellOptions shell;
  std::vector<std::string> inputs;
  ReportOptions report;
};

// Without FILE: the only .pipe file in the current directory.
std::string DefaultFile() {
  std::string found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(".", ec)) {
    if (e.path().extension() != ".pipe") continue;
    if (!found.empty()) return "";
    found = e.path().filename().string();
  }
  return found;
}

CommandAction SetupShellCommand(CLI::App& app) {
  auto args = std::make_shared<ShellArgs>();
  app.add_option("job", args->shell.job, "The job whose workspace to open")->required();
  app.add_option("file", args->file, "A .pipe file or plan.json (default: the only .pipe file here)");
  AddRunContextOptions(app, args->shell.run, args->inputs);
  app.add_option("-c,--command", args->shell.command, "Run this command (with the job's shell) instead of an interactive one");
  AddReportOptions(app, args->report);
  return [args]() {
    if (args->file.empty()) args->file = DefaultFile();
    if (args->file.empty()) {
      std::cerr << "pipec: shell: name the .pipe file or plan.json (none or several .pipe files here)\n";
      return 2;
    }
    int code = 0;
    std::optional<plan::Plan> plan = LoadPlanForRun(args->file, args->report, &code);
    if (!plan) return code;
    if (std::string e = runtime::ParseInputAssignments(args->inputs, &args->shell.run.inputs); !e.empty()) {
      std::cerr << "pipec: " << e << "\n";
      return 2;
    }
    return runtime::OpenShell(*plan, args->shell, stderr);
  };
}

const CommandRegistrar kShell("shell", "Open a shell in a job's workspace, prepared as a run would", 55, SetupShellCommand);

}  // namespace
}  // namespace pipec::driver
