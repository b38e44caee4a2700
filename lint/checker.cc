#include "lint/checker.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <iterator>
#include <thread>

#include "lint/rule_context.h"
#include "lint/rules.h"

namespace pipec::lint {

bool IsOffByDefault(DiagKind kind) {
  return kind == DiagKind::ImageNotDigest || kind == DiagKind::UnpinnedReferenceStrict;
}

namespace {

using Family = void (*)(RuleContext&);

// Every rule family but shellcheck's, in report order. The families only read the IR, the
// sources and the shared graph, so they can run side by side.
constexpr Family kFamilies[] = {
    CheckGraph,          CheckArtifacts,        CheckGitLabArtifactRequests, CheckHardcodedSecrets,
    CheckSecretDeclarations, CheckSecretScripts, CheckJobs,                  CheckReferences,
    CheckDebugTrace,     CheckUploadedCredentials, CheckPermissions,         CheckTriggers,
    CheckUntrustedCode,  CheckCachePoisoning,   CheckUnused,                 CheckWorkflowCommands,
    CheckGitHubExpressions,
};
constexpr size_t kFamilyCount = std::size(kFamilies);

// The families the two threads take first, longest first, so that the threads end together
// (10,000 jobs: secret scripts 8 ms, hardcoded secrets 6, jobs 5, artifacts 2, graph 1, the
// rest under 1 together); the first is one that does not ask for the job graph, which the
// calling thread builds meanwhile. The others follow in report order.
constexpr Family kLongFirst[] = {CheckSecretScripts, CheckHardcodedSecrets, CheckJobs, CheckArtifacts, CheckGraph};

// Indices into kFamilies in the order the threads take them.
std::vector<size_t> ScheduleOrder() {
  std::vector<size_t> order;
  for (Family first : kLongFirst)
    for (size_t i = 0; i < kFamilyCount; ++i)
      if (kFamilies[i] == first) order.push_back(i);
  for (size_t i = 0; i < kFamilyCount; ++i)
    if (std::find(std::begin(kLongFirst), std::end(kLongFirst), kFamilies[i]) == std::end(kLongFirst))
      order.push_back(i);
  return order;
}

// Below this many jobs the checks take a few milliseconds at most, less than a second thread
// is worth; above it, a 10,000-job pipeline's checks take about 20 ms on one core.
constexpr size_t kJobsForTwoThreads = 1000;

// Runs the families on this thread and one more, each family reporting into a sink of its
// own; the findings are then put together in family order, so the report is the same as
// the one-thread run's, whichever thread ran what.
void RunOnTwoThreads(const RuleContext& ctx, DiagnosticSink& sink) {
  std::vector<DiagnosticSink> sinks(kFamilyCount);
  std::vector<std::exception_ptr> failures(kFamilyCount);
  static const std::vector<size_t> schedule = ScheduleOrder();
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k; (k = next.fetch_add(1, std::memory_order_relaxed)) < kFamilyCount;) {
      size_t i = schedule[k];
      try {
        RuleContext own(ctx, sinks[i]);
        kFamilies[i](own);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    }
  };
  std::thread helper;
  try {
    helper = std::thread(work);
  } catch (const std::system_error&) {
    // No thread to be had: this one runs every family.
  }
  // The job graph built here while the helper starts on a family that does not ask for it.
  // Under glibc's malloc (PIPEC_MIMALLOC=OFF) this matters most: built on the helper, in its
  // own arena where every fresh 4 KiB page faults, it took the artifact rules of a 10,000-job
  // pipeline from 1.6 to 7.7 ms. Under mimalloc it still saves 1-2 ms of that check's median.
  (void)ctx.graph();
  work();
  if (helper.joinable()) helper.join();
  for (size_t i = 0; i < kFamilyCount; ++i) {
    if (failures[i]) std::rethrow_exception(failures[i]);  // where one thread would have stopped
    for (Diagnostic& d : sinks[i].mutable_diagnostics()) sink.mutable_diagnostics().push_back(std::move(d));
  }
}

}  // namespace

void RunChecks(const ir::Pipeline& p, const SourceManager& sm, const CheckOptions& opts,
               DiagnosticSink& sink) {
  RuleContext ctx(p, sm, opts, sink);
  bool two = opts.threads == 0 ? p.jobs.size() >= kJobsForTwoThreads && std::thread::hardware_concurrency() > 1
                               : opts.threads > 1;
  if (two) {
    RunOnTwoThreads(ctx, sink);
  } else {
    for (Family family : kFamilies) family(ctx);
  }
  if (opts.shellcheck) CheckShellcheck(ctx);  // runs processes: one at a time, after the rest
}

}  // namespace pipec::lint
