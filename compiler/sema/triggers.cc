#include "compiler/sema/triggers.h"

#include "compiler/ir/conditions.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <set>
#include <string_view>
#include <unordered_map>

namespace pipec::sema {

namespace {

// An optional need waits only when its job is in the pipeline: it neither narrows the
// dependant's triggers nor mismatches them.
bool Restricts(const ir::Need& n) { return n.Hard() && !n.optional; }

// Each job's triggers are a set over the pipeline's few triggers: one bit each, in name order
// (the order the sets of strings had), in one array for all jobs. The sets of strings this
// replaces cost a few percent of a 10,000-job check in allocation and string comparison.
class TriggerSolver {
 public:
  TriggerSolver(ir::Pipeline& p, const std::vector<std::string>& all, DiagnosticSink& sink)
      : p_(p), names_(all.begin(), all.end()), sink_(sink) {
    std::sort(names_.begin(), names_.end());
    names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
    words_ = (names_.size() + 63) / 64;
    index_.reserve(p.jobs.size());
    for (size_t i = 0; i < p.jobs.size(); ++i) index_[p.jobs[i].name] = i;
  }

  void Solve() {
    state_.assign(p_.jobs.size(), 0);
    result_.assign(p_.jobs.size() * words_, 0);
    for (size_t i = 0; i < p_.jobs.size(); ++i) Visit(i);
    for (size_t i = 0; i < p_.jobs.size(); ++i) {
      std::vector<std::string>& active = p_.jobs[i].active_triggers;
      active.clear();
      size_t count = 0;
      for (size_t w = 0; w < words_; ++w) count += std::popcount(result_[i * words_ + w]);
      active.reserve(count);
      for (size_t t = 0; t < names_.size(); ++t)
        if (Has(i, t)) active.push_back(names_[t]);
    }
    // Mismatches: reported once per declared job and dependency.
    std::set<std::pair<std::string, std::string>> reported;
    for (size_t i = 0; i < p_.jobs.size(); ++i) {
      const ir::Job& j = p_.jobs[i];
      if (!ir::MentionsTriggers(*j.when)) continue;
      for (const ir::Need& n : j.needs) {
        if (!Restricts(n)) continue;
        auto it = index_.find(n.job);
        if (it == index_.end()) continue;
        std::vector<std::string> missing;
        for (size_t t = 0; t < names_.size(); ++t)
          if (Has(i, t) && !Has(it->second, t)) missing.push_back(names_[t]);
        if (missing.empty()) continue;
        const ir::Job& dep = p_.jobs[it->second];
        if (!reported.insert({j.base_name, dep.base_name}).second) continue;
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        Diagnostic& d = sink_.Report(
            DiagKind::TriggerMismatch, n.range,
            fmt::format("job `{}` runs on {} but depends on `{}`, which does not run then", j.base_name,
                        list, dep.base_name));
        d.Note(dep.when->range.valid() ? dep.when->range : dep.range,
               fmt::format("`{}` runs only on {}", dep.base_name,
                           dep.active_triggers.empty() ? std::string("no trigger") : Join(dep.active_triggers)));
        d.Note({}, fmt::format("GitLab would stop that pipeline with \"'{}' job needs '{}' job, but '{}' "
                               "is not in any previous stage\"; narrow `{}`'s `when` or widen `{}`'s",
                               j.base_name, dep.base_name, dep.base_name, j.base_name, dep.base_name));
      }
    }
  }

 private:
  static std::string Join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  uint64_t* Bits(size_t job) { return result_.data() + job * words_; }
  bool Has(size_t job, size_t t) const { return (result_[job * words_ + t / 64] >> (t % 64)) & 1; }

  // Depth first over the restricting needs, with a stack of its own: a chain of 100,000 jobs,
  // each needing the next, overflowed the call stack when this recursed.
  void Visit(size_t root) {
    if (state_[root] != 0) return;
    std::vector<std::pair<size_t, size_t>> stack;  // (job, index of its next need to look at)
    state_[root] = 1;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto [i, k] = stack.back();
      const ir::Job& j = p_.jobs[i];
      // A job whose condition names triggers does not depend on its needs' triggers.
      bool descended = false;
      if (!ir::MentionsTriggers(*j.when)) {
        while (k < j.needs.size() && !descended) {
          const ir::Need& n = j.needs[k++];
          if (!Restricts(n)) continue;
          auto it = index_.find(n.job);
          if (it == index_.end() || state_[it->second] != 0) continue;
          state_[it->second] = 1;
          stack.back().second = k;
          stack.push_back({it->second, 0});
          descended = true;
        }
      }
      if (descended) continue;
      Finish(i);
      stack.pop_back();
    }
  }

  // The job's triggers, its needs done: those its condition allows, or those all its
  // restricting needs run under. A need still in progress is on a cycle (the checker reports
  // it): its edge is treated as open.
  void Finish(size_t i) {
    const ir::Job& j = p_.jobs[i];
    uint64_t* s = Bits(i);
    if (ir::MentionsTriggers(*j.when)) {
      for (size_t t = 0; t < names_.size(); ++t)
        if (ir::EvalUnderTrigger(*j.when, names_[t]) != 0) s[t / 64] |= uint64_t{1} << (t % 64);
    } else {
      for (size_t t = 0; t < names_.size(); ++t) s[t / 64] |= uint64_t{1} << (t % 64);
      for (const ir::Need& n : j.needs) {
        if (!Restricts(n)) continue;
        auto it = index_.find(n.job);
        if (it == index_.end() || state_[it->second] != 2) continue;
        const uint64_t* keep = Bits(it->second);
        for (size_t w = 0; w < words_; ++w) s[w] &= keep[w];
      }
    }
    state_[i] = 2;
  }

  ir::Pipeline& p_;
  std::vector<std::string> names_;  // the triggers, sorted, each once: bit t is names_[t]
  size_t words_ = 0;                // 64-bit words per job
  DiagnosticSink& sink_;
  std::unordered_map<std::string_view, size_t> index_;  // views of the jobs' names
  std::vector<int> state_;
  std::vector<uint64_t> result_;  // words_ per job
};

}  // namespace

void ComputeActiveTriggers(ir::Pipeline& p, const std::vector<std::string>& all,
                           DiagnosticSink& sink) {
  TriggerSolver(p, all, sink).Solve();
}

}  // namespace pipec::sema
