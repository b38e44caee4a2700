#include "compiler/driver/compile.h"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/sema/sema.h"
#include "compiler/emit/plan_emitter.h"
#include "lint/checker.h"

namespace pipec::driver {

std::optional<ir::Pipeline> CompilePipeFile(const std::string& path, const CompileOptions& opts,
                                            Compilation& c) {
  std::optional<ir::Pipeline> p = sema::AnalyzeFile(path, c.sources, c.diags);
  if (!p) return std::nullopt;
  if (opts.run_checks) {
    DiagnosticSink findings;
    lint::CheckOptions co;
    co.enable = opts.enable;
    co.shellcheck = opts.shellcheck;
    lint::RunChecks(*p, c.sources, co, findings);
    std::vector<Diagnostic> all = c.diags.diagnostics();
    for (const Diagnostic& d : findings.diagnostics()) all.push_back(d);
    // Checker errors do not make the IR invalid; callers decide whether to go on.
    c.diags.mutable_diagnostics() = lint::ApplySuppressions(std::move(all), c.sources, &*p);
  }
  return p;
}

namespace {

std::optional<plan::Plan> CompileToPlanRec(const std::string& path, const CompileOptions& opts,
                                           Compilation& c, std::vector<std::string>& stack) {
  std::optional<ir::Pipeline> p = CompilePipeFile(path, opts, c);
  if (!p || c.diags.has_errors()) return std::nullopt;
  plan::Plan plan = emit::LowerToPlan(*p, c.diags);
  // Child pipelines run inline: compile each one and embed its plan.
  for (plan::Job& job : plan.jobs) {
    if (!job.trigger || job.trigger->kind != "pipeline") continue;
    const ir::Job* ij = p->FindJob(job.name);
    std::filesystem::path child = std::filesystem::path(path).parent_path() / job.trigger->target;
    std::string key = std::filesystem::weakly_canonical(child).string();
    if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
      c.diags.Report(DiagKind::ImportCycle, ij ? ij->trigger->range : SourceRange{},
                     fmt::format("child pipeline {} triggers itself", job.trigger->target));
      return std::nullopt;
    }
    stack.push_back(key);
    auto sub = CompileToPlanRec(child.string(), opts, c, stack);
    stack.pop_back();
    if (!sub) return std::nullopt;
    job.trigger->plan = std::make_shared<plan::Plan>(std::move(*sub));
  }
  return plan;
}

}  // namespace

std::optional<plan::Plan> CompileToPlan(const std::string& path, const CompileOptions& opts,
                                        Compilation& c) {
  std::vector<std::string> stack{std::filesystem::weakly_canonical(path).string()};
  return CompileToPlanRec(path, opts, c, stack);
}

}  // namespace pipec::driver
