#include "compiler/import/detect.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <system_error>

namespace pipec::import {

namespace fs = std::filesystem;

std::string_view ConfigKindName(ConfigKind k) {
  switch (k) {
    case ConfigKind::Pipe: return "pipe";
    case ConfigKind::GitLab: return "gitlab";
    case ConfigKind::GitHub: return "github";
    case ConfigKind::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsYaml(std::string_view p) { return EndsWith(p, ".yml") || EndsWith(p, ".yaml"); }

bool InWorkflowsDir(std::string_view p) {
  std::string s(p);
  std::replace(s.begin(), s.end(), '\\', '/');
  return s.find(".github/workflows/") != std::string::npos;
}

}  // namespace

ConfigKind ClassifyConfig(std::string_view path, std::string_view contents) {
  if (EndsWith(path, ".pipe")) return ConfigKind::Pipe;
  if (EndsWith(path, ".gitlab-ci.yml") || EndsWith(path, ".gitlab-ci.yaml")) return ConfigKind::GitLab;
  if (!IsYaml(path)) return ConfigKind::Unknown;
  if (InWorkflowsDir(path)) return ConfigKind::GitHub;
  // Content sniffing on the raw text (cheap, works on YAML that does not parse).
  static const std::regex kOn(R"((^|\n)(on|"on"|'on'|true)\s*:)");
  static const std::regex kRunsOn(R"(\n\s+(runs-on|steps)\s*:)");
  std::string text(contents.substr(0, 1 << 20));
  if (std::regex_search(text, kOn) || std::regex_search(text, kRunsOn)) return ConfigKind::GitHub;
  return ConfigKind::GitLab;
}

std::vector<std::string> FindConfigs(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->is_directory(ec)) {
      if (name == ".git" || name == "node_modules" || name.rfind("build", 0) == 0) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string p = it->path().generic_string();
    if (EndsWith(p, ".pipe") || name == ".gitlab-ci.yml" || EndsWith(name, ".gitlab-ci.yml") ||
        (IsYaml(p) && InWorkflowsDir(p) && it->path().parent_path().filename() == "workflows"))
      out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string RepoRootFor(const std::string& path, ConfigKind kind) {
  std::string s = fs::path(path).generic_string();
  if (kind == ConfigKind::GitHub) {
    size_t at = s.find(".github/workflows/");
    if (at != std::string::npos) return at == 0 ? "." : s.substr(0, at - 1).empty() ? "/" : s.substr(0, at - 1);
  }
  std::error_code ec;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  // GitLab reads .gitlab-ci.yml at the repository root (its default path).
  if (kind == ConfigKind::GitLab && fs::path(path).filename() == ".gitlab-ci.yml") return dir.generic_string();
  for (fs::path d = fs::absolute(dir, ec); !d.empty(); d = d.parent_path()) {
    if (fs::exists(d / ".git", ec) || (kind == ConfigKind::GitHub && fs::exists(d / ".github", ec)))
      return d == fs::absolute(dir, ec) ? dir.generic_string() : d.generic_string();
    if (d == d.parent_path()) break;
  }
  return dir.generic_string();
}

}  // namespace pipec::import
