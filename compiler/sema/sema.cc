#include "compiler/sema/sema.h"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/sema/analyzer.h"
#include "compiler/support/heap.h"

namespace pipec::sema {

std::optional<ir::Pipeline> Analyzer::Run(Module* main) {
  size_t mark = sink_.diagnostics().size();
  if (!main || !main->ast) return std::nullopt;
  main_ = main;
  for (const auto& m : loader_.modules())
    if (m->ast) BuildScope(*m);
  for (const auto& m : loader_.modules())
    if (m->ast) ResolveImports(*m);
  CheckHeader();
  CollectPipelineDecls();
  for (auto& [name, v] : all_vars_) EvalVar(*v);
  for (auto& [name, v] : all_vars_)
    if (v->module == main_ && v->value)
      out_.variables.push_back({name, *v->value, v->decl->name.range});
  BuildSpecs();
  LowerJobs();
  SetStageOrder();
  ComputeTriggers();
  RecordUsage();
  if (sink_.HasErrorsSince(mark)) return std::nullopt;
  ir::ResolveJobIds(out_);
  return std::move(out_);
}

// ---------------------------------------------------------------- reporting
Diagnostic& Analyzer::Report(DiagKind kind, SourceRange r, std::string msg) {
  // Capped per file like syntax errors: one `env` value with 40,000 unknown names must not
  // print 40,000 errors (nor make every writer do 40,000 findings' work).
  if (InfoOf(kind).severity == Severity::Error && r.file != kNoFile) {
    size_t& n = errors_per_file_[r.file];
    if (n >= kMaxErrorsPerFile) {
      if (n++ == kMaxErrorsPerFile)
        sink_.Report(DiagKind::TooManyErrors, r,
                     fmt::format("too many errors in this file; stopping after {}", kMaxErrorsPerFile));
      dropped_ = MakeDiag(kind, r, std::move(msg));  // notes added by the caller go nowhere
      return dropped_;
    }
    ++n;
  }
  return sink_.Report(kind, r, std::move(msg));
}

// Blames the use site when the item comes from a template, with the template line as a note.
Diagnostic& Analyzer::ReportIn(const Env& env, DiagKind kind, SourceRange r, std::string msg) {
  if (env.template_name.empty()) return Report(kind, r, std::move(msg));
  Diagnostic& d =
      Report(kind, env.use_site, fmt::format("{} (in template `{}`)", msg, env.template_name));
  d.Note(r, fmt::format("in template `{}` here", env.template_name));
  return d;
}

void Analyzer::Unknown(const Env* env, SourceRange r, std::string_view what,
                       const std::string& name,
                       const std::vector<std::pair<std::string, SourceRange>>& candidates) {
  std::vector<std::string> names;
  for (const auto& c : candidates) names.push_back(c.first);
  auto close = ClosestNames(name, names);
  std::string msg = fmt::format("unknown {} `{}`", what, name);
  if (!close.empty()) msg += fmt::format("; did you mean `{}`?", close[0]);
  Diagnostic& d =
      env ? ReportIn(*env, DiagKind::UnknownName, r, msg) : Report(DiagKind::UnknownName, r, msg);
  for (const std::string& c : close)
    for (const auto& [n, range] : candidates)
      if (n == c && range.valid()) {
        d.Note(range, fmt::format("`{}` is declared here", n));
        break;
      }
}

void Analyzer::Duplicate(std::string_view what, const std::string& name, SourceRange now,
                         SourceRange before) {
  Report(DiagKind::DuplicateDefinition, now, fmt::format("{} `{}` is declared twice", what, name))
      .Note(before, "first declared here");
}

void Analyzer::RecordUsage() {
  for (const auto& v : vars_)
    if (v->module == main_)
      out_.declarations.push_back({"var", v->decl->name.text, v->decl->name.range, v->used});
  for (const auto& t : templates_)
    if (t->module == main_)
      out_.declarations.push_back({"template", t->decl->name.text, t->decl->name.range, t->used});
  for (const auto& c : caches_)
    if (c->module == main_)
      out_.declarations.push_back({"cache", c->decl->name.text, c->decl->name.range, c->used});
  for (const auto& [n, s] : secrets_) {
    bool used = s.used;
    for (const ir::Job& j : out_.jobs)
      for (const ir::EnvVar& e : j.env)
        if (e.secret == n) used = true;
    out_.declarations.push_back({"secret", n, s.decl->name.range, used});
  }
  std::sort(out_.declarations.begin(), out_.declarations.end(),
            [](const ir::Usage& a, const ir::Usage& b) { return a.range < b.range; });
}

// The analyzer (the modules' ASTs, the job specs) goes to support::KeepUntilExit: a one-shot
// command does not spend time freeing it (support/heap.h).
std::optional<ir::Pipeline> AnalyzeFile(const std::string& path, SourceManager& sm,
                                        DiagnosticSink& sink, const support::FileSystem& fs) {
  auto a = std::make_unique<Analyzer>(sm, sink, fs);
  std::optional<ir::Pipeline> p = a->Run(a->loader().LoadMain(path));
  support::KeepUntilExit(std::move(a));
  return p;
}

std::optional<ir::Pipeline> AnalyzeLoaded(FileId main, SourceManager& sm, DiagnosticSink& sink,
                                          const support::FileSystem& fs) {
  auto a = std::make_unique<Analyzer>(sm, sink, fs);
  std::optional<ir::Pipeline> p = a->Run(a->loader().LoadMainLoaded(main));
  support::KeepUntilExit(std::move(a));
  return p;
}

}  // namespace pipec::sema
