// Templates: the `default` block and template chains, with argument binding.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

void Analyzer::BuildSpecs() {
  const ast::File& f = *main_->ast;
  std::vector<char> first(f.jobs.size());  // the job is the first of its name (not a duplicate)
  for (size_t i = 0; i < f.jobs.size(); ++i) {
    const ast::JobDecl& j = f.jobs[i];
    auto [it, fresh] = job_decls_.try_emplace(j.name.text, &j);
    if (!fresh) {
      Duplicate("job", j.name.text, j.name.range, it->second->name.range);
      continue;
    }
    first[i] = 1;
  }
  // The environments of `default`'s items and of each job's own items are the same for every
  // job: one each (two, so that items of the two layers never share one; LowerEnv tells
  // layers apart by environment).
  auto default_env = std::make_shared<Env>(Env{main_, {}, "", {}});
  auto own_env = std::make_shared<Env>(Env{main_, {}, "", {}});
  specs_.reserve(f.jobs.size());
  for (size_t i = 0; i < f.jobs.size(); ++i) {
    const ast::JobDecl& j = f.jobs[i];
    if (!first[i]) continue;
    JobSpec spec;
    spec.decl = &j;
    int layer = 0;
    if (!f.defaults.empty()) {
      for (const ast::JobItem& item : f.defaults[0].items) {
        if (!AllowedInDefault(item, default_env)) continue;
        spec.items.push_back({&item, default_env, layer});
      }
    }
    ++layer;
    if (j.base) {
      std::vector<std::string> chain;
      if (!Instantiate(*j.base, main_, {}, j.base->range, spec, layer, chain, 0)) spec.ok = false;
    }
    spec.job_layer = layer;
    spec.items.reserve(spec.items.size() + j.items.size());
    for (const ast::JobItem& item : j.items) spec.items.push_back({&item, own_env, layer});
    ExpandMatrix(spec);
    specs_.push_back(std::move(spec));
  }
}

bool Analyzer::AllowedInDefault(const ast::JobItem& item, const std::shared_ptr<Env>& env) {
  const auto& v = item.value;
  bool ok =
      std::holds_alternative<ast::ImageItem>(v) || std::holds_alternative<ast::ServicesItem>(v) ||
      std::holds_alternative<ast::RunnerItem>(v) || std::holds_alternative<ast::ShellItem>(v) ||
      std::holds_alternative<ast::EnvItem>(v) || std::holds_alternative<ast::TimeoutItem>(v) ||
      std::holds_alternative<ast::RetryItem>(v) || std::holds_alternative<ast::UsesCacheItem>(v) ||
      std::holds_alternative<ast::RawItem>(v) || std::holds_alternative<ast::SetupItem>(v) ||
      std::holds_alternative<ast::TeardownItem>(v);
  if (!ok)
    Report(DiagKind::ConflictingItems, item.range,
           fmt::format("`{}` cannot be set in `default`; it takes image, services, runner, shell, "
                       "env, timeout, retry, uses cache, setup, teardown and raw",
                       item.Keyword()));
  return ok;
}

// Adds the items of template `base` (and its own bases, first) to `spec`.
bool Analyzer::Instantiate(const ast::Base& base, Module* from,
                           const std::map<std::string, Binding>& outer, SourceRange use_site,
                           JobSpec& spec, int& layer, std::vector<std::string>& chain,
                           size_t depth) {
  Env lookup_env{from, outer, chain.empty() ? "" : chain.back(), use_site};
  TemplateSym* t = Lookup(from, base.name, &ModuleScope::templates, "template",
                          chain.empty() ? nullptr : &lookup_env);
  if (!t) return false;
  t->used = true;
  std::string key = t->module->display + "::" + t->decl->name.text;
  bool cycle = std::find(chain.begin(), chain.end(), key) != chain.end();
  if (cycle || depth >= kMaxTemplateDepth) {
    std::string path;
    for (const std::string& c : chain) path += c.substr(c.find("::") + 2) + " -> ";
    path += t->decl->name.text;
    // A long chain that never repeats is not recursion: say which limit it hit.
    std::string message =
        cycle ? fmt::format("template recursion: {}", path)
              : fmt::format("template chain deeper than {} levels (the depth limit; no cycle): {}",
                            kMaxTemplateDepth, path);
    Report(cycle ? DiagKind::TemplateRecursion : DiagKind::TemplateTooDeep, base.name.range, message)
        .Note(t->decl->name.range,
              fmt::format("template `{}` is declared here", t->decl->name.text));
    return false;
  }
  // Bind arguments to parameters: named, typed, defaulted.
  std::map<std::string, Binding> params;
  bool ok = true;
  std::set<std::string> given;
  Env arg_env{from, outer, chain.empty() ? "" : chain.back(), use_site};
  for (const ast::Arg& a : base.args) {
    const ast::Param* p = nullptr;
    for (const ast::Param& cand : t->decl->params)
      if (cand.name.text == a.name.text) p = &cand;
    if (!p) {
      std::vector<std::pair<std::string, SourceRange>> cands;
      for (const ast::Param& cand : t->decl->params)
        cands.push_back({cand.name.text, cand.name.range});
      Diagnostic& d = Report(
          DiagKind::TemplateArgError, a.name.range,
          fmt::format("template `{}` has no parameter `{}`", t->decl->name.text, a.name.text));
      auto close = ClosestNames(a.name.text, [&] {
        std::vector<std::string> n;
        for (auto& c : cands) n.push_back(c.first);
        return n;
      }());
      if (!close.empty()) d.message += fmt::format("; did you mean `{}`?", close[0]);
      d.Note(t->decl->name.range,
             fmt::format("template `{}` is declared here", t->decl->name.text));
      ok = false;
      continue;
    }
    if (!given.insert(a.name.text).second) {
      Report(DiagKind::TemplateArgError, a.name.range,
             fmt::format("argument `{}` is given twice", a.name.text));
      ok = false;
      continue;
    }
    ir::Type want = TypeOf(p->type);
    if (want.kind == TypeKind::Secret) {
      auto b = SecretArg(a.value, arg_env);
      if (!b) {
        Report(DiagKind::TypeMismatch, a.value.range,
               fmt::format("parameter `{}` of template `{}` expects a secret; pass a declared "
                           "secret's name",
                           p->name.text, t->decl->name.text))
            .Note(p->range, "parameter declared here");
        ok = false;
        continue;
      }
      params[p->name.text] = *b;
      continue;
    }
    auto v = EvalTyped(a.value, want, arg_env, Where::Formatted([&] {
                         return fmt::format("parameter `{}` of template `{}`", p->name.text,
                                            t->decl->name.text);
                       }));
    if (!v) {
      if (!sink_.diagnostics().empty())
        sink_.mutable_diagnostics().back().Note(p->range, "parameter declared here");
      ok = false;
      continue;
    }
    params[p->name.text] = Binding{false, *v, ""};
  }
  for (const ast::Param& p : t->decl->params) {
    if (params.count(p.name.text) || given.count(p.name.text)) continue;
    if (!p.default_value) {
      Report(DiagKind::TemplateArgError, base.range,
             fmt::format("template `{}` needs argument `{}` ({})", t->decl->name.text, p.name.text,
                         ir::TypeName(TypeOf(p.type))))
          .Note(p.range, "parameter declared here");
      ok = false;
      continue;
    }
    ir::Type want = TypeOf(p.type);
    // Defaults are evaluated in the template's own module, with earlier parameters in scope.
    Env def_env{t->module, params, t->decl->name.text, use_site};
    if (want.kind == TypeKind::Secret) {
      auto b = SecretArg(*p.default_value, def_env);
      if (b) params[p.name.text] = *b;
      continue;
    }
    auto v = EvalTyped(*p.default_value, want, def_env, Where::Formatted([&] {
      return fmt::format("the default of parameter `{}`", p.name.text);
    }));
    if (v)
      params[p.name.text] = Binding{false, *v, ""};
    else
      ok = false;
  }
  if (!ok) return false;
  chain.push_back(key);
  spec.expanded_from.push_back(t->decl->name.range);
  if (t->decl->base) {
    if (!Instantiate(*t->decl->base, t->module, params, use_site, spec, layer, chain, depth + 1)) {
      chain.pop_back();
      return false;
    }
  }
  // The bindings are the environment's now (not copied: every templated job makes one).
  auto env =
      std::make_shared<Env>(Env{t->module, std::move(params), t->decl->name.text, use_site});
  for (const ast::JobItem& item : t->decl->items) spec.items.push_back({&item, env, layer});
  ++layer;
  chain.pop_back();
  return true;
}

}  // namespace pipec::sema
