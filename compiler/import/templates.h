#pragma once
// What `pipec import` needs to write GitLab `extends` and YAML `<<: *anchor` merges as Pipe
// templates: the content each shared piece of configuration contributes, read into the IR like
// a job, and which of them each job (or template) is built on. The GitLab reader fills it when
// ImportOptions::templates is set; pipe_writer.cc decides what Pipe's template rules can say.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace pipec::import {

struct ImportTemplate {
  std::string
      key;  // ".base", "build" (a job used as a parent), "&anchor", ".a+.b" (several parents)
  std::string
      origin;   // shown above the template: "hidden job .base", "anchor &x", "extends: [.a, .b]"
  ir::Job job;  // its content read as a job (no `default:`; stage "" when it sets none)
  // Templates it may be written on (keys, best first): its `extends` parent(s) or merged anchors.
  std::vector<std::string> bases;
};

struct ImportTemplates {
  std::vector<ImportTemplate> templates;  // in source order; bases come before their users
  // Visible job (declared name) -> the templates it may use, best first.
  std::map<std::string, std::vector<std::string>> job_bases;
  std::optional<ir::Job> defaults;  // GitLab `default:` read as a job
};

}  // namespace pipec::import
