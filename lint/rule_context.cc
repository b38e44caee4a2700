#include "lint/rule_context.h"

#include <cctype>

#include <algorithm>

#include <functional>
#include <nlohmann/json.hpp>

#include "compiler/import/github_expressions.h"
#include "lint/suppress.h"

namespace pipec::lint {

RuleContext::RuleContext(const ir::Pipeline& p, const SourceManager& sm, const CheckOptions& opts,
                         DiagnosticSink& sink)
    : p_(p), sm_(sm), opts_(opts), sink_(sink), graph_(std::make_shared<SharedGraph>()) {
  // Only a rule's kind: the report drops every finding of a --disable'd rule
  // (driver/report.cc), but of other kinds only those that are not errors, and a family may
  // raise a finding's severity. An ignore comment naming the rule keeps it running: the
  // comment is reported when it suppresses nothing, which depends on the findings.
  std::vector<DiagKind> named;
  bool scanned = false;
  for (const std::string& name : opts.disable) {
    const DiagInfo* info = FindDiagInfo(name);
    if (!info || info->category != std::string_view("rule")) continue;
    if (!scanned) {
      scanned = true;
      disabled_.assign(AllDiagInfos().size(), false);
      for (FileId file = 0; file < sm.size(); ++file)
        for (const IgnoreComment& c : FindIgnoreComments(sm, file))
          for (const std::string& n : c.names)
            if (const DiagInfo* i = FindDiagInfo(n)) named.push_back(i->kind);
    }
    if (std::find(named.begin(), named.end(), info->kind) == named.end())
      disabled_[static_cast<size_t>(info->kind)] = true;
  }
}

RuleContext::RuleContext(const RuleContext& shared, DiagnosticSink& sink)
    : p_(shared.p_),
      sm_(shared.sm_),
      opts_(shared.opts_),
      sink_(sink),
      disabled_(shared.disabled_),
      graph_(shared.graph_) {}

const ir::DepGraph& RuleContext::graph() const {
  std::call_once(graph_->built, [&] { graph_->graph = std::make_unique<const ir::DepGraph>(p_); });
  return *graph_->graph;
}

bool RuleContext::Enabled(DiagKind kind) const {
  if (!disabled_.empty() && disabled_[static_cast<size_t>(kind)]) return false;
  if (!IsOffByDefault(kind)) return true;
  const DiagInfo& info = InfoOf(kind);
  return std::any_of(opts_.enable.begin(), opts_.enable.end(),
                     [&](const std::string& e) { return e == info.name || e == info.id; });
}

Diagnostic* RuleContext::Report(DiagKind kind, SourceRange range, std::string message) {
  if (!Enabled(kind)) return nullptr;
  return &sink_.Report(kind, range, std::move(message));
}

SourceRange RuleContext::Locate(const SourceRange& hint, std::string_view needle,
                                uint32_t max_lines) const {
  if (!hint.valid() || needle.empty() || hint.file >= sm_.size()) return hint;
  uint32_t last = hint.begin.line + max_lines;
  if (hint.end.line > last) last = hint.end.line;
  for (uint32_t line = hint.begin.line; line <= last; ++line) {
    std::string_view text = sm_.Line(hint.file, line);
    if (text.empty() && line > hint.begin.line &&
        sm_.Offset(hint.file, {line, 1}) >= sm_.file(hint.file).contents.size())
      break;  // past the end of the file
    size_t from = line == hint.begin.line && hint.begin.column > 0 ? hint.begin.column - 1 : 0;
    if (from > text.size()) continue;
    size_t at = text.find(needle, from);
    if (at == std::string_view::npos) continue;
    SourceRange r;
    r.file = hint.file;
    r.begin = {line, static_cast<uint32_t>(at + 1)};
    r.end = {line, static_cast<uint32_t>(at + 1 + needle.size())};
    return r;
  }
  return hint;
}

std::string RenderText(const ir::Text& t) {
  std::string out;
  for (const ir::TextPart& part : t.parts) {
    switch (part.kind) {
      case ir::TextPart::Kind::Literal: out += part.text; break;
      case ir::TextPart::Kind::Git: out += "${{ git." + part.text + " }}"; break;
      case ir::TextPart::Kind::Input: out += "${{ inputs." + part.text + " }}"; break;
    }
  }
  return out;
}

bool HasRuntimeParts(const ir::Text& t) {
  return std::any_of(t.parts.begin(), t.parts.end(),
                     [](const ir::TextPart& p) { return p.kind != ir::TextPart::Kind::Literal; });
}

std::string TriggerId(const ir::Trigger& t) {
  switch (t.kind) {
    case ir::TriggerKind::Push: return "push";
    case ir::TriggerKind::MergeRequest: return "merge_request";
    case ir::TriggerKind::Tag: return "tag";
    case ir::TriggerKind::Manual: return "manual";
    case ir::TriggerKind::Schedule: return "schedule:" + t.name;
    case ir::TriggerKind::Webhook: return "webhook:" + t.name;
  }
  return "push";
}

const ir::Trigger* FindTrigger(const ir::Pipeline& p, std::string_view id) {
  for (const ir::Trigger& t : p.triggers)
    if (TriggerId(t) == id) return &t;
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> BoundSecrets(const ir::Job& j) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ir::EnvVar& e : j.env)
    if (!e.secret.empty()) out.emplace_back(e.name, e.secret);
  return out;
}

bool IsPerJobToken(const ir::Pipeline& p, std::string_view secret) {
  if (p.origin == ir::Origin::GitHub) {
    std::string upper(secret);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper == "GITHUB_TOKEN";
  }
  if (p.origin != ir::Origin::GitLab) return false;
  return secret == "CI_JOB_TOKEN" || secret == "CI_REGISTRY_PASSWORD" ||
         secret == "CI_DEPENDENCY_PROXY_PASSWORD" || secret == "CI_JOB_JWT" ||
         secret == "CI_JOB_JWT_V2" || secret == "CI_REPOSITORY_URL";
}

std::string LaterInSameShell(const ir::Pipeline& p, const ir::Job& j, size_t k) {
  std::string later;
  if (p.origin == ir::Origin::GitHub || j.steps[k].phase == ir::Step::Phase::Teardown) return later;
  for (size_t m = k + 1; m < j.steps.size(); ++m)
    if (j.steps[m].kind == ir::Step::Kind::Run && j.steps[m].phase != ir::Step::Phase::Teardown)
      later += RenderText(j.steps[m].script) + "\n";
  return later;
}

bool IsReport(ir::OutputKind k) {
  return k == ir::OutputKind::Junit || k == ir::OutputKind::Dotenv ||
         k == ir::OutputKind::Codequality || k == ir::OutputKind::Coverage;
}

bool IsValue(ir::OutputKind k) {
  return k == ir::OutputKind::Bool || k == ir::OutputKind::Int || k == ir::OutputKind::Float ||
         k == ir::OutputKind::String;
}

const std::string& DeclaredName(const ir::Job& j) { return j.base_name.empty() ? j.name : j.base_name; }

std::string ActionName(const ir::Step& s) {
  return import::LowerAscii(s.uses.substr(0, s.uses.find('@')));
}

std::vector<const nlohmann::json*> GitLabCaches(const ir::Job& j) {
  std::vector<const nlohmann::json*> out;
  if (!j.raw_gitlab.contains("cache")) return out;
  std::function<void(const nlohmann::json&, int)> add = [&](const nlohmann::json& one, int depth) {
    if (one.is_object()) out.push_back(&one);
    if (one.is_array() && depth < 10)
      for (const auto& x : one) add(x, depth + 1);
  };
  add(j.raw_gitlab["cache"], 0);
  return out;
}

}  // namespace pipec::lint
