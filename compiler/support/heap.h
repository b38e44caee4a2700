#pragma once
// Preparing the process heap for a large compilation (issue 13), when it is glibc's.
//
// A compilation allocates many small blocks and keeps most of them to the end. On the virtual
// machines CI runs on, each first touch of a 4 KiB page is a fault costing about 9 us, so the
// faults of a 10,000-job file (16,000 of them, 64 MiB) were a third of `pipec check`'s time.
// PrepareHeapFor asks glibc to grow the heap in one step large enough for the compilation and
// to keep it, and advises the kernel to back it with transparent huge pages (2 MiB pages:
// faults drop from 16,000 to under 1,000). Where THP is off (`never`), only the growth policy
// changes. Small inputs are left alone: a 2 MiB page costs more than it saves there.
#include <cstddef>
#include <memory>

namespace pipec::support {

// Input files below this size do not prepare the heap.
inline constexpr size_t kHeapPreparationThreshold = 256u << 10;  // 256 KiB

// The heap a compilation of `input_bytes` of source may need: 64 bytes per source byte (the
// measured peak of `pipec check` is about 60), at most 1 GiB.
size_t HeapEstimate(size_t input_bytes);

// Whether malloc is the C library's (glibc's on Linux), not mimalloc's. The pipec binary
// allocates with mimalloc, configured at start-up for 2 MiB pages
// (compiler/driver/allocator.cc), unless built with PIPEC_MIMALLOC=OFF.
bool HeapIsGlibcs();

// Prepares glibc's heap for compiling `input_bytes` of source (nothing below the threshold,
// and once per process). Linux with glibc's malloc only; elsewhere, and under mimalloc, it
// does nothing.
void PrepareHeapFor(size_t input_bytes);

// Teardown at exit. A one-shot command (check, build) ends the process right after its
// report, and freeing a large compilation block by block first is work nobody uses: the sema
// state with the AST, and the IR, of the 10,000-job benchmark took 4% of `pipec check`'s
// instructions to free. Compilers skip it the same way (clang's -disable-free). After
// EnableKeepUntilExit(), KeepUntilExit keeps what it is given, reachable (so leak checkers do
// not report it), until the process ends. Only the most recent kKeptObjects are kept (a
// file's analyzer and IR); an older one is freed when a newer one arrives, so checking many
// files holds at most one compilation more than before (the 10,000-job file: peak 63 -> 70
// MiB for one file, 135 -> 184 MiB for eight). Off unless a command turns it on: tests,
// fuzzers and `pipec run` free as they go.
inline constexpr size_t kKeptObjects = 2;

void EnableKeepUntilExit(bool enabled = true);  // false: tests
bool KeepUntilExitEnabled();
void KeepErasedUntilExit(std::shared_ptr<void> object);

// Takes `object`: kept until exit when enabled, else destroyed now.
template <typename T>
void KeepUntilExit(std::unique_ptr<T> object) {
  if (object && KeepUntilExitEnabled())
    KeepErasedUntilExit(std::shared_ptr<void>(std::move(object)));
}

}  // namespace pipec::support
