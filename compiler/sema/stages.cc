// Explicit `needs` and stage order.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <algorithm>

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
    for (const ast::QualifiedName& q : n->jobs) {
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

// ---------------------------------------------------------------- stages and triggers
// GitLab's rule, made explicit: a job with neither `needs` nor `in` (nor a value gate) waits
// for every job of the earlier stages; a job with any of them waits only for those.
void Analyzer::AddStageEdges() {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < out_.stages.size(); ++i) index[out_.stages[i]] = i;
  std::vector<size_t> per_stage(out_.stages.size(), 0);
  for (const ir::Job& j : out_.jobs)
    if (!j.stage.empty()) ++per_stage[index[j.stage]];
  size_t edges = 0;
  const ir::Job* biggest = nullptr;
  for (const ir::Job& j : out_.jobs) {
    if (j.stage.empty() || !j.needs.empty()) continue;
    for (size_t s = 0; s < index[j.stage]; ++s) edges += per_stage[s];
    if (!biggest || index[j.stage] > index[biggest->stage]) biggest = &j;
  }
  if (edges > kMaxStageEdges) {
    Report(DiagKind::TooManyJobs, biggest->range,
           fmt::format(
               "stage order would make {} implied needs (every job without `needs` waits for every "
               "job of the earlier stages); the limit is {}",
               edges, kMaxStageEdges))
        .Note({},
              "give the jobs of the big stages explicit `needs`, or split the pipeline with "
              "`trigger pipeline`");
    return;
  }
  for (ir::Job& j : out_.jobs) {
    if (j.stage.empty() || !j.needs.empty()) continue;
    size_t mine = index[j.stage];
    for (const ir::Job& other : out_.jobs) {
      if (other.stage.empty() || index[other.stage] >= mine) continue;
      ir::Need n;
      n.job = other.name;
      n.origin = ir::Need::Origin::Stage;
      n.artifacts = false;
      n.range = j.range;
      j.needs.push_back(n);
    }
  }
}

}  // namespace pipec::sema
