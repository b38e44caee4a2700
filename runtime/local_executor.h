#pragma once
// The Executor that runs real jobs: prepares each attempt's workspace (project files,
// restored inputs and caches), starts the job's shell in its own process group, streams
// its masked output to the console and the job log, and after it ends collects outputs
// and saves caches. Child pipelines run inline as a nested `pipec run` process.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/artifacts.h"
#include "runtime/console.h"
#include "runtime/interrupt.h"
#include "runtime/mask.h"
#include "runtime/process.h"
#include "runtime/run_info.h"
#include "runtime/scheduler.h"

namespace pipec::runtime {

struct ExecutorConfig {
  std::string engine;      // "" = shell executor; "docker" | "podman" (checked to be present)
  std::string self_exe;    // this program, to run child pipelines
  int child_parallelism = 1;
  bool fail_fast = false;
  Millis kill_grace{5000};  // TERM, then KILL this much later
  bool debug_on_failure = false;
  std::vector<std::string> files;        // the project files copied into every workspace
  std::vector<std::string> mask_values;  // secret values to mask
};

class LocalExecutor : public Executor {
 public:
  LocalExecutor(const plan::Plan& plan, const RunInfo& run, ExecutorConfig config, Console& console,
                Clock& clock, InterruptGuard& interrupts);
  ~LocalExecutor() override;

  void Start(size_t job, int attempt) override;
  void Stop(size_t job) override;
  std::vector<AttemptResult> Wait(Millis deadline) override;
  bool Interrupted() override { return interrupted_; }

  // The argv that runs `job`'s script (shell or container); exposed for tests.
  // The job's setup and commands as one script (teardown: its teardown script).
  static std::vector<std::string> ShellArgv(const plan::Job& job, bool teardown = false);

 private:
  struct Attempt {
    std::unique_ptr<ChildProcess> proc;
    std::unique_ptr<MaskFilter> mask;
    std::FILE* log = nullptr;
    std::string line;
    std::string container;
    int attempt = 1;
    bool stopped = false;
    bool eof = false;
    Millis kill_at = Millis::max();
    Millis exited_at{0};
    LaunchSpec spec;          // how the script was started (the teardown reuses it)
    bool in_teardown = false;  // the script ended; `proc` now runs the job's teardown
    int script_code = 0;       // the script's exit code, once in_teardown
    bool script_stopped = false;
  };
  bool StartTeardown(size_t job, Attempt& a);
  void EndTeardown(size_t job, Attempt& a);

  std::string Prepare(size_t job, int attempt, LaunchSpec* spec, Attempt* a);
  void Output(size_t job, Attempt& a, const std::string& masked);
  void ReadAvailable(size_t job, Attempt& a);
  AttemptResult Finalize(size_t job, Attempt& a);
  bool DebugShell(size_t job);
  void Fail(size_t job, const std::string& message);

  const plan::Plan& plan_;
  const RunInfo& run_;
  ExecutorConfig cfg_;
  Console& console_;
  Clock& clock_;
  InterruptGuard& interrupts_;
  ArtifactStore store_;
  std::map<size_t, Attempt> running_;
  std::vector<AttemptResult> early_;  // attempts that failed before their process started
  bool interrupted_ = false;
};

}  // namespace pipec::runtime
