#include "compiler/import/gitlab_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>

#include "compiler/import/gitlab_job.h"
#include "compiler/support/glob.h"

namespace pipec::import {

namespace {
// GitLab allows 11 levels of `extends`: an entry with `extends` and more than 10 ancestors
// fails (lib/gitlab/ci/config/extendable/entry.rb, MAX_NESTING_LEVELS = 10). This replaces
// kMaxExtendsDepth (10) of gitlab_config.h, which counted one level less than GitLab.
constexpr size_t kExtendsLevels = 11;
}  // namespace

using yaml::Node;
using yaml::NodePtr;

bool IsGitLabGlobalKey(std::string_view key) {
  static constexpr std::array<std::string_view, 12> kKeys = {
      "image",     "services", "stages",  "types",    "before_script", "after_script",
      "variables", "cache",    "include", "workflow", "default",       "spec"};
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

NodePtr DeepMerge(const NodePtr& base, const NodePtr& over) {
  if (!base) return over;
  if (!over) return base;
  if (!base->IsMap() || !over->IsMap()) return over;
  std::vector<std::pair<NodePtr, NodePtr>> entries;
  entries.reserve(base->entries.size() + over->entries.size());
  for (const auto& [k, v] : base->entries) {
    NodePtr o = over->GetPtr(k->scalar);
    entries.emplace_back(k, o ? DeepMerge(v, o) : v);
  }
  for (const auto& [k, v] : over->entries)
    if (!base->Has(k->scalar)) entries.emplace_back(k, v);
  return yaml::MakeMap(over->range, std::move(entries));
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : "") + v[i];
  return out;
}

void SoftenForUnreadIncludes(Diagnostic& d, const GlConfig& cfg, std::string_view what, bool when) {
  if (cfg.unread_includes.empty() || !when) return;
  const auto& [range, kind] = cfg.unread_includes.front();
  d.severity = Severity::Note;
  d.message += fmt::format(" (unless an unread include supplies {})", what);
  d.Note(range, fmt::format("this {} include is not read by pipec; it may define {}", kind, what));
}

namespace {


class ConfigLoader {
 public:
  ConfigLoader(SourceManager& sm, DiagnosticSink& sink, const ImportOptions& opts)
      : sm_(sm), sink_(sink), opts_(opts) {}

  std::optional<GlConfig> Run(FileId main) {
    NodePtr doc = yaml::Load(sm_, main, sink_, yaml::MergeKeys::kGitLab, opts_.limits);
    if (!doc) return std::nullopt;
    if (doc->IsNull()) {
      sink_.Report(DiagKind::GlNoVisibleJob, doc->range,
                   "jobs config should contain at least one visible job");
      return std::nullopt;
    }
    if (!doc->IsMap()) {
      sink_.Report(DiagKind::YamlWrongType, doc->range,
                   fmt::format("Invalid configuration format: the top level is a {}, not a hash",
                               doc->TypeName()));
      return std::nullopt;
    }
    GlConfig cfg;
    cfg_ = &cfg;
    seen_.insert(support::NormalizePath(std::string(sm_.Path(main))));
    cfg.root = WithIncludes(doc, cfg, 0);
    cfg.root = ResolveReferences(cfg.root, *cfg.root, 0);
    ResolveExtends(cfg);
    return cfg;
  }

 private:
  // Merges the documents `doc` includes under it (included first, `doc` wins).
  NodePtr WithIncludes(const NodePtr& doc, GlConfig& cfg, int depth) {
    const Node* inc = doc->Get("include");
    if (!inc) return doc;
    std::vector<NodePtr> items;
    if (inc->IsSeq()) {
      items = inc->items;
    } else {
      items.push_back(doc->GetPtr("include"));
    }
    NodePtr merged;
    for (const NodePtr& item : items) {
      for (const NodePtr& included : ReadInclude(*item, cfg, depth))
        merged = DeepMerge(merged, included);
    }
    return merged ? DeepMerge(merged, doc) : doc;
  }

  std::vector<NodePtr> ReadInclude(const Node& item, GlConfig& cfg, int depth) {
    std::string local;
    std::string kind;
    if (item.IsScalar()) {
      bool remote = item.scalar.rfind("http://", 0) == 0 || item.scalar.rfind("https://", 0) == 0;
      if (remote)
        kind = "remote";
      else
        local = item.scalar;
    } else if (item.IsMap()) {
      CheckIncludeKeys(item);
      if (const Node* l = item.Get("local"); l && l->IsScalar()) {
        local = l->scalar;
      } else {
        for (std::string_view k : {"remote", "template", "project", "component", "file"})
          if (item.Has(k)) {
            kind = std::string(k == "file" ? "project" : k);
            break;
          }
        if (kind.empty()) {
          sink_.Report(DiagKind::YamlWrongType, item.range,
                       "include config should be a string, or a hash with one of local, remote, "
                       "template, project or component");
          return {};
        }
      }
    } else {
      sink_.Report(
          DiagKind::YamlWrongType, item.range,
          fmt::format("include config should be a hash or a string, not a {}", item.TypeName()));
      return {};
    }
    if (!kind.empty()) {
      cfg.unread_includes.emplace_back(item.range, kind);
      cfg.includes.push_back(DescribeInclude(item, kind));
      sink_.Report(
          DiagKind::GlIncludeNotResolved, item.range,
          fmt::format("{} include is not read by pipec; jobs and keys from it are not checked",
                      kind));
      return {};
    }
    std::vector<std::string> paths;
    std::string rel = local;
    while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
    if (rel.find_first_of("*?") != std::string::npos) {
      for (const std::string& f : FsOf(opts_).ListFiles(opts_.repo_root, 100000))
        if (GlobMatch(rel, f, GlobSyntax::Path)) paths.push_back(f);
      if (paths.empty()) {
        sink_.Report(DiagKind::GlInclude, item.range,
                     fmt::format("Included file `{}` is empty or does not exist!", local));
        return {};
      }
    } else {
      paths.push_back(rel);
    }
    std::vector<NodePtr> out;
    for (const std::string& p : paths) {
      std::string full = support::JoinPath(opts_.repo_root, p);
      if (seen_.contains(full)) continue;  // each file is merged once
      if (++count_ > opts_.max_includes) {
        sink_.Report(DiagKind::GlInclude, item.range,
                     fmt::format("Maximum of {} nested includes are allowed!", opts_.max_includes));
        return out;
      }
      seen_.insert(full);
      std::optional<std::string> text = FsOf(opts_).Read(full);
      if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos) {
        sink_.Report(
            DiagKind::GlInclude, item.range,
            fmt::format("Included file `{}` is empty or does not exist!", local == p ? local : p));
        continue;
      }
      FileId id = sm_.AddFile(full, std::move(*text));
      cfg.included.push_back(full);
      NodePtr doc = yaml::Load(sm_, id, sink_, yaml::MergeKeys::kGitLab, opts_.limits);
      if (!doc) continue;
      if (!doc->IsMap()) {
        sink_.Report(DiagKind::YamlWrongType, doc->range,
                     fmt::format("Included file `{}` does not have valid YAML syntax!", p));
        continue;
      }
      out.push_back(WithIncludes(doc, cfg, depth + 1));
    }
    return out;
  }

  ir::Include DescribeInclude(const Node& item, std::string_view kind) const {
    ir::Include inc;
    inc.range = item.range;
    inc.kind = kind == "remote"      ? ir::Include::Kind::Remote
               : kind == "template"  ? ir::Include::Kind::Template
               : kind == "project"   ? ir::Include::Kind::Project
                                     : ir::Include::Kind::Component;
    if (item.IsScalar()) {
      inc.location = item.scalar;
      return inc;
    }
    auto text = [&](std::string_view key) {
      const Node* n = item.Get(key);
      return n && n->IsScalar() ? n->scalar : std::string();
    };
    inc.location = text(kind);
    if (inc.kind == ir::Include::Kind::Project) {
      inc.ref = text("ref");
      // `ref: $[[ inputs.ref ]]` arrives here with the input's default filled in; the caller
      // of the template chooses it, so it is kept as the variable it is written as.
      if (const Node* r = item.Get("ref"); r && r->range.valid() &&
                                            sm_.Line(r->range.file, r->range.begin.line).find("$[[") !=
                                                std::string_view::npos)
        inc.ref = "$[[ input ]]";
    }
    if (inc.kind == ir::Include::Kind::Remote) inc.integrity = item.Has("integrity");
    if (inc.kind == ir::Include::Kind::Component) {
      size_t at = inc.location.rfind('@');
      if (at != std::string::npos) {
        inc.ref = inc.location.substr(at + 1);
        inc.location.resize(at);
      }
    }
    return inc;
  }

  // The keys each form of include allows; a project include needs a project path and a file.
  void CheckIncludeKeys(const Node& item) {
    std::vector<std::string_view> allowed;
    if (item.Has("local"))
      allowed = {"local"};
    else if (item.Has("project"))
      allowed = {"project", "ref", "file"};
    else if (item.Has("template"))
      allowed = {"template"};
    else if (item.Has("component"))
      allowed = {"component"};
    else if (item.Has("remote"))
      allowed = {"remote", "integrity", "cache"};
    else if (item.Has("file")) {
      sink_.Report(DiagKind::YamlWrongType, item.range,
                   "include config missing required keys: project");
      return;
    } else {
      return;  // reported by the caller
    }
    allowed.push_back("rules");
    allowed.push_back("inputs");
    for (const auto& [k, v] : item.entries)
      if (std::find(allowed.begin(), allowed.end(), k->scalar) == allowed.end())
        sink_.Report(DiagKind::YamlUnknownKey, k->range,
                     fmt::format("include config contains unknown keys: {}", k->scalar));
    if (const Node* in = item.Get("inputs")) CheckGitLabInputValues(*in, "include:inputs", sink_);
    if (const Node* p = item.Get("project")) {
      if (!IsGitLabProjectPath(*p))
        sink_.Report(DiagKind::YamlWrongType, p->range,
                     "include:project config should be a full project path such as group/project");
      if (!item.Has("file"))
        sink_.Report(DiagKind::YamlWrongType, item.range,
                     "include config missing required keys: file");
    }
  }

  // Replaces `!reference [a, b, ...]` by what it points at (nested up to 10 levels).
  NodePtr ResolveReferences(const NodePtr& n, const Node& root, size_t depth) {
    if (n->tag == "!reference") return Dereference(n, root, depth);
    if (n->IsSeq()) {
      std::vector<NodePtr> items;
      bool changed = false;
      for (const NodePtr& i : n->items) {
        items.push_back(ResolveReferences(i, root, depth));
        changed |= items.back() != i;
      }
      return changed ? yaml::MakeSeq(n->range, std::move(items)) : n;
    }
    if (n->IsMap()) {
      std::vector<std::pair<NodePtr, NodePtr>> entries;
      bool changed = false;
      for (const auto& [k, v] : n->entries) {
        entries.emplace_back(k, ResolveReferences(v, root, depth));
        changed |= entries.back().second != v;
      }
      return changed ? yaml::MakeMap(n->range, std::move(entries)) : n;
    }
    return n;
  }

  NodePtr Dereference(const NodePtr& n, const Node& root, size_t depth) {
    std::vector<std::string> path;
    bool ok = n->IsSeq() && !n->items.empty();
    for (const NodePtr& i : n->items) {
      ok &= i->IsScalar();
      if (i->IsScalar()) path.push_back(i->scalar);
    }
    std::string shown = "[" + Join(path, ", ") + "]";
    if (!ok) {
      sink_.Report(DiagKind::GlReference, n->range, "!reference must be a list of key names");
      return yaml::MakeSeq(n->range, {});
    }
    if (depth >= kMaxReferenceDepth) {
      sink_.Report(DiagKind::GlReference, n->range,
                   fmt::format("!reference {} is nested too deep (more than {} levels)", shown,
                               kMaxReferenceDepth));
      return yaml::MakeSeq(n->range, {});
    }
    const Node* at = &root;
    NodePtr target;
    for (const std::string& key : path) {
      target = at->GetPtr(key);
      if (!target) {
        SoftenForUnreadIncludes(sink_.Report(DiagKind::GlReference, n->range,
                                             fmt::format("!reference {} could not be found", shown)),
                                *cfg_, fmt::format("{}", path.front()));
        return yaml::MakeSeq(n->range, {});
      }
      at = target.get();
    }
    return ResolveReferences(target, root, depth + 1);
  }

  void ResolveExtends(GlConfig& cfg) {
    for (const auto& [k, v] : cfg.root->entries) {
      if (IsGitLabGlobalKey(k->scalar)) continue;
      GlJobDef def;
      def.name = k->scalar;
      def.key = k;
      def.hidden = !k->scalar.empty() && k->scalar[0] == '.';
      def.body = v;
      def.own_body = v;
      cfg.jobs.push_back(def);
    }
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < cfg.jobs.size(); ++i) index[cfg.jobs[i].name] = i;
    // The parents an entry names, when `extends` is well-formed (else empty).
    auto parents_of = [&](size_t i) {
      std::vector<const Node*> parents;
      const NodePtr& body = cfg.jobs[i].body;
      const Node* ext = body->IsMap() ? body->Get("extends") : nullptr;
      if (!ext) return parents;
      if (ext->IsScalar()) parents.push_back(ext);
      else if (ext->IsSeq())
        for (const NodePtr& p : ext->items) parents.push_back(p.get());
      for (const Node* p : parents)
        if (!p->IsScalar()) return std::vector<const Node*>{};
      return parents;
    };
    // levels[i]: the longest `extends` chain below entry i, capped at kExtendsLevels + 1
    // (exact up to there, which is all the limit needs). Computed once per entry, bottom up
    // with an explicit stack, so a 100,000-long chain neither recurses nor repeats work;
    // a cycle counts as no further level (it is reported below).
    std::vector<size_t> levels(cfg.jobs.size(), 0);
    {
      std::vector<int> state(cfg.jobs.size(), 0);  // 0 new, 1 on the stack, 2 done
      for (size_t root = 0; root < cfg.jobs.size(); ++root) {
        if (state[root]) continue;
        std::vector<std::pair<size_t, size_t>> stack{{root, 0}};  // (entry, next parent)
        state[root] = 1;
        while (!stack.empty()) {
          auto& [i, next] = stack.back();
          std::vector<const Node*> parents = parents_of(i);
          if (next < parents.size()) {
            auto it = index.find(parents[next++]->scalar);
            if (it != index.end() && state[it->second] == 0 && cfg.jobs[it->second].body->IsMap()) {
              state[it->second] = 1;
              stack.push_back({it->second, 0});
            }
            continue;
          }
          size_t level = 0;
          for (const Node* p : parents)
            if (auto it = index.find(p->scalar); it != index.end() && state[it->second] == 2)
              level = std::max(level, std::min(levels[it->second] + 1, kExtendsLevels + 1));
          levels[i] = level;
          state[i] = 2;
          stack.pop_back();
        }
      }
    }
    // GitLab (lib/gitlab/ci/config/extendable/entry.rb) stops at the first entry with `extends`
    // that has more than 10 ancestors: at most 11 levels. Its message names that entry; the
    // configuration is then invalid, so one report is enough, as in GitLab.
    std::set<size_t> too_deep;
    for (size_t i = 0; i < cfg.jobs.size(); ++i) {
      if (levels[i] <= kExtendsLevels) continue;
      too_deep.insert(i);
      if (too_deep.size() > 1) continue;
      std::vector<std::string> chain{cfg.jobs[i].name};
      size_t at = i;
      for (size_t depth = 0; depth < kExtendsLevels; ++depth) {
        for (const Node* p : parents_of(at)) {
          auto it = index.find(p->scalar);
          if (it != index.end() && levels[it->second] + depth + 1 > kExtendsLevels) {
            at = it->second;
            break;
          }
        }
        chain.push_back(cfg.jobs[at].name);
      }
      sink_
          .Report(DiagKind::GlExtends, cfg.jobs[i].key->range,
                  fmt::format("{}: nesting too deep in `extends`", cfg.jobs[at].name))
          .Note({}, fmt::format("chain: {} -> ...; GitLab allows {} levels of `extends`",
                                Join(chain, " -> "), kExtendsLevels));
    }
    std::map<std::string, NodePtr> done;
    std::map<std::string, std::vector<std::string>> chains;
    std::map<std::string, std::vector<std::string>> direct;
    std::set<std::string> broken;
    // Resolves one entry; `path` is the chain from the job being resolved (for cycles). Each
    // entry is merged once (`done`); too-deep entries keep their own body, so the recursion
    // is at most kExtendsLevels + 1 deep.
    std::function<NodePtr(size_t, std::vector<std::string>&)> resolve =
        [&](size_t i, std::vector<std::string>& path) -> NodePtr {
      const GlJobDef& def = cfg.jobs[i];
      if (auto it = done.find(def.name); it != done.end()) return it->second;
      const Node* ext = def.body->IsMap() ? def.body->Get("extends") : nullptr;
      if (!ext) return done[def.name] = def.body;
      std::vector<const Node*> parents;
      if (ext->IsScalar())
        parents.push_back(ext);
      else if (ext->IsSeq())
        for (const NodePtr& p : ext->items) parents.push_back(p.get());
      bool bad_type = !ext->IsScalar() && !ext->IsSeq();
      for (const Node* p : parents) bad_type |= !p->IsScalar();
      if (bad_type) {
        sink_.Report(DiagKind::YamlWrongType, ext->range,
                     fmt::format("jobs:{}:extends config should be a string or a nested array of "
                                 "strings up to 10 levels deep",
                                 def.name));
        return done[def.name] = def.body;
      }
      if (too_deep.count(i)) return done[def.name] = def.body;
      NodePtr base;
      std::vector<std::string> chain;
      for (const Node* p : parents) {
        auto it = index.find(p->scalar);
        if (it == index.end()) {
          SoftenForUnreadIncludes(
              sink_.Report(DiagKind::GlExtends, p->range,
                           fmt::format("{}: unknown keys in `extends` ({})", def.name, p->scalar)),
              cfg, p->scalar);
          continue;
        }
        if (std::find(path.begin(), path.end(), p->scalar) != path.end()) {
          std::vector<std::string> cycle(std::find(path.begin(), path.end(), p->scalar),
                                         path.end());
          cycle.push_back(p->scalar);
          if (broken.insert(def.name).second)
            sink_
                .Report(DiagKind::GlExtends, p->range,
                        fmt::format("{}: circular dependency detected in `extends`", def.name))
                .Note(p->range, fmt::format("cycle: {}", Join(cycle, " -> ")));
          continue;
        }
        if (!cfg.jobs[it->second].body->IsMap()) continue;
        path.push_back(p->scalar);
        NodePtr parent = resolve(it->second, path);
        path.pop_back();
        base = DeepMerge(base, parent);
        for (const std::string& c : chains[p->scalar]) chain.push_back(c);
        chain.push_back(p->scalar);
        direct[def.name].push_back(p->scalar);
      }
      // A diamond (two parents sharing an ancestor) names the ancestor twice: keep its last
      // place (the later merge wins), so chains stay as long as the distinct ancestors.
      std::vector<std::string> unique;
      std::set<std::string> seen;
      for (auto c = chain.rbegin(); c != chain.rend(); ++c)
        if (seen.insert(*c).second) unique.push_back(*c);
      chains[def.name].assign(unique.rbegin(), unique.rend());
      return done[def.name] = base ? DeepMerge(base, def.body) : def.body;
    };
    for (size_t i = 0; i < cfg.jobs.size(); ++i) {
      std::vector<std::string> path{cfg.jobs[i].name};
      NodePtr body = resolve(i, path);
      cfg.jobs[i].body = body;
    }
    for (GlJobDef& def : cfg.jobs) {
      def.extends_chain = chains[def.name];
      def.parents = direct[def.name];
    }
  }

  SourceManager& sm_;
  DiagnosticSink& sink_;
  const ImportOptions& opts_;
  std::set<std::string> seen_;
  const GlConfig* cfg_ = nullptr;  // the config being loaded (for findings an include may explain)
  size_t count_ = 0;
};

}  // namespace

std::optional<GlConfig> LoadGitLabConfig(FileId main, SourceManager& sm, DiagnosticSink& sink,
                                         const ImportOptions& opts) {
  ConfigLoader loader(sm, sink, opts);
  return loader.Run(main);
}

}  // namespace pipec::import
