#include "compiler/import/gitlab_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "compiler/import/script_paths.h"
#include "compiler/import/source_locate.h"
#include "compiler/support/one_of.h"
#include "compiler/support/shell_lexer.h"

namespace pipec::import {

using support::OneOf;
using yaml::Node;
using yaml::NodePtr;

namespace {

constexpr std::array<std::string_view, 38> kGitLabJobKeys = {
    "script", "run", "before_script", "after_script", "image", "services", "stage", "needs",
    "dependencies", "artifacts", "cache", "rules", "only", "except", "when", "start_in",
    "allow_failure", "retry", "timeout", "parallel", "trigger", "environment", "variables", "tags",
    "extends", "coverage", "interruptible", "resource_group", "release", "pages", "id_tokens",
    "secrets", "inherit", "hooks", "identity", "dast_configuration", "manual_confirmation", "inputs"};

// Keys that become IR fields; the rest of a job is kept verbatim in raw_gitlab.
constexpr std::array<std::string_view, 17> kModelled = {
    "script", "before_script", "after_script", "image", "services", "stage", "needs", "dependencies",
    "artifacts", "when", "allow_failure", "retry", "timeout", "parallel", "environment", "variables",
    "tags"};

std::string CellName(const std::string& base, const std::map<std::string, std::string>& cell,
                     const std::vector<std::string>& order) {
  std::string out = base + ": [";
  bool first = true;
  for (const std::string& k : order) {
    auto it = cell.find(k);
    if (it == cell.end()) continue;
    out += (first ? "" : ", ") + it->second;
    first = false;
  }
  return out + "]";
}

class JobReader {
 public:
  JobReader(const std::string& name, const SourceManager& sm, DiagnosticSink& sink)
      : name_(name), sm_(sm), sink_(sink) {}

  void Bad(const Node& n, std::string_view key, std::string_view should) {
    sink_.Report(DiagKind::YamlWrongType, RangeOf(n),
                 fmt::format("jobs:{}:{} config should be {}", name_, key, should));
  }

  // The job body, to place errors about empty values (`key:` with nothing after it).
  void SetBody(const Node* body) { body_ = body; }

  // A null value has no text of its own (YAML places it at the next token): use its key.
  SourceRange RangeOf(const Node& n) const {
    if (!n.IsNull() || !body_) return n.range;
    std::vector<const Node*> todo{body_};
    for (size_t steps = 0; !todo.empty() && steps < 100000; ++steps) {
      const Node* at = todo.back();
      todo.pop_back();
      for (const auto& [k, v] : at->entries) {
        if (v.get() == &n) return k->range;
        if (v->IsMap() || v->IsSeq()) todo.push_back(v.get());
      }
      for (const NodePtr& i : at->items)
        if (i->IsMap() || i->IsSeq()) todo.push_back(i.get());
    }
    return n.range;
  }

  bool IsString(const Node& n) { return n.IsScalar(); }
  bool IsStringArray(const Node& n) {
    return n.IsSeq() && std::all_of(n.items.begin(), n.items.end(), [](const NodePtr& i) { return i->IsScalar(); });
  }

  // Scripts: a string or an array of strings nested up to 10 levels (GitLab flattens them).
  bool Script(const Node& n, std::string_view key, std::vector<const Node*>& out, int depth = 0) {
    if (IsStr(n)) {
      out.push_back(&n);
      return true;
    }
    if (n.IsSeq() && depth < 10) {
      for (const NodePtr& i : n.items)
        if (!i->IsNull() && !Script(*i, key, out, depth + 1)) return false;
      return true;
    }
    Bad(n, key, "a string or a nested array of strings up to 10 levels deep");
    return false;
  }

  void Steps(const Node& body, std::string_view key, GlJob& g) {
    const Node* n = body.Get(key);
    if (!n || n->IsNull()) return;
    std::vector<const Node*> lines;
    if (!Script(*n, key, lines)) return;
    if (key == "script" && (lines.empty() || std::all_of(lines.begin(), lines.end(), [](const Node* l) { return l->scalar.empty(); }))) {
      Bad(*n, key, "a non-empty string or a non-empty array of strings");
      return;
    }
    for (const Node* line : lines) {
      ir::Step s;
      s.kind = ir::Step::Kind::Run;
      s.script.parts.push_back({ir::TextPart::Kind::Literal, line->scalar});
      s.name = std::string(key);
      s.range = line->range;
      g.job.steps.push_back(std::move(s));
      for (const shell::ShellVarRef& ref : shell::ScriptVars(line->scalar)) {
        if (ref.expression) continue;
        g.variable_refs.push_back(ref.name);
        g.variable_ref_ranges.push_back(LocateInScalar(sm_, *line, ref.offset, ref.length));
      }
      ScriptVariableUses(line->scalar, g);
      if (key != "after_script") {
        // Locating a word costs a scan of its line, so a pathological line is read only up
        // to kMaxPathsPerScriptLine paths (documented in docs/lint.md).
        std::vector<ScriptPath> paths = ScriptPaths(line->scalar);
        if (paths.size() > kMaxPathsPerScriptLine) paths.resize(kMaxPathsPerScriptLine);
        for (const ScriptPath& sp : paths)
          g.job.script_paths.push_back({sp.path, sp.writes, LocateInScalar(sm_, *line, sp.offset, sp.length)});
      }
    }
  }

  // Which variables a script line uses as file names, and which lowercase ones it assigns.
  static void ScriptVariableUses(std::string_view script, GlJob& g) {
    auto whole_var = [](const shell::ShellWord& w) -> std::string {  // `$X`, `${X}`, `"$X"`
      if (w.vars.size() != 1 || w.vars[0].expression) return "";
      const std::string& v = w.value;
      const std::string& n = w.vars[0].name;
      return v == "$" + n || v == "${" + n + "}" ? n : "";
    };
    auto lower = [](std::string_view n) {
      return std::none_of(n.begin(), n.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
    };
    auto assigned = [&](const shell::ShellWord& w) {
      size_t eq = w.value.find('=');
      std::string name = w.value.substr(0, eq);
      if (!name.empty() && lower(name) &&
          std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
        g.script_locals.insert(name);
    };
    for (const shell::ShellCommand& c : shell::LexShell(script)) {
      for (const shell::ShellWord& a : c.assignments) assigned(a);
      std::string_view cmd = c.Name();
      if (OneOf(cmd, {"export", "local", "declare", "readonly", "typeset", "read"}))
        for (size_t i = 1; i < c.words.size(); ++i)
          if (!c.words[i].value.starts_with("-")) assigned(c.words[i]);
      bool file_command = OneOf(cmd, {"chmod", "chown", "chgrp", "ssh-add", "cp", "mv", "rm",
                                      "stat", "install", "source", "."});
      bool test = OneOf(cmd, {"[", "[[", "test"});
      for (size_t i = 1; i < c.words.size(); ++i) {
        std::string name = whole_var(c.words[i]);
        if (name.empty()) continue;
        const std::string& prev = c.words[i - 1].value;
        if (file_command || (test && OneOf(prev, {"-f", "-e", "-r", "-s", "-d", "-w"})))
          g.path_vars.insert(name);
      }
    }
  }

  // A YAML string: quoted, or plain and not a number, boolean or null (GitLab reads YAML types).
  static bool IsStr(const Node& n) { return n.IsScalar() && n.TypeName() == "string"; }
  static bool IsNonEmptyStr(const Node& n) { return IsStr(n) && !n.scalar.empty(); }
  static bool IsStrArray(const Node& n, bool non_empty) {
    return n.IsSeq() && (!non_empty || !n.items.empty()) &&
           std::all_of(n.items.begin(), n.items.end(), [](const NodePtr& i) { return IsStr(*i); });
  }

  void Unknown(const Node& key, std::string_view where) {
    sink_.Report(
        DiagKind::YamlUnknownKey, key.range,
        fmt::format("jobs:{}:{} config contains unknown keys: {}", name_, where, key.scalar));
  }
  // Reports every key of the hash `m` that is not in `allowed`.
  void OnlyKeys(const Node& m, std::string_view where,
                std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : m.entries)
      if (!OneOf(k->scalar, allowed)) Unknown(*k, where);
  }
  void Missing(const Node& m, std::string_view where, std::string_view keys) {
    sink_.Report(DiagKind::YamlWrongType, m.range,
                 fmt::format("jobs:{}:{} config missing required keys: {}", name_, where, keys));
  }
  void TooMany(const Node& n, std::string_view where, size_t max) {
    sink_.Report(
        DiagKind::YamlWrongType, n.range,
        fmt::format("jobs:{}:{} config has too many items (maximum is {})", name_, where, max));
  }

  // `pull_policy`: one of always, never, if-not-present, or a non-empty array of them.
  void PullPolicy(const Node& n, const std::string& where) {
    auto ok = [](const Node& x) {
      return IsStr(x) && OneOf(x.scalar, {"always", "never", "if-not-present"});
    };
    bool good = ok(n);
    if (n.IsSeq()) {
      std::set<std::string> seen;
      good = !n.items.empty();
      for (const NodePtr& x : n.items) good &= ok(*x) && seen.insert(x->scalar).second;
    }
    if (!good) Bad(n, where, "one of always, never, if-not-present, or a non-empty array of them");
  }

  // `docker:` / `kubernetes:` executor options of an image or a service.
  void ExecutorOptions(const Node& n, const std::string& where, bool kubernetes) {
    if (!n.IsMap()) return Bad(n, where, "a hash");
    for (const auto& [k, v] : n.entries) {
      if (k->scalar == "user") {
        bool typed = IsStr(*v) || (kubernetes && v->AsInt());
        if (!typed || v->scalar.empty() || v->scalar.size() > 255)
          Bad(*v, where + ":user",
              kubernetes ? "a string or an integer of 1 to 255 characters"
                         : "a string of 1 to 255 characters");
      } else if (k->scalar == "platform" && !kubernetes) {
        if (!IsNonEmptyStr(*v)) Bad(*v, where + ":platform", "a non-empty string");
      } else {
        Unknown(*k, where);
      }
    }
  }

  // Keys an image and a service share; false when `key` is none of them.
  bool ImageOption(const Node& key, const Node& v, const std::string& where) {
    const std::string& k = key.scalar;
    if (k == "entrypoint") {
      if (!IsStrArray(v, true)) Bad(v, where + ":entrypoint", "a non-empty array of strings");
    } else if (k == "pull_policy") {
      PullPolicy(v, where + ":pull_policy");
    } else if (k == "docker" || k == "kubernetes") {
      ExecutorOptions(v, where + ":" + k, k == "kubernetes");
    } else {
      return false;
    }
    return true;
  }

  void Image(const Node& n, GlJob& g) {
    if (IsNonEmptyStr(n)) {
      g.job.image.parts.push_back({ir::TextPart::Kind::Literal, n.scalar});
    } else if (n.IsMap()) {
      const Node* name = n.Get("name");
      if (!name)
        Missing(n, "image", "name");
      else if (!IsNonEmptyStr(*name))
        Bad(*name, "image:name", "a non-empty string");
      else
        g.job.image.parts.push_back({ir::TextPart::Kind::Literal, name->scalar});
      for (const auto& [k, v] : n.entries)
        if (k->scalar != "name" && k->scalar != "ports" && !ImageOption(*k, *v, "image"))
          Unknown(*k, "image");
    } else {
      Bad(n, "image", "a hash or a non-empty string");
    }
  }

  void Services(const Node& n, GlJob& g) {
    if (!n.IsSeq()) return Bad(n, "services", "an array of strings or hashes");
    for (const NodePtr& s : n.items) {
      if (IsNonEmptyStr(*s)) {
        g.job.services.push_back(s->scalar);
        continue;
      }
      if (!s->IsMap()) {
        Bad(*s, "services", "an array of non-empty strings or hashes");
        continue;
      }
      const Node* name = s->Get("name");
      if (!name)
        Missing(*s, "services", "name");
      else if (!IsNonEmptyStr(*name))
        Bad(*name, "services:name", "a non-empty string");
      else
        g.job.services.push_back(name->scalar);
      for (const auto& [k, v] : s->entries) {
        const std::string& key = k->scalar;
        if (key == "name" || key == "ports" || ImageOption(*k, *v, "services")) continue;
        if (key == "alias") {
          if (!IsNonEmptyStr(*v)) Bad(*v, "services:alias", "a non-empty string");
        } else if (key == "command") {
          std::vector<const Node*> lines;
          if (Script(*v, "services:command", lines) && lines.empty())
            Bad(*v, "services:command", "a non-empty string or a non-empty array of strings");
        } else if (key == "variables") {
          ReadGitLabVariables(*v, fmt::format("jobs:{}:services:variables", name_), sink_);
        } else {
          Unknown(*k, "services");
        }
      }
    }
  }

  // `secrets:`: each secret names a provider GitLab knows, with its required keys.
  void Secrets(const Node& n) {
    if (!n.IsMap()) return Bad(n, "secrets", "a hash");
    for (const auto& [sk, sv] : n.entries) {
      const std::string where = "secrets:" + sk->scalar;
      if (!sv->IsMap()) {
        Bad(*sv, where, "a hash");
        continue;
      }
      bool provider = false;
      for (const auto& [k, v] : sv->entries) {
        const std::string& key = k->scalar;
        const std::string at = where + ":" + key;
        if (key == "vault") {
          provider = true;
          if (IsStr(*v)) continue;
          if (!v->IsMap()) {
            Bad(*v, at, "a string or a hash");
            continue;
          }
          OnlyKeys(*v, at, {"engine", "path", "field"});
          for (std::string_view req : {"engine", "path", "field"})
            if (!v->Has(req)) Missing(*v, at, req);
          if (const Node* e = v->Get("engine")) {
            if (!e->IsMap())
              Bad(*e, at + ":engine", "a hash");
            else {
              OnlyKeys(*e, at + ":engine", {"name", "path"});
              for (std::string_view req : {"name", "path"})
                if (!e->Has(req)) Missing(*e, at + ":engine", req);
            }
          }
          for (std::string_view str : {"path", "field"})
            if (const Node* x = v->Get(str); x && !IsStr(*x))
              Bad(*x, fmt::format("{}:{}", at, str), "a string");
        } else if (key == "azure_key_vault" || key == "gcp_secret_manager" ||
                   key == "gitlab_secrets_manager" || key == "aws_secrets_manager") {
          provider = true;
          if (key == "aws_secrets_manager" && IsStr(*v)) continue;
          if (!v->IsMap()) {
            Bad(*v, at, "a hash");
            continue;
          }
          const std::string_view required = key == "aws_secrets_manager" ? "secret_id" : "name";
          if (key == "azure_key_vault")
            OnlyKeys(*v, at, {"name", "version"});
          else if (key == "gcp_secret_manager")
            OnlyKeys(*v, at, {"name", "version"});
          else if (key == "gitlab_secrets_manager")
            OnlyKeys(*v, at, {"name", "source"});
          else
            OnlyKeys(*v, at,
                     {"secret_id", "version_id", "version_stage", "region", "role_arn",
                      "role_session_name", "field"});
          const Node* r = v->Get(required);
          if (!r)
            Missing(*v, at, required);
          else if (!IsStr(*r))
            Bad(*r, fmt::format("{}:{}", at, required), "a string");
        } else if (key == "akeyless") {  // an experiment in GitLab: its keys are not checked
          provider = true;
          if (!v->IsMap()) Bad(*v, at, "a hash");
        } else if (key == "file") {
          if (!v->AsBool()) Bad(*v, at, "a boolean value");
        } else if (key == "token") {
          if (!IsStr(*v)) Bad(*v, at, "a string");
        } else {
          Unknown(*k, where);
        }
      }
      if (!provider)
        sink_.Report(DiagKind::YamlWrongType, sv->range,
                     fmt::format("jobs:{}:{} config must use one of: vault, azure_key_vault, "
                                 "gcp_secret_manager, aws_secrets_manager, gitlab_secrets_manager, "
                                 "akeyless",
                                 name_, where));
      if (sv->Has("gcp_secret_manager") && !sv->Has("token")) Missing(*sv, where, "token");
    }
  }

  // `id_tokens:`: each token has an `aud`, a string or a non-empty array of unique strings.
  void IdTokens(const Node& n) {
    if (!n.IsMap()) return Bad(n, "id_tokens", "a hash");
    for (const auto& [tk, tv] : n.entries) {
      const std::string where = "id_tokens:" + tk->scalar;
      if (!tv->IsMap()) {
        Bad(*tv, where, "a hash");
        continue;
      }
      OnlyKeys(*tv, where, {"aud"});
      const Node* aud = tv->Get("aud");
      if (!aud) {
        Missing(*tv, where, "aud");
        continue;
      }
      std::set<std::string> seen;
      bool ok = IsStr(*aud) || IsStrArray(*aud, true);
      if (aud->IsSeq())
        for (const NodePtr& a : aud->items) ok &= seen.insert(a->scalar).second;
      if (!ok) Bad(*aud, where + ":aud", "a string or a non-empty array of unique strings");
    }
  }

  // `run:` steps (GitLab's step runner): each has a `name` and either a `script` or a
  // `step`/`func` (or `action`) reference.
  void Run(const Node& n) {
    if (!n.IsSeq()) return Bad(n, "run", "an array of steps");
    auto name_ok = [](const std::string& s) {
      return !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
             std::all_of(s.begin(), s.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
             });
    };
    for (const NodePtr& step : n.items) {
      if (!step->IsMap()) {
        Bad(*step, "run", "an array of hashes");
        continue;
      }
      const Node* name = step->Get("name");
      if (!name)
        Missing(*step, "run", "name");
      else if (!IsStr(*name) || !name_ok(name->scalar))
        Bad(*name, "run:name",
            "a name of letters, digits and underscores, not starting with a digit");
      std::vector<std::string> kinds;
      for (std::string_view k : {"script", "step", "func", "action"})
        if (step->Has(k)) kinds.emplace_back(k);
      if (kinds.size() != 1) {
        Bad(*step, "run", "steps with exactly one of script, step, func or action");
      }
      bool script = kinds.size() == 1 && kinds[0] == "script";
      for (const auto& [k, v] : step->entries) {
        const std::string& key = k->scalar;
        if (key == "name") continue;
        if (key == "script") {
          if (!IsNonEmptyStr(*v)) Bad(*v, "run:script", "a non-empty string");
        } else if (key == "step" || key == "func") {
          StepReference(*v, "run:" + key);
        } else if (key == "action") {
          if (!IsNonEmptyStr(*v)) Bad(*v, "run:action", "a non-empty string");
        } else if (key == "env" || (key == "inputs" && !script)) {
          if (!v->IsMap()) {
            Bad(*v, "run:" + key, "a hash");
            continue;
          }
          for (const auto& [ek, ev] : v->entries) {
            if (!name_ok(ek->scalar))
              Bad(*ek, "run:" + key, "a hash whose keys are letters, digits and underscores");
            else if (key == "env" && !ev->IsScalar())
              Bad(*ev, "run:env:" + ek->scalar, "a string");
          }
        } else {
          Unknown(*k, "run");
        }
      }
    }
  }

  // `step:` / `func:` of a run step: a string, `{git: {url, rev, dir?, file?}}` or
  // `{oci: {registry, repository, tag, dir?, file?}}`.
  void StepReference(const Node& n, const std::string& where) {
    if (IsNonEmptyStr(n)) return;
    const Node* git = n.IsMap() ? n.Get("git") : nullptr;
    const Node* oci = n.IsMap() ? n.Get("oci") : nullptr;
    if (!n.IsMap() || (git == nullptr) == (oci == nullptr))
      return Bad(n, where, "a string, or a hash with git or oci");
    OnlyKeys(n, where, {git ? "git" : "oci"});
    const Node& ref = git ? *git : *oci;
    const std::string at = where + (git ? ":git" : ":oci");
    if (!ref.IsMap()) return Bad(ref, at, "a hash");
    if (git)
      OnlyKeys(ref, at, {"url", "dir", "rev", "file"});
    else
      OnlyKeys(ref, at, {"registry", "repository", "tag", "dir", "file"});
    std::vector<std::string_view> required =
        git ? std::vector<std::string_view>{"url", "rev"}
            : std::vector<std::string_view>{"registry", "repository", "tag"};
    for (std::string_view r : required)
      if (!ref.Has(r)) Missing(ref, at, r);
    for (const auto& [k, v] : ref.entries)
      if (!v->IsScalar()) Bad(*v, at + ":" + k->scalar, "a string");
  }

  void Needs(const Node& n, GlJob& g) {
    g.has_needs = true;
    g.needs_range = n.range;
    if (!n.IsSeq()) return Bad(n, "needs", "an array of strings or hashes");
    for (const NodePtr& item : n.items) {
      GlNeed need;
      need.range = item->range;
      if (item->IsScalar()) {
        need.job = item->scalar;
      } else if (item->IsMap()) {
        const Node* job = item->Get("job");
        if (item->Has("pipeline") || item->Has("project")) need.external = true;
        // A need on another pipeline names its job; one on another project also its ref.
        if (item->Has("project") && !item->Has("ref")) Missing(*item, "needs", "ref");
        if (!job || !job->IsScalar()) {
          if (!need.external) Bad(*item, "needs", "a string or a hash with a job");
          else if (!job)
            Missing(*item, "needs", "job");
          else
            Bad(*job, "needs:job", "a string");
          continue;
        }
        need.job = job->scalar;
        need.range = job->range;
        if (const Node* a = item->Get("artifacts")) {
          if (!a->AsBool()) Bad(*a, "needs:artifacts", "a boolean value");
          else need.artifacts = *a->AsBool(), need.artifacts_explicit = *a->AsBool();
        }
        if (const Node* o = item->Get("optional")) {
          if (!o->AsBool()) Bad(*o, "needs:optional", "a boolean value");
          else need.optional = *o->AsBool();
        }
        if (const Node* p = item->Get("parallel")) {
          const Node* m = p->Get("matrix");
          if (!p->IsMap() || !m || !m->IsSeq()) Bad(*p, "needs:parallel", "a hash with a matrix array");
          else
            for (const NodePtr& cell : m->items)
              if (!cell->IsMap()) Bad(*cell, "needs:parallel:matrix", "an array of hashes");
        }
        for (const auto& [k, v] : item->entries)
          if (!OneOf(k->scalar,
                     {"job", "artifacts", "optional", "parallel", "pipeline", "project", "ref"}))
            sink_.Report(DiagKind::YamlUnknownKey, k->range,
                         fmt::format("jobs:{}:needs config contains unknown keys: {}", name_, k->scalar));
      } else {
        Bad(*item, "needs", "a string or a hash");
        continue;
      }
      g.needs.push_back(std::move(need));
    }
  }

  void Dependencies(const Node& n, GlJob& g) {
    // GitLab validates `dependencies` with allow_nil (lib/gitlab/ci/config/entry/job.rb):
    // `dependencies:` without a value is the same as no key (every earlier job's artifacts).
    if (n.IsNull()) return;
    g.has_dependencies = true;
    if (!IsStringArray(n)) return Bad(n, "dependencies", "an array of strings");
    for (const NodePtr& d : n.items) g.dependencies.push_back({d->scalar, true, true, false, false, d->range});
  }

  void Artifacts(const Node& n, GlJob& g) {
    if (!n.IsMap()) return Bad(n, "artifacts", "a hash");
    std::optional<int64_t> expire;
    if (const Node* e = n.Get("expire_in")) {
      if (!e->IsScalar()) Bad(*e, "artifacts:expire_in", "a duration");
      else if (e->scalar != "never" && !(expire = ParseGitLabDuration(e->scalar)))
        Bad(*e, "artifacts:expire_in", "a duration such as '30 days' or '1h 30m'");
    }
    for (const auto& [k, v] : n.entries) {
      const std::string& key = k->scalar;
      if (key == "paths" || key == "exclude") {
        if (!IsStringArray(*v)) Bad(*v, "artifacts:" + key, "an array of strings");
        else if (key == "paths")
          for (const NodePtr& p : v->items) {
            ir::Output o;
            o.name = p->scalar;
            o.kind = !p->scalar.empty() && p->scalar.back() == '/' ? ir::OutputKind::Dir : ir::OutputKind::File;
            o.path = p->scalar;
            o.expire_seconds = expire;
            o.range = p->range;
            g.job.outputs.push_back(std::move(o));
          }
      } else if (key == "when") {
        if (!v->IsScalar() || !OneOf(v->scalar, {"on_success", "on_failure", "always"}))
          Bad(*v, "artifacts:when", "one of: on_success, on_failure, always");
      } else if (key == "untracked" || key == "public") {
        if (!v->AsBool()) Bad(*v, "artifacts:" + key, "a boolean value");
      } else if (key == "access") {
        if (!v->IsScalar() || !OneOf(v->scalar, {"all", "developer", "maintainer", "none"}))
          Bad(*v, "artifacts:access", "one of: all, developer, maintainer, none");
      } else if (key == "name" || key == "expose_as") {
        if (!v->IsScalar()) Bad(*v, "artifacts:" + key, "a string");
      } else if (key == "reports") {
        Reports(*v, g, expire);
      } else if (key != "expire_in") {
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("jobs:{}:artifacts config contains unknown keys: {}", name_, key));
      }
    }
  }

  void Reports(const Node& n, GlJob& g, std::optional<int64_t> expire) {
    if (!n.IsMap()) return Bad(n, "artifacts:reports", "a hash");
    for (const auto& [k, v] : n.entries) {
      std::optional<ir::OutputKind> kind;
      if (k->scalar == "junit") kind = ir::OutputKind::Junit;
      else if (k->scalar == "dotenv") kind = ir::OutputKind::Dotenv;
      else if (k->scalar == "codequality") kind = ir::OutputKind::Codequality;
      else if (k->scalar == "coverage_report") kind = ir::OutputKind::Coverage;
      if (!OneOf(k->scalar, {"accessibility",
                             "annotations",
                             "api_fuzzing",
                             "browser_performance",
                             "cluster_image_scanning",
                             "codequality",
                             "container_scanning",
                             "coverage_fuzzing",
                             "coverage_report",
                             "cyclonedx",
                             "dast",
                             "dependency_scanning",
                             "dotenv",
                             "junit",
                             "license_management",
                             "license_scanning",
                             "load_performance",
                             "lsif",
                             "metrics",
                             "performance",
                             "repository_xray",
                             "requirements",
                             "requirements_v2",
                             "sarif",
                             "sast",
                             "secret_detection",
                             "terraform"})) {
        Unknown(*k, "artifacts:reports");
        continue;
      }
      std::vector<const Node*> files;
      if (k->scalar == "coverage_report") {
        // `{coverage_format: cobertura | jacoco, path: FILE}`.
        if (!v->IsMap()) {
          Bad(*v, "artifacts:reports:coverage_report", "a hash with coverage_format and path");
          continue;
        }
        OnlyKeys(*v, "artifacts:reports:coverage_report", {"coverage_format", "path"});
        const Node* format = v->Get("coverage_format");
        const Node* path = v->Get("path");
        if (!format || !path)
          Missing(*v, "artifacts:reports:coverage_report", !format ? "coverage_format" : "path");
        if (format && (!format->IsScalar() || !OneOf(format->scalar, {"cobertura", "jacoco"})))
          Bad(*format, "artifacts:reports:coverage_report:coverage_format",
              "one of: cobertura, jacoco");
        if (path && !IsNonEmptyStr(*path))
          Bad(*path, "artifacts:reports:coverage_report:path", "a non-empty string");
        else if (path)
          files.push_back(path);
      } else if (v->IsScalar())
        files.push_back(v.get());
      else if (IsStringArray(*v))
        for (const NodePtr& f : v->items) files.push_back(f.get());
      else {
        Bad(*v, "artifacts:reports:" + k->scalar, "a string or an array of strings");
        continue;
      }
      if (!kind) continue;  // other report types: kept raw
      for (const Node* f : files) {
        ir::Output o;
        o.name = k->scalar;
        o.kind = *kind;
        o.path = f->scalar;
        o.expire_seconds = expire;
        o.range = f->range;
        g.job.outputs.push_back(std::move(o));
      }
    }
  }

  void Cache(const Node& n) {
    std::vector<const Node*> caches;
    // A list of caches may nest (`cache: [*anchor_of_a_list]`, as gitlab-org's own configs
    // do): GitLab flattens it, like scripts.
    std::function<void(const Node&, int)> flatten = [&](const Node& list, int depth) {
      for (const NodePtr& c : list.items) {
        if (c->IsSeq() && depth < 10) flatten(*c, depth + 1);
        else caches.push_back(c.get());
      }
    };
    if (n.IsMap()) caches.push_back(&n);
    else if (n.IsSeq()) flatten(n, 0);
    else return Bad(n, "cache", "a hash or an array of hashes");
    for (const Node* c : caches) {
      if (!c->IsMap()) {
        Bad(*c, "cache", "a hash");
        continue;
      }
      for (const auto& [k, v] : c->entries) {
        const std::string& key = k->scalar;
        if (key == "key") {
          if (v->IsMap()) {
            // cache:key:files allows 2 files (10 behind GitLab's increase_ci_cache_key_files_limit
            // flag, off by default); files_commits allows 2.
            for (std::string_view list : {"files", "files_commits"}) {
              const Node* files = v->Get(list);
              const std::string at = fmt::format("cache:key:{}", list);
              if (!files) continue;
              if (!IsStrArray(*files, true))
                Bad(*files, at, "a non-empty array of strings");
              else if (files->items.size() > 2)
                TooMany(*files, at, 2);
            }
            if (const Node* p = v->Get("prefix"); p && !p->IsScalar()) Bad(*p, "cache:key:prefix", "a string");
            OnlyKeys(*v, "cache:key", {"files", "files_commits", "prefix"});
          } else if (!v->IsScalar()) {
            Bad(*v, "cache:key", "a string or a hash");
          } else if (v->scalar.find('/') != std::string::npos || v->scalar == "." || v->scalar == "..") {
            Bad(*v, "cache:key", "a string without '/' and not '.' or '..'");
          }
        } else if (key == "paths" || key == "fallback_keys") {
          if (!IsStringArray(*v)) Bad(*v, "cache:" + key, "an array of strings");
          else if (key == "fallback_keys" && v->items.size() > 5)
            TooMany(*v, "cache:fallback_keys", 5);
        } else if (key == "policy") {
          if (!v->IsScalar() || (!OneOf(v->scalar, {"pull", "push", "pull-push"}) &&
                                 v->scalar.find('$') == std::string::npos))
            Bad(*v, "cache:policy", "one of: pull, push, pull-push");
        } else if (key == "when") {
          if (!v->IsScalar() || !OneOf(v->scalar, {"on_success", "on_failure", "always"}))
            Bad(*v, "cache:when", "one of: on_success, on_failure, always");
        } else if (key == "untracked" || key == "unprotect") {
          if (!v->AsBool()) Bad(*v, "cache:" + key, "a boolean value");
        } else {
          sink_.Report(DiagKind::YamlUnknownKey, k->range,
                       fmt::format("jobs:{}:cache config contains unknown keys: {}", name_, key));
        }
      }
    }
  }

  void Rules(const Node& n) {
    if (n.IsNull()) return;
    if (!n.IsSeq()) return Bad(n, "rules", "an array of hashes");
    for (const NodePtr& r : n.items) {
      if (r->IsSeq()) {  // nested arrays (from !reference) are flattened by GitLab
        Rules(*r);
        continue;
      }
      if (!r->IsMap()) {
        Bad(*r, "rules", "an array of hashes");
        continue;
      }
      for (const auto& [k, v] : r->entries) {
        const std::string& key = k->scalar;
        if (key == "when") {
          if (!v->IsScalar() || !OneOf(v->scalar, {"on_success", "on_failure", "always", "manual",
                                                   "delayed", "never"}))
            Bad(*v, "rules:when", "one of: on_success, on_failure, always, manual, delayed, never");
        } else if (key == "if" || key == "start_in") {
          if (!v->IsScalar()) Bad(*v, "rules:" + key, "a string");
        } else if (key == "changes" || key == "exists") {
          if (!v->IsSeq() && !v->IsMap() && !v->IsScalar()) Bad(*v, "rules:" + key, "an array of strings or a hash");
          else if (v->IsMap()) {
            if (key == "changes")
              OnlyKeys(*v, "rules:changes", {"paths", "compare_to", "regexp"});
            else
              OnlyKeys(*v, "rules:exists", {"paths", "project", "ref", "regexp"});
            for (const auto& [ck, cv] : v->entries) {
              if (ck->scalar == "paths" && !IsStringArray(*cv))
                Bad(*cv, fmt::format("rules:{}:paths", key), "an array of strings");
              else if (ck->scalar != "paths" && !IsStr(*cv))
                Bad(*cv, fmt::format("rules:{}:{}", key, ck->scalar), "a string");
            }
          }
        } else if (key == "allow_failure" || key == "interruptible") {
          if (!v->AsBool() && !(key == "allow_failure" && v->IsMap())) Bad(*v, "rules:" + key, "a boolean value");
        } else if (key == "variables") {
          if (!v->IsMap()) Bad(*v, "rules:variables", "a hash");
        } else if (key == "needs") {
          RulesNeeds(*v);
        } else {
          sink_.Report(DiagKind::YamlUnknownKey, k->range,
                       fmt::format("jobs:{}:rules config contains unknown keys: {}", name_, key));
        }
      }
    }
  }

  // `rules:needs`: job names, or hashes of job (required), artifacts and optional; needs on
  // other pipelines or projects are not allowed here.
  void RulesNeeds(const Node& n) {
    if (!n.IsSeq()) return Bad(n, "rules:needs", "an array of strings or hashes");
    for (const NodePtr& item : n.items) {
      if (IsNonEmptyStr(*item)) continue;
      if (!item->IsMap()) {
        Bad(*item, "rules:needs", "an array of job names or hashes with a job");
        continue;
      }
      OnlyKeys(*item, "rules:needs", {"job", "artifacts", "optional"});
      const Node* job = item->Get("job");
      if (!job)
        Missing(*item, "rules:needs", "job");
      else if (!IsNonEmptyStr(*job))
        Bad(*job, "rules:needs:job", "a non-empty string");
      for (std::string_view b : {"artifacts", "optional"})
        if (const Node* x = item->Get(b); x && !x->AsBool())
          Bad(*x, fmt::format("rules:needs:{}", b), "a boolean value");
    }
  }

  void OnlyExcept(const Node& n, std::string_view key) {
    if (n.IsNull() || n.IsScalar() || IsStringArray(n)) return;
    if (!n.IsMap()) return Bad(n, key, "an array of strings or a hash");
    for (const auto& [k, v] : n.entries)
      if (!OneOf(k->scalar, {"refs", "variables", "changes", "kubernetes"}))
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("jobs:{}:{} config contains unknown keys: {}", name_, key, k->scalar));
  }

  void Parallel(const Node& n, GlJob& g) {
    if (auto count = n.AsInt()) {
      if (*count < 1 || *count > 200) {
        sink_.Report(DiagKind::GlMatrix, n.range,
                     fmt::format("jobs:{}:parallel config must be greater than or equal to 1 and less than or equal to 200", name_));
        return;
      }
      g.parallel_count = static_cast<int>(*count);
      return;
    }
    const Node* m = n.IsMap() ? n.Get("matrix") : nullptr;
    if (!m || !m->IsSeq()) return Bad(n, "parallel", "an integer or a hash with a matrix array");
    for (const NodePtr& entry : m->items) {
      if (!entry->IsMap() || entry->entries.empty()) {
        Bad(*entry, "parallel:matrix", "an array of hashes");
        continue;
      }
      // Cartesian product of this entry's variables (scalars or arrays of scalars).
      std::vector<std::map<std::string, std::string>> cells{{}};
      for (const auto& [k, v] : entry->entries) {
        std::vector<std::string> values;
        if (v->IsScalar()) values.push_back(v->scalar);
        else if (IsStringArray(*v)) for (const NodePtr& x : v->items) values.push_back(x->scalar);
        else {
          Bad(*v, "parallel:matrix", "a hash of strings or arrays of strings");
          return;
        }
        std::vector<std::map<std::string, std::string>> next;
        for (const auto& c : cells)
          for (const std::string& x : values) {
            auto cell = c;
            cell[k->scalar] = x;
            next.push_back(std::move(cell));
            if (next.size() + g.cells.size() > 200) {
              sink_.Report(DiagKind::GlMatrix, m->range,
                           fmt::format("jobs:{}:parallel:matrix config generates too many jobs (maximum is 200)", name_));
              g.cells.clear();
              g.cell_names.clear();
              return;
            }
          }
        cells = std::move(next);
      }
      // GitLab names a cell "job: [v1, v2]" in the entry's key order.
      std::vector<std::string> order;
      for (const auto& [k, v] : entry->entries) order.push_back(k->scalar);
      for (auto& c : cells) {
        g.cell_names.push_back(CellName(name_, c, order));
        g.cells.push_back(std::move(c));
      }
    }
  }

  // GitLab's environment names: letters, digits, spaces and - _ / $ { } . ; not starting or
  // ending with '/'.
  void EnvironmentName(const Node& n) {
    const std::string& v = n.scalar;
    if (!IsNonEmptyStr(n)) return Bad(n, "environment:name", "a non-empty string");
    bool ok = v.front() != '/' && v.back() != '/' && std::all_of(v.begin(), v.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) ||
                       std::string_view(" -_/${}.").find(c) != std::string_view::npos;
              });
    if (!ok)
      sink_.Report(DiagKind::YamlWrongType, n.range,
                   fmt::format("jobs:{}:environment name can contain only letters, digits, '-', "
                               "'_', '/', '$', '{{', "
                               "'}}', '.', and spaces, but it cannot start or end with '/'",
                               name_));
    else if (v.size() > 255)
      sink_.Report(
          DiagKind::YamlWrongType, n.range,
          fmt::format("jobs:{}:environment name is too long (maximum is 255 characters)", name_));
  }

  void Environment(const Node& n, GlJob& g) {
    ir::Environment env;
    env.range = n.range;
    if (n.IsScalar()) {
      EnvironmentName(n);
      env.name = n.scalar;
    } else if (n.IsMap()) {
      const Node* name = n.Get("name");
      if (!name) {
        Missing(n, "environment", "name");
        return;
      }
      if (!name->IsScalar()) return Bad(*name, "environment:name", "a string");
      EnvironmentName(*name);
      env.name = name->scalar;
      if (const Node* url = n.Get("url"); url && url->IsScalar()) env.url = url->scalar;
      for (const auto& [k, v] : n.entries) {
        const std::string& key = k->scalar;
        if (key == "name") continue;
        if (key == "action") {
          if (!v->IsScalar() || !OneOf(v->scalar, {"start", "prepare", "stop", "verify", "access"}))
            Bad(*v, "environment:action", "one of: start, prepare, stop, verify, access");
        } else if (key == "deployment_tier") {
          if (!v->IsScalar() ||
              !OneOf(v->scalar, {"production", "staging", "testing", "development", "other"}))
            Bad(*v, "environment:deployment_tier",
                "one of: production, staging, testing, development, other");
        } else if (key == "url" || key == "on_stop") {
          if (!IsStr(*v)) Bad(*v, "environment:" + key, "a string");
        } else if (key == "auto_stop_in") {
          if (!IsStr(*v) || (v->scalar != "never" && v->scalar.find('$') == std::string::npos &&
                             !ParseGitLabDuration(v->scalar)))
            Bad(*v, "environment:auto_stop_in", "a duration such as '1 day', or never");
        } else if (key == "kubernetes") {
          if (!v->IsMap())
            Bad(*v, "environment:kubernetes", "a hash");
          else if (const Node* ns = v->Get("namespace"); ns && !IsNonEmptyStr(*ns))
            Bad(*ns, "environment:kubernetes:namespace", "a non-empty string");
        } else {
          Unknown(*k, "environment");
        }
      }
    } else {
      return Bad(n, "environment", "a string or a hash");
    }
    g.job.environment = env;
  }

  // `release:` needs tag_name and description; assets:links have a name and a url.
  void Release(const Node& n) {
    if (!n.IsMap()) return Bad(n, "release", "a hash");
    for (std::string_view req : {"tag_name", "description"})
      if (!n.Has(req)) Missing(n, "release", req);
    for (const auto& [k, v] : n.entries) {
      const std::string& key = k->scalar;
      const std::string at = "release:" + key;
      if (key == "tag_name" || key == "description") {
        if (!IsNonEmptyStr(*v)) Bad(*v, at, "a non-empty string");
      } else if (OneOf(key, {"tag_message", "name", "ref", "released_at"})) {
        if (!IsStr(*v)) Bad(*v, at, "a string");
      } else if (key == "milestones") {
        if (!IsStrArray(*v, false)) Bad(*v, at, "an array of strings");
      } else if (key == "assets") {
        if (!v->IsMap()) {
          Bad(*v, at, "a hash");
          continue;
        }
        OnlyKeys(*v, at, {"links"});
        const Node* links = v->Get("links");
        if (!links)
          Missing(*v, at, "links");
        else if (!links->IsSeq() || links->items.empty())
          Bad(*links, at + ":links", "a non-empty array of hashes");
        else
          for (const NodePtr& l : links->items) {
            if (!l->IsMap()) {
              Bad(*l, at + ":links", "an array of hashes");
              continue;
            }
            OnlyKeys(*l, at + ":links", {"name", "url", "filepath", "link_type"});
            for (std::string_view req : {"name", "url"})
              if (!l->Has(req)) Missing(*l, at + ":links", req);
            if (const Node* t = l->Get("link_type");
                t &&
                (!t->IsScalar() || !OneOf(t->scalar, {"runbook", "package", "image", "other"})))
              Bad(*t, at + ":links:link_type", "one of: runbook, package, image, other");
          }
      } else {
        Unknown(*k, "release");
      }
    }
  }

  void Trigger(const Node& n, GlJob& g) {
    ir::TriggerJob t;
    t.range = n.range;
    if (n.IsScalar()) {
      t.kind = ir::TriggerJob::Kind::Project;
      if (!IsProjectPath(n))
        Bad(n, "trigger", "a full project path such as group/project, or a hash");
      else
        t.target = n.scalar;
    } else if (n.IsMap()) {
      if (const Node* p = n.Get("project")) {
        t.kind = ir::TriggerJob::Kind::Project;
        if (!IsProjectPath(*p))
          Bad(*p, "trigger:project", "a full project path such as group/project");
        else t.target = p->scalar;
        if (const Node* b = n.Get("branch"); b && b->IsScalar()) t.branch = b->scalar;
        OnlyKeys(n, "trigger", {"project", "branch", "strategy", "inputs", "forward"});
      } else if (const Node* inc = n.Get("include")) {
        t.kind = ir::TriggerJob::Kind::Pipeline;
        TriggerInclude(*inc, t);
        OnlyKeys(n, "trigger", {"include", "strategy", "forward"});
      } else {
        return Bad(n, "trigger", "a hash with project or include");
      }
      if (const Node* s = n.Get("strategy");
          s && (!s->IsScalar() || !OneOf(s->scalar, {"depend", "mirror"})))
        Bad(*s, "trigger:strategy", "one of: depend, mirror");
      if (const Node* f = n.Get("forward")) {
        if (!f->IsMap())
          Bad(*f, "trigger:forward", "a hash");
        else
          for (const auto& [k, v] : f->entries)
            if (!OneOf(k->scalar, {"yaml_variables", "pipeline_variables"}))
              Unknown(*k, "trigger:forward");
            else if (!v->AsBool())
              Bad(*v, "trigger:forward:" + k->scalar, "a boolean value");
      }
      if (const Node* i = n.Get("inputs")) Inputs(*i, "trigger:inputs");
    } else {
      return Bad(n, "trigger", "a string or a hash");
    }
    g.job.trigger = t;
  }

  static bool IsProjectPath(const Node& n) { return IsGitLabProjectPath(n); }

  static bool IsYamlFile(const Node& n) {
    if (!IsStr(n)) return false;
    const std::string& s = n.scalar;
    auto ends = [&](std::string_view x) {
      return s.size() > x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
    };
    return ends(".yml") || ends(".yaml");
  }

  // `trigger:include`: a file name, or at most 3 of local, template, artifact+job, project+file,
  // component or remote.
  void TriggerInclude(const Node& inc, ir::TriggerJob& t) {
    const std::string where = "trigger:include";
    if (inc.IsScalar()) {
      if (!IsYamlFile(inc))
        Bad(inc, where, "a path to a .yml or .yaml file");
      else
        t.target = inc.scalar;
      return;
    }
    std::vector<const Node*> items;
    if (inc.IsMap())
      items.push_back(&inc);
    else if (inc.IsSeq())
      for (const NodePtr& i : inc.items) items.push_back(i.get());
    else
      return Bad(inc, where, "a string or an array of hashes");
    if (items.size() > 3) TooMany(inc, where, 3);
    for (const Node* item : items) {
      if (!item->IsMap()) {
        Bad(*item, where,
            "a hash with one of local, template, artifact, project, component or remote");
        continue;
      }
      const char* kind = nullptr;
      for (const char* k : {"local", "template", "artifact", "project", "component", "remote"})
        if (item->Has(k)) {
          kind = k;
          break;
        }
      if (!kind) {
        if (item->Has("file"))
          Missing(*item, where, "project");
        else
          Bad(*item, where,
              "a hash with one of local, template, artifact, project, component or remote");
        continue;
      }
      std::string k = kind;
      if (k == "local")
        OnlyKeys(*item, where, {"local", "inputs"});
      else if (k == "template")
        OnlyKeys(*item, where, {"template", "inputs"});
      else if (k == "artifact")
        OnlyKeys(*item, where, {"artifact", "job", "inputs"});
      else if (k == "project")
        OnlyKeys(*item, where, {"project", "ref", "file", "inputs"});
      else if (k == "component")
        OnlyKeys(*item, where, {"component", "inputs"});
      else
        OnlyKeys(*item, where, {"remote", "inputs"});
      const Node& v = *item->Get(k);
      if (k == "project") {
        if (!IsProjectPath(v))
          Bad(v, where + ":project", "a full project path such as group/project");
        const Node* file = item->Get("file");
        if (!file)
          Missing(*item, where, "file");
        else if (!IsYamlFile(*file))
          Bad(*file, where + ":file", "a path to a .yml or .yaml file");
        if (const Node* ref = item->Get("ref"); ref && !IsNonEmptyStr(*ref))
          Bad(*ref, where + ":ref", "a non-empty string");
      } else if (k == "component") {
        if (!IsNonEmptyStr(v)) Bad(v, where + ":component", "a non-empty string");
      } else if (k == "remote") {
        if (!IsYamlFile(v) ||
            (v.scalar.rfind("http://", 0) != 0 && v.scalar.rfind("https://", 0) != 0))
          Bad(v, where + ":remote", "an http(s) URL of a .yml or .yaml file");
      } else {
        if (!IsYamlFile(v)) Bad(v, where + ":" + k, "a path to a .yml or .yaml file");
        if (k == "artifact") {
          const Node* job = item->Get("job");
          if (!job)
            Missing(*item, where, "job");
          else if (!IsStr(*job))
            Bad(*job, where + ":job", "a string");
        }
      }
      if (k == "local" && t.target.empty() && IsStr(v)) t.target = v.scalar;
      if (const Node* i = item->Get("inputs")) Inputs(*i, where + ":inputs");
    }
  }

  void Inputs(const Node& n, const std::string& where) {
    CheckGitLabInputValues(n, fmt::format("jobs:{}:{}", name_, where), sink_);
  }

 private:
  const Node* body_ = nullptr;
  const std::string& name_;
  const SourceManager& sm_;
  DiagnosticSink& sink_;
};

}  // namespace

std::vector<GlVariable> ReadGitLabVariables(const Node& node, const std::string& where, DiagnosticSink& sink) {
  std::vector<GlVariable> out;
  if (node.IsNull()) return out;
  if (!node.IsMap()) {
    sink.Report(DiagKind::YamlWrongType, node.range, fmt::format("{} config should be a hash of key value pairs", where));
    return out;
  }
  for (const auto& [k, v] : node.entries) {
    GlVariable var;
    var.name = k->scalar;
    var.range = k->range;
    if (v->IsScalar() || v->IsNull()) {
      var.value = v->scalar;
    } else if (v->IsMap()) {
      for (const auto& [ok, ov] : v->entries) {
        const std::string& key = ok->scalar;
        if (key == "value" || key == "description") {
          if (!ov->IsScalar()) sink.Report(DiagKind::YamlWrongType, ov->range, fmt::format("{}:{}:{} should be a string", where, var.name, key));
          else if (key == "value") var.value = ov->scalar;
        } else if (key == "expand" || key == "masked") {
          if (!ov->AsBool()) sink.Report(DiagKind::YamlWrongType, ov->range, fmt::format("{}:{}:{} should be a boolean value", where, var.name, key));
          else if (key == "masked") var.masked = *ov->AsBool();
        } else if (key == "options") {
          if (!ov->IsSeq() || ov->items.empty() || !std::all_of(ov->items.begin(), ov->items.end(), [](const NodePtr& i) { return i->IsScalar(); }))
            sink.Report(DiagKind::YamlWrongType, ov->range, fmt::format("{}:{}:options should be a non-empty array of strings", where, var.name));
        } else {
          sink.Report(DiagKind::YamlUnknownKey, ok->range, fmt::format("{}:{} config contains unknown keys: {}", where, var.name, key));
        }
      }
      if (v->Has("options") && !v->Has("value"))
        sink.Report(DiagKind::YamlWrongType, v->range, fmt::format("{}:{} config with options must have a value", where, var.name));
    } else {
      sink.Report(DiagKind::YamlWrongType, v->range,
                  fmt::format("{} config should be a hash of key value pairs, value can be a hash", where));
      continue;
    }
    out.push_back(std::move(var));
  }
  return out;
}

bool IsGitLabProjectPath(const Node& n) {
  if (!n.IsScalar() || n.TypeName() != "string" || n.scalar.empty()) return false;
  const std::string& s = n.scalar;
  auto solid = [&](size_t i) {
    return i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]));
  };
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '$' && solid(i + 1)) return true;
  if (s.front() == '/' || s.back() == '/') return false;
  for (size_t i = 1; i + 1 < s.size(); ++i)
    if (s[i] == '/' && solid(i - 1) && solid(i + 1)) return true;
  return false;
}

void CheckGitLabInputValues(const Node& n, const std::string& where, DiagnosticSink& sink) {
  if (!n.IsMap()) {
    sink.Report(DiagKind::YamlWrongType, n.range, fmt::format("{} config should be a hash", where));
    return;
  }
  for (const auto& [k, v] : n.entries) {
    const std::string& s = k->scalar;
    bool ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    if (!ok)
      sink.Report(
          DiagKind::YamlWrongType, k->range,
          fmt::format("{} config should be a hash whose keys are letters, digits, '_' and '-': {}",
                      where, s));
    else if (v->IsScalar() && v->TypeName() == "string" && v->scalar.size() > 1024)
      sink.Report(DiagKind::YamlWrongType, v->range,
                  fmt::format("{}:{} config should be at most 1024 characters", where, s));
  }
}

void CheckGitLabInputSpecs(const Node& node, const std::string& where, bool job_inputs,
                           DiagnosticSink& sink) {
  auto bad = [&](const Node& n, const std::string& at, std::string_view should) {
    sink.Report(DiagKind::YamlWrongType, n.range,
                fmt::format("{} config should be {}", at, should));
  };
  auto unknown = [&](const Node& k, const std::string& at) {
    sink.Report(DiagKind::YamlUnknownKey, k.range,
                fmt::format("{} config contains unknown keys: {}", at, k.scalar));
  };
  auto type_of = [](const Node& n) -> std::string_view {
    return n.IsScalar() ? n.TypeName() : n.IsSeq() ? "array" : n.IsMap() ? "hash" : "null";
  };
  auto scalar_options = [&](const Node& o, const std::string& at) {
    if (!o.IsSeq() || !std::all_of(o.items.begin(), o.items.end(),
                                   [](const NodePtr& i) { return i->IsScalar(); }))
      bad(o, at, "an array of strings, numbers or booleans");
    else if (o.items.size() > 50)
      sink.Report(DiagKind::YamlWrongType, o.range,
                  fmt::format("{} config has too many items (maximum is 50)", at));
  };
  if (node.IsNull() && !job_inputs) return;
  if (!node.IsMap()) return bad(node, where, "a hash");
  if (job_inputs && node.entries.size() > 50)
    sink.Report(DiagKind::YamlWrongType, node.range,
                fmt::format("{} config has too many entries (maximum is 50)", where));
  for (const auto& kv : node.entries) {
    const auto& k = kv.first;
    const auto& v = kv.second;  // not a structured binding: lambdas capture it (clang 14)
    const std::string at = where + ":" + k->scalar;
    if (v->IsNull() && !job_inputs) continue;  // `name:` alone: a required string input
    if (!v->IsMap()) {
      bad(*v, at, "a hash");
      continue;
    }
    std::string type = "string";
    if (const Node* t = v->Get("type")) {
      if (!t->IsScalar() || !OneOf(t->scalar, {"array", "boolean", "number", "string"})) {
        bad(*t, at + ":type", "one of: array, boolean, number, string");
        type.clear();
      } else {
        type = t->scalar;
      }
    }
    // A default must have the input's type (spec inputs may default to null).
    auto check_default = [&](const Node& d, const std::string& dat) {
      if (type.empty() || (d.IsNull() && !job_inputs)) return;
      if (type_of(d) != (type == "array" ? "array" : type))
        bad(d, dat,
            fmt::format("{} {} (the input's type{})", type == "array" ? "an" : "a", type,
                        v->Has("type") ? "" : " when none is given"));
    };
    for (const auto& [ik, iv] : v->entries) {
      const std::string& key = ik->scalar;
      if (key == "type") continue;
      if (key == "default") {
        check_default(*iv, at + ":default");
      } else if (key == "options") {
        scalar_options(*iv, at + ":options");
      } else if (key == "regex" || key == "description") {
        if (!iv->IsScalar()) bad(*iv, at + ":" + key, "a string");
      } else if (key == "rules" && !job_inputs) {
        if (!iv->IsSeq()) {
          bad(*iv, at + ":rules", "an array of hashes");
          continue;
        }
        for (const NodePtr& r : iv->items) {
          if (!r->IsMap()) {
            bad(*r, at + ":rules", "an array of hashes");
            continue;
          }
          for (const auto& [rk, rv] : r->entries) {
            if (rk->scalar == "if") {
              if (!rv->IsScalar()) bad(*rv, at + ":rules:if", "a string");
            } else if (rk->scalar == "options") {
              scalar_options(*rv, at + ":rules:options");
            } else if (rk->scalar == "default") {
              check_default(*rv, at + ":rules:default");
            } else {
              unknown(*rk, at + ":rules");
            }
          }
          if (!r->Has("default"))
            sink.Report(DiagKind::YamlWrongType, r->range,
                        fmt::format("{}:rules config missing required keys: default", at));
        }
        for (std::string_view other : {"default", "options"})
          if (const Node* x = v->KeyNode(other))
            sink.Report(
                DiagKind::YamlWrongType, x->range,
                fmt::format("{} config cannot use {} together with rules (each rule gives its own)",
                            at, other));
      } else {
        unknown(*ik, at);
      }
    }
    if (job_inputs && !v->Has("default"))
      sink.Report(DiagKind::YamlWrongType, v->range,
                  fmt::format("{} config missing required keys: default", at));
  }
}

std::optional<int64_t> ParseGitLabDuration(std::string_view text) {
  // Accepts what GitLab's ChronicDuration reads in practice: "3600", "1h 30m", "2 days",
  // "1 week", "30 mins", "1.5 hours" is not supported (rare).
  int64_t total = 0;
  size_t i = 0;
  bool any = false;
  auto skip = [&] { while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i; };
  skip();
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (text.substr(i) == "and" || text.substr(i, 4) == "and ") { i += 3; skip(); continue; }
      return std::nullopt;
    }
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i++] - '0');
      if (n > 1'000'000'000) return std::nullopt;
    }
    while (i < text.size() && text[i] == ' ') ++i;
    size_t u = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit(text.substr(u, i - u));
    for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    int64_t mult = 0;
    if (unit.empty() || OneOf(unit, {"s", "sec", "secs", "second", "seconds"}))
      mult = 1;
    else if (OneOf(unit, {"m", "min", "mins", "minute", "minutes"}))
      mult = 60;
    else if (OneOf(unit, {"h", "hr", "hrs", "hour", "hours"}))
      mult = 3600;
    else if (OneOf(unit, {"d", "day", "days"}))
      mult = 86400;
    else if (OneOf(unit, {"w", "wk", "wks", "week", "weeks"}))
      mult = 7 * 86400;
    else if (OneOf(unit, {"mo", "mos", "month", "months"}))
      mult = 30 * 86400;
    else if (OneOf(unit, {"y", "yr", "yrs", "year", "years"}))
      mult = 365 * 86400;
    else return std::nullopt;
    total += n * mult;
    any = true;
    skip();
  }
  if (!any) return std::nullopt;
  return total;
}

GlJob ReadGitLabJob(const std::string& name, const Node& key, const Node& body, const SourceManager& sm,
                    DiagnosticSink& sink) {
  GlJob g;
  g.job.name = name;
  g.job.base_name = name;
  g.job.range = key.range;
  g.job.shell = "bash";
  JobReader r(name, sm, sink);
  r.SetBody(&body);
  if (!body.IsMap()) {
    sink.Report(DiagKind::YamlWrongType, body.range, fmt::format("jobs:{} config should be a hash", name));
    return g;
  }
  for (const auto& [k, v] : body.entries) {
    const std::string& kname = k->scalar;
    if (std::find(kGitLabJobKeys.begin(), kGitLabJobKeys.end(), kname) == kGitLabJobKeys.end()) {
      sink.Report(DiagKind::YamlUnknownKey, k->range, fmt::format("jobs:{} config contains unknown keys: {}", name, kname));
      continue;
    }
    if (std::find(kModelled.begin(), kModelled.end(), kname) == kModelled.end() && kname != "extends")
      g.job.raw_gitlab.get()[kname] = yaml::ToJson(*v);
  }
  r.Steps(body, "before_script", g);
  r.Steps(body, "script", g);
  r.Steps(body, "after_script", g);
  for (const auto& [k, v] : body.entries) {
    const std::string& kname = k->scalar;
    const Node& n = *v;
    // GitLab builds a key whose value is null as an unspecified entry (Gitlab::Config::Entry::
    // Factory#create!): `needs: null` or `parallel: null` in a job clears what `extends` gave
    // it. Scripts (read above) and `trigger` decide what kind of job this is, so they are not.
    if (n.IsNull() && kname != "trigger") continue;
    if (kname == "image") r.Image(n, g);
    else if (kname == "services") r.Services(n, g);
    else if (kname == "stage") {
      if (!n.IsScalar()) r.Bad(n, "stage", "a string");
      else g.stage = n.scalar, g.stage_range = n.range;
    } else if (kname == "needs") r.Needs(n, g);
    else if (kname == "dependencies") r.Dependencies(n, g);
    else if (kname == "artifacts") r.Artifacts(n, g);
    else if (kname == "cache") r.Cache(n);
    else if (kname == "rules") r.Rules(n);
    else if (kname == "only" || kname == "except") r.OnlyExcept(n, kname);
    else if (kname == "when") {
      if (!n.IsScalar() ||
          !OneOf(n.scalar, {"on_success", "on_failure", "always", "manual", "delayed", "never"}))
        r.Bad(n, "when", "one of: on_success, on_failure, always, manual, delayed, never");
      else if (n.scalar == "on_failure") g.job.run_when = ir::RunWhen::OnFailure;
      else if (n.scalar == "always") g.job.run_when = ir::RunWhen::Always;
      else if (n.scalar != "on_success") g.job.raw_gitlab.get()["when"] = n.scalar;
    } else if (kname == "allow_failure") {
      if (auto b = n.AsBool()) g.job.allow_failure = *b;
      else if (n.IsMap() && n.Get("exit_codes")) g.job.raw_gitlab.get()["allow_failure"] = yaml::ToJson(n);
      else r.Bad(n, "allow_failure", "a boolean value or a hash with exit_codes");
    } else if (kname == "retry") {
      const Node* max = n.IsMap() ? n.Get("max") : &n;
      auto count = max ? max->AsInt() : std::nullopt;
      if (n.IsMap() && !max) count = 0;
      if (!count || *count < 0 || *count > 2) r.Bad(n, "retry", "an integer between 0 and 2, or a hash with max");
      else g.job.retry = static_cast<int>(*count);
      if (n.IsMap()) {
        // GitLab accepts `always` and every key of Gitlab::Ci::Status::Build::Failed::REASONS
        // (lib/gitlab/ci/config/entry/retry.rb, possible_retry_when_values; the reasons in
        // lib/gitlab/ci/status/build/failed.rb, plus EE's protected_environment_failure and the
        // runner reasons GitLab 19.1 added: doc/ci/yaml/_index.md, `retry:when`).
        static constexpr std::array<std::string_view, 47> kReasons = {
            "always", "unknown_failure", "script_failure", "api_failure", "stuck_or_timeout_failure",
            "runner_system_failure", "missing_dependency_failure", "runner_unsupported", "stale_schedule",
            "job_execution_timeout", "archived_failure", "unmet_prerequisites", "scheduler_failure",
            "data_integrity_failure", "forward_deployment_failure", "protected_environment_failure",
            "pipeline_loop_detected", "invalid_bridge_trigger", "downstream_bridge_project_not_found",
            "upstream_bridge_project_not_found", "insufficient_bridge_permissions",
            "insufficient_upstream_permissions", "bridge_pipeline_is_child_pipeline",
            "downstream_pipeline_creation_failed", "secrets_provider_not_found",
            "reached_max_descendant_pipelines_depth", "reached_max_pipeline_hierarchy_size", "project_deleted",
            "user_blocked", "ci_quota_exceeded", "no_matching_runner", "trace_size_exceeded", "builds_disabled",
            "environment_creation_failure", "deployment_rejected", "ip_restriction_failure",
            "failed_outdated_deployment_job", "reached_downstream_pipeline_trigger_rate_limit",
            "runner_configuration_error", "runner_external_dependency_failure", "runner_interrupted",
            "stuck_pending_with_matching_runners", "stuck_pending_no_matching_runners", "no_updates_running",
            "no_updates_canceling", "server_timeout_running", "server_timeout_canceling"};
        for (const auto& [rk, rv] : n.entries) {
          if (rk->scalar == "when") {
            std::vector<const Node*> reasons;
            if (rv->IsScalar()) reasons.push_back(rv.get());
            else if (rv->IsSeq()) for (const NodePtr& x : rv->items) reasons.push_back(x.get());
            else r.Bad(*rv, "retry:when", "a string or an array of strings");
            for (const Node* x : reasons)
              if (!x->IsScalar() || std::find(kReasons.begin(), kReasons.end(), x->scalar) == kReasons.end())
                r.Bad(*x, "retry:when", "a known failure reason such as script_failure");
          } else if (rk->scalar == "exit_codes") {
            std::set<long long> codes;
            std::vector<const Node*> items;
            if (rv->IsSeq()) for (const NodePtr& x : rv->items) items.push_back(x.get());
            else items.push_back(rv.get());
            for (const Node* x : items)
              if (!x->AsInt() || !codes.insert(*x->AsInt()).second) r.Bad(*x, "retry:exit_codes", "an integer or an array of unique integers");
          } else if (rk->scalar != "max") {
            sink.Report(DiagKind::YamlUnknownKey, rk->range, fmt::format("jobs:{}:retry config contains unknown keys: {}", name, rk->scalar));
          }
        }
        g.job.raw_gitlab.get()["retry"] = yaml::ToJson(n);
      }
    } else if (kname == "timeout") {
      auto secs = n.IsScalar() ? ParseGitLabDuration(n.scalar) : std::nullopt;
      if (!secs) r.Bad(n, "timeout", "a duration such as '1h 30m'");
      else g.job.timeout_seconds = secs;
    } else if (kname == "parallel") r.Parallel(n, g);
    else if (kname == "environment") r.Environment(n, g);
    else if (kname == "trigger") r.Trigger(n, g);
    else if (kname == "variables") g.variables = ReadGitLabVariables(n, "jobs:" + name + ":variables", sink);
    else if (kname == "tags") {
      if (!r.IsStringArray(n)) r.Bad(n, "tags", "an array of strings");
      else for (const NodePtr& t : n.items) g.job.runner.push_back(t->scalar);
    } else if (kname == "interruptible") {
      if (!n.AsBool()) r.Bad(n, "interruptible", "a boolean value");
    } else if (kname == "resource_group") {
      if (!n.IsScalar()) r.Bad(n, kname, "a string");
    } else if (kname == "coverage") {
      // A regular expression between slashes, such as /Coverage: \d+\.\d+%/.
      if (!r.IsStr(n) || n.scalar.size() < 3 || n.scalar.front() != '/' || n.scalar.back() != '/')
        r.Bad(n, "coverage", "a regular expression between slashes, such as /Total: \\d+%/");
    } else if (kname == "start_in") {
      // Only with `when: delayed` (checked below), and at most one week.
      auto secs = r.IsStr(n) ? ParseGitLabDuration(n.scalar) : std::nullopt;
      if (!secs || *secs > 7 * 86400)
        r.Bad(n, "start_in", "a duration of at most 1 week, such as '30 minutes'");
    } else if (kname == "release") {
      r.Release(n);
    } else if (kname == "pages") {
      if (n.IsMap()) {
        for (const auto& [pk, pv] : n.entries)
          if (!OneOf(pk->scalar, {"path_prefix", "expire_in", "publish"}))
            r.Unknown(*pk, "pages");
          else if (!r.IsStr(*pv))
            r.Bad(*pv, "pages:" + pk->scalar, "a string");
      } else if (!n.AsBool()) {
        r.Bad(n, "pages", "a boolean value or a hash");
      }
    } else if (kname == "id_tokens") {
      r.IdTokens(n);
    } else if (kname == "secrets") {
      r.Secrets(n);
    } else if (kname == "hooks") {
      if (!n.IsMap()) r.Bad(n, "hooks", "a hash");
      else for (const auto& [hk, hv] : n.entries) {
        if (hk->scalar != "pre_get_sources_script")
          sink.Report(DiagKind::YamlUnknownKey, hk->range, fmt::format("jobs:{}:hooks config contains unknown keys: {}", name, hk->scalar));
        std::vector<const Node*> lines;
        r.Script(*hv, "hooks:" + hk->scalar, lines);
      }
    } else if (kname == "dast_configuration") {
      if (!n.IsMap()) r.Bad(n, "dast_configuration", "a hash");
      else for (const auto& [dk, dv] : n.entries)
          if (!OneOf(dk->scalar, {"site_profile", "scanner_profile"}))
            sink.Report(DiagKind::YamlUnknownKey, dk->range,
                        fmt::format("jobs:{}:dast_configuration config contains unknown keys: {}",
                                    name, dk->scalar));
    } else if (kname == "identity") {
      if (!n.IsScalar() || n.scalar != "google_cloud") r.Bad(n, "identity", "google_cloud");
    } else if (kname == "inherit") {
      if (!n.IsMap()) r.Bad(n, "inherit", "a hash");
      else for (const auto& [ik, iv] : n.entries) {
          if (!OneOf(ik->scalar, {"default", "variables"}))
            sink.Report(
                DiagKind::YamlUnknownKey, ik->range,
                fmt::format("jobs:{}:inherit config contains unknown keys: {}", name, ik->scalar));
          else if (!iv->AsBool() && !r.IsStringArray(*iv))
            r.Bad(*iv, "inherit:" + ik->scalar, "a boolean value or an array of strings");
          else if (ik->scalar == "default" && iv->IsSeq())
            for (const NodePtr& d : iv->items)
              if (!OneOf(d->scalar, {"after_script", "artifacts", "before_script", "cache", "hooks",
                                     "id_tokens", "image", "interruptible", "retry", "services",
                                     "tags", "timeout"}))
                r.Bad(
                    *d, "inherit:default",
                    "an array of default keywords (after_script, artifacts, before_script, cache, "
                    "hooks, id_tokens, image, interruptible, retry, services, tags, timeout)");
      }
    } else if (kname == "run") {
      r.Run(n);
    } else if (kname == "inputs") {
      CheckGitLabInputSpecs(n, "jobs:" + name + ":inputs", true, sink);
    }
  }
  const Node* when = body.Get("when");
  const bool delayed = when && when->IsScalar() && when->scalar == "delayed";
  if (delayed && !body.Has("start_in") && !body.Has("rules"))
    sink.Report(
        DiagKind::YamlWrongType, when->range,
        fmt::format("jobs:{} config missing required keys: start_in (when: delayed)", name));
  if (const Node* start = body.KeyNode("start_in"); start && !body.Get("start_in")->IsNull() && !delayed && !body.Has("rules"))
    sink.Report(
        DiagKind::YamlWrongType, start->range,
        fmt::format("jobs:{}:start_in config should be used only with when: delayed", name));
  if (g.parallel_count > 1) {
    for (int i = 1; i <= g.parallel_count; ++i) {
      g.cells.push_back({{"CI_NODE_INDEX", std::to_string(i)}});
      g.cell_names.push_back(fmt::format("{} {}/{}", name, i, g.parallel_count));
    }
  }
  return g;
}

}  // namespace pipec::import
