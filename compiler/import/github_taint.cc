#include "compiler/import/github_taint.h"

#include <cctype>

#include "compiler/import/github_expressions.h"
#include "compiler/import/github_reader.h"

namespace pipec::import {

using yaml::Node;
using yaml::NodePtr;

namespace {

// Rounds of tracing: a value can pass through a job output into another job's env and out
// again; each round follows one more hop. Workflows with longer chains are cut off (no
// finding, never a false one).
constexpr int kMaxRounds = 8;

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// "steps.build.outputs.title" -> {"steps", "build", "outputs", "title"} (lower case); stops at
// the first character that is no name character or dot.
std::vector<std::string> Segments(std::string_view property) {
  std::vector<std::string> out(1);
  for (char c : property) {
    if (c == '.') out.emplace_back();
    else if (IsNameChar(c)) out.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else break;
  }
  return out;
}

size_t PropertyLength(std::string_view expr, size_t off) {
  size_t end = off;
  while (end < expr.size() && (IsNameChar(expr[end]) || expr[end] == '.')) ++end;
  return end - off;
}

// The value written by a `$GITHUB_OUTPUT` line: `echo "name=value" >> "$GITHUB_OUTPUT"` ->
// ("name", "value\" "); empty name when the line has no `name=`.
std::pair<std::string, std::string_view> OutputWrite(std::string_view line) {
  size_t redirect = line.find(">>");
  if (redirect == std::string_view::npos || line.find("GITHUB_OUTPUT", redirect) == std::string_view::npos) return {};
  std::string_view before = line.substr(0, redirect);
  for (size_t i = 0; i < before.size(); ++i) {
    if (!IsNameChar(before[i]) || (i > 0 && IsNameChar(before[i - 1]))) continue;
    size_t end = i;
    while (end < before.size() && IsNameChar(before[end])) ++end;
    if (end < before.size() && before[end] == '=' && !std::isdigit(static_cast<unsigned char>(before[i])))
      return {std::string(before.substr(i, end - i)), before.substr(end + 1)};
  }
  return {};
}

// `core.setOutput('name', value)` calls in a github-script: (name, the rest of the line).
std::vector<std::pair<std::string, std::string_view>> ScriptOutputs(std::string_view script) {
  std::vector<std::pair<std::string, std::string_view>> out;
  constexpr std::string_view kCall = "core.setOutput(";
  for (size_t at = script.find(kCall); at != std::string_view::npos; at = script.find(kCall, at + 1)) {
    size_t q = at + kCall.size();
    while (q < script.size() && script[q] == ' ') ++q;
    if (q >= script.size() || (script[q] != '\'' && script[q] != '"' && script[q] != '`')) continue;
    size_t close = script.find(script[q], q + 1);
    if (close == std::string_view::npos) continue;
    size_t eol = script.find('\n', close);
    out.emplace_back(LowerAscii(script.substr(q + 1, close - q - 1)),
                     script.substr(close + 1, eol == std::string_view::npos ? std::string_view::npos : eol - close - 1));
  }
  return out;
}

}  // namespace

WorkflowTaint::WorkflowTaint(const Node& doc) {
  workflow_env_ = WithEnv(doc.Get("env"), "", {});
  const Node* jobs = doc.Get("jobs");
  if (!jobs || !jobs->IsMap()) return;
  for (int round = 0; round < kMaxRounds; ++round) {
    bool changed = false;
    for (const auto& [k, v] : jobs->entries)
      if (k->IsScalar() && v->IsMap()) changed |= TraceJob(LowerAscii(k->scalar), *v);
    if (!changed) break;
  }
}

bool WorkflowTaint::Set(std::map<std::string, std::string>& outputs, std::string name, std::string source) {
  if (source.empty() || outputs.contains(name)) return false;
  outputs.emplace(std::move(name), std::move(source));
  return true;
}

bool WorkflowTaint::TraceJob(std::string_view job, const Node& body) {
  bool changed = false;
  TaintSources env = WithEnv(body.Get("env"), job, workflow_env_);
  if (const Node* steps = body.Get("steps"); steps && steps->IsSeq())
    for (const NodePtr& s : steps->items) {
      if (!s->IsMap()) continue;
      if (const Node* group = s->Get("parallel"); group && group->IsSeq()) {
        for (const NodePtr& inner : group->items)
          if (inner->IsMap()) changed |= TraceStep(job, *inner, env);
      } else {
        changed |= TraceStep(job, *s, env);
      }
    }
  if (const Node* outputs = body.Get("outputs"); outputs && outputs->IsMap())
    for (const auto& [k, v] : outputs->entries)
      if (k->IsScalar() && v->IsScalar())
        changed |= Set(job_outputs_[std::string(job)], LowerAscii(k->scalar), SourceOf(v->scalar, job, env, false));
  return changed;
}

bool WorkflowTaint::TraceStep(std::string_view job, const Node& step, const TaintSources& job_env) {
  const Node* id = step.Get("id");
  if (!id || !id->IsScalar() || id->scalar.find("${{") != std::string::npos) return false;
  TaintSources env = WithEnv(step.Get("env"), job, job_env);
  TaintSources& outputs = step_outputs_[std::string(job)][LowerAscii(id->scalar)];
  bool changed = false;
  if (const Node* run = step.Get("run"); run && run->IsScalar()) {
    std::string_view text = run->scalar;
    for (size_t start = 0; start <= text.size();) {
      size_t eol = text.find('\n', start);
      std::string_view line = text.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
      if (auto [name, value] = OutputWrite(line); !name.empty())
        changed |= Set(outputs, LowerAscii(name), SourceOf(value, job, env, true));
      if (eol == std::string_view::npos) break;
      start = eol + 1;
    }
  }
  const Node* uses = step.Get("uses");
  const Node* with = step.Get("with");
  if (uses && uses->IsScalar() && LowerAscii(uses->scalar).rfind("actions/github-script@", 0) == 0 && with)
    if (const Node* script = with->Get("script"); script && script->IsScalar())
      for (const auto& [name, value] : ScriptOutputs(script->scalar)) {
        std::string source = SourceOf(value, job, env, false);
        // The event payload as the script sees it: context.payload.<x> is github.event.<x>.
        for (const auto& [off, prop] : Properties(value, "context.payload."))
          if (source.empty()) source = UntrustedInput("github.event." + prop.substr(16));
        if (source.empty())
          for (const auto& [off, prop] : Properties(value, "process.env."))
            if (auto it = env.find(Segments(prop.substr(12))[0]); it != env.end()) source = it->second;
        changed |= Set(outputs, name, std::move(source));
      }
  return changed;
}

TaintSources WorkflowTaint::WithEnv(const Node* env_node, std::string_view job, TaintSources env) const {
  if (!env_node || !env_node->IsMap()) return env;
  TaintSources outer = env;
  for (const auto& [k, v] : env_node->entries) {
    if (!k->IsScalar()) continue;
    std::string name = LowerAscii(k->scalar);
    std::string source = v->IsScalar() ? SourceOf(v->scalar, job, outer, false) : "";
    if (source.empty()) env.erase(name);  // a plain value replaces an outer tainted one
    else env[name] = source;
  }
  return env;
}

std::string WorkflowTaint::SourceOf(std::string_view text, std::string_view job, const TaintSources& env,
                                    bool shell) const {
  for (const auto& [off, expr] : Expressions(text))
    for (const TaintedRead& r : Reads(expr, job, env)) return r.source;
  if (!shell) return "";
  for (size_t i = text.find('$'); i != std::string_view::npos; i = text.find('$', i + 1)) {
    size_t start = i + 1 + (i + 1 < text.size() && text[i + 1] == '{');
    size_t end = start;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    if (end == start) continue;
    if (auto it = env.find(LowerAscii(text.substr(start, end - start))); it != env.end()) return it->second;
  }
  return "";
}

std::vector<TaintedRead> WorkflowTaint::Reads(std::string_view expr, std::string_view job,
                                              const TaintSources& env) const {
  std::vector<TaintedRead> out;
  for (const auto& [off, prop] : Properties(expr, "github."))
    if (std::string bad = UntrustedInput(prop); !bad.empty())
      out.push_back({TaintedRead::Via::Event, off, prop.size(), prop, bad});
  for (const auto& [off, prop] : Properties(expr, "env.")) {
    std::vector<std::string> seg = Segments(prop);
    if (seg.size() < 2) continue;
    if (auto it = env.find(seg[1]); it != env.end())
      out.push_back({TaintedRead::Via::Env, off, 4 + seg[1].size(), prop.substr(0, 4 + seg[1].size()), it->second});
  }
  for (const auto& [off, prop] : Properties(expr, "steps.")) {
    std::vector<std::string> seg = Segments(prop);
    if (seg.size() < 4 || seg[2] != "outputs") continue;
    auto j = step_outputs_.find(job);
    if (j == step_outputs_.end()) continue;
    auto s = j->second.find(seg[1]);
    if (s == j->second.end()) continue;
    if (auto o = s->second.find(seg[3]); o != s->second.end())
      out.push_back({TaintedRead::Via::StepOutput, off, PropertyLength(expr, off), std::string(expr.substr(off, PropertyLength(expr, off))), o->second});
  }
  for (const auto& [off, prop] : Properties(expr, "needs.")) {
    std::vector<std::string> seg = Segments(prop);
    if (seg.size() < 4 || seg[2] != "outputs") continue;
    auto j = job_outputs_.find(seg[1]);
    if (j == job_outputs_.end()) continue;
    if (auto o = j->second.find(seg[3]); o != j->second.end())
      out.push_back({TaintedRead::Via::JobOutput, off, PropertyLength(expr, off), std::string(expr.substr(off, PropertyLength(expr, off))), o->second});
  }
  return out;
}

}  // namespace pipec::import
