#pragma once
// `pipec run` on a plan: selects the jobs for the trigger and --job, prepares the run
// directory (.pipec/runs/<run-id>/), runs the scheduler with the local executor, prints
// the summary. Everything the CLI passes is in RunOptions; the CLI itself lives in
// compiler/driver/cmd_run.cc.
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/plan.h"

namespace pipec::runtime {

struct RunOptions {
  std::string trigger = "push";
  std::optional<std::string> branch;  // default: the current git branch
  std::optional<std::string> tag;     // default (tag trigger): the tag at HEAD
  std::optional<std::string> base;    // `changed [...]`: diff against (default: the merge base with the default branch)
  std::map<std::string, std::string> inputs;
  std::vector<std::string> jobs;      // --job: these and everything they need
  int parallelism = 0;                // 0 = number of CPUs
  bool dry_run = false;
  bool fail_fast = false;  // opt-in: the first failure cancels running on_success jobs
  bool debug_on_failure = false;
  bool approve = false;               // run every job that waits for a person
  std::vector<std::string> approve_jobs;  // ... or these (names, or a matrix job's base name)
  bool as_child = false;              // a triggered child pipeline: every job exists
  std::string secrets_file;
  std::string executor = "shell";     // shell | docker | podman
  std::string project_root;           // "" = the current directory
  std::string run_id;                 // "" = new
  std::string self_exe;               // "" = /proc/self/exe
  int kill_grace_ms = 5000;
  std::optional<bool> live;           // default: stdout is a terminal
};

// Returns the exit code: 0 every required job passed, 1 a job failed, 2 a usage problem
// (unknown trigger, job or input), 130 interrupted. Messages go to `err`, progress and the
// summary to `out`.
int RunPlan(const plan::Plan& plan, const RunOptions& opts, std::FILE* out, std::FILE* err);

// Turns `--input k=v` strings into a map; returns "" or the message.
std::string ParseInputAssignments(const std::vector<std::string>& args, std::map<std::string, std::string>* out);

struct ShellOptions {
  std::string job;
  RunOptions run;               // trigger, branch, inputs, secrets file, project root
  std::string command;  // "" = interactive shell; else run with `<shell> -c COMMAND`
};

// `pipec shell JOB`: prepares JOB's workspace as a run would (project files, inputs restored
// from the last run's store, caches, environment with secrets) and runs a shell there.
int OpenShell(const plan::Plan& plan, const ShellOptions& opts, std::FILE* err);

}  // namespace pipec::runtime
