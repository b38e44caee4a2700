// `pipec lint PATH...`: check .pipe files, .gitlab-ci.yml files (with local includes) and
// GitHub workflows; directories are searched. YAML is read into the IR (compiler/import/), so
// the checker's rules apply to it as to .pipe files, with YAML line and column. docs/lint.md.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "compiler/driver/command.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/lint_yaml.h"
#include "compiler/driver/report.h"
#include "compiler/import/detect.h"
#include "compiler/ir/ir_json.h"
#include "lint/checker.h"
#include "runtime/subprocess.h"

namespace pipec::driver {
namespace {

struct LintArgs {
  std::vector<std::string> paths;
  ReportOptions report;
  std::vector<std::string> secrets;
  std::string root;
  std::string vendor = "auto";
  bool dump_ir = false;
  bool shellcheck = false;
};

// Drops the files git ignores under `dir` (generated copies, vendored trees); keeps all of
// them when `dir` is not in a git work tree or git cannot be run.
std::vector<std::string> WithoutGitIgnored(const std::string& dir, std::vector<std::string> files) {
  std::string listed;
  if (runtime::RunCapture({"git", "-C", dir, "ls-files", "--others", "--ignored", "--exclude-standard",
                           "--directory", "-z"},
                          ".", &listed) != 0)
    return files;
  std::vector<std::string> ignored;  // relative to dir; directories end in '/'
  for (size_t at = 0; at < listed.size();) {
    size_t end = listed.find('\0', at);
    if (end == std::string::npos) end = listed.size();
    if (end > at) ignored.push_back(listed.substr(at, end - at));
    at = end + 1;
  }
  if (ignored.empty()) return files;
  std::erase_if(files, [&](const std::string& f) {
    std::string rel = std::filesystem::path(f).lexically_relative(dir).generic_string();
    return std::any_of(ignored.begin(), ignored.end(), [&](const std::string& g) {
      return rel == g || (!g.empty() && g.back() == '/' && rel.rfind(g, 0) == 0);
    });
  });
  return files;
}

CommandAction SetupLintCommand(CLI::App& app) {
  auto args = std::make_shared<LintArgs>();
  app.add_option("paths", args->paths, "Files or directories: .pipe, .gitlab-ci.yml, .github/workflows/*.yml")
      ->required();
  AddReportOptions(app, args->report);
  app.add_option("--secret", args->secrets, "Treat the variable NAME as a secret; repeatable")
      ->allow_extra_args(false);
  app.add_option("--root", args->root, "Repository root for local includes and reusable workflows");
  app.add_option("--vendor", args->vendor, "How to read YAML files that are not named after a vendor")
      ->check(CLI::IsMember({"auto", "gitlab", "github"}))
      ->capture_default_str();
  app.add_flag("--dump-ir", args->dump_ir, "Print each pipeline's IR as JSON");
  app.add_flag("--shellcheck", args->shellcheck, "Run shellcheck on every script");
  return [args]() {
    Compilation c;
    std::vector<Diagnostic> all;
    std::vector<std::pair<std::string, import::ConfigKind>> inputs;
    for (const std::string& path : args->paths) {
      std::error_code ec;
      if (std::filesystem::is_directory(path, ec)) {
        std::vector<std::string> found = WithoutGitIgnored(path, import::FindConfigs(path));
        if (found.empty()) std::cerr << "pipec lint: no CI configuration found under " << path << "\n";
        for (const std::string& f : found) inputs.emplace_back(f, import::ClassifyConfig(f, ReadFile(f).value_or("")));
        continue;
      }
      if (!std::filesystem::exists(path, ec)) {
        std::cerr << "pipec lint: " << path << ": no such file or directory\n";
        return 2;
      }
      import::ConfigKind kind = import::ClassifyConfig(path, ReadFile(path).value_or(""));
      if (kind == import::ConfigKind::GitLab || kind == import::ConfigKind::GitHub) {
        if (args->vendor == "gitlab") kind = import::ConfigKind::GitLab;
        if (args->vendor == "github") kind = import::ConfigKind::GitHub;
      }
      if (kind == import::ConfigKind::Unknown) {
        std::cerr << "pipec lint: " << path << ": not a .pipe file, a .gitlab-ci.yml or a GitHub workflow\n";
        return 2;
      }
      inputs.emplace_back(path, kind);
    }
    if (inputs.empty()) return 2;
    for (const auto& [path, kind] : inputs) {
      if (kind == import::ConfigKind::Pipe) {
        // Compile into a fresh sink: CompilePipeFile applies suppressions to what it holds.
        std::vector<Diagnostic> before = std::move(c.diags.mutable_diagnostics());
        c.diags.mutable_diagnostics().clear();
        CompileOptions opts;
        opts.enable = args->report.enable;
        opts.disable = args->report.disable;
        opts.shellcheck = args->shellcheck;
        std::optional<ir::Pipeline> p = CompilePipeFile(path, opts, c);
        if (p && args->dump_ir) std::cout << ir::DumpJson(*p, c.sources);
        for (Diagnostic& d : c.diags.mutable_diagnostics()) all.push_back(std::move(d));
        c.diags.mutable_diagnostics() = std::move(before);
        continue;
      }
      LintYamlOptions yaml{args->report.enable, args->secrets, args->root, args->dump_ir, args->shellcheck,
                           args->report.disable};
      for (Diagnostic& d : LintYaml(path, kind, yaml, c)) all.push_back(std::move(d));
    }
    return EmitReport(std::move(all), c.sources, args->report);
  };
}

const CommandRegistrar kLint("lint", "Check .pipe files, .gitlab-ci.yml and GitHub workflows", 20, SetupLintCommand);

}  // namespace
}  // namespace pipec::driver
