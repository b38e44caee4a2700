#include "compiler/support/file_system.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

#include <sys/stat.h>

namespace pipec::support {

namespace {

class RealFs : public FileSystem {
 public:
  FileInfo Stat(const std::string& path) const override {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return {};
    if (S_ISREG(st.st_mode)) return {FileInfo::Kind::File, static_cast<size_t>(st.st_size)};
    return {S_ISDIR(st.st_mode) ? FileInfo::Kind::Directory : FileInfo::Kind::Other, 0};
  }
  std::optional<std::string> Read(const std::string& path) const override {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    // Read in one piece at the size the file has (a stream copy through a stringbuf grows
    // and copies it several times); a file that grows meanwhile is read to its end all the same.
    std::string text(std::filesystem::file_size(path, ec), '\0');
    if (ec) text.clear();
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (in) {
      std::ostringstream rest;
      rest << in.rdbuf();
      text += rest.str();
    }
    return text;
  }
  std::vector<std::string> ListFiles(const std::string& root, size_t limit) const override {
    std::vector<std::string> out;
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(
        root, std::filesystem::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->path().filename() == ".git" && it->is_directory(ec)) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      out.push_back(std::filesystem::relative(it->path(), root, ec).generic_string());
      if (out.size() >= limit) break;
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

const FileSystem& RealFileSystem() {
  static const RealFs fs;
  return fs;
}

FileInfo MemoryFileSystem::Stat(const std::string& path) const {
  std::string p = NormalizePath(path);
  if (auto it = files_.find(p); it != files_.end()) return {FileInfo::Kind::File, it->second.size()};
  std::string prefix = p == "." ? "" : p + "/";
  auto it = files_.lower_bound(prefix);
  if (it != files_.end() && it->first.rfind(prefix, 0) == 0) return {FileInfo::Kind::Directory, 0};
  return {};
}

std::optional<std::string> MemoryFileSystem::Read(const std::string& path) const {
  auto it = files_.find(NormalizePath(path));
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> MemoryFileSystem::ListFiles(const std::string& root, size_t limit) const {
  std::vector<std::string> out;
  std::string prefix = NormalizePath(root);
  prefix = prefix == "." ? "" : prefix + "/";
  for (const auto& [path, _] : files_) {
    if (path.rfind(prefix, 0) != 0) continue;
    out.push_back(path.substr(prefix.size()));
    if (out.size() >= limit) break;
  }
  return out;
}

std::string NormalizePath(const std::string& path) {
  bool absolute = !path.empty() && path[0] == '/';
  // Views of the path's segments, not a stream and a string per segment (the artifact rules
  // normalize a path per input: a stream each was 1% of a 10,000-job check).
  std::vector<std::string_view> parts;
  std::string_view rest = path;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
      continue;
    }
    if (seg == ".." && absolute) continue;
    parts.push_back(seg);
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

std::string JoinPath(const std::string& root, const std::string& rel) {
  if (!rel.empty() && rel[0] == '/') return NormalizePath(root + rel);
  if (root.empty() || root == ".") return NormalizePath(rel);
  return NormalizePath(root + "/" + rel);
}

}  // namespace pipec::support
