#pragma once
// Linting one YAML CI config (.gitlab-ci.yml, a GitHub workflow): read into the IR by the
// vendor's importer, the checker's rules run on it, and the suppressions apply. `pipec lint`
// and `pipec check` (which takes YAML files too) share it.
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/import/detect.h"

namespace pipec::driver {

struct LintYamlOptions {
  std::vector<std::string> enable;   // rules off by default to turn on
  std::vector<std::string> secrets;  // --secret NAME
  std::string root;                  // repository root ("" = found from the path)
  bool dump_ir = false;
  bool shellcheck = false;
  std::vector<std::string> disable;  // rules the report drops (`--disable`): checks may skip them
};

// The file's text, or nullopt when it is no regular file or cannot be read.
std::optional<std::string> ReadFile(const std::string& path);

// Lints one YAML config; returns its findings after suppressions.
std::vector<Diagnostic> LintYaml(const std::string& path, import::ConfigKind kind, const LintYamlOptions& opts,
                                 Compilation& c);

}  // namespace pipec::driver
