#pragma once
// The run's artifact store (<run>/store/<job>/<output>): declared outputs are collected after
// a job succeeds and exactly the declared inputs are restored before a job starts. Paths
// that leave the workspace, directly or through a symlink, are refused.
#include <map>
#include <string>

#include "runtime/plan.h"

namespace pipec::runtime {

// Parses a value output's file content (trimmed) as `kind` (a value kind: plan::IsValueKind);
// returns "" or why it is not one.
std::string ParseValue(plan::ArtifactKind kind, const std::string& raw, std::string* value);

class ArtifactStore {
 public:
  explicit ArtifactStore(std::string root) : root_(std::move(root)) {}

  // After success: copies file outputs into the store and reads value outputs into `values`.
  // A missing declared output, an escaping path or a mistyped value is an error.
  std::string Collect(const plan::Job& job, const std::string& workspace,
                      std::map<std::string, std::string>* values) const;

  // Records value outputs (already masked) so `pipec shell` and later runs can read them.
  std::string SaveValues(const std::string& job, const std::map<std::string, std::string>& values) const;
  std::map<std::string, std::string> LoadValues(const std::string& job) const;

  // Before a job starts: restores each declared input at its path.
  std::string Restore(const plan::Job& job, const std::string& workspace) const;

  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

}  // namespace pipec::runtime
