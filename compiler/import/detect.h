#pragma once
// What `pipec lint` reads: .pipe files, .gitlab-ci.yml (its local includes come along), and
// GitHub workflows (.github/workflows/*.yml|yaml). Directories are searched for them.
#include <string>
#include <string_view>
#include <vector>

namespace pipec::import {

enum class ConfigKind { Pipe, GitLab, GitHub, Unknown };
std::string_view ConfigKindName(ConfigKind k);  // "pipe", "gitlab", "github", "unknown"

// By name first (.pipe, *.gitlab-ci.yml, .github/workflows/), then, for other YAML files, by
// content: a top-level `on:` or jobs with `runs-on:`/`steps:` is GitHub, anything else GitLab.
ConfigKind ClassifyConfig(std::string_view path, std::string_view contents);

// The CI configs under `dir`, sorted; skips .git, node_modules and build directories.
// Only .gitlab-ci.yml files (not every YAML) and workflow files are picked from YAML.
std::vector<std::string> FindConfigs(const std::string& dir);

// The repository root for a config: the folder holding `.github/` for a workflow, the
// nearest ancestor with `.git` otherwise, else the config's own folder.
std::string RepoRootFor(const std::string& path, ConfigKind kind);

}  // namespace pipec::import
