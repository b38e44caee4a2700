// `pipec lint PATH...`: check .pipe files, .gitlab-ci.yml files (with local includes) and
// GitHub workflows; directories are searched. YAML is read into the IR (compiler/import/), so
// the checker's rules apply to it as to .pipe files, with YAML line and column. docs/lint.md.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "compiler/driver/command.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/report.h"
#include "compiler/import/detect.h"
#include "compiler/import/github_reader.h"
#include "compiler/import/gitlab_reader.h"
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

// Checker findings that repeat what the importer already said in the vendor's own words.
bool SameProblem(DiagKind checker, DiagKind importer) {
  switch (checker) {
    case DiagKind::NeedLaterStage: return importer == DiagKind::GlNeedLaterStage;
    case DiagKind::DuplicateNeeds:
      return importer == DiagKind::GlDuplicateNeeds || importer == DiagKind::GhDuplicateJob;
    case DiagKind::TooManyNeeds: return importer == DiagKind::GlTooManyNeeds;
    case DiagKind::UnknownNeed:
      return importer == DiagKind::GlUndefinedNeed || importer == DiagKind::GhUnknownNeed;
    default: return false;
  }
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

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

// In YAML, secrets are guessed (docs/lint.md): a secret finding says what made the name one (the
// first secret it is about, in declaration order).
void ExplainSecret(Diagnostic& d, const ir::Pipeline& p) {
  if (d.subject.secrets.empty()) return;
  for (const ir::Secret& s : p.secrets) {
    if (std::find(d.subject.secrets.begin(), d.subject.secrets.end(), s.name) == d.subject.secrets.end()) continue;
    d.Note(s.range, fmt::format("{} is treated as a secret because of: {}", s.name, s.origin));
    return;
  }
}

// Lints one YAML config; returns its findings after suppressions.
std::vector<Diagnostic> LintYaml(const std::string& path, import::ConfigKind kind, const LintArgs& args,
                                 Compilation& c) {
  std::vector<Diagnostic> out;
  std::optional<std::string> text = ReadFile(path);
  if (!text) {
    Diagnostic d = MakeDiag(DiagKind::FileNotFound, {}, fmt::format("cannot read {}", path));
    out.push_back(d);
    return out;
  }
  FileId file = c.sources.AddFile(path, std::move(*text));
  import::ImportOptions opts;
  opts.repo_root = args.root.empty() ? import::RepoRootFor(path, kind) : args.root;
  opts.secrets = args.secrets;
  DiagnosticSink sink;
  std::optional<ir::Pipeline> p = kind == import::ConfigKind::GitHub ? import::ReadGitHub(file, c.sources, sink, opts)
                                                                     : import::ReadGitLab(file, c.sources, sink, opts);
  VerifyFrontEnd(p, kind == import::ConfigKind::GitHub ? "the GitHub importer" : "the GitLab importer");
  std::vector<Diagnostic> all = sink.diagnostics();
  if (p && args.dump_ir) std::cout << ir::DumpJson(*p, c.sources);
  if (p) {
    DiagnosticSink findings;
    lint::CheckOptions co;
    co.enable = args.report.enable;
    co.shellcheck = args.shellcheck;
    lint::RunChecks(*p, c.sources, co, findings);
    for (const Diagnostic& d : findings.diagnostics()) {
      bool repeated = std::any_of(all.begin(), all.end(), [&](const Diagnostic& mine) {
        if (!SameProblem(d.kind, mine.kind)) return false;
        return mine.range.begin.line == d.range.begin.line;
      });
      if (repeated) continue;
      all.push_back(d);
      ExplainSecret(all.back(), *p);
    }
  }
  return lint::ApplySuppressions(std::move(all), c.sources, p ? &*p : nullptr);
}

CommandAction Setup(CLI::App& app) {
  auto args = std::make_shared<LintArgs>();
  app.add_option("paths", args->paths, "Files or directories: .pipe, .gitlab-ci.yml, .github/workflows/*.yml")
      ->required();
  AddReportOptions(app, args->report);
  app.add_option("--secret", args->secrets, "Treat the variable NAME as a secret; repeatable");
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
        opts.shellcheck = args->shellcheck;
        std::optional<ir::Pipeline> p = CompilePipeFile(path, opts, c);
        if (p && args->dump_ir) std::cout << ir::DumpJson(*p, c.sources);
        for (Diagnostic& d : c.diags.mutable_diagnostics()) all.push_back(std::move(d));
        c.diags.mutable_diagnostics() = std::move(before);
        continue;
      }
      for (Diagnostic& d : LintYaml(path, kind, *args, c)) all.push_back(std::move(d));
    }
    return EmitReport(std::move(all), c.sources, args->report);
  };
}

const CommandRegistrar kLint("lint", "Check .pipe files, .gitlab-ci.yml and GitHub workflows", 20, Setup);

}  // namespace
}  // namespace pipec::driver
