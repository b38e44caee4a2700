#include "compiler/emit/gitlab_emitter.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "compiler/emit/ci_condition.h"
#include "compiler/emit/discard_diagnostics.h"
#include "compiler/emit/emit_util.h"
#include "compiler/emit/gitlab_manifests.h"
#include "compiler/emit/glob.h"
#include "compiler/emit/matrix_fold.h"
#include "compiler/emit/names.h"
#include "compiler/emit/text_lowering.h"
#include "compiler/emit/yaml_writer.h"
#include "compiler/support/shell_lexer.h"

namespace pipec::emit {

std::string GitLabPipelinePath(const std::string& pipeline_name, bool as_child) {
  return as_child ? ".gitlab/pipec/" + pipeline_name + ".yml" : ".gitlab-ci.yml";
}

namespace {

// Top-level keys GitLab reads as configuration, never as jobs.
const std::vector<std::string> kReservedJobNames = {
    "image",   "services", "stages", "types", "before_script", "after_script", "variables", "cache",
    "include", "true",     "false",  "nil",   "default",       "workflow",     "spec"};

std::string GitLabJobName(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] == '.') out.insert(0, "_");  // a leading dot would hide the job
  if (std::find(kReservedJobNames.begin(), kReservedJobNames.end(), out) != kReservedJobNames.end())
    out += "_job";
  return out;
}

// GitLab's matrix passes each value as a variable, which the shell expands: a value written
// where the shell does not expand `${key}` (single quotes, a quoted heredoc) would print the
// variable's name instead, so such a matrix stays one job per cell.
std::string ScriptPlaceholderNotExpanded(const Doc& job) {
  if (!job.contains("script")) return "";
  for (const Doc& line : job["script"]) {
    if (!line.is_string()) continue;
    std::string text = line.get<std::string>();
    size_t delimiters = 0;  // a placeholder is \x01key\x01
    for (size_t at = text.find('\x01'); at != std::string::npos; at = text.find('\x01', at + 1))
      ++delimiters;
    size_t placeholders = delimiters / 2;
    if (placeholders == 0) continue;
    Doc rendered = line;
    RenderPlaceholders(rendered, [](const std::string& key) { return "${" + key + "}"; });
    std::string script = rendered.get<std::string>();
    size_t expanded = 0;
    auto count = [&](const std::vector<shell::ShellVarRef>& vars) {
      for (const shell::ShellVarRef& v : vars)
        if (script.compare(v.offset, 2, "${") == 0) ++expanded;
    };
    for (const shell::ShellCommand& c : shell::LexShell(script)) {
      for (const shell::ShellWord& w : c.assignments) count(w.vars);
      for (const shell::ShellWord& w : c.words) count(w.vars);
      for (const shell::ShellRedirect& r : c.redirects) {
        count(r.target.vars);
        count(r.heredoc_vars);
      }
    }
    if (expanded < placeholders)
      return "a matrix value is written in a script where the shell would not expand GitLab's "
             "matrix variable (single quotes or a quoted heredoc)";
  }
  return "";
}

class GitLabEmitter {
 public:
  GitLabEmitter(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags)
      : p_(p), opts_(opts), diags_(&diags), names_(p, GitLabJobName, kReservedJobNames) {}

  Doc Pipeline() {
    Doc doc = Doc::object();
    AssignStages();
    if (!p_.stages.empty()) doc["stages"] = p_.stages;
    Doc vars = Variables();
    if (!vars.empty()) doc["variables"] = vars;
    Doc workflow = Workflow();
    if (!workflow.empty()) doc["workflow"] = workflow;
    ObjectKeys keys(doc);
    std::map<size_t, const MatrixGroup*> group_at;
    std::set<size_t> folded_cells;
    std::vector<std::string> job_keys;  // in the order written
    std::vector<MatrixGroup> groups = FoldMatrices(
        p_, "GitLab CI", [&](const ir::Job& j) { return Scratch([&] { return Job(j); }); }, *diags_,
        ScriptPlaceholderNotExpanded);
    for (const MatrixGroup& g : groups) {
      group_at[g.cells[0]] = &g;
      if (auto it = stage_.find(p_.jobs[g.cells[0]].name); it != stage_.end())
        stage_[g.base] = it->second;
      for (size_t i : g.cells) {
        folded_cells.insert(i);
        names_.Alias(p_.jobs[i].name, GitLabJobName(g.base));
      }
    }
    for (size_t i = 0; i < p_.jobs.size(); ++i) {
      const ir::Job& j = p_.jobs[i];
      if (j.hidden) continue;
      if (auto it = group_at.find(i); it != group_at.end()) {
        // One job with parallel:matrix; GitLab exposes each key as a variable.
        Doc job = InsertAfter(Job(it->second->templ), "stage", "parallel",
                              Doc{{"matrix", GitLabMatrix(*it->second)}});
        RenderPlaceholders(job, [](const std::string& key) { return "${" + key + "}"; });
        keys[GitLabJobName(it->second->base)] = job;
        job_keys.push_back(GitLabJobName(it->second->base));
        continue;
      }
      if (folded_cells.count(i)) continue;
      std::string name = names_.Of(j.name);
      if (names_.Renamed(j.name))
        diags_->Report(DiagKind::EmitRenamedJob, j.range,
                       "job `" + j.name + "` is written as `" + name + "` in GitLab CI");
      keys[name] = Job(j);
      job_keys.push_back(name);
    }
    doc = HoistDefaults(std::move(doc), job_keys);
    MergeRaw(doc, p_.raw_gitlab, "gitlab", "the pipeline", SourceRange{}, *diags_);
    return doc;
  }

 private:
  // Runs `fn` with diagnostics going nowhere (trial emission of matrix cells).
  template <typename Fn>
  auto Scratch(Fn fn) -> decltype(fn()) {
    DiscardDiagnostics quiet(diags_);
    return fn();
  }

  // A setting every job has alike (image, cache) is written once under `default:`, as a
  // GitLab author would. Not when a trigger job exists (it takes no image), a job opts out of
  // inheritance, or the pipeline's raw block sets `default` itself.
  Doc HoistDefaults(Doc doc, const std::vector<std::string>& job_keys) {
    if (job_keys.size() < 2 || p_.raw_gitlab.contains("default")) return doc;
    ObjectKeys keys(doc);
    for (const std::string& k : job_keys)
      if (keys[k].contains("trigger") || keys[k].contains("inherit")) return doc;
    Doc defaults = Doc::object();
    for (const char* key : {"image", "cache"}) {
      const Doc& first = keys[job_keys[0]];
      if (!first.contains(key)) continue;
      bool same = std::all_of(job_keys.begin(), job_keys.end(), [&](const std::string& k) {
        return keys[k].contains(key) && keys[k][key] == first[key];
      });
      if (!same) continue;
      defaults[key] = first[key];
      for (const std::string& k : job_keys) keys[k].erase(key);
    }
    if (defaults.empty()) return doc;
    // GitLab's own order: stages, variables, default, workflow, then the jobs.
    Doc out = Doc::object();
    ObjectKeys out_keys(out);
    for (const char* key : {"stages", "variables"})
      if (keys.contains(key)) out_keys[key] = keys[key];
    out_keys["default"] = defaults;
    for (auto it = doc.begin(); it != doc.end(); ++it)
      if (!out_keys.contains(it.key())) out_keys[it.key()] = std::move(it.value());
    return out;
  }

  // Sema places every job of a pipeline with stages in one (a job declared without one goes
  // to the latest stage of what it needs), so the IR's stage is GitLab's.
  void AssignStages() {
    for (const ir::Job& j : p_.jobs)
      if (!j.stage.empty()) stage_[j.name] = j.stage;
  }

  // GitLab's own stage order: a job that waits for the earlier stages gets no `needs` (so a
  // stage of more than 50 jobs stays under GitLab's limit on needs).
  static bool StageOrderOnly(const ir::Job& j) { return j.after_stages; }

  // GitLab expands `$NAME` in variables; GitHub and `pipec run` do not. Pipe means the text:
  // a note says that a `$` was escaped, so nobody expects GitLab's expansion.
  void NoteLiteralDollar(const std::string& text, const std::string& what, SourceRange where) {
    size_t at = text.find('$');
    while (at != std::string::npos && text.compare(at, 3, "${{") == 0) at = text.find('$', at + 3);
    if (at == std::string::npos) return;
    diags_->Report(DiagKind::EmitUnsupported, where,
                   "`$` in " + what + " is literal text on every target; GitLab would expand it in a variable, so it "
                   "is written `$$`. To use a variable's value, set it in `run` (`export X=\"$HOME/x\"`); for a "
                   "pipeline value write `${{ name }}`")
        .severity = Severity::Note;
  }

  Doc Variables() {
    Doc vars = Doc::object();
    for (const ir::Variable* v : RuntimeVariables(p_)) {
      vars[v->name] = EscapeDollars(v->value.ToString());
      NoteLiteralDollar(v->value.ToString(), "var `" + v->name + "`", v->range);
    }
    std::set<std::string> seen;
    bool reported = false;
    for (const ir::Trigger& t : p_.triggers)
      for (const ir::Param& param : t.inputs) {
        if (!seen.insert(param.name).second) continue;
        Doc v = Doc::object();
        v["value"] = param.default_value ? EscapeDollars(param.default_value->ToString()) : "";
        if (param.type.kind == ir::TypeKind::Bool) {
          v["options"] = Doc::array({"true", "false"});
          if (!param.default_value) v["value"] = "false";
        }
        v["description"] = "pipec input `" + param.name + "` (" + ir::TypeName(param.type) + ")";
        vars[InputVarName(param.name)] = v;
        if (!reported && param.type.kind != ir::TypeKind::String) {
          reported = true;
          diags_->Report(DiagKind::EmitUntypedInputs, param.range,
                         "GitLab CI/CD variables are strings: input `" + param.name + "` (" +
                             ir::TypeName(param.type) +
                             ") and the other typed inputs become prefilled "
                             "variables `PIPEC_INPUT_<NAME>` that GitLab does not type-check");
        }
      }
    return vars;
  }

  Doc Workflow() {
    Doc wf = Doc::object();
    if (p_.triggers.empty() || opts_.as_child) return wf;
    Doc rules = Doc::array();
    for (const ir::Trigger& t : p_.triggers) {
      Doc rule = Doc::object();
      rule["if"] = RenderRulesIf(TriggerCond(t, false));
      if (t.kind == ir::TriggerKind::Push && !t.paths.empty()) rule["changes"] = PortablePaths(t.paths);
      rules.push_back(rule);
    }
    wf["rules"] = rules;
    return wf;
  }

  // Which jobs' artifacts (files and dotenv values) a job reads.
  std::set<std::string> ArtifactSources(const ir::Job& j) {
    std::set<std::string> jobs;
    for (const ir::InputRef& in : j.inputs) jobs.insert(in.job);
    std::vector<std::string> cond_jobs;
    CollectOutputJobs(*j.when, cond_jobs);
    jobs.insert(cond_jobs.begin(), cond_jobs.end());
    return jobs;
  }

  Doc Needs(const ir::Job& j) {
    Doc needs = Doc::array();
    std::set<std::string> sources = ArtifactSources(j);
    std::set<std::string> listed;
    std::map<std::string, size_t> index;  // target name -> position (folded cells share one)
    for (const ir::Need& n : j.needs) {
      listed.insert(n.job);
      std::string target = names_.Of(n.job);
      // A job that may skip itself at run time tells its dependants through its dotenv report.
      bool artifacts = n.artifacts || sources.count(n.job) > 0 || CarriesSkip(n);
      if (auto it = index.find(target); it != index.end()) {
        if (artifacts) needs[it->second]["artifacts"] = true;
        continue;
      }
      index[target] = needs.size();
      Doc need = Doc::object();
      need["job"] = target;
      need["artifacts"] = artifacts;
      // A stage edge only orders jobs that are both in the pipeline; GitLab rejects a
      // pipeline whose needed job was left out by rules unless the need is optional.
      // An always/on_failure job runs even when a job it needs was left out by its rules.
      bool may_be_absent = j.run_when != ir::RunWhen::OnSuccess && NeedMayBeAbsent(n);
      if (n.optional || !n.Hard() || may_be_absent)
        need["optional"] = true;
      needs.push_back(need);
    }
    std::vector<std::string> cond_jobs;
    CollectOutputJobs(*j.when, cond_jobs);
    for (const std::string& dep : cond_jobs) {
      if (listed.count(dep)) continue;
      listed.insert(dep);
      diags_->Report(
          DiagKind::EmitImplicitNeed, j.range,
          "job `" + j.name + "` reads a value of `" + dep +
              "` in its condition; GitLab delivers it only through `needs`, so the need is added");
      Doc need = Doc::object();
      need["job"] = names_.Of(dep);
      need["artifacts"] = true;
      needs.push_back(need);
    }
    return needs;
  }

  // rules:if from the static part of the condition; the runtime part becomes a guard.
  void Rules(const ir::Job& j, Doc& out, std::string& guard) {
    CiCond cond = CiCond::Always();
    bool runtime = ReadsOutputs(*j.when);
    if (runtime) {
      if (TriggerRestricted(p_, j)) cond = TriggersCond(p_, j.active_triggers, opts_.as_child);
      CiCond full = FromCondition(p_, *j.when, opts_.as_child, *diags_);
      guard = "if ! { " + RenderShell(full) + "; }; then " +
              SkipLines(j, "condition is false: " + ir::ConditionText(*j.when)) + "; fi";
      diags_->Report(
          DiagKind::EmitRuntimeGate, j.when->range.valid() ? j.when->range : j.range,
          "GitLab evaluates rules when the pipeline is created, before `" + j.name +
              "`'s upstream values exist: the condition is checked by a script guard; when it "
              "is false, the job and every job that needs it (transitively, except `when "
              "always`/`on_failure` jobs) end without running their scripts");
    } else {
      cond = FromCondition(p_, *j.when, opts_.as_child, *diags_);
      if (!TestsTrigger(*j.when) && TriggerRestricted(p_, j))
        cond = CiCond::All({TriggersCond(p_, j.active_triggers, opts_.as_child), cond});
    }
    // GitLab refuses a pipeline in which a job needs a job its rules left out; `pipec run`
    // skips such a job. So an on_success job also takes the conditions of what it needs.
    if (j.run_when == ir::RunWhen::OnSuccess) {
      std::vector<CiCond> parts{cond};
      for (ir::JobId dep : SkipSources(j, false)) parts.push_back(Inherited(p_.jobs[dep]));
      cond = CiCond::All(std::move(parts));
    }
    // Rules kept verbatim (`raw gitlab { rules/only/except }`, as `pipec import` writes them)
    // decide by themselves: generated rules would be replaced, or be invalid beside only/except.
    if (j.raw_gitlab.contains("rules") || j.raw_gitlab.contains("only") ||
        j.raw_gitlab.contains("except"))
      cond = CiCond::Always();
    // `changed [...]`: its own and, for an on_success job, those of what it needs (a job left
    // out by its changes takes its dependants with it, as `pipec run` skips them).
    std::set<std::vector<std::string>> changes = ChangesOf(j);
    if (changes.size() > 1) {
      std::string lists;
      for (const auto& list : changes) {
        std::string paths;
        for (const std::string& path : list) paths += (paths.empty() ? "" : ", ") + path;
        lists += (lists.empty() ? "[" : " and [") + paths + "]";
      }
      diags_->Report(DiagKind::EmitUnsupported, j.when->range.valid() ? j.when->range : j.range,
                     "job `" + j.name + "` runs only when files changed in each of " + lists +
                         " (its own `changed` and those of the jobs it needs); a GitLab rule "
                         "takes one `changes` list, which matches any of its paths")
          .severity = Severity::Error;
    }
    std::string when;
    if (j.manual || (j.environment && j.environment->manual_approval))
      when = "manual";
    else if (j.run_when == ir::RunWhen::OnFailure)
      when = "on_failure";
    else if (j.run_when == ir::RunWhen::Always)
      when = "always";
    if (cond.kind == CiCond::Kind::True && changes.empty()) {
      if (!when.empty()) out["when"] = when;
      return;
    }
    Doc rule = Doc::object();
    if (cond.kind == CiCond::Kind::False) {
      rule["when"] = "never";
    } else {
      if (cond.kind != CiCond::Kind::True) rule["if"] = RenderRulesIf(cond);
      if (!changes.empty()) rule["changes"] = *changes.begin();
      if (!when.empty()) rule["when"] = when;
    }
    out["rules"] = Doc::array({rule});
  }

  Doc Cache(const ir::Job& j) {
    Doc caches = Doc::array();
    for (const std::string& name : j.caches) {
      const ir::Cache* c = p_.FindCache(name);
      if (!c) continue;
      Doc cache = Doc::object();
      std::string prefix = c->key.empty() ? c->name : c->key;
      if (!c->key_files.empty()) {
        std::vector<std::string> files = c->key_files;
        if (files.size() > 2) {
          diags_->Report(DiagKind::EmitUnsupported, c->range,
                         "GitLab computes `cache:key:files` from at most two files; cache `" +
                             c->name + "` keys on `" + files[0] + "` and `" + files[1] + "` only");
          files.resize(2);
        }
        Doc key = Doc::object();
        key["files"] = files;
        key["prefix"] = prefix;
        cache["key"] = key;
      } else {
        cache["key"] = prefix;
      }
      cache["paths"] = c->paths;
      cache["policy"] = c->policy;
      caches.push_back(cache);
    }
    return caches;
  }

  // Value gates (docs/targets.md): GitLab fixes the jobs of a pipeline when it creates it, so
  // a job that must not run is still started and ends at once without running its script. It
  // prints why (the words `pipec run` uses) and writes SkippedVarName(job)=true to its dotenv
  // report; each on_success job that needs it reads the variable and does the same, so nothing
  // downstream of a false gate runs, as under `pipec run` and on GitHub.
  bool MaySkip(const ir::Job& j) {
    return Memoized<bool>(
        may_skip_, j, false,
        [&](const ir::Job& x) {
          bool decided = ReadsOutputs(*x.when) || x.run_when != ir::RunWhen::OnSuccess;
          return decided ? std::vector<ir::JobId>{} : SkipSources(x);
        },
        [&](const ir::Job& x, const std::vector<const bool*>& sources) {
          return ReadsOutputs(*x.when) || std::any_of(sources.begin(), sources.end(), [](const bool* b) { return *b; });
        });
  }

  // What `compute(job, results of its sources)` gives for `root`, each job's sources being
  // `sources(job)` (SkipSources), memoized in `memo` by job name. Bottom-up with a stack of
  // its own: a chain of 100,000 jobs, each needing the next, overflowed the call stack when
  // these walks recursed. A source still in progress (a cycle, the checker's to report) gives
  // `while_in_progress`.
  template <typename T>
  const T& Memoized(std::map<std::string, T>& memo, const ir::Job& root, const T& while_in_progress,
                    const std::function<std::vector<ir::JobId>(const ir::Job&)>& sources,
                    const std::function<T(const ir::Job&, const std::vector<const T*>&)>& compute) {
    if (auto it = memo.find(root.name); it != memo.end()) return it->second;
    struct Frame {
      const ir::Job* job;
      std::vector<ir::JobId> sources;
      size_t next = 0;
    };
    std::vector<Frame> stack;
    auto enter = [&](const ir::Job& j) {
      memo[j.name] = while_in_progress;
      stack.push_back({&j, sources(j), 0});
    };
    enter(root);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next < f.sources.size()) {
        const ir::Job& dep = p_.jobs[f.sources[f.next++]];
        if (!memo.count(dep.name)) enter(dep);  // `f` is not used after this
        continue;
      }
      std::vector<const T*> results;  // std::map keeps its values in place
      for (ir::JobId id : f.sources) results.push_back(&memo.find(p_.jobs[id].name)->second);
      T value = compute(*f.job, results);
      memo[f.job->name] = std::move(value);
      stack.pop_back();
    }
    return memo.find(root.name)->second;
  }

  // The jobs whose skip a job inherits: what it needs (stage order is not among them: GitLab
  // runs a later stage after a skipped job, and `pipec run` does too), and the producers its
  // condition reads.
  // `with_optional` false: the jobs whose absence from the pipeline it shares (an optional
  // need on an absent job is dropped, so its rules do not pass on).
  // Sorted by job name (the guards and rules they make are written in that order).
  std::vector<ir::JobId> SkipSources(const ir::Job& j, bool with_optional = true) {
    std::vector<ir::JobId> jobs;
    for (const ir::Need& n : j.needs)
      if (n.Hard() && (with_optional || !n.optional)) jobs.push_back(n.job_id);
    CollectOutputJobIds(*j.when, jobs);
    std::erase_if(jobs, [&](ir::JobId id) { return !p_.JobAt(id); });  // a need on no job: lint's
    std::sort(jobs.begin(), jobs.end(),
              [&](ir::JobId a, ir::JobId b) { return p_.jobs[a].name < p_.jobs[b].name; });
    jobs.erase(std::unique(jobs.begin(), jobs.end()), jobs.end());
    return jobs;
  }

  // True when a condition tests more than the trigger (git facts, inputs): the part of a job's
  // rules that the trigger inheritance of sema does not already give its dependants.
  static bool TestsMoreThanTrigger(const ir::Condition& c) {
    switch (c.op) {
      case ir::Condition::Op::True:
      case ir::Condition::Op::TriggerIn:
        return false;
      case ir::Condition::Op::And:
      case ir::Condition::Op::Or:
      case ir::Condition::Op::Not:
        for (const ir::Condition& a : c.args)
          if (TestsMoreThanTrigger(a)) return true;
        return false;
      default:
        return true;
    }
  }

  // The static condition under which a job is in the pipeline, beyond its triggers: its own
  // (when known at pipeline creation) and, for an on_success job, what it needs.
  CiCond Inherited(const ir::Job& j) {
    return Memoized<CiCond>(
        inherited_, j, CiCond::Always(),
        [&](const ir::Job& x) {
          return x.run_when == ir::RunWhen::OnSuccess ? SkipSources(x, false) : std::vector<ir::JobId>{};
        },
        [&](const ir::Job& x, const std::vector<const CiCond*>& sources) {
          std::vector<CiCond> parts;
          bool raw_rules = x.raw_gitlab.contains("rules") || x.raw_gitlab.contains("only") ||
                           x.raw_gitlab.contains("except");
          if (!raw_rules && !ReadsOutputs(*x.when) && TestsMoreThanTrigger(*x.when))
            parts.push_back(Scratch([&] { return FromCondition(p_, *x.when, opts_.as_child, *diags_); }));
          for (const CiCond* c : sources) parts.push_back(*c);
          return CiCond::All(std::move(parts));
        });
  }

  // The `changed` path lists a job's presence depends on: its own and, for an on_success
  // job, those of the jobs it needs (as Inherited), in GitLab's glob form.
  std::set<std::vector<std::string>> ChangesOf(const ir::Job& j) {
    using Lists = std::set<std::vector<std::string>>;
    return Memoized<Lists>(
        changes_of_, j, Lists{},
        [&](const ir::Job& x) {
          return x.run_when == ir::RunWhen::OnSuccess ? SkipSources(x, false) : std::vector<ir::JobId>{};
        },
        [&](const ir::Job& x, const std::vector<const Lists*>& sources) {
          Lists out;
          bool raw_rules = x.raw_gitlab.contains("rules") || x.raw_gitlab.contains("only") ||
                           x.raw_gitlab.contains("except");
          if (const ir::Condition* c = ir::ChangedTerm(*x.when); c && !raw_rules) out.insert(PortablePaths(c->paths));
          for (const Lists* lists : sources) out.insert(lists->begin(), lists->end());
          return out;
        });
  }

  static std::vector<std::string> PortablePaths(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const std::string& path : paths) out.push_back(PortablePathGlob(path));
    return out;
  }

  bool NeedMayBeAbsent(const ir::Need& n) {
    const ir::Job* d = p_.JobAt(n.job_id);
    return d && (Inherited(*d).kind != CiCond::Kind::True || !ChangesOf(*d).empty());
  }

  bool CarriesSkip(const ir::Need& n) {
    if (!n.Hard()) return false;
    const ir::Job* d = p_.JobAt(n.job_id);
    return d && MaySkip(*d);
  }

  std::string SkipLines(const ir::Job& j, const std::string& why) {
    return "echo " + ShellQuote("pipec: skipped: " + why) + "; echo '" + SkippedVarName(j.name) +
           "=true' >> " + kGitLabValuesFile + "; exit 0";
  }

  // One guard per needed job that may have been skipped, before the job's own gate.
  std::vector<std::string> InheritedSkipGuards(const ir::Job& j) {
    std::vector<std::string> lines;
    if (j.run_when != ir::RunWhen::OnSuccess) return lines;
    for (ir::JobId id : SkipSources(j)) {
      const ir::Job& dep = p_.jobs[id];
      if (!MaySkip(dep)) continue;
      lines.push_back("if [ \"${" + SkippedVarName(dep.name) + ":-}\" = true ]; then " +
                      SkipLines(j, "needs " + dep.name + ", which was skipped") + "; fi");
    }
    return lines;
  }

  // The job's `script:`; with `setup` steps, pipec's own first lines (skip guards, input
  // moves) and the setups go to `before_script:` (the same shell, run first), so a setup
  // that changes directory cannot break them. Teardowns go to `after_script:`.
  Doc Script(const ir::Job& j, const std::string& guard, Doc* before, Doc* after) {
    Doc script = Doc::array();
    for (const std::string& line : InheritedSkipGuards(j)) script.push_back(line);
    if (!guard.empty()) script.push_back(guard);
    bool guarded = !script.empty();
    // GitLab restores a needed job's artifacts where that job wrote them.
    for (const ir::InputRef& in : j.inputs) {
      if (ir::IsValueOutput(in.kind)) continue;
      const ir::Output* o = FindOutput(p_, in.job_id, in.output);
      if (!o || in.path.empty() || o->path == in.path) continue;
      std::string dir = Dirname(in.path);
      std::string line = dir.empty() ? "" : "mkdir -p " + ShellQuote(dir) + " && ";
      script.push_back(line + "cp -R " + ShellQuote(o->path) + " " + ShellQuote(in.path));
    }
    for (const std::string& line : ValueInputLines(j)) script.push_back(line);
    bool has_setup = std::any_of(j.steps.begin(), j.steps.end(), [](const ir::Step& s) {
      return s.phase == ir::Step::Phase::Setup;
    });
    if (has_setup) std::swap(script, *before);
    for (const ir::Step& s : j.steps) {
      Doc& into = s.phase == ir::Step::Phase::Setup ? *before
                  : s.phase == ir::Step::Phase::Teardown ? *after
                                                         : script;
      if (s.kind == ir::Step::Kind::Run) {
        // after_script runs even when a guard skipped the job: it ends there too.
        if (&into == after && after->empty() && guarded)
          after->push_back("if grep -qx '" + SkippedVarName(j.name) + "=true' " +
                           kGitLabValuesFile + " 2>/dev/null; then exit 0; fi");
        into.push_back(LowerTextEnv(s.script, s.range, *diags_));
        continue;
      }
      diags_->Report(DiagKind::EmitUnsupported, s.range,
                     "GitLab CI cannot run the GitHub action `" + s.uses +
                         "`; the job runs a command that fails with this message instead");
      script.push_back("echo " +
                       ShellQuote("pipec: the GitHub action " + s.uses + " cannot run on GitLab") +
                       " >&2; exit 1");
    }
    for (const ir::Output& o : j.outputs) {
      if (!ir::IsValueOutput(o.kind)) continue;
      script.push_back("printf '%s=%s\\n' " + ShellQuote(ValueVarName(j.name, o.name)) +
                       " \"$(cat " + ShellQuote(o.path) + ")\" >> " + kGitLabValuesFile);
    }
    return script;
  }

  Doc Artifacts(const ir::Job& j) {
    Doc art = Doc::object();
    Doc paths = Doc::array();
    std::optional<int64_t> expire;
    bool expire_differs = false;
    Doc reports = Doc::object();
    auto add_report = [&](const char* key, const std::string& path) {
      if (!reports.contains(key)) reports[key] = Doc::array();
      reports[key].push_back(path);
    };
    bool values = false;
    for (const ir::Output& o : j.outputs) {
      switch (o.kind) {
        case ir::OutputKind::File:
        case ir::OutputKind::Dir:
          paths.push_back(o.path);
          break;
        case ir::OutputKind::Junit:
          add_report("junit", o.path);
          break;
        case ir::OutputKind::Dotenv:
          add_report("dotenv", o.path);
          break;
        case ir::OutputKind::Codequality:
          add_report("codequality", o.path);
          break;
        case ir::OutputKind::Coverage:
          if (reports.contains("coverage_report")) {
            diags_->Report(DiagKind::EmitUnsupported, o.range,
                           "GitLab takes one coverage report per job; `" + o.name +
                               "` is kept as a plain artifact path");
            paths.push_back(o.path);
          } else {
            Doc cov = Doc::object();
            cov["coverage_format"] = "cobertura";
            cov["path"] = o.path;
            reports["coverage_report"] = cov;
          }
          break;
        default:
          values = true;
          break;
      }
      if (o.expire_seconds && !ir::IsValueOutput(o.kind)) {
        if (expire && *expire != *o.expire_seconds) expire_differs = true;
        expire = std::max(expire.value_or(0), *o.expire_seconds);
      }
    }
    if (values || MaySkip(j)) add_report("dotenv", kGitLabValuesFile);
    if (expire_differs)
      diags_->Report(DiagKind::EmitUnsupported, j.range,
                     "GitLab has one `expire_in` per job; the artifacts of `" + j.name +
                         "` all expire after the longest declared time, " +
                         GitLabDuration(*expire));
    if (!paths.empty()) art["paths"] = paths;
    if (std::string shown = ExposeAs(j); !shown.empty()) art["expose_as"] = shown;
    if (expire) art["expire_in"] = GitLabDuration(*expire);
    if (!reports.empty()) {
      // A single path reads more naturally as a string; GitLab accepts both.
      for (auto it = reports.begin(); it != reports.end(); ++it)
        if (it.value().is_array() && it.value().size() == 1) it.value() = it.value()[0];
      art["reports"] = reports;
    }
    return art;
  }

  // Outputs meant for people (`publish`) are linked in the merge request (`expose_as`). GitLab
  // takes one name per job for all its artifact paths, and no globs or variables in them, so
  // only when every file/dir output of the job is published and plain.
  static std::string ExposeAs(const ir::Job& j) {
    std::vector<const ir::Output*> files;
    for (const ir::Output& o : j.outputs)
      if (o.kind == ir::OutputKind::File || o.kind == ir::OutputKind::Dir) files.push_back(&o);
    if (files.empty()) return "";
    for (const ir::Output* o : files)
      if (!o->publish || o->path.find_first_of("*?[$") != std::string::npos) return "";
    std::string name = files.size() == 1 ? files[0]->name : j.base_name.empty() ? j.name : j.base_name;
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != ' ') c = ' ';
    return name;
  }

  Doc TriggerJob(const ir::Job& j, Doc& out) {
    const ir::TriggerJob& t = *j.trigger;
    Doc trig = Doc::object();
    if (t.kind == ir::TriggerJob::Kind::Pipeline) {
      auto it = opts_.child_outputs.find(t.target);
      std::string path = it != opts_.child_outputs.end() ? it->second : t.target;
      trig["include"] = path;
    } else {
      trig["project"] = t.target;
      if (!t.branch.empty()) trig["branch"] = t.branch;
    }
    trig["strategy"] = "depend";
    if (!t.inputs.empty()) {
      Doc vars = Doc::object();
      for (const auto& [k, v] : t.inputs) vars[InputVarName(k)] = LowerTextVariable(v, t.range, *diags_);
      out["variables"] = vars;
    }
    return trig;
  }

  Doc Job(const ir::Job& j) {
    Doc out = Doc::object();
    if (auto it = stage_.find(j.name); it != stage_.end()) out["stage"] = it->second;
    if (!j.trigger) {
      if (!j.image.parts.empty()) out["image"] = LowerTextEnv(j.image, j.range, *diags_);
      if (!j.services.empty()) out["services"] = j.services;
      if (!j.runner.empty()) out["tags"] = j.runner;
    }
    // Without `needs`, GitLab would also download every earlier stage's artifacts.
    if (StageOrderOnly(j))
      out["dependencies"] = Doc::array();
    else
      out["needs"] = Needs(j);
    std::string guard;
    Rules(j, out, guard);
    if (j.trigger) {
      out["trigger"] = TriggerJob(j, out);
      if (MaySkip(j))
        diags_->Report(DiagKind::EmitUnsupported, j.range,
                       "a trigger job has no script to guard; `" + j.name +
                           "` starts its pipeline whatever the upstream values are, even "
                           "after a job it needs was skipped by a value gate");
      MergeRaw(out, j.raw_gitlab, "gitlab", "job `" + j.name + "`", j.range, *diags_);
      return out;
    }
    Doc vars = Doc::object();
    for (const ir::EnvVar& e : j.env) {
      // Secrets are CI/CD variables already present under their own name.
      if (!e.secret.empty()) {
        if (e.name != e.secret) vars[e.name] = "$" + e.secret;
        continue;
      }
      vars[e.name] = LowerTextVariable(e.value, e.range, *diags_);
      NoteLiteralDollar(e.value.LiteralText(), "env `" + e.name + "` of `" + j.name + "`", e.range);
    }
    if (!vars.empty()) out["variables"] = vars;
    if (j.shell != "sh" && j.shell != "bash" && !j.shell.empty())
      diags_->Report(DiagKind::EmitUnsupported, j.range,
                     "GitLab runs scripts with the runner's shell; `shell \"" + j.shell +
                         "\"` of `" + j.name + "` is not applied");
    Doc cache = Cache(j);
    if (!cache.empty()) out["cache"] = cache;
    Doc before = Doc::array(), after = Doc::array();
    Doc script = Script(j, guard, &before, &after);
    if (!before.empty()) out["before_script"] = before;
    out["script"] = script;
    if (!after.empty()) out["after_script"] = after;
    Doc art = Artifacts(j);
    if (!art.empty()) out["artifacts"] = art;
    if (j.environment) {
      Doc env = Doc::object();
      env["name"] = j.environment->name;
      if (!j.environment->url.empty()) env["url"] = j.environment->url;
      out["environment"] = env;
    }
    if (j.timeout_seconds) out["timeout"] = GitLabDuration(*j.timeout_seconds);
    if (j.retry > 0) {
      int retry = j.retry;
      if (retry > 2) {
        diags_->Report(DiagKind::EmitUnsupported, j.range,
                       "GitLab retries a job at most 2 times; `retry " + std::to_string(j.retry) +
                           "` of `" + j.name + "` becomes `retry: 2`");
        retry = 2;
      }
      out["retry"] = retry;
    }
    // A manual job does not block its pipeline unless allow_failure is false.
    if (j.allow_failure)
      out["allow_failure"] = true;
    else if (j.environment && j.environment->manual_approval)
      out["allow_failure"] = false;
    MergeRaw(out, j.raw_gitlab, "gitlab", "job `" + j.name + "`", j.range, *diags_);
    return out;
  }

  const ir::Pipeline& p_;
  const EmitOptions& opts_;
  DiagnosticSink* diags_;
  JobNames names_;
  std::map<std::string, std::string> stage_;
  std::map<std::string, bool> may_skip_;     // MaySkip, memoized by job name
  std::map<std::string, CiCond> inherited_;  // Inherited, memoized by job name
  std::map<std::string, std::set<std::vector<std::string>>> changes_of_;  // ChangesOf, memoized
};

void ReportSecretScope(const ir::Pipeline& p, DiagnosticSink& diags) {
  if (p.secrets.empty()) return;
  Diagnostic& d = diags.Report(DiagKind::EmitSettingsManifest, p.secrets.front().range,
                               "GitLab keeps secrets as CI/CD variables in the project settings; "
                               "create the ones listed in the required-variables manifest");
  d.Note(SourceRange{},
         "GitLab exposes CI/CD variables to every job of a matching branch and "
         "environment scope, not only to the jobs that bind them in `env`");
}

// What to set up on GitLab so a webhook starts the pipeline: the trigger API call with the
// variable its rules test and its inputs.
void ReportGitLabWebhookCalls(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags) {
  if (opts.as_child) return;
  for (const ir::Trigger& t : p.triggers) {
    if (t.kind != ir::TriggerKind::Webhook) continue;
    std::string call = "curl --fail -X POST -F token=$TRIGGER_TOKEN -F ref=main -F 'variables[PIPEC_WEBHOOK]=" +
                       t.name + "'";
    for (const ir::Param& param : t.inputs)
      call += " -F 'variables[" + InputVarName(param.name) + "]=...'";
    call += " \"$GITLAB_URL/api/v4/projects/<project id>/trigger/pipeline\"";
    diags.Report(DiagKind::EmitSettingsManifest, t.range,
                 "GitLab runs webhook `" + t.name + "` when the pipeline trigger API is called with variable "
                 "PIPEC_WEBHOOK=" + t.name + ": create a trigger token (Settings > CI/CD > Pipeline trigger "
                 "tokens), then call `" + call + "`");
  }
}

}  // namespace

EmittedFiles EmitGitLab(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags) {
  EmittedFiles files;
  std::string path = GitLabPipelinePath(p.name, opts.as_child);
  GitLabEmitter emitter(p, opts, diags);
  files[path] = WriteYaml(emitter.Pipeline(), GeneratedHeader(opts), true);
  ReportSecretScope(p, diags);
  ReportGitLabWebhookCalls(p, opts, diags);
  if (std::string vars = GitLabVariablesManifest(p, opts); !vars.empty())
    files[GitLabVariablesManifestPath(path)] = vars;
  if (std::string sched = GitLabSchedulesManifest(p, opts, diags); !sched.empty())
    files[GitLabSchedulesManifestPath(path)] = sched;
  return files;
}

}  // namespace pipec::emit
