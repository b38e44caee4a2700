// --shellcheck: runs shellcheck (json1) on every POSIX-shell run script and maps each finding
// back to the line and column of the .pipe or YAML source. Identical scripts (matrix cells,
// template expansions) are checked once.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "lint/rules.h"
#include "lint/script_map.h"

namespace pipec::lint {
namespace {

// Codes that clash with how CI scripts are written: variables come from the CI environment
// (SC2154), sourced files are not in the checkout yet (SC1091), the script has no shebang.
constexpr const char* kExcluded = "SC1091,SC2154,SC2148";

std::string FindOnPath(const std::string& tool) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::string_view rest = path;
  while (true) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (!dir.empty()) {
      std::string candidate = dir + "/" + tool;
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return "";
}

// Runtime references become underscores of the same length, so columns still line up with
// the source and shellcheck does not read `${{ }}` as shell (actionlint does the same).
std::string ScriptForShellcheck(const ir::Text& t) {
  std::string out;
  for (const ir::TextPart& p : t.parts) {
    if (p.kind == ir::TextPart::Kind::Literal) {
      out += p.text;
    } else {
      std::string shown = RenderText(ir::Text{{p}});
      out += std::string(shown.size(), '_');
    }
  }
  return out;
}

struct Finding {
  uint32_t line, column, end_line, end_column;
  std::string level, message;
  int code;
};

class Shellcheck {
 public:
  explicit Shellcheck(std::string exe) : exe_(std::move(exe)) {}

  // nullopt when shellcheck could not be run or its output not read.
  std::optional<std::vector<Finding>> Check(const std::string& shell, const std::string& script) {
    auto key = std::make_pair(shell, script);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    std::optional<std::vector<Finding>> result = RunTool(shell, script);
    cache_.emplace(std::move(key), result);
    return result;
  }

 private:
  std::optional<std::vector<Finding>> RunTool(const std::string& shell, const std::string& script) {
    char path[] = "/tmp/pipec-shellcheck-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return std::nullopt;
    size_t written = 0;
    while (written < script.size()) {
      ssize_t n = write(fd, script.data() + written, script.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    close(fd);
    std::string cmd = fmt::format("'{}' -s {} -f json1 -e {} '{}' 2>/dev/null", exe_, shell,
                                  kExcluded, path);
    std::string out;
    if (FILE* f = popen(cmd.c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
      pclose(f);
    }
    unlink(path);
    nlohmann::json j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("comments") || !j["comments"].is_array()) return std::nullopt;
    std::vector<Finding> findings;
    for (const auto& c : j["comments"]) {
      Finding f;
      f.line = c.value("line", 0u);
      f.column = c.value("column", 0u);
      f.end_line = c.value("endLine", f.line);
      f.end_column = c.value("endColumn", f.column);
      f.level = c.value("level", "warning");
      f.message = c.value("message", "");
      f.code = c.value("code", 0);
      findings.push_back(std::move(f));
    }
    return findings;
  }

  std::string exe_;
  std::map<std::pair<std::string, std::string>, std::optional<std::vector<Finding>>> cache_;
};

Severity LevelSeverity(const std::string& level) {
  if (level == "error") return Severity::Error;
  if (level == "warning") return Severity::Warning;
  return Severity::Info;  // info, style
}

}  // namespace

void CheckShellcheck(RuleContext& ctx) {
  std::string exe = FindOnPath("shellcheck");
  if (exe.empty()) {
    if (Diagnostic* d = ctx.Report(DiagKind::ShellcheckUnavailable, {},
                                   "--shellcheck: shellcheck is not on PATH; no script was "
                                   "checked with it"))
      d->Note({}, "install it (Debian: apt-get install shellcheck) or drop --shellcheck");
    return;
  }
  Shellcheck sc(exe);
  bool failed = false;
  for (const ir::Job& j : ctx.pipeline().jobs) {
    for (const ir::Step& s : j.steps) {
      if (s.kind != ir::Step::Kind::Run) continue;
      std::string shell = s.shell.empty() ? j.shell : s.shell;
      if (shell.empty()) shell = "sh";
      if (shell != "sh" && shell != "bash" && shell != "dash" && shell != "ksh") continue;
      std::string script = ScriptForShellcheck(s.script);
      if (script.find_first_not_of(" \t\r\n") == std::string::npos) continue;
      auto findings = sc.Check(shell, script);
      if (!findings) {
        failed = true;
        continue;
      }
      ScriptMap map(ctx.sources(), s.range, script);
      for (const Finding& f : *findings) {
        Diagnostic* d = ctx.Report(DiagKind::Shellcheck,
                                   map.AtLineColumn(f.line, f.column, f.end_line, f.end_column),
                                   fmt::format("SC{}: {}", f.code, f.message));
        if (!d) return;
        d->severity = LevelSeverity(f.level);
        d->Note({}, fmt::format("https://www.shellcheck.net/wiki/SC{}", f.code));
      }
    }
  }
  if (failed)
    ctx.Report(DiagKind::ShellcheckUnavailable, {},
               fmt::format("--shellcheck: {} failed on some scripts; their findings are missing",
                           exe));
}

}  // namespace pipec::lint
