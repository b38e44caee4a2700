#pragma once
// Per-job workspaces: each job runs in a fresh copy of the project's files (git-tracked and
// untracked-but-not-ignored), so jobs see neither each other's files nor the run directory.
#include <map>
#include <string>
#include <vector>

namespace pipec::runtime {

// The project files, relative to `root`, sorted. Uses `git ls-files --cached --others
// --exclude-standard`; outside a git work tree, every file except .git/ and .pipec/.
// Paths under .pipec/ (the runtime's own state) are never included.
std::vector<std::string> ListProjectFiles(const std::string& root);

// Copies `files` from `root` into the new directory `dest`. Returns "" or an error.
std::string PopulateWorkspace(const std::string& root, const std::vector<std::string>& files,
                              const std::string& dest);

// Git facts for CI_COMMIT_* (empty strings outside a repository).
struct GitFacts {
  std::string branch, sha, tag;
};
GitFacts ReadGitFacts(const std::string& root);

}  // namespace pipec::runtime
