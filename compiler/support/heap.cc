#include "compiler/support/heap.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <deque>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#define PIPEC_HEAP_TUNING 1
#endif

// mimalloc's, when the program allocates with it (the pipec binary, PIPEC_MIMALLOC); weak, so
// it is null in a program that does not (the unit tests). Its heap is not glibc's.
extern "C" int mi_version() __attribute__((weak));

namespace pipec::support {

size_t HeapEstimate(size_t input_bytes) {
  constexpr size_t kMax = size_t{1} << 30;
  return input_bytes >= kMax / 64 ? kMax : input_bytes * 64;
}

bool HeapIsGlibcs() { return mi_version == nullptr; }

void PrepareHeapFor(size_t input_bytes) {
#ifdef PIPEC_HEAP_TUNING
  static bool prepared = false;
  if (prepared || input_bytes < kHeapPreparationThreshold || !HeapIsGlibcs()) return;
  prepared = true;
  const size_t pad = HeapEstimate(input_bytes);
  // Grow the heap by `pad` at once and do not give it back when blocks are freed (a
  // trimmed page faults again when reused); blocks up to 32 MiB come from the heap too
  // (a compilation's large vectors), not from their own mappings.
  mallopt(M_TOP_PAD, static_cast<int>(pad));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::min<size_t>(2 * pad, INT32_MAX)));
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // One allocation larger than any free block makes glibc grow the heap now; the new part,
  // from the block to the heap's end, is what the compilation will use.
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  void* probe = std::malloc(1u << 20);
  if (!probe) return;
  auto begin = (reinterpret_cast<uintptr_t>(probe) + kHugePage - 1) & ~(kHugePage - 1);
  auto end = reinterpret_cast<uintptr_t>(sbrk(0)) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice: may fail
  std::free(probe);
#else
  (void)input_bytes;
#endif
}

namespace {
bool keep_enabled = false;
// Never destroyed (a static object's destructor would free everything at exit after all);
// reachable through this pointer until the process ends.
std::deque<std::shared_ptr<void>>* kept = nullptr;
}  // namespace

void EnableKeepUntilExit(bool enabled) { keep_enabled = enabled; }
bool KeepUntilExitEnabled() { return keep_enabled; }

void KeepErasedUntilExit(std::shared_ptr<void> object) {
  if (!kept) kept = new std::deque<std::shared_ptr<void>>;
  kept->push_back(std::move(object));
  if (kept->size() > kKeptObjects) kept->pop_front();  // frees the oldest
}

}  // namespace pipec::support
