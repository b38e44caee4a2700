#include "compiler/import/detect.h"

#include <algorithm>
#include <filesystem>
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

bool IsYaml(std::string_view p) { return p.ends_with(".yml") || p.ends_with(".yaml"); }

bool InWorkflowsDir(std::string_view p) {
  std::string s(p);
  std::replace(s.begin(), s.end(), '\\', '/');
  return s.find(".github/workflows/") != std::string::npos;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

size_t SkipSpace(std::string_view text, size_t i) {
  while (i < text.size() && IsSpace(text[i])) ++i;
  return i;
}

// `key` at `i`, then optional white space, then `:`.
bool KeyAt(std::string_view text, size_t i, std::string_view key) {
  if (text.substr(i, key.size()) != key) return false;
  size_t j = SkipSpace(text, i + key.size());
  return j < text.size() && text[j] == ':';
}

// What the patterns `(^|\n)(on|"on"|'on'|true)\s*:` and `\n\s+(runs-on|steps)\s*:` find,
// by hand and in linear time: std::regex recursed once per white-space character.
bool LooksLikeGitHub(std::string_view text) {
  auto top_key = [&](size_t i) {
    for (std::string_view k : {"on", "\"on\"", "'on'", "true"})
      if (KeyAt(text, i, k)) return true;
    return false;
  };
  if (top_key(0)) return true;
  for (size_t p = text.find('\n'); p != std::string_view::npos;) {
    if (top_key(p + 1)) return true;
    size_t j = SkipSpace(text, p + 1);
    if (j > p + 1 && (KeyAt(text, j, "runs-on") || KeyAt(text, j, "steps"))) return true;
    // Lines that start inside this run of white space start with white space (or are
    // empty): neither pattern can match there, and skipping them keeps the scan linear.
    p = text.find('\n', std::max(j, p + 1));
  }
  return false;
}

}  // namespace

ConfigKind ClassifyConfig(std::string_view path, std::string_view contents) {
  if (path.ends_with(".pipe")) return ConfigKind::Pipe;
  if (path.ends_with(".gitlab-ci.yml") || path.ends_with(".gitlab-ci.yaml"))
    return ConfigKind::GitLab;
  if (!IsYaml(path)) return ConfigKind::Unknown;
  if (InWorkflowsDir(path)) return ConfigKind::GitHub;
  // Content sniffing on the raw text (cheap, works on YAML that does not parse).
  return LooksLikeGitHub(contents.substr(0, 1 << 20)) ? ConfigKind::GitHub : ConfigKind::GitLab;
}

std::vector<std::string> FindConfigs(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->is_directory(ec)) {
      // .pipec holds `pipec run` workspaces: stale copies of the configs themselves.
      if (name == ".git" || name == ".pipec" || name == "node_modules" || name.rfind("build", 0) == 0)
        it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string p = it->path().generic_string();
    if (p.ends_with(".pipe") || name == ".gitlab-ci.yml" || name.ends_with(".gitlab-ci.yml") ||
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
