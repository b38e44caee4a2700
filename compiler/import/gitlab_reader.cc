#include "compiler/import/gitlab_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "compiler/import/gitlab_config.h"
#include "compiler/import/gitlab_job.h"
#include "compiler/import/gitlab_templates.h"
#include "compiler/import/rule_eval.h"
#include "compiler/import/script_paths.h"
#include "compiler/import/secret_names.h"
#include "compiler/import/triggers.h"
#include "compiler/support/glob.h"
#include "compiler/support/one_of.h"

namespace pipec::import {

using support::OneOf;
using yaml::Node;
using yaml::NodePtr;

namespace {

constexpr size_t kMaxNeeds = 50;

// Predefined variables GitLab itself masks: reading them is reading a secret.
bool IsGitLabMaskedPredefined(std::string_view name) {
  return name == "CI_JOB_TOKEN" || name == "CI_REGISTRY_PASSWORD" || name == "CI_DEPLOY_PASSWORD" ||
         name == "CI_DEPENDENCY_PROXY_PASSWORD" || name == "CI_JOB_JWT" || name == "CI_JOB_JWT_V2" ||
         name == "CI_REPOSITORY_URL";
}

bool Inside(const SourceRange& r, const SourceRange& outer) {
  return outer.valid() && r.file == outer.file && outer.begin <= r.begin && r.begin < outer.end;
}

class GitLabReader {
 public:
  GitLabReader(SourceManager& sm, DiagnosticSink& sink, const ImportOptions& opts)
      : sm_(sm), sink_(sink), opts_(opts) {}

  std::optional<ir::Pipeline> Run(FileId main) {
    std::optional<GlConfig> cfg = LoadGitLabConfig(main, sm_, sink_, opts_);
    if (!cfg) return std::nullopt;
    const Node& root = *cfg->root;
    ir::Pipeline p;
    p.origin = ir::Origin::GitLab;
    p.source_path = std::string(sm_.Path(main));
    p.name = "gitlab";
    p.includes = cfg->includes;

    BodyRanges(*cfg);
    ReadStages(root, p);
    ReadGlobals(root, p);

    // Jobs: `default:` keys fill what a job does not set (unless `inherit:default` says no).
    std::vector<GlJob> jobs;
    for (const GlJobDef& def : cfg->jobs) {
      if (def.hidden && !opts_.keep_hidden) continue;
      if (!def.body->IsMap()) {
        if (!def.hidden)
          sink_.Report(DiagKind::YamlWrongType, def.body->range, fmt::format("jobs:{} config should be a hash", def.name));
        continue;
      }
      NodePtr body = def.hidden ? def.body : WithDefaults(def.body, root);
      // Hidden jobs are templates GitLab does not validate; problems inside `default:` are
      // reported once, by ReadGlobals, not once per job.
      DiagnosticSink scratch;
      GlJob g = ReadGitLabJob(def.name, *def.key, *body, sm_, scratch);
      // The legacy top-level image/services/scripts/cache are copied into every job: a problem
      // in them is reported once, for the first job that inherits it.
      if (!def.hidden)
        for (const Diagnostic& d : scratch.diagnostics()) {
          if (Inside(d.range, body_ranges_["default"])) continue;
          bool legacy = false;
          for (std::string_view k : {"image", "services", "before_script", "after_script", "cache"})
            legacy |= Inside(d.range, body_ranges_[std::string(k)]);
          if (legacy &&
              !legacy_reported_.insert({d.range.begin.line, d.range.begin.column, d.kind}).second)
            continue;
          sink_.Report(d);
        }
      g.job.hidden = def.hidden;
      g.job.body_range = body_ranges_[def.name];
      if (!def.extends_chain.empty()) g.job.raw_gitlab.get()["extends"] = def.extends_chain;
      jobs.push_back(std::move(g));
    }
    // `pipec import`: extends parents and merged anchors, read like jobs, become templates.
    std::map<std::string, size_t> sources;
    if (opts_.templates && opts_.keep_hidden) sources = CollectTemplateSources(*cfg, sm_, jobs, *opts_.templates);
    CheckJobs(root, *cfg, jobs);
    BuildIr(jobs, p);
    if (!sources.empty()) TakeTemplateJobs(p, sources, *opts_.templates);
    std::string rules_text = p.raw_gitlab.contains("workflow") ? p.raw_gitlab["workflow"].dump() : "";
    for (const ir::Job& j : p.jobs)
      for (std::string_view k : {"rules", "only", "except"})
        if (j.raw_gitlab.contains(k)) rules_text += j.raw_gitlab[k].dump();
    AddGitLabTriggers(p, rules_text);
    for (ir::Trigger& t : p.triggers) t.range = root.range;
    Activate(root, *cfg, p);
    return p;
  }

 private:
  void ReadStages(const Node& root, ir::Pipeline& p) {
    const Node* st = root.Get("stages");
    if (!st) st = root.Get("types");
    declared_.clear();
    if (st && !st->IsNull()) {
      if (!st->IsSeq()) {
        sink_.Report(DiagKind::YamlWrongType, st->range, "stages config should be an array of strings");
      } else {
        for (const NodePtr& s : st->items) {
          // Stage names are strings: `- 1` is a number to GitLab, and rejected.
          if (s->IsScalar() && s->TypeName() == "string")
            declared_.push_back(s->scalar);
          else if (s->IsSeq()) {  // nested arrays (from !reference) are flattened
            for (const NodePtr& x : s->items)
              if (x->IsScalar() && x->TypeName() == "string")
                declared_.push_back(x->scalar);
              else sink_.Report(DiagKind::YamlWrongType, x->range, "stages config should be an array of strings");
          } else {
            sink_.Report(DiagKind::YamlWrongType, s->range, "stages config should be an array of strings");
          }
        }
      }
    } else {
      declared_ = {"build", "test", "deploy"};
    }
    stages_ = {".pre"};
    for (const std::string& s : declared_)
      if (s != ".pre" && s != ".post" && std::find(stages_.begin(), stages_.end(), s) == stages_.end()) stages_.push_back(s);
    stages_.push_back(".post");
    p.stages = stages_;
  }

  void ReadGlobals(const Node& root, ir::Pipeline& p) {
    if (const Node* v = root.Get("variables")) {
      for (const GlVariable& var : ReadGitLabVariables(*v, "variables", sink_)) {
        globals_.insert(var.name);
        if (var.masked) {
          AddSecret(p, var.name, "masked: true", var.range).masked = true;
          continue;
        }
        ir::Variable iv;
        iv.name = var.name;
        iv.value.type.kind = ir::TypeKind::String;
        iv.value.string_value = var.value;
        iv.range = var.range;
        p.variables.push_back(std::move(iv));
      }
    }
    if (const Node* d = root.Get("default")) {
      if (!d->IsMap()) {
        sink_.Report(DiagKind::YamlWrongType, d->range, "default config should be a hash");
      } else {
        for (const auto& [k, v] : d->entries)
          if (!OneOf(k->scalar,
                     {"after_script", "artifacts", "before_script", "cache", "hooks", "id_tokens",
                      "image", "interruptible", "retry", "services", "tags", "timeout"}))
            sink_.Report(DiagKind::YamlUnknownKey, k->range, fmt::format("default config contains unknown keys: {}", k->scalar));
        // Type-check the defaults once, as GitLab does, through a job reader.
        DiagnosticSink scratch;
        ReadGitLabJob("default", *d, *d, sm_, scratch);
        for (const Diagnostic& diag : scratch.diagnostics())
          if (diag.kind != DiagKind::YamlUnknownKey) sink_.Report(diag);
      }
    }
    if (const Node* spec = root.Get("spec")) Spec(*spec);
    if (const Node* w = root.Get("workflow")) {
      if (!w->IsMap()) {
        sink_.Report(DiagKind::YamlWrongType, w->range, "workflow config should be a hash");
      } else {
        for (const auto& [k, v] : w->entries) {
          if (k->scalar == "rules") {
            if (!v->IsSeq()) sink_.Report(DiagKind::YamlWrongType, v->range, "workflow:rules config should be an array of hashes");
            else for (const NodePtr& r : v->items) WorkflowRule(*r);
          } else if (k->scalar == "name") {
            if (!v->IsScalar() || v->TypeName() != "string" || v->scalar.empty() ||
                v->scalar.size() > 255)
              sink_.Report(DiagKind::YamlWrongType, v->range,
                           "workflow:name config should be a string of 1 to 255 characters");
          } else if (k->scalar == "auto_cancel") {
            AutoCancel(*v, "workflow:auto_cancel");
          } else {
            sink_.Report(DiagKind::YamlUnknownKey, k->range, fmt::format("workflow config contains unknown keys: {}", k->scalar));
          }
        }
        p.raw_gitlab.get()["workflow"] = yaml::ToJson(*w);
      }
    }
    for (std::string_view key : {"image", "services", "before_script", "after_script", "cache"})
      if (const Node* n = root.Get(key)) p.raw_gitlab.get()[std::string(key)] = yaml::ToJson(*n);
  }

  // The `spec:` header (read when it is a key of the configuration document): inputs, include
  // (local, project or remote only, without inputs), component and description.
  void Spec(const Node& spec) {
    auto bad = [&](const Node& n, std::string_view at, std::string_view should) {
      sink_.Report(DiagKind::YamlWrongType, n.range,
                   fmt::format("{} config should be {}", at, should));
    };
    auto unknown = [&](const Node& k, std::string_view at) {
      sink_.Report(DiagKind::YamlUnknownKey, k.range,
                   fmt::format("{} config contains unknown keys: {}", at, k.scalar));
    };
    if (!spec.IsMap()) return bad(spec, "spec", "a hash");
    for (const auto& [k, v] : spec.entries) {
      const std::string& key = k->scalar;
      if (key == "inputs") {
        CheckGitLabInputSpecs(*v, "spec:inputs", false, sink_);
      } else if (key == "description") {
        if (!v->IsScalar())
          bad(*v, "spec:description", "a string");
        else if (v->scalar.size() > 256)
          bad(*v, "spec:description", "at most 256 characters");
      } else if (key == "component") {
        std::set<std::string> seen;
        if (!v->IsSeq())
          bad(*v, "spec:component", "an array of: name, sha, version, reference");
        else
          for (const NodePtr& c : v->items)
            if (!c->IsScalar() || !OneOf(c->scalar, {"name", "sha", "version", "reference"}) ||
                !seen.insert(c->scalar).second)
              bad(*c, "spec:component",
                  "an array of unique values among: name, sha, version, reference");
      } else if (key == "include") {
        if (!v->IsSeq()) {
          bad(*v, "spec:include", "an array of hashes");
          continue;
        }
        for (const NodePtr& item : v->items) {
          if (!item->IsMap() ||
              !(item->Has("local") || item->Has("project") || item->Has("remote"))) {
            bad(*item, "spec:include", "a hash with one of local, project or remote");
            continue;
          }
          std::vector<std::string_view> allowed = {"remote", "integrity", "cache"};
          if (item->Has("local"))
            allowed = {"local"};
          else if (item->Has("project"))
            allowed = {"project", "ref", "file"};
          for (const auto& [ik, iv] : item->entries)
            if (std::find(allowed.begin(), allowed.end(), ik->scalar) == allowed.end())
              unknown(*ik, "spec:include");
          if (item->Has("project") && !item->Has("file"))
            sink_.Report(DiagKind::YamlWrongType, item->range,
                         "spec:include config missing required keys: file");
        }
      } else {
        unknown(*k, "spec");
      }
    }
  }

  void WorkflowRule(const Node& r) {
    if (!r.IsMap()) {
      sink_.Report(DiagKind::YamlWrongType, r.range, "workflow:rules config should be an array of hashes");
      return;
    }
    for (const auto& [k, v] : r.entries) {
      if (k->scalar == "when") {
        if (!v->IsScalar() || !OneOf(v->scalar, {"always", "never"}))
          sink_.Report(DiagKind::YamlWrongType, v->range, "workflow:rules:when config should be one of: always, never");
      } else if (k->scalar == "auto_cancel") {
        AutoCancel(*v, "workflow:rules:auto_cancel");
      } else if (!OneOf(k->scalar, {"if", "changes", "exists", "variables"})) {
        sink_.Report(DiagKind::YamlUnknownKey, k->range, fmt::format("workflow:rules config contains unknown keys: {}", k->scalar));
      }
    }
  }

  void AutoCancel(const Node& v, std::string_view where) {
    if (!v.IsMap()) {
      sink_.Report(DiagKind::YamlWrongType, v.range, fmt::format("{} config should be a hash", where));
      return;
    }
    for (const auto& [k, x] : v.entries) {
      if (k->scalar == "on_new_commit") {
        if (!x->IsScalar() || !OneOf(x->scalar, {"conservative", "interruptible", "none"}))
          sink_.Report(DiagKind::YamlWrongType, x->range,
                       fmt::format("{}:on_new_commit config should be one of: conservative, interruptible, none", where));
      } else if (k->scalar == "on_job_failure") {
        if (!x->IsScalar() || !OneOf(x->scalar, {"none", "all"}))
          sink_.Report(DiagKind::YamlWrongType, x->range, fmt::format("{}:on_job_failure config should be one of: none, all", where));
      } else {
        sink_.Report(DiagKind::YamlUnknownKey, k->range, fmt::format("{} config contains unknown keys: {}", where, k->scalar));
      }
    }
  }

  // Each top-level entry spans from its key to the next top-level key of the same file.
  void BodyRanges(const GlConfig& cfg) {
    std::map<FileId, std::vector<std::pair<SourceLoc, std::string>>> by_file;
    for (const auto& [k, v] : cfg.root->entries) by_file[k->range.file].push_back({k->range.begin, k->scalar});
    for (auto& [file, keys] : by_file) {
      std::sort(keys.begin(), keys.end());
      uint32_t last = static_cast<uint32_t>(std::count(sm_.file(file).contents.begin(), sm_.file(file).contents.end(), '\n') + 2);
      for (size_t i = 0; i < keys.size(); ++i) {
        SourceRange r;
        r.file = file;
        r.begin = keys[i].first;
        r.end = i + 1 < keys.size() ? SourceLoc{keys[i + 1].first.line, 1} : SourceLoc{last, 1};
        body_ranges_[keys[i].second] = r;
      }
    }
  }

  NodePtr WithDefaults(const NodePtr& body, const Node& root) {
    const Node* inherit = body->Get("inherit");
    const Node* inherit_default = inherit && inherit->IsMap() ? inherit->Get("default") : nullptr;
    auto inherits = [&](const std::string& key) {
      if (!inherit_default) return true;
      if (auto b = inherit_default->AsBool()) return *b;
      if (inherit_default->IsSeq())
        for (const NodePtr& i : inherit_default->items)
          if (i->scalar == key) return true;
      return false;
    };
    if (!legacy_ready_) default_ = root.Get("default");
    const Node* d = default_;
    std::vector<std::pair<NodePtr, NodePtr>> entries = body->entries;
    bool changed = false;
    auto add = [&](const NodePtr& k, const NodePtr& v) {
      if (body->Has(k->scalar) || !inherits(k->scalar)) return;
      for (const auto& e : entries)
        if (e.first->scalar == k->scalar) return;
      entries.emplace_back(k, v);
      changed = true;
    };
    if (d && d->IsMap())
      for (const auto& [k, v] : d->entries) add(k, v);
    // Legacy top-level defaults (collected once: the top level can hold thousands of jobs).
    if (!legacy_ready_) {
      for (const auto& [k, v] : root.entries)
        if (OneOf(k->scalar, {"image", "services", "before_script", "after_script", "cache"}))
          legacy_.emplace_back(k, v);
      legacy_ready_ = true;
    }
    for (const auto& [k, v] : legacy_) add(k, v);
    return changed ? yaml::MakeMap(body->range, std::move(entries)) : body;
  }

  void CheckJobs(const Node& root, const GlConfig& cfg, std::vector<GlJob>& jobs) {
    std::map<std::string, const GlJob*> by_name;
    for (const GlJob& g : jobs)
      if (!g.job.hidden) by_name[g.job.name] = &g;
    bool any_visible = !by_name.empty();
    // A need may name one instance of a parallel:matrix job (`build: [x86_64]`).
    for (const GlJob& g : jobs)
      if (!g.job.hidden)
        for (const std::string& cell : g.cell_names) by_name.emplace(cell, &g);
    if (!any_visible)
      SoftenForUnreadIncludes(
          sink_.Report(DiagKind::GlNoVisibleJob, root.range, "jobs config should contain at least one visible job"),
          cfg, "the jobs");
    auto stage_index = [&](const std::string& s) -> int {
      auto it = std::find(stages_.begin(), stages_.end(), s);
      return it == stages_.end() ? -1 : static_cast<int>(it - stages_.begin());
    };
    for (GlJob& g : jobs) {
      if (g.job.hidden) continue;
      const std::string& name = g.job.name;
      int my_stage = stage_index(g.stage);
      // `$[[ inputs.x ]]` without a default is given by whoever includes this file.
      if (my_stage < 0 && g.stage.find("$[[") == std::string::npos)
        SoftenForUnreadIncludes(
            sink_.Report(DiagKind::GlUnknownStage, g.stage_range.valid() ? g.stage_range : g.job.range,
                         fmt::format("{} job: chosen stage {} does not exist; available stages are {}", name, g.stage,
                                     Join(stages_, ", "))),
            cfg, "the stages");
      const nlohmann::json& raw = g.job.raw_gitlab;
      for (std::string_view k : {"only", "except"})
        if (raw.contains("rules") && raw.contains(std::string(k)))
          sink_.Report(DiagKind::GlRulesWithOnly, g.job.range,
                       fmt::format("jobs:{} config key may not be used with rules: {}", name, k));
      if (!Complete(g)) {
        // An empty `script:` list is what GitLab reports too.
        SoftenForUnreadIncludes(
            sink_.Report(DiagKind::GlNoScript, g.job.range,
                         fmt::format("jobs:{} config should implement the script:, run:, or trigger: keyword", name)),
            cfg, "its script");
      }
      // needs
      std::map<std::string, int> seen;
      std::vector<std::string> dups;
      for (const GlNeed& n : g.needs) {
        if (n.external) continue;
        if (++seen[n.job] == 2) dups.push_back(n.job);
        auto it = by_name.find(n.job);
        if (it == by_name.end()) {
          if (!n.optional)
            SoftenForUnreadIncludes(
                sink_.Report(DiagKind::GlUndefinedNeed, n.range, fmt::format("{} job: undefined need: {}", name, n.job)),
                cfg, "the job " + n.job);
          continue;
        }
        int their = stage_index(it->second->stage);
        if (my_stage >= 0 && their > my_stage)
          sink_.Report(DiagKind::GlNeedLaterStage, n.range,
                       fmt::format("{} job: need {} is not defined in current or prior stages", name, n.job));
      }
      if (!dups.empty())
        sink_.Report(DiagKind::GlDuplicateNeeds, g.needs_range,
                     fmt::format("{} has the following needs duplicated: {}.", name, Join(dups, ", ")));
      if (g.needs.size() > kMaxNeeds)
        sink_.Report(DiagKind::GlTooManyNeeds, g.needs_range,
                     fmt::format("{}: one job can only need {} others, but you have listed {}.", name, kMaxNeeds, g.needs.size()));
      // dependencies
      for (const GlNeed& d : g.dependencies) {
        auto it = by_name.find(d.job);
        if (it == by_name.end()) {
          SoftenForUnreadIncludes(
              sink_.Report(DiagKind::GlUndefinedDependency, d.range, fmt::format("{} job: undefined dependency: {}", name, d.job)),
              cfg, "the job " + d.job);
          continue;
        }
        int their = stage_index(it->second->stage);
        if (!g.has_needs && my_stage >= 0 && their >= my_stage)
          sink_.Report(DiagKind::GlNeedLaterStage, d.range,
                       fmt::format("{} job: dependency {} is not defined in current or prior stages", name, d.job));
        if (g.has_needs && !seen.contains(d.job))
          sink_.Report(DiagKind::GlDependencyNotInNeeds, d.range,
                       fmt::format("jobs:{} dependencies the {} should be part of needs", name, d.job));
      }
    }
  }

  ir::Secret& AddSecret(ir::Pipeline& p, const std::string& name, std::string origin, SourceRange range) {
    for (ir::Secret& s : p.secrets)
      if (s.name == name) return s;
    ir::Secret s;
    s.name = name;
    s.origin = std::move(origin);
    s.range = range;
    p.secrets.push_back(std::move(s));
    return p.secrets.back();
  }

  void BuildIr(std::vector<GlJob>& jobs, ir::Pipeline& p) {
    std::map<std::string, std::vector<std::string>> expanded;  // base name -> IR job names
    for (const GlJob& g : jobs) {
      if (g.cells.empty()) expanded[g.job.name] = {g.job.name};
      else expanded[g.job.name] = g.cell_names;
    }
    for (const GlJob& g : jobs)  // a need on one matrix instance needs that instance only
      for (const std::string& cell : g.cell_names) expanded.emplace(cell, std::vector<std::string>{cell});
    for (const std::string& s : opts_.secrets) {
      SourceRange none;
      AddSecret(p, s, "--secret", none);
    }
    std::set<std::string> secret_names;
    for (const ir::Secret& s : p.secrets) secret_names.insert(s.name);

    for (GlJob& g : jobs) {
      ir::Job base = g.job;
      base.stage = g.stage;
      // GitLab's stage order: a job without `needs` waits for every job of the earlier stages.
      // (An unknown stage, already reported, orders nothing.)
      base.after_stages = !g.has_needs && std::find(stages_.begin(), stages_.end(), g.stage) != stages_.end();
      std::set<std::string> needed;
      for (const GlNeed& n : g.needs) {
        if (n.external || !expanded.contains(n.job)) continue;
        for (const std::string& target : expanded[n.job]) {
          if (!needed.insert(target).second) continue;
          ir::Need need;
          need.job = target;
          // With both `needs` and `dependencies`, only the jobs `dependencies` lists give
          // their artifacts (`dependencies: []`: none); the need stays for the order.
          need.artifacts = n.artifacts && (!g.has_dependencies ||
                                           std::any_of(g.dependencies.begin(), g.dependencies.end(),
                                                       [&](const GlNeed& d) { return d.job == n.job; }));
          need.optional = n.optional;
          need.artifacts_written = n.artifacts_explicit;
          need.origin = ir::Need::Origin::Import;
          need.range = n.range;
          base.needs.push_back(need);
        }
      }
      if (g.has_dependencies) {
        base.dependencies.emplace();
        for (const GlNeed& d : g.dependencies) base.dependencies->push_back({d.job, d.range});
      }
      // `dependencies` without `needs` download artifacts of earlier-stage jobs.
      for (const GlNeed& d : g.dependencies) {
        if (g.has_needs || !expanded.contains(d.job)) continue;
        for (const std::string& target : expanded[d.job]) {
          if (!needed.insert(target).second) continue;
          ir::Need need;
          need.job = target;
          need.artifacts = true;
          need.origin = ir::Need::Origin::StageArtifacts;
          need.range = d.range;
          base.needs.push_back(need);
        }
      }
      // Variables and secrets the job sees.
      std::set<std::string> job_vars;
      for (const GlVariable& v : g.variables) {
        job_vars.insert(v.name);
        if (v.masked) {
          AddSecret(p, v.name, "masked: true", v.range).masked = true;
          secret_names.insert(v.name);
          continue;
        }
        ir::EnvVar e;
        e.name = v.name;
        e.value.parts.push_back({ir::TextPart::Kind::Literal, v.value});
        e.range = v.range;
        base.env.push_back(std::move(e));
      }
      if (base.raw_gitlab["secrets"].is_object())
        for (const auto& [sname, _] : base.raw_gitlab["secrets"].items()) {
          AddSecret(p, sname, "secrets: (external secret store)", base.range);
          secret_names.insert(sname);
        }
      std::set<std::string> bound;
      for (size_t i = 0; i < g.variable_refs.size(); ++i) {
        const std::string& v = g.variable_refs[i];
        SourceRange at = g.variable_ref_ranges[i];
        bool is_secret = secret_names.contains(v);
        if (!is_secret && !job_vars.contains(v) && !globals_.contains(v)) {
          if (IsGitLabMaskedPredefined(v)) {
            AddSecret(p, v, "GitLab masks this predefined variable", at).masked = true;
            is_secret = true;
          } else if (!IsPredefinedVariable(v) && !g.path_vars.contains(v) && !g.script_locals.contains(v)) {
            if (auto word = CredentialWord(v)) {
              AddSecret(p, v, fmt::format("name looks like a credential ({}); whether GitLab masks it is a project setting this file does not show", *word), at);
              is_secret = true;
            }
          }
          if (is_secret) secret_names.insert(v);
        }
        if (is_secret && bound.insert(v).second) {
          ir::EnvVar e;
          e.name = v;
          e.secret = v;
          e.range = at;
          base.env.push_back(std::move(e));
        }
      }
      if (g.cells.empty()) {
        p.jobs.push_back(std::move(base));
        continue;
      }
      for (size_t i = 0; i < g.cells.size(); ++i) {
        ir::Job cell = base;
        cell.name = g.cell_names[i];
        cell.matrix = g.cells[i];
        p.jobs.push_back(std::move(cell));
      }
    }
  }

  // A job with a script, a trigger or run steps. One without is what an unread include is
  // meant to complete (then the include may give it artifacts too).
  static bool Complete(const GlJob& g) { return ir::GitLabJobHasWork(g.job); }

  // Which pipelines each job is added to: workflow:rules decide which kinds of pipeline
  // exist, then each job's rules (or only/except, or GitLab's default `only: [branches,
  // tags]`) decide per kind. Jobs whose rules may or may not match count as added.
  void Activate(const Node& root, const GlConfig& cfg, ir::Pipeline& p) {
    std::map<std::string, const GlJobDef*> defs;
    for (const GlJobDef& d : cfg.jobs) defs.emplace(d.name, &d);
    const Node* workflow = root.Get("workflow");
    const Node* workflow_rules = workflow ? workflow->Get("rules") : nullptr;
    // Only matrix values are certain: YAML variables can be overridden by project settings,
    // schedules and manual runs.
    auto context = [&](const ir::Trigger& t, const std::map<std::string, std::string>& vars) {
      TriggerContext ctx;
      ctx.kind = t.kind;
      ctx.known_vars = vars;
      return ctx;
    };
    if (workflow_rules && workflow_rules->IsSeq())
      std::erase_if(p.triggers, [&](const ir::Trigger& t) {
        return EvalGitLabRules(*workflow_rules, context(t, {})) == Tri::False;
      });
    verdicts_.clear();
    for (ir::Job& j : p.jobs) {
      auto def = defs.find(j.base_name);
      const Node* body = def == defs.end() || !def->second->body->IsMap() ? nullptr : def->second->body.get();
      const std::map<std::string, std::string>& vars = j.matrix;
      const Node* rules = body ? body->Get("rules") : nullptr;
      const Node* only = body ? body->Get("only") : nullptr;
      const Node* except = body ? body->Get("except") : nullptr;
      for (std::string_view key : {"rules", "only", "except"})
        if (const Node* k = body ? body->KeyNode(key) : nullptr; k && !j.when->range.valid()) j.when->range = k->range;
      std::map<std::string, Tri>& verdict = verdicts_[j.name];
      j.active_triggers.clear();
      for (const ir::Trigger& t : p.triggers) {
        TriggerContext ctx = context(t, vars);
        Tri runs = j.hidden ? Tri::Unknown
                   : rules  ? EvalGitLabRules(*rules, ctx)
                            : EvalGitLabOnlyExcept(only, except, ctx, workflow_rules != nullptr);
        verdict[t.Id()] = runs;
        if (runs != Tri::False) j.active_triggers.push_back(t.Id());
      }
      std::sort(j.active_triggers.begin(), j.active_triggers.end());
    }
    CheckNeedsUnderTriggers(p);
  }

  // GitLab finds this only when it builds a real pipeline: a job needs a job that the rules
  // leave out of that pipeline. Reported only when the needed job is certainly left out.
  void CheckNeedsUnderTriggers(const ir::Pipeline& p) {
    std::map<std::string_view, const ir::Job*> by_name;
    for (const ir::Job& j : p.jobs) by_name.emplace(j.name, &j);
    for (const ir::Job& j : p.jobs) {
      if (j.hidden) continue;
      const std::map<std::string, Tri>& mine = verdicts_[j.name];
      for (const ir::Need& n : j.needs) {
        if (n.origin != ir::Need::Origin::Import || n.optional) continue;
        auto found = by_name.find(n.job);
        const ir::Job* target = found == by_name.end() ? nullptr : found->second;
        if (!target) continue;
        const std::map<std::string, Tri>& theirs = verdicts_[n.job];
        std::vector<std::string> where;
        for (const auto& [id, runs] : mine) {
          auto it = theirs.find(id);
          if (runs != Tri::False && it != theirs.end() && it->second == Tri::False) where.push_back(id);
        }
        if (where.empty()) continue;
        Diagnostic& d = sink_.Report(
            DiagKind::GlNeedRemovedByRules, n.range,
            fmt::format("'{}' job needs '{}' job, but '{}' is not in any previous stage", j.name, n.job, n.job));
        d.Note(target->when->range.valid() ? target->when->range : target->range,
               fmt::format("in {} pipelines the rules of '{}' do not add it, while '{}' {} added",
                           Join(where, ", "), n.job, j.name,
                           std::all_of(where.begin(), where.end(), [&](const std::string& id) {
                             return mine.at(id) == Tri::True;
                           })
                               ? "is"
                               : "may be"));
        d.Note({}, "GitLab fails to create such a pipeline; add `optional: true` to the need, or give both jobs the same rules");
      }
    }
  }

  SourceManager& sm_;
  DiagnosticSink& sink_;
  const ImportOptions& opts_;
  std::vector<std::string> declared_;
  std::vector<std::string> stages_;
  std::set<std::string> globals_;
  std::map<std::string, std::map<std::string, Tri>> verdicts_;  // job -> trigger id -> added?
  std::map<std::string, SourceRange> body_ranges_;
  std::vector<std::pair<NodePtr, NodePtr>> legacy_;
  bool legacy_ready_ = false;
  std::set<std::tuple<uint32_t, uint32_t, DiagKind>> legacy_reported_;
  const Node* default_ = nullptr;
};

}  // namespace

std::optional<ir::Pipeline> ReadGitLab(FileId main, SourceManager& sm, DiagnosticSink& sink,
                                       const ImportOptions& opts) {
  GitLabReader reader(sm, sink, opts);
  std::optional<ir::Pipeline> p = reader.Run(main);
  if (p) ir::ResolveJobIds(*p);
  return p;
}

}  // namespace pipec::import
