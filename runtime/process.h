#pragma once
// One job attempt as an operating-system process: its own process group (so a timeout or
// Ctrl-C reaches every grandchild), stdin from /dev/null, stdout and stderr merged into
// one pipe the runtime reads (and masks) before anything is shown or logged.
#include <sys/types.h>

#include <string>
#include <vector>

namespace pipec::runtime {

struct LaunchSpec {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "KEY=VALUE"
  std::string cwd;
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // kills what is left of the group: a process never outlives its run
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Returns "" or why it could not start.
  std::string Start(const LaunchSpec& spec);
  int output_fd() const { return out_fd_; }
  void CloseOutput();
  // Sends `sig` to the whole process group (no-op once the group is gone).
  void SignalGroup(int sig);
  // Non-blocking: true once the main process has exited; `status` as from waitpid.
  bool TryReap();
  bool exited() const { return exited_; }
  int exit_code() const;     // 0..255, or 128+signal
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  int status_ = 0;
};

// Runs a command attached to the terminal (pipec shell, --debug-on-failure) and waits.
// Ctrl-C goes to the shell, not to pipec. Returns the exit code.
int RunInteractive(const LaunchSpec& spec);

}  // namespace pipec::runtime
