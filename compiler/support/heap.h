#pragma once
// Preparing the process heap for a large compilation (issue 13).
//
// A compilation allocates many small blocks and keeps most of them to the end. On the virtual
// machines CI runs on, each first touch of a 4 KiB page is a fault costing about 9 us, so the
// faults of a 10,000-job file (16,000 of them, 64 MiB) were a third of `pipec check`'s time.
// PrepareHeapFor asks glibc to grow the heap in one step large enough for the compilation and
// to keep it, and advises the kernel to back it with transparent huge pages (2 MiB pages:
// faults drop from 16,000 to under 1,000). Where THP is off (`never`), only the growth policy
// changes. Small inputs are left alone: a 2 MiB page costs more than it saves there.
#include <cstddef>

namespace pipec::support {

// Input files below this size do not prepare the heap.
inline constexpr size_t kHeapPreparationThreshold = 256u << 10;  // 256 KiB

// The heap a compilation of `input_bytes` of source may need: 64 bytes per source byte (the
// measured peak of `pipec check` is about 60), at most 1 GiB.
size_t HeapEstimate(size_t input_bytes);

// Prepares the heap for compiling `input_bytes` of source (nothing below the threshold, and
// once per process). Linux with glibc only; elsewhere it does nothing.
void PrepareHeapFor(size_t input_bytes);

}  // namespace pipec::support
