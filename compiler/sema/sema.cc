#include "compiler/sema/sema.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <regex>

#include "compiler/sema/analyzer.h"
#include "compiler/sema/names.h"
#include "compiler/sema/triggers.h"

namespace pipec::sema {
namespace {

using ir::TypeKind;

ir::Type TypeOf(const ast::TypeRef& t) {
  ir::Type out;
  auto map = [](ast::TypeKind k) {
    switch (k) {
      case ast::TypeKind::String: return TypeKind::String;
      case ast::TypeKind::Int: return TypeKind::Int;
      case ast::TypeKind::Float: return TypeKind::Float;
      case ast::TypeKind::Bool: return TypeKind::Bool;
      case ast::TypeKind::Duration: return TypeKind::Duration;
      case ast::TypeKind::Path: return TypeKind::Path;
      case ast::TypeKind::Secret: return TypeKind::Secret;
      case ast::TypeKind::List: return TypeKind::List;
    }
    return TypeKind::String;
  };
  out.kind = map(t.kind);
  if (t.kind == ast::TypeKind::List && t.element) out.element = map(t.element->kind);
  return out;
}

// A value of type `have` may be used where `want` is expected.
bool Assignable(const ir::Type& want, const ir::Type& have) {
  if (want == have) return true;
  if (want.kind == TypeKind::Path && have.kind == TypeKind::String) return true;
  if (want.kind == TypeKind::String && have.kind == TypeKind::Path) return true;
  if (want.kind == TypeKind::Float && have.kind == TypeKind::Int) return true;
  if (want.kind == TypeKind::List && have.kind == TypeKind::List) {
    if (want.element == have.element) return true;
    return Assignable(ir::Type{want.element}, ir::Type{have.element});
  }
  return false;
}

ir::Value Convert(ir::Value v, const ir::Type& want) {
  if (want.kind == TypeKind::Float && v.type.kind == TypeKind::Int) {
    v.float_value = static_cast<double>(v.int_value);
    v.string_value = std::to_string(v.int_value);
  }
  if (want.kind == TypeKind::List)
    for (ir::Value& e : v.list) e = Convert(e, ir::Type{want.element});
  v.type = want;
  return v;
}

std::string Loc(const SourceRange& r) { return fmt::format("{}:{}", r.begin.line, r.begin.column); }

std::optional<ir::OutputKind> OutputKindOf(std::string_view k) {
  using K = ir::OutputKind;
  static const std::map<std::string_view, K> kinds = {
      {"file", K::File}, {"dir", K::Dir}, {"junit", K::Junit}, {"dotenv", K::Dotenv},
      {"codequality", K::Codequality}, {"coverage", K::Coverage}, {"bool", K::Bool},
      {"int", K::Int}, {"float", K::Float}, {"string", K::String}};
  auto it = kinds.find(k);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

const std::set<std::string>& GitFields() {
  static const std::set<std::string> f = {"sha", "short_sha", "branch", "tag", "ref",
                                          "default_branch", "pipeline_id", "source"};
  return f;
}

class Analyzer {
 public:
  Analyzer(SourceManager& sm, DiagnosticSink& sink) : sm_(sm), sink_(sink), loader_(sm, sink) {}

  std::optional<ir::Pipeline> Run(Module* main) {
    size_t errors_before = sink_.error_count();
    if (!main || !main->ast) return std::nullopt;
    main_ = main;
    for (const auto& m : loader_.modules())
      if (m->ast) BuildScope(*m);
    for (const auto& m : loader_.modules())
      if (m->ast) ResolveImports(*m);
    CheckHeader();
    CollectPipelineDecls();
    for (auto& [name, v] : all_vars_) EvalVar(*v);
    for (auto& [name, v] : all_vars_)
      if (v->module == main_ && v->value)
        out_.variables.push_back({name, *v->value, v->decl->name.range});
    BuildSpecs();
    LowerJobs();
    AddStageEdges();
    ComputeTriggers();
    RecordUsage();
    if (sink_.error_count() > errors_before) return std::nullopt;
    return std::move(out_);
  }

  ModuleLoader& loader() { return loader_; }

 private:
  // ---------------------------------------------------------------- reporting
  Diagnostic& Report(DiagKind kind, SourceRange r, std::string msg) {
    return sink_.Report(kind, r, std::move(msg));
  }

  // Blames the use site when the item comes from a template, with the template line as a note.
  Diagnostic& ReportIn(const Env& env, DiagKind kind, SourceRange r, std::string msg) {
    if (env.template_name.empty()) return Report(kind, r, std::move(msg));
    Diagnostic& d = Report(kind, env.use_site,
                           fmt::format("{} (in template `{}`)", msg, env.template_name));
    d.Note(r, fmt::format("in template `{}` here", env.template_name));
    return d;
  }

  void Unknown(const Env* env, SourceRange r, std::string_view what, const std::string& name,
               const std::vector<std::pair<std::string, SourceRange>>& candidates) {
    std::vector<std::string> names;
    for (const auto& c : candidates) names.push_back(c.first);
    auto close = ClosestNames(name, names);
    std::string msg = fmt::format("unknown {} `{}`", what, name);
    if (!close.empty()) msg += fmt::format("; did you mean `{}`?", close[0]);
    Diagnostic& d = env ? ReportIn(*env, DiagKind::UnknownName, r, msg)
                        : Report(DiagKind::UnknownName, r, msg);
    for (const std::string& c : close)
      for (const auto& [n, range] : candidates)
        if (n == c && range.valid()) {
          d.Note(range, fmt::format("`{}` is declared here", n));
          break;
        }
  }

  void Duplicate(std::string_view what, const std::string& name, SourceRange now,
                 SourceRange before) {
    Report(DiagKind::DuplicateDefinition, now, fmt::format("{} `{}` is declared twice", what, name))
        .Note(before, "first declared here");
  }

  // ---------------------------------------------------------------- scopes
  void BuildScope(Module& m) {
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

  void ResolveImports(Module& m) {
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

  template <typename Sym>
  void AddImported(std::map<std::string, Sym*>& into, const ast::Ident& sel, Sym* sym) {
    auto it = into.find(sel.text);
    if (it != into.end() && it->second != sym) {
      Duplicate("name", sel.text, sel.range, it->second->decl->name.range);
      return;
    }
    into[sel.text] = sym;
  }

  template <typename Sym>
  Sym* Lookup(Module* m, const ast::QualifiedName& q,
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
    (env ? ReportIn(*env, DiagKind::UnknownName, q.range, "") : Report(DiagKind::UnknownName, q.range, ""))
        .message = fmt::format("`{}` is not a {} name", q.Joined(), what);
    return nullptr;
  }

  // ---------------------------------------------------------------- header, declarations
  void CheckHeader() {
    const ast::File& f = *main_->ast;
    if (!f.header) {
      Report(DiagKind::MissingHeader, {f.file, {1, 1}, {1, 2}},
             "a pipeline file starts with `pipeline NAME version 1`")
          .Fix({f.file, {1, 1}, {1, 1}}, "pipeline NAME version 1\n");
      out_.name = "pipeline";
    } else {
      out_.name = f.header->name.text;
      if (f.header->version != 1)
        Report(DiagKind::UnsupportedVersion, f.header->range,
               fmt::format("pipeline version {} is not supported; this pipec knows version 1",
                           f.header->version));
    }
    out_.source_path = std::string(sm_.Path(f.file));
    out_.origin = ir::Origin::Pipe;
  }

  void CollectPipelineDecls() {
    const ast::File& f = *main_->ast;
    // Triggers.
    std::map<std::string, SourceRange> seen;
    for (const ast::TriggerDecl& t : f.triggers) {
      ir::Trigger tr;
      tr.range = t.range;
      using K = ast::TriggerDecl::Kind;
      switch (t.kind) {
        case K::Push: tr.kind = ir::TriggerKind::Push; break;
        case K::MergeRequest: tr.kind = ir::TriggerKind::MergeRequest; break;
        case K::Tag: tr.kind = ir::TriggerKind::Tag; break;
        case K::Schedule: tr.kind = ir::TriggerKind::Schedule; break;
        case K::Manual: tr.kind = ir::TriggerKind::Manual; break;
        case K::Webhook: tr.kind = ir::TriggerKind::Webhook; break;
      }
      tr.name = t.name.text;
      for (const auto& s : t.branches) tr.branches.push_back(PlainString(s, "a branch pattern"));
      for (const auto& s : t.paths) tr.paths.push_back(PlainString(s, "a path pattern"));
      for (const auto& s : t.targets) tr.targets.push_back(PlainString(s, "a branch pattern"));
      if (t.kind == K::Tag) tr.tag_pattern = PlainString(t.tag, "a tag pattern");
      if (t.kind == K::Schedule) {
        tr.cron = PlainString(t.cron, "a cron expression");
        CheckCron(tr.cron, t.cron.range);
        if (t.has_tz) tr.timezone = PlainString(t.tz, "a time zone");
        if (t.has_branch) tr.branch = PlainString(t.branch, "a branch");
      }
      for (const ast::Param& p : t.inputs) {
        ir::Param ip;
        ip.name = p.name.text;
        ip.type = TypeOf(p.type);
        ip.range = p.range;
        if (ip.type.kind == TypeKind::Secret || ip.type.kind == TypeKind::List)
          Report(DiagKind::TypeMismatch, p.type.range,
                 fmt::format("a pipeline input cannot be of type {}; use string, int, float, bool, "
                             "duration or path",
                             ir::TypeName(ip.type)));
        if (p.default_value) {
          Env env{main_, {}, "", {}};
          ip.default_value = EvalTyped(*p.default_value, ip.type, env, "the default of this input");
        }
        if (auto it = inputs_.find(ip.name); it != inputs_.end()) {
          if (!(it->second.type == ip.type))
            Report(DiagKind::TypeMismatch, p.range,
                   fmt::format("input `{}` is {} here but {} at {}", ip.name, ir::TypeName(ip.type),
                               ir::TypeName(it->second.type), Loc(it->second.range)));
        } else {
          inputs_[ip.name] = ip;
        }
        tr.inputs.push_back(std::move(ip));
      }
      std::string id = tr.Id();
      if (auto it = seen.find(id); it != seen.end()) {
        Duplicate("trigger", id, t.range, it->second);
        continue;
      }
      seen[id] = t.range;
      out_.triggers.push_back(std::move(tr));
    }
    // Secrets.
    for (const ast::SecretDecl& s : f.secrets) {
      if (auto it = secrets_.find(s.name.text); it != secrets_.end()) {
        Duplicate("secret", s.name.text, s.name.range, it->second.decl->name.range);
        continue;
      }
      if (!IsEnvName(s.name.text))
        Report(DiagKind::InvalidValue, s.name.range,
               fmt::format("secret name `{}` is not a valid environment variable name", s.name.text));
      secrets_[s.name.text] = SecretSym{&s, false};
      ir::Secret sec;
      sec.name = s.name.text;
      sec.masked = s.masked;
      sec.protected_ = s.protected_;
      sec.file = s.file;
      if (s.environment) sec.environment = s.environment->text;
      sec.range = s.name.range;
      out_.secrets.push_back(sec);
    }
    // Stages: declared order, else order of first use.
    if (f.stages.size() > 1)
      Duplicate("stages", "stages", f.stages[1].range, f.stages[0].range);
    if (!f.stages.empty()) {
      for (const ast::Ident& s : f.stages[0].stages) {
        if (std::find(out_.stages.begin(), out_.stages.end(), s.text) != out_.stages.end()) {
          Report(DiagKind::DuplicateDefinition, s.range, fmt::format("stage `{}` is listed twice", s.text));
          continue;
        }
        out_.stages.push_back(s.text);
        stage_ranges_[s.text] = s.range;
      }
      declared_stages_ = true;
    }
    if (f.defaults.size() > 1) Duplicate("default block", "default", f.defaults[1].range, f.defaults[0].range);
    for (const auto& r : f.raws) {
      nlohmann::json& into = r.vendor == "gitlab" ? out_.raw_gitlab : out_.raw_github;
      for (auto& [k, v] : r.value.items()) into[k] = nlohmann::json::parse(v.dump());
    }
  }

  void CheckCron(const std::string& cron, SourceRange r) {
    std::vector<std::string> fields;
    size_t i = 0;
    while (i < cron.size()) {
      while (i < cron.size() && cron[i] == ' ') ++i;
      size_t j = i;
      while (j < cron.size() && cron[j] != ' ') ++j;
      if (j > i) fields.push_back(cron.substr(i, j - i));
      i = j;
    }
    static const std::regex field(R"(^(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?)*$|^[A-Za-z]{3}(-[A-Za-z]{3})?$)");
    bool ok = fields.size() == 5;
    for (const auto& f : fields)
      if (!std::regex_match(f, field)) ok = false;
    if (!ok)
      Report(DiagKind::InvalidValue, r,
             fmt::format("`{}` is not a cron expression (five fields: minute hour day month weekday)",
                         cron));
  }

  static bool IsEnvName(const std::string& n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    for (char c : n)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
  }

  std::string PlainString(const ast::StringLit& s, std::string_view what) {
    if (s.HasInterpolation())
      Report(DiagKind::InvalidValue, s.range,
             fmt::format("{} cannot contain `${{{{ }}}}` interpolation", what));
    return s.Flat();
  }

  // ---------------------------------------------------------------- values
  void EvalVar(VarSym& v) {
    if (v.value || v.failed) return;
    if (v.evaluating) {
      Report(DiagKind::InvalidValue, v.decl->name.range,
             fmt::format("var `{}` is defined in terms of itself", v.decl->name.text));
      v.failed = true;
      return;
    }
    v.evaluating = true;
    ir::Type t = TypeOf(v.decl->type);
    if (t.kind == TypeKind::Secret) {
      Report(DiagKind::SecretMisuse, v.decl->type.range,
             "a var cannot hold a secret; declare it with `secret NAME` and bind it in `env { }`");
      v.failed = true;
    } else {
      Env env{v.module, {}, "", {}};
      v.value = EvalTyped(v.decl->value, t, env, fmt::format("var `{}`", v.decl->name.text));
      if (!v.value) v.failed = true;
    }
    v.evaluating = false;
  }

  // Evaluates a compile-time expression. Secrets are refused here: they are not values.
  std::optional<ir::Value> Eval(const ast::Expr& e, const Env& env, std::string_view where) {
    ir::Value v;
    switch (e.kind) {
      case ast::Expr::Kind::String: {
        v.type.kind = TypeKind::String;
        ir::Text t = LowerText(e.str, env, nullptr, where);
        if (!t.IsLiteral()) {
          ReportIn(env, DiagKind::InvalidValue, e.range,
                   fmt::format("{} must be known when the pipeline is compiled; `git.*` and "
                               "`inputs.*` are only known when it runs",
                               where));
          return std::nullopt;
        }
        v.string_value = t.LiteralText();
        return v;
      }
      case ast::Expr::Kind::Int:
        v.type.kind = TypeKind::Int;
        v.int_value = e.int_value;
        return v;
      case ast::Expr::Kind::Float:
        v.type.kind = TypeKind::Float;
        v.float_value = e.float_value;
        v.string_value = e.spelling;
        return v;
      case ast::Expr::Kind::Duration:
        v.type.kind = TypeKind::Duration;
        v.int_value = e.int_value;
        v.string_value = e.spelling;
        return v;
      case ast::Expr::Kind::Bool:
        v.type.kind = TypeKind::Bool;
        v.int_value = e.int_value;
        return v;
      case ast::Expr::Kind::List: {
        v.type.kind = TypeKind::List;
        bool first = true;
        for (const ast::Expr& x : e.list) {
          auto ev = Eval(x, env, where);
          if (!ev) return std::nullopt;
          if (ev->type.kind == TypeKind::List) {
            ReportIn(env, DiagKind::TypeMismatch, x.range, "lists cannot contain lists");
            return std::nullopt;
          }
          if (first) {
            v.type.element = ev->type.kind;
            first = false;
          } else if (ev->type.kind != v.type.element) {
            ReportIn(env, DiagKind::TypeMismatch, x.range,
                     fmt::format("list mixes {} and {}", ir::TypeName(ir::Type{v.type.element}),
                                 ir::TypeName(ev->type)));
            return std::nullopt;
          }
          v.list.push_back(*ev);
        }
        return v;
      }
      case ast::Expr::Kind::Name: return EvalName(e.name, env, where);
    }
    return std::nullopt;
  }

  std::optional<ir::Value> EvalName(const ast::QualifiedName& q, const Env& env,
                                    std::string_view where) {
    if (q.parts.size() == 1) {
      const std::string& n = q.parts[0].text;
      if (auto it = env.params.find(n); it != env.params.end()) {
        if (it->second.is_secret) {
          SecretMisuseAt(env, q.range, it->second.secret, where);
          return std::nullopt;
        }
        return it->second.value;
      }
      if (secrets_.count(n) && !scopes_[env.module].vars.count(n)) {
        secrets_[n].used = true;
        SecretMisuseAt(env, q.range, n, where);
        return std::nullopt;
      }
    }
    VarSym* v = nullptr;
    // Only names that are vars reach here; report unknown names with vars and params as candidates.
    if (q.parts.size() == 1 && !scopes_[env.module].vars.count(q.parts[0].text)) {
      std::vector<std::pair<std::string, SourceRange>> cands;
      for (auto& [n, sym] : scopes_[env.module].vars) cands.push_back({n, sym->decl->name.range});
      for (auto& [n, b] : env.params) cands.push_back({n, {}});
      Unknown(&env, q.range, "name", q.parts[0].text, cands);
      return std::nullopt;
    }
    v = Lookup(env.module, q, &ModuleScope::vars, "var", &env);
    if (!v) return std::nullopt;
    v->used = true;
    EvalVar(*v);
    return v->value;
  }

  void SecretMisuseAt(const Env& env, SourceRange r, const std::string& secret,
                      std::string_view where) {
    ReportIn(env, DiagKind::SecretMisuse, r,
             fmt::format("secret `{}` cannot be used in {}; bind it in the job's `env {{ {} = {} }}` "
                         "and read `${}` in the script",
                         secret, where, secret, secret, secret))
        .Note({}, "secrets only flow into `env { }` or into a template parameter of type secret, "
                  "so they never end up in YAML, logs or plans");
  }

  std::optional<ir::Value> EvalTyped(const ast::Expr& e, const ir::Type& want, const Env& env,
                                     std::string_view where) {
    auto v = Eval(e, env, where);
    if (!v) return std::nullopt;
    // An empty list takes the expected element type.
    if (v->type.kind == TypeKind::List && v->list.empty() && want.kind == TypeKind::List)
      v->type = want;
    if (!Assignable(want, v->type)) {
      ReportIn(env, DiagKind::TypeMismatch, e.range,
               fmt::format("{} expects {}, but this is {}", where, ir::TypeName(want),
                           ir::TypeName(v->type)));
      return std::nullopt;
    }
    return Convert(*v, want);
  }

  // ---------------------------------------------------------------- text
  // Per-job context for resolving interpolations and checking secret reads.
  struct JobCtx {
    const std::map<std::string, ir::Value>* cell = nullptr;
    std::map<std::string, std::string> input_paths;  // local input name -> restore path
  };

  ir::Text LowerText(const ast::StringLit& s, const Env& env, const JobCtx* job,
                     std::string_view where) {
    ir::Text t;
    auto add_literal = [&](const std::string& text) {
      if (!t.parts.empty() && t.parts.back().kind == ir::TextPart::Kind::Literal)
        t.parts.back().text += text;
      else if (!text.empty())
        t.parts.push_back({ir::TextPart::Kind::Literal, text});
    };
    for (const ast::StringPart& p : s.parts) {
      if (!p.interpolation) {
        add_literal(p.text);
        continue;
      }
      const auto& parts = p.name.parts;
      const std::string& head = parts[0].text;
      if (head == "git" && parts.size() == 2 && !env.params.count("git")) {
        if (!GitFields().count(parts[1].text)) {
          std::vector<std::pair<std::string, SourceRange>> c;
          for (const auto& f : GitFields()) c.push_back({f, {}});
          Unknown(&env, p.range, "git field", parts[1].text, c);
          continue;
        }
        t.parts.push_back({ir::TextPart::Kind::Git, parts[1].text});
        continue;
      }
      if (head == "inputs" && parts.size() == 2 && !env.params.count("inputs")) {
        if (!inputs_.count(parts[1].text)) {
          std::vector<std::pair<std::string, SourceRange>> c;
          for (const auto& [n, in] : inputs_) c.push_back({n, in.range});
          Unknown(&env, p.range, "pipeline input", parts[1].text, c);
          continue;
        }
        t.parts.push_back({ir::TextPart::Kind::Input, parts[1].text});
        continue;
      }
      if (head == "matrix" && parts.size() == 2 && !env.params.count("matrix")) {
        if (!job || !job->cell || !job->cell->count(parts[1].text)) {
          std::vector<std::pair<std::string, SourceRange>> c;
          if (job && job->cell)
            for (const auto& [n, v] : *job->cell) c.push_back({n, {}});
          Unknown(&env, p.range, "matrix variable", parts[1].text, c);
          continue;
        }
        add_literal(job->cell->at(parts[1].text).ToString());
        continue;
      }
      if (parts.size() == 1 && job && job->input_paths.count(head) && !env.params.count(head)) {
        add_literal(job->input_paths.at(head));
        continue;
      }
      if (parts.size() == 2 && job_names_.count(head)) {
        ReportIn(env, DiagKind::InvalidValue, p.range,
                 fmt::format("`{}` is a job output read when the pipeline runs; use it in `when`, "
                             "or bind it with `in x = {}` and interpolate `${{{{ x }}}}`",
                             p.name.Joined(), p.name.Joined()));
        continue;
      }
      auto v = EvalName(p.name, env, fmt::format("{} (`${{{{ }}}}` interpolation)", where));
      if (!v) continue;
      if (v->type.kind == TypeKind::List) {
        ReportIn(env, DiagKind::TypeMismatch, p.range,
                 fmt::format("`{}` is {}; interpolation takes a single value", p.name.Joined(),
                             ir::TypeName(v->type)));
        continue;
      }
      add_literal(v->ToString());
    }
    return t;
  }

  // ---------------------------------------------------------------- templates
  void BuildSpecs() {
    const ast::File& f = *main_->ast;
    for (const ast::JobDecl& j : f.jobs) {
      if (auto it = job_decls_.find(j.name.text); it != job_decls_.end()) {
        Duplicate("job", j.name.text, j.name.range, it->second->name.range);
        continue;
      }
      job_decls_[j.name.text] = &j;
      job_names_.insert(j.name.text);
    }
    for (const ast::JobDecl& j : f.jobs) {
      if (job_decls_[j.name.text] != &j) continue;
      JobSpec spec;
      spec.decl = &j;
      int layer = 0;
      if (!f.defaults.empty()) {
        auto env = std::make_shared<Env>(Env{main_, {}, "", {}});
        for (const ast::JobItem& item : f.defaults[0].items) {
          if (!AllowedInDefault(item, env)) continue;
          spec.items.push_back({&item, env, layer});
        }
      }
      ++layer;
      if (j.base) {
        std::vector<std::string> chain;
        if (!Instantiate(*j.base, main_, {}, j.base->range, spec, layer, chain, 0)) spec.ok = false;
      }
      spec.job_layer = layer;
      auto own = std::make_shared<Env>(Env{main_, {}, "", {}});
      for (const ast::JobItem& item : j.items) spec.items.push_back({&item, own, layer});
      ExpandMatrix(spec);
      specs_.push_back(std::move(spec));
    }
  }

  bool AllowedInDefault(const ast::JobItem& item, const std::shared_ptr<Env>& env) {
    const auto& v = item.value;
    bool ok = std::holds_alternative<ast::ImageItem>(v) || std::holds_alternative<ast::ServicesItem>(v) ||
              std::holds_alternative<ast::RunnerItem>(v) || std::holds_alternative<ast::ShellItem>(v) ||
              std::holds_alternative<ast::EnvItem>(v) || std::holds_alternative<ast::TimeoutItem>(v) ||
              std::holds_alternative<ast::RetryItem>(v) || std::holds_alternative<ast::UsesCacheItem>(v) ||
              std::holds_alternative<ast::RawItem>(v);
    if (!ok)
      Report(DiagKind::ConflictingItems, item.range,
             fmt::format("`{}` cannot be set in `default`; it takes image, services, runner, shell, "
                         "env, timeout, retry, uses cache and raw",
                         item.Keyword()));
    return ok;
  }

  // Adds the items of template `base` (and its own bases, first) to `spec`.
  bool Instantiate(const ast::Base& base, Module* from, const std::map<std::string, Binding>& outer,
                   SourceRange use_site, JobSpec& spec, int& layer, std::vector<std::string>& chain,
                   size_t depth) {
    Env lookup_env{from, outer, chain.empty() ? "" : chain.back(), use_site};
    TemplateSym* t = Lookup(from, base.name, &ModuleScope::templates, "template",
                            chain.empty() ? nullptr : &lookup_env);
    if (!t) return false;
    t->used = true;
    std::string key = t->module->display + "::" + t->decl->name.text;
    if (std::find(chain.begin(), chain.end(), key) != chain.end() || depth >= kMaxTemplateDepth) {
      std::string path;
      for (const std::string& c : chain) path += c.substr(c.find("::") + 2) + " -> ";
      path += t->decl->name.text;
      Report(DiagKind::TemplateRecursion, base.name.range,
             fmt::format("template recursion: {}", path))
          .Note(t->decl->name.range, fmt::format("template `{}` is declared here", t->decl->name.text));
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
        for (const ast::Param& cand : t->decl->params) cands.push_back({cand.name.text, cand.name.range});
        Diagnostic& d = Report(DiagKind::TemplateArgError, a.name.range,
                               fmt::format("template `{}` has no parameter `{}`", t->decl->name.text,
                                           a.name.text));
        auto close = ClosestNames(a.name.text, [&] {
          std::vector<std::string> n;
          for (auto& c : cands) n.push_back(c.first);
          return n;
        }());
        if (!close.empty()) d.message += fmt::format("; did you mean `{}`?", close[0]);
        d.Note(t->decl->name.range, fmt::format("template `{}` is declared here", t->decl->name.text));
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
      auto v = EvalTyped(a.value, want, arg_env,
                         fmt::format("parameter `{}` of template `{}`", p->name.text,
                                     t->decl->name.text));
      if (!v) {
        if (!sink_.diagnostics().empty()) sink_.mutable_diagnostics().back().Note(p->range, "parameter declared here");
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
      auto v = EvalTyped(*p.default_value, want, def_env,
                         fmt::format("the default of parameter `{}`", p.name.text));
      if (v) params[p.name.text] = Binding{false, *v, ""};
      else ok = false;
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
    auto env = std::make_shared<Env>(Env{t->module, params, t->decl->name.text, use_site});
    for (const ast::JobItem& item : t->decl->items) spec.items.push_back({&item, env, layer});
    ++layer;
    chain.pop_back();
    return true;
  }

  std::optional<Binding> SecretArg(const ast::Expr& e, const Env& env) {
    if (e.kind != ast::Expr::Kind::Name || e.name.parts.size() != 1) return std::nullopt;
    const std::string& n = e.name.parts[0].text;
    if (auto it = env.params.find(n); it != env.params.end() && it->second.is_secret) return it->second;
    if (auto it = secrets_.find(n); it != secrets_.end()) {
      it->second.used = true;
      return Binding{true, {}, n};
    }
    return std::nullopt;
  }

  // ---------------------------------------------------------------- matrix
  void ExpandMatrix(JobSpec& spec) {
    // The matrix of the highest layer that declares one, merged by key.
    std::map<std::string, std::pair<const ast::MatrixEntry*, std::shared_ptr<Env>>> entries;
    std::vector<std::string> order;
    for (const LayerItem& li : spec.items)
      if (auto* m = std::get_if<ast::MatrixItem>(&li.item->value))
        for (const ast::MatrixEntry& e : m->entries) {
          if (!entries.count(e.name.text)) order.push_back(e.name.text);
          entries[e.name.text] = {&e, li.env};
        }
    spec.cells.push_back({});
    for (const std::string& key : order) {
      auto [entry, env] = entries[key];
      auto v = Eval(entry->values, *env, fmt::format("matrix `{}`", key));
      if (!v) {
        spec.ok = false;
        continue;
      }
      if (v->list.empty()) {
        ReportIn(*env, DiagKind::MatrixError, entry->range,
                 fmt::format("matrix `{}` has no values; a job with it would never run", key));
        spec.ok = false;
        continue;
      }
      std::set<std::string> seen;
      for (const ir::Value& x : v->list)
        if (!seen.insert(x.ToString()).second) {
          ReportIn(*env, DiagKind::MatrixError, entry->values.range,
                   fmt::format("matrix `{}` lists `{}` twice", key, x.ToString()));
          spec.ok = false;
        }
      std::vector<std::map<std::string, ir::Value>> next;
      for (const auto& cell : spec.cells)
        for (const ir::Value& x : v->list) {
          auto c = cell;
          c[key] = x;
          next.push_back(std::move(c));
        }
      spec.cells = std::move(next);
      if (spec.cells.size() > kMaxMatrixCells) {
        ReportIn(*env, DiagKind::MatrixError, entry->range,
                 fmt::format("the matrix of job `{}` has more than {} cells", spec.decl->name.text,
                             kMaxMatrixCells));
        spec.ok = false;
        spec.cells.resize(1);
        return;
      }
    }
    for (const auto& cell : spec.cells) {
      std::string name = spec.decl->name.text;
      if (!cell.empty() || !order.empty()) {
        name += "[";
        bool first = true;
        for (const std::string& key : order) {
          if (!cell.count(key)) continue;
          name += (first ? "" : ",") + key + "=" + cell.at(key).ToString();
          first = false;
        }
        name += "]";
      }
      spec.names.push_back(name);
    }
    matrix_order_[spec.decl->name.text] = order;
  }

  // ---------------------------------------------------------------- jobs
  // Items that may appear once per layer; a later layer overrides an earlier one.
  template <typename T>
  const LayerItem* Last(const JobSpec& spec) {
    const LayerItem* found = nullptr;
    for (const LayerItem& li : spec.items)
      if (std::holds_alternative<T>(li.item->value)) {
        if (found && found->layer == li.layer)
          ReportIn(*li.env, DiagKind::DuplicateItem, li.item->range,
                   fmt::format("`{}` is given twice in one job", li.item->Keyword()))
              .Note(found->item->range, "first given here");
        found = &li;
      }
    return found;
  }

  void LowerJobs() {
    size_t total = 0;
    for (const JobSpec& s : specs_) total += s.names.size();
    if (total > kMaxJobs) {
      Report(DiagKind::TooManyJobs, main_->ast->jobs.empty() ? SourceRange{} : main_->ast->jobs[0].name.range,
             fmt::format("the pipeline expands to {} jobs; the limit is {}", total, kMaxJobs));
      return;
    }
    for (JobSpec& s : specs_) base_of_[s.decl->name.text] = &s;
    // Outputs first: consumers need their producers' kinds and paths.
    for (JobSpec& s : specs_)
      for (size_t c = 0; c < s.names.size(); ++c) outputs_[s.names[c]] = LowerOutputs(s, c);
    for (JobSpec& s : specs_) {
      if (!s.ok) continue;
      for (size_t c = 0; c < s.names.size(); ++c) out_.jobs.push_back(LowerJob(s, c));
    }
  }

  std::vector<ir::Output> LowerOutputs(JobSpec& s, size_t cell) {
    std::map<std::string, const LayerItem*> by_name;
    std::vector<std::string> order;
    for (const LayerItem& li : s.items)
      if (auto* o = std::get_if<ast::OutItem>(&li.item->value)) {
        auto it = by_name.find(o->name.text);
        if (it != by_name.end() && it->second->layer == li.layer) {
          if (cell == 0)
            ReportIn(*li.env, DiagKind::DuplicateDefinition, o->name.range,
                     fmt::format("output `{}` is declared twice", o->name.text))
                .Note(std::get<ast::OutItem>(it->second->item->value).name.range, "first declared here");
          continue;
        }
        if (it == by_name.end()) order.push_back(o->name.text);
        by_name[o->name.text] = &li;
      }
    std::vector<ir::Output> outs;
    JobCtx ctx;
    ctx.cell = &s.cells[cell];
    for (const std::string& name : order) {
      const LayerItem& li = *by_name[name];
      const auto& o = std::get<ast::OutItem>(li.item->value);
      ir::Output out;
      out.name = name;
      out.kind = *OutputKindOf(o.kind);
      size_t errors_before = sink_.error_count();
      ir::Text path = LowerText(o.path, *li.env, &ctx, "an output path");
      bool path_ok = sink_.error_count() == errors_before;
      if (!path.IsLiteral()) {
        if (cell == 0)
          ReportIn(*li.env, DiagKind::InvalidValue, o.path.range,
                   "an output path must be known at compile time (no `git.*` or `inputs.*`)");
      }
      out.path = path.LiteralText();
      if (cell == 0 && path_ok) CheckRelativePath(out.path, o.path.range, *li.env, "an output path");
      out.expire_seconds = o.expire_seconds;
      if (o.expire_seconds && ir::IsValueOutput(out.kind) && cell == 0)
        ReportIn(*li.env, DiagKind::ConflictingItems, li.item->range,
                 "`expire` applies to file outputs, not value outputs");
      out.range = o.name.range;
      outs.push_back(out);
    }
    return outs;
  }

  void CheckRelativePath(const std::string& p, SourceRange r, const Env& env, std::string_view what) {
    bool escapes = p.empty() || p[0] == '/' || p == ".." || p.starts_with("../") ||
                   p.find("/../") != std::string::npos || p.ends_with("/..");
    if (escapes)
      ReportIn(env, DiagKind::InvalidValue, r,
               fmt::format("{} must be a relative path inside the workspace, not `{}`", what, p));
  }

  // Finds the cell of producer job `base` that matches the consumer's matrix cell.
  std::optional<std::string> MatchCell(const std::string& base,
                                       const std::map<std::string, ir::Value>& consumer_cell,
                                       const Env& env, SourceRange r) {
    const JobSpec& p = *base_of_.at(base);
    if (p.names.size() == 1) return p.names[0];
    for (size_t c = 0; c < p.cells.size(); ++c) {
      bool all = true;
      for (const auto& [k, v] : p.cells[c]) {
        auto it = consumer_cell.find(k);
        if (it == consumer_cell.end() || it->second.ToString() != v.ToString()) all = false;
      }
      if (all) return p.names[c];
    }
    ReportIn(env, DiagKind::MatrixError, r,
             fmt::format("job `{}` runs as a matrix of {} cells; an input from it is ambiguous", base,
                         p.names.size()))
        .Note({}, "give the consuming job the same matrix keys to pair cells one to one, or "
                  "collect the cells' files in one job");
    return std::nullopt;
  }

  void CheckJobRef(const ast::Ident& name, const Env& env) {
    std::vector<std::pair<std::string, SourceRange>> c;
    for (const auto& [n, d] : job_decls_) c.push_back({n, d->name.range});
    Unknown(&env, name.range, "job", name.text, c);
  }

  ir::Job LowerJob(JobSpec& s, size_t cell) {
    const bool first_cell = cell == 0;  // report item problems once per job, not per cell
    ir::Job job;
    job.name = s.names[cell];
    job.base_name = s.decl->name.text;
    for (const auto& [k, v] : s.cells[cell]) job.matrix[k] = v.ToString();
    job.range = s.decl->name.range;
    job.body_range = s.decl->range;
    job.expanded_from = s.expanded_from;
    std::reverse(job.expanded_from.begin(), job.expanded_from.end());
    job.outputs = outputs_[job.name];
    JobCtx ctx;
    ctx.cell = &s.cells[cell];

    size_t errors_before = sink_.error_count();
    auto once = [&](auto&& fn) {
      if (first_cell) fn();
    };

    // Inputs first: their paths can be interpolated anywhere else in the job.
    std::map<std::string, const LayerItem*> inputs_by_name;
    for (const LayerItem& li : s.items) {
      auto* in = std::get_if<ast::InItem>(&li.item->value);
      if (!in) continue;
      if (auto it = inputs_by_name.find(in->name.text); it != inputs_by_name.end() && it->second->layer == li.layer) {
        once([&] {
          ReportIn(*li.env, DiagKind::DuplicateDefinition, in->name.range,
                   fmt::format("input `{}` is declared twice", in->name.text));
        });
        continue;
      }
      inputs_by_name[in->name.text] = &li;
    }
    for (const auto& [local, li] : inputs_by_name) {
      const auto& in = std::get<ast::InItem>(li->item->value);
      if (!job_decls_.count(in.job.text)) {
        once([&] { CheckJobRef(in.job, *li->env); });
        continue;
      }
      if (in.job.text == s.decl->name.text) {
        once([&] {
          ReportIn(*li->env, DiagKind::SelfDependency, in.job.range,
                   fmt::format("job `{}` cannot read its own output", in.job.text));
        });
        continue;
      }
      auto producer = MatchCell(in.job.text, s.cells[cell], *li->env, in.job.range);
      if (!producer) continue;
      const auto& outs = outputs_[*producer];
      auto o = std::find_if(outs.begin(), outs.end(), [&](const ir::Output& x) { return x.name == in.output.text; });
      if (o == outs.end()) {
        once([&] {
          std::vector<std::string> names;
          for (const auto& x : outs) names.push_back(x.name);
          auto close = ClosestNames(in.output.text, names);
          Diagnostic& d = ReportIn(*li->env, DiagKind::UnknownOutput, in.output.range,
                                   fmt::format("job `{}` has no output `{}`{}", in.job.text, in.output.text,
                                               close.empty() ? "" : fmt::format("; did you mean `{}`?", close[0])));
          for (const auto& x : outs)
            if (!close.empty() && x.name == close[0]) d.Note(x.range, fmt::format("`{}` is declared here", x.name));
          if (outs.empty()) d.Note(job_decls_[in.job.text]->name.range, fmt::format("job `{}` declares no outputs", in.job.text));
        });
        continue;
      }
      if (ir::IsValueOutput(o->kind)) {
        once([&] {
          ReportIn(*li->env, DiagKind::WrongOutputKind, in.output.range,
                   fmt::format("`{}.{}` is a {} value, not a file; read values in `when {}.{}`",
                               in.job.text, in.output.text, ir::OutputKindName(o->kind), in.job.text,
                               in.output.text))
              .Note(o->range, "declared here");
        });
        continue;
      }
      ir::InputRef ref;
      ref.name = local;
      ref.job = *producer;
      ref.output = o->name;
      ref.kind = o->kind;
      ref.path = o->path;
      if (in.at) {
        ir::Text at = LowerText(*in.at, *li->env, &ctx, "an input path");
        ref.path = at.LiteralText();
        once([&] { CheckRelativePath(ref.path, in.at->range, *li->env, "an input path"); });
      }
      ref.range = li->item->range;
      ctx.input_paths[local] = ref.path;
      job.inputs.push_back(ref);
      AddNeed(job, *producer, true, ir::Need::Origin::Data, li->item->range);
    }
    // Explicit needs.
    for (const LayerItem& li : s.items) {
      auto* n = std::get_if<ast::NeedsItem>(&li.item->value);
      if (!n) continue;
      for (const ast::QualifiedName& q : n->jobs) {
        if (q.parts.size() != 1) {
          once([&] {
            ReportIn(*li.env, DiagKind::UnknownName, q.range,
                     fmt::format("`needs` takes job names, not `{}`", q.Joined()));
          });
          continue;
        }
        const std::string& target = q.parts[0].text;
        if (!job_decls_.count(target)) {
          once([&] { CheckJobRef(q.parts[0], *li.env); });
          continue;
        }
        if (target == s.decl->name.text) {
          once([&] {
            ReportIn(*li.env, DiagKind::SelfDependency, q.range,
                     fmt::format("job `{}` cannot need itself", target));
          });
          continue;
        }
        // A need on a matrix job waits for every cell.
        for (const std::string& cellname : base_of_[target]->names) {
          ir::Need need;
          need.job = cellname;
          need.origin = ir::Need::Origin::Explicit;
          need.range = q.range;
          job.needs.push_back(need);  // duplicates stay: the checker reports them
        }
      }
    }
    // Single-valued items: the highest layer wins.
    if (auto* li = Last<ast::StageItem>(s)) {
      const auto& st = std::get<ast::StageItem>(li->item->value);
      job.stage = st.stage.text;
      if (std::find(out_.stages.begin(), out_.stages.end(), job.stage) == out_.stages.end()) {
        if (declared_stages_) {
          once([&] {
            std::vector<std::pair<std::string, SourceRange>> c;
            for (const auto& n : out_.stages) c.push_back({n, stage_ranges_[n]});
            std::vector<std::string> names;
            for (auto& x : c) names.push_back(x.first);
            auto close = ClosestNames(job.stage, names);
            std::string list;
            for (const auto& n : out_.stages) list += (list.empty() ? "" : ", ") + n;
            ReportIn(*li->env, DiagKind::UnknownStage, st.stage.range,
                     fmt::format("{} job: chosen stage {} does not exist; available stages are {}{}",
                                 s.decl->name.text, job.stage, list,
                                 close.empty() ? "" : fmt::format(" (did you mean `{}`?)", close[0])));
          });
        } else {
          out_.stages.push_back(job.stage);
          stage_ranges_[job.stage] = st.stage.range;
        }
      }
    }
    if (auto* li = Last<ast::WhenItem>(s)) job.when = LowerCond(std::get<ast::WhenItem>(li->item->value).cond, *li->env, job, first_cell);
    if (auto* li = Last<ast::RunWhenItem>(s)) {
      job.run_when = std::get<ast::RunWhenItem>(li->item->value).value == "always" ? ir::RunWhen::Always : ir::RunWhen::OnFailure;
    }
    if (auto* li = Last<ast::ImageItem>(s)) {
      const ast::Expr& e = std::get<ast::ImageItem>(li->item->value).value;
      if (e.kind == ast::Expr::Kind::String) job.image = LowerText(e.str, *li->env, &ctx, "an image name");
      else if (auto v = EvalTyped(e, ir::Type{TypeKind::String}, *li->env, "`image`")) job.image = ir::Text::Of(v->string_value);
    }
    if (auto* li = Last<ast::ServicesItem>(s))
      for (const auto& sv : std::get<ast::ServicesItem>(li->item->value).values)
        job.services.push_back(LowerText(sv, *li->env, &ctx, "a service image").LiteralText());
    if (auto* li = Last<ast::RunnerItem>(s))
      for (const auto& sv : std::get<ast::RunnerItem>(li->item->value).values)
        job.runner.push_back(LowerText(sv, *li->env, &ctx, "a runner label").LiteralText());
    if (auto* li = Last<ast::ShellItem>(s)) {
      job.shell = std::get<ast::ShellItem>(li->item->value).value.Flat();
      static const std::set<std::string> shells = {"sh", "bash", "pwsh", "python", "python3"};
      if (!shells.count(job.shell))
        once([&] {
          ReportIn(*li->env, DiagKind::InvalidValue, li->item->range,
                   fmt::format("unknown shell `{}`; use sh, bash, pwsh or python", job.shell));
        });
    }
    if (auto* li = Last<ast::TimeoutItem>(s)) {
      job.timeout_seconds = std::get<ast::TimeoutItem>(li->item->value).seconds;
      if (*job.timeout_seconds <= 0)
        once([&] { ReportIn(*li->env, DiagKind::InvalidValue, li->item->range, "a timeout must be longer than 0s"); });
    }
    if (auto* li = Last<ast::RetryItem>(s)) {
      int64_t r = std::get<ast::RetryItem>(li->item->value).count;
      if (r > 2)
        once([&] {
          ReportIn(*li->env, DiagKind::InvalidValue, li->item->range,
                   fmt::format("retry {} is more than the 2 retries GitLab allows", r));
        });
      job.retry = static_cast<int>(std::min<int64_t>(r, 2));
    }
    if (Last<ast::AllowFailureItem>(s)) job.allow_failure = true;
    if (auto* li = Last<ast::EnvironmentItem>(s)) {
      const auto& e = std::get<ast::EnvironmentItem>(li->item->value);
      ir::Environment env;
      env.name = e.name.text;
      if (e.url) env.url = LowerText(*e.url, *li->env, &ctx, "an environment URL").LiteralText();
      env.manual_approval = e.manual_approval;
      env.range = li->item->range;
      job.environment = env;
    }
    // Env: merged by key, higher layers win.
    std::map<std::string, std::pair<const ast::EnvEntry*, std::shared_ptr<Env>>> env_entries;
    for (const LayerItem& li : s.items)
      if (auto* e = std::get_if<ast::EnvItem>(&li.item->value))
        for (const ast::EnvEntry& entry : e->entries) {
          auto it = env_entries.find(entry.name.text);
          if (it != env_entries.end() && it->second.second == li.env)
            once([&] {
              ReportIn(*li.env, DiagKind::DuplicateDefinition, entry.name.range,
                       fmt::format("env `{}` is set twice", entry.name.text))
                  .Note(it->second.first->name.range, "first set here");
            });
          env_entries[entry.name.text] = {&entry, li.env};
        }
    for (const auto& [name, pr] : env_entries) {
      const auto& [entry, env] = pr;
      ir::EnvVar ev;
      ev.name = name;
      ev.range = entry->range;
      if (!IsEnvName(name))
        once([&] {
          ReportIn(*env, DiagKind::InvalidValue, entry->name.range,
                   fmt::format("`{}` is not a valid environment variable name", name));
        });
      if (auto b = SecretArg(entry->value, *env)) {
        ev.secret = b->secret;
      } else if (entry->value.kind == ast::Expr::Kind::String) {
        ev.value = LowerText(entry->value.str, *env, &ctx, "an env value");
      } else if (auto v = Eval(entry->value, *env, fmt::format("env `{}`", name))) {
        if (v->type.kind == TypeKind::List)
          once([&] { ReportIn(*env, DiagKind::TypeMismatch, entry->value.range, "an env value cannot be a list"); });
        ev.value = ir::Text::Of(v->ToString());
      }
      job.env.push_back(ev);
    }
    // Scripts: the runs of the highest layer that has any replace the lower layers' runs.
    int run_layer = -1;
    for (const LayerItem& li : s.items)
      if (std::holds_alternative<ast::RunItem>(li.item->value)) run_layer = std::max(run_layer, li.layer);
    for (const LayerItem& li : s.items) {
      if (li.layer != run_layer) continue;
      auto* r = std::get_if<ast::RunItem>(&li.item->value);
      if (!r) continue;
      ir::Step step;
      step.kind = ir::Step::Kind::Run;
      step.script = LowerText(r->script, *li.env, &ctx, "a script");
      step.range = r->script.range;
      step.script_line_locs = r->script.line_locs;
      job.steps.push_back(std::move(step));
    }
    // Caches.
    for (const LayerItem& li : s.items)
      if (auto* u = std::get_if<ast::UsesCacheItem>(&li.item->value))
        for (const ast::Ident& c : u->caches) {
          ast::QualifiedName q;
          q.parts.push_back(c);
          q.range = c.range;
          CacheSym* sym = scopes_[li.env->module].caches.count(c.text) ? scopes_[li.env->module].caches[c.text] : nullptr;
          if (!sym) {
            if (first_cell) Lookup(li.env->module, q, &ModuleScope::caches, "cache", li.env.get());
            continue;
          }
          sym->used = true;
          std::string cname = CacheName(*sym);
          if (std::find(job.caches.begin(), job.caches.end(), cname) == job.caches.end()) job.caches.push_back(cname);
        }
    // Child pipelines and cross-project triggers.
    const LayerItem* trig_pipe = Last<ast::TriggerPipelineItem>(s);
    const LayerItem* trig_proj = Last<ast::TriggerProjectItem>(s);
    if (trig_pipe || trig_proj) {
      if (trig_pipe && trig_proj)
        once([&] {
          Report(DiagKind::ConflictingItems, trig_proj->item->range,
                 "a job triggers either a pipeline or a project, not both");
        });
      if (!job.steps.empty())
        once([&] {
          Report(DiagKind::ConflictingItems, s.decl->name.range,
                 fmt::format("job `{}` triggers another pipeline, so it cannot also `run` scripts", s.decl->name.text));
        });
      ir::TriggerJob t;
      if (trig_pipe) {
        const auto& tp = std::get<ast::TriggerPipelineItem>(trig_pipe->item->value);
        t.kind = ir::TriggerJob::Kind::Pipeline;
        t.target = tp.path.Flat();
        t.range = trig_pipe->item->range;
        std::error_code ec;
        std::filesystem::path child = std::filesystem::path(trig_pipe->env->module->dir) / t.target;
        if (first_cell && !std::filesystem::is_regular_file(child, ec))
          ReportIn(*trig_pipe->env, DiagKind::ImportError, tp.path.range,
                   fmt::format("child pipeline {} does not exist (paths are relative to {})", t.target,
                               trig_pipe->env->module->dir.empty() ? std::string("this file")
                                                                   : trig_pipe->env->module->dir));
        for (const auto& in : tp.inputs) {
          if (in.value.kind == ast::Expr::Kind::String)
            t.inputs[in.name.text] = LowerText(in.value.str, *trig_pipe->env, &ctx, "a child pipeline input");
          else if (auto v = Eval(in.value, *trig_pipe->env, "a child pipeline input"))
            t.inputs[in.name.text] = ir::Text::Of(v->ToString());
        }
      } else {
        const auto& tp = std::get<ast::TriggerProjectItem>(trig_proj->item->value);
        t.kind = ir::TriggerJob::Kind::Project;
        t.target = tp.project.Flat();
        if (tp.branch) t.branch = tp.branch->Flat();
        t.range = trig_proj->item->range;
      }
      job.trigger = t;
    }
    // Raw vendor keys: merged, higher layers win.
    for (const LayerItem& li : s.items)
      if (auto* r = std::get_if<ast::RawItem>(&li.item->value)) {
        nlohmann::json& into = r->vendor == "gitlab" ? job.raw_gitlab : job.raw_github;
        for (auto& [k, v] : r->value.items()) into[k] = nlohmann::json::parse(v.dump());
      }
    // A job must do something.
    if (job.steps.empty() && !job.trigger && first_cell && sink_.error_count() == errors_before) {
      // Reported by the checker's empty-script rule; nothing to do here.
    }
    CheckSecretReads(job, s);
    return job;
  }

  std::string CacheName(const CacheSym& sym) {
    std::string name = sym.module == main_ ? sym.decl->name.text : sym.module->name + "." + sym.decl->name.text;
    if (!lowered_caches_.count(name)) {
      lowered_caches_.insert(name);
      ir::Cache c;
      c.name = name;
      Env env{sym.module, {}, "", {}};
      for (const auto& f : sym.decl->key_files) c.key_files.push_back(PlainString(f, "a cache key file"));
      if (sym.decl->key) {
        ir::Text t = LowerText(*sym.decl->key, env, nullptr, "a cache key");
        c.key = t.LiteralText();
      }
      for (const auto& p : sym.decl->paths) {
        c.paths.push_back(PlainString(p, "a cache path"));
        CheckRelativePath(c.paths.back(), p.range, env, "a cache path");
      }
      if (sym.decl->policy) {
        c.policy = sym.decl->policy->text;
        if (c.policy != "pull-push" && c.policy != "pull" && c.policy != "push")
          Report(DiagKind::InvalidValue, sym.decl->policy->range,
                 fmt::format("unknown cache policy `{}`; use pull-push, pull or push", c.policy));
      }
      if (c.paths.empty())
        Report(DiagKind::InvalidValue, sym.decl->name.range,
               fmt::format("cache `{}` has no `paths`", sym.decl->name.text));
      c.range = sym.decl->name.range;
      out_.caches.push_back(c);
    }
    return name;
  }

  void AddNeed(ir::Job& job, const std::string& target, bool artifacts, ir::Need::Origin origin,
               SourceRange r) {
    for (ir::Need& n : job.needs)
      if (n.job == target && n.origin == origin) {
        n.artifacts = n.artifacts || artifacts;
        return;
      }
    ir::Need n;
    n.job = target;
    n.artifacts = artifacts;
    n.origin = origin;
    n.range = r;
    job.needs.push_back(n);
  }

  // A script that reads $X where X is a declared secret the job does not bind.
  void CheckSecretReads(const ir::Job& job, const JobSpec& s) {
    if (&s.names[0] != &s.names[0] || job.name != s.names[0]) return;  // once per declared job
    std::set<std::string> bound;
    for (const ir::EnvVar& e : job.env) bound.insert(e.name);
    static const std::regex var(R"(\$\{?([A-Za-z_][A-Za-z0-9_]*))");
    for (const ir::Step& step : job.steps) {
      std::string text = step.script.LiteralText();
      for (auto it = std::sregex_iterator(text.begin(), text.end(), var); it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[1];
        if (!secrets_.count(name) || bound.count(name)) continue;
        bound.insert(name);  // once per name and job
        Report(DiagKind::UnboundSecretRead, step.range,
               fmt::format("the script reads `${}`, but job `{}` does not bind secret `{}`; add "
                           "`env {{ {} = {} }}`",
                           name, s.decl->name.text, name, name, name))
            .Note(secrets_[name].decl->name.range, "secret declared here");
      }
    }
  }

  // ---------------------------------------------------------------- conditions
  ir::Condition LowerCond(const ast::Condition& c, const Env& env, ir::Job& job, bool report) {
    ir::Condition out;
    out.range = c.range;
    using Op = ast::Condition::Op;
    switch (c.op) {
      case Op::Not:
        out.op = ir::Condition::Op::Not;
        out.args.push_back(LowerCond(c.args[0], env, job, report));
        return out;
      case Op::And:
      case Op::Or: {
        out.op = c.op == Op::And ? ir::Condition::Op::And : ir::Condition::Op::Or;
        for (const auto& a : c.args) {
          ir::Condition sub = LowerCond(a, env, job, report);
          if (sub.op == out.op) {  // flatten a and b and c
            for (auto& x : sub.args) out.args.push_back(std::move(x));
          } else {
            out.args.push_back(std::move(sub));
          }
        }
        return out;
      }
      case Op::TriggerIs:
      case Op::TriggerIn: {
        out.op = ir::Condition::Op::TriggerIn;
        for (const ast::QualifiedName& t : c.triggers) {
          auto ids = ResolveTriggerRef(t, env, report);
          for (auto& id : ids)
            if (std::find(out.triggers.begin(), out.triggers.end(), id) == out.triggers.end())
              out.triggers.push_back(id);
        }
        return out;
      }
      case Op::Eq:
      case Op::Ne:
      case Op::Matches:
      case Op::Truthy: break;
    }
    out.op = c.op == Op::Eq ? ir::Condition::Op::Eq
             : c.op == Op::Ne ? ir::Condition::Op::Ne
             : c.op == Op::Matches ? ir::Condition::Op::Matches
                                   : ir::Condition::Op::Truthy;
    ir::Type lt, rt;
    out.left = LowerOperand(c.left, env, job, report, &lt);
    if (c.op == Op::Eq || c.op == Op::Ne) {
      out.right = LowerOperand(c.right, env, job, report, &rt);
      bool numeric = (lt.kind == TypeKind::Int || lt.kind == TypeKind::Float) &&
                     (rt.kind == TypeKind::Int || rt.kind == TypeKind::Float);
      if (report && !(lt == rt) && !numeric && lt.kind != TypeKind::Secret && rt.kind != TypeKind::Secret &&
          !(Assignable(lt, rt) || Assignable(rt, lt)))
        ReportIn(env, DiagKind::TypeMismatch, c.range,
                 fmt::format("cannot compare {} with {}", ir::TypeName(lt), ir::TypeName(rt)));
    } else if (c.op == Op::Matches) {
      out.right.kind = ir::Operand::Kind::Literal;
      out.right.literal.type.kind = TypeKind::String;
      out.right.literal.string_value = PlainString(c.pattern, "a `matches` pattern");
      if (report && lt.kind != TypeKind::String && lt.kind != TypeKind::Path)
        ReportIn(env, DiagKind::TypeMismatch, c.left.range,
                 fmt::format("`matches` needs a string, but this is {}", ir::TypeName(lt)));
    } else if (report && lt.kind != TypeKind::Bool && lt.kind != TypeKind::Secret) {
      ReportIn(env, DiagKind::TypeMismatch, c.left.range,
               fmt::format("a condition must be bool, but this is {}; compare it with `==`",
                           ir::TypeName(lt)));
    }
    return out;
  }

  std::vector<std::string> ResolveTriggerRef(const ast::QualifiedName& t, const Env& env, bool report) {
    std::vector<std::string> ids;
    std::string head = t.parts[0].text;
    static const std::map<std::string, ir::TriggerKind> kinds = {
        {"push", ir::TriggerKind::Push}, {"merge_request", ir::TriggerKind::MergeRequest},
        {"tag", ir::TriggerKind::Tag}, {"schedule", ir::TriggerKind::Schedule},
        {"manual", ir::TriggerKind::Manual}, {"webhook", ir::TriggerKind::Webhook}};
    auto k = kinds.find(head);
    std::vector<std::pair<std::string, SourceRange>> cands;
    for (const ir::Trigger& tr : out_.triggers) {
      std::string shown = tr.Id();
      std::replace(shown.begin(), shown.end(), ':', '.');
      cands.push_back({shown, tr.range});
    }
    if (k == kinds.end() || t.parts.size() > 2) {
      if (report) Unknown(&env, t.range, "trigger", t.Joined(), cands);
      return ids;
    }
    for (const ir::Trigger& tr : out_.triggers) {
      if (tr.kind != k->second) continue;
      if (t.parts.size() == 2 && tr.name != t.parts[1].text) continue;
      ids.push_back(tr.Id());
    }
    if (ids.empty() && report) {
      Diagnostic& d = ReportIn(env, DiagKind::UnknownName, t.range,
                               fmt::format("the pipeline has no `on {}` trigger", t.Joined()));
      auto close = ClosestNames(t.Joined(), [&] {
        std::vector<std::string> n;
        for (auto& c : cands) n.push_back(c.first);
        return n;
      }());
      if (!close.empty()) d.message += fmt::format("; did you mean `{}`?", close[0]);
      if (t.parts.size() == 1 && (k->second == ir::TriggerKind::Schedule || k->second == ir::TriggerKind::Webhook))
        d.Note({}, fmt::format("name it: `trigger is {}.NAME`", head));
    }
    return ids;
  }

  ir::Operand LowerOperand(const ast::Expr& e, const Env& env, ir::Job& job, bool report, ir::Type* type) {
    ir::Operand o;
    o.range = e.range;
    if (e.kind != ast::Expr::Kind::Name) {
      if (e.kind == ast::Expr::Kind::String && e.str.HasInterpolation() && report)
        ReportIn(env, DiagKind::InvalidValue, e.range, "conditions compare plain values; write `git.branch == \"main\"`");
      if (auto v = Eval(e, env, "a condition")) {
        o.literal = *v;
        *type = v->type;
      }
      return o;
    }
    const auto& parts = e.name.parts;
    const std::string& head = parts[0].text;
    if (head == "git" && parts.size() == 2 && !env.params.count("git")) {
      o.kind = ir::Operand::Kind::Git;
      o.name = parts[1].text;
      type->kind = TypeKind::String;
      if (!GitFields().count(o.name) && report) {
        std::vector<std::pair<std::string, SourceRange>> c;
        for (const auto& f : GitFields()) c.push_back({f, {}});
        Unknown(&env, e.range, "git field", o.name, c);
      }
      return o;
    }
    if (head == "inputs" && parts.size() == 2 && !env.params.count("inputs")) {
      o.kind = ir::Operand::Kind::Input;
      o.name = parts[1].text;
      auto it = inputs_.find(o.name);
      if (it == inputs_.end()) {
        if (report) {
          std::vector<std::pair<std::string, SourceRange>> c;
          for (const auto& [n, in] : inputs_) c.push_back({n, in.range});
          Unknown(&env, e.range, "pipeline input", o.name, c);
        }
        type->kind = TypeKind::String;
      } else {
        *type = it->second.type;
      }
      return o;
    }
    if (parts.size() == 2 && job_decls_.count(head) && !env.params.count(head)) {
      o.kind = ir::Operand::Kind::Output;
      o.name = parts[1].text;
      std::string producer = head;
      if (head == job.base_name) {
        if (report) ReportIn(env, DiagKind::SelfDependency, e.range, "a job's condition cannot read its own output");
        return o;
      }
      auto cell = MatchCell(head, [&] {
        std::map<std::string, ir::Value> c;
        for (const auto& [k, v] : job.matrix) c[k] = ir::Value{ir::Type{TypeKind::String}, v};
        return c;
      }(), env, e.range);
      if (!cell) return o;
      o.job = *cell;
      const auto& outs = outputs_[*cell];
      auto it = std::find_if(outs.begin(), outs.end(), [&](const ir::Output& x) { return x.name == o.name; });
      if (it == outs.end()) {
        if (report) {
          std::vector<std::string> names;
          for (const auto& x : outs)
            if (ir::IsValueOutput(x.kind)) names.push_back(x.name);
          auto close = ClosestNames(o.name, names);
          ReportIn(env, DiagKind::UnknownOutput, parts[1].range,
                   fmt::format("job `{}` has no output `{}`{}", head, o.name,
                               close.empty() ? "" : fmt::format("; did you mean `{}`?", close[0])));
        }
        return o;
      }
      if (!ir::IsValueOutput(it->kind)) {
        if (report)
          ReportIn(env, DiagKind::WrongOutputKind, e.range,
                   fmt::format("`{}.{}` is a {} output; conditions read value outputs (`out x: bool from \"file\"`)",
                               head, o.name, ir::OutputKindName(it->kind)))
              .Note(it->range, "declared here");
        return o;
      }
      type->kind = it->kind == ir::OutputKind::Bool ? TypeKind::Bool
                   : it->kind == ir::OutputKind::Int ? TypeKind::Int
                   : it->kind == ir::OutputKind::Float ? TypeKind::Float
                                                       : TypeKind::String;
      // Reading an upstream value implies waiting for it.
      AddNeed(job, *cell, false, ir::Need::Origin::Data, e.range);
      return o;
    }
    if (auto v = EvalName(e.name, env, "a condition")) {
      o.literal = *v;
      *type = v->type;
    } else {
      type->kind = TypeKind::Secret;  // already reported; silence follow-up type errors
    }
    return o;
  }

  // ---------------------------------------------------------------- stages and triggers
  // GitLab's rule, made explicit: a job with neither `needs` nor `in` (nor a value gate) waits
  // for every job of the earlier stages; a job with any of them waits only for those.
  void AddStageEdges() {
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < out_.stages.size(); ++i) index[out_.stages[i]] = i;
    std::vector<size_t> per_stage(out_.stages.size(), 0);
    for (const ir::Job& j : out_.jobs)
      if (!j.stage.empty()) ++per_stage[index[j.stage]];
    size_t edges = 0;
    const ir::Job* biggest = nullptr;
    for (const ir::Job& j : out_.jobs) {
      if (j.stage.empty() || !j.needs.empty()) continue;
      for (size_t s = 0; s < index[j.stage]; ++s) edges += per_stage[s];
      if (!biggest || index[j.stage] > index[biggest->stage]) biggest = &j;
    }
    if (edges > kMaxStageEdges) {
      Report(DiagKind::TooManyJobs, biggest->range,
             fmt::format("stage order would make {} implied needs (every job without `needs` waits for every "
                         "job of the earlier stages); the limit is {}",
                         edges, kMaxStageEdges))
          .Note({}, "give the jobs of the big stages explicit `needs`, or split the pipeline with `trigger pipeline`");
      return;
    }
    for (ir::Job& j : out_.jobs) {
      if (j.stage.empty() || !j.needs.empty()) continue;
      size_t mine = index[j.stage];
      for (const ir::Job& other : out_.jobs) {
        if (other.stage.empty() || index[other.stage] >= mine) continue;
        ir::Need n;
        n.job = other.name;
        n.origin = ir::Need::Origin::Stage;
        n.artifacts = false;
        n.range = j.range;
        j.needs.push_back(n);
      }
    }
  }

  void ComputeTriggers() {
    std::vector<std::string> all;
    for (const ir::Trigger& t : out_.triggers) all.push_back(t.Id());
    if (all.empty() && !out_.jobs.empty()) {
      Report(DiagKind::UnknownName, main_->ast->header ? main_->ast->header->range : out_.jobs[0].range,
             "the pipeline declares no trigger, so nothing ever runs it; add e.g. `on push`");
    }
    ComputeActiveTriggers(out_, all, sink_);
  }

  void RecordUsage() {
    for (const auto& v : vars_)
      if (v->module == main_)
        out_.declarations.push_back({"var", v->decl->name.text, v->decl->name.range, v->used});
    for (const auto& t : templates_)
      if (t->module == main_)
        out_.declarations.push_back({"template", t->decl->name.text, t->decl->name.range, t->used});
    for (const auto& c : caches_)
      if (c->module == main_)
        out_.declarations.push_back({"cache", c->decl->name.text, c->decl->name.range, c->used});
    for (const auto& [n, s] : secrets_) {
      bool used = s.used;
      for (const ir::Job& j : out_.jobs)
        for (const ir::EnvVar& e : j.env)
          if (e.secret == n) used = true;
      out_.declarations.push_back({"secret", n, s.decl->name.range, used});
    }
    std::sort(out_.declarations.begin(), out_.declarations.end(),
              [](const ir::Usage& a, const ir::Usage& b) { return a.range < b.range; });
  }

  SourceManager& sm_;
  DiagnosticSink& sink_;
  ModuleLoader loader_;
  Module* main_ = nullptr;
  ir::Pipeline out_;
  std::map<const Module*, ModuleScope> scopes_;
  std::vector<std::unique_ptr<TemplateSym>> templates_;
  std::vector<std::unique_ptr<VarSym>> vars_;
  std::vector<std::pair<std::string, VarSym*>> all_vars_;
  std::vector<std::unique_ptr<CacheSym>> caches_;
  std::map<std::string, SecretSym> secrets_;
  std::map<std::string, ir::Param> inputs_;
  std::map<std::string, SourceRange> stage_ranges_;
  bool declared_stages_ = false;
  std::map<std::string, const ast::JobDecl*> job_decls_;
  std::set<std::string> job_names_;
  std::vector<JobSpec> specs_;
  std::map<std::string, JobSpec*> base_of_;
  std::map<std::string, std::vector<std::string>> matrix_order_;
  std::map<std::string, std::vector<ir::Output>> outputs_;
  std::set<std::string> lowered_caches_;
};

}  // namespace

std::optional<ir::Pipeline> AnalyzeFile(const std::string& path, SourceManager& sm,
                                        DiagnosticSink& sink) {
  Analyzer a(sm, sink);
  return a.Run(a.loader().LoadMain(path));
}

std::optional<ir::Pipeline> AnalyzeLoaded(FileId main, SourceManager& sm, DiagnosticSink& sink) {
  Analyzer a(sm, sink);
  return a.Run(a.loader().LoadMainLoaded(main));
}

}  // namespace pipec::sema
