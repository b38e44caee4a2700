// Where `pipec check` spends its time and memory on one .pipe file, phase by phase (issue 13):
// lexing, parsing (lexing + ANTLR parse + AST), sema (analysis and lowering to the IR, parse
// included: the phase is the difference), and the checks (every rule on the IR).
// Each phase runs in a fresh child process, so its peak RSS is its own and one phase's heap
// does not warm the next one's. Not a test: numbers go in bench/front/README.md and notes.
// Usage: front_phases FILE.pipe [RUNS]  (default 5 runs; the table shows each phase's best). "heap" is
// the heap in use when the phase ends, its results alive (mallinfo2; glibc's malloc only). The
// allocator is pipec's (mimalloc, compiler/driver/allocator.cc, unless PIPEC_MIMALLOC=OFF).
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "antlr4-runtime.h"
#include "compiler/sema/sema.h"
#include "compiler/support/heap.h"
#include "compiler/syntax/fast_lexer.h"
#include "compiler/syntax/parser.h"
#include "lint/checker.h"

namespace {

std::string ReadAll(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double g_phase_seconds = 0;  // set by Timed() in the child
double g_phase_heap = 0;     // bytes of heap in use when the phase ended (before its results are freed)

struct Sample {
  double seconds = 0;
  double heap_bytes = 0;
  long peak_kib = 0;
};

// Runs one phase (its set-up untimed, the phase itself through Timed) in a child; returns the
// phase's wall time and the child's peak RSS.
Sample InChild(const std::function<void()>& prepare_and_run, int* pipe_fds) {
  pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    prepare_and_run();
    // The child reports through the pipe the time the phase itself took and its heap.
    double report[2] = {g_phase_seconds, g_phase_heap};
    if (write(pipe_fds[1], report, sizeof report) != sizeof report) _exit(2);
    _exit(0);
  }
  Sample s;
  double report[2] = {-1, 0};
  if (read(pipe_fds[0], report, sizeof report) != sizeof report) report[0] = -1;
  s.seconds = report[0];
  s.heap_bytes = report[1];
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  s.peak_kib = ru.ru_maxrss;
  return s;
}

template <typename F>
void Timed(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  g_phase_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Records the heap in use now (call it where a phase's results are still alive).
// Under mimalloc (linked as into pipec) glibc's counts are empty and mimalloc's release build
// keeps none: "n/a".
void RecordHeap() {
  if (!pipec::support::HeapIsGlibcs()) {
    g_phase_heap = -1;
    return;
  }
  struct mallinfo2 info = mallinfo2();
  g_phase_heap = static_cast<double>(info.uordblks + info.hblkhd);
}

// The file registered for a phase, in a child whose heap is prepared as the driver prepares it
// for a large source (compiler/support/heap.h).
struct Loaded {
  Loaded(const char* path, const std::string& text) {
    pipec::support::PrepareHeapFor(text.size());
    file = sm.AddFile(path, text);
  }
  pipec::SourceManager sm;
  pipec::DiagnosticSink sink;
  pipec::FileId file;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE.pipe [RUNS]\n", argv[0]);
    return 2;
  }
  const std::string text = ReadAll(argv[1]);
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  std::vector<std::pair<std::string, std::function<void()>>> phases = {
      {"startup", [] { Timed([] {}); }},
      {"lex", [&] {
         pipec::support::PrepareHeapFor(text.size());  // as the driver does (compiler/support/heap.h)
         Timed([&] {
           // What ParseFile's lexing costs: the hand-written lexer's tokens, streamed.
           pipec::syntax::TokenOrigin origin{text};
           pipec::syntax::FastLexer lexer(origin);
           bool declined = !lexer.Usable();
           size_t count = 0;
           while (!declined && lexer.Next(declined)) ++count;
           if (declined) std::fprintf(stderr, "the fast lexer declined the file\n");
         });
       }},
      {"parse (lex + parse + AST)", [&] {
         Loaded source(argv[1], text);
         Timed([&] {
           auto ast = pipec::syntax::ParseFile(source.file, source.sm, source.sink);
           RecordHeap();
         });
       }},
      {"front (parse + sema + IR)", [&] {
         Loaded source(argv[1], text);
         Timed([&] {
           auto ir = pipec::sema::AnalyzeLoaded(source.file, source.sm, source.sink);
           RecordHeap();
         });
       }},
      {"checks (all rules)", [&] {
         Loaded source(argv[1], text);
         auto ir = pipec::sema::AnalyzeLoaded(source.file, source.sm, source.sink);
         if (!ir) std::fprintf(stderr, "the file has errors\n");
         Timed([&] {
           if (ir) pipec::lint::RunChecks(*ir, source.sm, {}, source.sink);
           RecordHeap();
         });
       }},
  };
  std::printf("%-28s %10s %12s %12s\n", "phase", "best ms", "peak MiB", "heap MiB");
  for (auto& [name, run] : phases) {
    Sample best{1e9, 0};
    for (int i = 0; i < runs; ++i) {
      int fds[2];
      if (pipe(fds) != 0) return 1;
      Sample s = InChild(run, fds);
      close(fds[0]);
      close(fds[1]);
      if (s.seconds >= 0 && s.seconds < best.seconds) best = s;
    }
    std::printf("%-28s %10.1f %12.1f", name.c_str(), best.seconds * 1000, best.peak_kib / 1024.0);
    if (best.heap_bytes < 0)
      std::printf(" %12s\n", "n/a");
    else
      std::printf(" %12.1f\n", best.heap_bytes / (1 << 20));
  }
  return 0;
}
