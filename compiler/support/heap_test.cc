#include "compiler/support/heap.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace pipec::support {
namespace {

TEST(Heap, EstimateIsSixtyFourBytesPerSourceByteUpToOneGiB) {
  EXPECT_EQ(HeapEstimate(1u << 20), 64u << 20);
  EXPECT_EQ(HeapEstimate(size_t{1} << 40), size_t{1} << 30);
}

TEST(Heap, TheTestsAllocateWithGlibc) {
  // Only the pipec binary links mimalloc; the tests exercise glibc's heap preparation.
  EXPECT_TRUE(HeapIsGlibcs());
}

TEST(Heap, APreparedHeapServesAndFreesBlocksAsBefore) {
  PrepareHeapFor(1);              // below the threshold: nothing
  PrepareHeapFor(1u << 20);       // 64 MiB of heap
  PrepareHeapFor(size_t{1} << 30);  // once per process: nothing more
  std::vector<std::unique_ptr<char[]>> blocks;
  for (size_t size : {size_t{16}, size_t{4096}, size_t{1} << 20, size_t{40} << 20}) {
    blocks.push_back(std::make_unique<char[]>(size));
    blocks.back()[size - 1] = 'x';
  }
  EXPECT_EQ(blocks.back()[(size_t{40} << 20) - 1], 'x');
}

// Counts its live instances.
struct Tracked {
  static inline int live = 0;
  Tracked() { ++live; }
  ~Tracked() { --live; }
};

TEST(Heap, KeepUntilExitDestroysAtOnceUnlessEnabled) {
  EnableKeepUntilExit(false);
  KeepUntilExit(std::make_unique<Tracked>());
  EXPECT_EQ(Tracked::live, 0);
}

TEST(Heap, KeepUntilExitKeepsTheMostRecentObjects) {
  EnableKeepUntilExit(true);
  const int before = Tracked::live;
  KeepUntilExit(std::make_unique<Tracked>());
  EXPECT_EQ(Tracked::live, before + 1);  // kept, not destroyed
  for (size_t i = 0; i < 3 * kKeptObjects; ++i) KeepUntilExit(std::make_unique<Tracked>());
  // Older ones are freed as newer ones arrive: at most kKeptObjects are held.
  EXPECT_EQ(Tracked::live, static_cast<int>(kKeptObjects));
  KeepUntilExit(std::unique_ptr<Tracked>());  // null: nothing to keep
  EXPECT_EQ(Tracked::live, static_cast<int>(kKeptObjects));
  EnableKeepUntilExit(false);
}

}  // namespace
}  // namespace pipec::support
