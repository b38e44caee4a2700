#include "compiler/import/gitlab_job.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "compiler/import/script_paths.h"
#include "compiler/import/source_locate.h"

namespace pipec::import {

using yaml::Node;
using yaml::NodePtr;

namespace {

constexpr std::array<std::string_view, 38> kJobKeys = {
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

bool In(std::string_view v, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

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
    sink_.Report(DiagKind::YamlWrongType, n.range,
                 fmt::format("jobs:{}:{} config should be {}", name_, key, should));
  }

  bool IsString(const Node& n) { return n.IsScalar(); }
  bool IsStringArray(const Node& n) {
    return n.IsSeq() && std::all_of(n.items.begin(), n.items.end(), [](const NodePtr& i) { return i->IsScalar(); });
  }

  // Scripts: a string or an array of strings nested up to 10 levels (GitLab flattens them).
  bool Script(const Node& n, std::string_view key, std::vector<const Node*>& out, int depth = 0) {
    if (n.IsScalar()) {
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
      for (const auto& [var, offset] : ShellVariableRefs(line->scalar)) {
        g.variable_refs.push_back(var);
        g.variable_ref_ranges.push_back(LocateInScalar(sm_, *line, offset, var.size() + 1));
      }
      if (key != "after_script")
        for (const ScriptPath& sp : ScriptPaths(line->scalar))
          g.path_refs.push_back({sp.path, sp.writes, LocateInScalar(sm_, *line, sp.offset, sp.length)});
    }
  }

  void Image(const Node& n, GlJob& g) {
    if (n.IsScalar()) {
      g.job.image.parts.push_back({ir::TextPart::Kind::Literal, n.scalar});
    } else if (n.IsMap() && n.Get("name") && n.Get("name")->IsScalar()) {
      g.job.image.parts.push_back({ir::TextPart::Kind::Literal, n.Get("name")->scalar});
      for (const auto& [k, v] : n.entries)
        if (!In(k->scalar, {"name", "entrypoint", "pull_policy", "docker", "kubernetes"}))
          sink_.Report(DiagKind::YamlUnknownKey, k->range,
                       fmt::format("jobs:{}:image config contains unknown keys: {}", name_, k->scalar));
    } else {
      Bad(n, "image", "a string or a hash with a name");
    }
  }

  void Services(const Node& n, GlJob& g) {
    if (!n.IsSeq()) return Bad(n, "services", "an array of strings or hashes");
    for (const NodePtr& s : n.items) {
      if (s->IsScalar()) g.job.services.push_back(s->scalar);
      else if (s->IsMap() && s->Get("name") && s->Get("name")->IsScalar()) g.job.services.push_back(s->Get("name")->scalar);
      else Bad(*s, "services", "a string or a hash with a name");
    }
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
        if (!job || !job->IsScalar()) {
          if (!need.external) Bad(*item, "needs", "a string or a hash with a job");
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
          if (!In(k->scalar, {"job", "artifacts", "optional", "parallel", "pipeline", "project", "ref"}))
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
        if (!v->IsScalar() || !In(v->scalar, {"on_success", "on_failure", "always"}))
          Bad(*v, "artifacts:when", "one of: on_success, on_failure, always");
      } else if (key == "untracked" || key == "public") {
        if (!v->AsBool()) Bad(*v, "artifacts:" + key, "a boolean value");
      } else if (key == "access") {
        if (!v->IsScalar() || !In(v->scalar, {"all", "developer", "maintainer", "none"}))
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
    g.has_artifacts = !g.job.outputs.empty();
  }

  void Reports(const Node& n, GlJob& g, std::optional<int64_t> expire) {
    if (!n.IsMap()) return Bad(n, "artifacts:reports", "a hash");
    for (const auto& [k, v] : n.entries) {
      std::optional<ir::OutputKind> kind;
      if (k->scalar == "junit") kind = ir::OutputKind::Junit;
      else if (k->scalar == "dotenv") kind = ir::OutputKind::Dotenv;
      else if (k->scalar == "codequality") kind = ir::OutputKind::Codequality;
      else if (k->scalar == "coverage_report") kind = ir::OutputKind::Coverage;
      std::vector<const Node*> files;
      if (v->IsScalar()) files.push_back(v.get());
      else if (IsStringArray(*v)) for (const NodePtr& f : v->items) files.push_back(f.get());
      else if (k->scalar == "coverage_report" && v->IsMap() && v->Get("path")) files.push_back(v->Get("path"));
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
    if (n.IsMap()) caches.push_back(&n);
    else if (n.IsSeq()) for (const NodePtr& c : n.items) caches.push_back(c.get());
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
            const Node* files = v->Get("files");
            if (files && !IsStringArray(*files)) Bad(*files, "cache:key:files", "an array of strings");
            if (const Node* p = v->Get("prefix"); p && !p->IsScalar()) Bad(*p, "cache:key:prefix", "a string");
          } else if (!v->IsScalar()) {
            Bad(*v, "cache:key", "a string or a hash");
          } else if (v->scalar.find('/') != std::string::npos || v->scalar == "." || v->scalar == "..") {
            Bad(*v, "cache:key", "a string without '/' and not '.' or '..'");
          }
        } else if (key == "paths" || key == "fallback_keys") {
          if (!IsStringArray(*v)) Bad(*v, "cache:" + key, "an array of strings");
        } else if (key == "policy") {
          if (!v->IsScalar() || (!In(v->scalar, {"pull", "push", "pull-push"}) && v->scalar.find('$') == std::string::npos))
            Bad(*v, "cache:policy", "one of: pull, push, pull-push");
        } else if (key == "when") {
          if (!v->IsScalar() || !In(v->scalar, {"on_success", "on_failure", "always"}))
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
          if (!v->IsScalar() || !In(v->scalar, {"on_success", "on_failure", "always", "manual", "delayed", "never"}))
            Bad(*v, "rules:when", "one of: on_success, on_failure, always, manual, delayed, never");
        } else if (key == "if" || key == "start_in") {
          if (!v->IsScalar()) Bad(*v, "rules:" + key, "a string");
        } else if (key == "changes" || key == "exists") {
          if (!v->IsSeq() && !v->IsMap() && !v->IsScalar()) Bad(*v, "rules:" + key, "an array of strings or a hash");
        } else if (key == "allow_failure" || key == "interruptible") {
          if (!v->AsBool() && !(key == "allow_failure" && v->IsMap())) Bad(*v, "rules:" + key, "a boolean value");
        } else if (key == "variables") {
          if (!v->IsMap()) Bad(*v, "rules:variables", "a hash");
        } else if (key == "needs") {
          if (!v->IsSeq()) Bad(*v, "rules:needs", "an array");
        } else {
          sink_.Report(DiagKind::YamlUnknownKey, k->range,
                       fmt::format("jobs:{}:rules config contains unknown keys: {}", name_, key));
        }
      }
    }
  }

  void OnlyExcept(const Node& n, std::string_view key) {
    if (n.IsNull() || n.IsScalar() || IsStringArray(n)) return;
    if (!n.IsMap()) return Bad(n, key, "an array of strings or a hash");
    for (const auto& [k, v] : n.entries)
      if (!In(k->scalar, {"refs", "variables", "changes", "kubernetes"}))
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

  void Environment(const Node& n, GlJob& g) {
    ir::Environment env;
    env.range = n.range;
    if (n.IsScalar()) {
      env.name = n.scalar;
    } else if (n.IsMap()) {
      const Node* name = n.Get("name");
      if (!name || !name->IsScalar()) return Bad(n, "environment", "a string or a hash with a name");
      env.name = name->scalar;
      if (const Node* url = n.Get("url"); url && url->IsScalar()) env.url = url->scalar;
      if (const Node* a = n.Get("action");
          a && (!a->IsScalar() || !In(a->scalar, {"start", "prepare", "stop", "verify", "access"})))
        Bad(*a, "environment:action", "one of: start, prepare, stop, verify, access");
    } else {
      return Bad(n, "environment", "a string or a hash");
    }
    g.job.environment = env;
  }

  void Trigger(const Node& n, GlJob& g) {
    ir::TriggerJob t;
    t.range = n.range;
    if (n.IsScalar()) {
      t.kind = ir::TriggerJob::Kind::Project;
      t.target = n.scalar;
    } else if (n.IsMap()) {
      if (const Node* p = n.Get("project")) {
        t.kind = ir::TriggerJob::Kind::Project;
        bool variable = p->IsScalar() && p->scalar.find('$') != std::string::npos;
        if (!p->IsScalar() || (!variable && (p->scalar.find('/') == std::string::npos || p->scalar.front() == '/' || p->scalar.back() == '/')))
          Bad(*p, "trigger:project", "a full project path such as group/project");
        else t.target = p->scalar;
        if (const Node* b = n.Get("branch"); b && b->IsScalar()) t.branch = b->scalar;
      } else if (const Node* inc = n.Get("include")) {
        t.kind = ir::TriggerJob::Kind::Pipeline;
        if (inc->IsScalar()) t.target = inc->scalar;
        else if (inc->IsSeq() && !inc->items.empty() && inc->items[0]->IsMap() && inc->items[0]->Get("local"))
          t.target = inc->items[0]->Get("local")->scalar;
        else if (inc->IsMap() && inc->Get("local")) t.target = inc->Get("local")->scalar;
      } else {
        return Bad(n, "trigger", "a hash with project or include");
      }
      if (const Node* s = n.Get("strategy"); s && (!s->IsScalar() || !In(s->scalar, {"depend", "mirror"})))
        Bad(*s, "trigger:strategy", "one of: depend, mirror");
    } else {
      return Bad(n, "trigger", "a string or a hash");
    }
    g.job.trigger = t;
  }

 private:
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
    if (unit.empty() || In(unit, {"s", "sec", "secs", "second", "seconds"})) mult = 1;
    else if (In(unit, {"m", "min", "mins", "minute", "minutes"})) mult = 60;
    else if (In(unit, {"h", "hr", "hrs", "hour", "hours"})) mult = 3600;
    else if (In(unit, {"d", "day", "days"})) mult = 86400;
    else if (In(unit, {"w", "wk", "wks", "week", "weeks"})) mult = 7 * 86400;
    else if (In(unit, {"mo", "mos", "month", "months"})) mult = 30 * 86400;
    else if (In(unit, {"y", "yr", "yrs", "year", "years"})) mult = 365 * 86400;
    else return std::nullopt;
    total += n * mult;
    any = true;
    skip();
  }
  if (!any) return std::nullopt;
  return total;
}

std::vector<std::pair<std::string, size_t>> ShellVariableRefs(std::string_view line) {
  std::vector<std::pair<std::string, size_t>> out;
  bool in_single = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\'') in_single = !in_single;
    if (in_single || c != '$' || i + 1 >= line.size()) continue;
    if (i > 0 && line[i - 1] == '\\') continue;
    size_t start = i + 1;
    bool braced = line[start] == '{';
    if (braced) ++start;
    size_t end = start;
    while (end < line.size() && (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) ++end;
    if (end == start || std::isdigit(static_cast<unsigned char>(line[start]))) continue;
    out.emplace_back(std::string(line.substr(start, end - start)), i);
  }
  return out;
}

GlJob ReadGitLabJob(const std::string& name, const Node& key, const Node& body, const SourceManager& sm,
                    DiagnosticSink& sink) {
  GlJob g;
  g.job.name = name;
  g.job.base_name = name;
  g.job.range = key.range;
  g.job.shell = "bash";
  JobReader r(name, sm, sink);
  if (!body.IsMap()) {
    sink.Report(DiagKind::YamlWrongType, body.range, fmt::format("jobs:{} config should be a hash", name));
    return g;
  }
  for (const auto& [k, v] : body.entries) {
    const std::string& kname = k->scalar;
    if (std::find(kJobKeys.begin(), kJobKeys.end(), kname) == kJobKeys.end()) {
      sink.Report(DiagKind::YamlUnknownKey, k->range, fmt::format("jobs:{} config contains unknown keys: {}", name, kname));
      continue;
    }
    if (std::find(kModelled.begin(), kModelled.end(), kname) == kModelled.end() && kname != "extends")
      g.job.raw_gitlab[kname] = yaml::ToJson(*v);
  }
  r.Steps(body, "before_script", g);
  r.Steps(body, "script", g);
  r.Steps(body, "after_script", g);
  for (const auto& [k, v] : body.entries) {
    const std::string& kname = k->scalar;
    const Node& n = *v;
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
      if (!n.IsScalar() || !In(n.scalar, {"on_success", "on_failure", "always", "manual", "delayed", "never"}))
        r.Bad(n, "when", "one of: on_success, on_failure, always, manual, delayed, never");
      else if (n.scalar == "on_failure") g.job.run_when = ir::RunWhen::OnFailure;
      else if (n.scalar == "always") g.job.run_when = ir::RunWhen::Always;
      else if (n.scalar != "on_success") g.job.raw_gitlab["when"] = n.scalar;
    } else if (kname == "allow_failure") {
      if (auto b = n.AsBool()) g.job.allow_failure = *b;
      else if (n.IsMap() && n.Get("exit_codes")) g.job.raw_gitlab["allow_failure"] = yaml::ToJson(n);
      else r.Bad(n, "allow_failure", "a boolean value or a hash with exit_codes");
    } else if (kname == "retry") {
      const Node* max = n.IsMap() ? n.Get("max") : &n;
      auto count = max ? max->AsInt() : std::nullopt;
      if (n.IsMap() && !max) count = 0;
      if (!count || *count < 0 || *count > 2) r.Bad(n, "retry", "an integer between 0 and 2, or a hash with max");
      else g.job.retry = static_cast<int>(*count);
      if (n.IsMap()) {
        static constexpr std::array<std::string_view, 13> kReasons = {
            "always", "unknown_failure", "script_failure", "api_failure", "stuck_or_timeout_failure",
            "runner_system_failure", "runner_unsupported", "stale_schedule", "job_execution_timeout",
            "archived_failure", "unmet_prerequisites", "scheduler_failure", "data_integrity_failure"};
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
        g.job.raw_gitlab["retry"] = yaml::ToJson(n);
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
    } else if (kname == "coverage" || kname == "resource_group" || kname == "start_in") {
      if (!n.IsScalar()) r.Bad(n, kname, "a string");
    } else if (kname == "id_tokens") {
      if (!n.IsMap()) r.Bad(n, "id_tokens", "a hash");
      else for (const auto& [tk, tv] : n.entries)
        if (!tv->IsMap() || !tv->Get("aud")) r.Bad(*tv, "id_tokens:" + tk->scalar, "a hash with aud");
    } else if (kname == "secrets") {
      if (!n.IsMap()) r.Bad(n, "secrets", "a hash");
      else for (const auto& [sk, sv] : n.entries)
        if (!sv->IsMap()) r.Bad(*sv, "secrets:" + sk->scalar, "a hash");
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
        if (!In(dk->scalar, {"site_profile", "scanner_profile"}))
          sink.Report(DiagKind::YamlUnknownKey, dk->range, fmt::format("jobs:{}:dast_configuration config contains unknown keys: {}", name, dk->scalar));
    } else if (kname == "identity") {
      if (!n.IsScalar() || n.scalar != "google_cloud") r.Bad(n, "identity", "google_cloud");
    } else if (kname == "inherit") {
      if (!n.IsMap()) r.Bad(n, "inherit", "a hash");
      else for (const auto& [ik, iv] : n.entries) {
        if (!In(ik->scalar, {"default", "variables"}))
          sink.Report(DiagKind::YamlUnknownKey, ik->range, fmt::format("jobs:{}:inherit config contains unknown keys: {}", name, ik->scalar));
        else if (!iv->AsBool() && !r.IsStringArray(*iv)) r.Bad(*iv, "inherit:" + ik->scalar, "a boolean value or an array of strings");
      }
    } else if (kname == "run") {
      if (!n.IsSeq()) r.Bad(n, "run", "an array of steps");
      else for (const NodePtr& step : n.items)
        if (!step->IsMap() || !step->Get("name")) r.Bad(*step, "run", "an array of hashes with a name");
        else if (!step->Has("script") && !step->Has("step") && !step->Has("action"))
          r.Bad(*step, "run", "steps with one of script, step or action");
    }
  }
  if (g.parallel_count > 1) {
    for (int i = 1; i <= g.parallel_count; ++i) {
      g.cells.push_back({{"CI_NODE_INDEX", std::to_string(i)}});
      g.cell_names.push_back(fmt::format("{} {}/{}", name, i, g.parallel_count));
    }
  }
  return g;
}

}  // namespace pipec::import
