#include "compiler/import/gitlab_templates.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>

namespace pipec::import {

using yaml::Node;
using yaml::NodePtr;

namespace {

constexpr char kSep = '\x1e';             // joins the parents of a several-parent template's key
constexpr size_t kMaxTemplateDepth = 32;  // Pipe's template chain limit

std::string IrName(const std::string& key) {
  return "\x1f"
         "template " +
         key;
}

std::string Stripped(const std::string& name) {
  return !name.empty() && (name[0] == '.' || name[0] == '&') ? name.substr(1) : name;
}

class TemplateCollector {
 public:
  TemplateCollector(const GlConfig& cfg, const SourceManager& sm, std::vector<GlJob>& jobs,
                    ImportTemplates& out)
      : cfg_(cfg), sm_(sm), jobs_(jobs), out_(out) {
    for (const GlJobDef& d : cfg.jobs) {
      defs_[d.name] = &d;
      if (d.hidden && d.own_body) hidden_bodies_[d.own_body.get()] = &d;
    }
    // Anchored mappings merged into some entry with `<<` (the only anchors worth a template).
    for (const GlJobDef& d : cfg.jobs)
      if (d.own_body)
        for (const NodePtr& m : d.own_body->merged_from)
          if (!m->anchor.empty() && !hidden_bodies_.contains(m.get()) &&
              !anchors_.contains(m->anchor))
            anchors_[m->anchor] = m;
  }

  std::map<std::string, size_t> Run() {
    for (const GlJobDef& d : cfg_.jobs) {
      if (d.hidden) {
        Need(d.name, 0);
        continue;
      }
      std::vector<std::string> usable;
      for (const std::string& b : BasesOf(d))
        if (Need(b, 0)) usable.push_back(b);
      if (!usable.empty()) out_.job_bases[d.name] = usable;
    }
    if (const Node* d = cfg_.root->Get("default"); d && d->IsMap()) {
      DiagnosticSink scratch;  // reported by the reader already
      out_.defaults = ReadGitLabJob("default", *d, *d, sm_, scratch).job;
    }
    return by_ir_name_;
  }

 private:
  // What `d` is built on: its `extends` parents (one template, or one for the several), or else
  // the anchored mappings merged into it with `<<`.
  std::vector<std::string> BasesOf(const GlJobDef& d) {
    if (d.parents.size() == 1) return {d.parents[0]};
    if (d.parents.size() > 1) return {Join(d.parents, std::string(1, kSep))};
    std::vector<std::string> out;
    if (!d.own_body || !d.body || !d.extends_chain.empty()) return out;
    for (const NodePtr& m : d.own_body->merged_from) {
      std::string key;
      if (auto h = hidden_bodies_.find(m.get()); h != hidden_bodies_.end())
        key = h->second->name;
      else if (!m->anchor.empty())
        key = "&" + m->anchor;
      if (!key.empty() && key != d.name && std::find(out.begin(), out.end(), key) == out.end())
        out.push_back(key);
    }
    return out;
  }

  bool Need(const std::string& key, size_t depth) {
    if (index_.contains(key)) return true;
    if (failed_.contains(key) || depth > kMaxTemplateDepth || !busy_.insert(key).second)
      return false;
    NodePtr body;
    const Node* at = nullptr;
    ImportTemplate t;
    t.key = key;
    if (auto def = defs_.find(key); def != defs_.end()) {
      body = def->second->body;
      at = def->second->key.get();
      t.bases = BasesOf(*def->second);
      t.origin = def->second->hidden ? fmt::format("hidden job {}", key)
                                     : fmt::format("job {}, an `extends` parent", key);
      t.job.base_name = Stripped(key);
    } else if (key[0] == '&' && anchors_.contains(key.substr(1))) {
      body = anchors_[key.substr(1)];
      at = body.get();
      t.origin = fmt::format("YAML anchor {}", key);
      t.job.base_name = Stripped(key);
    } else if (key.find(kSep) != std::string::npos) {
      std::vector<std::string> parents;
      size_t start = 0;
      while (start <= key.size()) {
        size_t end = key.find(kSep, start);
        if (end == std::string::npos) end = key.size();
        parents.push_back(key.substr(start, end - start));
        start = end + 1;
      }
      std::vector<std::string> names;
      for (const std::string& p : parents) {
        auto def = defs_.find(p);
        if (def == defs_.end()) break;
        body = DeepMerge(body, def->second->body);
        at = def->second->key.get();
        names.push_back(Stripped(p));
      }
      if (names.size() != parents.size()) body = nullptr;
      // The last parent wins most keys in GitLab's merge: try it as the base first.
      t.bases.assign(parents.rbegin(), parents.rend());
      t.origin = fmt::format("what `extends: [{}]` merges", Join(parents, ", "));
      t.job.base_name = Join(names, "_");
    }
    busy_.erase(key);
    if (!body || !body->IsMap() || !at) {
      failed_.insert(key);
      return false;
    }
    std::vector<std::string> usable;
    busy_.insert(key);
    for (const std::string& b : t.bases)
      if (Need(b, depth + 1)) usable.push_back(b);
    busy_.erase(key);
    t.bases = usable;
    DiagnosticSink scratch;  // templates are not validated, as in GitLab
    GlJob g = ReadGitLabJob(IrName(key), *at, *body, sm_, scratch);
    if (!g.cells.empty()) {  // `parallel` in a template: each job writes its cells out
      failed_.insert(key);
      return false;
    }
    if (!body->Has("stage")) g.stage.clear();
    g.job.hidden = true;
    std::string base_name = t.job.base_name;
    jobs_.push_back(std::move(g));
    index_[key] = out_.templates.size();
    by_ir_name_[IrName(key)] = out_.templates.size();
    out_.templates.push_back(std::move(t));
    out_.templates.back().job.base_name = base_name;
    return true;
  }

  const GlConfig& cfg_;
  const SourceManager& sm_;
  std::vector<GlJob>& jobs_;
  ImportTemplates& out_;
  std::map<std::string, const GlJobDef*> defs_;
  std::map<const Node*, const GlJobDef*> hidden_bodies_;
  std::map<std::string, NodePtr> anchors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, size_t> by_ir_name_;
  std::set<std::string> failed_;
  std::set<std::string> busy_;
};

}  // namespace

std::map<std::string, size_t> CollectTemplateSources(const GlConfig& cfg, const SourceManager& sm,
                                                     std::vector<GlJob>& jobs,
                                                     ImportTemplates& out) {
  TemplateCollector c(cfg, sm, jobs, out);
  return c.Run();
}

void TakeTemplateJobs(ir::Pipeline& p, const std::map<std::string, size_t>& sources,
                      ImportTemplates& out) {
  std::vector<ir::Job> kept;
  for (ir::Job& j : p.jobs) {
    auto it = sources.find(j.name);
    if (it == sources.end()) {
      kept.push_back(std::move(j));
      continue;
    }
    std::string shown = out.templates[it->second].job.base_name;
    out.templates[it->second].job = std::move(j);
    out.templates[it->second].job.name = shown;
    out.templates[it->second].job.base_name = shown;
  }
  p.jobs = std::move(kept);
}

}  // namespace pipec::import
