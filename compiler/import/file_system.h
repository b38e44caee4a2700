#pragma once
// The importers read included files and local reusable workflows through this interface, so
// unit tests use an in-memory tree and `pipec lint` the real one.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pipec::import {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The file's bytes; nullopt when it is missing or not a regular file.
  virtual std::optional<std::string> Read(const std::string& path) const = 0;
  // Every regular file under `root`, as paths relative to it ('/'-separated), sorted.
  // Bounded: stops after `limit` files (globs over huge trees stay cheap).
  virtual std::vector<std::string> ListFiles(const std::string& root, size_t limit) const = 0;
};

const FileSystem& RealFileSystem();

class MemoryFileSystem : public FileSystem {
 public:
  void Add(std::string path, std::string contents) { files_[std::move(path)] = std::move(contents); }
  std::optional<std::string> Read(const std::string& path) const override;
  std::vector<std::string> ListFiles(const std::string& root, size_t limit) const override;

 private:
  std::map<std::string, std::string> files_;
};

// "a/./b/../c" -> "a/c"; keeps a leading "/" and never climbs above the start.
std::string NormalizePath(const std::string& path);
// `root` joined with `rel` ("." root gives `rel` itself).
std::string JoinPath(const std::string& root, const std::string& rel);

}  // namespace pipec::import
