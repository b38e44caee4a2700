#include "runtime/local_executor.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "runtime/cache.h"
#include "runtime/fs.h"
#include "runtime/reaper.h"
#include "runtime/secrets.h"
#include "runtime/subprocess.h"
#include "runtime/workspace.h"

namespace fs = std::filesystem;

namespace pipec::runtime {

namespace {

// After the main process exits, its pipe normally reaches EOF at once; a process that left
// the group (setsid) can hold it open: stop waiting for it after this long.
constexpr Millis kEofGrace{2000};

const plan::Cache* FindCache(const plan::Plan& plan, const std::string& name) {
  for (const plan::Cache& c : plan.caches)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

LocalExecutor::LocalExecutor(const plan::Plan& plan, const RunInfo& run, ExecutorConfig config, Console& console,
                             Clock& clock, InterruptGuard& interrupts)
    : plan_(plan), run_(run), cfg_(std::move(config)), console_(console), clock_(clock),
      interrupts_(interrupts), store_(run.StoreDir()) {}

LocalExecutor::~LocalExecutor() {
  for (auto& [job, a] : running_) {
    if (a.log) std::fclose(a.log);
    // ~ChildProcess kills and reaps the group.
  }
}

namespace {

std::string SingleQuoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// How the log shows a command before it runs, as GitLab does: `$ make test`; a command of
// several lines shows its first, as GitLab's "collapsed multi-line command".
std::string CommandDisplay(const std::string& c) {
  std::string_view text = c;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, nl)) + " # collapsed multi-line command";
}

}  // namespace

// The job's commands as one script: each printed (`$ cmd`) before it runs, and, when the
// shell stops at a failing one (`-e`), that command named with its exit status.
std::vector<std::string> LocalExecutor::ShellArgv(const plan::Job& job, bool teardown) {
  std::string script =
      "trap '__pipec_rc=$?; if [ \"$__pipec_rc\" -ne 0 ] && [ -n \"${__pipec_cmd:-}\" ]; then "
      "printf \"pipec: command failed with exit status %s: %s\\n\" \"$__pipec_rc\" \"$__pipec_cmd\" >&2; fi' EXIT\n";
  std::vector<std::string> lines;
  if (teardown) {
    lines = job.teardown;
  } else {
    lines = job.setup;
    lines.insert(lines.end(), job.commands.begin(), job.commands.end());
  }
  for (const std::string& c : lines) {
    std::string shown = SingleQuoted(CommandDisplay(c));
    script += "__pipec_cmd=" + shown + "\nprintf '$ %s\\n' \"$__pipec_cmd\"\n";
    script += c + (c.empty() || c.back() != '\n' ? "\n" : "");
  }
  script += "__pipec_cmd=\n";
  std::vector<std::string> argv{job.shell, "-e"};
  if (job.shell == "bash" || job.shell.ends_with("/bash")) {
    argv.push_back("-o");
    argv.push_back("pipefail");
  }
  argv.push_back("-c");
  argv.push_back(script);
  return argv;
}

namespace {

// GitLab turns the variables of a needed job's dotenv report into environment variables of
// the job (above the job's own `variables`); so does pipec for each restored `dotenv` input.
std::string AddDotenvInputs(const plan::Job& j, const std::string& ws,
                            std::map<std::string, std::string>* env) {
  for (const plan::ArtifactIn& in : j.inputs) {
    if (in.kind != plan::ArtifactKind::Dotenv) continue;
    std::optional<std::string> text = ReadFile(ws + "/" + in.path);
    if (!text) continue;  // not restored: Restore has failed the job already
    std::map<std::string, std::string> vars;
    if (std::string err = ParseDotenv(*text, &vars); !err.empty())
      return fmt::format("input {} ({}): {}", in.name, in.path, err);
    for (auto& [k, v] : vars) (*env)[k] = v;
  }
  return "";
}

}  // namespace

void LocalExecutor::Fail(size_t job, const std::string& message) {
  AttemptResult r;
  r.job = job;
  r.success = false;
  r.message = message;
  early_.push_back(std::move(r));
  console_.Finished(plan_.jobs[job].name);
}

std::string LocalExecutor::Prepare(size_t job, int attempt, LaunchSpec* spec, Attempt* a) {
  const plan::Job& j = plan_.jobs[job];
  std::string ws = run_.WorkspaceOf(j.name);
  std::error_code ec;
  fs::remove_all(ws, ec);  // every attempt starts from a fresh copy
  std::map<std::string, std::string> env;
  if (j.trigger) {
    // A child pipeline: a nested `pipec run` on the embedded plan, from the project root.
    if (j.trigger->kind != plan::ChildKind::Pipeline || !j.trigger->plan)
      return fmt::format("triggers project {}: cannot run locally", j.trigger->target);
    std::string path = fmt::format("{}/children/{}.json", run_.run_dir, PathName(j.name));
    if (std::string err = WriteFile(path, plan::WritePlanJson(*j.trigger->plan)); !err.empty()) return err;
    if (cfg_.self_exe.empty()) return "cannot run a child pipeline: the pipec executable is unknown";
    spec->argv = {cfg_.self_exe, "run", path, "--as-child", "--trigger", run_.trigger,
                  "--run-id", fmt::format("{}.{}", run_.run_id, PathName(j.name)), "-j", std::to_string(cfg_.child_parallelism)};
    if (!run_.branch.empty()) spec->argv.insert(spec->argv.end(), {"--branch", run_.branch});
    if (!run_.tag.empty()) spec->argv.insert(spec->argv.end(), {"--tag", run_.tag});
    if (cfg_.fail_fast) spec->argv.push_back("--fail-fast");
    if (std::string err = BuildJobEnv(run_, plan_, j, attempt, &env); !err.empty()) return err;
    for (auto& [k, v] : j.trigger->inputs)  // `${CI_COMMIT_SHA}` etc. as GitLab expands them
      spec->argv.insert(spec->argv.end(), {"--input", k + "=" + ExpandVariableValue(v, env)});
    for (auto& [name, value] : run_.secrets) env[name] = value;  // the child loads its own
    spec->env = EnvList(env);
    spec->cwd = run_.project_root;
    return "";
  }
  if (std::string err = PopulateWorkspace(run_.project_root, cfg_.files, ws); !err.empty()) return err;
  if (std::string err = store_.Restore(j, ws); !err.empty()) return err;
  for (const std::string& name : j.caches) {
    const plan::Cache* c = FindCache(plan_, name);
    if (!c || c->policy == plan::CachePolicy::Push) continue;
    std::string dir = run_.CacheRoot() + "/" + CacheKey(*c, run_.project_root);
    if (std::string err = RestoreCache(*c, dir, ws); !err.empty()) return err;
  }
  spec->cwd = ws;
  if (!cfg_.engine.empty() && !j.image.empty()) {
    // In a container: the workspace is mounted at the same path; variables are passed by
    // name (-e KEY) so values, secrets included, never appear on a command line.
    std::map<std::string, std::string> own;
    if (std::string err = BuildJobEnv(run_, plan_, j, attempt, &own, /*inherit=*/false); !err.empty()) return err;
    if (std::string err = AddDotenvInputs(j, ws, &own); !err.empty()) return err;
    if (std::string err = BuildJobEnv(run_, plan_, j, attempt, &env); !err.empty()) return err;
    if (std::string err = AddDotenvInputs(j, ws, &env); !err.empty()) return err;
    a->container = fmt::format("pipec-{}-{}-{}", run_.run_id, job, attempt);
    spec->argv = {cfg_.engine, "run", "--rm", "--init", "--name", a->container, "-v", ws + ":" + ws, "-w", ws};
    for (auto& [k, v] : own) spec->argv.insert(spec->argv.end(), {"-e", k});
    spec->argv.push_back(j.image);
    for (const std::string& s : ShellArgv(j)) spec->argv.push_back(s);
  } else {
    if (std::string err = BuildJobEnv(run_, plan_, j, attempt, &env); !err.empty()) return err;
    if (std::string err = AddDotenvInputs(j, ws, &env); !err.empty()) return err;
    spec->argv = ShellArgv(j);
  }
  spec->env = EnvList(env);
  return "";
}

void LocalExecutor::Start(size_t job, int attempt) {
  const plan::Job& j = plan_.jobs[job];
  Attempt a;
  a.attempt = attempt;
  a.mask = std::make_unique<MaskFilter>(cfg_.mask_values);
  std::error_code ec;
  fs::create_directories(run_.run_dir + "/logs", ec);
  a.log = std::fopen(run_.LogOf(j.name).c_str(), attempt > 1 ? "a" : "w");
  if (a.log) std::fprintf(a.log, "=== %s: attempt %d ===\n", j.name.c_str(), attempt);
  LaunchSpec spec;
  std::string err = Prepare(job, attempt, &spec, &a);
  if (err.empty()) {
    a.proc = std::make_unique<ChildProcess>();
    err = a.proc->Start(spec);
    a.spec = std::move(spec);
  }
  if (!err.empty()) {
    err = a.mask->MaskAll(err);
    if (a.log) {
      std::fprintf(a.log, "pipec: %s\n", err.c_str());
      std::fclose(a.log);
    }
    return Fail(job, err);
  }
  running_.emplace(job, std::move(a));
}

void LocalExecutor::Stop(size_t job) {
  auto it = running_.find(job);
  if (it == running_.end()) return;
  Attempt& a = it->second;
  a.stopped = true;
  a.proc->SignalGroup(SIGTERM);
  if (!a.container.empty()) RunCapture({cfg_.engine, "kill", a.container}, "", nullptr);
  a.kill_at = clock_.Now() + cfg_.kill_grace;
}

void LocalExecutor::Output(size_t job, Attempt& a, const std::string& masked) {
  if (masked.empty()) return;
  if (a.log) std::fwrite(masked.data(), 1, masked.size(), a.log);
  a.line += masked;
  size_t start = 0;
  for (size_t nl; (nl = a.line.find('\n', start)) != std::string::npos; start = nl + 1)
    console_.JobLine(plan_.jobs[job].name, a.line.substr(start, nl - start));
  a.line.erase(0, start);
}

void LocalExecutor::ReadAvailable(size_t job, Attempt& a) {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(a.proc->output_fd(), buf, sizeof buf);
    if (n > 0) {
      Output(job, a, a.mask->Write(std::string_view(buf, static_cast<size_t>(n))));
      continue;
    }
    if (n == 0) {
      a.eof = true;
      a.proc->CloseOutput();
    }
    return;  // EAGAIN: nothing more for now
  }
}

AttemptResult LocalExecutor::Finalize(size_t job, Attempt& a) {
  const plan::Job& j = plan_.jobs[job];
  Output(job, a, a.mask->Flush());
  if (!a.line.empty()) {
    console_.JobLine(j.name, a.line);
    if (a.log) std::fputc('\n', a.log);
    a.line.clear();
  }
  AttemptResult r;
  r.job = job;
  int code = a.in_teardown ? a.script_code : a.proc->exit_code();
  r.success = code == 0 && !(a.in_teardown ? a.script_stopped : a.stopped);
  if (!r.success)
    r.message = code > 128 ? fmt::format("killed by signal {}", code - 128) : fmt::format("exit code {}", code);
  std::string ws = run_.WorkspaceOf(j.name);
  if (r.success && !j.trigger) {
    std::string err = store_.Collect(j, ws, &r.values);
    if (err.empty()) {
      MaskFilter m(cfg_.mask_values);
      for (auto& [k, v] : r.values) v = m.MaskAll(v);
      err = store_.SaveValues(j.name, r.values);
    }
    for (const std::string& name : j.caches) {
      const plan::Cache* c = FindCache(plan_, name);
      if (!err.empty() || !c || c->policy == plan::CachePolicy::Pull) continue;
      err = SaveCache(*c, run_.CacheRoot() + "/" + CacheKey(*c, run_.project_root), ws);
    }
    if (!err.empty()) {
      r.success = false;
      r.message = MaskFilter(cfg_.mask_values).MaskAll(err);
      r.values.clear();
    }
  }
  if (a.log) {
    std::fprintf(a.log, "=== %s: %s ===\n", j.name.c_str(), r.success ? "passed" : r.message.c_str());
    std::fclose(a.log);
    a.log = nullptr;
  }
  console_.Finished(j.name);
  return r;
}

// GitLab's after_script: once the script has ended (passed, failed or timed out), the
// teardown runs in a shell of its own, from the workspace, with the job's variables, for at
// most kTeardownTimeout (the GitLab runner's default after_script timeout); its exit status
// is logged and ignored. Not after Ctrl-C: an interrupted run stops at once.
constexpr Millis kTeardownTimeout{5 * 60 * 1000};

bool LocalExecutor::StartTeardown(size_t job, Attempt& a) {
  const plan::Job& j = plan_.jobs[job];
  if (j.trigger || interrupted_) return false;
  Output(job, a, a.mask->Flush());
  if (!a.line.empty()) Output(job, a, "\n");
  a.script_code = a.proc->exit_code();
  a.script_stopped = a.stopped;
  LaunchSpec spec = a.spec;
  std::vector<std::string> shell = ShellArgv(j, /*teardown=*/true);
  spec.argv.resize(spec.argv.size() - ShellArgv(j).size());
  if (!a.container.empty()) {
    a.container += "-teardown";
    for (size_t k = 0; k + 1 < spec.argv.size(); ++k)
      if (spec.argv[k] == "--name") spec.argv[k + 1] = a.container;
  }
  spec.argv.insert(spec.argv.end(), shell.begin(), shell.end());
  Output(job, a, "pipec: teardown (runs after the script, pass or fail; its exit status does not change the job's result)\n");
  auto proc = std::make_unique<ChildProcess>();
  if (std::string err = proc->Start(spec); !err.empty()) {
    Output(job, a, a.mask->MaskAll("pipec: teardown could not start: " + err + "\n"));
    return false;
  }
  a.proc = std::move(proc);
  a.in_teardown = true;
  a.stopped = false;
  a.eof = false;
  a.kill_at = clock_.Now() + kTeardownTimeout;
  return true;
}

void LocalExecutor::EndTeardown(size_t job, Attempt& a) {
  Output(job, a, a.mask->Flush());
  if (!a.line.empty()) Output(job, a, "\n");
  int code = a.proc->exit_code();
  std::string result = a.stopped ? "was stopped (time limit 5m)"
                       : code == 0 ? "passed"
                                   : fmt::format("failed (exit code {})", code);
  Output(job, a, fmt::format("pipec: teardown {}{}\n", result,
                             code == 0 && !a.stopped ? "" : "; ignored: the job's result is its script's"));
}

bool LocalExecutor::DebugShell(size_t job) {
  const plan::Job& j = plan_.jobs[job];
  if (!::isatty(STDIN_FILENO) || j.trigger) return true;
  console_.Suspend();
  std::fprintf(stderr,
               "pipec: %s failed; opening a shell in its workspace %s\n"
               "pipec: `exit` continues the run, `exit 1` stops it\n",
               j.name.c_str(), run_.WorkspaceOf(j.name).c_str());
  std::map<std::string, std::string> env;
  BuildJobEnv(run_, plan_, j, 1, &env);
  LaunchSpec spec;
  spec.argv = {j.shell == "bash" ? "bash" : "sh", "-i"};
  spec.env = EnvList(env);
  spec.cwd = run_.WorkspaceOf(j.name);
  return RunInteractive(spec) == 0;
}

std::vector<AttemptResult> LocalExecutor::Wait(Millis deadline) {
  std::vector<AttemptResult> results = std::move(early_);
  early_.clear();
  if (!results.empty()) return results;

  Millis now = clock_.Now();
  Millis until = std::min(deadline, now + Millis(console_.live() ? 100 : 250));
  for (auto& [job, a] : running_) {
    until = std::min(until, a.kill_at);
    if (a.proc->exited()) until = std::min(until, a.exited_at + kEofGrace);
  }
  std::vector<pollfd> fds{{interrupts_.fd(), POLLIN, 0}, {interrupts_.child_fd(), POLLIN, 0}};
  std::vector<size_t> owners;
  for (auto& [job, a] : running_)
    if (a.proc->output_fd() >= 0) {
      fds.push_back({a.proc->output_fd(), POLLIN, 0});
      owners.push_back(job);
    }
  int timeout = static_cast<int>(std::max<int64_t>(0, (until - now).count()));
  ::poll(fds.data(), fds.size(), timeout);
  now = clock_.Now();

  if (interrupts_.Drain() > 0) {
    interrupted_ = true;
    if (interrupts_.count() >= 2)  // a second Ctrl-C: no more grace
      for (auto& [job, a] : running_) a.proc->SignalGroup(SIGKILL);
  }
  interrupts_.DrainChild();
  std::set<pid_t> tracked;
  for (auto& [job, a] : running_)
    if (!a.proc->exited()) tracked.insert(a.proc->pid());
  ReapStrays(tracked);
  for (size_t k = 0; k < owners.size(); ++k)
    if (fds[k + 2].revents) ReadAvailable(owners[k], running_.at(owners[k]));

  std::vector<size_t> done;
  for (auto& [job, a] : running_) {
    if (!a.proc->exited() && a.proc->TryReap()) {
      a.exited_at = now;
      // Whatever the job left running in the background goes with it.
      a.proc->SignalGroup(SIGKILL);
      if (a.proc->output_fd() >= 0) ReadAvailable(job, a);
    }
    if (!a.proc->exited() && now >= a.kill_at) {
      a.proc->SignalGroup(SIGKILL);
      a.kill_at = Millis::max();
    }
    if (a.proc->exited() && (a.eof || now >= a.exited_at + kEofGrace)) done.push_back(job);
  }
  for (size_t job : done) {
    Attempt& a = running_.at(job);
    if (a.in_teardown) EndTeardown(job, a);
    else if (!plan_.jobs[job].teardown.empty() && StartTeardown(job, a)) continue;
    AttemptResult r = Finalize(job, a);
    bool stopped = a.stopped;
    running_.erase(job);
    if (!r.success && !stopped && cfg_.debug_on_failure && !interrupted_ && !DebugShell(job)) interrupted_ = true;
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace pipec::runtime
