#include "compiler/emit/ci_condition.h"


#include <algorithm>

#include "compiler/ir/conditions.h"
#include "compiler/emit/emit_util.h"
#include "compiler/emit/git_refs.h"
#include "compiler/emit/glob.h"
#include "compiler/emit/names.h"
#include "compiler/support/glob.h"

namespace pipec::emit {

CiCond CiCond::Compare(Test t, std::string var, std::string value, bool value_is_var) {
  CiCond c;
  c.kind = Kind::Test;
  c.test = t;
  c.var = std::move(var);
  c.value = std::move(value);
  c.value_is_var = value_is_var;
  return c;
}

namespace {

bool Same(const CiCond& a, const CiCond& b) {
  if (a.kind != b.kind || a.args.size() != b.args.size()) return false;
  if (a.kind == CiCond::Kind::Test)
    return a.test == b.test && a.var == b.var && a.value == b.value && a.value_is_var == b.value_is_var;
  for (size_t i = 0; i < a.args.size(); ++i)
    if (!Same(a.args[i], b.args[i])) return false;
  return true;
}

bool Contains(const std::vector<CiCond>& list, const CiCond& c) {
  return std::any_of(list.begin(), list.end(), [&](const CiCond& x) { return Same(x, c); });
}

// Adds `a` to the operands of an And (`conjunction`) or Or, keeping generated rules free of
// repeated terms: `X && X` is `X`, `X && (X || Y)` is `X`, `X || (X && Y)` is `X`.
void AddOperand(std::vector<CiCond>& ops, CiCond a, CiCond::Kind absorbing) {
  if (Contains(ops, a)) return;
  if (a.kind == absorbing &&
      std::any_of(a.args.begin(), a.args.end(), [&](const CiCond& x) { return Contains(ops, x); }))
    return;
  std::erase_if(ops, [&](const CiCond& x) { return x.kind == absorbing && Contains(x.args, a); });
  ops.push_back(std::move(a));
}

}  // namespace

CiCond CiCond::All(std::vector<CiCond> args) {
  CiCond out;
  out.kind = Kind::And;
  std::vector<CiCond> flat;
  for (CiCond& a : args) {
    if (a.kind == Kind::True) continue;
    if (a.kind == Kind::False) return Never();
    if (a.kind == Kind::And) {
      for (CiCond& b : a.args) flat.push_back(std::move(b));
    } else {
      flat.push_back(std::move(a));
    }
  }
  for (CiCond& a : flat) AddOperand(out.args, std::move(a), Kind::Or);
  // `$X && $X == "main"`: the comparison already says that X is set.
  std::erase_if(out.args, [&](const CiCond& set) {
    return set.kind == Kind::Test && set.test == Test::Set &&
           std::any_of(out.args.begin(), out.args.end(), [&](const CiCond& eq) {
             return eq.kind == Kind::Test && eq.test == Test::Eq && eq.var == set.var &&
                    !eq.value_is_var && !eq.value.empty();
           });
  });
  if (out.args.empty()) return Always();
  if (out.args.size() == 1) return out.args[0];
  return out;
}

CiCond CiCond::Any(std::vector<CiCond> args) {
  CiCond out;
  out.kind = Kind::Or;
  std::vector<CiCond> flat;
  for (CiCond& a : args) {
    if (a.kind == Kind::False) continue;
    if (a.kind == Kind::True) return Always();
    if (a.kind == Kind::Or) {
      for (CiCond& b : a.args) flat.push_back(std::move(b));
    } else {
      flat.push_back(std::move(a));
    }
  }
  for (CiCond& a : flat) AddOperand(out.args, std::move(a), Kind::And);
  if (out.args.empty()) return Never();
  if (out.args.size() == 1) return out.args[0];
  return out;
}

CiCond Negate(const CiCond& c) {
  using K = CiCond::Kind;
  using T = CiCond::Test;
  switch (c.kind) {
    case K::True: return CiCond::Never();
    case K::False: return CiCond::Always();
    case K::And:
    case K::Or: {
      std::vector<CiCond> args;
      for (const CiCond& a : c.args) args.push_back(Negate(a));
      return c.kind == K::And ? CiCond::Any(std::move(args)) : CiCond::All(std::move(args));
    }
    case K::Test: {
      CiCond n = c;
      switch (c.test) {
        case T::Eq: n.test = T::Ne; break;
        case T::Ne: n.test = T::Eq; break;
        case T::Match: n.test = T::NoMatch; break;
        case T::NoMatch: n.test = T::Match; break;
        case T::Set: n.test = T::Unset; break;
        case T::Unset: n.test = T::Set; break;
      }
      return n;
    }
  }
  return c;
}

namespace {

std::string RulesTest(const CiCond& c) {
  using T = CiCond::Test;
  std::string v = "$" + c.var;
  std::string rhs = c.value_is_var ? "$" + c.value : GitLabString(c.value);
  switch (c.test) {
    case T::Eq: return v + " == " + rhs;
    case T::Ne: return v + " != " + rhs;
    case T::Match: return v + " =~ " + GlobToGitLabRegex(c.value);
    case T::NoMatch: return v + " !~ " + GlobToGitLabRegex(c.value);
    case T::Set: return v;
    case T::Unset: return "(" + v + " == null || " + v + " == \"\")";
  }
  return v;
}

// A glob as a `case` pattern: literal runs quoted, `*` and `?` left to the shell.
std::string ShellPattern(std::string_view glob) {
  std::string out, lit;
  auto flush = [&] {
    if (!lit.empty()) out += ShellQuote(lit);
    lit.clear();
  };
  for (char c : glob) {
    if (c == '*' || c == '?') {
      flush();
      out += c;
    } else {
      lit += c;
    }
  }
  flush();
  if (out.empty()) out = "''";
  return out;
}

std::string ShellTest(const CiCond& c) {
  using T = CiCond::Test;
  std::string v = "\"${" + c.var + ":-}\"";
  std::string rhs = c.value_is_var ? "\"${" + c.value + ":-}\"" : ShellQuote(c.value);
  switch (c.test) {
    case T::Eq: return "[ " + v + " = " + rhs + " ]";
    case T::Ne: return "[ " + v + " != " + rhs + " ]";
    case T::Match: return "case " + v + " in " + ShellPattern(c.value) + ") true ;; *) false ;; esac";
    case T::NoMatch:
      return "case " + v + " in " + ShellPattern(c.value) + ") false ;; *) true ;; esac";
    case T::Set: return "[ -n " + v + " ]";
    case T::Unset: return "[ -z " + v + " ]";
  }
  return "true";
}

std::string Render(const CiCond& c, bool shell, bool nested) {
  using K = CiCond::Kind;
  switch (c.kind) {
    case K::True: return shell ? "true" : "$CI_PIPELINE_SOURCE";  // never rendered for rules
    case K::False: return shell ? "false" : "$PIPEC_NEVER == \"never\"";
    case K::Test: return shell ? ShellTest(c) : RulesTest(c);
    case K::And:
    case K::Or: {
      std::string op = c.kind == K::And ? " && " : " || ";
      std::string out;
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i) out += op;
        out += Render(c.args[i], shell, true);
      }
      if (!nested) return out;
      return shell ? "{ " + out + "; }" : "(" + out + ")";
    }
  }
  return "";
}

CiCond Src(std::string_view source) {
  return CiCond::Compare(CiCond::Test::Eq, "CI_PIPELINE_SOURCE", std::string(source));
}

CiCond AnyGlob(const std::string& var, const std::vector<std::string>& globs) {
  std::vector<CiCond> alts;
  for (const std::string& g : globs) {
    if (g.find_first_of("*?") == std::string::npos)
      alts.push_back(CiCond::Compare(CiCond::Test::Eq, var, g));
    else
      alts.push_back(CiCond::Compare(CiCond::Test::Match, var, g));
  }
  return CiCond::Any(std::move(alts));
}

// An operand as a CI variable (or a literal). Returns false for a literal.
bool OperandVar(const ir::Operand& o, std::string& var, std::string& literal, DiagnosticSink& diags) {
  switch (o.kind) {
    case ir::Operand::Kind::Literal: literal = o.literal.ToString(); return false;
    case ir::Operand::Kind::Input: var = InputVarName(o.name); return true;
    case ir::Operand::Kind::Output: var = ValueVarName(o.job, o.name); return true;
    case ir::Operand::Kind::Git:
      if (auto f = FindGitField(o.name)) {
        var = std::string(f->ci_variable);
      } else {
        diags.Report(DiagKind::EmitUnknownGitField, o.range,
                     "`git." + o.name + "` is not a known git field; expected one of " +
                         KnownGitFields());
        var = "PIPEC_UNKNOWN_GIT_FIELD";
      }
      return true;
  }
  return false;
}

CiCond Compare(const ir::Condition& c, DiagnosticSink& diags) {
  std::string lv, ll, rv, rl;
  bool lvar = OperandVar(c.left, lv, ll, diags);
  bool rvar = OperandVar(c.right, rv, rl, diags);
  using T = CiCond::Test;
  T t = c.op == ir::Condition::Op::Eq ? T::Eq : T::Ne;
  if (!lvar && !rvar) {
    bool eq = ll == rl;
    return (eq == (t == T::Eq)) ? CiCond::Always() : CiCond::Never();
  }
  // In Pipe an unset value reads as "" (git.tag outside tag pipelines); in GitLab's rules an
  // unset variable is null, and `null != ""` holds: compare with "" as set / unset tests.
  auto with_literal = [&](const std::string& var, const std::string& lit) {
    if (lit.empty()) return CiCond::Compare(t == T::Eq ? T::Unset : T::Set, var, "");
    return CiCond::Compare(t, var, lit);
  };
  if (!lvar) return with_literal(rv, ll);
  if (!rvar) return with_literal(lv, rl);
  return CiCond::Compare(t, lv, rv, true);
}

}  // namespace

std::string RenderRulesIf(const CiCond& c) { return Render(c, false, false); }
std::string RenderShell(const CiCond& c) { return Render(c, true, false); }

CiCond TriggerCond(const ir::Trigger& t, bool as_child) {
  using T = CiCond::Test;
  switch (t.kind) {
    case ir::TriggerKind::Push: {
      // A tag push is also source "push"; CI_COMMIT_BRANCH is set only for branch pipelines.
      std::vector<CiCond> all{Src("push"), CiCond::Compare(T::Set, "CI_COMMIT_BRANCH", "")};
      if (!t.branches.empty()) all.push_back(AnyGlob("CI_COMMIT_BRANCH", t.branches));
      return CiCond::All(std::move(all));
    }
    case ir::TriggerKind::MergeRequest: {
      std::vector<CiCond> all{Src("merge_request_event")};
      if (!t.targets.empty()) all.push_back(AnyGlob("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", t.targets));
      return CiCond::All(std::move(all));
    }
    case ir::TriggerKind::Tag:
      if (t.tag_pattern.empty() || t.tag_pattern == "*")
        return CiCond::Compare(T::Set, "CI_COMMIT_TAG", "");
      return AnyGlob("CI_COMMIT_TAG", {t.tag_pattern});
    case ir::TriggerKind::Schedule:
      // A schedule without a cron is every schedule of the project's settings (sema: the
      // pipeline's only one); the others set PIPEC_SCHEDULE (the schedules manifest).
      if (t.cron.empty()) return Src("schedule");
      return CiCond::All({Src("schedule"), CiCond::Compare(T::Eq, "PIPEC_SCHEDULE", t.name)});
    case ir::TriggerKind::Manual:
      if (as_child) return CiCond::Any({Src("web"), Src("parent_pipeline")});
      return Src("web");
    case ir::TriggerKind::Webhook:
      return CiCond::All({CiCond::Any({Src("trigger"), Src("api")}),
                          CiCond::Compare(T::Eq, "PIPEC_WEBHOOK", t.name)});
  }
  return CiCond::Never();
}

CiCond TriggersCond(const ir::Pipeline& p, const std::vector<std::string>& ids, bool as_child) {
  std::vector<CiCond> alts;
  for (const ir::Trigger& t : p.triggers)
    if (std::find(ids.begin(), ids.end(), t.Id()) != ids.end()) alts.push_back(TriggerCond(t, as_child));
  return CiCond::Any(std::move(alts));
}

CiCond FromCondition(const ir::Pipeline& p, const ir::Condition& c, bool as_child,
                     DiagnosticSink& diags) {
  using Op = ir::Condition::Op;
  switch (c.op) {
    case Op::True: return CiCond::Always();
    case Op::And:
    case Op::Or: {
      std::vector<CiCond> args;
      for (const ir::Condition& a : c.args) args.push_back(FromCondition(p, a, as_child, diags));
      return c.op == Op::And ? CiCond::All(std::move(args)) : CiCond::Any(std::move(args));
    }
    case Op::Not:
      if (c.args.empty()) return CiCond::Never();
      return Negate(FromCondition(p, c.args[0], as_child, diags));
    case Op::TriggerIn: return TriggersCond(p, c.triggers, as_child);
    case Op::Eq:
    case Op::Ne: return Compare(c, diags);
    case Op::Matches: {
      std::string var, lit;
      std::string glob = c.right.literal.ToString();
      if (!OperandVar(c.left, var, lit, diags))
        return GlobMatch(glob, lit, GlobSyntax::Name) ? CiCond::Always() : CiCond::Never();
      return CiCond::Compare(CiCond::Test::Match, var, glob);
    }
    case Op::Truthy: {
      std::string var, lit;
      if (!OperandVar(c.left, var, lit, diags))
        return lit == "true" ? CiCond::Always() : CiCond::Never();
      if (c.left.kind == ir::Operand::Kind::Git) return CiCond::Compare(CiCond::Test::Set, var, "");
      return CiCond::Compare(CiCond::Test::Eq, var, "true");
    }
    // No CI variable says which files changed: the GitLab emitter writes the term as the
    // rule's `changes:` (sema keeps it a top-level `and` term, so the rest is ANDed with it).
    case Op::Changed: return CiCond::Always();
  }
  return CiCond::Always();
}

bool ReadsOutputs(const ir::Condition& c) {
  if (c.left.kind == ir::Operand::Kind::Output || c.right.kind == ir::Operand::Kind::Output)
    if (c.op == ir::Condition::Op::Eq || c.op == ir::Condition::Op::Ne ||
        c.op == ir::Condition::Op::Matches || c.op == ir::Condition::Op::Truthy)
      return true;
  for (const ir::Condition& a : c.args)
    if (ReadsOutputs(a)) return true;
  return false;
}

bool TestsTrigger(const ir::Condition& c) {
  if (c.op == ir::Condition::Op::TriggerIn) return true;
  for (const ir::Condition& a : c.args)
    if (TestsTrigger(a)) return true;
  return false;
}

void CollectOutputJobs(const ir::Condition& c, std::vector<std::string>& jobs) {
  ir::ForEachOutputRead(c, [&](const ir::Operand& o) {
    if (std::find(jobs.begin(), jobs.end(), o.job) == jobs.end()) jobs.push_back(o.job);
  });
}

void CollectOutputJobIds(const ir::Condition& c, std::vector<ir::JobId>& jobs) {
  ir::ForEachOutputRead(c, [&](const ir::Operand& o) {
    if (std::find(jobs.begin(), jobs.end(), o.job_id) == jobs.end()) jobs.push_back(o.job_id);
  });
}

bool TriggerRestricted(const ir::Pipeline& p, const ir::Job& job) {
  if (p.triggers.empty()) return false;
  for (const ir::Trigger& t : p.triggers)
    if (std::find(job.active_triggers.begin(), job.active_triggers.end(), t.Id()) ==
        job.active_triggers.end())
      return true;
  return false;
}

}  // namespace pipec::emit
