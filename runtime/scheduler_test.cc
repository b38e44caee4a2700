#include "runtime/scheduler.h"

#include <gtest/gtest.h>

#include <deque>

namespace pipec::runtime {
namespace {

class FakeClock : public Clock {
 public:
  Millis Now() override { return now; }
  Millis now{0};
};

// Jobs "run" for a scripted time; each attempt's outcome comes from a script (default pass).
class FakeExecutor : public Executor {
 public:
  struct Spec {
    int64_t ms = 10;
    std::deque<bool> outcomes;  // per attempt; empty = success
    std::map<std::string, std::string> values;
    bool ignore_term = false;   // a stopped job still needs kill_ms to die
  };
  FakeExecutor(const plan::Plan& p, FakeClock& c) : plan(p), clock(c) {}

  void Start(size_t job, int attempt) override {
    log.push_back(plan.jobs[job].name + (attempt > 1 ? "#" + std::to_string(attempt) : ""));
    Spec& s = specs[plan.jobs[job].name];
    bool ok = true;
    if (!s.outcomes.empty()) {
      ok = s.outcomes.front();
      s.outcomes.pop_front();
    }
    running[job] = {clock.now + Millis(s.ms), ok};
    max_parallel = std::max<int>(max_parallel, running.size());
  }
  void Stop(size_t job) override {
    stopped.push_back(plan.jobs[job].name);
    auto& r = running.at(job);
    r.first = std::min(r.first, clock.now + Millis(kill_ms));
    r.second = false;
  }
  std::vector<AttemptResult> Wait(Millis deadline) override {
    if (interrupt_at && clock.now >= *interrupt_at) interrupted = true;
    Millis next = Millis::max();
    for (auto& [job, r] : running) next = std::min(next, r.first);
    if (interrupt_at && !interrupted) next = std::min(next, *interrupt_at);
    if (deadline < next) {
      clock.now = deadline;
      return {};
    }
    clock.now = next;
    if (interrupt_at && clock.now >= *interrupt_at) interrupted = true;
    std::vector<AttemptResult> out;
    for (auto it = running.begin(); it != running.end();) {
      if (it->second.first <= clock.now) {
        AttemptResult r;
        r.job = it->first;
        r.success = it->second.second;
        r.message = r.success ? "" : "exit code 1";
        if (r.success) r.values = specs[plan.jobs[it->first].name].values;
        out.push_back(r);
        it = running.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }
  bool Interrupted() override { return interrupted; }

  const plan::Plan& plan;
  FakeClock& clock;
  std::map<std::string, Spec> specs;
  std::map<size_t, std::pair<Millis, bool>> running;
  std::vector<std::string> log, stopped;
  int max_parallel = 0;
  int64_t kill_ms = 5;
  std::optional<Millis> interrupt_at;
  bool interrupted = false;
};

class Recorder : public SchedulerObserver {
 public:
  void JobRetrying(size_t job, int next, const std::string& why) override { retries.push_back(why); }
  void JobEnded(size_t job, const JobState& s) override { ended.push_back(job); }
  std::vector<std::string> retries;
  std::vector<size_t> ended;
};

plan::Job J(std::string name, std::vector<std::string> needs = {}) {
  plan::Job j;
  j.name = std::move(name);
  j.needs = std::move(needs);
  return j;
}

struct Harness {
  explicit Harness(std::vector<plan::Job> jobs) {
    plan.jobs = std::move(jobs);
  }
  int Run(SchedulerOptions opts = {}) {
    if (opts.parallelism == 1 && !custom_j) opts.parallelism = 4;
    sched = std::make_unique<Scheduler>(plan, ctx, exec, clock, rec, std::move(opts));
    return sched->Run();
  }
  const JobState& S(const std::string& name) {
    for (size_t i = 0; i < plan.jobs.size(); ++i)
      if (plan.jobs[i].name == name) return sched->states()[i];
    throw std::runtime_error("no job " + name);
  }
  plan::Plan plan;
  EvalContext ctx;
  FakeClock clock;
  FakeExecutor exec{plan, clock};
  Recorder rec;
  std::unique_ptr<Scheduler> sched;
  bool custom_j = false;
};

TEST(Scheduler, StartsJobsAsSoonAsTheirNeedsFinishNotInWaves) {
  // a(10) -> c(10); b(100). With waves, c would wait for b; here c starts at 10 and ends at 20.
  Harness h({J("a"), J("b"), J("c", {"a"})});
  h.exec.specs["b"].ms = 100;
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("c").first_start, Millis(10));
  EXPECT_EQ(h.S("c").end, Millis(20));
  EXPECT_EQ(h.S("b").end, Millis(100));
}

TEST(Scheduler, ReadyJobsOrderedByCriticalPath) {
  // One slot. "short" is declared first, but "long" heads a 3-job chain: it goes first;
  // then equal priorities go in declaration order.
  Harness h({J("short"), J("long"), J("l2", {"long"}), J("l3", {"l2"})});
  h.custom_j = true;
  SchedulerOptions o;
  o.parallelism = 1;
  EXPECT_EQ(h.Run(o), 0);
  EXPECT_EQ(h.exec.log, (std::vector<std::string>{"long", "l2", "short", "l3"}));
  EXPECT_EQ(h.exec.max_parallel, 1);
}

TEST(Scheduler, EstimatesWeighThePriority) {
  Harness h({J("a"), J("b")});
  h.custom_j = true;
  SchedulerOptions o;
  o.parallelism = 1;
  o.estimates = {1.0, 30.0};
  EXPECT_EQ(h.Run(o), 0);
  EXPECT_EQ(h.exec.log, (std::vector<std::string>{"b", "a"}));
}

TEST(Scheduler, RespectsParallelism) {
  std::vector<plan::Job> jobs;
  for (int i = 0; i < 10; ++i) jobs.push_back(J("j" + std::to_string(i)));
  Harness h(jobs);
  h.custom_j = true;
  SchedulerOptions o;
  o.parallelism = 3;
  EXPECT_EQ(h.Run(o), 0);
  EXPECT_EQ(h.exec.max_parallel, 3);
  EXPECT_EQ(h.clock.now, Millis(40));  // ceil(10/3) rounds of 10 ms
}

TEST(Scheduler, FailFastCancelsRunningAndSkipsTheRest) {
  Harness h({J("bad"), J("slow"), J("after", {"slow"}), J("dep", {"bad"})});
  h.exec.specs["bad"].outcomes = {false};
  h.exec.specs["slow"].ms = 1000;
  SchedulerOptions o;
  o.fail_fast = true;
  EXPECT_EQ(h.Run(o), 1);
  EXPECT_EQ(h.S("bad").status, JobStatus::Failed);
  EXPECT_EQ(h.S("slow").status, JobStatus::Cancelled);
  EXPECT_EQ(h.S("slow").end, Millis(15));  // stopped at 10, died 5 ms later
  EXPECT_EQ(h.S("after").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("dep").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("dep").reason, "upstream job bad failed");
}

TEST(Scheduler, ByDefaultAFailureSkipsOnlyItsDependants) {
  Harness h({J("bad"), J("slow"), J("after", {"slow"}), J("dep", {"bad"})});
  h.exec.specs["bad"].outcomes = {false};
  h.exec.specs["slow"].ms = 1000;
  EXPECT_EQ(h.Run(), 1);
  EXPECT_TRUE(h.exec.stopped.empty());
  EXPECT_EQ(h.S("slow").status, JobStatus::Succeeded);
  EXPECT_EQ(h.S("after").status, JobStatus::Succeeded);
  EXPECT_EQ(h.S("dep").status, JobStatus::Skipped);
}

// An allowed-to-fail job with a dependant next to a failing job: the statuses must not depend
// on which finishes first (they did under the old default fail-fast).
TEST(Scheduler, SameResultWhateverTheTiming) {
  using Statuses = std::map<std::string, JobStatus>;
  auto run = [](int64_t lint_ms, int64_t bad_ms, int64_t other_ms, int j, bool fail_fast) {
    Harness h({J("lint"), J("report", {"lint"}), J("bad"), J("other"),
               J("publish", {"report", "other"})});
    h.plan.jobs[0].allow_failure = true;
    h.exec.specs["lint"].ms = lint_ms;
    h.exec.specs["lint"].outcomes = {false};
    h.exec.specs["bad"].ms = bad_ms;
    h.exec.specs["bad"].outcomes = {false};
    h.exec.specs["other"].ms = other_ms;
    h.custom_j = true;
    SchedulerOptions o;
    o.parallelism = j;
    o.fail_fast = fail_fast;
    int code = h.Run(o);
    Statuses out;
    for (const char* n : {"lint", "report", "bad", "other", "publish"}) out[n] = h.S(n).status;
    return std::make_pair(code, out);
  };
  const Statuses expected = {{"lint", JobStatus::AllowedFailure},
                             {"report", JobStatus::Succeeded},
                             {"bad", JobStatus::Failed},
                             {"other", JobStatus::Succeeded},
                             {"publish", JobStatus::Succeeded}};
  for (int64_t lint_ms : {1, 10, 100})
    for (int64_t bad_ms : {1, 10, 100})
      for (int64_t other_ms : {1, 50})
        for (int j : {1, 2, 4}) {
          auto [code, got] = run(lint_ms, bad_ms, other_ms, j, false);
          EXPECT_EQ(code, 1);
          EXPECT_EQ(got, expected) << "lint " << lint_ms << "ms, bad " << bad_ms << "ms, other "
                                   << other_ms << "ms, -j " << j;
        }
  // Fail-fast is opt-in because it makes the result depend on timing.
  EXPECT_NE(run(100, 1, 50, 4, true).second, run(1, 100, 1, 4, true).second);
}

TEST(Scheduler, RetriesThenSucceeds) {
  Harness h({J("flaky"), J("next", {"flaky"})});
  h.plan.jobs[0].retry = 2;
  h.exec.specs["flaky"].outcomes = {false, false, true};
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("flaky").attempts, 3);
  EXPECT_EQ(h.exec.log, (std::vector<std::string>{"flaky", "flaky#2", "flaky#3", "next"}));
  EXPECT_EQ(h.rec.retries.size(), 2u);
}

TEST(Scheduler, RetriesExhausted) {
  Harness h({J("flaky")});
  h.plan.jobs[0].retry = 1;
  h.exec.specs["flaky"].outcomes = {false, false};
  EXPECT_EQ(h.Run(), 1);
  EXPECT_EQ(h.S("flaky").attempts, 2);
  EXPECT_EQ(h.S("flaky").status, JobStatus::Failed);
}

TEST(Scheduler, TimeoutStopsTheJobAndFailsIt) {
  Harness h({J("hang"), J("next", {"hang"})});
  h.plan.jobs[0].timeout_seconds = 2;
  h.exec.specs["hang"].ms = 3600 * 1000;
  EXPECT_EQ(h.Run(), 1);
  EXPECT_EQ(h.S("hang").status, JobStatus::Failed);
  EXPECT_EQ(h.S("hang").reason, "timed out after 2s");
  EXPECT_EQ(h.S("hang").end, Millis(2005));
  EXPECT_EQ(h.exec.stopped, (std::vector<std::string>{"hang"}));
  EXPECT_EQ(h.S("next").status, JobStatus::Skipped);
}

TEST(Scheduler, TimeoutCountsAsFailureForRetry) {
  Harness h({J("hang")});
  h.plan.jobs[0].timeout_seconds = 1;
  h.plan.jobs[0].retry = 1;
  h.exec.specs["hang"].ms = 5000;
  EXPECT_EQ(h.Run(), 1);
  EXPECT_EQ(h.S("hang").attempts, 2);
  EXPECT_EQ(h.rec.retries, (std::vector<std::string>{"timed out after 1s"}));
}

TEST(Scheduler, AllowFailureDoesNotFailThePipeline) {
  Harness h({J("lint"), J("next", {"lint"})});
  h.plan.jobs[0].allow_failure = true;
  h.exec.specs["lint"].outcomes = {false};
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("lint").status, JobStatus::AllowedFailure);
  EXPECT_EQ(h.S("next").status, JobStatus::Succeeded);
}

TEST(Scheduler, OnFailureAndAlwaysJobs) {
  Harness h({J("build"), J("test", {"build"}), J("notify", {"test"}), J("cleanup", {"test"}),
             J("deploy", {"test"})});
  h.plan.jobs[2].run_when = plan::RunWhen::OnFailure;
  h.plan.jobs[3].run_when = plan::RunWhen::Always;
  h.exec.specs["build"].outcomes = {false};
  EXPECT_EQ(h.Run(), 1);
  EXPECT_EQ(h.S("test").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("notify").status, JobStatus::Succeeded);
  EXPECT_EQ(h.S("cleanup").status, JobStatus::Succeeded);
  EXPECT_EQ(h.S("deploy").status, JobStatus::Skipped);
}

TEST(Scheduler, OnFailureSkippedWhenAllPass) {
  Harness h({J("build"), J("notify", {"build"})});
  h.plan.jobs[1].run_when = plan::RunWhen::OnFailure;
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("notify").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("notify").reason, "runs on failure only, and nothing upstream failed");
}

TEST(Scheduler, ValueOutputsGateDownstreamJobs) {
  Harness h({J("qualify"), J("deploy", {"qualify"}), J("report", {"qualify"}), J("after", {"deploy"})});
  h.exec.specs["qualify"].values = {{"qualified", "false"}, {"score", "7"}};
  h.plan.jobs[0].outputs = {{"qualified", plan::ArtifactKind::Bool, "q.txt"}, {"score", plan::ArtifactKind::Int, "s.txt"}};
  h.plan.jobs[1].condition.op = plan::CondOp::Truthy;
  h.plan.jobs[1].condition.left = {plan::OperandKind::Output, "qualified", "qualify"};
  h.plan.jobs[2].condition.op = plan::CondOp::Eq;
  h.plan.jobs[2].condition.left = {plan::OperandKind::Output, "score", "qualify"};
  h.plan.jobs[2].condition.right = {plan::OperandKind::Literal, "7", ""};
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("deploy").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("deploy").reason, "condition is false: qualify.qualified");
  EXPECT_EQ(h.S("report").status, JobStatus::Succeeded);
  EXPECT_EQ(h.S("after").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("after").reason, "needs deploy, which was skipped");
}

TEST(Scheduler, ExcludedAndGatedJobs) {
  Harness h({J("a"), J("b"), J("c", {"b"})});
  SchedulerOptions o;
  o.excluded = {"", "not under trigger push", ""};
  o.gate = [](size_t job) -> std::optional<std::string> {
    if (job == 0) return "needs manual approval (--approve)";
    return std::nullopt;
  };
  EXPECT_EQ(h.Run(o), 0);
  EXPECT_EQ(h.S("a").reason, "needs manual approval (--approve)");
  EXPECT_EQ(h.S("b").reason, "not under trigger push");
  EXPECT_EQ(h.S("c").status, JobStatus::Skipped);
  EXPECT_TRUE(h.exec.log.empty());
}

TEST(Scheduler, InterruptCancelsEverything) {
  Harness h({J("a"), J("b"), J("c", {"a"}), J("cleanup", {"c"})});
  h.plan.jobs[3].run_when = plan::RunWhen::Always;
  h.exec.specs["a"].ms = 1000;
  h.exec.specs["b"].ms = 1000;
  h.exec.interrupt_at = Millis(50);
  EXPECT_EQ(h.Run(), 130);
  EXPECT_EQ(h.S("a").status, JobStatus::Cancelled);
  EXPECT_EQ(h.S("b").status, JobStatus::Cancelled);
  EXPECT_EQ(h.S("c").status, JobStatus::Cancelled);
  EXPECT_EQ(h.S("cleanup").status, JobStatus::Cancelled);
  EXPECT_EQ(h.clock.now, Millis(55));
  EXPECT_TRUE(h.exec.running.empty());
}

TEST(Scheduler, CriticalPathFollowsTheLatestNeeds) {
  Harness h({J("a"), J("b"), J("c", {"a", "b"}), J("d")});
  h.exec.specs["a"].ms = 10;
  h.exec.specs["b"].ms = 50;
  h.exec.specs["c"].ms = 10;
  h.exec.specs["d"].ms = 20;
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.sched->CriticalPath(), (std::vector<size_t>{1, 2}));
  EXPECT_EQ(h.sched->PlannedOrder(), (std::vector<size_t>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace pipec::runtime

namespace pipec::runtime {
namespace {

// Stage order (plan version 2): `after_stages` jobs wait for every job of the earlier stages
// through one barrier per stage.
plan::Job Staged(std::string name, std::string stage, bool after = true, std::vector<std::string> needs = {}) {
  plan::Job j = J(std::move(name), std::move(needs));
  j.stage = std::move(stage);
  j.after_stages = after;
  return j;
}

TEST(SchedulerStages, WaitsForEveryJobOfTheEarlierStages) {
  Harness h({Staged("a", "one"), Staged("b", "one"), Staged("c", "two"), Staged("d", "three")});
  h.plan.stages = {"one", "two", "three"};
  h.exec.specs["b"].ms = 50;
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("c").first_start, Millis(50));  // after b, the slower job of stage one
  EXPECT_EQ(h.S("d").first_start, Millis(60));
  EXPECT_EQ(h.sched->PlannedOrder(), (std::vector<size_t>{0, 1, 2, 3}));  // no history: ties in order
  EXPECT_EQ(h.sched->CriticalPath(), (std::vector<size_t>{1, 2, 3}));
}

TEST(SchedulerStages, AJobWithNeedsIgnoresStageOrder) {
  // e is in stage two but needs only a: it starts when a ends, before slow b.
  Harness h({Staged("a", "one"), Staged("b", "one"), Staged("e", "two", false, {"a"})});
  h.plan.stages = {"one", "two"};
  h.exec.specs["b"].ms = 50;
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("e").first_start, Millis(10));
}

TEST(SchedulerStages, ASkippedJobDoesNotHoldLaterStagesBack) {
  plan::Job gated = Staged("gated", "one");
  gated.condition.op = plan::CondOp::Truthy;
  gated.condition.left = {plan::OperandKind::Literal, "", ""};  // false
  Harness h({gated, Staged("next", "two"), Staged("needs_it", "two", false, {"gated"})});
  h.plan.stages = {"one", "two"};
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("gated").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("next").status, JobStatus::Succeeded);        // stage order: runs
  EXPECT_EQ(h.S("needs_it").status, JobStatus::Skipped);      // a need: skipped with it
}

TEST(SchedulerStages, AFailureSkipsLaterStagesAndRunsOnFailureJobs) {
  plan::Job cleanup = Staged("cleanup", "three");
  cleanup.run_when = plan::RunWhen::OnFailure;
  plan::Job report = Staged("report", "three");
  report.run_when = plan::RunWhen::Always;
  plan::Job flaky = Staged("flaky", "one");
  flaky.allow_failure = true;
  Harness h({Staged("broken", "one"), flaky, Staged("deploy", "two"), Staged("later", "three"), cleanup, report});
  h.plan.stages = {"one", "two", "three"};
  h.exec.specs["broken"].outcomes = {false};
  h.exec.specs["flaky"].outcomes = {false};
  EXPECT_EQ(h.Run(), 1);
  EXPECT_EQ(h.S("deploy").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("deploy").reason, "upstream job broken failed");
  EXPECT_EQ(h.S("later").status, JobStatus::Skipped);  // the failure reaches every later stage
  EXPECT_EQ(h.S("cleanup").status, JobStatus::Succeeded);
  EXPECT_EQ(h.S("report").status, JobStatus::Succeeded);
}

TEST(SchedulerStages, AnAllowedFailureDoesNotStopLaterStages) {
  plan::Job flaky = Staged("flaky", "one");
  flaky.allow_failure = true;
  Harness h({flaky, Staged("next", "two")});
  h.plan.stages = {"one", "two"};
  h.exec.specs["flaky"].outcomes = {false};
  EXPECT_EQ(h.Run(), 0);
  EXPECT_EQ(h.S("next").status, JobStatus::Succeeded);
}

TEST(SchedulerStages, EmptyStagesAndExcludedJobsPassThrough) {
  // Stage two is empty; `absent` is not in this run: `last` still starts after `a`.
  Harness h({Staged("a", "one"), Staged("absent", "one"), Staged("last", "three")});
  h.plan.stages = {"one", "two", "three"};
  SchedulerOptions opts;
  opts.excluded = {"", "not under trigger push", ""};
  EXPECT_EQ(h.Run(opts), 0);
  EXPECT_EQ(h.S("absent").status, JobStatus::Skipped);
  EXPECT_EQ(h.S("last").status, JobStatus::Succeeded);
  EXPECT_EQ(h.S("last").first_start, Millis(10));
}

TEST(SchedulerStages, TenThousandJobsInThreeStagesCostNoEdgePerPair) {
  std::vector<plan::Job> jobs;
  for (int i = 0; i < 10000; ++i) jobs.push_back(Staged("j" + std::to_string(i), i < 3000 ? "a" : i < 6000 ? "b" : "c"));
  Harness h(std::move(jobs));
  h.plan.stages = {"a", "b", "c"};
  h.custom_j = true;
  SchedulerOptions opts;
  opts.parallelism = 100;
  EXPECT_EQ(h.Run(opts), 0);
  EXPECT_EQ(h.S("j3000").first_start, Millis(300));  // 3,000 jobs of stage a, 100 at a time
  EXPECT_EQ(h.S("j9999").status, JobStatus::Succeeded);
}

}  // namespace
}  // namespace pipec::runtime
