#include "runtime/reaper.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace pipec::runtime {

namespace {

// Children of this process according to /proc, with their state ('Z' = zombie).
std::vector<std::pair<pid_t, char>> Children() {
  std::vector<std::pair<pid_t, char>> out;
  pid_t self = ::getpid();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may contain spaces and parentheses, so parse after the last ')'.
    size_t close = line.rfind(')');
    if (close == std::string::npos || close + 4 >= line.size()) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(line.c_str() + close + 2, "%c %ld", &state, &ppid) == 2 && ppid == self)
      out.push_back({static_cast<pid_t>(std::stol(name)), state});
  }
  return out;
}

}  // namespace

void BecomeSubreaper() {
#ifdef PR_SET_CHILD_SUBREAPER
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
}

void ReapStrays(const std::set<pid_t>& tracked) {
  for (int i = 0; i < 256; ++i) {
    siginfo_t info{};
    // Peek first: a tracked job's exit status belongs to its ChildProcess.
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
    if (tracked.count(info.si_pid)) return;
    int st;
    ::waitpid(info.si_pid, &st, WNOHANG);
  }
}

int KillStrays() {
  int killed = 0;
  for (int round = 0; round < 50; ++round) {
    auto kids = Children();
    if (kids.empty()) break;
    for (auto [p, state] : kids) {
      if (state != 'Z' && ::kill(p, SIGKILL) == 0) ++killed;  // zombies are dead: only reap them
      int st;
      while (::waitpid(p, &st, 0) < 0 && errno == EINTR) {
      }
    }
  }
  return killed;
}

}  // namespace pipec::runtime
