#pragma once
// Test helper: builds ir::Pipeline values in memory, backed by a source text so that ranges
// and suppression comments behave as they do for real files. Used by the lint gtests only.
#include <algorithm>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/ir/verify.h"
#include "lint/checker.h"

namespace pipec::lint::testing {

// A literal text (ir::Text::Of without linking the IR library).
inline ir::Text Lit(std::string s) {
  ir::Text t;
  t.parts.push_back({ir::TextPart::Kind::Literal, std::move(s)});
  return t;
}

class TestPipeline {
 public:
  explicit TestPipeline(std::string source = std::string(200, '\n'), std::string path = "t.pipe") {
    file = sm.AddFile(std::move(path), std::move(source));
    p.source_path = "t.pipe";
    ir::Trigger push;
    push.kind = ir::TriggerKind::Push;
    push.branches = {"main"};
    push.range = At(1);
    p.triggers.push_back(push);
  }

  SourceRange At(uint32_t line, uint32_t col = 1, uint32_t len = 1) const {
    return {file, {line, col}, {line, col + len}};
  }

  ir::Job& AddJob(const std::string& name, uint32_t line, uint32_t end_line = 0) {
    ir::Job j;
    j.name = j.base_name = name;
    j.range = At(line, 5, static_cast<uint32_t>(name.size()));
    j.body_range = {file, {line, 1}, {end_line ? end_line : line, 2}};
    j.active_triggers = {"push"};
    j.image = Lit("python:3.12");
    p.jobs.push_back(std::move(j));
    return p.jobs.back();
  }
  ir::Job& Job(const std::string& name) {
    return *std::find_if(p.jobs.begin(), p.jobs.end(),
                         [&](const ir::Job& j) { return j.name == name; });
  }
  ir::Need& AddNeed(const std::string& job, const std::string& target, uint32_t line,
                    ir::Need::Origin origin = ir::Need::Origin::Explicit) {
    ir::Need n;
    n.job = target;
    n.origin = origin;
    n.range = At(line, 9, static_cast<uint32_t>(target.size()));
    Job(job).needs.push_back(n);
    return Job(job).needs.back();
  }
  ir::Step& AddRun(const std::string& job, const std::string& script, uint32_t line) {
    ir::Step s;
    s.script = Lit(script);
    s.range = At(line, 3, 3);
    Job(job).steps.push_back(s);
    return Job(job).steps.back();
  }
  ir::Output& AddOutput(const std::string& job, const std::string& name, ir::OutputKind kind,
                        const std::string& path, uint32_t line) {
    ir::Output o;
    o.name = name;
    o.kind = kind;
    o.path = path;
    o.range = At(line, 7, static_cast<uint32_t>(name.size()));
    Job(job).outputs.push_back(o);
    return Job(job).outputs.back();
  }
  // An input also adds the data edge the front end derives from it.
  ir::InputRef& AddInput(const std::string& job, const std::string& name,
                         const std::string& producer, const std::string& output,
                         const std::string& path, uint32_t line, bool with_need = true) {
    ir::InputRef in;
    in.name = name;
    in.job = producer;
    in.output = output;
    in.path = path;
    in.range = At(line, 6, static_cast<uint32_t>(name.size()));
    if (with_need) AddNeed(job, producer, line, ir::Need::Origin::Data);
    Job(job).inputs.push_back(in);
    return Job(job).inputs.back();
  }
  ir::Secret& AddSecret(const std::string& name, uint32_t line, bool masked = true,
                        bool protected_ = false, bool file_secret = false) {
    ir::Secret s;
    s.name = name;
    s.masked = masked;
    s.protected_ = protected_;
    s.file = file_secret;
    s.range = At(line, 1, 7 + static_cast<uint32_t>(name.size()));
    p.secrets.push_back(s);
    return p.secrets.back();
  }
  void Bind(const std::string& job, const std::string& env, const std::string& secret,
            uint32_t line) {
    ir::EnvVar e;
    e.name = env;
    e.secret = secret;
    e.range = At(line, 9, static_cast<uint32_t>(env.size()));
    Job(job).env.push_back(e);
  }

  // Checks the pipeline as a front end would hand it over: job ids filled from the names, and
  // the IR's contract (ir::Verify) kept, so a fixture cannot test a state no front end makes.
  std::vector<Diagnostic> Check(const CheckOptions& opts = {}) const {
    DiagnosticSink sink;
    ir::Pipeline resolved = p;
    ir::ResolveJobIds(resolved);
    for (const std::string& broken : ir::Verify(resolved)) ADD_FAILURE() << "fixture breaks the IR contract: " << broken;
    RunChecks(resolved, sm, opts, sink);
    return sink.Sorted(sm);
  }

  SourceManager sm;
  FileId file = 0;
  ir::Pipeline p;
};

// Copies, so that `OfKind(t.Check(), ...)` does not point into a destroyed temporary.
inline std::vector<Diagnostic> OfKind(const std::vector<Diagnostic>& diags, DiagKind kind) {
  std::vector<Diagnostic> out;
  for (const Diagnostic& d : diags)
    if (d.kind == kind) out.push_back(d);
  return out;
}

}  // namespace pipec::lint::testing
