#include "compiler/import/github_contexts.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/import/github_expressions.h"
#include "compiler/import/source_locate.h"

namespace pipec::import {
namespace {

using yaml::Node;
using Names = std::optional<std::set<std::string>>;  // nullopt: not known

std::set<std::string> ScalarNames(const Node* n) {
  std::set<std::string> out;
  if (!n) return out;
  if (n->IsScalar()) out.insert(LowerAscii(n->scalar));
  for (const yaml::NodePtr& i : n->items)
    if (i->IsScalar()) out.insert(LowerAscii(i->scalar));
  return out;
}

// The matrix keys of a job: nullopt when the matrix (or an include) comes from an expression.
Names MatrixKeys(const Node& job) {
  const Node* strategy = job.Get("strategy");
  if (!strategy) return std::set<std::string>{};
  if (!strategy->IsMap()) return std::nullopt;
  const Node* matrix = strategy->Get("matrix");
  if (!matrix) return std::set<std::string>{};
  if (!matrix->IsMap()) return std::nullopt;
  std::set<std::string> keys;
  for (const auto& [k, v] : matrix->entries) {
    if (k->scalar != "include" && k->scalar != "exclude") {
      keys.insert(k->IsNull() ? "null" : LowerAscii(k->scalar));
      continue;
    }
    if (k->scalar == "exclude") continue;
    if (!v->IsSeq()) return std::nullopt;
    for (const yaml::NodePtr& row : v->items) {
      if (!row->IsMap()) return std::nullopt;
      for (const auto& [rk, rv] : row->entries)
        keys.insert(rk->IsNull() ? "null" : LowerAscii(rk->scalar));
    }
  }
  return keys;
}

// The inputs the workflow declares under `workflow_call` and `workflow_dispatch`; nullopt when
// `on:` is not a form whose inputs can be read.
Names DeclaredInputs(const Node* on) {
  std::set<std::string> inputs;
  if (!on || !on->IsMap())
    return on && (on->IsScalar() || on->IsSeq()) ? Names(inputs) : std::nullopt;
  for (std::string_view trigger : {"workflow_call", "workflow_dispatch"}) {
    const Node* t = on->Get(trigger);
    if (!t || t->IsNull()) continue;
    if (!t->IsMap()) return std::nullopt;
    const Node* in = t->Get("inputs");
    if (!in || in->IsNull()) continue;
    if (!in->IsMap()) return std::nullopt;
    for (const auto& [k, v] : in->entries) inputs.insert(LowerAscii(k->scalar));
  }
  return inputs;
}

std::vector<std::string> Sorted(const std::set<std::string>& names) { return {names.begin(), names.end()}; }

// Where each byte of `length` bytes at `offset` of the scalar is: one entry per line of the
// scalar the span touches (import::LocateInScalar, line by line).
ir::TextMap MapText(const SourceManager& sm, const Node& n, size_t offset, size_t length) {
  ir::TextMap map;
  map.fallback = n.range;
  // Only the span's own line breaks: searching the rest of the scalar made a long line of N
  // expressions cost N scans of it.
  std::string_view span = std::string_view(n.scalar).substr(offset, length);
  for (size_t at = 0;;) {
    map.lines.push_back({at, FindInScalar(sm, n, offset + at).value_or(SourceLoc{})});
    size_t eol = span.find('\n', at);
    if (eol == std::string_view::npos) break;
    at = eol + 1;
  }
  return map;
}

// Where an expression is read: the job (-1: workflow level) and how much of each context is
// known there.
struct Place {
  int job = -1;
  std::optional<size_t> steps_known;
  bool in_step = false;
  bool matrix_known = false;
  const TaintSources* env = nullptr;  // script text: the env in effect, for its tainted reads
  std::string_view job_id;            // lower case, for the taint trace's look-ups
};

class ContextCollector {
 public:
  ContextCollector(const WorkflowTaint& taint, const SourceManager& sm) : taint_(taint), sm_(sm) {}

  ir::GitHubFacts Workflow(const Node& doc) {
    if (Names inputs = DeclaredInputs(doc.Get("on"))) facts_.inputs = Sorted(*inputs);
    const Node* jobs = doc.Get("jobs");
    if (jobs && jobs->IsMap())
      for (const auto& [k, v] : jobs->entries) facts_.job_ids.push_back(LowerAscii(k->scalar));
    for (std::string_view key : {"env", "run-name", "concurrency"})
      if (const Node* n = doc.Get(key)) Walk(*n, Place{}, false);
    if (jobs && jobs->IsMap())
      for (const auto& [k, v] : jobs->entries)
        if (v->IsMap()) Job(k->scalar, *v);
    return std::move(facts_);
  }

 private:
  void Job(const std::string& name, const Node& job) {
    ir::GitHubJobScope scope;
    scope.name = name;
    scope.needs = Sorted(ScalarNames(job.Get("needs")));
    if (Names matrix = MatrixKeys(job)) scope.matrix_keys = Sorted(*matrix);
    std::vector<const Node*> steps;
    bool computed_ids = false;
    if (const Node* s = job.Get("steps"); s && s->IsSeq()) Flatten(*s, steps);
    for (const Node* s : steps) {
      const Node* id = s->Get("id");
      bool has_id = id && id->IsScalar();
      if (has_id && id->scalar.find("${{") != std::string::npos) computed_ids = true;
      scope.step_ids.push_back(has_id ? LowerAscii(id->scalar) : "");
    }
    std::string job_id = LowerAscii(name);
    Place place;
    place.job = static_cast<int>(facts_.jobs.size());
    place.job_id = job_id;
    place.matrix_known = true;
    facts_.jobs.push_back(std::move(scope));
    for (const auto& [k, v] : job.entries) {
      const std::string& key = k->scalar;
      if (key == "steps") continue;
      Place here = place;
      if (key == "outputs" && !computed_ids) here.steps_known = steps.size();
      // The matrix is not expanded yet where `strategy:` and the job's `if:` are read.
      if (key == "strategy" || key == "if") here.matrix_known = false;
      Walk(*v, here, key == "if");
    }
    TaintSources job_env = taint_.WithEnv(job.Get("env"), job_id, taint_.workflow_env());
    for (size_t i = 0; i < steps.size(); ++i) {
      const Node& s = *steps[i];
      Place here = place;
      here.in_step = true;
      if (!computed_ids) here.steps_known = i;
      // Script text: a `run:` or an actions/github-script `script:` of a well-formed step.
      const Node* run = s.Get("run");
      const Node* uses = s.Get("uses");
      TaintSources env = taint_.WithEnv(s.Get("env"), job_id, job_env);
      bool github_script = !run && uses && uses->IsScalar() &&
                           LowerAscii(uses->scalar).rfind("actions/github-script@", 0) == 0;
      for (const auto& [k, v] : s.entries) {
        if (k->scalar == "run" && run && !uses) {
          Place script = here;
          script.env = &env;
          Walk(*v, script, false);
        } else if (k->scalar == "with" && github_script && v->IsMap()) {
          for (const auto& [wk, wv] : v->entries) {
            Place script = here;
            if (wk->scalar == "script") script.env = &env;
            Walk(*wv, script, false);
          }
        } else {
          Walk(*v, here, k->scalar == "if");
        }
      }
    }
  }

  // Steps in order, with the steps of `parallel:` groups in place of the group.
  static void Flatten(const Node& seq, std::vector<const Node*>& out) {
    for (const yaml::NodePtr& s : seq.items) {
      if (!s->IsMap()) continue;
      if (const Node* group = s->Get("parallel"); group && group->IsSeq())
        Flatten(*group, out);
      else
        out.push_back(s.get());
    }
  }

  void Walk(const Node& n, const Place& place, bool is_condition) {
    if (n.IsScalar()) return Scalar(n, place, is_condition);
    Place inner = place;
    inner.env = nullptr;  // script text is a scalar
    for (const yaml::NodePtr& i : n.items) Walk(*i, inner, false);
    for (const auto& [k, v] : n.entries) Walk(*v, inner, false);
  }

  void Scalar(const Node& n, const Place& place, bool is_condition) {
    std::vector<std::pair<size_t, std::string>> exprs = Expressions(n.scalar);
    // `if:` is an expression with or without `${{ }}`.
    if (is_condition && exprs.empty()) exprs.emplace_back(0, n.scalar);
    for (auto& [off, text] : exprs) {
      ir::GitHubExpression e;
      e.where = MapText(sm_, n, off, text.size());
      e.job = place.job;
      e.steps_known = place.steps_known;
      e.in_step = place.in_step;
      e.matrix_known = place.matrix_known;
      e.condition = is_condition;
      e.script = place.env != nullptr;
      if (place.env) {
        e.taint = taint_.Reads(text, place.job_id, *place.env);
      }
      e.text = std::move(text);
      facts_.expressions.push_back(std::move(e));
    }
  }

  const WorkflowTaint& taint_;
  const SourceManager& sm_;
  ir::GitHubFacts facts_;
};

}  // namespace

ir::GitHubFacts CollectGitHubExpressions(const yaml::Node& workflow, const WorkflowTaint& taint,
                                         const SourceManager& sm) {
  return ContextCollector(taint, sm).Workflow(workflow);
}

}  // namespace pipec::import
