#include "compiler/ir/verify.h"

#include "compiler/ir/conditions.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string_view>
#include <unordered_map>

namespace pipec::ir {

std::vector<std::string> Verify(const Pipeline& p) {
  std::vector<std::string> bad;
  auto fail = [&](std::string s) { bad.push_back(std::move(s)); };
  const bool from_pipe = p.origin == Origin::Pipe;

  std::set<std::string_view> stages;
  for (const std::string& s : p.stages) {
    if (s.empty()) fail("pipeline: an empty stage name");
    if (!stages.insert(s).second) fail(fmt::format("pipeline: stage `{}` listed twice", s));
  }
  std::set<std::string> trigger_ids;
  for (const Trigger& t : p.triggers) trigger_ids.insert(t.Id());

  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < p.jobs.size(); ++i) {
    const Job& j = p.jobs[i];
    if (j.name.empty()) fail(fmt::format("jobs[{}]: no name", i));
    if (!index.emplace(j.name, i).second)
      fail(fmt::format("job `{}`: the name is used twice", j.name));
  }

  // Every reference's JobId is its name's index (ResolveJobIds), kNoJob only for a name no job has.
  auto id_matches = [&](const std::string& name, JobId id) {
    auto it = index.find(name);
    return it == index.end() ? id == kNoJob : id == it->second;
  };

  for (const Job& j : p.jobs) {
    auto at = [&](std::string_view what) { return fmt::format("job `{}`: {}", j.name, what); };
    for (const Need& n : j.needs)
      if (!id_matches(n.job, n.job_id)) fail(at(fmt::format("needs `{}` through a stale job id", n.job)));
    for (const InputRef& in : j.inputs)
      if (!id_matches(in.job, in.job_id))
        fail(at(fmt::format("reads `{}.{}` through a stale job id", in.job, in.output)));
    ForEachOutputRead(*j.when, [&](const Operand& o) {
      if (!id_matches(o.job, o.job_id)) fail(at(fmt::format("reads `{}.{}` through a stale job id", o.job, o.name)));
    });
    // What GitLab's YAML wrote, kept for the checks that quote it: no other front end has it.
    if (p.origin != Origin::GitLab) {
      if (j.dependencies) fail(at("has a GitLab `dependencies:` list outside a GitLab pipeline"));
      if (!j.script_paths.empty()) fail(at("has GitLab script paths outside a GitLab pipeline"));
      if (std::any_of(j.needs.begin(), j.needs.end(), [](const Need& n) { return n.artifacts_written; }))
        fail(at("has a need with GitLab's `artifacts: true` written outside a GitLab pipeline"));
    }
    if (p.origin != Origin::GitHub && j.inherits_secrets.valid())
      fail(at("has GitHub's `secrets: inherit` outside a GitHub workflow"));
    // Importers keep an unknown stage (reported with the vendor's wording); it orders nothing.
    if (from_pipe && !j.stage.empty() && !stages.count(j.stage))
      fail(at(fmt::format("stage `{}` is not in the pipeline's stages", j.stage)));
    if (j.after_stages && !stages.count(j.stage))
      fail(at("waits for the earlier stages but has no known stage"));
    if (from_pipe && j.stage.empty() && !p.stages.empty())
      fail(at("has no stage in a pipeline with stages"));
    // Sema's rule (GitLab's): a job in a stage without needs waits for the earlier stages.
    if (from_pipe && j.after_stages != (!j.stage.empty() && j.needs.empty()))
      fail(at(j.after_stages
                  ? "waits for the earlier stages although it has needs"
                  : "has a stage and no needs but does not wait for the earlier stages"));
    std::set<std::string_view> needed;
    // GitLab `dependencies:` without `needs:` (on a job of an unknown stage too, which the
    // importer reported): no hard need next to them.
    bool hard = std::any_of(j.needs.begin(), j.needs.end(), [](const Need& n) { return n.Hard(); });
    for (const Need& n : j.needs) {
      if (n.job == j.name) fail(at("needs itself"));
      if (n.origin == Need::Origin::StageArtifacts && hard)
        fail(at(fmt::format("takes the artifacts of `{}` by stage order next to needs of its own", n.job)));
      if (from_pipe && !index.count(n.job))
        fail(at(fmt::format("needs `{}`, which is no job", n.job)));
      needed.insert(n.job);
    }
    if (from_pipe)
      for (const InputRef& in : j.inputs)
        if (!needed.count(in.job))
          fail(at(fmt::format("reads `{}.{}` without a need on `{}`", in.job, in.output, in.job)));
    if (size_t changed = CountChanged(*j.when); changed > 1 || (changed == 1 && !ChangedTerm(*j.when)))
      fail(at("`changed` is not the condition or one term of its top-level `and`, or is there twice"));
    if (const Condition* c = ChangedTerm(*j.when); c && c->paths.empty())
      fail(at("`changed` has no paths"));
    if (!std::is_sorted(j.active_triggers.begin(), j.active_triggers.end()) ||
        std::adjacent_find(j.active_triggers.begin(), j.active_triggers.end()) !=
            j.active_triggers.end())
      fail(at("active triggers are not sorted and unique"));
    if (from_pipe)
      for (const std::string& t : j.active_triggers)
        if (!trigger_ids.count(t))
          fail(at(fmt::format("active under `{}`, which is no trigger", t)));
  }

  // GitHub's expressions (github_facts.h): only a GitHub workflow has them, each read in a job
  // the facts list (or at workflow level), its text mapped from offset 0 on, lines ascending.
  const GitHubFacts& g = p.github;
  if (p.origin != Origin::GitHub && (!g.expressions.empty() || !g.jobs.empty() || g.inputs))
    fail("pipeline: has GitHub expression facts outside a GitHub workflow");
  // The checker looks names up by binary search.
  auto sorted_unique = [](const std::vector<std::string>& v) {
    return std::is_sorted(v.begin(), v.end()) && std::adjacent_find(v.begin(), v.end()) == v.end();
  };
  if (g.inputs && !sorted_unique(*g.inputs)) fail("pipeline: GitHub inputs are not sorted and unique");
  for (const GitHubJobScope& j : g.jobs)
    if (!sorted_unique(j.needs) || (j.matrix_keys && !sorted_unique(*j.matrix_keys)))
      fail(fmt::format("github job `{}`: needs or matrix keys are not sorted and unique", j.name));
  for (size_t i = 0; i < g.expressions.size(); ++i) {
    const GitHubExpression& e = g.expressions[i];
    auto at = [&](std::string_view what) { return fmt::format("github expression {}: {}", i, what); };
    if (e.job < -1 || e.job >= static_cast<int>(g.jobs.size())) fail(at("reads in no known job"));
    if (e.job < 0 && (e.steps_known || e.in_step || e.matrix_known))
      fail(at("knows a job's steps or matrix at workflow level"));
    if (e.job >= 0 && e.steps_known && *e.steps_known > g.jobs[static_cast<size_t>(e.job)].step_ids.size())
      fail(at("knows more steps than its job has"));
    if (!e.script && !e.taint.empty()) fail(at("has untrusted reads outside script text"));
    if (e.where.lines.empty() || e.where.lines.front().offset != 0 ||
        !std::is_sorted(e.where.lines.begin(), e.where.lines.end(),
                        [](const TextMap::Line& a, const TextMap::Line& b) { return a.offset < b.offset; }))
      fail(at("its text map does not start at offset 0 or is not in order"));
    for (const TaintedRead& r : e.taint)
      if (r.offset + r.length > e.text.size()) fail(at(fmt::format("reads `{}` past its text", r.property)));
  }
  return bad;
}

bool VerifyRequested() {
#ifndef NDEBUG
  return true;
#else
  const char* v = std::getenv("PIPEC_VERIFY_IR");
  return v && *v && std::string_view(v) != "0";
#endif
}

}  // namespace pipec::ir
