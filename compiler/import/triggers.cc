#include "compiler/import/triggers.h"

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
  add(ir::TriggerKind::Push, "");
  if (rules_text.find("merge_request_event") != std::string::npos || rules_text.find("merge_requests") != std::string::npos)
    add(ir::TriggerKind::MergeRequest, "");
  if (rules_text.find("\"schedule\"") != std::string::npos || rules_text.find("schedules") != std::string::npos)
    add(ir::TriggerKind::Schedule, "schedule");
  if (rules_text.find("\"web\"") != std::string::npos) add(ir::TriggerKind::Manual, "");
  if (rules_text.find("CI_COMMIT_TAG") != std::string::npos || rules_text.find("tags") != std::string::npos)
    add(ir::TriggerKind::Tag, "");
}

}  // namespace pipec::import
