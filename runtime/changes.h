#pragma once
// What `changed [...]` conditions test under `pipec run`: the files that differ between a base
// and the project as it is now. The base is `--base REF` or, by default, the merge base of HEAD
// with the default branch (origin's HEAD, else `main`, else `master`); "now" is the working tree
// (staged or not) plus untracked files git does not ignore, so uncommitted work counts. Paths
// are matched by git itself (`:(glob)` pathspecs), as the GitHub lowering does, so the same
// patterns mean the same files on every target.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pipec::runtime {

// Runs git with `args` in the project root; returns its exit status and fills `out`.
using GitRunner = std::function<int(const std::vector<std::string>& args, std::string* out)>;
GitRunner RealGit(const std::string& root);

// The default branch as `pipec run` finds it: origin's HEAD (`origin/main`), else a local
// `main`, else `master`; nullopt when there is none.
std::optional<std::string> FindDefaultBranch(const GitRunner& git);

class ChangedFiles {
 public:
  // Resolves the base. On failure returns nullopt and sets `error` (an explicit REF that git
  // does not know) or `note` (no default branch to diff against: every `changed` holds).
  static std::optional<ChangedFiles> Open(GitRunner git, const std::optional<std::string>& base,
                                          std::string* error, std::string* note);

  // True when a file matching one of the pathspec globs changed since the base.
  bool Any(const std::vector<std::string>& globs) const;

  const std::string& base_ref() const { return base_ref_; }     // as given or found
  const std::string& merge_base() const { return merge_base_; }  // the commit diffed against

  ChangedFiles(const ChangedFiles& other) : git_(other.git_), base_ref_(other.base_ref_), merge_base_(other.merge_base_) {}

 private:
  ChangedFiles(GitRunner git, std::string base_ref, std::string merge_base)
      : git_(std::move(git)), base_ref_(std::move(base_ref)), merge_base_(std::move(merge_base)) {}

  GitRunner git_;
  std::string base_ref_, merge_base_;
  mutable std::mutex mu_;
  mutable std::map<std::vector<std::string>, bool> memo_;
};

}  // namespace pipec::runtime
