#include "compiler/driver/lint_yaml.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/driver/report.h"
#include "compiler/support/file_system.h"
#include "compiler/support/heap.h"
#include "compiler/import/github_reader.h"
#include "compiler/import/gitlab_reader.h"
#include "compiler/ir/ir_json.h"
#include "lint/checker.h"

namespace pipec::driver {

std::optional<std::string> ReadFile(const std::string& path) { return support::RealFileSystem().Read(path); }

namespace {

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
  support::PrepareHeapFor(text->size());
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
    co.disable = args.disable;
    co.shellcheck = args.shellcheck;
    co.repo_root = opts.repo_root;  // the same repository the reader read includes from
    co.fs = opts.fs;
    lint::RunChecks(*p, c.sources, co, findings);
    // The reader reports the vendor's own errors, the checker its rules: no finding is
    // reported twice (lint/rules_graph.cc), so they are simply put together.
    for (const Diagnostic& d : findings.diagnostics()) {
      all.push_back(d);
      ExplainSecret(all.back(), *p);
    }
  }
  return lint::ApplySuppressions(std::move(all), c.sources, p ? &*p : nullptr);
}


}  // namespace pipec::driver
