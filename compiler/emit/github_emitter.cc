#include "compiler/emit/github_emitter.h"
#include "compiler/emit/discard_diagnostics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "compiler/emit/ci_condition.h"
#include "compiler/emit/cron_utc.h"
#include "compiler/emit/emit_util.h"
#include "compiler/emit/github_expr.h"
#include "compiler/emit/glob.h"
#include "compiler/emit/matrix_fold.h"
#include "compiler/emit/names.h"
#include "compiler/emit/text_lowering.h"
#include "compiler/emit/yaml_writer.h"

namespace pipec::emit {

std::string GitHubWorkflowPath(const std::string& pipeline_name) {
  return ".github/workflows/" + pipeline_name + ".yml";
}

std::string GitHubSettingsManifestPath(const std::string& pipeline_name) {
  return ".github/pipec/" + pipeline_name + ".settings.json";
}

namespace {

// GitHub-hosted runner labels; any other label needs a self-hosted runner.
const std::set<std::string> kHostedLabels = {
    "ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04", "ubuntu-20.04", "windows-latest",
    "windows-2025", "windows-2022", "windows-2019", "macos-latest", "macos-15", "macos-14",
    "macos-13", "ubuntu-24.04-arm", "ubuntu-22.04-arm"};

// Secrets used to start another repository's pipeline (`trigger project`).
constexpr const char* kDispatchSecret = "PIPEC_DISPATCH_TOKEN";

std::string InputType(const ir::Type& t) {
  switch (t.kind) {
    case ir::TypeKind::Bool: return "boolean";
    case ir::TypeKind::Int:
    case ir::TypeKind::Float: return "number";
    default: return "string";
  }
}

Doc TypedDefault(const ir::Value& v) {
  switch (v.type.kind) {
    case ir::TypeKind::Bool: return v.int_value != 0;
    case ir::TypeKind::Int: return v.int_value;
    case ir::TypeKind::Float: return v.float_value;
    default: return v.ToString();
  }
}

std::string ServiceId(const std::string& image) {
  std::string name = image;
  if (size_t at = name.find('@'); at != std::string::npos) name.resize(at);
  if (size_t slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
  if (size_t colon = name.find(':'); colon != std::string::npos) name.resize(colon);
  return GitHubIdFor(name);
}

class GitHubEmitter {
 public:
  GitHubEmitter(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags)
      : p_(p), opts_(opts), diags_(&diags), ids_(p, GitHubIdFor, {}) {}

  Doc Workflow() {
    Doc doc = Doc::object();
    doc["name"] = p_.name;
    doc["on"] = On();
    doc["permissions"] = Doc{{"contents", "read"}};
    Doc env = Doc::object();
    for (const ir::Variable* v : RuntimeVariables(p_)) env[v->name] = v->value.ToString();
    if (!env.empty()) doc["env"] = env;
    Doc jobs_doc = Doc::object();
    ObjectKeys jobs(jobs_doc);
    std::map<size_t, const MatrixGroup*> group_at;
    std::set<size_t> folded_cells;
    std::vector<MatrixGroup> groups = FoldMatrices(
        p_, "GitHub Actions", [&](const ir::Job& j) { return Scratch([&] { return Job(j); }); }, *diags_);
    for (const MatrixGroup& g : groups) {
      group_at[g.cells[0]] = &g;
      for (size_t i : g.cells) {
        folded_cells.insert(i);
        ids_.Alias(p_.jobs[i].name, GitHubIdFor(g.base));
      }
    }
    IndexStages();
    IndexChanges();
    if (!changed_outputs_.empty()) jobs[changes_id_] = ChangesJob();
    for (size_t i = 0; i < p_.jobs.size(); ++i) {
      const ir::Job& j = p_.jobs[i];
      if (j.hidden) continue;
      if (auto it = group_at.find(i); it != group_at.end()) {
        Doc strategy = Doc{{"fail-fast", false}, {"matrix", GitHubMatrix(*it->second)}};
        Doc job = Job(it->second->templ);
        job = InsertAfter(job, job.contains("if") ? "if" : "needs", "strategy", strategy);
        RenderPlaceholders(job, [](const std::string& key) { return "${{ matrix." + key + " }}"; });
        jobs[GitHubIdFor(it->second->base)] = job;
        continue;
      }
      if (folded_cells.count(i)) continue;
      jobs[ids_.Of(j.name)] = Job(j);
    }
    AddBarriers(jobs);
    doc["jobs"] = std::move(jobs_doc);
    MergeRaw(doc, p_.raw_github, "github", "the workflow", SourceRange{}, *diags_);
    return doc;
  }

  std::string SettingsManifest() {
    using Json = nlohmann::ordered_json;
    Json secrets = Json::array();
    for (const ir::Secret& s : p_.secrets) {
      Json j = Json::object();
      j["name"] = s.name;
      j["scope"] = s.environment.empty() ? "repository" : "environment";
      if (!s.environment.empty()) j["environment"] = s.environment;
      if (s.file) j["delivered_as"] = "file";
      secrets.push_back(j);
    }
    if (dispatch_used_)
      secrets.push_back(Json{{"name", kDispatchSecret},
                             {"scope", "repository"},
                             {"purpose", "a token allowed to start workflows in the projects this pipeline triggers"}});
    Json envs = Json::array();
    std::set<std::string> seen;
    for (const ir::Job& j : p_.jobs) {
      if (!j.environment || !seen.insert(j.environment->name).second) continue;
      Json e = Json::object();
      e["name"] = j.environment->name;
      if (!j.environment->url.empty()) e["url"] = j.environment->url;
      e["required_reviewers"] = j.environment->manual_approval;
      envs.push_back(e);
    }
    if (secrets.empty() && envs.empty()) return "";
    Json m = Json::object();
    m["version"] = 1;
    m["generated_by"] = "pipec";
    m["source"] = opts_.source_display;
    m["pipeline"] = p_.name;
    m["what"] = "repository settings this workflow relies on (Settings > Secrets and variables, Environments); "
                "values are never written by pipec";
    m["secrets"] = secrets;
    m["environments"] = envs;
    return m.dump(2) + "\n";
  }

 private:
  GitHubExprContext Ctx() {
    return GitHubExprContext{p_, ids_, opts_.as_child, *diags_, changes_id_, &changed_outputs_};
  }

  // `changed [...]` (docs/targets.md): GitHub filters paths per workflow only, so a first job
  // diffs the event's commits and gives one output per path list, `true` when a file matching
  // it changed; the jobs test it in `if:`. git's `:(glob)` pathspecs match as GitLab's
  // `changes:` does (PortablePathGlob). Without a diff (tags, schedules, manual and dispatched
  // runs, a new branch, a base not in the history) every list counts as changed, as on GitLab.
  void IndexChanges() {
    std::set<std::string> used_ids, used_outputs;
    for (const ir::Job& j : p_.jobs) used_ids.insert(ids_.Of(j.name));
    for (const ir::Job& j : p_.jobs) {
      const ir::Condition* c = ir::ChangedTerm(*j.when);
      if (j.hidden || !c || j.raw_github.contains("if") || changed_outputs_.count(c->paths)) continue;
      std::string name = ids_.Of(j.name);
      for (int n = 2; used_outputs.count(name); ++n) name = ids_.Of(j.name) + "_" + std::to_string(n);
      used_outputs.insert(name);
      changed_outputs_[c->paths] = name;
    }
    if (changed_outputs_.empty()) return;
    changes_id_ = "changes";
    for (int n = 2; used_ids.count(changes_id_); ++n) changes_id_ = "changes-" + std::to_string(n);
  }

  Doc ChangesJob() {
    std::string script =
        "# The commits to diff: a pull request's, or a push's since the branch's previous tip.\n"
        "base=\n"
        "case \"$EVENT\" in\n"
        "  pull_request) base=$PR_BASE ;;\n"
        "  push) case \"$REF\" in refs/tags/*) ;; *) base=$BEFORE ;; esac ;;\n"
        "esac\n"
        "case \"$base\" in *[!0]*) ;; *) base= ;; esac  # none, or a new branch (all zeros)\n"
        "if [ -n \"$base\" ] && ! git cat-file -e \"$base^{commit}\" 2>/dev/null; then base=; fi\n"
        "changed() {\n"
        "  if [ -z \"$base\" ]; then echo true\n"
        "  elif git diff --quiet \"$base...HEAD\" -- \"$@\"; then echo false\n"
        "  else echo true\n"
        "  fi\n"
        "}\n";
    std::vector<std::pair<std::string, const std::vector<std::string>*>> lists;
    for (const auto& [paths, name] : changed_outputs_) lists.push_back({name, &paths});
    std::sort(lists.begin(), lists.end());
    Doc outputs = Doc::object();
    for (const auto& [name, paths] : lists) {
      std::string specs;
      for (const std::string& path : *paths) {
        std::string spec = PortablePathGlob(path);
        spec.insert(0, ":(glob)");
        specs += ' ';
        specs += ShellQuote(spec);
      }
      script += "echo \"" + name + "=$(changed" + specs + ")\" >> \"$GITHUB_OUTPUT\"\n";
      outputs[name] = "${{ steps.diff.outputs." + name + " }}";
    }
    Doc env = Doc::object();
    env["EVENT"] = "${{ github.event_name }}";
    env["REF"] = "${{ github.ref }}";
    env["BEFORE"] = "${{ github.event.before }}";
    env["PR_BASE"] = "${{ github.event.pull_request.base.sha }}";
    Doc job = Doc::object();
    job["name"] = "which files changed";
    job["runs-on"] = "ubuntu-latest";
    job["outputs"] = outputs;
    job["steps"] = Doc::array(
        {Doc{{"uses", kCheckoutAction}, {"with", Doc{{"fetch-depth", 0}, {"persist-credentials", false}}}},
         Doc{{"id", "diff"}, {"env", env}, {"run", script}}});
    return job;
  }

  // Runs `fn` with diagnostics going nowhere (trial emission of matrix cells).
  template <typename Fn>
  Doc Scratch(Fn fn) {
    DiscardDiagnostics quiet(diags_);
    return fn();
  }

  Doc On() {
    Doc on = Doc::object();
    if (opts_.as_child) {
      Doc inputs = Doc::object();
      for (const ir::Trigger& t : p_.triggers)
        for (const ir::Param& param : t.inputs) {
          Doc in = Doc::object();
          in["type"] = "string";  // the parent passes text; scripts read it as text anyway
          in["required"] = !param.default_value.has_value();
          if (param.default_value) in["default"] = param.default_value->ToString();
          inputs[param.name] = in;
        }
      Doc call = Doc::object();
      if (!inputs.empty()) call["inputs"] = inputs;
      on["workflow_call"] = call;
      return on;
    }
    Doc push = Doc::object();
    std::vector<const ir::Trigger*> schedules;
    for (const ir::Trigger& t : p_.triggers) {
      switch (t.kind) {
        case ir::TriggerKind::Push:
          push["branches"] = t.branches.empty() ? std::vector<std::string>{"**"} : t.branches;
          if (!t.paths.empty()) push["paths"] = t.paths;
          break;
        case ir::TriggerKind::Tag:
          if (!push.contains("tags")) push["tags"] = Doc::array();
          push["tags"].push_back(t.tag_pattern.empty() ? "**" : t.tag_pattern);
          break;
        case ir::TriggerKind::MergeRequest: {
          Doc pr = Doc::object();
          if (!t.targets.empty()) pr["branches"] = t.targets;
          on["pull_request"] = pr;
          break;
        }
        case ir::TriggerKind::Schedule: schedules.push_back(&t); break;
        case ir::TriggerKind::Manual: on["workflow_dispatch"] = Dispatch(t); break;
        case ir::TriggerKind::Webhook: {
          if (!on.contains("repository_dispatch")) on["repository_dispatch"] = Doc{{"types", Doc::array()}};
          on["repository_dispatch"]["types"].push_back(t.name);
          if (!t.inputs.empty())
            diags_->Report(DiagKind::EmitUntypedInputs, t.range,
                          "GitHub's repository_dispatch carries an untyped `client_payload`; the inputs of "
                          "webhook `" + t.name + "` are read from it unchecked");
          break;
        }
      }
    }
    if (!push.empty()) {
      // Only tags given: keep branch pushes out. Paths filters do not apply to tags.
      Doc ordered = Doc::object();
      for (const char* k : {"branches", "tags", "paths"})
        if (push.contains(k)) ordered[k] = push[k];
      on["push"] = ordered;
    }
    if (!schedules.empty()) {
      Doc list = Doc::array();
      std::map<std::string, std::string> crons;
      for (const ir::Trigger* t : schedules) {
        if (t->cron.empty()) {
          diags_->Report(DiagKind::EmitUnsupported, t->range,
                         "schedule `" + t->name + "` has no `cron`: GitHub takes schedules from the "
                         "workflow file only; give it one (`on schedule " + t->name + " cron \"0 3 * * *\"`)")
              .severity = Severity::Error;
          continue;
        }
        std::string cron = UtcCron(*t);
        list.push_back(Doc{{"cron", cron}});
        if (auto [it, fresh] = crons.emplace(cron, t->name); !fresh)
          diags_->Report(DiagKind::EmitScheduleAmbiguous, t->range,
                        "schedules `" + it->second + "` and `" + t->name + "` share the cron `" + cron +
                            "`; GitHub jobs cannot tell them apart and run for both");
      }
      if (!list.empty()) on["schedule"] = list;
    }
    if (on.empty()) on["workflow_dispatch"] = Doc::object();  // a pipeline without triggers runs on demand
    ManualInputs(on);
    Doc ordered = Doc::object();
    for (const char* k : {"push", "pull_request", "schedule", "workflow_dispatch", "repository_dispatch"})
      if (on.contains(k)) ordered[k] = on[k];
    return ordered;
  }

  // GitHub runs crons in UTC: a schedule in a zone with a fixed offset becomes the same
  // instants in UTC; a zone with daylight saving gets standard time, with a warning.
  std::string UtcCron(const ir::Trigger& t) {
    UtcSchedule utc = ScheduleInUtc(t.cron, t.timezone);
    if (!utc.problem.empty())
      diags_->Report(DiagKind::EmitScheduleTimezone, t.range,
                     "GitHub runs schedules in UTC; schedule `" + t.name + "` (`" + t.cron + "` in " +
                         t.timezone + ") cannot be moved to UTC (" + utc.problem +
                         ") and runs at that time in UTC instead");
    if (utc.daylight_saving) {
      int h = std::abs(utc.standard_minutes) / 60, m = std::abs(utc.standard_minutes) % 60;
      diags_->Report(DiagKind::EmitScheduleTimezone, t.range,
                     fmt::format("GitHub runs schedules in UTC and {} observes daylight saving; schedule `{}` "
                                 "(`{}`) is written as `{}`, its time in standard time (UTC{}{:02}:{:02}), "
                                 "so it runs an hour off while daylight saving time is in effect",
                                 t.timezone, t.name, t.cron, utc.cron,
                                 utc.standard_minutes < 0 ? "-" : "+", h, m));
    }
    return utc.cron;
  }

  static std::string ManualInputName(const ir::Job& j) { return "run_" + GitHubIdFor(j.base_name); }

  // One boolean `workflow_dispatch` input per manual job: checking it when starting the
  // workflow by hand is GitHub's way to start that job.
  void ManualInputs(Doc& on) {
    std::set<std::string> done;
    for (const ir::Job& j : p_.jobs) {
      if (!j.manual || j.hidden || !done.insert(ManualInputName(j)).second) continue;
      if (!on.contains("workflow_dispatch") || on["workflow_dispatch"].is_null()) on["workflow_dispatch"] = Doc::object();
      Doc& dispatch = on["workflow_dispatch"];
      if (!dispatch.contains("inputs")) dispatch["inputs"] = Doc::object();
      dispatch["inputs"][ManualInputName(j)] =
          Doc{{"description", "start the manual job " + j.base_name}, {"type", "boolean"}, {"default", false}};
      diags_->Report(DiagKind::EmitManualJob, j.range,
                     "GitHub has no manual jobs: `" + j.base_name + "` runs when the workflow is started by hand "
                     "(Run workflow) with `" + ManualInputName(j) + "` checked; other runs skip it")
          .severity = Severity::Note;
    }
  }

  Doc Dispatch(const ir::Trigger& t) {
    Doc d = Doc::object();
    if (t.inputs.empty()) return d;
    Doc inputs = Doc::object();
    for (const ir::Param& param : t.inputs) {
      Doc in = Doc::object();
      in["description"] = param.name + " (" + ir::TypeName(param.type) + ")";
      in["type"] = InputType(param.type);
      in["required"] = !param.default_value.has_value();
      if (param.default_value) in["default"] = TypedDefault(*param.default_value);
      inputs[param.name] = in;
    }
    d["inputs"] = inputs;
    return d;
  }

  std::string IfExpr(const ir::Job& j) {
    // An `if:` kept verbatim (`raw github { if: ... }`, as `pipec import` writes it) decides.
    if (j.raw_github.contains("if")) return "";
    std::string cond = GitHubConditionExpr(Ctx(), *j.when);
    if (!TestsTrigger(*j.when) && TriggerRestricted(p_, j)) {
      std::string trig = GitHubTriggersExpr(Ctx(), j.active_triggers);
      cond = cond == "true" ? trig : "(" + trig + ") && (" + cond + ")";
    }
    // GitHub has no manual jobs: a person starts one by dispatching the workflow with its
    // `run_<job>` input checked (ManualInputs()); that run is the dispatch, whatever triggers
    // the job has elsewhere, so only the rest of its condition is kept.
    if (j.manual) {
      cond = TestsTrigger(*j.when) ? "true" : GitHubConditionExpr(Ctx(), *j.when);
      std::string started = "github.event_name == 'workflow_dispatch' && inputs." + ManualInputName(j) + " == true";
      cond = cond == "true" ? started : "(" + cond + ") && " + started;
    }
    std::string status;
    if (j.run_when == ir::RunWhen::OnFailure) status = "failure()";
    if (j.run_when == ir::RunWhen::Always) status = "always()";
    // GitHub skips a job when a needed job was skipped. A stage edge only orders jobs
    // (the earlier job may not run under this trigger), so such jobs run unless something
    // failed, and still require success of the jobs they read data from.
    // An optional need (`needs optional x`) is the same: x skipped (not in this run) does not
    // hold the job back, x failed does; its other needs must succeed.
    bool optional_needs = std::any_of(j.needs.begin(), j.needs.end(),
                                      [](const ir::Need& n) { return n.optional && n.Hard(); });
    if (status.empty() && (!StageNeeds(j).empty() || optional_needs)) {
      std::set<std::string> data;
      for (const ir::Need& n : j.needs)
        if (n.Hard() && !n.optional) data.insert(n.job);
      for (const ir::InputRef& in : j.inputs) data.insert(in.job);
      std::vector<std::string> cond_jobs;
      CollectOutputJobs(*j.when, cond_jobs);
      data.insert(cond_jobs.begin(), cond_jobs.end());
      for (const ir::Need& n : j.needs)
        if (n.origin == ir::Need::Origin::Data) data.insert(n.job);
      status = "!cancelled() && !failure()";
      for (const ir::Need& n : j.needs)
        if (const ir::Job* d = n.optional ? p_.JobAt(n.job_id) : nullptr; d && ReadsOutputs(*d->when))
          diags_->Report(DiagKind::EmitUnsupported, n.range.valid() ? n.range : j.range,
                         "`" + n.job + "` decides at run time whether it runs (its condition reads a value); "
                         "GitHub cannot tell that skip from its absence, so `" + j.name +
                         "` goes on when it is skipped, where `pipec run` and GitLab skip `" + j.name + "` too")
              .severity = Severity::Note;
      std::set<std::string> data_ids;
      for (const std::string& d : data) data_ids.insert(ids_.Of(d));
      if (ir::ChangedTerm(*j.when) && !changes_id_.empty()) data_ids.insert(changes_id_);
      for (const std::string& id : data_ids) status += " && needs." + id + ".result == 'success'";
    }
    if (status.empty()) return cond == "true" ? "" : cond;
    return cond == "true" ? status : status + " && (" + cond + ")";
  }

  Doc Needs(const ir::Job& j) {
    Doc needs = Doc::array();
    std::set<std::string> listed, ids;  // IR names, and job ids (folded cells share one)
    for (const std::string& id : StageNeeds(j))
      if (ids.insert(id).second) needs.push_back(id);
    for (const ir::Need& n : j.needs) {
      listed.insert(n.job);
      if (ids.insert(ids_.Of(n.job)).second) needs.push_back(ids_.Of(n.job));
    }
    if (ir::ChangedTerm(*j.when) && !changes_id_.empty() && ids.insert(changes_id_).second)
      needs.push_back(changes_id_);
    std::vector<std::string> cond_jobs;
    CollectOutputJobs(*j.when, cond_jobs);
    for (const ir::InputRef& in : j.inputs) cond_jobs.push_back(in.job);
    for (const std::string& dep : cond_jobs) {
      if (!listed.insert(dep).second) continue;
      diags_->Report(DiagKind::EmitImplicitNeed, j.range,
                    "job `" + j.name + "` reads from `" + dep +
                        "`; GitHub exposes a job's outputs only to jobs that need it, so the need is added");
      if (ids.insert(ids_.Of(dep)).second) needs.push_back(ids_.Of(dep));
    }
    return needs;
  }

  // Stage order, which GitHub lacks. A job that waits for the earlier stages needs their jobs
  // directly while they are few (kDirectStageNeeds); past that it needs the barrier job of
  // the stage before it, which needs that stage's jobs and the barrier before it. So the
  // workflow grows with jobs + stages, never with pairs of jobs.
  static constexpr size_t kDirectStageNeeds = 8;

  void IndexStages() {
    std::map<std::string_view, size_t> index;
    for (size_t s = 0; s < p_.stages.size(); ++s) index.emplace(p_.stages[s], s);
    stage_ids_.assign(p_.stages.size(), {});
    std::set<std::string> seen, used;
    for (const ir::Job& j : p_.jobs) {
      if (j.hidden) continue;
      std::string id = ids_.Of(j.name);
      used.insert(id);
      if (auto it = index.find(j.stage); it != index.end() && seen.insert(id).second)
        stage_ids_[it->second].push_back(id);
    }
    ids_before_stage_.assign(p_.stages.size() + 1, 0);
    for (size_t s = 0; s < p_.stages.size(); ++s)
      ids_before_stage_[s + 1] = ids_before_stage_[s] + stage_ids_[s].size();
    barrier_ids_.clear();
    for (const std::string& stage : p_.stages) {
      std::string id = "stage-" + GitHubIdFor(stage) + "-done";
      for (int n = 2; used.count(id); ++n) id = "stage-" + GitHubIdFor(stage) + "-done-" + std::to_string(n);
      used.insert(id);
      barrier_ids_.push_back(id);
    }
    barrier_used_.assign(p_.stages.size(), false);
  }

  std::vector<std::string> StageNeeds(const ir::Job& j) {
    if (!j.after_stages) return {};
    auto it = std::find(p_.stages.begin(), p_.stages.end(), j.stage);
    if (it == p_.stages.end() || stage_ids_.empty()) return {};
    size_t k = static_cast<size_t>(it - p_.stages.begin());
    if (ids_before_stage_[k] == 0) return {};
    if (ids_before_stage_[k] <= kDirectStageNeeds) {
      std::vector<std::string> out;
      for (size_t s = 0; s < k; ++s) out.insert(out.end(), stage_ids_[s].begin(), stage_ids_[s].end());
      return out;
    }
    return {Barrier(k - 1)};
  }

  // The barrier job that stands for "every job of stages 0..s finished"; an empty stage
  // stands for the barrier before it.
  std::string Barrier(size_t s) {
    while (s > 0 && stage_ids_[s].empty()) --s;
    barrier_used_[s] = true;
    if (s > 0 && ids_before_stage_[s] > 0) Barrier(s - 1);
    return barrier_ids_[s];
  }

  void AddBarriers(ObjectKeys& jobs) {
    for (size_t s = 0; s < barrier_used_.size(); ++s) {
      if (!barrier_used_[s]) continue;
      Doc needs = Doc::array();
      for (const std::string& id : stage_ids_[s]) needs.push_back(id);
      if (s > 0 && ids_before_stage_[s] > 0) needs.push_back(Barrier(s - 1));
      Doc job = Doc::object();
      job["name"] = "stage " + p_.stages[s] + " done";
      job["needs"] = needs;
      // Skipped jobs do not hold a stage back; a failure does (failure() sees every ancestor).
      job["if"] = "!cancelled() && !failure()";
      job["runs-on"] = "ubuntu-latest";
      job["steps"] = Doc::array({Doc{{"run", "echo 'every job of stage " + p_.stages[s] + " and the earlier stages finished'"}}});
      jobs[barrier_ids_[s]] = job;
    }
  }

  Doc RunsOn(const ir::Job& j) {
    if (j.runner.empty()) return "ubuntu-latest";
    // A label the run decides (`${{ matrix.os }}`, a folded matrix value) is not judged: the
    // values may well be GitHub-hosted labels, and a self-hosted runner needs no extra label.
    bool hosted = std::all_of(j.runner.begin(), j.runner.end(), [](const std::string& l) {
      return kHostedLabels.count(l) > 0 || l.find("${{") != std::string::npos ||
             l.find(MatrixPlaceholder("")[0]) != std::string::npos;
    });
    std::vector<std::string> labels = j.runner;
    if (!hosted && std::find(labels.begin(), labels.end(), "self-hosted") == labels.end()) {
      labels.insert(labels.begin(), "self-hosted");
      diags_->Report(DiagKind::EmitUnsupported, j.range,
                    "runner labels of `" + j.name + "` name no GitHub-hosted runner; the job asks for a "
                    "self-hosted runner with them")
          .severity = Severity::Note;
    }
    if (labels.size() == 1) return labels[0];
    return labels;
  }

  Doc UploadStep(const ir::Job& j, const ir::Output& o) {
    Doc with = Doc::object();
    std::string name = ArtifactName(j.name, o.name);
    if (!j.matrix.empty() && j.name == j.base_name)  // a folded matrix: one artifact per cell
      for (const auto& [k, v] : j.matrix) name += "-" + MatrixPlaceholder(k);
    with["name"] = name;
    with["path"] = o.path;
    with["if-no-files-found"] = "error";
    if (o.expire_seconds) {
      int64_t days = std::clamp<int64_t>((*o.expire_seconds + 86399) / 86400, 1, 90);
      if (days * 86400 != *o.expire_seconds)
        diags_->Report(DiagKind::EmitUnsupported, o.range,
                      "GitHub keeps artifacts for whole days (1 to 90); output `" + o.name + "` of `" + j.name +
                          "` is kept " + std::to_string(days) + " day(s)")
            .severity = Severity::Note;
      with["retention-days"] = days;
    }
    Doc step = Doc::object();
    step["name"] = "Upload " + o.name;
    step["uses"] = kUploadArtifactAction;
    step["with"] = with;
    return step;
  }

  void DownloadSteps(const ir::Job& j, Doc& steps, std::vector<std::string>& moves) {
    for (const ir::InputRef& in : j.inputs) {
      if (ir::IsValueOutput(in.kind)) continue;
      const ir::Output* o = FindOutput(p_, in.job_id, in.output);
      std::string producer_path = o ? o->path : in.path;
      std::string dest = in.path.empty() ? producer_path : in.path;
      std::string dir;
      if (in.kind == ir::OutputKind::Dir) {
        dir = dest;
      } else if (Basename(producer_path) == Basename(dest)) {
        dir = Dirname(dest);
      } else {
        // The artifact holds the file under the producer's name: fetch it aside, then move.
        dir = ".pipec/in/" + in.name;
        moves.push_back((Dirname(dest).empty() ? "" : "mkdir -p " + ShellQuote(Dirname(dest)) + " && ") +
                        "mv " + ShellQuote(dir + "/" + Basename(producer_path)) + " " + ShellQuote(dest));
      }
      Doc with = Doc::object();
      with["name"] = ArtifactName(in.job, in.output);
      with["path"] = dir.empty() ? "." : dir;
      Doc step = Doc::object();
      step["name"] = "Download " + in.name;
      step["uses"] = kDownloadArtifactAction;
      step["with"] = with;
      steps.push_back(step);
    }
  }

  // Release builds start clean: a tag run restores entries of the default branch's cache
  // scope, which any run on that branch can write (docs/rules/cache-poisoning.md). A job that
  // runs only for tags gets no cache steps; one that also runs for tags skips them there.
  void CacheSteps(const ir::Job& j, Doc& before, Doc& after) {
    bool for_tags = std::find(j.active_triggers.begin(), j.active_triggers.end(), "tag") != j.active_triggers.end();
    if (for_tags && j.active_triggers.size() == 1) return;
    for (const std::string& name : j.caches) {
      const ir::Cache* c = p_.FindCache(name);
      if (!c) continue;
      std::string key = c->key.empty() ? c->name : c->key;
      key += "-${{ runner.os }}";
      if (!c->key_files.empty()) {
        std::string files;
        for (const std::string& f : c->key_files) files += (files.empty() ? "" : ", ") + GitHubString(f);
        key += "-${{ hashFiles(" + files + ") }}";
      }
      std::string paths;
      for (const std::string& path : c->paths) paths += (paths.empty() ? "" : "\n") + path;
      Doc with = Doc{{"path", paths}, {"key", key}};
      Doc step = Doc::object();
      step["name"] = "Cache " + c->name;
      if (for_tags) step["if"] = "${{ !startsWith(github.ref, 'refs/tags/') }}";
      if (c->policy == "pull") {
        step["uses"] = kCacheRestoreAction;
      } else if (c->policy == "push") {
        step["uses"] = kCacheSaveAction;
      } else {
        step["uses"] = kCacheAction;
      }
      step["with"] = with;
      (c->policy == "push" ? after : before).push_back(step);
    }
  }

  std::string Shell(const ir::Job& j) {
    if (j.shell.empty() || j.shell == "sh") return "sh";
    if (j.shell == "bash" || j.shell == "pwsh" || j.shell == "python" || j.shell == "powershell" ||
        j.shell == "cmd")
      return j.shell;
    return j.shell + " {0}";
  }

  Doc TriggerJob(const ir::Job& j, Doc& out) {
    const ir::TriggerJob& t = *j.trigger;
    if (t.kind == ir::TriggerJob::Kind::Pipeline) {
      auto it = opts_.child_outputs.find(t.target);
      std::string path = it != opts_.child_outputs.end() ? it->second : t.target;
      out["uses"] = "./" + path;
      if (!t.inputs.empty()) {
        Doc with = Doc::object();
        for (const auto& [k, v] : t.inputs) with[k] = LowerTextGitHubExpr(p_, v, t.range, *diags_);
        out["with"] = with;
      }
      out["secrets"] = "inherit";
      return out;
    }
    // Another repository: a repository_dispatch it can listen to (`on webhook pipec`).
    dispatch_used_ = true;
    diags_->Report(DiagKind::EmitUnsupported, t.range,
                  "GitHub cannot start another repository's workflow natively; `" + j.name +
                      "` sends a repository_dispatch event `pipec` to `" + t.target + "` with the secret " +
                      kDispatchSecret)
        .severity = Severity::Note;
    out["runs-on"] = "ubuntu-latest";
    Doc env = Doc::object();
    env["GH_TOKEN"] = std::string("${{ secrets.") + kDispatchSecret + " }}";
    std::string script = "gh api " + ShellQuote("repos/" + t.target + "/dispatches") + " -f event_type=pipec";
    if (!t.branch.empty()) script += " -f " + ShellQuote("client_payload[branch]=" + t.branch);
    out["steps"] = Doc::array({Doc{{"name", "Start " + t.target}, {"env", env}, {"run", script}}});
    return out;
  }

  Doc Job(const ir::Job& j) {
    Doc out = Doc::object();
    std::string id = ids_.Of(j.name);
    if (id != j.name) out["name"] = j.name;
    Doc needs = Needs(j);
    if (!needs.empty()) out["needs"] = needs;
    std::string cond = IfExpr(j);
    if (!cond.empty()) out["if"] = cond;
    if (j.trigger) {
      TriggerJob(j, out);
      MergeRaw(out, j.raw_github, "github", "job `" + j.name + "`", j.range, *diags_);
      return out;
    }
    out["runs-on"] = RunsOn(j);
    if (j.environment) {
      Doc env = Doc::object();
      env["name"] = j.environment->name;
      if (!j.environment->url.empty()) env["url"] = j.environment->url;
      out["environment"] = env;
      if (j.environment->manual_approval)
        diags_->Report(DiagKind::EmitApprovalInSettings, j.environment->range.valid() ? j.environment->range : j.range,
                      "GitHub asks for approval through a protection rule (required reviewers) on environment `" +
                          j.environment->name + "`, set in the repository settings; see " +
                          GitHubSettingsManifestPath(p_.name));
    }
    if (j.timeout_seconds) out["timeout-minutes"] = (*j.timeout_seconds + 59) / 60;
    if (j.allow_failure) out["continue-on-error"] = true;
    if (j.retry > 0)
      diags_->Report(DiagKind::EmitUnsupported, j.range,
                    "GitHub Actions has no job retry; `retry " + std::to_string(j.retry) + "` of `" + j.name +
                        "` is not applied (re-run failed jobs from the UI)");
    if (!j.image.parts.empty()) out["container"] = LowerTextGitHubExpr(p_, j.image, j.range, *diags_);
    if (!j.services.empty()) {
      Doc services = Doc::object();
      for (const std::string& image : j.services) {
        std::string sid = ServiceId(image);
        for (int n = 2; services.contains(sid); ++n) sid = ServiceId(image) + "_" + std::to_string(n);
        services[sid] = Doc{{"image", image}};
      }
      out["services"] = services;
    }
    Doc env = Doc::object();
    Doc file_secret_steps = Doc::array();
    for (const ir::EnvVar& e : j.env) {
      if (e.secret.empty()) {
        env[e.name] = LowerTextGitHubExpr(p_, e.value, e.range, *diags_);
        continue;
      }
      const ir::Secret* s = p_.FindSecret(e.secret);
      std::string ref = "${{ secrets." + e.secret + " }}";
      if (s && s->file) {
        // GitHub secrets are values; a file secret is written to the runner's temp dir.
        std::string holder = "PIPEC_SECRET_" + EnvName(e.secret);
        std::string script = "umask 077 && printf '%s' \"${" + holder + "}\" > \"${RUNNER_TEMP}/" + e.secret +
                             "\" && echo \"" + e.name + "=${RUNNER_TEMP}/" + e.secret + "\" >> \"${GITHUB_ENV}\"";
        file_secret_steps.push_back(Doc{{"name", "Write file secret " + e.secret},
                                        {"env", Doc{{holder, ref}}},
                                        {"shell", "sh"},
                                        {"run", script}});
        continue;
      }
      env[e.name] = ref;
    }
    // Values of upstream jobs, under the names every target uses.
    std::set<std::pair<std::string, std::string>> values;
    for (const ir::InputRef& in : j.inputs)
      if (ir::IsValueOutput(in.kind)) values.insert({in.job, in.output});
    for (const auto& [job, output] : values)
      env[ValueVarName(job, output)] = "${{ needs." + ids_.Of(job) + ".outputs." + output + " }}";

    Doc steps = Doc::array();
    steps.push_back(Doc{{"uses", kCheckoutAction}});
    for (const Doc& s : file_secret_steps) steps.push_back(s);
    std::vector<std::string> moves;
    DownloadSteps(j, steps, moves);
    Doc cache_after = Doc::array();
    CacheSteps(j, steps, cache_after);
    std::vector<std::string> prep = moves;
    for (const std::string& line : ValueInputLines(j)) prep.push_back(line);
    std::string shell = Shell(j);
    if (!prep.empty()) {
      std::string script;
      for (const std::string& line : prep) script += line + "\n";
      steps.push_back(Doc{{"name", "Restore inputs"}, {"shell", "sh"}, {"run", script}});
    }
    // A job's script runs in one shell, as on GitLab and under `pipec run`: consecutive
    // `run` items become one `run:` step, so `cd` and `export` carry over from one item to
    // the next, and the step's shell (`sh -e`, or bash `-eo pipefail`) stops at the first
    // failing command. Only a `uses` step, or an imported step with its own id, `if:`, env
    // or shell, starts a new step.
    Doc run_step;
    std::string run_script;
    bool have_run = false;
    std::vector<std::string> run_names;
    std::map<std::string, std::string> run_env;
    auto flush = [&] {
      if (!have_run) return;
      if (run_names.size() == 1) run_step["name"] = run_names[0];
      if (run_names.size() > 1) {
        std::string joined;
        for (const std::string& n : run_names) joined += (joined.empty() ? "" : "; ") + n;
        run_step["name"] = joined;
      }
      if (!run_env.empty()) run_step["env"] = run_env;
      run_step["shell"] = shell;
      run_step["run"] = run_script;
      steps.push_back(run_step);
      run_step = Doc::object();
      run_script.clear();
      have_run = false;
      run_names.clear();
      run_env.clear();
    };
    run_step = Doc::object();
    // Teardown (`setup` steps are the first of the run script) is a step of its own that
    // runs whatever happened before it and cannot fail the job, as GitLab's after_script.
    std::string teardown_script;
    std::map<std::string, std::string> teardown_env;
    for (const ir::Step& s : j.steps) {
      if (s.phase == ir::Step::Phase::Teardown && s.kind == ir::Step::Kind::Run) {
        std::string script = LowerTextGitHubRun(p_, s.script, s.range, *diags_, teardown_env);
        if (!teardown_script.empty() && teardown_script.back() != '\n') teardown_script += '\n';
        teardown_script += script;
        continue;
      }
      bool own_step = s.kind == ir::Step::Kind::Uses || !s.id.empty() || !s.condition.empty() ||
                      !s.env.empty() || (!s.shell.empty() && s.shell != j.shell);
      if (own_step) flush();
      if (s.kind == ir::Step::Kind::Uses) {
        Doc step = Doc::object();
        if (!s.name.empty()) step["name"] = s.name;
        step["uses"] = s.uses;
        if (!s.with.empty()) step["with"] = s.with;
        steps.push_back(step);
        continue;
      }
      std::string script = LowerTextGitHubRun(p_, s.script, s.range, *diags_, run_env);
      if (have_run && (run_script.empty() || run_script.back() != '\n')) run_script += '\n';
      run_script += script;
      have_run = true;
      if (!s.name.empty()) run_names.push_back(s.name);
      if (own_step) flush();
    }
    flush();
    if (!teardown_script.empty()) {
      Doc step{{"name", "Teardown"}, {"if", "always()"}, {"continue-on-error", true}};
      if (!teardown_env.empty()) step["env"] = teardown_env;
      step["shell"] = shell;
      step["run"] = teardown_script;
      steps.push_back(step);
    }
    Doc outputs = Doc::object();
    std::string collect;
    for (const ir::Output& o : j.outputs) {
      if (!ir::IsValueOutput(o.kind)) continue;
      collect += "printf '%s=%s\\n' " + ShellQuote(o.name) + " \"$(cat " + ShellQuote(o.path) +
                 ")\" >> \"${GITHUB_OUTPUT}\"\n";
      outputs[o.name] = "${{ steps.pipec-values.outputs." + o.name + " }}";
    }
    if (!collect.empty())
      steps.push_back(Doc{{"name", "Publish values"}, {"id", "pipec-values"}, {"shell", "sh"}, {"run", collect}});
    for (const ir::Output& o : j.outputs) {
      if (ir::IsValueOutput(o.kind)) continue;
      if (ir::IsReportOutput(o.kind))
        diags_->Report(DiagKind::EmitUnsupported, o.range,
                      "GitHub Actions has no " + std::string(ir::OutputKindName(o.kind)) + " report; `" + o.name +
                          "` of `" + j.name + "` is uploaded as an artifact")
            .severity = Severity::Note;
      steps.push_back(UploadStep(j, o));
    }
    for (const Doc& s : cache_after) steps.push_back(s);
    if (!env.empty()) out["env"] = env;
    if (!outputs.empty()) out["outputs"] = outputs;
    out["steps"] = steps;
    MergeRaw(out, j.raw_github, "github", "job `" + j.name + "`", j.range, *diags_);
    return out;
  }

  const ir::Pipeline& p_;
  const EmitOptions& opts_;
  DiagnosticSink* diags_;
  JobNames ids_;
  std::string changes_id_;  // IndexChanges
  std::map<std::vector<std::string>, std::string> changed_outputs_;
  std::vector<std::vector<std::string>> stage_ids_;  // job ids per stage, in job order
  std::vector<size_t> ids_before_stage_;             // ids in the stages before stage s
  std::vector<std::string> barrier_ids_;
  std::vector<bool> barrier_used_;
  bool dispatch_used_ = false;
};

}  // namespace

namespace {

// What to set up on GitHub so a webhook starts the workflow: the repository dispatch call
// with its event type and inputs.
void ReportGitHubWebhookCalls(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags) {
  if (opts.as_child) return;
  for (const ir::Trigger& t : p.triggers) {
    if (t.kind != ir::TriggerKind::Webhook) continue;
    std::string payload;
    for (const ir::Param& param : t.inputs)
      payload += (payload.empty() ? "" : ", ") + ("\"" + param.name + "\": \"...\"");
    diags.Report(DiagKind::EmitSettingsManifest, t.range,
                 "GitHub runs webhook `" + t.name + "` on a repository dispatch of event type `" + t.name +
                     "`: call `curl --fail -X POST -H \"Authorization: Bearer $TOKEN\" "
                     "https://api.github.com/repos/OWNER/REPO/dispatches -d '{\"event_type\": \"" + t.name +
                     "\", \"client_payload\": {" + payload + "}}'` with a token that may write the "
                     "repository's contents");
  }
}

}  // namespace

EmittedFiles EmitGitHub(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags) {
  EmittedFiles files;
  ReportGitHubWebhookCalls(p, opts, diags);
  GitHubEmitter emitter(p, opts, diags);
  files[GitHubWorkflowPath(p.name)] = WriteYaml(emitter.Workflow(), GeneratedHeader(opts), true);
  if (std::string m = emitter.SettingsManifest(); !m.empty()) files[GitHubSettingsManifestPath(p.name)] = m;
  return files;
}

}  // namespace pipec::emit
