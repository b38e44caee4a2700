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
  // Whole words: the text is JSON, where quotes are escaped (`\"schedule\"`).
  auto mentions = [&](const char* pattern) {
    return RE2::PartialMatch(rules_text, *support::FixedRegex(pattern));
  };
  add(ir::TriggerKind::Push, "");
  if (mentions(R"(\bmerge_request_event\b|\bmerge_requests\b|\bCI_MERGE_REQUEST_)"))
    add(ir::TriggerKind::MergeRequest, "");
  if (mentions(R"(\bschedules?\b)")) add(ir::TriggerKind::Schedule, "schedule");
  if (mentions(R"(\bweb\b)")) add(ir::TriggerKind::Manual, "");
  if (mentions(R"(\bCI_COMMIT_TAG\b|\btags\b)")) add(ir::TriggerKind::Tag, "");
}

}  // namespace pipec::import
