#include "compiler/import/triggers.h"

#include "compiler/support/regex.h"

namespace pipec::import {

void AddGitLabTriggers(ir::Pipeline& p, const std::string& rules_text) {
  auto add = [&](ir::TriggerKind kind, std::string name) {
    for (const ir::Trigger& t : p.triggers)
      if (t.kind == kind && t.name == name) return;
    ir::Trigger t;
    t.kind = kind;
    t.name = std::move(name);
    if (kind == ir::TriggerKind::Tag) t.tag_pattern = "*";
    p.triggers.push_back(std::move(t));
  };
  // Whole words: the text is JSON, where quotes are escaped (`\"schedule\"`). Compiled once.
  static const support::LazyRegex kMergeRequest(
      R"(\bmerge_request_event\b|\bmerge_requests\b|\bCI_MERGE_REQUEST_)");
  static const support::LazyRegex kSchedule(R"(\bschedules?\b)");
  static const support::LazyRegex kWeb(R"(\bweb\b)");
  static const support::LazyRegex kTag(R"(\bCI_COMMIT_TAG\b|\btags\b)");
  auto mentions = [&](const support::LazyRegex& re) {
    return RE2::PartialMatch(rules_text, re.Get());
  };
  add(ir::TriggerKind::Push, "");
  if (mentions(kMergeRequest)) add(ir::TriggerKind::MergeRequest, "");
  if (mentions(kSchedule)) add(ir::TriggerKind::Schedule, "schedule");
  if (mentions(kWeb)) add(ir::TriggerKind::Manual, "");
  if (mentions(kTag)) add(ir::TriggerKind::Tag, "");
}

}  // namespace pipec::import
