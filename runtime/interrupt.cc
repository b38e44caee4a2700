#include "runtime/interrupt.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace pipec::runtime {

namespace {

int g_int[2] = {-1, -1};
int g_chld[2] = {-1, -1};

void OnInterrupt(int) {
  int saved = errno;
  char c = 1;
  (void)!::write(g_int[1], &c, 1);
  errno = saved;
}

void OnChild(int) {
  int saved = errno;
  char c = 1;
  (void)!::write(g_chld[1], &c, 1);
  errno = saved;
}

int DrainFd(int fd) {
  char buf[256];
  int n = 0;
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r <= 0) break;
    n += static_cast<int>(r);
  }
  return n;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  // The pipes live for the whole process: handlers may run at any time.
  if (g_int[0] < 0 && ::pipe2(g_int, O_CLOEXEC | O_NONBLOCK) != 0) g_int[0] = g_int[1] = -1;
  if (g_chld[0] < 0 && ::pipe2(g_chld, O_CLOEXEC | O_NONBLOCK) != 0) g_chld[0] = g_chld[1] = -1;
  DrainFd(g_int[0]);
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &old_int_);
  ::sigaction(SIGTERM, &sa, &old_term_);
  ::sigaction(SIGHUP, &sa, &old_hup_);
  struct sigaction chld {};
  chld.sa_handler = OnChild;
  chld.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&chld.sa_mask);
  ::sigaction(SIGCHLD, &chld, &old_chld_);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe_);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  ::sigaction(SIGHUP, &old_hup_, nullptr);
  ::sigaction(SIGCHLD, &old_chld_, nullptr);
  ::sigaction(SIGPIPE, &old_pipe_, nullptr);
}

int InterruptGuard::fd() const { return g_int[0]; }
int InterruptGuard::child_fd() const { return g_chld[0]; }

int InterruptGuard::Drain() {
  int n = DrainFd(g_int[0]);
  count_ += n;
  return n;
}

void InterruptGuard::DrainChild() { DrainFd(g_chld[0]); }

}  // namespace pipec::runtime
