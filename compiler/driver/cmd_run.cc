// `pipec run FILE.pipe|plan.json`: the bridge between the compiler and the runtime. A .pipe
// file is compiled in memory (diagnostics reported like `pipec check`); a plan.json is read
// as is. Everything else happens in runtime/run.cc, which never sees compiler headers.
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "compiler/driver/command.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/report.h"
#include "runtime/plan.h"
#include "runtime/run.h"

namespace pipec::driver {

// Shared with cmd_shell.cc: loads a plan from a .pipe file (compiled) or a plan.json.
// Returns nullopt after printing why; `code` is the exit code to use then.
std::optional<plan::Plan> LoadPlanForRun(const std::string& path, const ReportOptions& report, int* code) {
  bool is_json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  if (!is_json) {
    Compilation c;
    CompileOptions opts;
    // The checker runs first, as for `pipec build`: its errors stop the run, warnings print.
    opts.run_checks = true;
    std::optional<plan::Plan> p = CompileToPlan(path, opts, c);
    int report_code = EmitReport(c.diags.diagnostics(), c.sources, report);
    if (!p) {
      *code = report_code == 0 ? 1 : report_code;
      return std::nullopt;
    }
    return p;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "pipec: cannot open " << path << "\n";
    *code = 2;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string error;
  std::optional<plan::Plan> p = plan::ReadPlanJson(text.str(), &error);
  if (!p) {
    std::cerr << path << ": invalid plan: " << error << "\n";
    *code = 2;
  }
  return p;
}

// Options `pipec run` and `pipec shell` share.
void AddRunContextOptions(CLI::App& app, runtime::RunOptions& run, std::vector<std::string>& inputs) {
  app.add_option("--trigger", run.trigger,
                 "The event to simulate: push, merge_request, tag, manual, schedule:NAME, webhook:NAME")
      ->capture_default_str();
  app.add_option("--branch", run.branch, "The branch (default: the current git branch)");
  app.add_option("--tag", run.tag, "The tag for --trigger tag (default: the tag at HEAD)");
  app.add_option("--base", run.base,
                 "What `changed [...]` diffs against under push and merge_request (default: the "
                 "merge base of HEAD with the default branch)");
  app.add_option("--input", inputs, "A pipeline input NAME=VALUE; repeatable")
      ->allow_extra_args(false);
  app.add_option("--secrets-file", run.secrets_file, "A dotenv file with secret values (else the environment)");
  app.add_option("--root", run.project_root, "The project directory (default: the current directory)");
}

namespace {

struct RunArgs {
  std::string file;
  std::vector<std::string> approve;  // --approve [JOB]: "" = every job
  runtime::RunOptions run;
  std::vector<std::string> inputs;
  ReportOptions report;
  bool plain = false;
  bool keep_going = false;  // accepted, no effect
};

CommandAction SetupRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  // Not required here: `pipec run --approve FILE` gives FILE to --approve, moved back below.
  app.add_option("file", args->file, "A .pipe file or a compiled plan.json");
  AddRunContextOptions(app, args->run, args->inputs);
  app.add_option("--job", args->run.jobs, "Run only these jobs and everything they need; repeatable")
      ->allow_extra_args(false);
  app.add_option("-j,--parallel", args->run.parallelism, "How many jobs run at once (default: the number of CPUs)")
      ->check(CLI::Range(1, 1024));
  app.add_flag("--dry-run", args->run.dry_run, "Print what would run, in order, and run nothing");
  app.add_flag("--fail-fast", args->run.fail_fast,
               "Stop at the first failure: cancel running jobs and start no new ones "
               "(on_failure/always jobs "
               "still run). Default: as on GitLab and GitHub, a failure skips only the jobs that "
               "depend on it");
  // The default since fail-fast became opt-in; still accepted so existing scripts keep working.
  app.add_flag("--keep-going", args->keep_going,
               "The default: jobs that do not depend on a failure run to the end");
  app.add_option("--executor", args->run.executor, "Where jobs with an image run")
      ->check(CLI::IsMember({"shell", "docker", "podman"}))
      ->capture_default_str();
  app.add_flag("--debug-on-failure", args->run.debug_on_failure,
               "When a job fails, open a shell in its workspace (on a terminal)");
  app.add_option("--approve", args->approve,
                 "Start jobs that wait for a person (`when manual`, approval manual): the JOB given "
                 "(repeatable), or every one without a JOB")
      ->expected(0, 1)
      ->default_str("");
  app.add_flag("--plain", args->plain, "Plain `[job]` lines even on a terminal");
  app.add_option("--kill-grace", args->run.kill_grace_ms, "Milliseconds between TERM and KILL when stopping a job")
      ->capture_default_str();
  // Used when a run starts a child pipeline (trigger pipeline): not for people.
  app.add_flag("--as-child", args->run.as_child)->group("");
  app.add_option("--run-id", args->run.run_id)->group("");
  AddReportOptions(app, args->report);
  return [args]() {
    // `--approve FILE`: a bare --approve before the file.
    if (args->file.empty() && !args->approve.empty()) {
      const std::string& last = args->approve.back();
      std::error_code ec;
      if (last.ends_with(".pipe") || last.ends_with(".json") || std::filesystem::exists(last, ec)) {
        args->file = last;
        args->approve.back() = "";
      }
    }
    if (args->file.empty()) {
      std::cerr << "pipec run: a .pipe file or a plan.json is required\n";
      return 2;
    }
    for (const std::string& a : args->approve) {
      if (a.empty())
        args->run.approve = true;
      else
        args->run.approve_jobs.push_back(a);
    }
    int code = 0;
    std::optional<plan::Plan> plan = LoadPlanForRun(args->file, args->report, &code);
    if (!plan) return code;
    if (std::string e = runtime::ParseInputAssignments(args->inputs, &args->run.inputs); !e.empty()) {
      std::cerr << "pipec: " << e << "\n";
      return 2;
    }
    if (args->plain) args->run.live = false;
    std::cout.flush();
    return runtime::RunPlan(*plan, args->run, stdout, stderr);
  };
}

const CommandRegistrar kRun("run", "Run a pipeline locally: a DAG scheduler with isolated workspaces", 50, SetupRunCommand);

}  // namespace
}  // namespace pipec::driver
