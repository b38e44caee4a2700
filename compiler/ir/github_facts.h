#pragma once
// (import, GitHub) What a workflow's `${{ ... }}` expressions read, as the GitHub reader found
// them, for the checker's rules on them (lint/rules_github_expressions.cc): every expression of
// any key with where its characters are in the file, what each context holds where it is read,
// and which reads carry untrusted event text into a script. The reader finds; the rules judge.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/source.h"

namespace pipec::ir {

// Byte offsets of a YAML scalar's text -> source ranges, line by line (an expression can span
// the lines of a block scalar). A line the reader could not find in the file text (escapes,
// folding) maps to `fallback`, the scalar's node, as import::LocateInScalar does.
struct TextMap {
  struct Line {
    size_t offset = 0;  // of the line's first byte in the text (the first line: 0)
    SourceLoc loc;      // where that byte is; line 0: not found
  };
  SourceRange fallback;
  std::vector<Line> lines;  // ascending offsets

  // The range of `length` bytes at byte `offset` of the text (on the line of `offset`).
  SourceRange At(size_t offset, size_t length) const;
};

// A read of untrusted event text inside one expression (compiler/import/github_taint.h): a
// `github.event.*` property an outsider writes, or an env var, step output or job output the
// workflow filled with one.
struct TaintedRead {
  enum class Via { Event, Env, StepOutput, JobOutput };
  Via via = Via::Event;
  size_t offset = 0;     // in the expression's text
  size_t length = 0;     // of the property read
  std::string property;  // as written: "steps.meta.outputs.title"
  std::string source;    // the untrusted event property it carries: "github.event.issue.title"
};

// One `${{ ... }}` of a workflow (any key: `run:`, `with:`, `if:`, `env:`, job `outputs:`, the
// workflow's `env:`, `run-name:` and `concurrency:`), or an `if:` written without one.
struct GitHubExpression {
  std::string text;  // the inner text as written
  TextMap where;     // offsets of `text` -> source
  int job = -1;      // index in GitHubFacts::jobs; -1: workflow level
  // The `steps` ids readable here: the job's first `steps_known` step ids (a step reads the
  // earlier steps'; the job's `outputs:` all of them); nullopt: `steps` is not known here
  // (workflow level, other job keys, step ids computed by expressions).
  std::optional<size_t> steps_known;
  bool in_step = false;        // read by a step: the ids from steps_known on run later
  bool matrix_known = false;   // the job's matrix is expanded here (not `strategy:`, job `if:`)
  bool condition = false;      // an `if:`: compared, never printed
  bool script = false;         // substituted into script text (`run:`, github-script's `script:`)
  std::vector<TaintedRead> taint;  // script text only: its reads of untrusted text
};

// A job as its expressions see it.
struct GitHubJobScope {
  std::string name;                   // as written
  std::vector<std::string> step_ids;  // lower case, in order, parallel groups' steps in place; "" = none
  std::vector<std::string> needs;     // lower case, sorted, unique, as written (unknown jobs too)
  std::optional<std::vector<std::string>> matrix_keys;  // lower case, sorted, unique; nullopt: from an expression
};

struct GitHubFacts {
  // Inputs declared under `on.workflow_call` / `on.workflow_dispatch` (lower case, sorted,
  // unique); nullopt
  // when `on:` has a form whose inputs cannot be read.
  std::optional<std::vector<std::string>> inputs;
  std::vector<std::string> job_ids;   // every key of `jobs:`, lower case
  std::vector<GitHubJobScope> jobs;   // the jobs with a mapping body, in order
  std::vector<GitHubExpression> expressions;  // in document order
};

}  // namespace pipec::ir
