#include "runtime/scheduler.h"

#include <algorithm>

#include <fmt/format.h>

namespace pipec::runtime {

Millis SteadyClock::Now() {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
}

const char* StatusName(JobStatus s) {
  switch (s) {
    case JobStatus::Pending: return "pending";
    case JobStatus::Ready: return "ready";
    case JobStatus::Running: return "running";
    case JobStatus::Succeeded: return "passed";
    case JobStatus::Failed: return "failed";
    case JobStatus::AllowedFailure: return "failed (allowed)";
    case JobStatus::Skipped: return "skipped";
    case JobStatus::Cancelled: return "cancelled";
  }
  return "?";
}

bool IsTerminal(JobStatus s) {
  return s != JobStatus::Pending && s != JobStatus::Ready && s != JobStatus::Running;
}

Scheduler::Scheduler(const plan::Plan& plan, EvalContext ctx, Executor& executor, Clock& clock,
                     SchedulerObserver& observer, SchedulerOptions options)
    : plan_(plan), ctx_(std::move(ctx)), exec_(executor), clock_(clock), obs_(observer),
      opts_(std::move(options)) {
  size_t n = plan_.jobs.size(), nodes = n + plan_.stages.size();
  states_.resize(n);
  barriers_.resize(plan_.stages.size());
  preds_.resize(nodes);
  succs_.resize(nodes);
  opts_.excluded.resize(n);
  if (opts_.parallelism < 1) opts_.parallelism = 1;
  std::map<std::string, size_t> index, stage_index;
  for (size_t i = 0; i < n; ++i) index[plan_.jobs[i].name] = i;
  for (size_t s = 0; s < plan_.stages.size(); ++s) stage_index[plan_.stages[s]] = s;
  auto link = [&](size_t from, size_t to) {
    preds_[to].push_back(from);
    succs_[from].push_back(to);
  };
  for (size_t i = 0; i < n; ++i) {
    const plan::Job& job = plan_.jobs[i];
    for (const std::string& need : job.needs) {
      auto it = index.find(need);
      if (it != index.end()) link(it->second, i);  // the plan reader guarantees it exists
    }
    auto st = stage_index.find(job.stage);
    if (st == stage_index.end()) continue;
    if (job.after_stages && st->second > 0) link(n + st->second - 1, i);
    link(i, n + st->second);
  }
  for (size_t s = 1; s < plan_.stages.size(); ++s) link(n + s - 1, n + s);
  // Priorities in reverse topological order (Kahn on the reversed graph); barriers weigh 0.
  priority_.assign(nodes, 0.0);
  std::vector<size_t> pending(nodes);
  std::vector<size_t> order;
  for (size_t i = 0; i < nodes; ++i) {
    pending[i] = succs_[i].size();
    if (pending[i] == 0) order.push_back(i);
  }
  for (size_t k = 0; k < order.size(); ++k) {
    size_t i = order[k];
    double best = 0;
    for (size_t d : succs_[i]) best = std::max(best, priority_[d]);
    double w = i >= n ? 0.0 : i < opts_.estimates.size() && opts_.estimates[i] > 0 ? opts_.estimates[i] : 1.0;
    priority_[i] = w + best;
    for (size_t p : preds_[i])
      if (--pending[p] == 0) order.push_back(p);
  }
  ctx_.output = [this, index](const std::string& job, const std::string& out) -> std::optional<std::string> {
    auto it = index.find(job);
    if (it == index.end()) return std::nullopt;
    const JobState& s = states_[it->second];
    if (s.status != JobStatus::Succeeded) return std::nullopt;
    auto v = s.values.find(out);
    if (v == s.values.end()) return std::nullopt;
    return v->second;
  };
}

bool Scheduler::NeedsDone(size_t node) const {
  for (size_t p : preds_[node])
    if (IsBarrier(p) ? !barriers_[p - states_.size()].done : !IsTerminal(states_[p].status)) return false;
  return true;
}

// Every job of a stage (and of the earlier ones) finished: what failed there is upstream of
// every job that waits for the stage order.
void Scheduler::CompleteBarrier(size_t node) {
  Barrier& b = barriers_[node - states_.size()];
  b.done = true;
  for (size_t p : preds_[node]) {
    bool failed = false;
    std::string cause;
    Millis end{-1};
    if (IsBarrier(p)) {
      const Barrier& pb = barriers_[p - states_.size()];
      failed = pb.failed_upstream;
      cause = pb.failed_cause;
      end = pb.end;
    } else {
      const JobState& ps = states_[p];
      end = ps.end;
      if (ps.status == JobStatus::Failed || ps.status == JobStatus::Cancelled) {
        failed = true;
        cause = plan_.jobs[p].name + (ps.status == JobStatus::Failed ? " failed" : " was cancelled");
      } else if (ps.failed_upstream) {
        failed = true;
        cause = ps.failed_cause;
      }
    }
    if (failed && !b.failed_upstream) {
      b.failed_upstream = true;
      b.failed_cause = cause;
    }
    b.end = std::max(b.end, end);
  }
  Wake(node);
}

void Scheduler::Wake(size_t node) {
  for (size_t d : succs_[node]) {
    if (IsBarrier(d)) {
      if (!barriers_[d - states_.size()].done && NeedsDone(d)) CompleteBarrier(d);
    } else if (states_[d].status == JobStatus::Pending && NeedsDone(d)) {
      Decide(d);
    }
  }
}

void Scheduler::Skip(size_t job, JobStatus status, std::string reason) {
  JobState& s = states_[job];
  s.status = status;
  s.reason = std::move(reason);
  End(job);
}

// A job whose needs have all finished: run it, or skip it with the reason.
void Scheduler::Decide(size_t job) {
  JobState& s = states_[job];
  const plan::Job& pj = plan_.jobs[job];
  for (size_t p : preds_[job]) {
    if (IsBarrier(p)) {  // stage order: failures count, skips do not
      const Barrier& b = barriers_[p - states_.size()];
      if (b.failed_upstream && !s.failed_upstream) {
        s.failed_upstream = true;
        s.failed_cause = b.failed_cause;
      }
      continue;
    }
    const JobState& ps = states_[p];
    if (ps.status == JobStatus::Failed || ps.status == JobStatus::Cancelled) {
      if (!s.failed_upstream)
        s.failed_cause = plan_.jobs[p].name + (ps.status == JobStatus::Failed ? " failed" : " was cancelled");
      s.failed_upstream = true;
    } else if (ps.failed_upstream) {
      if (!s.failed_upstream) s.failed_cause = ps.failed_cause;
      s.failed_upstream = true;
    }
  }
  if (interrupted_) return Skip(job, JobStatus::Cancelled, "the run was interrupted");
  if (!opts_.excluded[job].empty()) return Skip(job, JobStatus::Skipped, opts_.excluded[job]);
  if (pj.run_when == plan::RunWhen::OnSuccess) {
    if (s.failed_upstream)
      return Skip(job, JobStatus::Skipped, "upstream job " + s.failed_cause);
    if (failing_)
      return Skip(job, JobStatus::Skipped,
                  fmt::format("not started: {} failed (--fail-fast)", first_failure_));
    for (size_t p : preds_[job])
      if (!IsBarrier(p) && states_[p].status == JobStatus::Skipped)
        return Skip(job, JobStatus::Skipped, fmt::format("needs {}, which was skipped", plan_.jobs[p].name));
  } else if (pj.run_when == plan::RunWhen::OnFailure && !s.failed_upstream) {
    return Skip(job, JobStatus::Skipped, "runs on failure only, and nothing upstream failed");
  }
  if (!EvaluateCondition(pj.condition, ctx_))
    return Skip(job, JobStatus::Skipped, "condition is false: " + DescribeCondition(pj.condition));
  if (opts_.gate)
    if (auto why = opts_.gate(job)) return Skip(job, JobStatus::Skipped, *why);
  s.status = JobStatus::Ready;
  ready_.insert({-priority_[job], job});
}

void Scheduler::End(size_t job) {
  obs_.JobEnded(job, states_[job]);
  Wake(job);
}

void Scheduler::Launch() {
  while (running_ < opts_.parallelism && !ready_.empty()) {
    size_t job = ready_.begin()->second;
    ready_.erase(ready_.begin());
    JobState& s = states_[job];
    s.status = JobStatus::Running;
    s.attempts = 1;
    s.start = s.first_start = clock_.Now();
    ++running_;
    obs_.JobStarted(job, 1);
    exec_.Start(job, 1);
  }
}

void Scheduler::StopRunning(bool only_on_success, const std::string& why) {
  for (size_t i = 0; i < states_.size(); ++i) {
    JobState& s = states_[i];
    if (s.status != JobStatus::Running || s.stopping) continue;
    if (only_on_success && plan_.jobs[i].run_when != plan::RunWhen::OnSuccess) continue;
    s.stopping = true;
    stop_reason_[i] = why;
    exec_.Stop(i);
  }
}

void Scheduler::CheckTimeouts() {
  Millis now = clock_.Now();
  for (size_t i = 0; i < states_.size(); ++i) {
    JobState& s = states_[i];
    const auto& timeout = plan_.jobs[i].timeout_seconds;
    if (s.status != JobStatus::Running || s.stopping || !timeout) continue;
    if (now >= s.start + Millis(*timeout * 1000)) {
      s.timed_out = true;
      s.stopping = true;
      exec_.Stop(i);
    }
  }
}

void Scheduler::Finish(const AttemptResult& r) {
  JobState& s = states_[r.job];
  const plan::Job& pj = plan_.jobs[r.job];
  if (s.status != JobStatus::Running) return;  // a stray report: ignore rather than corrupt state
  --running_;
  s.end = clock_.Now();
  bool was_stopped = s.stopping && !s.timed_out;
  if (r.success && !s.stopping) {
    s.status = JobStatus::Succeeded;
    s.values = r.values;
    s.reason.clear();
    return End(r.job);
  }
  if (was_stopped) {
    s.status = JobStatus::Cancelled;
    s.reason = stop_reason_[r.job];
    return End(r.job);
  }
  std::string why = s.timed_out ? fmt::format("timed out after {}s", *pj.timeout_seconds)
                                : (r.message.empty() ? std::string("failed") : r.message);
  if (s.attempts <= pj.retry && !interrupted_ && !failing_) {
    ++s.attempts;
    s.timed_out = s.stopping = false;
    s.start = clock_.Now();
    ++running_;
    obs_.JobRetrying(r.job, s.attempts, why);
    exec_.Start(r.job, s.attempts);
    return;
  }
  s.reason = why;
  if (pj.allow_failure) {
    s.status = JobStatus::AllowedFailure;
    return End(r.job);
  }
  s.status = JobStatus::Failed;
  if (opts_.fail_fast && !failing_) {
    failing_ = true;
    first_failure_ = pj.name;
    StopRunning(true, fmt::format("{} failed (--fail-fast)", pj.name));
  }
  End(r.job);
}

int Scheduler::Run() {
  // Barriers of leading empty stages are done at once; then every job that waits for nothing.
  for (size_t b = states_.size(); b < preds_.size(); ++b)
    if (!barriers_[b - states_.size()].done && NeedsDone(b)) CompleteBarrier(b);
  for (size_t i = 0; i < states_.size(); ++i)
    if (states_[i].status == JobStatus::Pending && preds_[i].empty()) Decide(i);
  for (;;) {
    Launch();
    if (running_ == 0) break;
    Millis deadline = Millis::max();
    for (size_t i = 0; i < states_.size(); ++i) {
      const JobState& s = states_[i];
      const auto& timeout = plan_.jobs[i].timeout_seconds;
      if (s.status == JobStatus::Running && !s.stopping && timeout)
        deadline = std::min(deadline, s.start + Millis(*timeout * 1000));
    }
    std::vector<AttemptResult> results = exec_.Wait(deadline);
    if (exec_.Interrupted() && !interrupted_) {
      interrupted_ = true;
      for (auto it = ready_.begin(); it != ready_.end();) {
        size_t job = it->second;
        it = ready_.erase(it);
        Skip(job, JobStatus::Cancelled, "the run was interrupted");
      }
      StopRunning(false, "the run was interrupted");
    }
    CheckTimeouts();
    for (const AttemptResult& r : results) Finish(r);
  }
  // Anything still pending could not be decided (only possible with a cycle, which the
  // plan reader rejects); report it rather than lose it.
  for (size_t i = 0; i < states_.size(); ++i)
    if (!IsTerminal(states_[i].status)) Skip(i, JobStatus::Skipped, "never became ready");
  if (interrupted_) return 130;
  for (const JobState& s : states_)
    if (s.status == JobStatus::Failed || s.status == JobStatus::Cancelled) return 1;
  return 0;
}

std::vector<size_t> Scheduler::CriticalPath() const {
  auto ran = [&](size_t i) { return states_[i].end.count() >= 0 && states_[i].first_start.count() >= 0; };
  auto end_of = [&](size_t node) {
    return IsBarrier(node) ? barriers_[node - states_.size()].end : states_[node].end;
  };
  std::optional<size_t> last;
  for (size_t i = 0; i < states_.size(); ++i)
    if (ran(i) && (!last || states_[i].end > states_[*last].end)) last = i;
  std::vector<size_t> path;
  // Back through the latest-ending predecessor; barriers are passed through, not listed.
  while (last) {
    if (!IsBarrier(*last)) path.push_back(*last);
    std::optional<size_t> prev;
    for (size_t p : preds_[*last]) {
      if (IsBarrier(p) ? end_of(p).count() < 0 : !ran(p)) continue;
      if (!prev || end_of(p) > end_of(*prev)) prev = p;
    }
    last = prev;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<size_t> Scheduler::PlannedOrder() const {
  // Kahn's algorithm over jobs and barriers, always taking the ready node with the highest
  // priority (barriers first: they take no time); only jobs are listed.
  std::vector<size_t> missing(preds_.size());
  std::set<std::pair<double, size_t>> ready;
  auto priority = [&](size_t i) { return IsBarrier(i) ? -1e300 : -priority_[i]; };
  for (size_t i = 0; i < preds_.size(); ++i) {
    missing[i] = preds_[i].size();
    if (missing[i] == 0) ready.insert({priority(i), i});
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    size_t i = ready.begin()->second;
    ready.erase(ready.begin());
    if (!IsBarrier(i)) order.push_back(i);
    for (size_t d : succs_[i])
      if (--missing[d] == 0) ready.insert({priority(d), d});
  }
  return order;
}

}  // namespace pipec::runtime
