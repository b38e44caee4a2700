// Explicit `needs` and stage order.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

// Explicit `needs`.
void Analyzer::LowerNeeds(JobSpec& s, size_t cell, ir::Job& job) {
  auto once = [&](auto&& fn) {
    if (cell == 0) fn();
  };
  for (const LayerItem& li : s.items) {
    auto* n = std::get_if<ast::NeedsItem>(&li.item->value);
    if (!n) continue;
    for (size_t k = 0; k < n->jobs.size(); ++k) {
      const ast::QualifiedName& q = n->jobs[k];
      if (q.parts.size() != 1) {
        once([&] {
          ReportIn(*li.env, DiagKind::UnknownName, q.range,
                   fmt::format("`needs` takes job names, not `{}`", q.Joined()));
        });
        continue;
      }
      const std::string& target = q.parts[0].text;
      if (!job_decls_.count(target)) {
        once([&] { CheckJobRef(q.parts[0], *li.env); });
        continue;
      }
      if (target == s.decl->name.text) {
        once([&] {
          ReportIn(*li.env, DiagKind::SelfDependency, q.range,
                   fmt::format("job `{}` cannot need itself", target));
        });
        continue;
      }
      // A need on a matrix job waits for every cell.
      for (const std::string& cellname : base_of_[target]->names) {
        ir::Need need;
        need.job = cellname;
        need.origin = ir::Need::Origin::Explicit;
        need.optional = k < n->optional.size() && n->optional[k];
        need.range = q.range;
        job.needs.push_back(need);  // duplicates stay: the checker reports them
      }
    }
  }
}

// The job's stage; without `stages`, first use declares one.
void Analyzer::LowerStage(JobSpec& s, size_t cell, ir::Job& job) {
  auto once = [&](auto&& fn) {
    if (cell == 0) fn();
  };
  if (auto* li = Last<ast::StageItem>(s)) {
    const auto& st = std::get<ast::StageItem>(li->item->value);
    job.stage = st.stage.text;
    if (std::find(out_.stages.begin(), out_.stages.end(), job.stage) == out_.stages.end()) {
      if (declared_stages_) {
        once([&] {
          std::vector<std::pair<std::string, SourceRange>> c;
          for (const auto& n : out_.stages) c.push_back({n, stage_ranges_[n]});
          std::vector<std::string> names;
          for (auto& x : c) names.push_back(x.first);
          auto close = ClosestNames(job.stage, names);
          std::string list;
          for (const auto& n : out_.stages) list += (list.empty() ? "" : ", ") + n;
          ReportIn(
              *li->env, DiagKind::UnknownStage, st.stage.range,
              fmt::format("{} job: chosen stage {} does not exist; available stages are {}{}",
                          s.decl->name.text, job.stage, list,
                          close.empty() ? "" : fmt::format(" (did you mean `{}`?)", close[0])));
        });
      } else {
        out_.stages.push_back(job.stage);
        stage_ranges_[job.stage] = st.stage.range;
      }
    }
  }
}

// ---------------------------------------------------------------- stage order
// GitLab's rule, made explicit as data: a job in a stage with neither `needs` nor `in` (nor a
// value gate) waits for every job of the earlier stages; a job with any of them waits only
// for those. No edges are added: ir::DepGraph walks stage order through one barrier per stage.
//
// In a pipeline with stages, a job declared without one is placed where GitLab's emitter puts
// it, so every target agrees on what waits for it: the latest stage among the jobs it needs,
// or the first stage.
void Analyzer::SetStageOrder() {
  if (!out_.stages.empty()) PlaceJobsWithoutStage();
  for (ir::Job& j : out_.jobs) j.after_stages = !j.stage.empty() && j.needs.empty();
}

void Analyzer::PlaceJobsWithoutStage() {
  if (std::none_of(out_.jobs.begin(), out_.jobs.end(), [](const ir::Job& j) { return j.stage.empty(); })) return;
  std::map<std::string_view, size_t> stage_index, job_index;
  for (size_t s = 0; s < out_.stages.size(); ++s) stage_index.emplace(out_.stages[s], s);
  for (size_t i = 0; i < out_.jobs.size(); ++i) job_index.emplace(out_.jobs[i].name, i);
  // Kahn's order over the needs (iterative: chains of 100,000 jobs must not overflow the
  // stack); a job on a cycle keeps the first stage, the checker reports the cycle.
  size_t n = out_.jobs.size();
  std::vector<std::vector<size_t>> dependants(n);
  std::vector<size_t> pending(n, 0), order, placed(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (const ir::Need& need : out_.jobs[i].needs)
      if (auto it = job_index.find(need.job); it != job_index.end()) {
        dependants[it->second].push_back(i);
        ++pending[i];
      }
  for (size_t i = 0; i < n; ++i)
    if (pending[i] == 0) order.push_back(i);
  for (size_t k = 0; k < order.size(); ++k) {
    size_t i = order[k];
    const ir::Job& j = out_.jobs[i];
    if (auto it = stage_index.find(j.stage); !j.stage.empty() && it != stage_index.end())
      placed[i] = it->second;
    else
      for (const ir::Need& need : j.needs)
        if (auto it = job_index.find(need.job); it != job_index.end())
          placed[i] = std::max(placed[i], placed[it->second]);
    for (size_t d : dependants[i])
      if (--pending[d] == 0) order.push_back(d);
  }
  for (size_t i = 0; i < n; ++i)
    if (out_.jobs[i].stage.empty()) out_.jobs[i].stage = out_.stages[placed[i]];
}

}  // namespace pipec::sema
