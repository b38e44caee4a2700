// pipec's allocator (issue 13): mimalloc, configured for 2 MiB pages before anything runs.
//
// pipec allocates many small blocks and keeps most of them to the end of a command. glibc's
// malloc spent a fifth of a 10,000-job `pipec check` in malloc and free (its thread cache
// holds 7 blocks per size, so most allocations took the slow path); mimalloc's free lists per
// page cost a quarter of that (bench/front/README.md). On the virtual machines CI runs on,
// the first touch of each 4 KiB page costs about 9 us, and mimalloc's defaults take 4 KiB
// pages: the benchmark faulted 6,700 times and ran twice as long as with glibc. With large
// OS pages (transparent huge pages, madvise'd by mimalloc) and eager commit for every thread's
// first segment, it faults about 300 times.
//
// The options must be set before mimalloc reads its environment (its initializer runs before
// any constructor of this program), so they are set from the executable's .preinit_array,
// which runs before every shared library's initializer; an option mimalloc finds already set
// keeps its value. The user's own MIMALLOC_* variables win. Setting them with setenv here
// would not do: setenv allocates, and the first allocation initializes mimalloc. Nothing is
// put into the environment, so the jobs `pipec run` starts inherit none of it.
//
// Linked only into the pipec executable (an object library: a static library's member with
// no referenced symbol would be dropped) and only when PIPEC_MIMALLOC is on.
#include <mimalloc.h>

#include <cstring>

namespace {

// Whether `envp` sets `name` (given with its '='). No libc initialization is needed for this.
bool InEnvironment(char** envp, const char* name) {
  const size_t n = std::strlen(name);
  for (char** e = envp; e && *e; ++e)
    if (std::strncmp(*e, name, n) == 0) return true;
  return false;
}

void ConfigureAllocator(int /*argc*/, char** /*argv*/, char** envp) {
  if (!InEnvironment(envp, "MIMALLOC_LARGE_OS_PAGES=")) mi_option_set(mi_option_large_os_pages, 1);
  // mimalloc commits a thread's first segment lazily by default (cheap for short threads),
  // which leaves it on 4 KiB pages: the checking thread of a large file faulted 250 times.
  if (!InEnvironment(envp, "MIMALLOC_EAGER_COMMIT_DELAY=")) mi_option_set(mi_option_eager_commit_delay, 0);
}

}  // namespace

__attribute__((section(".preinit_array"), used)) static void (*const pipec_configure_allocator)(
    int, char**, char**) = &ConfigureAllocator;
