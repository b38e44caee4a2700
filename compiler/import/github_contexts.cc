#include "compiler/import/github_contexts.h"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "compiler/import/github_expressions.h"
#include "compiler/import/source_locate.h"

namespace pipec::import {
namespace {

using yaml::Node;
using Names = std::optional<std::set<std::string>>;  // nullopt: not known, not checked

// What each context holds where an expression is read. `steps` is known only inside `steps:`
// (the ids of the earlier steps) and in the job's `outputs:` (every step id).
struct Scope {
  std::string job;
  Names steps, needs, inputs, matrix;
  std::set<std::string> later_steps;  // ids of this and later steps: "runs later" in the message
  std::set<std::string> all_jobs;
};

std::string Joined(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// The expression with the text of its string literals blanked: `'steps.x'` names no property.
std::string WithoutStrings(std::string_view expr) {
  std::string out(expr);
  bool in = false;
  for (char& c : out) {
    if (c == '\'')
      in = !in;
    else if (in)
      c = ' ';
  }
  return out;
}

// "steps.build.outputs.x" -> "build"; "" when the name is computed (`steps[x]`, `steps.*`).
std::string FirstName(std::string_view property, size_t prefix) {
  std::string_view rest = property.substr(prefix);
  size_t end = rest.find_first_of(".[");
  std::string name(rest.substr(0, end));
  if (name.empty() || name.find_first_of("*'\"") != std::string::npos) return "";
  return LowerAscii(name);
}

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

class Checker {
 public:
  Checker(const SourceManager& sm, DiagnosticSink& sink) : sm_(sm), sink_(sink) {}

  void Workflow(const Node& doc) {
    Scope workflow;
    workflow.inputs = DeclaredInputs(doc.Get("on"));
    const Node* jobs = doc.Get("jobs");
    if (jobs && jobs->IsMap())
      for (const auto& [k, v] : jobs->entries) workflow.all_jobs.insert(LowerAscii(k->scalar));
    for (std::string_view key : {"env", "run-name", "concurrency"})
      if (const Node* n = doc.Get(key)) Walk(*n, workflow, false);
    if (!jobs || !jobs->IsMap()) return;
    for (const auto& [k, v] : jobs->entries)
      if (v->IsMap()) Job(k->scalar, *v, workflow);
  }

 private:
  void Job(const std::string& name, const Node& job, const Scope& workflow) {
    Scope scope = workflow;
    scope.job = name;
    scope.needs = ScalarNames(job.Get("needs"));
    scope.matrix = MatrixKeys(job);
    std::vector<const Node*> steps;
    bool computed_ids = false;
    if (const Node* s = job.Get("steps"); s && s->IsSeq()) Flatten(*s, steps);
    std::set<std::string> ids;
    for (const Node* s : steps)
      if (const Node* id = s->Get("id"); id && id->IsScalar()) {
        if (id->scalar.find("${{") != std::string::npos) computed_ids = true;
        ids.insert(LowerAscii(id->scalar));
      }
    for (const auto& [k, v] : job.entries) {
      const std::string& key = k->scalar;
      if (key == "steps") continue;
      Scope here = scope;
      if (key == "outputs" && !computed_ids) here.steps = ids;
      // The matrix is not expanded yet where `strategy:` and the job's `if:` are read.
      if (key == "strategy" || key == "if") here.matrix = std::nullopt;
      Walk(*v, here, key == "if");
    }
    Scope here = scope;
    if (!computed_ids) here.steps = std::set<std::string>{};
    here.later_steps = ids;
    for (const Node* s : steps) {
      for (const auto& [k, v] : s->entries) Walk(*v, here, k->scalar == "if");
      if (const Node* id = s->Get("id"); id && id->IsScalar() && here.steps) {
        here.steps->insert(LowerAscii(id->scalar));
        here.later_steps.erase(LowerAscii(id->scalar));
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

  void Walk(const Node& n, const Scope& scope, bool is_condition) {
    if (n.IsScalar()) return Scalar(n, scope, is_condition);
    for (const yaml::NodePtr& i : n.items) Walk(*i, scope, false);
    for (const auto& [k, v] : n.entries) Walk(*v, scope, false);
  }

  void Scalar(const Node& n, const Scope& scope, bool is_condition) {
    std::vector<std::pair<size_t, std::string>> exprs = Expressions(n.scalar);
    // `if:` is an expression with or without `${{ }}`.
    if (is_condition && exprs.empty()) exprs.emplace_back(0, n.scalar);
    for (const auto& [off, expr] : exprs) {
      std::string text = WithoutStrings(expr);
      Context(n, off, text, "steps", scope.steps, scope);
      Context(n, off, text, "needs", scope.needs, scope);
      Context(n, off, text, "inputs", scope.inputs, scope);
      Context(n, off, text, "matrix", scope.matrix, scope);
      WholeSecrets(n, off, text);
      if (!is_condition) UnredactedSecret(n, off, text);
    }
    // Only step scripts are parsed for workflow commands; a YAML value that merely mentions one
    // (a `name:`) runs nothing.
  }

  // The `secrets` context as a whole (`toJSON(secrets)`, `${{ secrets }}`), not one property:
  // every secret the workflow can read lands in one value, and GitHub masks each secret's
  // exact text only, not the JSON around it or a transformation of it.
  void WholeSecrets(const Node& n, size_t off, const std::string& expr) {
    static constexpr std::string_view kName = "secrets";
    std::string lower = LowerAscii(expr);
    auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; };
    for (size_t at = lower.find(kName); at != std::string::npos; at = lower.find(kName, at + 1)) {
      if (at > 0 && ident(lower[at - 1])) continue;
      size_t end = at + kName.size();
      if (end < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[end])) || lower[end] == '_'))
        continue;
      size_t next = lower.find_first_not_of(" \t", end);
      if (next != std::string::npos && (lower[next] == '.' || lower[next] == '[')) continue;
      Diagnostic& d = sink_.Report(
          DiagKind::AllSecretsExposed, LocateInScalar(sm_, n, off + at, kName.size()),
          "the whole secrets context is read here: every secret the workflow can see ends up in "
          "one value");
      d.Note({}, "GitHub masks each secret's exact text in logs, not a JSON document of them or a "
                 "transformed copy; read the secrets you need one by one (secrets.NAME)");
      return;
    }
  }

  // A field of a JSON secret (`fromJSON(secrets.CREDS).password`): GitHub masks the stored
  // secret's exact text, not the pieces fromJSON takes out of it, so the
  // field's value shows in clear wherever it is printed (zizmor's unredacted-secrets). In an
  // `if:` the value is compared, never printed.
  void UnredactedSecret(const Node& n, size_t off, const std::string& expr) {
    std::string lower = LowerAscii(expr);
    for (size_t at = lower.find("fromjson("); at != std::string::npos; at = lower.find("fromjson(", at + 1)) {
      size_t arg = lower.find_first_not_of(" \t", at + 9);
      if (arg == std::string::npos || lower.compare(arg, 8, "secrets.") != 0) continue;
      size_t close = lower.find(')', arg);
      if (close == std::string::npos) continue;
      size_t next = lower.find_first_not_of(" \t", close + 1);
      if (next == std::string::npos || (lower[next] != '.' && lower[next] != '[')) continue;
      // the property path after the call: `.a.b`, `['a'].b` (strings are blanked in `expr`)
      size_t end = next;
      while (end < lower.size()) {
        if (lower[end] == '[') {
          size_t close_bracket = lower.find(']', end);
          if (close_bracket == std::string::npos) break;
          end = close_bracket + 1;
        } else if (lower[end] == '.' || lower[end] == '_' || lower[end] == '-' ||
                   std::isalnum(static_cast<unsigned char>(lower[end]))) {
          ++end;
        } else {
          break;
        }
      }
      std::string read = off + end <= n.scalar.size() ? n.scalar.substr(off + at, end - at) : expr.substr(at, end - at);
      Diagnostic& d = sink_.Report(
          DiagKind::UnredactedSecret, LocateInScalar(sm_, n, off + at, read.size()),
          fmt::format("`{}` takes a field out of a JSON secret: GitHub masks the secret's whole "
                      "text, not the field, so its value shows in clear wherever it is printed",
                      read));
      d.Note({}, "store the field as a secret of its own, or mask it first: echo \"::add-mask::$VALUE\"");
    }
  }

  void Context(const Node& n, size_t off, const std::string& expr, std::string_view context,
               const Names& known, const Scope& scope) {
    if (!known) return;
    std::string prefix = std::string(context) + ".";
    for (const auto& [poff, property] : Properties(expr, prefix)) {
      std::string name = FirstName(property, prefix.size());
      if (name.empty() || known->count(name)) continue;
      std::string shown = std::string(context) + "." + property.substr(prefix.size(), name.size());
      Diagnostic& d = sink_.Report(DiagKind::GhUndefinedProperty,
                                   LocateInScalar(sm_, n, off + poff, shown.size()),
                                   Message(context, shown, name, scope));
      d.Note({}, Explanation(context, name, *known, scope));
    }
  }

  static std::string Message(std::string_view context, const std::string& shown,
                             const std::string& name, const Scope& scope) {
    if (context == "steps")
      return scope.later_steps.count(name)
                 ? fmt::format(
                       "{} is read before the step with id \"{}\" runs: its outputs and outcome "
                       "are empty here",
                       shown, name)
                 : fmt::format("{} is not defined: job \"{}\" has no earlier step with id \"{}\"",
                               shown, scope.job, name);
    if (context == "needs")
      return fmt::format("{} is not defined: job \"{}\" does not list \"{}\" in `needs:`", shown,
                         scope.job, name);
    if (context == "inputs")
      return fmt::format("{} is not defined: the workflow declares no input \"{}\"", shown, name);
    return fmt::format("{} is not defined: the matrix of job \"{}\" has no key \"{}\"", shown,
                       scope.job, name);
  }

  static std::string Explanation(std::string_view context, const std::string& name,
                                 const std::set<std::string>& known, const Scope& scope) {
    if (context == "steps")
      return fmt::format("GitHub evaluates it to an empty string; step ids readable here: {}",
                         Joined(known));
    if (context == "needs")
      return scope.all_jobs.count(name)
                 ? fmt::format(
                       "the needs context holds only the jobs in `needs:` ({}); add \"{}\" there",
                       Joined(known), name)
                 : fmt::format(
                       "the needs context holds only the jobs in `needs:` ({}), and no job \"{}\" "
                       "exists",
                       Joined(known), name);
    if (context == "inputs")
      return fmt::format(
          "inputs come from `on.workflow_call.inputs` and `on.workflow_dispatch.inputs` (declared: "
          "{}); GitHub evaluates an undeclared one to an empty string",
          Joined(known));
    return fmt::format(
        "matrix keys of this job: {}; GitHub evaluates a missing one to an empty string",
        Joined(known));
  }

  const SourceManager& sm_;
  DiagnosticSink& sink_;
};

}  // namespace

void CheckContextReferences(const yaml::Node& workflow, const SourceManager& sm,
                            DiagnosticSink& sink) {
  Checker(sm, sink).Workflow(workflow);
}

}  // namespace pipec::import
