// Benchmark of the checker: builds a pipeline of N jobs (default 10,000) in memory, in layers
// of 100 jobs that each need and read outputs of the previous layer, bind secrets and run
// multi-line scripts, then times RunChecks (all rules on) and ApplySuppressions and reports
// the peak memory. `--pipe FILE` also writes the same pipeline as a .pipe file, to time
// `pipec check FILE` end to end.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "lint/checker.h"

namespace {

using pipec::SourceRange;
namespace ir = pipec::ir;

ir::Text Lit(std::string s) {
  ir::Text t;
  t.parts.push_back({ir::TextPart::Kind::Literal, std::move(s)});
  return t;
}

constexpr int kWidth = 100;

std::string Script(int i) {
  return "set -eu\n"
         "echo \"building part " + std::to_string(i) + "\"\n"
         "make -j4 part" + std::to_string(i) + " > build.log\n"
         "printf '%s' \"$TOKEN\" | docker login -u ci --password-stdin registry.example.com\n"
         "tar czf out/part" + std::to_string(i) + ".tgz build/\n";
}

// The .pipe text of the pipeline, one job per 8 lines; also the line of each job.
std::string PipeText(int n) {
  std::string s = "pipeline bench version 1\non push branches [\"main\"]\nsecret TOKEN masked\n";
  for (int i = 0; i < n; ++i) {
    s += "job j" + std::to_string(i) + " {\n  image \"python:3.12-slim\"\n";
    if (i >= kWidth) {
      int a = (i / kWidth - 1) * kWidth + (i % kWidth), b = a + (a % kWidth == kWidth - 1 ? -1 : 1);
      s += "  needs j" + std::to_string(b) + "\n  in p = j" + std::to_string(a) + ".pkg\n";
    } else {
      s += "\n\n";
    }
    s += "  env { TOKEN = TOKEN }\n  run \"\"\"\n";
    std::string script = Script(i);
    size_t at = 0;
    while (at < script.size()) {
      size_t eol = script.find('\n', at);
      s += "    " + script.substr(at, eol - at) + "\n";
      at = eol + 1;
    }
    s += "  \"\"\"\n  out pkg: file \"out/part" + std::to_string(i) + ".tgz\" expire 30d\n}\n";
  }
  return s;
}

ir::Pipeline Build(int n, pipec::FileId file) {
  auto at = [&](uint32_t line, uint32_t col, uint32_t len) {
    return SourceRange{file, {line, col}, {line, col + len}};
  };
  ir::Pipeline p;
  p.name = "bench";
  ir::Trigger push;
  push.kind = ir::TriggerKind::Push;
  push.branches = {"main"};
  push.range = at(2, 1, 25);
  p.triggers.push_back(push);
  ir::Secret token;
  token.name = "TOKEN";
  token.masked = true;
  token.range = at(3, 8, 5);
  p.secrets.push_back(token);
  uint32_t line = 4;
  for (int i = 0; i < n; ++i) {
    ir::Job j;
    j.name = j.base_name = "j" + std::to_string(i);
    j.range = at(line, 5, static_cast<uint32_t>(j.name.size()));
    j.body_range = {file, {line, 1}, {line + 13, 2}};
    j.image = Lit("python:3.12-slim");
    j.active_triggers = {"push"};
    if (i >= kWidth) {
      int a = (i / kWidth - 1) * kWidth + (i % kWidth), b = a + (a % kWidth == kWidth - 1 ? -1 : 1);
      j.needs.push_back({"j" + std::to_string(b), false, false, ir::Need::Origin::Explicit,
                         at(line + 2, 9, 4)});
      j.needs.push_back({"j" + std::to_string(a), true, false, ir::Need::Origin::Data,
                         at(line + 3, 3, 14)});
      ir::InputRef in;
      in.name = "p";
      in.job = "j" + std::to_string(a);
      in.output = "pkg";
      in.path = "in/p";
      in.range = at(line + 3, 6, 1);
      j.inputs.push_back(in);
    }
    ir::EnvVar e;
    e.name = "TOKEN";
    e.secret = "TOKEN";
    e.range = at(line + 4, 9, 13);
    j.env.push_back(e);
    ir::Step s;
    s.script = Lit(Script(i));
    s.range = at(line + 5, 3, 3);
    j.steps.push_back(s);
    ir::Output o;
    o.name = "pkg";
    o.path = "out/part" + std::to_string(i) + ".tgz";
    o.expire_seconds = 30 * 86400;
    o.range = at(line + 12, 7, 3);
    j.outputs.push_back(o);
    p.jobs.push_back(std::move(j));
    line += 14;
  }
  return p;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  int n = 10000;
  std::string pipe_out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--pipe" && i + 1 < argc) pipe_out = argv[++i];
    else n = std::atoi(argv[i]);
  }
  if (n <= 0) {
    std::fprintf(stderr, "usage: check_bench [JOBS] [--pipe FILE]\n");
    return 2;
  }
  std::string text = PipeText(n);
  if (!pipe_out.empty()) std::ofstream(pipe_out) << text;
  pipec::SourceManager sm;
  pipec::FileId file = sm.AddFile("bench.pipe", text);
  auto t0 = std::chrono::steady_clock::now();
  ir::Pipeline p = Build(n, file);
  double build = Seconds(t0);

  pipec::lint::CheckOptions opts;
  opts.enable = {"image-not-digest"};
  pipec::DiagnosticSink sink;
  auto t1 = std::chrono::steady_clock::now();
  pipec::lint::RunChecks(p, sm, opts, sink);
  double check = Seconds(t1);
  auto t2 = std::chrono::steady_clock::now();
  auto kept = pipec::lint::ApplySuppressions(sink.diagnostics(), sm, &p);
  pipec::SortDiagnostics(kept, sm);
  double suppress = Seconds(t2);

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("jobs %d, source %zu bytes\n", n, text.size());
  std::printf("build IR %.3f s, RunChecks %.3f s, suppress+sort %.3f s, %zu findings\n", build,
              check, suppress, kept.size());
  std::printf("peak RSS %.1f MiB\n", ru.ru_maxrss / 1024.0);
  return 0;
}
