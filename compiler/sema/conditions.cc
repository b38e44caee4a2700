// `when` conditions lowered to ir::Condition, with their type checks.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <algorithm>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

ir::Condition Analyzer::LowerCond(const ast::Condition& c, const Env& env, ir::Job& job,
                                  bool report) {
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
    case Op::Changed:
      out.op = ir::Condition::Op::Changed;
      for (const ast::StringLit& lit : c.paths) {
        out.paths.push_back(PlainString(lit, "a changed-path pattern"));
        if (report) CheckChangedPath(out.paths.back(), lit.range, env, "a changed-path pattern");
      }
      if (report && c.paths.empty())
        ReportIn(env, DiagKind::InvalidValue, c.range,
                 "`changed` needs at least one path pattern, such as `changed [\"api/**\"]`");
      return out;
    case Op::Eq:
    case Op::Ne:
    case Op::Matches:
    case Op::Truthy:
      break;
  }
  out.op = c.op == Op::Eq        ? ir::Condition::Op::Eq
           : c.op == Op::Ne      ? ir::Condition::Op::Ne
           : c.op == Op::Matches ? ir::Condition::Op::Matches
                                 : ir::Condition::Op::Truthy;
  ir::Type lt, rt;
  out.left = LowerOperand(c.left, env, job, report, &lt);
  if (c.op == Op::Eq || c.op == Op::Ne) {
    out.right = LowerOperand(c.right, env, job, report, &rt);
    bool numeric = (lt.kind == TypeKind::Int || lt.kind == TypeKind::Float) &&
                   (rt.kind == TypeKind::Int || rt.kind == TypeKind::Float);
    if (report && !(lt == rt) && !numeric && lt.kind != TypeKind::Secret &&
        rt.kind != TypeKind::Secret && !(Assignable(lt, rt) || Assignable(rt, lt)))
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

// Path globs that GitLab (Ruby's File.fnmatch with FNM_PATHNAME) and git pathspecs (what
// the GitHub lowering and `pipec run` diff with) read alike once a trailing `**` is written
// `**/*` (emit/glob.h): `**` must begin a path segment; `*`, `?` and classes stay in one.
void Analyzer::CheckChangedPath(const std::string& p, SourceRange r, const Env& env,
                                std::string_view what) {
  CheckRelativePath(p, r, env, what);
  for (size_t at = p.find("**"); at != std::string::npos; at = p.find("**", at + 2)) {
    if (at > 0 && p[at - 1] != '/') {
      ReportIn(env, DiagKind::InvalidValue, r,
               fmt::format("`**` must begin a path segment (`src/**/*.py`, `**/*.md`); in `{}` it "
                           "follows other characters, which GitLab reads as a single `*`",
                           p));
      return;
    }
    while (at + 2 < p.size() && p[at + 2] == '*') ++at;
  }
}

ir::Operand Analyzer::LowerOperand(const ast::Expr& e, const Env& env, ir::Job& job, bool report,
                                   ir::Type* type) {
  ir::Operand o;
  o.range = e.range;
  if (e.kind != ast::Expr::Kind::Name) {
    if (e.kind == ast::Expr::Kind::String && e.str.HasInterpolation() && report)
      ReportIn(env, DiagKind::InvalidValue, e.range,
               "conditions compare plain values; write `git.branch == \"main\"`");
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
      if (report)
        ReportIn(env, DiagKind::SelfDependency, e.range,
                 "a job's condition cannot read its own output");
      return o;
    }
    auto cell = MatchCell(
        head,
        [&] {
          std::map<std::string, ir::Value> c;
          for (const auto& [k, v] : job.matrix) {
            ir::Value value;
            value.type.kind = TypeKind::String;
            value.string_value = v;
            c[k] = std::move(value);
          }
          return c;
        }(),
        env, e.range);
    if (!cell) return o;
    o.job = *cell;
    const auto& outs = outputs_[*cell];
    auto it = std::find_if(outs.begin(), outs.end(),
                           [&](const ir::Output& x) { return x.name == o.name; });
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
                 fmt::format("`{}.{}` is a {} output; conditions read value outputs (`out x: bool "
                             "from \"file\"`)",
                             head, o.name, ir::OutputKindName(it->kind)))
            .Note(it->range, "declared here");
      return o;
    }
    type->kind = it->kind == ir::OutputKind::Bool    ? TypeKind::Bool
                 : it->kind == ir::OutputKind::Int   ? TypeKind::Int
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

}  // namespace pipec::sema
