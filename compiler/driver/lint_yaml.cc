#include "compiler/driver/lint_yaml.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/driver/report.h"
#include "compiler/import/github_reader.h"
#include "compiler/import/gitlab_reader.h"
#include "compiler/ir/ir_json.h"
#include "lint/checker.h"

namespace pipec::driver {

std::optional<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

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

}  // namespace

std::vector<Diagnostic> LintYaml(const std::string& path, import::ConfigKind kind, const LintYamlOptions& args,
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
    co.enable = args.enable;
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


}  // namespace pipec::driver
