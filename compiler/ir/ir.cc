#include "compiler/ir/ir.h"

#include <utility>

#include "compiler/ir/conditions.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

namespace pipec::ir {

std::string TypeName(const Type& t) {
  auto base = [](TypeKind k) -> std::string {
    switch (k) {
      case TypeKind::String: return "string";
      case TypeKind::Int: return "int";
      case TypeKind::Float: return "float";
      case TypeKind::Bool: return "bool";
      case TypeKind::Duration: return "duration";
      case TypeKind::Path: return "path";
      case TypeKind::List: return "list";
      case TypeKind::Secret: return "secret";
    }
    return "?";
  };
  if (t.kind == TypeKind::List) return "list[" + base(t.element) + "]";
  return base(t.kind);
}

std::string Value::ToString() const {
  switch (type.kind) {
    case TypeKind::String:
    case TypeKind::Path:
    case TypeKind::Secret: return string_value;
    case TypeKind::Int: return std::to_string(int_value);
    case TypeKind::Duration: return std::to_string(int_value);
    case TypeKind::Bool: return int_value ? "true" : "false";
    case TypeKind::Float: return string_value.empty() ? fmt::format("{}", float_value) : string_value;
    case TypeKind::List: {
      std::string s;
      for (const Value& v : list) s += (s.empty() ? "" : " ") + v.ToString();
      return s;
    }
  }
  return string_value;
}

bool Text::IsLiteral() const {
  for (const TextPart& p : parts)
    if (p.kind != TextPart::Kind::Literal) return false;
  return true;
}

std::string Text::LiteralText() const {
  std::string s;
  for (const TextPart& p : parts) {
    switch (p.kind) {
      case TextPart::Kind::Literal: s += p.text; break;
      case TextPart::Kind::Git: s += "${{ git." + p.text + " }}"; break;
      case TextPart::Kind::Input: s += "${{ inputs." + p.text + " }}"; break;
    }
  }
  return s;
}

Text Text::Of(std::string s) {
  Text t;
  if (!s.empty()) t.parts.push_back({TextPart::Kind::Literal, std::move(s)});
  return t;
}

std::string_view TriggerKindName(TriggerKind k) {
  switch (k) {
    case TriggerKind::Push: return "push";
    case TriggerKind::MergeRequest: return "merge_request";
    case TriggerKind::Tag: return "tag";
    case TriggerKind::Schedule: return "schedule";
    case TriggerKind::Manual: return "manual";
    case TriggerKind::Webhook: return "webhook";
  }
  return "push";
}

std::string Trigger::Id() const {
  std::string id(TriggerKindName(kind));
  if (kind == TriggerKind::Schedule || kind == TriggerKind::Webhook) id += ":" + name;
  return id;
}

std::string_view IncludeKindName(Include::Kind k) {
  switch (k) {
    case Include::Kind::Remote: return "remote";
    case Include::Kind::Template: return "template";
    case Include::Kind::Project: return "project";
    case Include::Kind::Component: return "component";
  }
  return "remote";
}

bool GitLabJobHasWork(const Job& j) {
  bool has_script = std::any_of(j.steps.begin(), j.steps.end(), [](const Step& s) { return s.name == "script"; });
  return has_script || j.trigger || j.raw_gitlab.contains("run") || j.raw_gitlab.contains("trigger");
}

std::string_view OutputKindName(OutputKind k) {
  switch (k) {
    case OutputKind::File: return "file";
    case OutputKind::Dir: return "dir";
    case OutputKind::Junit: return "junit";
    case OutputKind::Dotenv: return "dotenv";
    case OutputKind::Codequality: return "codequality";
    case OutputKind::Coverage: return "coverage";
    case OutputKind::Bool: return "bool";
    case OutputKind::Int: return "int";
    case OutputKind::Float: return "float";
    case OutputKind::String: return "string";
  }
  return "file";
}

const Condition* ChangedTerm(const Condition& c) {
  if (c.op == Condition::Op::Changed) return &c;
  if (c.op == Condition::Op::And)
    for (const Condition& a : c.args)
      if (a.op == Condition::Op::Changed) return &a;
  return nullptr;
}

size_t CountChanged(const Condition& c) {
  size_t n = c.op == Condition::Op::Changed ? 1 : 0;
  for (const Condition& a : c.args) n += CountChanged(a);
  return n;
}

bool IsValueOutput(OutputKind k) {
  return k == OutputKind::Bool || k == OutputKind::Int || k == OutputKind::Float ||
         k == OutputKind::String;
}

bool IsReportOutput(OutputKind k) {
  return k == OutputKind::Junit || k == OutputKind::Dotenv || k == OutputKind::Codequality ||
         k == OutputKind::Coverage;
}

const Job* Pipeline::FindJob(std::string_view n) const {
  for (const Job& j : jobs)
    if (j.name == n) return &j;
  return nullptr;
}

void ResolveJobIds(Pipeline& p) {
  std::unordered_map<std::string_view, JobId> ids;
  for (size_t i = 0; i < p.jobs.size() && i < kNoJob; ++i) ids.emplace(p.jobs[i].name, static_cast<JobId>(i));
  auto id_of = [&](const std::string& name) {
    auto it = ids.find(name);
    return it == ids.end() ? kNoJob : it->second;
  };
  for (Job& j : p.jobs) {
    for (Need& n : j.needs) n.job_id = id_of(n.job);
    for (InputRef& in : j.inputs) in.job_id = id_of(in.job);
    // A job without a condition reads no outputs (and writing through its Box would allocate one).
    if (!std::as_const(j.when)->IsTrue()) ForEachOutputRead(*j.when, [&](Operand& o) { o.job_id = id_of(o.job); });
  }
}

const Secret* Pipeline::FindSecret(std::string_view n) const {
  for (const Secret& s : secrets)
    if (s.name == n) return &s;
  return nullptr;
}

const Cache* Pipeline::FindCache(std::string_view n) const {
  for (const Cache& c : caches)
    if (c.name == n) return &c;
  return nullptr;
}

}  // namespace pipec::ir
