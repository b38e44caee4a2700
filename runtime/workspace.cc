#include "runtime/workspace.h"

#include <algorithm>
#include <filesystem>

#include "runtime/fs.h"
#include "runtime/subprocess.h"

namespace fs = std::filesystem;

namespace pipec::runtime {

namespace {

bool IsRuntimeState(const std::string& rel) {
  return rel == ".pipec" || rel.rfind(".pipec/", 0) == 0 || rel == ".git" || rel.rfind(".git/", 0) == 0;
}

}  // namespace

std::vector<std::string> ListProjectFiles(const std::string& root) {
  std::vector<std::string> files;
  std::string out;
  // Excluding .pipec in the pathspec keeps git from walking earlier runs' workspaces, which
  // are untracked and (without a .gitignore entry) would cost seconds per run.
  if (RunCapture({"git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".",
                  ":(exclude).pipec"},
                 root, &out) == 0) {
    size_t start = 0;
    while (start < out.size()) {
      size_t end = out.find('\0', start);
      if (end == std::string::npos) end = out.size();
      std::string rel = out.substr(start, end - start);
      start = end + 1;
      if (rel.empty() || IsRuntimeState(rel)) continue;
      std::error_code ec;
      // --cached lists files deleted from the work tree and submodule directories: skip them.
      auto st = fs::symlink_status(fs::path(root) / rel, ec);
      if (ec || !(fs::is_regular_file(st) || fs::is_symlink(st))) continue;
      files.push_back(std::move(rel));
    }
  } else {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::string rel = fs::relative(it->path(), root, ec).string();
      if (IsRuntimeState(rel)) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_symlink() || it->is_regular_file()) files.push_back(rel);
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

std::string PopulateWorkspace(const std::string& root, const std::vector<std::string>& files,
                              const std::string& dest) {
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec) return "cannot create " + dest + ": " + ec.message();
  for (const std::string& rel : files)
    if (std::string err = CopyTree((fs::path(root) / rel).string(), (fs::path(dest) / rel).string());
        !err.empty())
      return err;
  return "";
}

GitFacts ReadGitFacts(const std::string& root) {
  GitFacts g;
  std::string out;
  if (RunCapture({"git", "rev-parse", "--abbrev-ref", "HEAD"}, root, &out) == 0) g.branch = TrimOutputEnd(out);
  if (g.branch == "HEAD") g.branch.clear();  // detached
  out.clear();
  if (RunCapture({"git", "rev-parse", "HEAD"}, root, &out) == 0) g.sha = TrimOutputEnd(out);
  out.clear();
  if (RunCapture({"git", "describe", "--tags", "--exact-match"}, root, &out) == 0) g.tag = TrimOutputEnd(out);
  return g;
}

}  // namespace pipec::runtime
