#include "compiler/import/github_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "compiler/import/built_images.h"
#include "compiler/import/github_contexts.h"
#include "compiler/import/github_expressions.h"
#include "compiler/import/github_taint.h"
#include "compiler/import/gitlab_job.h"
#include "compiler/import/rule_eval.h"
#include "compiler/import/secret_names.h"
#include "compiler/import/source_locate.h"
#include "compiler/import/triggers.h"
#include "compiler/support/one_of.h"
#include "compiler/support/shell_lexer.h"

namespace pipec::import {

using support::OneOf;
using yaml::Node;
using yaml::NodePtr;

namespace {

std::string Quoted(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", \"" : "\"") + v[i] + "\"";
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

// Properties of the event payload an outsider controls (from GitHub's security hardening
// guide and actionlint's list); `*` is any one segment.
constexpr std::array<std::string_view, 24> kUntrusted = {
    "github.event.issue.title", "github.event.issue.body", "github.event.pull_request.title",
    "github.event.pull_request.body", "github.event.comment.body", "github.event.review.body",
    "github.event.review_comment.body", "github.event.pages.*.page_name", "github.event.commits.*.message",
    "github.event.head_commit.message", "github.event.head_commit.author.email",
    "github.event.head_commit.author.name", "github.event.commits.*.author.email",
    "github.event.commits.*.author.name", "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label", "github.event.pull_request.head.repo.default_branch",
    "github.head_ref", "github.event.workflow_run.head_branch", "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email", "github.event.workflow_run.head_commit.author.name",
    "github.event.discussion.title", "github.event.discussion.body"};

// The `]` closing the `[` at `open`, skipping nested brackets; npos when unclosed.
size_t MatchingBracket(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '[') ++depth;
    else if (s[i] == ']' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

// Normalizes `github.event['issue'].title` / `github.event.commits[0].message` to dotted form
// with `*` for indexes.
std::string NormalizeProperty(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '[') {
      size_t close = MatchingBracket(s, i);
      if (close == std::string_view::npos) break;
      std::string_view inner = s.substr(i + 1, close - i - 1);
      if (!inner.empty() && (inner.front() == '\'' || inner.front() == '"')) out += "." + std::string(inner.substr(1, inner.size() - 2));
      else out += ".*";
      i = close;
      continue;
    }
    out += c;
  }
  return LowerAscii(out);
}

bool PropertyMatches(const std::string& path, std::string_view pattern) {
  std::vector<std::string> a = Split(path, '.'), b = Split(pattern, '.');
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && a[i] != "*" && b[i] != "*") return false;
  return true;
}

}  // namespace

std::string UntrustedInput(std::string_view expression) {
  for (const auto& [off, prop] : Properties(expression, "github.")) {
    std::string p = NormalizeProperty(prop);
    while (!p.empty() && (p.back() == '.' || p.back() == '\'' || p.back() == '"')) p.pop_back();
    for (std::string_view pattern : kUntrusted)
      if (PropertyMatches(p, pattern)) return p;
  }
  return "";
}

namespace {

constexpr std::array<std::string_view, 8> kWorkflowKeys = {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"};
constexpr std::array<std::string_view, 21> kGitHubJobKeys = {
    "name", "needs", "runs-on", "permissions", "environment", "concurrency", "outputs", "env", "defaults", "if",
    "steps", "timeout-minutes", "strategy", "continue-on-error", "container", "services", "uses", "with", "secrets",
    "snapshot", "environment"};
constexpr std::array<std::string_view, 11> kStepKeys = {"id", "if", "name", "uses", "run", "working-directory", "shell",
                                                       "with", "env", "continue-on-error", "timeout-minutes"};
// (actionlint's message lists 7; `strategy` and `concurrency` are accepted on calls too)
constexpr std::array<std::string_view, 9> kCallKeys = {"name", "uses", "with", "secrets", "needs", "if", "permissions",
                                                      "strategy", "concurrency"};

struct ReusableWorkflow {
  std::map<std::string, bool> inputs;   // lower-case name -> required (no default)
  std::map<std::string, bool> secrets;  // lower-case name -> required
  bool is_callable = false;
};

class GitHubReader {
 public:
  GitHubReader(SourceManager& sm, DiagnosticSink& sink, const ImportOptions& opts)
      : sm_(sm), sink_(sink), opts_(opts) {}

  std::optional<ir::Pipeline> Run(FileId main) {
    DiagnosticSink load_sink;
    NodePtr doc = yaml::Load(sm_, main, load_sink, yaml::MergeKeys::kNone, opts_.limits);
    for (const Diagnostic& d : load_sink.diagnostics()) sink_.Report(d);
    if (!doc) return std::nullopt;
    if (!doc->IsMap()) {
      sink_.Report(doc->IsNull() ? DiagKind::GhMissingKey : DiagKind::YamlWrongType, doc->range,
                   doc->IsNull() ? "workflow is empty: \"on\" and \"jobs\" sections are missing"
                                 : "workflow is " + std::string(doc->TypeName()) + " node but mapping node is expected");
      return std::nullopt;
    }
    ir::Pipeline p;
    p.origin = ir::Origin::GitHub;
    p.source_path = std::string(sm_.Path(main));
    p.name = "github";
    if (const Node* n = doc->Get("name"); n && n->IsScalar()) p.name = n->scalar;
    for (const auto& [k, v] : doc->entries)
      if (!OneOf(k->scalar, kWorkflowKeys))
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("unexpected key \"{}\" for \"workflow\" section. expected one of {}", k->scalar,
                                 Quoted({kWorkflowKeys.begin(), kWorkflowKeys.end()})));
    const Node* on = doc->Get("on");
    if (!on) sink_.Report(DiagKind::GhMissingKey, doc->range, "\"on\" section is missing in workflow");
    else {
      ReadTriggers(*on, p);
      CheckTriggerSections(*on);
    }
    if (const Node* c = doc->Get("concurrency")) Section(c, "concurrency", {"cancel-in-progress", "group", "queue"});
    if (const Node* d = doc->Get("defaults"); d && d->IsMap()) {
      Section(d, "defaults", {"run"});
      Section(d->Get("run"), "run", {"shell", "working-directory"});
    }
    const Node* jobs = doc->Get("jobs");
    if (!jobs) {
      sink_.Report(DiagKind::GhMissingKey, doc->range, "\"jobs\" section is missing in workflow");
      return p;
    }
    if (!jobs->IsMap()) {
      sink_.Report(DiagKind::YamlWrongType, jobs->range, "\"jobs\" section is scalar node but mapping node is expected");
      return p;
    }
    DuplicateIds(*jobs, load_sink, "jobs");
    if (const Node* env = doc->Get("env")) workflow_env_ = ReadEnv(*env, "env", p);
    for (std::string_view key : {"permissions", "concurrency", "defaults", "run-name"})
      if (const Node* n = doc->Get(key)) p.raw_github.get()[std::string(key)] = yaml::ToJson(*n);
    for (const auto& [k, v] : jobs->entries) ReadJob(*k, *v, p);
    p.built_images = GitHubBuiltImages(*doc);
    SiblingBuiltImages(main, p);
    CheckNeeds(p);
    ResolveArtifacts(p);
    // The expression rules are the checker's (lint/rules_github_expressions.cc).
    p.github = CollectGitHubExpressions(*doc, WorkflowTaint(*doc), sm_);
    Activate(p);
    return p;
  }

 private:
  // A job runs under the triggers its `if:` does not rule out (a job without `if:` under
  // all of them). Unknown conditions count as running.
  void Activate(ir::Pipeline& p) {
    const nlohmann::json& on = p.raw_github["on"];  // null without one
    auto has_event = [&](std::string_view e) {
      std::string ev(e);
      return (on.is_string() && on == ev) || (on.is_array() && std::find(on.begin(), on.end(), ev) != on.end()) ||
             (on.is_object() && on.contains(ev));
    };
    for (ir::Job& j : p.jobs) {
      j.active_triggers.clear();
      for (const ir::Trigger& t : p.triggers) {
        TriggerContext ctx;
        ctx.kind = t.kind;
        switch (t.kind) {
          case ir::TriggerKind::Push:
          case ir::TriggerKind::Tag: ctx.github_event = "push"; break;
          case ir::TriggerKind::MergeRequest:  // one trigger stands for both events
            if (has_event("pull_request") != has_event("pull_request_target"))
              ctx.github_event = has_event("pull_request") ? "pull_request" : "pull_request_target";
            break;
          case ir::TriggerKind::Schedule: ctx.github_event = "schedule"; break;
          case ir::TriggerKind::Manual: ctx.github_event = "workflow_dispatch"; break;
          case ir::TriggerKind::Webhook: ctx.github_event = t.name; break;
        }
        Tri runs = Tri::True;
        if (j.raw_github.contains("if")) {
          const nlohmann::json& cond = j.raw_github["if"];
          if (cond.is_boolean()) runs = cond.get<bool>() ? Tri::True : Tri::False;
          else if (cond.is_string()) runs = EvalGitHubIf(cond.get<std::string>(), ctx);
          else runs = Tri::Unknown;
        }
        if (runs != Tri::False) j.active_triggers.push_back(t.Id());
      }
      std::sort(j.active_triggers.begin(), j.active_triggers.end());
      j.active_triggers.erase(std::unique(j.active_triggers.begin(), j.active_triggers.end()), j.active_triggers.end());
    }
    SkipWithNeeds(p);
  }

  // GitHub skips a job when a job it needs is skipped, unless its `if:` calls a status
  // function that lets it go on (always(), failure(), cancelled()). So a job runs only under
  // the triggers all its needs run under. Repeated to a fixed point (bounded: needs cycles
  // are reported elsewhere).
  void SkipWithNeeds(ir::Pipeline& p) {
    std::map<std::string, ir::Job*> by_name;
    for (ir::Job& j : p.jobs) by_name[j.name] = &j;
    auto continues = [](const ir::Job& j) {
      if (!j.raw_github["if"].is_string()) return false;
      std::string cond = LowerAscii(j.raw_github["if"].get<std::string>());
      return cond.find("always()") != std::string::npos || cond.find("failure()") != std::string::npos ||
             cond.find("cancelled()") != std::string::npos;
    };
    for (size_t round = 0, changed = 1; changed && round <= p.jobs.size(); ++round) {
      changed = 0;
      for (ir::Job& j : p.jobs) {
        if (continues(j)) continue;
        for (const ir::Need& n : j.needs) {
          auto dep = by_name.find(n.job);
          if (dep == by_name.end() || dep->second == &j) continue;
          const std::vector<std::string>& theirs = dep->second->active_triggers;
          size_t before = j.active_triggers.size();
          std::erase_if(j.active_triggers, [&](const std::string& id) {
            return !std::binary_search(theirs.begin(), theirs.end(), id);
          });
          changed += before != j.active_triggers.size();
        }
      }
    }
  }

  void ReadTriggers(const Node& on, ir::Pipeline& p) {
    std::vector<std::pair<std::string, const Node*>> events;
    if (on.IsScalar()) events.emplace_back(on.scalar, nullptr);
    else if (on.IsSeq()) for (const NodePtr& e : on.items) events.emplace_back(e->scalar, nullptr);
    else if (on.IsMap()) for (const auto& [k, v] : on.entries) events.emplace_back(k->scalar, v.get());
    for (const auto& event : events) {
      const std::string& name = event.first;
      const Node* body = event.second;  // not a structured binding: lambdas capture it (clang 14)
      ir::Trigger t;
      t.range = on.range;
      auto strings = [&](std::string_view key) {
        std::vector<std::string> out;
        if (!body || !body->IsMap()) return out;
        if (const Node* n = body->Get(key)) {
          if (n->IsScalar()) out.push_back(n->scalar);
          else for (const NodePtr& i : n->items) if (i->IsScalar()) out.push_back(i->scalar);
        }
        return out;
      };
      if (name == "push") {
        // GitHub: a push without branch or tag filters runs for every branch and every tag;
        // with only tag filters for no branch, with only branch filters for no tag.
        bool branch_filter = body && body->IsMap() && (body->Has("branches") || body->Has("branches-ignore"));
        bool tag_filter = body && body->IsMap() && (body->Has("tags") || body->Has("tags-ignore"));
        std::vector<std::string> tags = strings("tags");
        if (!tag_filter && !branch_filter) tags = {"*"};
        else if (tag_filter && tags.empty()) tags = {"*"};  // tags-ignore: some tags
        for (const std::string& tag : tags) {
          ir::Trigger tt;
          tt.kind = ir::TriggerKind::Tag;
          tt.tag_pattern = tag;
          tt.range = on.range;
          p.triggers.push_back(tt);
        }
        if (tag_filter && !branch_filter) continue;
        t.kind = ir::TriggerKind::Push;
        t.branches = strings("branches");
        t.paths = strings("paths");
      } else if (name == "pull_request" || name == "pull_request_target") {
        t.kind = ir::TriggerKind::MergeRequest;
        t.targets = strings("branches");
        if (name == "pull_request_target") p.raw_github.get()["pull_request_target"] = true;
      } else if (name == "schedule") {
        if (!body || !body->IsSeq()) continue;
        int i = 0;
        for (const NodePtr& s : body->items) {
          ir::Trigger st;
          st.kind = ir::TriggerKind::Schedule;
          st.name = fmt::format("schedule{}", i++);
          if (const Node* c = s->Get("cron"); c && c->IsScalar()) st.cron = c->scalar;
          st.range = s->range;
          p.triggers.push_back(st);
        }
        continue;
      } else if (name == "workflow_dispatch") {
        t.kind = ir::TriggerKind::Manual;
      } else if (name == "repository_dispatch") {
        t.kind = ir::TriggerKind::Webhook;
        t.name = "repository_dispatch";
      } else {
        t.kind = ir::TriggerKind::Webhook;
        t.name = name;
      }
      p.triggers.push_back(t);
    }
    p.raw_github.get()["on"] = yaml::ToJson(on);
  }

  // Exact duplicates were merged by the loader (a warning); GitHub rejects them, and ids are
  // case-insensitive.
  void DuplicateIds(const Node& map, const DiagnosticSink& load_sink, std::string_view section) {
    std::map<std::string, const Node*> seen;
    for (const auto& [k, v] : map.entries) {
      auto [it, fresh] = seen.emplace(LowerAscii(k->scalar), k.get());
      if (!fresh)
        sink_.Report(DiagKind::GhDuplicateJob, k->range,
                     fmt::format("key \"{}\" is duplicated in \"{}\" section. previously defined at line:{},col:{}. note that this key is case insensitive",
                                 k->scalar, section, it->second->range.begin.line, it->second->range.begin.column));
    }
    for (const Diagnostic& d : load_sink.diagnostics())
      if (d.kind == DiagKind::YamlDuplicateKey && d.range.begin.column == map.entries.front().first->range.begin.column &&
          d.range.begin.line > map.range.begin.line && LowerAscii(sm_.Path(d.range.file)) == LowerAscii(sm_.Path(map.range.file))) {
        // only keys of this section: same column as its first key, after its start
        bool ours = false;
        for (const auto& [k, v] : map.entries) ours |= d.range.begin.line >= k->range.begin.line;
        if (ours)
          sink_.Report(DiagKind::GhDuplicateJob, d.range, fmt::format("{} in \"{}\" section", d.message, section));
      }
  }

  // Unknown keys (when `allowed` is non-empty) and keys repeated up to case in one section.
  void Section(const Node* map, std::string_view section, std::vector<std::string_view> allowed,
               std::string_view what = "") {
    if (!map || !map->IsMap()) return;
    std::map<std::string, const Node*> seen;
    std::vector<std::string> shown(allowed.begin(), allowed.end());
    std::sort(shown.begin(), shown.end());
    for (const auto& [k, v] : map->entries) {
      auto [it, fresh] = seen.emplace(LowerAscii(k->scalar), k.get());
      if (!fresh)
        sink_.Report(DiagKind::YamlDuplicateKey, k->range,
                     fmt::format("key \"{}\" is duplicated in \"{}\" section. previously defined at line:{},col:{}. note that this key is case insensitive",
                                 k->scalar, section, it->second->range.begin.line, it->second->range.begin.column));
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), k->scalar) == allowed.end())
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("unexpected key \"{}\" for {}. expected one of {}", k->scalar,
                                 what.empty() ? fmt::format("\"{}\" section", section) : std::string(what), Quoted(shown)));
    }
  }

  void CheckTriggerSections(const Node& on) {
    if (!on.IsMap()) return;
    for (const auto& [k, v] : on.entries) {
      const std::string& ev = k->scalar;
      if (ev == "push") {
        Section(v.get(), "push", {"branches", "branches-ignore", "paths", "paths-ignore", "tags", "tags-ignore"});
      } else if (ev == "pull_request" || ev == "pull_request_target") {
        Section(v.get(), ev, {"branches", "branches-ignore", "paths", "paths-ignore", "types"});
      } else if (ev == "image_version") {
        Section(v.get(), "image_version", {"names", "versions"});
      } else if (ev == "workflow_dispatch") {
        Section(v.get(), "workflow_dispatch", {"inputs"});
        if (const Node* in = v->Get("inputs"); in && in->IsMap()) {
          Section(in, "inputs", {});
          for (const auto& [ik, iv] : in->entries)
            Section(iv.get(), "inputs", {"default", "description", "required", "type", "options"});
        }
      } else if (ev == "workflow_call") {
        Section(v.get(), "workflow_call", {"inputs", "outputs", "secrets"});
        if (const Node* in = v->Get("inputs"); in && in->IsMap()) {
          Section(in, "inputs", {});
          for (const auto& [ik, iv] : in->entries)
            Section(iv.get(), "inputs", {"default", "description", "required", "type"}, "inputs at workflow_call event");
        }
        if (const Node* out = v->Get("outputs"); out && out->IsMap()) {
          Section(out, "outputs", {});
          for (const auto& [ok, ov] : out->entries)
            Section(ov.get(), "outputs", {"description", "value"}, "outputs at workflow_call event");
        }
        if (const Node* sec = v->Get("secrets"); sec && sec->IsMap()) {
          Section(sec, "secrets", {});
          for (const auto& [sk, sv] : sec->entries) Section(sv.get(), "secrets", {"description", "required"});
        }
      }
    }
  }

  void CheckContainer(const Node* c, std::string_view section) {
    if (!c || !c->IsMap()) return;
    if (section == "services")  // service containers may override the entrypoint and command
      Section(c, section, {"credentials", "env", "image", "options", "ports", "volumes", "entrypoint", "command"});
    else
      Section(c, section, {"credentials", "env", "image", "options", "ports", "volumes"});
    Section(c->Get("credentials"), "credentials", {"password", "username"});
  }

  void CheckJobSections(const Node& body) {
    if (const Node* c = body.Get("concurrency")) Section(c, "concurrency", {"cancel-in-progress", "group", "queue"});
    if (const Node* e = body.Get("environment")) Section(e, "environment", {"deployment", "name", "url"});
    if (const Node* st = body.Get("strategy")) {
      Section(st, "strategy", {"fail-fast", "matrix", "max-parallel"});
      if (st->IsMap()) Section(st->Get("matrix"), "matrix", {});
    }
    CheckContainer(body.Get("container"), "container");
    if (const Node* svcs = body.Get("services"); svcs && svcs->IsMap()) {
      Section(svcs, "services", {});
      for (const auto& [k, v] : svcs->entries) CheckContainer(v.get(), "services");
    }
    if (const Node* r = body.Get("runs-on")) Section(r, "runs-on", {"group", "labels"});
    if (const Node* sn = body.Get("snapshot")) Section(sn, "snapshot", {"if", "image-name", "version"});
    if (const Node* d = body.Get("defaults"); d && d->IsMap()) {
      Section(d, "defaults", {"run"});
      Section(d->Get("run"), "run", {"shell", "working-directory"});
    }
    if (const Node* w = body.Get("with")) Section(w, "with", {});
    if (const Node* sec = body.Get("secrets")) Section(sec, "secrets", {});
    if (const Node* o = body.Get("outputs")) Section(o, "outputs", {});
  }

  std::vector<ir::EnvVar> ReadEnv(const Node& env, std::string_view where, ir::Pipeline& p) {
    std::vector<ir::EnvVar> out;
    if (!env.IsMap()) {
      if (!env.IsScalar() || env.scalar.find("${{") == std::string::npos)
        sink_.Report(DiagKind::YamlWrongType, env.range, fmt::format("\"{}\" section should be a mapping", where));
      return out;
    }
    std::map<std::string, const Node*> seen;
    for (const auto& [k, v] : env.entries) {
      auto [it, fresh] = seen.emplace(LowerAscii(k->scalar), k.get());
      if (!fresh)
        sink_.Report(DiagKind::YamlDuplicateKey, k->range,
                     fmt::format("key \"{}\" is duplicated in \"env\" section. previously defined at line:{},col:{}. note that this key is case insensitive",
                                 k->scalar, it->second->range.begin.line, it->second->range.begin.column));
      ir::EnvVar e;
      e.name = k->scalar;
      e.range = k->range;
      std::string secret = SecretsIn(*v, p);
      if (!secret.empty()) e.secret = secret;
      else e.value.parts.push_back({ir::TextPart::Kind::Literal, v->scalar});
      out.push_back(std::move(e));
    }
    return out;
  }

  // Registers every `secrets.X` in a scalar; returns the first one.
  std::string SecretsIn(const Node& v, ir::Pipeline& p) {
    if (!v.IsScalar()) return "";
    std::string first;
    for (const auto& [off, expr] : Expressions(v.scalar))
      for (const auto& [poff, prop] : Properties(expr, "secrets.")) {
        std::string name = prop.substr(8);
        while (!name.empty() && !std::isalnum(static_cast<unsigned char>(name.back())) && name.back() != '_') name.pop_back();
        if (name.empty()) continue;
        if (first.empty()) first = name;
        bool known = std::any_of(p.secrets.begin(), p.secrets.end(), [&](const ir::Secret& s) { return s.name == name; });
        if (!known) {
          ir::Secret s;
          s.name = name;
          s.masked = true;
          s.origin = fmt::format("secrets.{} reference", name);
          s.range = LocateInScalar(sm_, v, off + poff, prop.size());
          p.secrets.push_back(std::move(s));
        }
      }
    return first;
  }

  void ReadJob(const Node& key, const Node& body, ir::Pipeline& p) {
    ir::Job job;
    job.name = key.scalar;
    job.base_name = key.scalar;
    job.range = key.range;
    job.body_range = {key.range.file, key.range.begin, {key.range.begin.line + 1, 1}};
    if (!body.IsMap()) {
      sink_.Report(DiagKind::YamlWrongType, body.range, fmt::format("\"jobs\" section is {} node but mapping node is expected", body.TypeName()));
      return;
    }
    uint32_t last_line = key.range.begin.line;
    LastLine(body, last_line);
    job.body_range.end = {last_line + 1, 1};
    bool call = body.Has("uses");
    CheckJobSections(body);
    for (const auto& [k, v] : body.entries) {
      if (!OneOf(k->scalar, kGitHubJobKeys)) {
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("unexpected key \"{}\" for \"job\" section. expected one of {}", k->scalar,
                                 Quoted({kGitHubJobKeys.begin(), kGitHubJobKeys.end() - 1})));
      } else if (call && !OneOf(k->scalar, kCallKeys)) {
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("when a reusable workflow is called with \"uses\", \"{}\" is not available. only following keys are allowed: \"name\", \"uses\", \"with\", \"secrets\", \"needs\", \"if\", and \"permissions\" in job \"{}\"",
                                 k->scalar, job.name));
      } else if (!call && (k->scalar == "with" || k->scalar == "secrets")) {
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("\"{}\" is only available for a reusable workflow call with \"uses\" but \"uses\" is not found in job \"{}\"",
                                 k->scalar, job.name));
      }
    }
    if (!call && !body.Has("runs-on"))
      sink_.Report(DiagKind::GhMissingKey, key.range, fmt::format("\"runs-on\" section is missing in job \"{}\"", job.name));
    // `steps:` without a value is a missing section too (actionlint says so); one finding,
    // not also "must be sequence node" (issue 14 j).
    bool no_steps = !body.Has("steps") || body.Get("steps")->IsNull();
    if (!call && no_steps)
      sink_.Report(DiagKind::GhMissingKey, key.range, fmt::format("\"steps\" section is missing in job \"{}\"", job.name));
    if (const Node* n = body.Get("needs")) {
      std::vector<const Node*> needs;
      if (n->IsScalar()) needs.push_back(n);
      else if (n->IsSeq()) for (const NodePtr& i : n->items) needs.push_back(i.get());
      else sink_.Report(DiagKind::YamlWrongType, n->range, "\"needs\" section must be sequence node or scalar node");
      std::set<std::string> seen;
      for (const Node* need : needs) {
        if (!need->IsScalar()) continue;
        if (!seen.insert(LowerAscii(need->scalar)).second) {
          sink_.Report(DiagKind::GhDuplicateJob, need->range,
                       fmt::format("job ID \"{}\" duplicates in \"needs\" section. note that job ID is case insensitive", need->scalar));
          continue;
        }
        ir::Need nd;
        nd.job = need->scalar;
        nd.origin = ir::Need::Origin::Import;
        nd.range = need->range;
        job.needs.push_back(nd);
      }
    }
    if (const Node* r = body.Get("runs-on")) {
      if (r->IsScalar()) job.runner.push_back(r->scalar);
      else if (r->IsSeq()) for (const NodePtr& l : r->items) job.runner.push_back(l->scalar);
      else job.raw_github.get()["runs-on"] = yaml::ToJson(*r);
    }
    if (const Node* c = body.Get("container")) {
      const Node* image = c->IsMap() ? c->Get("image") : c;
      if (image && image->IsScalar()) job.image.parts.push_back({ir::TextPart::Kind::Literal, image->scalar});
      if (c->IsMap()) SecretsIn(c->Get("credentials") && c->Get("credentials")->Get("password") ? *c->Get("credentials")->Get("password") : *c, p);
    }
    if (const Node* s = body.Get("services"); s && s->IsMap())
      for (const auto& [name, svc] : s->entries) {
        const Node* image = svc->IsMap() ? svc->Get("image") : svc.get();
        job.services.push_back(image && image->IsScalar() ? image->scalar : name->scalar);
      }
    job.env = workflow_env_;
    if (const Node* env = body.Get("env")) {
      for (ir::EnvVar& e : ReadEnv(*env, "env", p)) {
        std::erase_if(job.env, [&](const ir::EnvVar& x) { return x.name == e.name; });
        job.env.push_back(std::move(e));
      }
    }
    if (const Node* e = body.Get("environment")) {
      ir::Environment env;
      env.range = e->range;
      if (e->IsScalar()) env.name = e->scalar;
      else if (const Node* n = e->Get("name"); n && n->IsScalar()) env.name = n->scalar;
      if (const Node* u = e->Get("url"); u && u->IsScalar()) env.url = u->scalar;
      job.environment = env;
    }
    if (const Node* o = body.Get("outputs"); o && o->IsMap())
      for (const auto& [k, v] : o->entries) {
        ir::Output out;
        out.name = k->scalar;
        out.kind = ir::OutputKind::String;
        out.path = v->scalar;
        out.range = k->range;
        job.outputs.push_back(std::move(out));
      }
    if (const Node* t = body.Get("timeout-minutes"); t && t->AsInt()) job.timeout_seconds = *t->AsInt() * 60;
    if (const Node* c = body.Get("continue-on-error"); c && c->AsBool()) job.allow_failure = *c->AsBool();
    for (std::string_view k : {"if", "strategy", "permissions", "concurrency", "defaults", "name", "with", "secrets", "uses"})
      if (const Node* n = body.Get(k)) job.raw_github.get()[std::string(k)] = yaml::ToJson(*n);
    if (const Node* sec = body.Get("secrets"); sec && sec->IsScalar() && sec->scalar == "inherit")
      job.inherits_secrets = sec->range;
    if (const Node* k = body.KeyNode("if")) job.when->range = k->range;  // for notes about the condition
    if (const Node* sm = body.Get("strategy"); sm && sm->IsMap())
      if (const Node* m = sm->Get("matrix"); m && m->IsMap())
        for (const auto& [k, v] : m->entries)
          if (k->scalar != "include" && k->scalar != "exclude" && v->IsSeq() && !v->items.empty() && v->items[0]->IsScalar())
            job.matrix[k->scalar] = v->items[0]->scalar;  // the first cell, for display
    if (const Node* steps = body.Get("steps"); steps && !steps->IsNull()) {
      ReadSteps(*steps, job, p);
      // Parallel and background steps have no IR form: `pipec import` keeps the list verbatim.
      if (steps->IsSeq() && std::any_of(steps->items.begin(), steps->items.end(), [](const NodePtr& st) {
            return st->IsMap() && (st->Has("parallel") || st->Has("wait") || st->Has("wait-all") ||
                                   st->Has("cancel") || st->Has("background"));
          }))
        job.raw_github.get()["steps"] = yaml::ToJson(*steps);
    }
    if (call) ReadCall(body, job, p);
    p.jobs.push_back(std::move(job));
  }

  static void LastLine(const Node& n, uint32_t& last) {
    last = std::max(last, n.range.begin.line);
    for (const NodePtr& i : n.items) LastLine(*i, last);
    for (const auto& [k, v] : n.entries) LastLine(*v, last);
  }

  void ReadSteps(const Node& steps, ir::Job& job, ir::Pipeline& p) {
    if (!steps.IsSeq()) {
      sink_.Report(DiagKind::YamlWrongType, steps.range, "\"steps\" section must be sequence node");
      return;
    }
    std::map<std::string, const Node*> ids;
    for (const NodePtr& sp : steps.items) ReadStep(*sp, ids, job, p);
  }

  void StepId(const Node& s, std::map<std::string, const Node*>& ids, ir::Step* step) {
    const Node* id = s.Get("id");
    if (!id || !id->IsScalar()) return;
    if (step) step->id = id->scalar;
    auto [it, fresh] = ids.emplace(LowerAscii(id->scalar), id);
    if (!fresh && id->scalar.find("${{") == std::string::npos)
      sink_.Report(DiagKind::GhDuplicateJob, id->range,
                   fmt::format("step ID \"{}\" duplicates. previously defined at line:{},col:{}. step ID must be unique within a job. note that step ID is case insensitive",
                               id->scalar, it->second->range.begin.line, it->second->range.begin.column));
  }

  // Parallel steps (GitHub Actions, June 2026): a `parallel:` group of steps run at once, and
  // the control steps `wait: <id>` / `wait-all: true` / `cancel: <id>` that synchronise the
  // `background: true` steps. They run no script of their own; a group's steps are read as
  // the job's steps.
  bool ReadControlStep(const Node& s, std::map<std::string, const Node*>& ids, ir::Job& job, ir::Pipeline& p) {
    static constexpr std::array<std::string_view, 4> kControl = {"parallel", "wait", "wait-all", "cancel"};
    const Node* control = nullptr;
    for (const auto& [k, v] : s.entries)
      if (OneOf(k->scalar, kControl)) {
        if (control) {
          sink_.Report(DiagKind::GhStep, k->range, fmt::format("step can have only one of \"parallel\", \"wait\", \"wait-all\" and \"cancel\" sections"));
          return true;
        }
        control = k.get();
      }
    if (!control) return false;
    const std::string& kind = control->scalar;
    static constexpr std::array<std::string_view, 5> kKeys = {"id", "if", "name", "continue-on-error", "timeout-minutes"};
    for (const auto& [k, v] : s.entries)
      if (k.get() != control && !OneOf(k->scalar, kKeys))
        sink_.Report(DiagKind::YamlUnknownKey, k->range, fmt::format("unexpected key \"{}\" for \"{}\" step", k->scalar, kind));
    StepId(s, ids, nullptr);
    const Node& value = *s.Get(kind);
    if (kind == "parallel") {
      if (!value.IsSeq()) sink_.Report(DiagKind::YamlWrongType, value.range, "\"parallel\" section must be sequence node");
      else for (const NodePtr& sp : value.items) ReadStep(*sp, ids, job, p);
    } else if (kind == "wait-all") {
      if (!value.IsNull() && !value.AsBool() && (!value.IsScalar() || value.scalar.find("${{") == std::string::npos))
        sink_.Report(DiagKind::YamlWrongType, value.range, "\"wait-all\" section must be a boolean");
    } else if (!value.IsScalar() && !IsStringSeq(value)) {
      sink_.Report(DiagKind::YamlWrongType, value.range, fmt::format("\"{}\" section must be a step ID or a sequence of step IDs", kind));
    }
    return true;
  }

  static bool IsStringSeq(const Node& n) {
    return n.IsSeq() && std::all_of(n.items.begin(), n.items.end(), [](const NodePtr& i) { return i->IsScalar(); });
  }

  void ReadStep(const Node& s, std::map<std::string, const Node*>& ids, ir::Job& job, ir::Pipeline& p) {
    if (!s.IsMap()) {
      sink_.Report(DiagKind::YamlWrongType, s.range, "step must be mapping node");
      return;
    }
    ir::Step step;
    step.range = s.range;
    const Node* run = s.Get("run");
    const Node* uses = s.Get("uses");
    if (!run && !uses && ReadControlStep(s, ids, job, p)) return;
    if ((run != nullptr) == (uses != nullptr)) {
      sink_.Report(DiagKind::GhStep, s.range, "step must run script with \"run\" section or run action with \"uses\" section");
      return;
    }
    for (const auto& [k, v] : s.entries)
      if ((!OneOf(k->scalar, kStepKeys) && k->scalar != "background") ||
          (run && k->scalar == "with") ||
          (uses && (k->scalar == "shell" || k->scalar == "working-directory")))
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("unexpected key \"{}\" for {}", k->scalar, run ? "step to run shell command" : "step to execute action"));
    StepId(s, ids, &step);
    if (const Node* n = s.Get("name"); n && n->IsScalar()) step.name = n->scalar;
    if (const Node* c = s.Get("if"); c && c->IsScalar()) step.condition = c->scalar;
    if (const Node* sh = s.Get("shell"); sh && sh->IsScalar()) step.shell = sh->scalar;
    std::vector<ir::EnvVar> step_env;
    if (const Node* env = s.Get("env")) step_env = ReadEnv(*env, "env", p);
    for (const ir::EnvVar& e : step_env) {
      if (!e.secret.empty()) {
        job.env.push_back(e);  // the secret is bound in this job (step scope, see docs/lint.md)
        step.env[e.name] = {};
      } else {
        step.env[e.name] = e.value;
      }
    }
    if (run) {
      step.kind = ir::Step::Kind::Run;
      step.script.parts.push_back({ir::TextPart::Kind::Literal, run->scalar});
      step.range = run->range;
      CheckRun(*run, p);
    } else {
      step.kind = ir::Step::Kind::Uses;
      step.uses = uses->scalar;
      Section(s.Get("with"), "with", {});
      if (const Node* with = s.Get("with"); with && with->IsMap())
        for (const auto& [k, v] : with->entries) {
          step.with[k->scalar] = v->IsScalar() ? v->scalar : yaml::ToJson(*v).dump();
          SecretsIn(*v, p);
        }
      Artifact(step, s, job);
    }
    job.steps.push_back(std::move(step));
  }

  // upload-artifact -> an output; download-artifact -> an input (resolved in ResolveArtifacts).
  void Artifact(const ir::Step& step, const Node& s, ir::Job& job) {
    std::string action = LowerAscii(step.uses.substr(0, step.uses.find('@')));
    auto with = [&](const std::string& k, std::string dflt) {
      auto it = step.with.find(k);
      return it == step.with.end() ? dflt : it->second;
    };
    if (action == "actions/upload-artifact") {
      ir::Output o;
      o.name = with("name", "artifact");
      o.path = with("path", "");
      o.kind = o.path.find('\n') != std::string::npos || (!o.path.empty() && o.path.back() == '/') ? ir::OutputKind::Dir : ir::OutputKind::File;
      // (More days than any repository keeps, 20 digits included: GitHub keeps its maximum,
      // as without the setting; std::stoll threw on those.)
      if (auto days = with("retention-days", "");
          !days.empty() && days.size() <= 5 && std::all_of(days.begin(), days.end(), ::isdigit))
        o.expire_seconds = std::stoll(days) * 86400;
      o.range = s.range;
      job.outputs.push_back(std::move(o));
    } else if (action == "actions/download-artifact") {
      std::string name = with("name", "");
      // all artifacts, a dynamic name, or another run's artifact: nothing to match here
      if (name.empty() || name.find("${{") != std::string::npos || step.with.contains("run-id")) return;
      ir::InputRef in;
      in.name = name;
      in.output = name;
      in.path = with("path", ".");
      in.range = s.Get("with") && s.Get("with")->Get("name") ? s.Get("with")->Get("name")->range : s.range;
      job.inputs.push_back(std::move(in));
    }
  }

  // Secrets printed (`echo ${{ secrets.X }}`, `echo "$X"` of an env var bound to one) are the
  // checker's secret-echoed, which reads the script with the shell lexer: one finding per echo.
  void CheckRun(const Node& run, ir::Pipeline& p) {
    if (!run.IsScalar()) return;
    SecretsIn(run, p);
  }

  void ReadCall(const Node& body, ir::Job& job, ir::Pipeline& p) {
    const Node* uses = body.Get("uses");
    if (!uses->IsScalar()) return;
    const std::string& target = uses->scalar;
    if (const Node* with = body.Get("with"); with && with->IsMap())
      for (const auto& [k, v] : with->entries) SecretsIn(*v, p);
    if (const Node* sec = body.Get("secrets"); sec && sec->IsMap())
      for (const auto& [k, v] : sec->entries) SecretsIn(*v, p);
    job.trigger = ir::TriggerJob{ir::TriggerJob::Kind::Project, target, "", {}, uses->range};
    if (target.find("${{") != std::string::npos) return;  // computed at run time
    if (target.rfind("./", 0) != 0) {
      // owner/repo/path/file.yml@ref
      size_t at = target.find('@');
      if (at == std::string::npos || std::count(target.begin(), target.begin() + static_cast<long>(at), '/') < 2 ||
          target[0] == '/')
        sink_.Report(DiagKind::GhReusableWorkflow, uses->range,
                     fmt::format("reusable workflow call \"{}\" at \"uses\" is not following the format \"owner/repo/path/to/workflow.yml@ref\" nor \"./path/to/workflow.yml\"", target));
      return;
    }
    if (target.find('@') != std::string::npos) {
      sink_.Report(DiagKind::GhReusableWorkflow, uses->range,
                   fmt::format("reusable workflow call \"{}\" at \"uses\" is not following the format \"owner/repo/path/to/workflow.yml@ref\" nor \"./path/to/workflow.yml\"", target));
      return;
    }
    job.trigger = ir::TriggerJob{ir::TriggerJob::Kind::Pipeline, target.substr(2), "", {}, uses->range};
    std::optional<ReusableWorkflow> wf = LoadReusable(target);
    if (!wf) {
      sink_.Report(DiagKind::GhReusableWorkflow, uses->range,
                   fmt::format("could not read reusable workflow file for \"{}\": no such file under {}", target, opts_.repo_root));
      return;
    }
    std::set<std::string> given_inputs, given_secrets;
    if (const Node* with = body.Get("with"); with && with->IsMap())
      for (const auto& [k, v] : with->entries) {
        given_inputs.insert(LowerAscii(k->scalar));
        if (!wf->inputs.contains(LowerAscii(k->scalar)))
          sink_.Report(DiagKind::GhReusableWorkflow, k->range,
                       fmt::format("input \"{}\" is not defined in \"{}\" reusable workflow", k->scalar, target));
      }
    const Node* sec = body.Get("secrets");
    bool inherit = sec && sec->IsScalar() && sec->scalar == "inherit";
    if (sec && sec->IsMap())
      for (const auto& [k, v] : sec->entries) {
        given_secrets.insert(LowerAscii(k->scalar));
        if (!wf->secrets.contains(LowerAscii(k->scalar)))
          sink_.Report(DiagKind::GhReusableWorkflow, k->range,
                       fmt::format("secret \"{}\" is not defined in \"{}\" reusable workflow", k->scalar, target));
      }
    for (const auto& [name, required] : wf->inputs)
      if (required && !given_inputs.contains(name))
        sink_.Report(DiagKind::GhReusableWorkflow, uses->range,
                     fmt::format("input \"{}\" is required by \"{}\" reusable workflow", name, target));
    if (!inherit)
      for (const auto& [name, required] : wf->secrets)
        if (required && !given_secrets.contains(name))
          sink_.Report(DiagKind::GhReusableWorkflow, uses->range,
                       fmt::format("secret \"{}\" is required by \"{}\" reusable workflow", name, target));
  }

  // Images the other workflows of the repository build (a workflow that runs the project's
  // image is often not the one that builds it). Only for a file in .github/workflows/; at most
  // 100 files of at most 1 MiB are read, their problems are their own lint's (not reported).
  void SiblingBuiltImages(FileId main, ir::Pipeline& p) {
    std::string path(sm_.Path(main));
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (!(dir == ".github/workflows" || (dir.size() > 18 && dir.compare(dir.size() - 18, 18, "/.github/workflows") == 0)))
      return;
    // Read once per directory of the real file system: `pipec lint .` reads every workflow of
    // the directory for each of them (the cache keeps that linear). In-memory file systems
    // (tests, fuzzing) are read afresh: another one may later live at the same address.
    static std::map<std::string, std::map<std::string, std::vector<std::string>>> cache;
    std::map<std::string, std::map<std::string, std::vector<std::string>>> fresh;
    auto& store = &FsOf(opts_) == &support::RealFileSystem() ? cache : fresh;
    auto it = store.find(dir);
    if (it == store.end()) {
      std::map<std::string, std::vector<std::string>> per_file;
      for (const std::string& rel : FsOf(opts_).ListFiles(dir, 100)) {
        if (rel.find('/') != std::string::npos || !(rel.ends_with(".yml") || rel.ends_with(".yaml"))) continue;
        std::optional<std::string> text = FsOf(opts_).Read(dir + "/" + rel);
        if (!text || text->size() > (1u << 20)) continue;
        SourceManager scratch;  // not reported: their problems are their own lint's
        FileId id = scratch.AddFile(dir + "/" + rel, std::move(*text));
        DiagnosticSink ignored;
        if (NodePtr doc = yaml::Load(scratch, id, ignored, yaml::MergeKeys::kNone, opts_.limits)) per_file[rel] = GitHubBuiltImages(*doc);
      }
      it = store.emplace(dir, std::move(per_file)).first;
    }
    for (const auto& [rel, images] : it->second)
      if (rel != base) p.built_images.insert(p.built_images.end(), images.begin(), images.end());
  }


  std::optional<ReusableWorkflow> LoadReusable(const std::string& target) {
    std::string path = support::JoinPath(opts_.repo_root, target);
    if (auto it = reusable_.find(path); it != reusable_.end()) return it->second;
    std::optional<std::string> text = FsOf(opts_).Read(path);
    if (!text) return reusable_[path] = std::nullopt;
    FileId id = sm_.AddFile(path, std::move(*text));
    DiagnosticSink ignore;  // the called workflow is linted on its own
    NodePtr doc = yaml::Load(sm_, id, ignore, yaml::MergeKeys::kNone, opts_.limits);
    ReusableWorkflow wf;
    const Node* on = doc ? doc->Get("on") : nullptr;
    const Node* call = on && on->IsMap() ? on->Get("workflow_call") : nullptr;
    if (on && on->IsScalar()) wf.is_callable = on->scalar == "workflow_call";
    if (on && on->IsSeq())
      for (const NodePtr& e : on->items) wf.is_callable |= e->scalar == "workflow_call";
    if (call) {
      wf.is_callable = true;
      for (std::string_view section : {"inputs", "secrets"}) {
        const Node* s = call->Get(section);
        if (!s || !s->IsMap()) continue;
        for (const auto& [k, v] : s->entries) {
          const Node* req = v->IsMap() ? v->Get("required") : nullptr;
          bool required = req && req->AsBool().value_or(false) && !(v->IsMap() && v->Has("default"));
          (section == "inputs" ? wf.inputs : wf.secrets)[LowerAscii(k->scalar)] = required;
        }
      }
    }
    return reusable_[path] = wf;
  }

  void CheckNeeds(ir::Pipeline& p) {
    std::map<std::string, const ir::Job*> by_id;
    for (const ir::Job& j : p.jobs) by_id[LowerAscii(j.name)] = &j;
    for (ir::Job& j : p.jobs) {
      std::erase_if(j.needs, [&](const ir::Need& n) {
        if (by_id.contains(LowerAscii(n.job))) return false;
        sink_.Report(DiagKind::GhUnknownNeed, j.range, fmt::format("Job '{}' depends on unknown job '{}'.", j.name, n.job));
        return true;
      });
      for (ir::Need& n : j.needs) n.job = by_id[LowerAscii(n.job)]->name;
    }
    // Cycles are the checker's (lint/rules_graph.cc), in GitHub's words for a workflow.
  }

  // A download-artifact of NAME reads the upload of NAME in a job it (transitively) needs.
  // Downloads no such upload explains stay unresolved (no job) for the checker's
  // github-missing-artifact (lint/rules_artifacts.cc), which also knows the uploads named by
  // expressions and the actions that may upload unseen.
  void ResolveArtifacts(ir::Pipeline& p) {
    std::map<std::string, const ir::Job*> by_name;
    for (const ir::Job& j : p.jobs) by_name[j.name] = &j;
    for (ir::Job& j : p.jobs) {
      if (j.inputs.empty()) continue;
      std::set<std::string> upstream;
      std::vector<std::string> todo;
      for (const ir::Need& n : j.needs) todo.push_back(n.job);
      while (!todo.empty()) {
        std::string n = todo.back();
        todo.pop_back();
        if (!upstream.insert(n).second) continue;
        for (const ir::Need& nn : by_name[n]->needs) todo.push_back(nn.job);
      }
      for (ir::InputRef& in : j.inputs)
        for (const std::string& u : upstream)
          for (const ir::Output& o : by_name[u]->outputs)
            if (o.kind != ir::OutputKind::String && o.name == in.output) {
              in.job = u;
              in.kind = o.kind;
            }
    }
  }

  SourceManager& sm_;
  DiagnosticSink& sink_;
  const ImportOptions& opts_;
  std::vector<ir::EnvVar> workflow_env_;
  std::map<std::string, std::optional<ReusableWorkflow>> reusable_;
};

}  // namespace

std::optional<ir::Pipeline> ReadGitHub(FileId main, SourceManager& sm, DiagnosticSink& sink, const ImportOptions& opts) {
  GitHubReader reader(sm, sink, opts);
  std::optional<ir::Pipeline> p = reader.Run(main);
  if (p) ir::ResolveJobIds(*p);
  return p;
}

}  // namespace pipec::import
