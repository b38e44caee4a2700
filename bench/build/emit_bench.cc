// Times the emitters alone on an in-memory IR of N jobs (the front end and the checker are
// measured by bench/front): data edges, stage needs, value gates, caches, every 10th job a
// 2-cell matrix. Prints wall time, output size per target and the peak RSS.
// Usage: emit_bench [jobs]   (default 10000)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "compiler/emit/github_emitter.h"
#include "compiler/emit/gitlab_emitter.h"
#include "compiler/emit/plan_emitter.h"

namespace {

using namespace pipec;

ir::Pipeline Make(int n) {
  ir::Pipeline p;
  p.name = "bench";
  ir::Trigger push;
  push.kind = ir::TriggerKind::Push;
  push.branches = {"main"};
  ir::Trigger nightly;
  nightly.kind = ir::TriggerKind::Schedule;
  nightly.name = "nightly";
  nightly.cron = "0 3 * * *";
  p.triggers = {push, nightly};
  p.stages = {"build", "test", "deploy"};
  ir::Cache pip;
  pip.name = "pip";
  pip.key_files = {"requirements.txt"};
  pip.paths = {".cache/pip"};
  p.caches.push_back(pip);
  for (int i = 0; i < n; ++i) {
    ir::Job j;
    bool matrix = i % 10 == 5;
    j.base_name = "j" + std::to_string(i);
    j.stage = p.stages[std::min(2, i * 3 / n)];
    j.active_triggers = {"push", "schedule:nightly"};
    j.image = ir::Text::Of(matrix ? "python:3.10" : "python:3.11");
    ir::Step s;
    s.script = ir::Text::Of("mkdir -p out && echo " + std::to_string(i) + " > out/" + std::to_string(i) + ".txt");
    j.steps.push_back(s);
    j.caches = {"pip"};
    if (!matrix) {
      ir::Output o;
      o.name = "out";
      o.path = "out/" + std::to_string(i) + ".txt";
      o.expire_seconds = 86400;
      j.outputs.push_back(o);
      ir::Output v;
      v.name = "ok";
      v.kind = ir::OutputKind::Bool;
      v.path = "ok.txt";
      j.outputs.push_back(v);
    }
    if (i > 0 && i % 3 == 1 && (i - 1) % 10 != 5) {
      std::string prev = "j" + std::to_string(i - 1);
      j.needs.push_back({prev, true, false, ir::Need::Origin::Data, {}});
      j.inputs.push_back({"a", prev, "out", ir::OutputKind::File, "out/" + std::to_string(i - 1) + ".txt", {}});
    } else if (i > 1 && i % 3 == 2 && (i - 2) % 10 != 5) {
      std::string prev = "j" + std::to_string(i - 2);
      j.needs.push_back({prev, false, false, ir::Need::Origin::Explicit, {}});
      j.when->op = ir::Condition::Op::Truthy;
      j.when->left.kind = ir::Operand::Kind::Output;
      j.when->left.job = prev;
      j.when->left.name = "ok";
    }
    if (matrix) {
      for (const char* py : {"3.10", "3.11"}) {
        ir::Job cell = j;
        cell.name = j.base_name + "[py=" + py + "]";
        cell.matrix = {{"py", py}};
        cell.image = ir::Text::Of(std::string("python:") + py);
        p.jobs.push_back(cell);
      }
    } else {
      j.name = j.base_name;
      p.jobs.push_back(j);
    }
  }
  return p;
}

size_t Bytes(const emit::EmittedFiles& files) {
  size_t n = 0;
  for (const auto& [path, text] : files) n += text.size();
  return n;
}

template <typename Fn>
void Time(const char* what, Fn fn) {
  auto start = std::chrono::steady_clock::now();
  size_t bytes = fn();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-8s %8.3f s %10.1f KiB\n", what, secs, bytes / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  ir::Pipeline p = Make(n);
  std::printf("%d declared jobs, %zu IR jobs\n", n, p.jobs.size());
  emit::EmitOptions opts;
  opts.source_display = "bench.pipe";
  Time("gitlab", [&] {
    DiagnosticSink d;
    return Bytes(emit::EmitGitLab(p, opts, d));
  });
  Time("github", [&] {
    DiagnosticSink d;
    return Bytes(emit::EmitGitHub(p, opts, d));
  });
  Time("plan", [&] {
    DiagnosticSink d;
    return Bytes(emit::EmitPlanFiles(emit::LowerToPlan(p, d)));
  });
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS %.1f MiB\n", ru.ru_maxrss / 1024.0);
  return 0;
}
