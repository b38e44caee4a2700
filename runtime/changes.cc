#include "runtime/changes.h"

#include "runtime/subprocess.h"

namespace pipec::runtime {

namespace {

std::optional<std::string> Commit(const GitRunner& git, const std::string& ref) {
  std::string out;
  // `--end-of-options`: a REF starting with `-` is a name, never an option.
  if (git({"rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"}, &out) != 0) return std::nullopt;
  out = TrimOutputEnd(out);
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::optional<std::string> FindDefaultBranch(const GitRunner& git) {
  std::string out;
  if (git({"symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"}, &out) == 0 && !TrimOutputEnd(out).empty()) {
    std::string ref = TrimOutputEnd(out);
    const std::string prefix = "refs/remotes/";
    return ref.rfind(prefix, 0) == 0 ? ref.substr(prefix.size()) : ref;
  }
  for (const char* name : {"main", "master"})
    if (Commit(git, name)) return std::string(name);
  return std::nullopt;
}

GitRunner RealGit(const std::string& root) {
  return [root](const std::vector<std::string>& args, std::string* out) {
    std::vector<std::string> argv{"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCapture(argv, root, out);
  };
}

std::optional<ChangedFiles> ChangedFiles::Open(GitRunner git, const std::optional<std::string>& base,
                                               std::string* error, std::string* note) {
  std::string ref;
  if (base) {
    ref = *base;
  } else if (auto found = FindDefaultBranch(git)) {
    ref = *found;
  } else {
    *note = "no default branch to diff against (no origin/HEAD, `main` or `master`): every "
            "`changed [...]` holds; pass --base REF";
    return std::nullopt;
  }
  std::optional<std::string> commit = Commit(git, ref);
  if (!commit) {
    if (base)
      *error = "--base " + ref + ": git knows no such commit";
    else
      *note = "cannot resolve the default branch `" + ref + "`: every `changed [...]` holds; pass --base REF";
    return std::nullopt;
  }
  std::string merge_base;
  if (git({"merge-base", *commit, "HEAD"}, &merge_base) != 0 || TrimOutputEnd(merge_base).empty()) {
    std::string msg = "`" + ref + "` shares no history with HEAD";
    if (base) {
      *error = "--base " + msg;
    } else {
      *note = msg + ": every `changed [...]` holds; pass --base REF";
    }
    return std::nullopt;
  }
  return ChangedFiles(std::move(git), ref, TrimOutputEnd(merge_base));
}

bool ChangedFiles::Any(const std::vector<std::string>& globs) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = memo_.find(globs); it != memo_.end()) return it->second;
  std::vector<std::string> specs;
  for (const std::string& g : globs) specs.push_back(":(glob)" + g);
  specs.push_back(":(exclude).pipec");  // the runtime's own runs, when git does not ignore them
  // Tracked files: the merge base against the working tree (committed, staged or not).
  std::vector<std::string> diff{"diff", "--name-only", "--no-renames", merge_base_, "--"};
  diff.insert(diff.end(), specs.begin(), specs.end());
  std::string out;
  int rc = git_(diff, &out);
  // A git failure counts as a change: running a job too often is safer than skipping it.
  bool changed = rc != 0 || !TrimOutputEnd(out).empty();
  if (!changed) {
    std::vector<std::string> untracked{"ls-files", "--others", "--exclude-standard", "--"};
    untracked.insert(untracked.end(), specs.begin(), specs.end());
    out.clear();
    rc = git_(untracked, &out);
    changed = rc != 0 || !TrimOutputEnd(out).empty();
  }
  memo_[globs] = changed;
  return changed;
}

}  // namespace pipec::runtime
