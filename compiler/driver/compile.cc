#include "compiler/driver/compile.h"

#include "compiler/driver/compile_checks.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include "compiler/ir/verify.h"
#include "compiler/support/heap.h"
#include "compiler/sema/sema.h"
#include "compiler/syntax/source_reader.h"
#include "compiler/emit/plan_emitter.h"
#include "lint/checker.h"

namespace pipec::driver {

namespace {

// The checks every compile runs after sema (unless opts.run_checks is off).
std::optional<ir::Pipeline> RunChecks(std::optional<ir::Pipeline> p, const CompileOptions& opts,
                                      Compilation& c) {
  if (!p) return std::nullopt;
  if (!c.diags.has_errors()) VerifyFrontEnd(p, "sema");
  if (opts.run_checks) {
    DiagnosticSink findings;
    lint::CheckOptions co;
    co.enable = opts.enable;
    co.disable = opts.disable;
    co.shellcheck = opts.shellcheck;
    lint::RunChecks(*p, c.sources, co, findings);
    std::vector<Diagnostic> all = c.diags.diagnostics();
    for (const Diagnostic& d : findings.diagnostics()) all.push_back(d);
    // Checker errors do not make the IR invalid; callers decide whether to go on.
    c.diags.mutable_diagnostics() = lint::ApplySuppressions(std::move(all), c.sources, &*p);
  }
  return p;
}

}  // namespace

void VerifyFrontEnd(const std::optional<ir::Pipeline>& p, std::string_view front_end) {
  if (!p || !ir::VerifyRequested()) return;
  std::vector<std::string> broken = ir::Verify(*p);
  if (broken.empty()) return;
  std::fprintf(stderr, "pipec: internal error: the IR from %.*s breaks its contract (docs/ir.md):\n",
               static_cast<int>(front_end.size()), front_end.data());
  for (const std::string& b : broken) std::fprintf(stderr, "  - %s\n", b.c_str());
  std::exit(70);
}

std::optional<ir::Pipeline> CompilePipeFile(const std::string& path, const CompileOptions& opts,
                                            Compilation& c) {
  std::error_code size_error;
  uintmax_t bytes = std::filesystem::file_size(path, size_error);
  if (!size_error) support::PrepareHeapFor(static_cast<size_t>(bytes));
  return RunChecks(sema::AnalyzeFile(path, c.sources, c.diags), opts, c);
}

std::optional<ir::Pipeline> CompileLoaded(FileId main, const CompileOptions& opts, Compilation& c) {
  return RunChecks(sema::AnalyzeLoaded(main, c.sources, c.diags), opts, c);
}

bool CheckWrittenPipe(const std::string& name, std::string pipe, Compilation& c) {
  size_t before = c.diags.error_count();
  std::optional<FileId> file = syntax::AddSourceText(name, std::move(pipe), c.sources, c.diags);
  if (file) CompileLoaded(*file, CompileOptions{}, c);
  return c.diags.error_count() == before;
}

namespace {

std::optional<plan::Plan> CompileToPlanRec(const std::string& path, const CompileOptions& opts,
                                           Compilation& c, std::vector<std::string>& stack) {
  std::optional<ir::Pipeline> p = CompilePipeFile(path, opts, c);
  if (!p || c.diags.has_errors()) return std::nullopt;
  plan::Plan plan = emit::LowerToPlan(*p, c.diags);
  // Child pipelines run inline: compile each one and embed its plan.
  for (plan::Job& job : plan.jobs) {
    if (!job.trigger || job.trigger->kind != plan::ChildKind::Pipeline) continue;
    const ir::Job* ij = p->FindJob(job.name);
    std::filesystem::path child = std::filesystem::path(path).parent_path() / job.trigger->target;
    std::string key = std::filesystem::weakly_canonical(child).string();
    if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
      c.diags.Report(DiagKind::ImportCycle, ij ? ij->trigger->range : SourceRange{},
                     fmt::format("child pipeline `{}` triggers itself", job.trigger->target));
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

void CheckChildPipelines(const std::string& path, const ir::Pipeline& p, Compilation& c) {
  namespace fs = std::filesystem;
  // Depth-first over the files the triggers name; `stack` is the chain from `path`.
  std::vector<std::string> stack{fs::weakly_canonical(path).string()};
  std::set<std::string> done;
  std::function<bool(const std::string&, const ir::Pipeline&)> walk =
      [&](const std::string& file, const ir::Pipeline& pipeline) -> bool {
    for (const ir::Job& job : pipeline.jobs) {
      if (!job.trigger || job.trigger->kind != ir::TriggerJob::Kind::Pipeline) continue;
      fs::path child = fs::path(file).parent_path() / job.trigger->target;
      std::string key = fs::weakly_canonical(child).string();
      if (std::find(stack.begin(), stack.end(), key) != stack.end()) return false;
      if (!done.insert(key).second) continue;
      Compilation scratch;
      std::optional<ir::Pipeline> sub = sema::AnalyzeFile(child.string(), scratch.sources, scratch.diags);
      if (!sub) continue;  // its errors are reported when it is checked or built itself
      stack.push_back(key);
      bool ok = walk(child.string(), *sub);
      stack.pop_back();
      if (!ok) return false;
    }
    return true;
  };
  for (const ir::Job& job : p.jobs) {
    if (!job.trigger || job.trigger->kind != ir::TriggerJob::Kind::Pipeline) continue;
    fs::path child = fs::path(path).parent_path() / job.trigger->target;
    std::string key = fs::weakly_canonical(child).string();
    bool cycle = key == stack[0];
    if (!cycle) {
      Compilation scratch;
      std::optional<ir::Pipeline> sub = sema::AnalyzeFile(child.string(), scratch.sources, scratch.diags);
      if (sub) {
        stack.push_back(key);
        cycle = !walk(child.string(), *sub);
        stack.pop_back();
      }
    }
    if (cycle)
      c.diags.Report(DiagKind::ImportCycle, job.trigger->range,
                     fmt::format("child pipeline `{}` triggers itself", job.trigger->target));
  }
}

std::optional<plan::Plan> CompileToPlan(const std::string& path, const CompileOptions& opts,
                                        Compilation& c) {
  std::vector<std::string> stack{std::filesystem::weakly_canonical(path).string()};
  return CompileToPlanRec(path, opts, c, stack);
}

}  // namespace pipec::driver
