#pragma once
// What both YAML readers need besides the file itself.
#include <string>
#include <vector>

#include "compiler/support/file_system.h"
#include "compiler/import/templates.h"
#include "compiler/import/yaml_tree.h"

namespace pipec::import {

struct ImportOptions {
  // Repository root: GitLab local includes and GitHub `uses: ./...` are relative to it.
  std::string repo_root = ".";
  std::vector<std::string> secrets;  // `--secret NAME`: treat these variables as secrets
  yaml::LoadLimits limits;
  size_t max_includes = 150;       // GitLab's limit on included files
  bool keep_hidden = false;        // keep GitLab hidden `.jobs` in the IR (import does)
  const support::FileSystem* fs = nullptr;  // nullptr = the real file system
  // `pipec import` of GitLab (with keep_hidden): filled with what extends/anchors share.
  ImportTemplates* templates = nullptr;
};

inline const support::FileSystem& FsOf(const ImportOptions& o) { return o.fs ? *o.fs : support::RealFileSystem(); }

}  // namespace pipec::import
