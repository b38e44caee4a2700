#include "runtime/run.h"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/artifacts.h"
#include "runtime/cache.h"
#include "runtime/changes.h"
#include "runtime/condition.h"
#include "runtime/console.h"
#include "runtime/fs.h"
#include "runtime/interrupt.h"
#include "runtime/local_executor.h"
#include "runtime/process.h"
#include "runtime/reaper.h"
#include "runtime/run_info.h"
#include "runtime/scheduler.h"
#include "runtime/secrets.h"
#include "runtime/subprocess.h"
#include "runtime/workspace.h"

namespace fs = std::filesystem;

namespace pipec::runtime {

namespace {

std::string NewRunId() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  std::random_device rd;
  return fmt::format("{}-{:04x}", buf, rd() & 0xffff);
}

std::string Duration(Millis ms) {
  double s = static_cast<double>(ms.count()) / 1000.0;
  if (s < 60) return fmt::format("{:.1f}s", s);
  return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
}

std::string CheckInputValue(const plan::Input& in, const std::string& v) {
  std::string parsed;
  using plan::InputType;
  if (in.type == InputType::Int || in.type == InputType::Float || in.type == InputType::Bool) {
    plan::ArtifactKind as = in.type == InputType::Int     ? plan::ArtifactKind::Int
                            : in.type == InputType::Float ? plan::ArtifactKind::Float
                                                          : plan::ArtifactKind::Bool;
    if (std::string err = ParseValue(as, v, &parsed); !err.empty())
      return fmt::format("input {}: {}", in.name, err);
  } else if (in.type == InputType::Duration) {
    size_t i = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    std::string unit = v.substr(i);
    if (i == 0 || !(unit.empty() || unit == "s" || unit == "m" || unit == "h" || unit == "d"))
      return fmt::format("input {}: expected a duration such as 90s, 5m, 2h, got \"{}\"", in.name, v);
  }
  return "";
}

// Resolves inputs: --input values (checked against the declared types) and defaults.
std::string ResolveInputs(const plan::Plan& plan, const RunOptions& opts, std::map<std::string, std::string>* out,
                          std::vector<std::string>* warnings) {
  std::map<std::string, const plan::Input*> declared;
  for (const plan::Input& in : plan.inputs) declared[in.name] = &in;
  for (auto& [k, v] : opts.inputs) {
    auto it = declared.find(k);
    if (it == declared.end()) {
      std::vector<std::string> names;
      for (auto& [n, _] : declared) names.push_back(n);
      return fmt::format("unknown input \"{}\"; the pipeline declares: {}", k,
                         names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")));
    }
    if (std::string err = CheckInputValue(*it->second, v); !err.empty()) return err;
    (*out)[k] = v;
  }
  for (const plan::Input& in : plan.inputs) {
    if (out->count(in.name)) continue;
    if (in.default_value) {
      (*out)[in.name] = *in.default_value;
    } else {
      warnings->push_back(fmt::format("input {} has no value and no default (--input {}=...)", in.name, in.name));
    }
  }
  return "";
}

// Why each job is not part of this run ("" = it is).
std::string SelectJobs(const plan::Plan& plan, const RunOptions& opts, std::vector<std::string>* excluded) {
  excluded->assign(plan.jobs.size(), "");
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < plan.jobs.size(); ++i) index[plan.jobs[i].name] = i;
  if (!opts.as_child)
    for (size_t i = 0; i < plan.jobs.size(); ++i) {
      const plan::Job& j = plan.jobs[i];
      if (j.triggers.empty()) continue;
      bool found = false;
      for (const std::string& t : j.triggers) found = found || TriggerMatches(t, opts.trigger);
      if (!found)
        (*excluded)[i] = fmt::format("not under trigger {} (runs on: {})", opts.trigger, fmt::join(j.triggers, ", "));
    }
  // --approve JOB names a job that waits for a person.
  for (const std::string& name : opts.approve_jobs) {
    bool found = false;
    std::vector<std::string> waiting;
    for (const plan::Job& j : plan.jobs) {
      if (!j.manual_approval) continue;
      std::string base = j.name.substr(0, j.name.find('['));
      found = found || name == j.name || name == base;
      if (waiting.empty() || waiting.back() != base) waiting.push_back(base);
    }
    if (!found)
      return fmt::format("--approve: no job \"{}\" waits for a person; {}", name,
                         waiting.empty() ? std::string("none does") : fmt::format("these do: {}", fmt::join(waiting, ", ")));
  }
  if (opts.jobs.empty()) return "";
  std::vector<bool> wanted(plan.jobs.size(), false);
  std::vector<size_t> stack;
  for (const std::string& name : opts.jobs) {
    auto it = index.find(name);
    if (it == index.end()) {
      std::vector<std::string> names;
      for (const plan::Job& j : plan.jobs) names.push_back(j.name);
      return fmt::format("--job: no job named \"{}\"; jobs: {}", name, fmt::join(names, ", "));
    }
    stack.push_back(it->second);
  }
  // A selected job brings what it waits for: its needs and, through stage order, every job of
  // the earlier stages (each stage's jobs are pushed once).
  std::map<std::string, size_t> stage_index;
  for (size_t s = 0; s < plan.stages.size(); ++s) stage_index[plan.stages[s]] = s;
  size_t stages_pushed = 0;
  while (!stack.empty()) {
    size_t i = stack.back();
    stack.pop_back();
    if (wanted[i]) continue;
    wanted[i] = true;
    for (const std::string& n : plan.jobs[i].needs) stack.push_back(index.at(n));
    auto st = stage_index.find(plan.jobs[i].stage);
    if (!plan.jobs[i].after_stages || st == stage_index.end() || st->second <= stages_pushed) continue;
    for (size_t k = 0; k < plan.jobs.size(); ++k) {
      auto ks = stage_index.find(plan.jobs[k].stage);
      if (ks != stage_index.end() && ks->second >= stages_pushed && ks->second < st->second) stack.push_back(k);
    }
    stages_pushed = st->second;
  }
  for (size_t i = 0; i < plan.jobs.size(); ++i)
    if (!wanted[i] && (*excluded)[i].empty()) (*excluded)[i] = "not selected (--job)";
  return "";
}

// Whether a person's go-ahead for `j` was given on the command line (--approve [JOB]).
bool Approved(const plan::Job& j, const RunOptions& opts) {
  if (opts.approve) return true;
  std::string base = j.name.substr(0, j.name.find('['));
  return std::any_of(opts.approve_jobs.begin(), opts.approve_jobs.end(),
                     [&](const std::string& a) { return a == j.name || a == base; });
}

std::optional<std::string> Gate(const plan::Job& j, bool approve) {
  if (j.trigger && j.trigger->kind == plan::ChildKind::Project)
    return fmt::format("triggers project {}{}: not runnable locally", j.trigger->target,
                       j.trigger->branch.empty() ? "" : " (branch " + j.trigger->branch + ")");
  if (j.manual_approval && !approve)
    return fmt::format("needs manual approval{}: run with --approve {}",
                       j.environment ? " (environment " + *j.environment + ")" : "",
                       j.name.substr(0, j.name.find('[')));
  return std::nullopt;
}

// `--trigger schedule` (a bare kind) names the pipeline's only trigger of that kind.
// Returns "" (and the trigger id in *id) or the usage error.
std::string ResolveTrigger(const plan::Plan& plan, const RunOptions& opts, std::string* id) {
  *id = opts.trigger;
  if (opts.as_child || plan.triggers.empty()) return "";
  std::vector<std::string> ids, of_kind;
  for (const plan::Trigger& t : plan.triggers) {
    if (t.id == opts.trigger) return "";
    ids.push_back(t.id);
    if (plan::Name(t.kind) == opts.trigger) of_kind.push_back(t.id);
  }
  if (of_kind.size() == 1) {
    *id = of_kind[0];
    return "";
  }
  if (of_kind.size() > 1)
    return fmt::format("--trigger {}: the pipeline has {} {} triggers; name one: {}", opts.trigger,
                       of_kind.size(), opts.trigger, fmt::join(of_kind, ", "));
  return fmt::format("the pipeline has no trigger \"{}\"; it runs on: {}", opts.trigger,
                     fmt::join(ids, ", "));
}

bool GlobMatches(const std::string& glob, const std::string& text) {
  return fnmatch(glob.c_str(), text.c_str(), 0) == 0;
}

// Whether the event creates a pipeline at all, as on GitLab (workflow:rules) and GitHub
// (`on:` filters): a push to a branch no `on push branches [..]` matches, or a tag no
// `on tag "..."` matches, creates none. Returns "" or why there is no pipeline.
std::string NoPipelineReason(const plan::Plan& plan, const std::string& trigger,
                             const RunInfo& info) {
  if (plan.triggers.empty()) return "";
  std::vector<std::string> globs;
  bool any_of_kind = false;
  for (const plan::Trigger& t : plan.triggers) {
    if (t.id != trigger) continue;
    any_of_kind = true;
    if (t.kind == plan::TriggerKind::Push) {
      if (t.branches.empty()) return "";
      for (const std::string& g : t.branches) {
        if (GlobMatches(g, info.branch)) return "";
        globs.push_back("\"" + g + "\"");
      }
    } else if (t.kind == plan::TriggerKind::Tag) {
      if (t.tag_pattern.empty() || GlobMatches(t.tag_pattern, info.tag)) return "";
      globs.push_back("\"" + t.tag_pattern + "\"");
    } else {
      return "";
    }
  }
  if (!any_of_kind) return "";
  if (trigger == "push")
    return fmt::format("a push to branch \"{}\" creates no pipeline: `on push` lists branches [{}]",
                       info.branch, fmt::join(globs, ", "));
  return fmt::format("tag \"{}\" creates no pipeline: `on tag` matches {}", info.tag,
                     fmt::join(globs, ", "));
}

void PrintDryRun(const plan::Plan& plan, const RunInfo& info, const EvalContext& ctx,
                 const std::vector<std::string>& excluded, const RunOptions& opts, std::FILE* out) {
  std::fprintf(out, "dry run: trigger %s, branch %s, %zu jobs\n", info.trigger.c_str(),
               info.branch.empty() ? "(none)" : info.branch.c_str(), plan.jobs.size());
  // Walk in the order the scheduler would start jobs with unlimited slots.
  struct NullExec : Executor {
    void Start(size_t, int) override {}
    void Stop(size_t) override {}
    std::vector<AttemptResult> Wait(Millis) override { return {}; }
    bool Interrupted() override { return false; }
  } null_exec;
  SteadyClock clock;
  SchedulerObserver obs;
  Scheduler order_of(plan, ctx, null_exec, clock, obs, {});
  std::vector<std::string> skip(plan.jobs.size());
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < plan.jobs.size(); ++i) index[plan.jobs[i].name] = i;
  int n = 0;
  for (size_t i : order_of.PlannedOrder()) {
    const plan::Job& j = plan.jobs[i];
    std::string why = excluded[i];
    bool runtime_decided = false;
    if (why.empty())
      for (const std::string& need : j.needs)
        if (!skip[index.at(need)].empty() && j.run_when == plan::RunWhen::OnSuccess) {
          why = fmt::format("needs {}, which is skipped", need);
          break;
        }
    if (why.empty() && j.run_when == plan::RunWhen::OnFailure) why = "runs only if something upstream fails";
    if (why.empty()) {
      if (ReadsOutputs(j.condition)) {
        runtime_decided = true;
      } else if (!EvaluateCondition(j.condition, ctx)) {
        why = "condition is false: " + DescribeCondition(j.condition);
      }
    }
    if (why.empty())
      if (auto g = Gate(j, Approved(j, opts))) why = *g;
    skip[i] = why;
    std::string needs = j.needs.empty() ? "" : fmt::format("  (needs {})", fmt::join(j.needs, ", "));
    if (j.after_stages && !j.stage.empty() && j.stage != (plan.stages.empty() ? "" : plan.stages.front()))
      needs = fmt::format("  (after the stages before {})", j.stage);
    if (!why.empty()) {
      std::fprintf(out, "   - %s%s  skipped: %s\n", j.name.c_str(), needs.c_str(), why.c_str());
    } else {
      std::string what = j.trigger ? fmt::format("  [child pipeline {}]", j.trigger->target) : "";
      std::string when = runtime_decided ? "  if " + DescribeCondition(j.condition) + " (decided at run time)" : "";
      std::fprintf(out, "%4d. %s%s%s%s\n", ++n, j.name.c_str(), needs.c_str(), what.c_str(), when.c_str());
    }
  }
}

class Reporter : public SchedulerObserver {
 public:
  Reporter(const plan::Plan& plan, Console& console) : plan_(plan), console_(console) {}
  void JobStarted(size_t job, int attempt) override { console_.Started(plan_.jobs[job].name, attempt); }
  void JobRetrying(size_t job, int next, const std::string& why) override {
    console_.Note(fmt::format("[{}] attempt {} failed: {}; retrying", plan_.jobs[job].name, next - 1, why));
    console_.Started(plan_.jobs[job].name, next);
  }
  void JobEnded(size_t job, const JobState& s) override {
    const std::string& name = plan_.jobs[job].name;
    std::string took = s.first_start.count() >= 0 ? " in " + Duration(s.end - s.first_start) : "";
    switch (s.status) {
      case JobStatus::Succeeded: console_.Note(fmt::format("[{}] passed{}", name, took)); break;
      case JobStatus::Failed: console_.Note(fmt::format("[{}] failed{}: {}", name, took, s.reason)); break;
      case JobStatus::AllowedFailure:
        console_.Note(fmt::format("[{}] failed{} (allowed): {}", name, took, s.reason));
        break;
      case JobStatus::Skipped: console_.Note(fmt::format("[{}] skipped: {}", name, s.reason)); break;
      case JobStatus::Cancelled: console_.Note(fmt::format("[{}] cancelled: {}", name, s.reason)); break;
      default: break;
    }
  }

 private:
  const plan::Plan& plan_;
  Console& console_;
};

std::map<std::string, double> LastDurations(const std::string& runs_dir) {
  std::map<std::string, double> out;
  auto last = ReadFile(runs_dir + "/LAST");
  if (!last) return out;
  std::string id = *last;
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  auto text = ReadFile(runs_dir + "/" + id + "/summary.json");
  if (!text) return out;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("jobs") || !j["jobs"].is_array()) return out;
  for (const auto& job : j["jobs"])
    if (job.is_object() && job.value("duration_ms", -1) > 0)
      out[job.value("name", "")] = job.value("duration_ms", 0) / 1000.0;
  return out;
}

// The container engine `--executor` asks for ("" for the shell executor), or nullopt when
// it was asked for and cannot be used: running every job on the host instead would run
// them without the images they were written for, so that is an error, not a fallback.
std::optional<std::string> DetectEngine(const std::string& executor, std::FILE* err) {
  if (executor == "shell") return "";
  std::string out;
  if (RunCapture({executor, "info", "--format", "{{.ServerVersion}}"}, "", &out) == 0) return executor;
  std::fprintf(err,
               "pipec: --executor %s: no working %s engine (`%s info` failed); start it, or use "
               "--executor shell to run every job on this machine without its image\n",
               executor.c_str(), executor.c_str(), executor.c_str());
  return std::nullopt;
}

std::string SelfExe(const RunOptions& opts) {
  if (!opts.self_exe.empty()) return opts.self_exe;
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "" : p.string();
}

std::string RootOf(const RunOptions& opts) {
  std::error_code ec;
  fs::path root = opts.project_root.empty() ? fs::current_path(ec) : fs::path(opts.project_root);
  return fs::absolute(root, ec).lexically_normal().string();
}

// Fills trigger, branch, sha, tag, inputs; returns "" or a usage error.
std::string PrepareRunInfo(const plan::Plan& plan, const RunOptions& opts, RunInfo* info,
                           std::vector<std::string>* warnings) {
  info->project_root = RootOf(opts);
  info->trigger = opts.trigger;
  GitFacts git = ReadGitFacts(info->project_root);
  info->branch = opts.branch.value_or(git.branch);
  info->sha = git.sha.empty() ? std::string(40, '0') : git.sha;
  if (opts.trigger == "tag") info->tag = opts.tag.value_or(git.tag);
  if (auto found = FindDefaultBranch(RealGit(info->project_root))) {
    const std::string remote = "origin/";  // the branch's name, as CI_DEFAULT_BRANCH gives it
    info->default_branch = found->rfind(remote, 0) == 0 ? found->substr(remote.size()) : *found;
  }
  return ResolveInputs(plan, opts, &info->inputs, warnings);
}

EvalContext ContextOf(const RunInfo& info) {
  EvalContext ctx;
  ctx.trigger = info.trigger;
  ctx.git = {{"branch", info.CommitBranch()},
             {"sha", info.sha},
             {"short_sha", info.sha.substr(0, 8)},
             {"tag", info.tag},
             {"ref", info.tag.empty() ? info.branch : info.tag},
             {"default_branch", info.default_branch},
             {"pipeline_id", info.run_id},
             {"trigger", info.trigger}};
  ctx.inputs = info.inputs;
  return ctx;
}

// `needs optional X`: X is not in this run when its trigger leaves it out, its condition is
// false before anything runs, or it needs (not optionally) a job that is not in the run, as
// GitLab leaves such jobs out of the pipeline; then its dependants do not wait for it.
void DropOptionalNeedsOnAbsentJobs(plan::Plan& plan, const EvalContext& ctx) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < plan.jobs.size(); ++i) index[plan.jobs[i].name] = i;
  std::vector<int> absent(plan.jobs.size(), -1);  // -1 unknown, 0 present (or in progress), 1 absent
  // Whether a job is left out by itself (its trigger or its static condition); else an
  // on_success job is absent when a job it needs (not optionally) is.
  auto absent_by_itself = [&](const plan::Job& j) {
    bool under_trigger = j.triggers.empty() ||
                         std::any_of(j.triggers.begin(), j.triggers.end(),
                                     [&](const std::string& t) { return TriggerMatches(t, ctx.trigger); });
    return !under_trigger || (!ReadsOutputs(j.condition) && !EvaluateCondition(j.condition, ctx));
  };
  // Depth first with a stack of its own (a chain of 100,000 needs overflowed the call stack
  // when this recursed). A job in progress counts as present: a cycle is the checker's to report.
  auto is_absent = [&](size_t root) -> bool {
    if (absent[root] >= 0) return absent[root] == 1;
    std::vector<std::pair<size_t, size_t>> stack;  // (job, index of its next need)
    auto enter = [&](size_t i) {
      absent[i] = 0;
      const plan::Job& j = plan.jobs[i];
      if (absent_by_itself(j)) {
        absent[i] = 1;
        return;
      }
      if (j.run_when == plan::RunWhen::OnSuccess) stack.push_back({i, 0});
    };
    enter(root);
    while (!stack.empty()) {
      auto [i, k] = stack.back();
      const plan::Job& j = plan.jobs[i];
      if (absent[i] == 1 || k >= j.needs.size()) {
        stack.pop_back();
        if (!stack.empty() && absent[i] == 1) absent[stack.back().first] = 1;
        continue;
      }
      stack.back().second = k + 1;
      const std::string& n = j.needs[k];
      if (std::find(j.optional_needs.begin(), j.optional_needs.end(), n) != j.optional_needs.end()) continue;
      auto it = index.find(n);
      if (it == index.end()) continue;
      if (absent[it->second] < 0) {
        enter(it->second);
        if (absent[it->second] == 1) absent[i] = 1;
      } else if (absent[it->second] == 1) {
        absent[i] = 1;
      }
    }
    return absent[root] == 1;
  };
  for (plan::Job& j : plan.jobs)
    std::erase_if(j.needs, [&](const std::string& n) {
      auto it = index.find(n);
      return it != index.end() &&
             std::find(j.optional_needs.begin(), j.optional_needs.end(), n) != j.optional_needs.end() &&
             is_absent(it->second);
    });
}

bool HasChanged(const plan::Condition& c) {
  if (c.op == plan::CondOp::Changed) return true;
  return std::any_of(c.args.begin(), c.args.end(), HasChanged);
}

// `changed [...]`: pushes and merge requests diff against --base (default: the merge base
// with the default branch); under other triggers, as on GitLab, every `changed` holds.
// Returns "" or a usage error.
std::string OpenChanges(const plan::Plan& plan, const RunOptions& opts, const RunInfo& info,
                        EvalContext* ctx, std::FILE* out, std::FILE* err) {
  bool diffs = info.trigger == "push" || info.trigger == "merge_request";
  if (!diffs) {
    if (opts.base)
      std::fprintf(err, "pipec: warning: --base is ignored under trigger %s: as on GitLab, only "
                        "pushes and merge requests have a diff, so every `changed [...]` holds\n",
                   info.trigger.c_str());
    return "";
  }
  if (!std::any_of(plan.jobs.begin(), plan.jobs.end(),
                   [](const plan::Job& j) { return HasChanged(j.condition); }))
    return "";
  std::string error, note;
  std::optional<ChangedFiles> files = ChangedFiles::Open(RealGit(info.project_root), opts.base, &error, &note);
  if (!error.empty()) return error;
  if (!files) {
    std::fprintf(err, "pipec: warning: %s\n", note.c_str());
    return "";
  }
  std::fprintf(out, "changes: since %s (the merge base of HEAD and %s), uncommitted work included\n",
               files->merge_base().substr(0, 8).c_str(), files->base_ref().c_str());
  auto shared = std::make_shared<ChangedFiles>(*files);
  ctx->changed = [shared](const std::vector<std::string>& globs) { return shared->Any(globs); };
  return "";
}

void PrintSummary(const plan::Plan& plan, const Scheduler& sched, const RunInfo& info, Millis total,
                  std::FILE* out) {
  std::vector<size_t> path = sched.CriticalPath();
  std::set<size_t> on_path(path.begin(), path.end());
  size_t width = 3;
  for (const plan::Job& j : plan.jobs) width = std::max(width, j.name.size());
  std::fprintf(out, "\nsummary: run %s in %s\n", info.run_id.c_str(), Duration(total).c_str());
  std::fprintf(out, "  %-*s  %-16s  %8s  %s\n", static_cast<int>(width), "job", "status", "duration", "note");
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    const JobState& s = sched.states()[i];
    std::string dur = s.first_start.count() >= 0 && s.end.count() >= 0 ? Duration(s.end - s.first_start) : "-";
    std::string note = s.reason;
    if (s.attempts > 1) note = fmt::format("{} attempts{}{}", s.attempts, note.empty() ? "" : "; ", note);
    std::string row = fmt::format("{} {:<{}}  {:<16}  {:>8}  {}", on_path.count(i) ? '*' : ' ', plan.jobs[i].name,
                                  width, StatusName(s.status), dur, note);
    while (!row.empty() && row.back() == ' ') row.pop_back();
    std::fprintf(out, "%s\n", row.c_str());
  }
  if (!path.empty()) {
    std::vector<std::string> names;
    for (size_t i : path) names.push_back(plan.jobs[i].name);
    const JobState& first = sched.states()[path.front()];
    const JobState& last = sched.states()[path.back()];
    std::fprintf(out, "critical path (*): %s, %s\n", fmt::format("{}", fmt::join(names, " -> ")).c_str(),
                 Duration(last.end - first.first_start).c_str());
  }
  std::fprintf(out, "logs: %s/logs/\n", fs::relative(info.run_dir, info.project_root).string().c_str());
}

std::string WriteSummaryJson(const plan::Plan& plan, const Scheduler& sched, const RunInfo& info, int code) {
  nlohmann::json jobs = nlohmann::json::array();
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    const JobState& s = sched.states()[i];
    nlohmann::json j = {{"name", plan.jobs[i].name}, {"status", StatusName(s.status)}, {"attempts", s.attempts},
                        {"reason", s.reason}};
    if (s.first_start.count() >= 0 && s.end.count() >= 0) j["duration_ms"] = (s.end - s.first_start).count();
    jobs.push_back(std::move(j));
  }
  nlohmann::json path = nlohmann::json::array();
  for (size_t i : sched.CriticalPath()) path.push_back(plan.jobs[i].name);
  nlohmann::json doc = {{"run_id", info.run_id}, {"trigger", info.trigger}, {"branch", info.branch},
                        {"exit_code", code},     {"jobs", jobs},          {"critical_path", path}};
  return WriteFile(info.run_dir + "/summary.json", doc.dump(2) + "\n");
}

}  // namespace

std::string ParseInputAssignments(const std::vector<std::string>& args, std::map<std::string, std::string>* out) {
  for (const std::string& a : args) {
    size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) return fmt::format("--input {}: expected NAME=VALUE", a);
    (*out)[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return "";
}

// Version 1 plans flattened stage order into needs. There, a need on a job that does not
// exist under this run's trigger can only be stage order (the compiler guarantees that hard
// dependencies exist wherever their dependants do), and stage order means "after it, if it
// runs": drop such needs instead of skipping dependants. Version 2 says which is which.
plan::Plan WithoutAbsentNeeds(const plan::Plan& in, const RunOptions& opts) {
  plan::Plan p = in;
  if (opts.as_child || p.version >= 2) return p;
  std::set<std::string> absent;
  for (const plan::Job& j : p.jobs) {
    if (j.triggers.empty()) continue;
    bool found = false;
    for (const std::string& t : j.triggers) found = found || TriggerMatches(t, opts.trigger);
    if (!found) absent.insert(j.name);
  }
  for (plan::Job& j : p.jobs)
    std::erase_if(j.needs, [&](const std::string& n) { return absent.count(n) > 0; });
  return p;
}

int RunPlan(const plan::Plan& input_plan, const RunOptions& given_opts, std::FILE* out,
            std::FILE* err) {
  RunOptions opts = given_opts;
  if (std::string e = ResolveTrigger(input_plan, given_opts, &opts.trigger); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  plan::Plan plan = WithoutAbsentNeeds(input_plan, opts);
  RunInfo info;
  std::vector<std::string> warnings;
  if (std::string e = PrepareRunInfo(plan, opts, &info, &warnings); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  std::vector<std::string> excluded;
  if (std::string e = SelectJobs(plan, opts, &excluded); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  for (const std::string& w : warnings) std::fprintf(err, "pipec: warning: %s\n", w.c_str());
  if (opts.trigger == "tag" && info.tag.empty() && !opts.as_child) {
    std::fprintf(err, "pipec: --trigger tag: HEAD has no tag; name one with --tag T\n");
    return 2;
  }
  if (!opts.as_child)
    if (std::string why = NoPipelineReason(plan, opts.trigger, info); !why.empty()) {
      // Neither vendor creates a pipeline for this event: nothing runs, nothing fails.
      std::fprintf(out, "no pipeline: %s; nothing runs\n", why.c_str());
      return 0;
    }
  EvalContext ctx = ContextOf(info);
  if (std::string e = OpenChanges(plan, opts, info, &ctx, out, err); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  if (!opts.as_child) DropOptionalNeedsOnAbsentJobs(plan, ctx);
  if (opts.dry_run) {
    PrintDryRun(plan, info, ctx, excluded, opts, out);
    return 0;
  }
  if (std::string e = LoadSecrets(plan, opts.secrets_file, &info.secrets); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  bool can_ask = !opts.as_child && ::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO);
  {
    // Jobs that will certainly not run need no secret: not selected, statically false,
    // a project trigger, or a manual approval nobody can give.
    std::vector<bool> runs(plan.jobs.size());
    for (size_t i = 0; i < plan.jobs.size(); ++i) {
      const plan::Job& j = plan.jobs[i];
      bool static_false = !ReadsOutputs(j.condition) && !EvaluateCondition(j.condition, ctx);
      bool gated = (j.manual_approval && !Approved(j, opts) && !can_ask) ||
                   (j.trigger && j.trigger->kind == plan::ChildKind::Project);
      runs[i] = excluded[i].empty() && !static_false && !gated;
    }
    if (std::string e = CheckBoundSecrets(plan, runs, info.secrets); !e.empty()) {
      std::fprintf(err, "pipec: %s\n", e.c_str());
      return 2;
    }
  }
  std::optional<std::string> engine = DetectEngine(opts.executor, err);
  if (!engine) return 2;
  std::string runs_dir = info.project_root + "/.pipec/runs";
  info.run_id = opts.run_id.empty() ? NewRunId() : opts.run_id;
  ctx.git["pipeline_id"] = info.run_id;
  info.run_dir = runs_dir + "/" + info.run_id;
  std::error_code ec;
  fs::create_directories(info.run_dir + "/logs", ec);
  if (ec) {
    std::fprintf(err, "pipec: cannot create %s: %s\n", info.run_dir.c_str(), ec.message().c_str());
    return 2;
  }
  WriteFile(info.run_dir + "/plan.json", plan::WritePlanJson(plan));

  ExecutorConfig cfg;
  cfg.engine = *engine;
  cfg.self_exe = SelfExe(opts);
  int cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int parallelism = opts.parallelism > 0 ? opts.parallelism : cpus;
  cfg.child_parallelism = parallelism;
  cfg.fail_fast = opts.fail_fast;
  cfg.kill_grace = Millis(opts.kill_grace_ms);
  cfg.debug_on_failure = opts.debug_on_failure;
  cfg.files = ListProjectFiles(info.project_root);
  if (!opts.secrets_file.empty()) {
    // The secrets file may sit in the project untracked: it never goes into a workspace.
    std::error_code rel_ec;
    std::string rel = fs::relative(fs::absolute(opts.secrets_file, rel_ec), info.project_root, rel_ec)
                          .lexically_normal()
                          .string();
    std::erase(cfg.files, rel);
  }
  cfg.mask_values = MaskedValues(plan, info.secrets);

  SchedulerOptions sopts;
  sopts.parallelism = parallelism;
  sopts.fail_fast = opts.fail_fast;
  sopts.excluded = excluded;
  auto last = LastDurations(runs_dir);
  for (const plan::Job& j : plan.jobs) {
    auto it = last.find(j.name);
    sopts.estimates.push_back(it == last.end() ? 1.0 : std::max(0.05, it->second));
  }
  BecomeSubreaper();
  Console console(out, opts.live.value_or(::isatty(::fileno(out)) != 0));
  sopts.gate = [&plan, &opts, &console, can_ask, err](size_t job) -> std::optional<std::string> {
    const plan::Job& j = plan.jobs[job];
    if (j.manual_approval && !Approved(j, opts) && can_ask && !j.trigger) {
      // On a terminal, ask (the run waits); elsewhere --approve is the only way.
      console.Suspend();
      std::fprintf(err, "pipec: %s needs manual approval%s. Run it? [y/N] ", j.name.c_str(),
                   j.environment ? (" (environment " + *j.environment + ")").c_str() : "");
      std::fflush(err);
      char answer[16] = {0};
      if (std::fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y')) return std::nullopt;
      return "manual approval declined";
    }
    return Gate(j, Approved(j, opts));
  };
  InterruptGuard interrupts;
  SteadyClock clock;
  Reporter reporter(plan, console);
  int code;
  Millis began = clock.Now();
  std::optional<Scheduler> sched;
  {
    LocalExecutor executor(plan, info, cfg, console, clock, interrupts);
    sched.emplace(plan, ctx, executor, clock, reporter, sopts);
    code = sched->Run();
  }
  if (int n = KillStrays(); n > 0)
    console.Note(fmt::format("pipec: stopped {} process(es) that jobs left running", n));
  console.Suspend();
  PrintSummary(plan, *sched, info, clock.Now() - began, out);
  std::fflush(out);
  WriteSummaryJson(plan, *sched, info, code);
  fs::remove_all(info.run_dir + "/secrets", ec);
  if (!opts.as_child) WriteFile(runs_dir + "/LAST", info.run_id + "\n");
  if (code == 130) std::fprintf(err, "pipec: interrupted; every job was stopped\n");
  return code;
}

int OpenShell(const plan::Plan& plan, const ShellOptions& opts, std::FILE* err) {
  const plan::Job* job = nullptr;
  for (const plan::Job& j : plan.jobs)
    if (j.name == opts.job) job = &j;
  if (!job) {
    std::vector<std::string> names;
    for (const plan::Job& j : plan.jobs) names.push_back(j.name);
    std::fprintf(err, "pipec: no job named \"%s\"; jobs: %s\n", opts.job.c_str(),
                 fmt::format("{}", fmt::join(names, ", ")).c_str());
    return 2;
  }
  if (job->trigger) {
    std::fprintf(err, "pipec: %s triggers a pipeline; it has no workspace of its own\n", job->name.c_str());
    return 2;
  }
  RunOptions run = opts.run;
  if (std::string e = ResolveTrigger(plan, opts.run, &run.trigger); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  RunInfo info;
  std::vector<std::string> warnings;
  if (std::string e = PrepareRunInfo(plan, run, &info, &warnings); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  if (std::string e = LoadSecrets(plan, opts.run.secrets_file, &info.secrets); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  std::string runs_dir = info.project_root + "/.pipec/runs";
  auto last = ReadFile(runs_dir + "/LAST");
  std::string last_id = last ? *last : "";
  while (!last_id.empty() && (last_id.back() == '\n' || last_id.back() == ' ')) last_id.pop_back();
  if (!job->inputs.empty() && last_id.empty()) {
    std::fprintf(err, "pipec: %s needs artifacts from earlier jobs and there is no previous run; `pipec run` first\n",
                 job->name.c_str());
    return 2;
  }
  info.run_id = "shell-" + NewRunId();
  info.run_dir = runs_dir + "/" + info.run_id;
  std::string ws = info.WorkspaceOf(job->name);
  if (std::string e = PopulateWorkspace(info.project_root, ListProjectFiles(info.project_root), ws); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  ArtifactStore store(runs_dir + "/" + last_id + "/store");
  if (std::string e = store.Restore(*job, ws); !e.empty()) {
    std::fprintf(err, "pipec: %s (from run %s)\n", e.c_str(), last_id.c_str());
    return 2;
  }
  for (const std::string& name : job->caches)
    for (const plan::Cache& c : plan.caches)
      if (c.name == name && c.policy != plan::CachePolicy::Push)
        RestoreCache(c, info.CacheRoot() + "/" + CacheKey(c, info.project_root), ws);
  std::map<std::string, std::string> env;
  if (std::string e = BuildJobEnv(info, plan, *job, 1, &env); !e.empty()) {
    std::fprintf(err, "pipec: %s\n", e.c_str());
    return 2;
  }
  LaunchSpec spec;
  spec.cwd = ws;
  spec.env = EnvList(env);
  if (opts.command.empty()) {
    std::fprintf(err, "pipec: shell for %s in %s (inputs from run %s); `exit` to leave\n", job->name.c_str(),
                 ws.c_str(), last_id.empty() ? "-" : last_id.c_str());
    spec.argv = {job->shell == "bash" ? "bash" : "sh", "-i"};
  } else {
    spec.argv = {job->shell, "-c", opts.command};
  }
  int code = RunInteractive(spec);
  std::error_code ec;
  fs::remove_all(info.run_dir + "/secrets", ec);
  return code;
}

}  // namespace pipec::runtime
