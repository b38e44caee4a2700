// Trigger references in conditions, and the per-job active trigger sets.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <algorithm>

#include "compiler/sema/analyzer.h"
#include "compiler/sema/triggers.h"

namespace pipec::sema {

using ir::TypeKind;

std::vector<std::string> Analyzer::ResolveTriggerRef(const ast::QualifiedName& t, const Env& env,
                                                     bool report) {
  std::vector<std::string> ids;
  std::string head = t.parts[0].text;
  static const std::map<std::string, ir::TriggerKind> kinds = {
      {"push", ir::TriggerKind::Push},     {"merge_request", ir::TriggerKind::MergeRequest},
      {"tag", ir::TriggerKind::Tag},       {"schedule", ir::TriggerKind::Schedule},
      {"manual", ir::TriggerKind::Manual}, {"webhook", ir::TriggerKind::Webhook}};
  auto k = kinds.find(head);
  std::vector<std::pair<std::string, SourceRange>> cands;
  for (const ir::Trigger& tr : out_.triggers) {
    std::string shown = tr.Id();
    std::replace(shown.begin(), shown.end(), ':', '.');
    cands.push_back({shown, tr.range});
  }
  if (k == kinds.end() || t.parts.size() > 2) {
    if (report) Unknown(&env, t.range, "trigger", t.Joined(), cands);
    return ids;
  }
  for (const ir::Trigger& tr : out_.triggers) {
    if (tr.kind != k->second) continue;
    if (t.parts.size() == 2 && tr.name != t.parts[1].text) continue;
    ids.push_back(tr.Id());
  }
  if (ids.empty() && report) {
    Diagnostic& d = ReportIn(env, DiagKind::UnknownName, t.range,
                             fmt::format("the pipeline has no `on {}` trigger", t.Joined()));
    auto close = ClosestNames(t.Joined(), [&] {
      std::vector<std::string> n;
      for (auto& c : cands) n.push_back(c.first);
      return n;
    }());
    if (!close.empty()) d.message += fmt::format("; did you mean `{}`?", close[0]);
    if (t.parts.size() == 1 &&
        (k->second == ir::TriggerKind::Schedule || k->second == ir::TriggerKind::Webhook))
      d.Note({}, fmt::format("name it: `trigger is {}.NAME`", head));
  }
  return ids;
}

void Analyzer::ComputeTriggers() {
  std::vector<std::string> all;
  for (const ir::Trigger& t : out_.triggers) all.push_back(t.Id());
  if (all.empty() && !out_.jobs.empty()) {
    Report(DiagKind::NoTrigger,
           main_->ast->header ? main_->ast->header->range : out_.jobs[0].range,
           "the pipeline declares no trigger, so nothing ever runs it; add e.g. `on push`");
  }
  ComputeActiveTriggers(out_, all, sink_);
}

}  // namespace pipec::sema
