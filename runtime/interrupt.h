#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP during a run: the handler only writes a byte to a
// self-pipe; the event loop sees it and cancels every job. SIGCHLD wakes the loop the same
// way through a second pipe, so a finished job is noticed at once. Restores the old
// handlers on destruction.
#include <signal.h>

namespace pipec::runtime {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  int fd() const;        // readable after SIGINT/SIGTERM/SIGHUP
  int child_fd() const;  // readable after SIGCHLD
  int Drain();           // consumes pending interrupts; returns how many arrived
  void DrainChild();
  int count() const { return count_; }

 private:
  struct sigaction old_int_ {}, old_term_ {}, old_hup_ {}, old_pipe_ {}, old_chld_ {};
  int count_ = 0;
};

}  // namespace pipec::runtime
