// `pipec build FILE --target gitlab|github|plan|all [-o DIR] [--check]`: compiles a .pipe
// file and writes the vendor files (.gitlab-ci.yml, .github/workflows/<name>.yml, plan.json)
// and the manifests of what the vendors keep in their settings. Output is byte-identical on
// re-runs; `--check` writes nothing and exits 1 with a unified diff when the files on disk
// differ from what would be generated (the consistency check a CI job runs).
// Child pipelines (`trigger pipeline "x.pipe"`) are compiled too: GitLab includes them as
// child pipelines, GitHub calls them as reusable workflows, the plan embeds them.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include "compiler/driver/command.h"
#include "compiler/driver/lint_yaml.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/report.h"
#include "compiler/emit/github_emitter.h"
#include "compiler/emit/gitlab_emitter.h"
#include "compiler/emit/plan_emitter.h"
#include "compiler/emit/unified_diff.h"
#include "compiler/support/heap.h"

namespace pipec::driver {
namespace {

namespace fs = std::filesystem;

struct BuildArgs {
  std::string file;
  std::string target = "all";
  std::string out_dir = ".";
  bool check = false;
  bool skip_checks = false;
  ReportOptions report;
};

struct Targets {
  bool gitlab = false, github = false, plan = false;
};

// One compiled pipeline and its children, keyed by the child path as the parent wrote it.
struct Unit {
  ir::Pipeline pipeline;
  std::string display;  // source path as the header names it
  std::map<std::string, std::unique_ptr<Unit>> children;
};

std::string DisplayPath(const fs::path& source, const fs::path& out_dir) {
  // Relative to the output directory (usually the repository root), so the header is the
  // same wherever the build runs from.
  // A source outside the output directory is named as the user gave it.
  std::error_code ec;
  fs::path rel = fs::relative(fs::absolute(source), fs::absolute(out_dir), ec);
  if (ec || rel.empty() || *rel.begin() == "..") return source.lexically_normal().generic_string();
  return rel.generic_string();
}

std::unique_ptr<Unit> CompileUnit(const fs::path& path, const fs::path& out_dir, const CompileOptions& opts,
                                  Compilation& c, std::vector<std::string>& stack) {
  std::optional<ir::Pipeline> p = CompilePipeFile(path.string(), opts, c);
  if (!p || c.diags.has_errors()) return nullptr;
  auto unit = std::make_unique<Unit>();
  unit->display = DisplayPath(path, out_dir);
  for (const ir::Job& j : p->jobs) {
    if (!j.trigger || j.trigger->kind != ir::TriggerJob::Kind::Pipeline) continue;
    if (unit->children.count(j.trigger->target)) continue;
    fs::path child = path.parent_path() / j.trigger->target;
    std::string key = fs::weakly_canonical(child).string();
    if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
      c.diags.Report(DiagKind::ImportCycle, j.trigger->range,
                     "child pipeline `" + j.trigger->target + "` triggers itself");
      return nullptr;
    }
    stack.push_back(key);
    std::unique_ptr<Unit> sub = CompileUnit(child, out_dir, opts, c, stack);
    stack.pop_back();
    if (!sub) return nullptr;
    unit->children[j.trigger->target] = std::move(sub);
  }
  unit->pipeline = std::move(*p);
  return unit;
}

void EmitUnit(const Unit& u, bool as_child, const Targets& t, emit::EmittedFiles& files, DiagnosticSink& diags) {
  emit::EmitOptions gl, gh;
  gl.source_display = gh.source_display = u.display;
  gl.as_child = gh.as_child = as_child;
  for (const auto& [target, child] : u.children) {
    gl.child_outputs[target] = emit::GitLabPipelinePath(child->pipeline.name, true);
    gh.child_outputs[target] = emit::GitHubWorkflowPath(child->pipeline.name);
    EmitUnit(*child, true, Targets{t.gitlab, t.github, false}, files, diags);
  }
  auto merge = [&](emit::EmittedFiles more) {
    for (auto& [path, text] : more) {
      if (files.count(path) && files[path] != text)
        diags.Report(DiagKind::EmitUnsupported, SourceRange{},
                     "two pipelines would write `" + path + "`; give them different `pipeline` names");
      files[path] = std::move(text);
    }
  };
  if (t.gitlab) merge(emit::EmitGitLab(u.pipeline, gl, diags));
  if (t.github) merge(emit::EmitGitHub(u.pipeline, gh, diags));
}

plan::Plan PlanOf(const Unit& u, DiagnosticSink& diags) {
  plan::Plan plan = emit::LowerToPlan(u.pipeline, diags);
  plan.source = u.display;
  for (plan::Job& job : plan.jobs) {
    if (!job.trigger || job.trigger->kind != plan::ChildKind::Pipeline) continue;
    auto it = u.children.find(job.trigger->target);
    if (it != u.children.end()) job.trigger->plan = std::make_shared<plan::Plan>(PlanOf(*it->second, diags));
  }
  return plan;
}

int CheckFiles(const emit::EmittedFiles& files, const fs::path& out_dir) {
  int drift = 0;
  for (const auto& [rel, text] : files) {
    fs::path path = out_dir / rel;
    std::optional<std::string> disk = ReadFile(path.string());
    std::string diff = emit::UnifiedDiff(disk.value_or(""), text, disk ? "a/" + rel : "/dev/null", "b/" + rel);
    if (diff.empty()) continue;
    ++drift;
    std::cout << diff;
  }
  if (drift) {
    std::cerr << "pipec build --check: " << drift << " generated file(s) differ from the source; run `pipec build` "
              << "and commit the result\n";
    return 1;
  }
  return 0;
}

int WriteFiles(const emit::EmittedFiles& files, const fs::path& out_dir) {
  for (const auto& [rel, text] : files) {
    fs::path path = out_dir / rel;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (std::optional<std::string> disk = ReadFile(path.string()); disk && *disk == text) continue;  // keep mtime
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      std::cerr << "pipec: cannot write " << path.string() << "\n";
      return 2;
    }
  }
  return 0;
}

CommandAction SetupBuildCommand(CLI::App& app) {
  auto args = std::make_shared<BuildArgs>();
  app.add_option("file", args->file, "The .pipe file to build")->required();
  app.add_option("--target,-t", args->target, "What to generate")
      ->check(CLI::IsMember({"gitlab", "github", "plan", "all"}))
      ->capture_default_str();
  app.add_option("-o,--out-dir", args->out_dir, "Where to write (the repository root)")->capture_default_str();
  app.add_flag("--check", args->check, "Write nothing; print a diff and exit 1 when the files on disk differ");
  app.add_flag("--skip-checks", args->skip_checks,
               "Do not run the checker's rules (language errors still stop the build); `pipec check` runs them");
  AddReportOptions(app, args->report);
  return [args]() {
    support::EnableKeepUntilExit();  // the process ends once the files are written (heap.h)
    Targets t;
    t.gitlab = args->target == "gitlab" || args->target == "all";
    t.github = args->target == "github" || args->target == "all";
    t.plan = args->target == "plan" || args->target == "all";
    Compilation c;
    CompileOptions opts;
    opts.enable = args->report.enable;
    opts.run_checks = !args->skip_checks;
    fs::path out_dir(args->out_dir);
    std::vector<std::string> stack{fs::weakly_canonical(args->file).string()};
    std::unique_ptr<Unit> unit = CompileUnit(args->file, out_dir, opts, c, stack);
    emit::EmittedFiles files;
    if (unit) {
      EmitUnit(*unit, false, t, files, c.diags);
      if (t.plan) {
        emit::EmittedFiles plan_files = emit::EmitPlanFiles(PlanOf(*unit, c.diags));
        files.insert(plan_files.begin(), plan_files.end());
      }
    }
    int code = EmitReport(c.diags.diagnostics(), c.sources, args->report);
    if (!unit || code != 0) return code == 0 ? 1 : code;
    code = args->check ? CheckFiles(files, out_dir) : WriteFiles(files, out_dir);
    support::KeepUntilExit(std::move(unit));
    return code;
  };
}

const CommandRegistrar kBuild("build", "Generate GitLab CI, GitHub Actions and native plan files from a .pipe file",
                              20, SetupBuildCommand);

}  // namespace
}  // namespace pipec::driver
