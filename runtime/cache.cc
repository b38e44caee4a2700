#include "runtime/cache.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include <fmt/format.h>

#include "runtime/fs.h"

namespace fs = std::filesystem;

namespace pipec::runtime {

namespace {

// FNV-1a: a cache key only has to change when the inputs change, not resist attackers.
struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void Add(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // separator, so ("ab","c") != ("a","bc")
    h *= 1099511628211ull;
  }
};

}  // namespace

std::string CacheKey(const plan::Cache& cache, const std::string& project_root) {
  Fnv f;
  for (const std::string& file : cache.key_files) {
    f.Add(file);
    auto text = ReadFile((fs::path(project_root) / file).string());
    f.Add(text ? *text : std::string("\x01missing"));
  }
  std::string key = fmt::format("{}-{}{:016x}", cache.name, cache.key_prefix, f.h);
  for (char& c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  return key;
}

namespace {

// The folder a cache path goes into must stay inside the workspace even through symlinks
// the project or an earlier restore put there: a restore (or save) never writes, deletes or
// reads through a link that leaves the workspace. The path itself may be a symlink: it is
// stored and restored as one.
std::string CheckParentInside(const std::string& workspace, const std::string& rel) {
  if (std::string err = CheckRelative(rel); !err.empty()) return err;
  fs::path parent = fs::path(rel).lexically_normal().parent_path();
  if (parent.empty()) return "";
  return CheckResolvesInside(workspace, parent.string());
}

}  // namespace

std::string RestoreCache(const plan::Cache& cache, const std::string& cache_dir,
                         const std::string& workspace) {
  std::error_code ec;
  if (!fs::is_directory(cache_dir, ec)) return "";
  for (const std::string& p : cache.paths) {
    if (std::string err = CheckParentInside(workspace, p); !err.empty())
      return fmt::format("cache {}: {}", cache.name, err);
    fs::path src = fs::path(cache_dir) / p;
    if (!fs::exists(fs::symlink_status(src, ec))) continue;
    fs::path dst = fs::path(workspace) / p;
    fs::remove_all(dst, ec);  // removes a link itself, never what it points to
    // Symlinks come back as symlinks, with the target they had (as GitLab's cache archive).
    if (std::string err = CopyTree(src.string(), dst.string()); !err.empty())
      return fmt::format("cache {}: {}", cache.name, err);
  }
  return "";
}

std::string SaveCache(const plan::Cache& cache, const std::string& cache_dir, const std::string& workspace) {
  static std::atomic<int> counter{0};
  std::error_code ec;
  fs::path target(cache_dir);
  fs::path tmp = target.parent_path() / fmt::format(".tmp-{}-{}-{}", target.filename().string(), ::getpid(), counter++);
  fs::create_directories(tmp, ec);
  if (ec) return fmt::format("cache {}: cannot create {}: {}", cache.name, tmp.string(), ec.message());
  for (const std::string& p : cache.paths) {
    if (std::string err = CheckParentInside(workspace, p); !err.empty()) {
      fs::remove_all(tmp, ec);
      return fmt::format("cache {}: {}", cache.name, err);
    }
    fs::path src = fs::path(workspace) / p;
    if (!fs::exists(fs::symlink_status(src, ec))) continue;
    // Symlinks are kept as symlinks, never followed: a virtualenv's `bin/python` points
    // outside the workspace, and that link (not the interpreter) is what the cache holds.
    if (std::string err = CopyTree(src.string(), (tmp / p).string()); !err.empty()) {
      fs::remove_all(tmp, ec);
      return fmt::format("cache {}: {}", cache.name, err);
    }
  }
  fs::path old = target.parent_path() / fmt::format(".old-{}-{}-{}", target.filename().string(), ::getpid(), counter++);
  fs::rename(target, old, ec);  // absent the first time: fine
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    return fmt::format("cache {}: cannot store it", cache.name);
  }
  fs::remove_all(old, ec);
  return "";
}

}  // namespace pipec::runtime
