// Modules and names: each module's scope, imports, and lookups with "did you mean".
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

template <typename Sym>
void Analyzer::AddImported(std::map<std::string, Sym*>& into, const ast::Ident& sel, Sym* sym) {
  auto it = into.find(sel.text);
  if (it != into.end() && it->second != sym) {
    Duplicate("name", sel.text, sel.range, it->second->decl->name.range);
    return;
  }
  into[sel.text] = sym;
}

template <typename Sym>
Sym* Analyzer::Lookup(Module* m, const ast::QualifiedName& q,
                      std::map<std::string, Sym*> ModuleScope::*member, std::string_view what,
                      const Env* env) {
  ModuleScope& s = scopes_[m];
  if (q.parts.size() == 1) {
    auto& table = s.*member;
    if (auto it = table.find(q.parts[0].text); it != table.end()) return it->second;
    std::vector<std::pair<std::string, SourceRange>> cands;
    for (auto& [n, sym] : table) cands.push_back({n, sym->decl->name.range});
    for (auto& [qual, mod] : s.qualifiers)
      for (auto& [n, sym] : scopes_[mod].*member)
        cands.push_back({qual + "." + n, sym->decl->name.range});
    Unknown(env, q.range, what, q.parts[0].text, cands);
    return nullptr;
  }
  if (q.parts.size() == 2) {
    auto qit = s.qualifiers.find(q.parts[0].text);
    if (qit == s.qualifiers.end()) {
      std::vector<std::pair<std::string, SourceRange>> cands;
      for (auto& [qual, mod] : s.qualifiers) cands.push_back({qual, {}});
      Unknown(env, q.parts[0].range, "module", q.parts[0].text, cands);
      if (q.parts[0].text.size() && cands.empty())
        sink_.mutable_diagnostics().back().Note(
            {}, fmt::format("import it first, e.g. `import std/{}`", q.parts[0].text));
      return nullptr;
    }
    auto& table = scopes_[qit->second].*member;
    if (auto it = table.find(q.parts[1].text); it != table.end()) return it->second;
    std::vector<std::pair<std::string, SourceRange>> cands;
    for (auto& [n, sym] : table) cands.push_back({n, sym->decl->name.range});
    Unknown(env, q.parts[1].range, fmt::format("{} in {}", what, qit->second->display),
            q.parts[1].text, cands);
    return nullptr;
  }
  (env ? ReportIn(*env, DiagKind::UnknownName, q.range, "")
       : Report(DiagKind::UnknownName, q.range, ""))
      .message = fmt::format("`{}` is not a {} name", q.Joined(), what);
  return nullptr;
}

void Analyzer::BuildScope(Module& m) {
  ModuleScope& s = scopes_[&m];
  const ast::File& f = *m.ast;
  for (const ast::TemplateDecl& t : f.templates) {
    if (auto it = s.templates.find(t.name.text); it != s.templates.end()) {
      Duplicate("template", t.name.text, t.name.range, it->second->decl->name.range);
      continue;
    }
    auto sym = std::make_unique<TemplateSym>(TemplateSym{&t, &m, false});
    s.templates[t.name.text] = sym.get();
    templates_.push_back(std::move(sym));
  }
  for (const ast::VarDecl& v : f.vars) {
    if (auto it = s.vars.find(v.name.text); it != s.vars.end()) {
      Duplicate("var", v.name.text, v.name.range, it->second->decl->name.range);
      continue;
    }
    auto sym = std::make_unique<VarSym>();
    sym->decl = &v;
    sym->module = &m;
    s.vars[v.name.text] = sym.get();
    all_vars_.push_back({v.name.text, sym.get()});
    vars_.push_back(std::move(sym));
  }
  for (const ast::CacheDecl& c : f.caches) {
    if (auto it = s.caches.find(c.name.text); it != s.caches.end()) {
      Duplicate("cache", c.name.text, c.name.range, it->second->decl->name.range);
      continue;
    }
    auto sym = std::make_unique<CacheSym>(CacheSym{&c, &m, false});
    s.caches[c.name.text] = sym.get();
    caches_.push_back(std::move(sym));
  }
  if (&m != main_) {
    // Modules share templates, vars and caches; the pipeline itself lives in the main file.
    auto refuse = [&](SourceRange r, std::string_view what) {
      Report(DiagKind::ImportError, r,
             fmt::format("{} cannot be declared in an imported module ({}); modules hold "
                         "templates, vars and caches",
                         what, m.display));
    };
    for (const auto& j : f.jobs) refuse(j.name.range, "a job");
    for (const auto& t : f.triggers) refuse(t.range, "a trigger");
    for (const auto& s2 : f.secrets) refuse(s2.name.range, "a secret");
    for (const auto& d : f.defaults) refuse(d.range, "a default block");
    for (const auto& st : f.stages) refuse(st.range, "stages");
  }
}

void Analyzer::ResolveImports(Module& m) {
  ModuleScope& s = scopes_[&m];
  for (size_t i = 0; i < m.ast->imports.size(); ++i) {
    const ast::Import& imp = m.ast->imports[i];
    Module* target = i < m.imports.size() ? m.imports[i] : nullptr;
    if (!target || !target->ast) continue;
    std::string qual = imp.alias ? imp.alias->text : target->name;
    if (auto it = s.qualifiers.find(qual); it != s.qualifiers.end() && it->second != target) {
      Report(DiagKind::DuplicateDefinition, imp.range,
             fmt::format("two imports are both called `{}`; rename one with `as`", qual));
    }
    s.qualifiers[qual] = target;
    ModuleScope& ts = scopes_[target];
    for (const ast::Ident& sel : imp.selection) {
      bool found = false;
      if (auto it = ts.templates.find(sel.text); it != ts.templates.end()) {
        AddImported(s.templates, sel, it->second);
        found = true;
      }
      if (auto it = ts.vars.find(sel.text); it != ts.vars.end()) {
        AddImported(s.vars, sel, it->second);
        found = true;
      }
      if (auto it = ts.caches.find(sel.text); it != ts.caches.end()) {
        AddImported(s.caches, sel, it->second);
        found = true;
      }
      if (!found) {
        std::vector<std::pair<std::string, SourceRange>> cands;
        for (auto& [n, t] : ts.templates) cands.push_back({n, t->decl->name.range});
        for (auto& [n, v] : ts.vars) cands.push_back({n, v->decl->name.range});
        for (auto& [n, c] : ts.caches) cands.push_back({n, c->decl->name.range});
        Unknown(nullptr, sel.range, fmt::format("name in {}", target->display), sel.text, cands);
      }
    }
  }
}

// Lookup is used for templates, vars and caches from several files.
template TemplateSym* Analyzer::Lookup(Module*, const ast::QualifiedName&,
                                       std::map<std::string, TemplateSym*> ModuleScope::*,
                                       std::string_view, const Env*);
template VarSym* Analyzer::Lookup(Module*, const ast::QualifiedName&,
                                  std::map<std::string, VarSym*> ModuleScope::*, std::string_view,
                                  const Env*);
template CacheSym* Analyzer::Lookup(Module*, const ast::QualifiedName&,
                                    std::map<std::string, CacheSym*> ModuleScope::*,
                                    std::string_view, const Env*);

}  // namespace pipec::sema
