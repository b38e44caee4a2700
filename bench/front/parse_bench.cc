// Google Benchmark: parse + AST, and parse + sema + IR, for generated N-job pipelines.
// Run: build/bench/front/parse_bench  (not a test: numbers go in notes, not assertions)
#include <benchmark/benchmark.h>

#include <string>

#include "compiler/sema/sema.h"
#include "compiler/syntax/parser.h"

namespace {

std::string Generate(int jobs) {
  std::string s =
      "pipeline bench version 1\non push\nvar PY: string = \"3.11\"\n"
      "template step(msg: string = \"hi\", n: int = 1) { image \"python:${{ PY }}\" run \"echo ${{ msg }}\" }\n";
  for (int i = 0; i < jobs; ++i) {
    s += "job j" + std::to_string(i) + (i % 2 ? " {\n" : " : step(msg: \"x\", n: " + std::to_string(i) + ") {\n");
    if (i % 3 == 1) s += "  in a = j" + std::to_string(i - 1) + ".out\n";
    if (i % 2) s += "  run \"echo " + std::to_string(i) + " > o\"\n";
    s += "  out out: file \"out/" + std::to_string(i) + "\"\n}\n";
  }
  return s;
}

void BM_ParseAst(benchmark::State& state) {
  std::string text = Generate(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    pipec::SourceManager sm;
    pipec::DiagnosticSink sink;
    pipec::FileId f = sm.AddFile("bench.pipe", text);
    auto ast = pipec::syntax::ParseFile(f, sm, sink);
    benchmark::DoNotOptimize(ast);
  }
  state.counters["jobs"] = static_cast<double>(state.range(0));
}

void BM_ParseSemaIr(benchmark::State& state) {
  std::string text = Generate(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    pipec::SourceManager sm;
    pipec::DiagnosticSink sink;
    pipec::FileId f = sm.AddFile("bench.pipe", text);
    auto ir = pipec::sema::AnalyzeLoaded(f, sm, sink);
    benchmark::DoNotOptimize(ir);
  }
}

BENCHMARK(BM_ParseAst)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ParseSemaIr)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
