#pragma once
// Caches live in <project>/.pipec/cache/<key>/ and outlive runs. The key is the cache name,
// its key prefix and a hash of the declared key files' contents, so editing a lock file
// starts a fresh cache while everything else reuses the old one.
#include <string>

#include "runtime/plan.h"

namespace pipec::runtime {

// "<name>-<key_prefix><16 hex digits>", made safe as one directory name.
std::string CacheKey(const plan::Cache& cache, const std::string& project_root);

// Copies the cached paths into the workspace (nothing cached yet is fine). Returns "" or error.
std::string RestoreCache(const plan::Cache& cache, const std::string& cache_dir, const std::string& workspace);

// Replaces the cache entry with the workspace's paths (built aside, then renamed into place).
std::string SaveCache(const plan::Cache& cache, const std::string& cache_dir, const std::string& workspace);

}  // namespace pipec::runtime
