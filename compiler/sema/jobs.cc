// One job's items lowered to an ir::Job (the items of other concerns live in their files).
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <nlohmann/json.hpp>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

void Analyzer::LowerJobs() {
  size_t total = 0;
  for (const JobSpec& s : specs_) total += s.names.size();
  if (total > kMaxJobs) {
    Report(DiagKind::TooManyJobs,
           main_->ast->jobs.empty() ? SourceRange{} : main_->ast->jobs[0].name.range,
           fmt::format("the pipeline expands to {} jobs; the limit is {}", total, kMaxJobs));
    return;
  }
  base_of_.reserve(specs_.size());
  for (JobSpec& s : specs_) base_of_[s.decl->name.text] = &s;
  // Outputs first: consumers need their producers' kinds and paths.
  outputs_.reserve(total);
  for (JobSpec& s : specs_)
    for (size_t c = 0; c < s.names.size(); ++c) outputs_[s.names[c]] = LowerOutputs(s, c);
  out_.jobs.reserve(total);  // an ir::Job is over a kilobyte: no moves as the vector grows
  for (JobSpec& s : specs_) {
    if (!s.ok) continue;
    for (size_t c = 0; c < s.names.size(); ++c) LowerJob(s, c, out_.jobs.emplace_back());
  }
  // Consumers read their producers' outputs from outputs_ while jobs are lowered; now each
  // job takes its own (moved, not copied: outputs_ goes with the analyzer).
  for (ir::Job& job : out_.jobs)
    if (auto it = outputs_.find(job.name); it != outputs_.end()) job.outputs = std::move(it->second);
}

std::vector<ir::Output> Analyzer::LowerOutputs(JobSpec& s, size_t cell) {
  std::map<std::string, const LayerItem*> by_name;
  std::vector<std::string> order;
  for (const LayerItem& li : s.items)
    if (auto* o = std::get_if<ast::OutItem>(&li.item->value)) {
      auto it = by_name.find(o->name.text);
      if (it != by_name.end() && it->second->layer == li.layer) {
        if (cell == 0)
          ReportIn(*li.env, DiagKind::DuplicateDefinition, o->name.range,
                   fmt::format("output `{}` is declared twice", o->name.text))
              .Note(std::get<ast::OutItem>(it->second->item->value).name.range,
                    "first declared here");
        continue;
      }
      if (it == by_name.end()) order.push_back(o->name.text);
      by_name[o->name.text] = &li;
    }
  std::vector<ir::Output> outs;
  outs.reserve(order.size());
  JobCtx ctx;
  ctx.cell = &s.cells[cell];
  for (const std::string& name : order) {
    const LayerItem& li = *by_name[name];
    const auto& o = std::get<ast::OutItem>(li.item->value);
    ir::Output out;
    out.name = name;
    out.kind = *OutputKindOf(o.kind);
    size_t mark = sink_.diagnostics().size();
    ir::Text path = LowerText(o.path, *li.env, &ctx, "an output path");
    bool path_ok = !sink_.HasErrorsSince(mark);
    if (!path.IsLiteral()) {
      if (cell == 0)
        ReportIn(*li.env, DiagKind::InvalidValue, o.path.range,
                 "an output path must be known at compile time (no `git.*` or `inputs.*`)");
    }
    out.path = path.LiteralText();
    if (cell == 0 && path_ok) CheckRelativePath(out.path, o.path.range, *li.env, "an output path");
    out.expire_seconds = o.expire_seconds;
    out.publish = o.publish;
    if (o.expire_seconds && ir::IsValueOutput(out.kind) && cell == 0)
      ReportIn(*li.env, DiagKind::ConflictingItems, li.item->range,
               "`expire` applies to file outputs, not value outputs");
    out.range = o.name.range;
    outs.push_back(std::move(out));
  }
  return outs;
}

void Analyzer::CheckRelativePath(const std::string& p, SourceRange r, const Env& env,
                                 std::string_view what) {
  bool escapes = p.empty() || p[0] == '/' || p == ".." || p.starts_with("../") ||
                 p.find("/../") != std::string::npos || p.ends_with("/..");
  if (escapes)
    ReportIn(env, DiagKind::InvalidValue, r,
             fmt::format("{} must be a relative path inside the workspace, not `{}`", what, p));
}

// GitLab's `rules:changes` is ANDed with the rest of its rule and cannot be negated, ORed
// with another test, or given twice with different paths, so Pipe allows `changed [...]` as
// the whole condition or as one term of its top-level `and`.
void Analyzer::CheckChangedPlacement(ir::Condition& when, const Env& env, bool report) {
  size_t count = ir::CountChanged(when);
  if (count == 0 || (count == 1 && ir::ChangedTerm(when))) return;
  std::function<const ir::Condition*(const ir::Condition&, bool)> misplaced =
      [&](const ir::Condition& c, bool top) -> const ir::Condition* {
    if (c.op == ir::Condition::Op::Changed && !top) return &c;
    bool and_terms = top && c.op == ir::Condition::Op::And;
    for (const ir::Condition& a : c.args)
      if (const ir::Condition* m = misplaced(a, and_terms)) return m;
    return nullptr;
  };
  const ir::Condition* bad = misplaced(when, true);
  SourceRange at = bad ? bad->range : when.range;
  if (report)
    ReportIn(env, DiagKind::ChangedPlacement, at,
             bad ? "`changed [...]` must be the whole condition or one term of its top-level "
                   "`and` (`when changed [\"api/**\"] and trigger is push`): GitLab's "
                   "`rules:changes` cannot be negated or ORed"
                 : "a condition may test `changed` once; list every path in one "
                   "`changed [...]`: GitLab's `rules:changes` takes one list per rule");
  when = ir::Condition{};  // reported; keep the IR within what the emitters accept
}

void Analyzer::CheckJobRef(const ast::Ident& name, const Env& env) {
  std::vector<std::pair<std::string, SourceRange>> c;
  for (const auto& [n, d] : job_decls_) c.push_back({n, d->name.range});
  Unknown(&env, name.range, "job", name.text, c);
}

// Lowers in place (`job` is new and empty): moving a finished ir::Job into the vector cost a
// few percent of a large file's check.
void Analyzer::LowerJob(JobSpec& s, size_t cell, ir::Job& job) {
  job.name = s.names[cell];
  job.base_name = s.decl->name.text;
  for (const auto& [k, v] : s.cells[cell]) job.matrix[k] = v.ToString();
  job.range = s.decl->name.range;
  job.body_range = s.decl->range;
  job.expanded_from = s.expanded_from;
  std::reverse(job.expanded_from.begin(), job.expanded_from.end());
  JobCtx ctx;
  ctx.cell = &s.cells[cell];

  // Inputs first: their paths can be interpolated anywhere else in the job.
  LowerInputs(s, cell, job, ctx);
  LowerNeeds(s, cell, job);
  LowerStage(s, cell, job);
  LowerSettings(s, cell, job, ctx);
  LowerEnv(s, cell, job, ctx);
  LowerSteps(s, job, ctx);
  LowerCaches(s, cell, job);
  LowerChildTrigger(s, cell, job, ctx);
  LowerRaw(s, job);
  CheckSecretReads(job, s);
}

// Single-valued items: the highest layer wins.
void Analyzer::LowerSettings(JobSpec& s, size_t cell, ir::Job& job, JobCtx& ctx) {
  const bool first_cell = cell == 0;  // report item problems once per job, not per cell
  auto once = [&](auto&& fn) {
    if (first_cell) fn();
  };
  if (auto* li = Last<ast::WhenItem>(s)) {
    job.when = LowerCond(*std::get<ast::WhenItem>(li->item->value).cond, *li->env, job, first_cell);
    CheckChangedPlacement(*job.when, *li->env, first_cell);
  }
  if (auto* li = Last<ast::RunWhenItem>(s)) {
    const std::string& w = std::get<ast::RunWhenItem>(li->item->value).value;
    job.manual = w == "manual";  // a person starts it; otherwise as `on success`
    job.run_when = w == "always"       ? ir::RunWhen::Always
                   : w == "on_failure" ? ir::RunWhen::OnFailure
                                       : ir::RunWhen::OnSuccess;
  }
  if (auto* li = Last<ast::ImageItem>(s)) {
    const ast::Expr& e = std::get<ast::ImageItem>(li->item->value).value;
    if (e.kind == ast::Expr::Kind::String)
      job.image = LowerText(e.str, *li->env, &ctx, "an image name");
    else if (auto v = EvalTyped(e, ir::Type{TypeKind::String}, *li->env, "`image`"))
      job.image = ir::Text::Of(v->string_value);
  }
  if (auto* li = Last<ast::ServicesItem>(s))
    for (const auto& sv : std::get<ast::ServicesItem>(li->item->value).values)
      job.services.push_back(LowerText(sv, *li->env, &ctx, "a service image").LiteralText());
  if (auto* li = Last<ast::RunnerItem>(s))
    for (const auto& sv : std::get<ast::RunnerItem>(li->item->value).values)
      job.runner.push_back(LowerText(sv, *li->env, &ctx, "a runner label").LiteralText());
  if (auto* li = Last<ast::ShellItem>(s)) {
    job.shell = std::get<ast::ShellItem>(li->item->value).value.Flat();
    static const std::set<std::string> shells = {"sh", "bash", "pwsh", "python", "python3"};
    if (!shells.count(job.shell))
      once([&] {
        ReportIn(*li->env, DiagKind::InvalidValue, li->item->range,
                 fmt::format("unknown shell `{}`; use sh, bash, pwsh or python", job.shell));
      });
  }
  if (auto* li = Last<ast::TimeoutItem>(s)) {
    job.timeout_seconds = std::get<ast::TimeoutItem>(li->item->value).seconds;
    if (*job.timeout_seconds <= 0)
      once([&] {
        ReportIn(*li->env, DiagKind::InvalidValue, li->item->range,
                 "a timeout must be longer than 0s");
      });
  }
  if (auto* li = Last<ast::RetryItem>(s)) {
    int64_t r = std::get<ast::RetryItem>(li->item->value).count;
    if (r > 2)
      once([&] {
        ReportIn(*li->env, DiagKind::InvalidValue, li->item->range,
                 fmt::format("retry {} is more than the 2 retries GitLab allows", r));
      });
    job.retry = static_cast<int>(std::min<int64_t>(r, 2));
  }
  if (Last<ast::AllowFailureItem>(s)) job.allow_failure = true;
  if (auto* li = Last<ast::EnvironmentItem>(s)) {
    const auto& e = std::get<ast::EnvironmentItem>(li->item->value);
    ir::Environment env;
    env.name = e.name.text;
    if (e.url) env.url = LowerText(*e.url, *li->env, &ctx, "an environment URL").LiteralText();
    env.manual_approval = e.manual_approval;
    env.range = li->item->range;
    job.environment = env;
  }
}

// Scripts: the runs of the highest layer that has any replace the lower layers' runs.
// `setup` and `teardown` compose instead: every layer's setups run before the runs, lowest
// layer first (default, the innermost base template, ..., the job); teardowns run after,
// in the opposite order, so what a layer set up is still there when its teardown runs.
void Analyzer::LowerSteps(JobSpec& s, ir::Job& job, JobCtx& ctx) {
  int run_layer = -1;
  for (const LayerItem& li : s.items)
    if (std::holds_alternative<ast::RunItem>(li.item->value))
      run_layer = std::max(run_layer, li.layer);
  auto step_of = [&](const LayerItem& li, const ast::StringLit& script, ir::Step::Phase phase) {
    ir::Step step;
    step.kind = ir::Step::Kind::Run;
    step.phase = phase;
    step.script = LowerText(script, *li.env, &ctx, "a script");
    step.range = script.range;
    step.script_line_locs = script.line_locs;
    job.steps.push_back(std::move(step));
  };
  for (const LayerItem& li : s.items)
    if (auto* r = std::get_if<ast::SetupItem>(&li.item->value))
      step_of(li, r->script, ir::Step::Phase::Setup);
  for (const LayerItem& li : s.items) {
    if (li.layer != run_layer) continue;
    if (auto* r = std::get_if<ast::RunItem>(&li.item->value))
      step_of(li, r->script, ir::Step::Phase::Main);
  }
  std::vector<int> layers;
  for (const LayerItem& li : s.items)
    if (std::holds_alternative<ast::TeardownItem>(li.item->value) &&
        std::find(layers.begin(), layers.end(), li.layer) == layers.end())
      layers.push_back(li.layer);
  std::sort(layers.rbegin(), layers.rend());
  for (int layer : layers)
    for (const LayerItem& li : s.items)
      if (auto* r = std::get_if<ast::TeardownItem>(&li.item->value); r && li.layer == layer)
        step_of(li, r->script, ir::Step::Phase::Teardown);
}

// `uses cache`.
void Analyzer::LowerCaches(JobSpec& s, size_t cell, ir::Job& job) {
  const bool first_cell = cell == 0;
  for (const LayerItem& li : s.items)
    if (auto* u = std::get_if<ast::UsesCacheItem>(&li.item->value))
      for (const ast::Ident& c : u->caches) {
        ast::QualifiedName q;
        q.parts.push_back(c);
        q.range = c.range;
        CacheSym* sym = scopes_[li.env->module].caches.count(c.text)
                            ? scopes_[li.env->module].caches[c.text]
                            : nullptr;
        if (!sym) {
          if (first_cell) Lookup(li.env->module, q, &ModuleScope::caches, "cache", li.env.get());
          continue;
        }
        sym->used = true;
        std::string cname = CacheName(*sym);
        if (std::find(job.caches.begin(), job.caches.end(), cname) == job.caches.end())
          job.caches.push_back(cname);
      }
}

// Child pipelines and cross-project triggers.
void Analyzer::LowerChildTrigger(JobSpec& s, size_t cell, ir::Job& job, JobCtx& ctx) {
  const bool first_cell = cell == 0;
  auto once = [&](auto&& fn) {
    if (first_cell) fn();
  };
  const LayerItem* trig_pipe = Last<ast::TriggerPipelineItem>(s);
  const LayerItem* trig_proj = Last<ast::TriggerProjectItem>(s);
  if (trig_pipe || trig_proj) {
    if (trig_pipe && trig_proj)
      once([&] {
        Report(DiagKind::ConflictingItems, trig_proj->item->range,
               "a job triggers either a pipeline or a project, not both");
      });
    bool runs = std::any_of(job.steps.begin(), job.steps.end(), [](const ir::Step& st) {
      return st.phase == ir::Step::Phase::Main;
    });
    if (runs)
      once([&] {
        Report(DiagKind::ConflictingItems, s.decl->name.range,
               fmt::format("job `{}` triggers another pipeline, so it cannot also `run` scripts",
                           s.decl->name.text));
      });
    // A trigger job runs no script: `setup`/`teardown` of `default` do not apply to it (as
    // GitLab's default before_script/after_script), and written for it they are an error.
    for (const LayerItem& li : s.items) {
      bool hook = std::holds_alternative<ast::SetupItem>(li.item->value) ||
                  std::holds_alternative<ast::TeardownItem>(li.item->value);
      if (hook && li.layer > 0 && !runs)
        once([&] {
          ReportIn(*li.env, DiagKind::ConflictingItems, li.item->range,
                   fmt::format("job `{}` triggers another pipeline and runs no script, so it "
                               "cannot have `{}`",
                               s.decl->name.text, li.item->Keyword()));
        });
    }
    std::erase_if(job.steps, [](const ir::Step& st) { return st.phase != ir::Step::Phase::Main; });
    ir::TriggerJob t;
    if (trig_pipe) {
      const auto& tp = std::get<ast::TriggerPipelineItem>(trig_pipe->item->value);
      t.kind = ir::TriggerJob::Kind::Pipeline;
      t.target = tp.path.Flat();
      t.range = trig_pipe->item->range;
      std::error_code ec;
      std::filesystem::path child = std::filesystem::path(trig_pipe->env->module->dir) / t.target;
      if (first_cell && !std::filesystem::is_regular_file(child, ec))
        ReportIn(
            *trig_pipe->env, DiagKind::ImportError, tp.path.range,
            fmt::format("child pipeline {} does not exist (paths are relative to {})", t.target,
                        trig_pipe->env->module->dir.empty() ? std::string("this file")
                                                            : trig_pipe->env->module->dir));
      for (const auto& in : tp.inputs) {
        if (in.value.kind == ast::Expr::Kind::String)
          t.inputs[in.name.text] =
              LowerText(in.value.str, *trig_pipe->env, &ctx, "a child pipeline input");
        else if (auto v = Eval(in.value, *trig_pipe->env, "a child pipeline input"))
          t.inputs[in.name.text] = ir::Text::Of(v->ToString());
      }
    } else {
      const auto& tp = std::get<ast::TriggerProjectItem>(trig_proj->item->value);
      t.kind = ir::TriggerJob::Kind::Project;
      t.target = tp.project.Flat();
      if (tp.branch) t.branch = tp.branch->Flat();
      t.range = trig_proj->item->range;
    }
    job.trigger = t;
  }
}

// Raw vendor keys: merged, higher layers win.
void Analyzer::LowerRaw(JobSpec& s, ir::Job& job) {
  for (const LayerItem& li : s.items)
    if (auto* r = std::get_if<ast::RawItem>(&li.item->value)) {
      nlohmann::json& into = r->vendor == "gitlab" ? job.raw_gitlab : job.raw_github;
      for (auto& [k, v] : r->value.get().items()) into[k] = nlohmann::json::parse(v.dump());
    }
}

}  // namespace pipec::sema
