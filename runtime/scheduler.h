#pragma once
// The event-driven DAG scheduler. A job starts the moment every job it needs has finished
// and a slot is free (no waves, no levels); ready jobs go in order of their longest
// remaining critical path. The scheduler never touches processes or files itself: an
// Executor starts and stops attempts, a Clock tells the time, so the whole policy (ordering,
// priority, opt-in fail-fast, retries, timeouts, skips) is unit-tested with fakes.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/condition.h"
#include "runtime/plan.h"

namespace pipec::runtime {

using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis Now() = 0;
};

class SteadyClock : public Clock {
 public:
  Millis Now() override;
};

// How one attempt ended, as the executor saw it.
struct AttemptResult {
  size_t job = 0;
  bool success = false;
  std::string message;                        // why it failed ("exit code 2", "output x missing")
  std::map<std::string, std::string> values;  // value outputs (success only)
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Starts attempt `attempt` (1-based) of `job`; must not wait for it.
  virtual void Start(size_t job, int attempt) = 0;
  // Asks a running attempt to stop (its whole process group); the end still comes from Wait.
  virtual void Stop(size_t job) = 0;
  // Waits until at least one attempt ends, `deadline` passes or an interrupt arrives;
  // may also return early with nothing (the caller loops).
  virtual std::vector<AttemptResult> Wait(Millis deadline) = 0;
  // True once the user asked to cancel the run (Ctrl-C).
  virtual bool Interrupted() = 0;
};

enum class JobStatus { Pending, Ready, Running, Succeeded, Failed, AllowedFailure, Skipped, Cancelled };
const char* StatusName(JobStatus s);
bool IsTerminal(JobStatus s);

struct JobState {
  JobStatus status = JobStatus::Pending;
  int attempts = 0;
  Millis first_start{-1}, start{-1}, end{-1};
  std::string reason;           // skip reason or failure message
  bool timed_out = false;
  bool stopping = false;        // Stop() was sent for the current attempt
  bool failed_upstream = false; // something it (transitively) needs failed or was cancelled
  std::string failed_cause;     // "build failed" / "build was cancelled": the first upstream cause
  std::map<std::string, std::string> values;
};

class SchedulerObserver {
 public:
  virtual ~SchedulerObserver() = default;
  virtual void JobStarted(size_t job, int attempt) {}
  virtual void JobRetrying(size_t job, int next_attempt, const std::string& why) {}
  virtual void JobEnded(size_t job, const JobState& state) {}  // every terminal state, skips too
};

struct SchedulerOptions {
  int parallelism = 1;
  // Off by default, as on GitLab and GitHub: a failure skips only the jobs that depend on
  // it, so the result never depends on timing. On: the first failure cancels the running
  // on_success jobs and starts no new one (`pipec run --fail-fast`).
  bool fail_fast = false;
  // Weight of each job for the critical-path priority (e.g. last run's durations in
  // seconds); empty = 1 per job.
  std::vector<double> estimates;
  // Jobs left out of this run (not under the trigger, not selected by --job): reason, or "".
  std::vector<std::string> excluded;
  // Checked just before a job would start; a reason skips it (manual approval, project trigger).
  std::function<std::optional<std::string>(size_t job)> gate;
};

class Scheduler {
 public:
  Scheduler(const plan::Plan& plan, EvalContext ctx, Executor& executor, Clock& clock,
            SchedulerObserver& observer, SchedulerOptions options);

  // Runs every job to a terminal state. Returns 0 when every required job passed, 1 when a
  // required job failed or was cancelled, 130 when the run was interrupted.
  int Run();

  const std::vector<JobState>& states() const { return states_; }
  // Longest remaining path (sum of estimates) from each job: the ready-queue priority.
  const std::vector<double>& priorities() const { return priority_; }
  // The chain of jobs that determined the run's duration, first to last.
  std::vector<size_t> CriticalPath() const;
  // Ids of jobs in the order they would start with unlimited time and -j slots (dry run).
  std::vector<size_t> PlannedOrder() const;

 private:
  void Decide(size_t job);
  void Skip(size_t job, JobStatus status, std::string reason);
  void Finish(const AttemptResult& r);
  void End(size_t job);
  void Launch();
  void StopRunning(bool only_on_success, const std::string& why);
  void CheckTimeouts();
  bool NeedsDone(size_t node) const;
  void Wake(size_t node);           // after `node` finished: decide what waited only for it
  void CompleteBarrier(size_t node);
  bool IsBarrier(size_t node) const { return node >= states_.size(); }

  const plan::Plan& plan_;
  EvalContext ctx_;
  Executor& exec_;
  Clock& clock_;
  SchedulerObserver& obs_;
  SchedulerOptions opts_;
  std::vector<JobState> states_;
  // The graph over nodes: job i is node i, stage s's barrier (every job of stages 0..s
  // finished) is node jobs + s. preds_: what a node waits for; succs_: what waits for it.
  std::vector<std::vector<size_t>> preds_, succs_;
  struct Barrier {
    bool done = false;
    bool failed_upstream = false;  // a job of these stages failed or was cancelled
    std::string failed_cause;
    Millis end{-1};                // when its last job ended
  };
  std::vector<Barrier> barriers_;
  std::vector<double> priority_;  // per node
  std::set<std::pair<double, size_t>> ready_;  // (-priority, index)
  std::map<size_t, std::string> stop_reason_;
  int running_ = 0;
  bool failing_ = false, interrupted_ = false;
  std::string first_failure_;
};

}  // namespace pipec::runtime
