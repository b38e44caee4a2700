// Compile-time values: vars, literals, lists, typed evaluation.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

void Analyzer::EvalVar(VarSym& v) {
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
    v.value =
        EvalTyped(v.decl->value, t, env,
                  Where::Formatted([&] { return fmt::format("var `{}`", v.decl->name.text); }));
    if (!v.value) v.failed = true;
  }
  v.evaluating = false;
}

// Evaluates a compile-time expression. Secrets are refused here: they are not values.
std::optional<ir::Value> Analyzer::Eval(const ast::Expr& e, const Env& env, const Where& where) {
  ir::Value v;
  switch (e.kind) {
    case ast::Expr::Kind::String: {
      v.type.kind = TypeKind::String;
      ir::Text t = LowerText(e.str, env, nullptr, where);
      if (!t.IsLiteral()) {
        ReportIn(env, DiagKind::InvalidValue, e.range,
                 fmt::format("{} must be known when the pipeline is compiled; `git.*` and "
                             "`inputs.*` are only known when it runs",
                             where.str()));
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
    case ast::Expr::Kind::Name:
      return EvalName(e.name, env, where);
  }
  return std::nullopt;
}

std::optional<ir::Value> Analyzer::EvalName(const ast::QualifiedName& q, const Env& env,
                                            const Where& where) {
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

std::optional<ir::Value> Analyzer::EvalTyped(const ast::Expr& e, const ir::Type& want,
                                             const Env& env, const Where& where) {
  auto v = Eval(e, env, where);
  if (!v) return std::nullopt;
  // An empty list takes the expected element type.
  if (v->type.kind == TypeKind::List && v->list.empty() && want.kind == TypeKind::List)
    v->type = want;
  if (!Assignable(want, v->type)) {
    ReportIn(env, DiagKind::TypeMismatch, e.range,
             fmt::format("{} expects {}, but this is {}", where.str(), ir::TypeName(want),
                         ir::TypeName(v->type)));
    return std::nullopt;
  }
  return Convert(*v, want);
}

}  // namespace pipec::sema
