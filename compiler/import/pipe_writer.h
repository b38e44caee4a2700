#pragma once
// Writes an imported pipeline as Pipe source (`pipec import`), in the syntax of grammar/Pipe.g4.
// What Pipe cannot say is kept in `raw gitlab { }` / `raw github { }` blocks and listed in a
// comment at the top, so nothing is dropped silently.
#include <string>

#include "compiler/import/templates.h"
#include "compiler/ir/ir.h"

namespace pipec::import {

struct PipeWriteOptions {
  std::string source_name;  // shown in the header comment
  // GitLab `extends` parents, hidden jobs and merged anchors (ImportOptions::templates): jobs
  // built on them are written as uses of Pipe templates where Pipe's override rules give the
  // same job, else in full (listed in the header comment). nullptr = every job in full.
  const ImportTemplates* templates = nullptr;
  // GitHub: leave the workflow's `on:` out of the top-level `raw github { }`, so the Pipe
  // triggers alone say it. `pipec import` sets it when the GitHub build of that Pipe file writes
  // the same `on:` as the original (driver/github_on.h).
  bool github_on_from_triggers = false;
};

std::string WritePipe(const ir::Pipeline& p, const PipeWriteOptions& opts);

// A Pipe name for a vendor job or output name: [A-Za-z_][A-Za-z0-9_-]*.
std::string PipeName(std::string_view name);

// A Pipe string literal ("..." with escapes, or """...""" for several lines).
std::string PipeString(std::string_view text);

}  // namespace pipec::import
