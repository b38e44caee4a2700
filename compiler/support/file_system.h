#pragma once
// The one file-system interface of the compiler (issue 13): sema reads .pipe files and their
// imports through it, the importers read included files and local reusable workflows through
// it, so unit tests use an in-memory tree and the commands the real one. (The runtime, which
// never includes compiler headers, has its own: runtime/fs.h.)
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pipec::support {

// "a/./b/../c" -> "a/c"; keeps a leading "/" and never climbs above the start.
std::string NormalizePath(const std::string& path);

// What is at a path: nothing, a regular file (with its size), a directory, or something else.
struct FileInfo {
  enum class Kind { Missing, File, Directory, Other };
  Kind kind = Kind::Missing;
  size_t size = 0;  // File only
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Follows symlinks, as opening the path does.
  virtual FileInfo Stat(const std::string& path) const = 0;
  // The file's bytes; nullopt when it is missing or not a regular file.
  virtual std::optional<std::string> Read(const std::string& path) const = 0;
  // Every regular file under `root`, as paths relative to it ('/'-separated), sorted.
  // Bounded: stops after `limit` files (globs over huge trees stay cheap).
  virtual std::vector<std::string> ListFiles(const std::string& root, size_t limit) const = 0;
};

const FileSystem& RealFileSystem();

// Files by normalized path; a directory is any prefix of a file's path.
class MemoryFileSystem : public FileSystem {
 public:
  void Add(std::string path, std::string contents) { files_[NormalizePath(path)] = std::move(contents); }
  FileInfo Stat(const std::string& path) const override;
  std::optional<std::string> Read(const std::string& path) const override;
  std::vector<std::string> ListFiles(const std::string& root, size_t limit) const override;

 private:
  std::map<std::string, std::string> files_;
};

// `root` joined with `rel` ("." root gives `rel` itself).
std::string JoinPath(const std::string& root, const std::string& rel);

}  // namespace pipec::support
